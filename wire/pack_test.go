package wire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

func TestPackRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 30).Draw(t, "n")
		ops := make([]Op, n)
		seq, hlc := uint64(rapid.IntRange(1, 100).Draw(t, "seq0")), uint64(rapid.Uint64Range(1<<40, 1<<60).Draw(t, "h0"))
		for i := range ops {
			desk := rapid.SampledFrom([]string{"", "d1", "d2"}).Draw(t, "desk")
			if rapid.Bool().Draw(t, "jump") {
				seq += uint64(rapid.IntRange(2, 50).Draw(t, "gap"))
			} else {
				seq++
			}
			if rapid.Bool().Draw(t, "back") {
				hlc -= uint64(rapid.IntRange(0, 1000).Draw(t, "dh"))
			} else {
				hlc += uint64(rapid.IntRange(0, 1<<20).Draw(t, "dh"))
			}
			ops[i] = Op{Desk: desk, Seq: seq, Actor: rapid.SampledFrom([]string{"amina", "karim"}).Draw(t, "actor"), HLC: hlc,
				Key: "RBA-2026-000001", Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"x"`)}}
		}
		for _, v := range []any{&SyncRequest{Desk: "d1", Cursor: 7, Ops: ops}, &SyncResponse{Acked: 3, Ops: ops, Cursor: 9, More: true}} {
			b, err := Encode(v)
			if err != nil {
				t.Fatal(err)
			}
			back := reflect.New(reflect.TypeOf(v).Elem()).Interface()
			if err := Decode(bytes.NewReader(b), MaxBody, back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(normalise(v), normalise(back)) {
				t.Fatalf("round trip\n got %+v\nwant %+v", back, v)
			}
		}
	})
}

func normalise(v any) any {
	b, _ := json.Marshal(v)
	var m any
	_ = json.Unmarshal(b, &m)
	return m
}

func TestUnknownFieldRefused(t *testing.T) {
	var r SyncRequest
	if err := json.Unmarshal([]byte(`{"desk":"d","cur":0,"bogus":1}`), &r); err == nil {
		t.Fatal("unknown field accepted")
	}
}
