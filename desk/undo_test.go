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

// Permit and counselling fields undo like any field, through their records.
func TestUndoPermitAndCounselling(t *testing.T) {
	fx := newFixture(t)
	country, authority := "SYR", "Immigration"
	p, err := fx.d.SetPermit("a", fx.no, 1, "", PermitPatch{Country: &country, Authority: &authority})
	if err != nil {
		t.Fatal(err)
	}
	approved, lang, until := booking.PermitApproved, "fa", booking.DateOf(fx.now).AddDays(400)
	c, err := fx.d.Track("a", fx.no, func() error {
		_, err := fx.d.SetPermit("a", fx.no, 1, p.ID, PermitPatch{Status: &approved, ValidUntil: &until})
		return err
	})
	if err != nil || len(c.Created) != 0 || len(c.Edits) != 2 {
		t.Fatalf("tracked permit: %+v %v", c, err)
	}
	if got, err := fx.d.Undo("a", c); err != nil || !strings.Contains(got, "traveller 1 permit "+p.ID+" status pending ⇒ approved") {
		t.Fatalf("undo permit: %q %v", got, err)
	}
	f, _ := fx.s.CaseFile(fx.no)
	if f.Permits[0].Status != booking.PermitPending {
		t.Fatalf("permit status %s", f.Permits[0].Status)
	}
	if _, err := fx.d.SetCounselling("a", fx.no, CounsellingPatch{}); err != nil {
		t.Fatal(err)
	}
	c, err = fx.d.Track("a", fx.no, func() error {
		_, err := fx.d.SetCounselling("a", fx.no, CounsellingPatch{Language: &lang})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := fx.d.Undo("a", c); err != nil || got != fx.no+" counselling language (none) ⇒ fa" {
		t.Fatalf("undo counselling: %q %v", got, err)
	}
	if f, _ := fx.s.CaseFile(fx.no); f.Counselling.Language != "" {
		t.Fatalf("language %q", f.Counselling.Language)
	}
}
