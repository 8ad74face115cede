package desksync_test

import (
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/store"
)

// TestCaseNumberClashIsRefusedNotBlended: two desks of an office that give
// one number to two families offline (desks number in their own blocks, so
// this takes a forced number) never blend them: the hub keeps the first,
// refuses the second whole (the case and its travellers), and that desk
// keeps its family and is told.
func TestCaseNumberClashIsRefusedNotBlended(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	b := newDesk(t, h, "RBA", "rba-2")
	if a.s.NumberSlot() == b.s.NumberSlot() {
		t.Fatalf("desks rba-1 and rba-2 share block %d", a.s.NumberSlot())
	}
	const no = "RBA-2026-990001"
	family := func(name string) []booking.Record {
		return []booking.Record{
			&booking.Case{Number: no, Programme: "USRAP", Office: "RBA", Priority: 3, Status: booking.StatusReceived},
			&booking.Traveller{Case: no, Member: 1, Principal: true, FamilyName: name, GivenNames: "X", Sex: "F", BirthDate: booking.MustDate("1990-04-05"), Relationship: "PA"},
		}
	}
	if err := a.s.PutRecords("amina", family("HADDAD")...); err != nil {
		t.Fatal(err)
	}
	if err := b.s.PutRecords("karim", family("MORALES")...); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	r := b.sync(t)
	if r.Refused != 2 {
		t.Fatalf("refused %d of desk B's ops, want its case and traveller: %+v", r.Refused, r)
	}
	var trav booking.Traveller
	if ok, _ := getRec(h, booking.TravellerKey(no, 1), &trav); !ok || trav.FamilyName != "HADDAD" {
		t.Fatalf("hub's traveller: %+v", trav)
	}
	if f, err := b.s.CaseFile(no); err != nil || f.Travellers[0].FamilyName != "MORALES" {
		t.Fatalf("desk B lost its family: %v", err)
	}
	rs, _ := b.s.Refusals()
	if len(rs) != 2 || !strings.Contains(rs[0].Reason, "already used by another desk") {
		t.Fatalf("refusals %+v", rs)
	}
	// B's later edits of that case stay unsent too; A's desk is untouched.
	b.sync(t)
	a.sync(t)
	if f, _ := a.s.CaseFile(no); f.Travellers[0].FamilyName != "HADDAD" {
		t.Fatal("desk A's family changed")
	}
}

func getRec(h *hub, key string, into any) (bool, error) {
	var ok bool
	err := h.store.View(func(tx *store.Tx) error {
		var err error
		ok, err = tx.Get(key, into)
		return err
	})
	return ok, err
}
