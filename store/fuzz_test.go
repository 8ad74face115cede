package store

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/change"
)

var errRollback = errors.New("rollback")

// FuzzHubMerge applies an arbitrary batch of one desk's ops with the hub's
// merge options to a store holding one case, as the hub does after a push
// passed its checks (desk, seq, key, fields, clock); the transaction is
// rolled back, so every input starts from the same store.
func FuzzHubMerge(f *testing.F) {
	s, err := Open(f.TempDir(), Options{Desk: "hub", NoSync: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	no := "RBA-2026-000001"
	if err := s.PutRecords("a", sampleCase(no)...); err != nil {
		f.Fatal(err)
	}
	hlc := uint64(change.MakeHLC(time.Now().UnixMilli(), 0))
	seed := func(ops ...change.Op) {
		b, _ := json.Marshal(ops)
		f.Add(b)
	}
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	seed(change.Op{Seq: 1, HLC: change.HLC(hlc), Key: no, Fields: map[string]json.RawMessage{"priority": raw("2")}})
	seed(change.Op{Seq: 1, HLC: change.HLC(hlc), Key: no + "/traveller/01", Fields: map[string]json.RawMessage{"ssr": raw(`["MAAS"]`), "given_names": raw(`"Omar Ali"`)}},
		change.Op{Seq: 2, HLC: change.HLC(hlc + 1), Key: no, Fields: map[string]json.RawMessage{"status": raw(`"cancelled"`), "status_reason": raw(`"dup"`)}})
	seed(change.Op{Seq: 1, HLC: change.HLC(hlc), Key: "RBA-2026-000002", Fields: map[string]json.RawMessage{"number": raw(`"RBA-2026-000002"`), "office": raw(`"RBA"`), "status": raw(`"received"`)}})
	seed(change.Op{Seq: 3, HLC: change.HLC(hlc), Key: no + "/document/01/d1", Fields: map[string]json.RawMessage{DeletedField: raw("true")}})
	seed(change.Op{Seq: 4, HLC: change.HLC(hlc), Key: no + "/conflict/c1", Fields: map[string]json.RawMessage{"key": raw(`"x"`)}})
	f.Fuzz(func(t *testing.T, batch []byte) {
		var ops []change.Op
		if json.Unmarshal(batch, &ops) != nil || len(ops) > 50 {
			return
		}
		future := change.MakeHLC(time.Now().Add(10*time.Minute).UnixMilli(), 0xffff)
		for i := range ops {
			op := &ops[i]
			// What the hub checks before merging (central.Server.serve).
			if op.Key == "" || op.Seq == 0 || len(op.Fields) == 0 || op.HLC > future {
				return
			}
			op.Desk, op.Office = "d1", "RBA"
			if op.Kind == "" {
				_, op.Kind = booking.SplitKey(op.Key)
			}
		}
		err := s.Update("desk:d1", func(tx *Tx) error {
			_, err := tx.Merge(ops, MergeOptions{
				Seen:          func(pos uint64, local *change.Op) bool { return local.Desk == "d1" },
				Union:         true,
				Actor:         "hub",
				Publish:       true,
				Authoritative: true,
			})
			if err != nil {
				return err
			}
			return errRollback
		})
		if err != nil && !errors.Is(err, errRollback) {
			// A store error on a batch is a 500 at the hub: only an
			// invariant refusal (applied per op) is expected.
			t.Fatalf("merge failed: %v", err)
		}
	})
}
