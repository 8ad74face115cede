package desk

import (
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/store"
)

func TestContactsAndCommLog(t *testing.T) {
	fx := newFixture(t)
	c, err := fx.d.AddContact("amina", fx.no, booking.Contact{Traveller: 1, Phone: "+212 6 12 34 56 78"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == "" || c.By != "amina" {
		t.Fatalf("contact %+v", c)
	}
	if _, err := fx.d.AddContact("amina", fx.no, booking.Contact{Traveller: 4, Phone: "+212612345678"}); booking.ErrorField(err) != "traveller" {
		t.Errorf("a contact of traveller 4 (none): %v", err)
	}
	if _, err := fx.d.AddContact("amina", fx.no, booking.Contact{Name: "Leila", Relation: "relative", Email: "leila@example"}); booking.ErrorField(err) != "email" {
		t.Errorf("e-mail without a domain: %v", err)
	}
	if _, err := fx.d.ChangeContact("amina", fx.no, c.ID, booking.Contact{Traveller: 1, Phone: "+212 6 12 34 56 79", Email: "omar@example.org"}); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.RemoveContact("amina", fx.no, c.ID, ""); booking.ErrorField(err) != "removed_reason" {
		t.Errorf("removal without a reason: %v", err)
	}
	if _, err := fx.d.RemoveContact("amina", fx.no, c.ID, "number no longer in use"); err != nil {
		t.Fatal(err)
	}
	f, err := fx.s.CaseFile(fx.no)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Contacts) != 1 || !f.Contacts[0].Removed || f.Contacts[0].Email != "omar@example.org" || len(f.ActiveContacts()) != 0 {
		t.Fatalf("contacts %+v", f.Contacts)
	}
	if _, err := fx.d.ChangeContact("amina", fx.no, c.ID, booking.Contact{Traveller: 1, Phone: "+212612345678"}); booking.ErrorCode(err) != booking.ECONFLICT {
		t.Errorf("changing a removed contact: %v", err)
	}

	when := booking.MustLocalTime(booking.DateOf(fx.now).String() + "T09:30")
	e, err := fx.d.LogComm("amina", fx.no, booking.CommEntry{When: when, Channel: "phone", Direction: "out", Who: "Omar Haddad", Text: "documents requested by phone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.LogComm("amina", fx.no, booking.CommEntry{When: when, Channel: "fax", Direction: "out", Who: "x", Text: "y"}); booking.ErrorField(err) != "channel" {
		t.Errorf("fax: %v", err)
	}
	future := booking.MustLocalTime(booking.DateOf(fx.now).AddDays(5).String() + "T09:30")
	if _, err := fx.d.LogComm("amina", fx.no, booking.CommEntry{When: future, Channel: "sms", Direction: "in", Who: "x", Text: "y"}); booking.ErrorField(err) != "when" {
		t.Errorf("an entry dated ahead: %v", err)
	}
	fix, err := fx.d.LogComm("amina", fx.no, booking.CommEntry{When: when, Channel: "phone", Direction: "in", Who: "Omar Haddad",
		Text: "he called us: documents requested", Corrects: e.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.LogComm("amina", fx.no, booking.CommEntry{When: when, Channel: "phone", Direction: "in", Who: "Omar", Text: "again", Corrects: e.ID}); err == nil ||
		!strings.Contains(err.Error(), "corrected by "+fix.ID) {
		t.Errorf("a second correction of the same entry: %v", err)
	}
	// The log is append-only: rewriting an entry is refused at the store.
	err = fx.s.Update("amina", func(tx *store.Tx) error {
		x := e
		x.Text = "rewritten"
		return tx.Put(&x)
	})
	if booking.ErrorCode(err) != booking.ECONFLICT || !strings.Contains(err.Error(), "log a correction") {
		t.Errorf("rewriting a log entry: %v", err)
	}
	f, _ = fx.s.CaseFile(fx.no)
	if log := f.CommLog(); len(log) != 2 || f.CorrectedBy(e.ID) == nil || f.CorrectedBy(e.ID).ID != fix.ID {
		t.Errorf("log %+v", log)
	}
}
