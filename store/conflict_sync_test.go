package store

import (
	"encoding/json"
	"testing"

	"movedesk/change"
)

func openDesk(t *testing.T, desk string) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), Options{Desk: desk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// allOps returns every op in s's log (as another replica would pull them).
func allOps(t *testing.T, s *Store) []change.Op {
	t.Helper()
	ents, err := s.Log(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	ops := make([]change.Op, len(ents))
	for i, e := range ents {
		ops[i] = e.Op
	}
	return ops
}

func merge(t *testing.T, s *Store, ops []change.Op, mo MergeOptions) MergeResult {
	t.Helper()
	var res MergeResult
	if err := s.Update("sync", func(tx *Tx) error {
		var err error
		res, err = tx.Merge(ops, mo)
		return err
	}); err != nil {
		t.Fatalf("merge into %s: %v", s.Desk(), err)
	}
	return res
}

// TestPublishedConflictTravelsAndResolvesEverywhere: a conflict found with
// Publish becomes the record <case>/conflict/<id>; a replica merging that
// record lists the conflict; a resolution at that replica, merged back,
// closes it at the first.
func TestPublishedConflictTravelsAndResolvesEverywhere(t *testing.T) {
	no := "RBA-2026-000001"
	origin := openDesk(t, "d0")
	if err := origin.PutRecords("amina", sampleCase(no)...); err != nil {
		t.Fatal(err)
	}
	base := allOps(t, origin)
	hub, other := openDesk(t, "hub"), openDesk(t, "d2")
	all := func(uint64, *change.Op) bool { return true }
	merge(t, hub, base, MergeOptions{Seen: all})
	merge(t, other, base, MergeOptions{Seen: all})

	clash := func(desk string, hlc change.HLC, v string) change.Op {
		return change.Op{Desk: desk, Seq: 100, Actor: desk + "-user", HLC: hlc, Kind: "case", Key: no,
			Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"` + v + `"`)}}
	}
	none := func(uint64, *change.Op) bool { return false }
	res := merge(t, hub, []change.Op{clash("d1", base[0].HLC+10, "one"), clash("d3", base[0].HLC+20, "three")},
		MergeOptions{Seen: none, Publish: true, Actor: "hub"})
	if res.Conflicts != 1 || res.Published != 1 {
		t.Fatalf("hub merge: %+v", res)
	}
	cs, _ := hub.Conflicts(false)
	if len(cs) != 1 {
		t.Fatalf("hub conflicts %+v", cs)
	}
	c := cs[0]
	if string(c.Winner.Value) != `"three"` || string(c.Loser.Value) != `"one"` || !c.At.Equal(c.Winner.HLC.Time()) {
		t.Fatalf("conflict %+v", c)
	}
	var rec map[string]any
	if err := hub.View(func(tx *Tx) error {
		ok, err := tx.Get(ConflictRecordKey(c), &rec)
		if !ok && err == nil {
			t.Fatalf("no record %s", ConflictRecordKey(c))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// The other desk pulls the hub's log: it lists the same conflict.
	hubOps := allOps(t, hub)
	res = merge(t, other, hubOps, MergeOptions{Seen: all})
	if res.Conflicts != 1 || res.Published != 0 {
		t.Fatalf("other merge: %+v", res)
	}
	if got, _ := other.Conflicts(false); len(got) != 1 || got[0].ID != c.ID || string(got[0].Loser.Value) != `"one"` {
		t.Fatalf("other lists %+v", got)
	}
	// Merging the same ops again changes nothing.
	if res = merge(t, other, hubOps, MergeOptions{Seen: all}); res.Applied != 0 || res.Conflicts != 0 {
		t.Fatalf("second merge: %+v", res)
	}

	// Resolved at the other desk: the hub, merging its ops, closes it.
	before := other.LogLen()
	if _, err := other.ResolveConflict("karim", c.ID, "loser"); err != nil {
		t.Fatal(err)
	}
	ents, _ := other.Log(before, 0)
	var resolution []change.Op
	for _, e := range ents {
		resolution = append(resolution, e.Op)
	}
	if len(resolution) != 2 {
		t.Fatalf("resolution wrote %d ops, want the value and the conflict record", len(resolution))
	}
	merge(t, hub, resolution, MergeOptions{Seen: all, Publish: true, Actor: "hub"})
	if n := hub.OpenConflicts(); n != 0 {
		t.Fatalf("hub: %d open after the resolution arrived", n)
	}
	got, _ := hub.Conflicts(true)
	if len(got) != 1 || got[0].ResolvedBy != "karim" || got[0].Resolution != "loser" {
		t.Fatalf("hub after resolution: %+v", got)
	}
	var cas struct {
		Notes string `json:"notes"`
	}
	hub.View(func(tx *Tx) error { _, err := tx.Get(no, &cas); return err })
	if cas.Notes != "one" {
		t.Fatalf("hub notes %q after taking the loser", cas.Notes)
	}
}

// TestUnreadableConflictRecordDoesNotStopSync: a conflict record this
// version cannot read is kept as a record but neither fails the merge nor
// shows as a conflict.
func TestUnreadableConflictRecordDoesNotStopSync(t *testing.T) {
	no := "RBA-2026-000002"
	origin := openDesk(t, "d0")
	if err := origin.PutRecords("amina", sampleCase(no)...); err != nil {
		t.Fatal(err)
	}
	s := openDesk(t, "d1")
	all := func(uint64, *change.Op) bool { return true }
	ops := append(allOps(t, origin), change.Op{Desk: "d0", Seq: 99, HLC: 1, Kind: KindConflict, Key: no + "/conflict/cbad",
		Fields: map[string]json.RawMessage{"id": json.RawMessage(`7`)}})
	if res := merge(t, s, ops, MergeOptions{Seen: all}); res.Conflicts != 0 {
		t.Fatalf("%+v", res)
	}
	if n := s.OpenConflicts(); n != 0 {
		t.Fatalf("%d conflicts listed", n)
	}
	if _, ok, _ := s.getRawForTest(no + "/conflict/cbad"); !ok {
		t.Fatal("the record was dropped")
	}
}

func (s *Store) getRawForTest(key string) (raw []byte, ok bool, err error) {
	err = s.View(func(tx *Tx) error {
		raw, ok, err = tx.GetRaw(key)
		return err
	})
	return raw, ok, err
}
