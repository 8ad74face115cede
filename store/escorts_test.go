package store

import (
	"strings"
	"testing"
	"time"

	"movedesk/booking"
)

var dutyTime = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// dutyCase is sampleCase booked RBA-JFK on 2026-12-03, ABN sent, with
// medical clearance and an approved exit permit.
func dutyCase(no, dep string) []booking.Record {
	recs := sampleCase(no)
	recs[0].(*booking.Case).Status = booking.StatusABNSent
	recs[1].(*booking.Traveller).MedicalValidUntil = booking.MustDate("2027-03-01")
	recs[1].(*booking.Traveller).Languages = []string{"ar"}
	b := &booking.Booking{Case: no, ID: "B1", Status: booking.BookingActive, Travellers: []int{1},
		Segments: []booking.Segment{{Carrier: "AT", Flight: "200", From: "RBA", To: "JFK",
			Depart: booking.MustLocalTime(dep + "T10:00"), Arrive: booking.MustLocalTime(dep + "T14:00")}}}
	p := &booking.ExitPermit{Case: no, Member: 1, ID: "P1", Authority: "DGSN", Status: booking.PermitApproved, ValidUntil: booking.MustDate("2027-01-31")}
	return append(recs, b, p)
}

func clean(*booking.CaseFile) booking.GateInput { return booking.GateInput{FindingsChecked: true} }

// toggle ticks one item in one transaction, as desk.ToggleItem does.
func toggle(s *Store, actor, no, list, key string) (booking.ChecklistItem, error) {
	var item booking.ChecklistItem
	err := s.Update(actor, func(tx *Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		pt, dep := booking.DefaultTemplates().For(f.Case.Programme), f.DepartureDate()
		rec, err := f.Toggle(list, key, pt, dep, actor, dutyTime)
		if err != nil {
			return err
		}
		f.Apply(rec)
		cl, _ := f.Checklist(list, pt, dep)
		for _, it := range cl.Items {
			if it.Key == key {
				item = it
			}
		}
		return tx.Put(rec)
	})
	return item, err
}

// doEverything ticks every gate item of case no through the store, except
// skip, and logs the passport's custody.
func doEverything(t *testing.T, s *Store, no, skip string) {
	t.Helper()
	tpl := booking.DefaultTemplates()
	if err := s.Update("amina", func(tx *Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		c, err := f.LogCustody(1, "d1", booking.CustodyEvent{Action: booking.CustodyReceived, From: "embassy", By: "amina", At: dutyTime}, "")
		if err != nil {
			return err
		}
		return tx.Put(c)
	}); err != nil {
		t.Fatal(err)
	}
	f, err := s.CaseFile(no)
	if err != nil {
		t.Fatal(err)
	}
	for _, cl := range f.Checklists(tpl.For("USRAP"), f.DepartureDate()) {
		for _, it := range cl.Items {
			if it.Gate && !it.Done && it.Key != skip {
				if _, err := toggle(s, "amina", no, cl.Name, it.Key); err != nil {
					t.Fatalf("toggle %s %s: %v", cl.Name, it.Key, err)
				}
			}
		}
	}
}

func TestGateThroughStoreOneOpenItem(t *testing.T) {
	s := openTemp(t)
	no := "RBA-2026-000001"
	if err := s.Restore("amina", dutyCase(no, "2026-12-03")...); err != nil {
		t.Fatal(err)
	}
	doEverything(t, s, no, "arrival-forms")
	err := s.MoveCase("amina", no, booking.StatusReadyToDepart, "", clean)
	if err == nil || !strings.Contains(err.Error(), "1 open item(s)") || !strings.Contains(err.Error(), "travel bag lacks arrival forms") {
		t.Fatalf("move with one open item: %v", err)
	}
	if sum, _ := s.Summary(no); sum.Status != booking.StatusABNSent {
		t.Fatalf("status %s", sum.Status)
	}
	// The plain SetStatus path judges without findings: still refused.
	if err := s.SetStatus("amina", no, booking.StatusReadyToDepart, ""); err == nil {
		t.Fatal("SetStatus passed the gate without quote-engine findings")
	}
	item, err := toggle(s, "karim", no, booking.ChecklistTravelBag, "arrival-forms")
	if err != nil || !item.Done || item.By != "karim" || !item.At.Equal(dutyTime) {
		t.Fatalf("toggle: %+v %v", item, err)
	}
	if err := s.MoveCase("amina", no, booking.StatusReadyToDepart, "", clean); err != nil {
		t.Fatalf("move after closing the item: %v", err)
	}
	ops, err := s.History(no)
	if err != nil {
		t.Fatal(err)
	}
	last := ops[len(ops)-2] // the toggle; the status move is last
	if last.Actor != "karim" || last.Kind != booking.KindTravelBag || last.Fields["ticks"] == nil {
		t.Fatalf("toggle op %+v", last)
	}
}

