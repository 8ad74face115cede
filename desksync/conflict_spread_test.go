package desksync_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"movedesk/store"
)

// TestConflictReachesEveryDesk: the desk whose edit lost (it synced first,
// so it never sees the clash itself) gets the conflict record too, and a
// resolution made at another desk closes it everywhere.
func TestConflictReachesEveryDesk(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	b := newDesk(t, h, "RBA", "rba-2")
	c := newDesk(t, h, "RBA", "rba-3") // a bystander of the same office
	k := newDesk(t, h, "KLT", "klt-1") // another office
	cases := fill(t, a.s, 3, "RBA", 21)
	for _, d := range []*desk{a, b, c, k} {
		d.sync(t)
	}
	edit(t, a.s, cases[0], "notes", "A says") // earlier clock: loses
	edit(t, b.s, cases[0], "notes", "B says")
	a.sync(t)
	b.sync(t)
	a.sync(t)
	c.sync(t)
	k.sync(t)
	assertConverged(t, h, a, b, c)
	var id string
	for _, d := range []*desk{a, b, c} {
		cs, err := d.s.Conflicts(false)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Key != cases[0] || cs[0].Field != "notes" ||
			string(cs[0].Winner.Value) != `"B says"` || string(cs[0].Loser.Value) != `"A says"` ||
			cs[0].Loser.Desk != a.s.Desk() || cs[0].Winner.Desk != b.s.Desk() {
			t.Fatalf("desk %s conflicts: %+v", d.s.Desk(), cs)
		}
		if id == "" {
			id = cs[0].ID
		} else if cs[0].ID != id {
			t.Fatalf("desk %s has conflict %s, others %s", d.s.Desk(), cs[0].ID, id)
		}
	}
	if n := k.s.OpenConflicts(); n != 0 {
		t.Fatalf("the KLT desk sees %d RBA conflicts", n)
	}
	if wn, _ := b.s.Waiting(); wn != 0 {
		t.Fatalf("B has %d ops waiting after a clean sync", wn)
	}

	// A, whose value lost, takes its own value back; the resolution is a
	// new change that wins everywhere and closes the conflict everywhere.
	if err := a.s.Update("tester", func(tx *store.Tx) error {
		_, err := tx.ResolveConflict(id, "loser")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	c.sync(t)
	assertConverged(t, h, a, b, c)
	for _, s := range []*store.Store{a.s, b.s, c.s, h.store} {
		if n := s.OpenConflicts(); n != 0 {
			t.Fatalf("%s: %d conflicts still open after the resolution", s.Desk(), n)
		}
		all, _ := s.Conflicts(true)
		if len(all) != 1 || all[0].Resolution != "loser" || all[0].ResolvedBy != "tester" {
			t.Fatalf("%s: %+v", s.Desk(), all)
		}
		if got := fieldNow(s, cases[0], "notes"); got != `"A says"` {
			t.Fatalf("%s: notes %s after the resolution", s.Desk(), got)
		}
	}
}

// TestConflictFoundAtDeskIsPublished: a clash only the desk can see (its
// edit was still unsent when it pulled the other one, in an earlier chunk)
// is published by the desk, so the hub and the other desk learn of it.
func TestConflictFoundAtDeskIsPublished(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	b := newDesk(t, h, "RBA", "rba-2")
	cases := fill(t, a.s, 3, "RBA", 22)
	a.sync(t)
	b.sync(t)
	edit(t, a.s, cases[1], "notes", "A first")
	a.sync(t)
	// B writes more than a chunk of other edits, then the same field.
	for i := range 4 {
		edit(t, b.s, cases[2], "notes", fmt.Sprintf("B edit %d", i+1))
	}
	edit(t, b.s, cases[1], "notes", "B later")
	// Chunks of 2: B's first request pushes two ops (not the clash) and
	// pulls A's edit, which clashes with B's unsent one; the hub, judging
	// B's later push by B's new cursor, cannot see it.
	cl := b.client(http.DefaultTransport)
	cl.Chunk = 2
	if _, err := cl.Sync(context.Background(), b.s, h.srv.URL, b.token, nil); err != nil {
		t.Fatal(err)
	}
	if wn, _ := b.s.Waiting(); wn != 0 {
		t.Fatalf("B has %d ops waiting: its conflict record was not pushed in the same sync", wn)
	}
	a.sync(t)
	assertConverged(t, h, a, b)
	for _, s := range []*store.Store{a.s, b.s, h.store} {
		cs, _ := s.Conflicts(false)
		if len(cs) != 1 || cs[0].Key != cases[1] || !strings.Contains(string(cs[0].Loser.Value), "A first") {
			t.Fatalf("%s conflicts: %+v", s.Desk(), cs)
		}
	}
}
