package desksync_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/store"
)

// travelReady returns a travel-ready case of s with a traveller who has a
// document.
func travelReady(t *testing.T, s *store.Store, cases []string) (*booking.CaseFile, booking.Document) {
	t.Helper()
	for _, no := range cases {
		f, err := s.CaseFile(no)
		if err != nil {
			t.Fatal(err)
		}
		if f.Case.Status != booking.StatusTravelReady || len(f.Documents) == 0 {
			continue
		}
		return f, f.Documents[0]
	}
	t.Fatal("no travel-ready case with a document")
	return nil, booking.Document{}
}

// offlineWork books case no, records a whole-case exit permit, a custody
// step of document d and a counselling action item at desk s, as the app
// and the CLI do.
func offlineWork(t *testing.T, s *store.Store, no string, d booking.Document, flight, authority, from string, at time.Time) {
	t.Helper()
	err := s.Update("tester", func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		var travellers []int
		for _, tr := range f.Travellers {
			travellers = append(travellers, tr.Member)
		}
		seg := booking.Segment{Carrier: "AT", Flight: flight, From: "CMN", To: "YYZ",
			Depart: booking.MustLocalTime("2026-12-10T10:00"), Arrive: booking.MustLocalTime("2026-12-10T14:00")}
		recs, err := f.Book(booking.Booking{Segments: []booking.Segment{seg}, Travellers: travellers,
			BookedBy: "tester", BookedOn: booking.MustDate("2026-11-23")}, tx.Desk())
		if err != nil {
			return err
		}
		p, err := f.PermitToSet(0, "", tx.Desk())
		if err != nil {
			return err
		}
		p.Authority = authority
		c, err := f.LogCustody(d.Member, d.ID, booking.CustodyEvent{Action: booking.CustodyReceived, From: from, By: "tester", At: at}, tx.Desk())
		if err != nil {
			return err
		}
		act, err := f.NoteAction(0, "action from "+from, "tester", tx.Desk())
		if err != nil {
			return err
		}
		for _, r := range append(recs, &p, c, act) {
			if err := tx.Put(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", s.Desk(), err)
	}
}

// TestTwoDesksRecordTheSameCaseOffline: two desks that book the same case,
// record an exit permit, a custody step of the same document and a
// counselling action item while offline keep both of each after syncing, each whole (never blended field
// by field), and every desk has the same one booking active.
func TestTwoDesksRecordTheSameCaseOffline(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	b := newDesk(t, h, "RBA", "rba-2")
	cases := fill(t, a.s, 40, "RBA", 7)
	a.sync(t)
	b.sync(t)
	f, doc := travelReady(t, a.s, cases)
	no, before := f.Case.Number, len(f.Bookings)
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

	offlineWork(t, a.s, no, doc, "201", "DGSN Rabat", "embassy A", at)
	offlineWork(t, b.s, no, doc, "202", "DGSN Casablanca", "embassy B", at.Add(time.Minute))
	a.sync(t)
	b.sync(t)
	a.sync(t)
	assertConverged(t, h, a, b)

	var active string
	for _, s := range []*store.Store{a.s, b.s, h.store} {
		f, err := s.CaseFile(no)
		if err != nil {
			t.Fatal(err)
		}
		// Both bookings, each with its own desk's flight.
		if len(f.Bookings) != before+2 {
			t.Fatalf("%s: %d bookings, want %d: %+v", s.Desk(), len(f.Bookings), before+2, f.Bookings)
		}
		flights := map[string]string{}
		nActive := 0
		for _, bk := range f.Bookings {
			if bk.Status == booking.BookingActive {
				nActive++
			}
			if len(bk.Segments) == 1 {
				flights[bk.ID] = bk.Segments[0].Flight
			}
		}
		wantA, wantB := "b"+itoa(before+1)+"-rba-1", "b"+itoa(before+1)+"-rba-2"
		if flights[wantA] != "201" || flights[wantB] != "202" {
			t.Fatalf("%s: bookings blended or missing: %v", s.Desk(), flights)
		}
		if nActive != 1 || f.ActiveBooking() == nil {
			t.Fatalf("%s: %d active bookings", s.Desk(), nActive)
		}
		if active == "" {
			active = f.ActiveBooking().ID
		} else if got := f.ActiveBooking().ID; got != active {
			t.Fatalf("%s: active booking %s, another desk %s", s.Desk(), got, active)
		}
		if got := booking.Summarize(f).Status; got != booking.StatusBooked {
			t.Fatalf("%s: case %s", s.Desk(), got)
		}

		// Both permits, each whole.
		auth := map[string]string{}
		for _, p := range f.Permits {
			auth[p.ID] = p.Authority
		}
		if auth["P1-rba-1"] != "DGSN Rabat" || auth["P1-rba-2"] != "DGSN Casablanca" {
			t.Fatalf("%s: permits %v", s.Desk(), auth)
		}

		// Both action items, each a checklist item of its own.
		notes := map[string]string{}
		for _, a := range f.Actions {
			notes[a.Note] = a.ID
		}
		if notes["action from embassy A"] == "" || notes["action from embassy B"] == "" || notes["action from embassy A"] == notes["action from embassy B"] {
			t.Fatalf("%s: action items %v", s.Desk(), notes)
		}

		// One trail with both steps, in time order.
		trail := f.CustodyOf(doc.Member, doc.ID)
		if trail == nil || len(trail.Events) != 2 || trail.Events[0].From != "embassy A" || trail.Events[1].From != "embassy B" {
			t.Fatalf("%s: custody trail %+v", s.Desk(), trail)
		}
	}
	if active != "b"+itoa(before+1)+"-rba-2" {
		t.Fatalf("active booking %s; the later id should win a same-day tie", active)
	}

	// The next booking at either desk stores the outranked one as replaced.
	offlineWork(t, a.s, no, booking.Document{Member: doc.Member, ID: doc.ID}, "203", "DGSN Rabat", "embassy C", at.Add(time.Hour))
	a.sync(t)
	b.sync(t)
	assertConverged(t, h, a, b)
	var stale booking.Booking
	if ok, err := getRecord(b.s, booking.BookingKey(no, "b"+itoa(before+1)+"-rba-1"), &stale); !ok || err != nil || stale.Status != booking.BookingReplaced {
		t.Fatalf("outranked booking stored as %q (%v %v)", stale.Status, ok, err)
	}
	f, err := b.s.CaseFile(no)
	if err != nil {
		t.Fatal(err)
	}
	if ab := f.ActiveBooking(); ab == nil || ab.ID != "b"+itoa(before+3)+"-rba-1" || ab.Segments[0].Flight != "203" ||
		slices.ContainsFunc(f.Bookings, func(x booking.Booking) bool { return x.Status == booking.BookingActive && x.ID != ab.ID }) {
		t.Fatalf("after rebooking: %+v", f.Bookings)
	}
}

func getRecord(s *store.Store, key string, into any) (ok bool, err error) {
	err = s.View(func(tx *store.Tx) error { ok, err = tx.Get(key, into); return err })
	return ok, err
}

func itoa(n int) string { return strconv.Itoa(n) }
