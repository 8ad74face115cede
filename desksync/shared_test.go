package desksync_test

import (
	"testing"

	"movedesk/booking"
	"movedesk/store"
)

// TestPublicationKeepsLocalSharedEdits: an escort this desk added to its own
// pool is replaced by the one the hub publishes under the same id; the
// desk's values the publication replaced are kept as conflicts (nothing
// lost without a record), and only the fields the desk had written.
func TestPublicationKeepsLocalSharedEdits(t *testing.T) {
	h := newHub(t)
	d := newDesk(t, h, "RBA", "rba-1")
	put := func(s *store.Store, actor string, e *booking.Escort) {
		t.Helper()
		if err := s.Update(actor, func(tx *store.Tx) error { return tx.Put(e) }); err != nil {
			t.Fatal(err)
		}
	}
	put(d.s, "amina", &booking.Escort{ID: "HQ-07", Name: "A. Idrissi (local)", Type: booking.EscortMedical})
	put(h.store, "office", &booking.Escort{ID: "HQ-07", Name: "Amina Idrissi", Type: booking.EscortMedical, Languages: []string{"ar"}})
	r := d.sync(t)
	if r.Conflicts != 1 {
		t.Fatalf("sync: %+v, want 1 conflict", r)
	}
	var e booking.Escort
	d.s.View(func(tx *store.Tx) error { _, err := tx.Get(booking.EscortKey("HQ-07"), &e); return err })
	if e.Name != "Amina Idrissi" || len(e.Languages) != 1 {
		t.Fatalf("escort after sync: %+v, want the published one", e)
	}
	cs, _ := d.s.Conflicts(false)
	if len(cs) != 1 || cs[0].Field != "name" || string(cs[0].Loser.Value) != `"A. Idrissi (local)"` ||
		cs[0].Loser.Actor != "amina" || string(cs[0].Winner.Value) != `"Amina Idrissi"` {
		t.Fatalf("conflicts %+v", cs)
	}
	// The office publishes again: the desk's edit was already recorded once.
	put(h.store, "office", &booking.Escort{ID: "HQ-07", Name: "Amina Idrissi-Benali", Type: booking.EscortMedical})
	if r := d.sync(t); r.Conflicts != 0 {
		t.Fatalf("second publication: %+v", r)
	}
	// Resolving for the local value writes it here again.
	if err := d.s.Update("amina", func(tx *store.Tx) error { _, err := tx.ResolveConflict(cs[0].ID, "loser"); return err }); err != nil {
		t.Fatal(err)
	}
	d.s.View(func(tx *store.Tx) error { _, err := tx.Get(booking.EscortKey("HQ-07"), &e); return err })
	if e.Name != "A. Idrissi (local)" {
		t.Fatalf("after resolve: %+v", e)
	}
}
