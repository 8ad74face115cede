package central_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"movedesk/central"
	"movedesk/store"
	"movedesk/wire"
)

// FuzzHubApplyBatch sends arbitrary batches of one desk's ops, from
// arbitrary store instances and positions, through the hub's handler (its
// checks of office, role, history and invariants, then the merge) into one
// hub store that keeps what each accepted. Every answer is a 200 that
// decodes and carries nothing of another office, or a 4xx: never a 500,
// which would be a batch the hub cannot judge.
func FuzzHubApplyBatch(f *testing.F) {
	dir := f.TempDir()
	s, err := store.Open(dir, store.Options{Desk: "hub", NoSync: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	tok, err := central.AddDesk(dir, "RBA", "rba-1")
	if err != nil {
		f.Fatal(err)
	}
	other, err := central.AddDesk(dir, "CAI", "cai-1")
	if err != nil {
		f.Fatal(err)
	}
	h := central.New(s, dir)
	h.Log = func(string, ...any) {}
	h.Limits.DeskRate, h.Limits.DeskBurst = 1e9, 1<<30 // no 429s here
	handler := h.Handler()
	post := func(tok string, req wire.SyncRequest) (int, []byte) {
		body, err := wire.Encode(req)
		if err != nil {
			return 0, nil
		}
		hr := httptest.NewRequest(http.MethodPost, wire.Path, bytes.NewReader(body))
		hr.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, hr)
		return w.Code, w.Body.Bytes()
	}
	// The other office's case, so a batch can reach for it.
	if code, _ := post(other, wire.SyncRequest{Desk: "d-cai", Proto: wire.Proto, Instance: "i-cai",
		Ops: []wire.Op{newCaseOf("CAI-2026-000001", "CAI", 1)}}); code != http.StatusOK {
		f.Fatalf("seeding the other office: %d", code)
	}

	seed := func(inst string, pushed uint64, ops ...wire.Op) {
		b, _ := json.Marshal(ops)
		f.Add(b, inst, pushed, uint64(0))
	}
	now := uint64(time.Now().UnixMilli()) << 16
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	seed("i-1", 0, newCase("RBA-2026-000001", 1))
	seed("i-1", 1, wire.Op{Seq: 2, HLC: now, Key: "RBA-2026-000001", Fields: map[string]json.RawMessage{"priority": raw("2")}},
		wire.Op{Seq: 3, HLC: now + 1, Key: "RBA-2026-000001/traveller/01", Fields: map[string]json.RawMessage{"given_names": raw(`"Omar"`), "surname": raw(`"Ali"`)}})
	seed("i-2", 0, wire.Op{Seq: 2, HLC: now + 5, Key: "RBA-2026-000001", Fields: map[string]json.RawMessage{"status": raw(`"cancelled"`)}})
	seed("i-1", 3, wire.Op{Seq: 4, HLC: now, Key: "CAI-2026-000001", Fields: map[string]json.RawMessage{"notes": raw(`"x"`)}})
	seed("i-1", 3, wire.Op{Seq: 4, HLC: now, Key: "~tariffs/v1", Fields: map[string]json.RawMessage{"x": raw("1")}})
	seed("i-3", 9, wire.Op{Seq: 10, HLC: now, Key: "RBA-2026-000002", Fields: map[string]json.RawMessage{"number": raw(`"RBA-2026-000002"`), "office": raw(`"CAI"`)}})
	seed("i-1", 0, wire.Op{Seq: 1, HLC: 1, Key: "RBA-2026-000001/document/01/d1", Fields: map[string]json.RawMessage{"~deleted": raw("true")}})

	f.Fuzz(func(t *testing.T, opsJSON []byte, inst string, pushed, cursor uint64) {
		var ops []wire.Op
		if json.Unmarshal(opsJSON, &ops) != nil || len(ops) > 50 {
			return
		}
		req := wire.SyncRequest{Desk: "d-1", Proto: wire.Proto, Instance: inst, Pushed: pushed, Cursor: cursor, Lineage: "l-1", Ops: ops}
		code, body := post(tok, req)
		switch {
		case code == http.StatusOK:
			var resp wire.SyncResponse
			if err := wire.Decode(bytes.NewReader(body), wire.MaxBody, &resp); err != nil {
				t.Fatalf("a 200 that does not decode: %v", err)
			}
			for _, op := range resp.Ops {
				if strings.HasPrefix(op.Key, "CAI-") {
					t.Fatalf("desk of office RBA was answered with the other office's %s", op.Key)
				}
			}
		case code >= 400 && code < 500:
		default:
			t.Fatalf("answer %d to a batch: %.300s", code, body)
		}
	})
}

// newCaseOf is a desk's first op on a new case of office.
func newCaseOf(no, office string, seq uint64) wire.Op {
	op := newCase(no, seq)
	op.Fields["office"] = json.RawMessage(`"` + office + `"`)
	return op
}
