package store

import (
	"encoding/json"
	"testing"
	"time"

	"movedesk/change"
)

// TestRenumberAndRecover: a store found behind the hub moves its unpushed
// own ops past what the hub acknowledged (log, history and own index
// together), takes a new lineage, and then takes its own ops back from the
// hub once, past the mark, without making them ops to push.
func TestRenumberAndRecover(t *testing.T) {
	s := openTemp(t)
	no := "RBA-2026-000001"
	if err := s.PutRecords("a", sampleCase(no)...); err != nil {
		t.Fatal(err)
	}
	pushed := s.LogLen()
	var lin string
	s.Update("sync", func(tx *Tx) error {
		lin, _ = tx.Lineage()
		return tx.SetReplicaUint(MetaPushed, pushed)
	})
	edit := func(v string) {
		if err := s.Update("a", func(tx *Tx) error {
			obj, _, _ := tx.object(no)
			obj["assignee"] = json.RawMessage(`"` + v + `"`)
			return tx.PutObject(no, "case", obj)
		}); err != nil {
			t.Fatal(err)
		}
	}
	edit("after.one")
	edit("after.two")
	hubAcked := pushed + 5
	var rec *Recovery
	if err := s.Update("sync", func(tx *Tx) error {
		var err error
		rec, err = tx.Renumber(pushed, hubAcked, time.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if rec.Renumbered != 2 {
		t.Fatalf("renumbered %d", rec.Renumbered)
	}
	if n, _ := s.Waiting(); n != 2 {
		t.Fatalf("waiting %d", n)
	}
	s.View(func(tx *Tx) error {
		if l := tx.ReplicaString(MetaLineage); l == lin || l == "" {
			t.Fatalf("lineage %q after %q", l, lin)
		}
		if tx.ReplicaUint(MetaPushed) != hubAcked {
			t.Fatalf("pushed %d", tx.ReplicaUint(MetaPushed))
		}
		ents, _ := tx.OwnOps(hubAcked, 0)
		if len(ents) != 2 || ents[0].Pos != hubAcked+1 || ents[0].Op.Seq != hubAcked+1 || ents[1].Op.Seq != hubAcked+2 {
			t.Fatalf("own ops %+v", ents)
		}
		if v := tx.btx.Bucket(bLog).Get(u64(pushed + 1)); v != nil {
			t.Fatal("the old position still holds an op")
		}
		return nil
	})
	hist, _ := s.History(no)
	if last := hist[len(hist)-1]; last.Seq != hubAcked+2 || string(last.Fields["assignee"]) != `"after.two"` {
		t.Fatalf("history ends with %+v", last)
	}
	// The hub sends back the own ops the store lost: once, not to push.
	back := []change.Op{
		{Desk: s.Desk(), Seq: pushed, HLC: change.MakeHLC(1, 0), Kind: "case", Key: no, Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"old"`)}},
		{Desk: s.Desk(), Seq: pushed + 3, HLC: change.MakeHLC(2, 0), Kind: "case", Key: no, Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"lost"`)}},
	}
	for round := range 2 {
		var mr MergeResult
		if err := s.Update("sync", func(tx *Tx) error {
			var err error
			mr, err = tx.Merge(back, MergeOptions{Recover: hubAcked})
			if err == nil && round == 0 {
				err = tx.Recovered(mr.Recovered, true)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if want := 1 - round; mr.Recovered != want || mr.Skipped != 1+round {
			t.Fatalf("round %d: %+v", round, mr)
		}
	}
	if n, _ := s.Waiting(); n != 2 {
		t.Fatalf("waiting %d after the recovery", n)
	}
	if r, _ := s.LastRecovery(); r == nil || !r.Done || r.Recovered != 1 {
		t.Fatalf("last recovery %+v", r)
	}
	var notes string
	s.View(func(tx *Tx) error {
		cur, _ := tx.Current(no, []string{"notes"})
		notes = string(cur["notes"])
		if tx.Recovery() != nil {
			t.Fatal("recovery still under way")
		}
		return nil
	})
	if notes != `"lost"` {
		t.Fatalf("notes %s", notes)
	}
}