func TestAssignEscortThroughStore(t *testing.T) {
	s := openTemp(t)
	a, b := "RBA-2026-000001", "RBA-2026-000002"
	recs := append(dutyCase(a, "2026-12-03"), dutyCase(b, "2026-12-04")...)
	karim := &booking.Escort{ID: "E0001", Name: "Karim Tazi", Type: booking.EscortOperational, Languages: []string{"ar"}, PassportExpiry: booking.MustDate("2030-01-01")}
	old := &booking.Escort{ID: "E0002", Name: "Anna Berg", Type: booking.EscortMedical, Languages: []string{"en"}, PassportExpiry: booking.MustDate("2026-12-04")}
	if err := s.Restore("amina", append(recs, karim, old)...); err != nil {
		t.Fatal(err)
	}
	pool, err := s.Escorts()
	if err != nil || len(pool) != 2 {
		t.Fatalf("pool %v %v", pool, err)
	}
	ret := []booking.Segment{{Carrier: "AT", Flight: "201", From: "JFK", To: "RBA", Depart: booking.MustLocalTime("2026-12-05T18:00"), Arrive: booking.MustLocalTime("2026-12-06T08:00")}}
	trip, warn, err := s.AssignEscort("amina", EscortAssignment{Case: a, Escort: "E0001", Return: ret}, nil)
	if err != nil || len(warn) != 0 || trip.End.String() != "2026-12-06T08:00" {
		t.Fatalf("assign: %+v %v %v", trip, warn, err)
	}
	f, _ := s.CaseFile(a)
	if f.ActiveBooking().EscortSeats != 1 || len(f.EscortTrips) != 1 {
		t.Fatalf("seat not added: %+v", f.ActiveBooking())
	}
	// Karim is away until the 6th: case b's trip on the 4th clashes.
	_, _, err = s.AssignEscort("amina", EscortAssignment{Case: b, Escort: "E0001", Return: ret}, nil)
	if booking.ErrorCode(err) != booking.ECONFLICT || !strings.Contains(err.Error(), "already escorting case RBA-2026-000001") {
		t.Fatalf("double booking: %v", err)
	}
	// Anna's passport expires on the 4th, before her return on the 6th.
	_, _, err = s.AssignEscort("amina", EscortAssignment{Case: b, Escort: "E0002", Return: ret}, nil)
	if err == nil || !strings.Contains(err.Error(), "passport expires 2026-12-04") {
		t.Fatalf("passport: %v", err)
	}
	// Without a return she can go (her passport lasts the outbound), with warnings.
	_, warn, err = s.AssignEscort("amina", EscortAssignment{Case: b, Escort: "E0002"}, nil)
	if err != nil || len(warn) != 2 || warn[0].Code != booking.EscortNoReturn || warn[1].Code != booking.EscortNoLanguage {
		t.Fatalf("no return: %v %v", warn, err)
	}
	trips, err := s.EscortTrips(time.Time{})
	if err != nil || len(trips) != 2 {
		t.Fatalf("trips %v %v", trips, err)
	}
	if _, _, err := s.AssignEscort("amina", EscortAssignment{Case: a, Escort: "E9999"}, nil); booking.ErrorCode(err) != booking.ENOTFOUND {
		t.Fatalf("unknown escort: %v", err)
	}
}
