package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of this protocol")

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGoldenV1 decodes a request and a response as protocol 1 (before
// versions) wrote them: the hub still reads the request (and answers 426,
// see central), a desk still reads the answer.
func TestGoldenV1(t *testing.T) {
	var req SyncRequest
	if err := DecodeLimited(bytes.NewReader(gzFuzz(readGolden(t, "request-v1.json"))), Limits{Body: MaxBody, String: 64 << 10}, &req); err != nil {
		t.Fatalf("v1 request: %v", err)
	}
	if req.Proto != 0 || req.Desk != "d3fa91c02" || len(req.Ops) != 2 || req.Ops[1].Seq != 8 || req.Ops[1].HLC != req.Ops[0].HLC+1 {
		t.Fatalf("v1 request decoded as %+v", req)
	}
	var resp SyncResponse
	if err := DecodeAnswer(bytes.NewReader(gzFuzz(readGolden(t, "response-v1.json"))), MaxBody, &resp); err != nil {
		t.Fatalf("v1 response: %v", err)
	}
	if resp.Acked != 8 || resp.Cursor != 120 || !resp.More || len(resp.Ops) != 2 || resp.Ops[1].Desk != "hub" ||
		len(resp.Refused) != 1 || string(resp.Refused[0].Current["ssr"]) != "null" {
		t.Fatalf("v1 response decoded as %+v", resp)
	}
}

// TestAnswerWithUnknownFields: a desk reads a newer hub's answer, fields
// it does not know included; the hub refuses a request with one.
func TestAnswerWithUnknownFields(t *testing.T) {
	var resp SyncResponse
	if err := DecodeAnswer(bytes.NewReader(gzFuzz(readGolden(t, "response-future.json"))), MaxBody, &resp); err != nil {
		t.Fatalf("desk refuses a newer answer: %v", err)
	}
	if resp.Acked != 3 || len(resp.Ops) != 1 || resp.Ops[0].Seq != 4 {
		t.Fatalf("decoded %+v", resp)
	}
	var eb ErrorBody
	if err := DecodeAnswer(bytes.NewReader(gzFuzz([]byte(`{"error":"x","code":"upgrade","retry":{"in":3}}`))), MaxBody, &eb); err != nil || eb.Code != CodeUpgrade {
		t.Fatalf("error body: %v %+v", err, eb)
	}
	var req SyncRequest
	err := DecodeLimited(bytes.NewReader(gzFuzz([]byte(`{"desk":"d","cur":0,"v":2,"extra":1}`))), Limits{Body: MaxBody}, &req)
	if err == nil || !strings.Contains(err.Error(), "unknown field") {
		t.Fatalf("hub took an unknown field: %v", err)
	}
	err = DecodeLimited(bytes.NewReader(gzFuzz([]byte(`{"desk":"d","cur":0,"v":4,"extra":1}`))), Limits{Body: MaxBody}, &req)
	var ne *NewerError
	if !errors.As(err, &ne) || ne.Proto != 4 {
		t.Fatalf("newer request: %v", err)
	}
}

// TestGoldenV2 keeps this protocol's request and answer as they travel
// (go test ./wire -run GoldenV2 -update rewrites them, for a new version).
func TestGoldenV2(t *testing.T) {
	req := SyncRequest{Desk: "d3fa91c02", Cursor: 41, Limit: 2000, Proto: 2, Instance: "i0123456789abcdef", Pushed: 6,
		Lineage: "l0123456789abcdef", Recover: &Recover{From: 3, To: 6}, Ops: []Op{
			{Seq: 7, Actor: "amina", HLC: 0x19a4b2c3d4e0000, Key: "RBA-2026-000001", Fields: map[string]json.RawMessage{"status": json.RawMessage(`"booked"`)}},
			{Seq: 8, Actor: "amina", HLC: 0x19a4b2c3d4e0001, Key: "RBA-2026-000001/traveller/01", Fields: map[string]json.RawMessage{"ssr": json.RawMessage(`["WCHR"]`)}},
		}}
	resp := SyncResponse{Acked: 8, Cursor: 120, Head: 130, Diverged: &Divergence{Acked: 9, Pushed: 6}}
	for name, v := range map[string]any{"request-v2.json": req, "response-v2.json": resp} {
		got, _ := json.MarshalIndent(v, "", "  ")
		got = append(got, '\n')
		if *update {
			os.WriteFile("testdata/"+name, got, 0o644)
			continue
		}
		if want := readGolden(t, name); !bytes.Equal(got, want) {
			t.Errorf("%s changed:\n%s", name, got)
		}
	}
	var back SyncRequest
	if err := DecodeLimited(bytes.NewReader(gzFuzz(readGolden(t, "request-v2.json"))), Limits{Body: MaxBody}, &back); err != nil {
		t.Fatal(err)
	}
	if back.Proto != 2 || back.Instance != req.Instance || back.Lineage != req.Lineage || back.Pushed != 6 || *back.Recover != *req.Recover || back.Ops[1].Seq != 8 {
		t.Fatalf("v2 request decoded as %+v", back)
	}
	var rback SyncResponse
	if err := DecodeAnswer(bytes.NewReader(gzFuzz(readGolden(t, "response-v2.json"))), MaxBody, &rback); err != nil || *rback.Diverged != *resp.Diverged {
		t.Fatalf("v2 response: %v %+v", err, rback)
	}
}

// TestGoldenV3 keeps protocol 3's request and answer: the desk's chain on
// pushes, the hub's chain in a divergence. A v2 request still decodes (it
// carries no chain; see TestGoldenV2).
func TestGoldenV3(t *testing.T) {
	req := SyncRequest{Desk: "d3fa91c02", Cursor: 41, Limit: 2000, Proto: 3, Instance: "i0123456789abcdef", Pushed: 6,
		Lineage: "l0123456789abcdef", Ops: []Op{
			{Seq: 7, Actor: "amina", HLC: 0x19a4b2c3d4e0000, Key: "RBA-2026-000001", Fields: map[string]json.RawMessage{"status": json.RawMessage(`"booked"`)}},
			{Seq: 8, Actor: "amina", HLC: 0x19a4b2c3d4e0001, Key: "RBA-2026-000001/traveller/01", Fields: map[string]json.RawMessage{"ssr": json.RawMessage(`["WCHR"]`)}},
		},
		Chain: &Chain{PrevSeq: 6, Prev: "5f0c2b9e8a7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170605f4e3",
			Last: "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"}}
	resp := SyncResponse{Acked: 8, Cursor: 120, Head: 130, Diverged: &Divergence{Acked: 9, Pushed: 6,
		Chain: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"}}
	for name, v := range map[string]any{"request-v3.json": req, "response-v3.json": resp} {
		got, _ := json.MarshalIndent(v, "", "  ")
		got = append(got, '\n')
		if *update {
			os.WriteFile("testdata/"+name, got, 0o644)
			continue
		}
		if want := readGolden(t, name); !bytes.Equal(got, want) {
			t.Errorf("%s changed:\n%s", name, got)
		}
	}
	var back SyncRequest
	if err := DecodeLimited(bytes.NewReader(gzFuzz(readGolden(t, "request-v3.json"))), Limits{Body: MaxBody}, &back); err != nil {
		t.Fatal(err)
	}
	if back.Proto != 3 || back.Chain == nil || *back.Chain != *req.Chain || len(back.Ops) != 2 {
		t.Fatalf("v3 request decoded as %+v", back)
	}
	var rback SyncResponse
	if err := DecodeAnswer(bytes.NewReader(gzFuzz(readGolden(t, "response-v3.json"))), MaxBody, &rback); err != nil || *rback.Diverged != *resp.Diverged {
		t.Fatalf("v3 response: %v %+v", err, rback)
	}
	var v2 SyncRequest
	if err := DecodeLimited(bytes.NewReader(gzFuzz(readGolden(t, "request-v2.json"))), Limits{Body: MaxBody}, &v2); err != nil || v2.Proto != 2 || v2.Chain != nil {
		t.Fatalf("v2 request under protocol 3: %v %+v", err, v2)
	}
}
