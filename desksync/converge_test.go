package desksync_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"movedesk/booking"
	"movedesk/change"

	"movedesk/store"
)

// TestConflictKeepsBothValues: the same field edited at two desks offline
// converges to one deterministic winner, and the loser is kept in a
// conflict record (at the hub and at the desk that synced second).
func TestConflictKeepsBothValues(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	b := newDesk(t, h, "RBA", "rba-2")
	cases := fill(t, a.s, 3, "RBA", 7)
	a.sync(t)
	b.sync(t)
	edit(t, a.s, cases[0], "notes", "A says")
	edit(t, b.s, cases[0], "notes", "B says")
	edit(t, b.s, cases[0], "assignee", "grace.kim") // only B: merges silently
	a.sync(t)
	rb := b.sync(t)
	a.sync(t)
	assertConverged(t, h, a, b)
	if rb.Conflicts != 1 {
		t.Fatalf("B recorded %d conflicts, want 1", rb.Conflicts)
	}
	for _, s := range []*store.Store{h.store, b.s} {
		cs, _ := s.Conflicts(false)
		if len(cs) != 1 || cs[0].Field != "notes" || cs[0].Key != cases[0] {
			t.Fatalf("%s conflicts: %+v", s.Desk(), cs)
		}
		vals := []string{string(cs[0].Winner.Value), string(cs[0].Loser.Value)}
		slices.Sort(vals)
		if vals[0] != `"A says"` || vals[1] != `"B says"` {
			t.Fatalf("conflict values %v", vals)
		}
	}
	// Resolve at B by taking the loser: a new op that wins everywhere.
	cs, _ := b.s.Conflicts(false)
	if err := b.s.Update("tester", func(tx *store.Tx) error {
		_, err := tx.ResolveConflict(cs[0].ID, "loser")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	b.sync(t)
	a.sync(t)
	assertConverged(t, h, a, b)
	if n := b.s.OpenConflicts(); n != 0 {
		t.Fatalf("%d open after resolve", n)
	}
	var c map[string]any
	a.s.View(func(tx *store.Tx) error { _, err := tx.Get(cases[0], &c); return err })
	if c["notes"] != string(cs[0].Loser.Value[1:len(cs[0].Loser.Value)-1]) {
		t.Fatalf("resolution did not reach A: %v", c["notes"])
	}
}

// TestCancelNotUndone: a cancellation at one desk is not undone by a later
// status move at another; the move is kept as a conflict.
func TestCancelNotUndone(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	b := newDesk(t, h, "RBA", "rba-2")
	cases := fill(t, a.s, 2, "RBA", 8)
	a.sync(t)
	b.sync(t)
	// A legal move at each desk: A cancels, B (later clock) takes the case
	// off hold, back where it was.
	var held struct {
		Status   string `json:"status"`
		HeldFrom string `json:"held_from"`
	}
	b.s.View(func(tx *store.Tx) error { _, err := tx.Get(cases[0], &held); return err })
	if held.Status != "on-hold" || held.HeldFrom == "" {
		t.Fatalf("fixture: %+v", held)
	}
	edit(t, a.s, cases[0], "status", "cancelled")
	edit(t, b.s, cases[0], "status", held.HeldFrom) // later clock
	b.sync(t)
	a.sync(t)
	b.sync(t)
	assertConverged(t, h, a, b)
	var c map[string]any
	b.s.View(func(tx *store.Tx) error { _, err := tx.Get(cases[0], &c); return err })
	if c["status"] != "cancelled" {
		t.Fatalf("status %v", c["status"])
	}
	if h.store.OpenConflicts()+a.s.OpenConflicts() == 0 {
		t.Fatal("the overridden status move left no conflict record")
	}
}

// TestSetsMerge: languages edited at two desks offline merge as a set.
func TestSetsMerge(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	b := newDesk(t, h, "RBA", "rba-2")
	cases := fill(t, a.s, 2, "RBA", 9)
	a.sync(t)
	b.sync(t)
	key := cases[0] + "/traveller/01"
	edit(t, a.s, key, "languages", []string{"ar", "fr"})
	edit(t, b.s, key, "languages", []string{"ar", "ti"})
	a.sync(t)
	b.sync(t)
	a.sync(t)
	assertConverged(t, h, a, b)
	var tr map[string]any
	a.s.View(func(tx *store.Tx) error { _, err := tx.Get(key, &tr); return err })
	if fmt.Sprint(tr["languages"]) != "[ar fr ti]" {
		t.Fatalf("languages %v", tr["languages"])
	}
}

// TestConvergenceProperty: two or three desks edit the same cases offline,
// syncing in random orders; after everyone syncs twice all stores and the
// hub hold the same records, and every clash of different values written
// at two desks that had not seen each other left a conflict record, listed
// alike at the hub and at every desk.
func TestConvergenceProperty(t *testing.T) {
	// 40 random histories keep the suite quick under -race; pass
	// -rapid.checks=N for a longer search.
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "rapid.checks" })
	if !explicit {
		flag.Set("rapid.checks", "40")
	}
	rapid.Check(t, func(rt *rapid.T) {
		h := newHub(t)
		n := rapid.IntRange(2, 3).Draw(rt, "desks")
		ds := make([]*desk, n)
		for i := range ds {
			ds[i] = newDesk(t, h, "RBA", fmt.Sprintf("rba-%d-%d", i, len(h.dir)))
		}
		cases := fill(t, ds[0].s, 3, "RBA", 10)
		for _, d := range ds {
			d.sync(rt)
		}
		fields := []string{"notes", "assignee", "status", "priority"}
		values := map[string][]any{
			"notes": {"a", "b", "c"}, "assignee": {"grace.kim", "samuel.osei"},
			"status": {"booked", "cancelled", "on-hold", "departed"}, "priority": {1, 2, 3},
		}
		// A model of the clashes, per op in push order: an op pushed while
		// the hub's winning value of its field came from another desk after
		// the pusher last synced, with a different value, must leave a
		// conflict record. The winner is the model of store.beats: a
		// terminal case status first, then the higher clock, then the desk.
		type kf [2]string
		type hubVal struct {
			desk int
			val  string
			seq  int
			hlc  change.HLC
		}
		type pend struct {
			kf  kf
			val string
			hlc change.HLC
		}
		wins := func(k kf, a, b hubVal) bool {
			if k[1] == "status" && !strings.Contains(k[0], "/") {
				if ta, tb := terminalValue(a.val), terminalValue(b.val); ta != tb {
					return ta
				}
			}
			if a.hlc != b.hlc {
				return a.hlc > b.hlc
			}
			return ds[a.desk].s.Desk() > ds[b.desk].s.Desk()
		}
		hubSeq, seen := 0, make([]int, n)
		latest := map[kf]hubVal{}
		pending := make([][]pend, n)
		expected := map[kf]bool{}
		syncDesk := func(i int) {
			ds[i].sync(rt)
			for _, p := range pending[i] {
				cur, ok := latest[p.kf]
				if ok && cur.desk != i && cur.seq > seen[i] && cur.val != p.val {
					expected[p.kf] = true
				}
				hubSeq++
				if nv := (hubVal{i, p.val, hubSeq, p.hlc}); !ok || wins(p.kf, nv, cur) {
					latest[p.kf] = nv
				}
			}
			pending[i], seen[i] = nil, hubSeq
		}
		steps := rapid.IntRange(1, 25).Draw(rt, "steps")
		for range steps {
			i := rapid.IntRange(0, n-1).Draw(rt, "desk")
			if rapid.Bool().Draw(rt, "sync") {
				syncDesk(i)
				continue
			}
			key := cases[rapid.IntRange(0, len(cases)-1).Draw(rt, "case")]
			var f string
			var v any
			if rapid.IntRange(0, 4).Draw(rt, "kind") == 0 {
				key += "/traveller/01"
				f = "languages"
				v = rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"ar", "fr", "ti", "en"}), 0, 3, rapid.ID).Draw(rt, "langs")
			} else {
				f = rapid.SampledFrom(fields).Draw(rt, "field")
				v = rapid.SampledFrom(values[f]).Draw(rt, "value")
			}
			if f == "status" && terminalNow(ds[i].s, key) {
				continue // the state machine lets nothing leave departed or cancelled
			}
			enc, _ := json.Marshal(v)
			if string(enc) == fieldNow(ds[i].s, key, f) {
				continue // no change, no op
			}
			edit(rt, ds[i].s, key, f, v)
			// A status write here skips the invariants (edit writes raw), so
			// the hub may refuse it and the desk takes the hub's value back:
			// it must converge, but leaves no clash to expect.
			if f != "languages" && f != "status" {
				pending[i] = append(pending[i], pend{kf{key, f}, string(enc), lastHLC(rt, ds[i].s)})
			}
		}
		for range 2 {
			for i := range ds {
				syncDesk(i)
			}
		}
		assertConverged(rt, h, ds...)
		// Everyone is at the hub's head: nothing waiting anywhere.
		for _, d := range ds {
			if wn, _ := d.s.Waiting(); wn != 0 {
				rt.Fatalf("desk %s has %d waiting", d.s.Desk(), wn)
			}
		}
		// Conflicts are published: every desk and the hub list the same
		// ones, and each expected clash is among them.
		var first []string
		for i, st := range append([]*store.Store{h.store}, stores(ds)...) {
			cs, _ := st.Conflicts(true)
			got := map[kf]bool{}
			var ids []string
			for _, c := range cs {
				got[kf{c.Key, c.Field}] = true
				ids = append(ids, c.ID)
			}
			slices.Sort(ids)
			if i == 0 {
				first = ids
			} else if !slices.Equal(ids, first) {
				rt.Fatalf("%s lists conflicts %v, the hub %v", st.Desk(), ids, first)
			}
			for k := range expected {
				if !got[k] {
					rt.Fatalf("concurrent writes of %s.%s left no conflict record at %s", k[0], k[1], st.Desk())
				}
			}
		}
	})
}

func terminalNow(s *store.Store, key string) bool {
	var c struct {
		Status booking.Status `json:"status"`
	}
	_ = s.View(func(tx *store.Tx) error { _, err := tx.Get(key, &c); return err })
	return c.Status.Terminal()
}

func terminalValue(v string) bool {
	var st booking.Status
	_ = json.Unmarshal([]byte(v), &st)
	return st.Terminal()
}

// lastHLC is the clock of the newest op in s's log.
func lastHLC(t tbi, s *store.Store) change.HLC {
	ents, err := s.Log(s.LogLen()-1, 1)
	if err != nil || len(ents) != 1 {
		t.Fatalf("last op of %s: %v", s.Desk(), err)
	}
	return ents[0].Op.HLC
}

func fieldNow(s *store.Store, key, f string) string {
	var o map[string]json.RawMessage
	_ = s.View(func(tx *store.Tx) error { _, err := tx.Get(key, &o); return err })
	return string(o[f])
}

func stores(ds []*desk) []*store.Store {
	var out []*store.Store
	for _, d := range ds {
		out = append(out, d.s)
	}
	return out
}
