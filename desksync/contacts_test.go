package desksync_test

import (
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/store"
)

// TestContactsAndLogSync: contacts and log entries (with a correction)
// two desks of an office record offline both reach every desk, each kept
// (ids made at each desk), the correction still naming its entry.
func TestContactsAndLogSync(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	b := newDesk(t, h, "RBA", "rba-2")
	cases := fill(t, a.s, 3, "RBA", 7)
	a.sync(t)
	b.sync(t)
	no := cases[0]
	now := time.Now()
	when := booking.MustLocalTime(booking.DateOf(now).String() + "T09:00")
	f0, err := a.s.CaseFile(no)
	if err != nil {
		t.Fatal(err)
	}
	demoContacts, demoComms := len(f0.Contacts), len(f0.Comms) // what the demo made
	write := func(s *store.Store, who string, correct string) string {
		var id string
		err := s.Update(who, func(tx *store.Tx) error {
			f, err := tx.CaseFile(no)
			if err != nil {
				return err
			}
			c, err := f.NewContact(booking.Contact{Name: "Leila " + who, Relation: "relative", Phone: "+212 600 000 001"}, who, tx.Desk(), now)
			if err != nil {
				return err
			}
			if err := tx.Put(c); err != nil {
				return err
			}
			e := booking.CommEntry{When: when, Channel: "phone", Direction: "out", Who: "Leila", Text: "documents requested by phone (" + who + ")"}
			if correct != "" {
				e.Corrects, e.Text = correct, "documents requested by SMS"
			}
			x, err := f.LogComm(e, who, tx.Desk(), now)
			if err != nil {
				return err
			}
			id = x.ID
			return tx.Put(x)
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := write(a.s, "amina", "")
	a.sync(t)
	b.sync(t)
	// Both desks add while offline; B also corrects A's entry.
	write(a.s, "amina", "")
	fix := write(b.s, "omar", first)
	a.sync(t)
	b.sync(t)
	a.sync(t)
	fa, err := a.s.CaseFile(no)
	if err != nil {
		t.Fatal(err)
	}
	if len(fa.Contacts) != demoContacts+3 || len(fa.Comms) != demoComms+3 {
		t.Fatalf("desk A holds %d contacts and %d log entries, want %d and %d", len(fa.Contacts), len(fa.Comms), demoContacts+3, demoComms+3)
	}
	if c := fa.CorrectedBy(first); c == nil || c.ID != fix {
		t.Errorf("entry %s corrected by %+v, want %s", first, c, fix)
	}
	if ha, hb := hashOf(t, a.s, caseKeys), hashOf(t, b.s, caseKeys); ha != hb {
		dumpDiff(t, a.s, b.s)
		t.Fatal("desks differ")
	}
}
