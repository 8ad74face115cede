package desk

import (
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/store"
)

func TestTrackAndUndoFields(t *testing.T) {
	fx := newFixture(t)
	publishUsers(t, fx.s)
	set := func(actor string, as ...store.Assignment) *Change {
		t.Helper()
		c, err := fx.d.Track(actor, fx.no, func() error { return fx.d.SetFields(actor, fx.no, as) })
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := set("team-leader", store.Assignment{Path: "notes", Value: "call the sponsor"},
		store.Assignment{Path: "traveller.1.birth_date", Value: "1980-05-15"})
	if got := c.Describe(); got != fx.no+" notes (none) ⇒ call the sponsor; traveller 1 birth date 1980-05-05 ⇒ 1980-05-15" {
		t.Fatalf("Describe: %q", got)
	}
	// Undoing needs the roles the change needed.
	if _, err := fx.d.Undo("viewer", c); booking.ErrorCode(err) != booking.EFORBIDDEN {
		t.Fatalf("a viewer undid: %v", err)
	}
	before := fx.s.LogLen()
	if _, err := fx.d.Undo("team-leader", c); err != nil {
		t.Fatal(err)
	}
	f, _ := fx.s.CaseFile(fx.no)
	if f.Case.Notes != "" || f.Traveller(1).BirthDate.String() != "1980-05-05" {
		t.Fatalf("after undo: notes %q birth %s", f.Case.Notes, f.Traveller(1).BirthDate)
	}
	if ents, _ := fx.s.Log(before, 0); len(ents) != 2 {
		t.Fatalf("undo wrote %d ops, want one per record", len(ents))
	}
	// Undone once: the fields no longer hold what c wrote.
	if _, err := fx.d.Undo("team-leader", c); booking.ErrorCode(err) != booking.ECONFLICT || !strings.Contains(err.Error(), "notes is now (none)") {
		t.Fatalf("second undo: %v", err)
	}
	// A write that made a record is kept: records are never deleted.
	c = set("team-leader", store.Assignment{Path: "traveller.2.family_name", Value: "Haddad"},
		store.Assignment{Path: "traveller.2.birth_date", Value: "2010-01-01"})
	if len(c.Created) != 1 || c.Created[0] != booking.TravellerKey(fx.no, 2) {
		t.Fatalf("created: %v", c.Created)
	}
	if _, err := fx.d.Undo("team-leader", c); err == nil || !strings.Contains(err.Error(), "traveller 2") {
		t.Fatalf("undoing a new traveller: %v", err)
	}
	// The write rules judge the undo: nothing changed, nothing to undo.
	if c := set("team-leader", store.Assignment{Path: "notes", Value: ""}); !c.Empty() {
		t.Fatalf("an unchanged field is a change: %+v", c)
	}
}
