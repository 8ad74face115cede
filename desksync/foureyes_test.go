package desksync_test

import (
	"strings"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/central"
	usecases "movedesk/desk"
	"movedesk/store"
	"movedesk/tariffs"
)

// nonstop finds a priced nonstop in the embedded tables from today.
func nonstop(t *testing.T, today booking.Date) (carrier, from, to string, day booking.Date) {
	t.Helper()
	set, err := tariffs.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range set.Pairs() {
		for _, r := range set.Routings(p[0], p[1]) {
			if len(r.Via) > 0 {
				continue
			}
			for d := 30; d < 200; d += 10 {
				day := today.AddDays(d)
				for _, f := range set.FaresBetween(p[0], p[1], day) {
					if f.Carrier == r.Carrier && f.Programme == "" && f.Pax == booking.ADT && len(f.Via) == 0 {
						return r.Carrier, p[0], p[1], day
					}
				}
			}
		}
	}
	t.Fatal("the embedded tables price no nonstop")
	return
}

func publish(t *testing.T, h *hub, p *central.Publication) {
	t.Helper()
	if err := central.QueuePublication(h.dir, p); err != nil {
		t.Fatal(err)
	}
	rs, err := central.ApplyPublications(h.store, h.dir)
	if err != nil || len(rs) != 1 || !rs[0].OK {
		t.Fatalf("publish: %+v %v", rs, err)
	}
}

// TestFourEyesTwoDesksAndHub: an associate's desk and a team leader's desk
// of one office with a real hub on 127.0.0.1. The associate's booking
// waits for review on the leader's desk; a rejection comes back with its
// reason and the case; the rebooked case is approved there and its ABN
// then goes out; an ABN sent by a desk that had not yet heard of the
// policy is refused by the hub alone and taken back.
func TestFourEyesTwoDesksAndHub(t *testing.T) {
	h := newHub(t)
	publishUsers(t, h,
		central.UserChange{Op: central.UserAdd, Name: "amina", Office: "RBA", Role: booking.RoleAssociate},
		central.UserChange{Op: central.UserAdd, Name: "tara", Office: "RBA", Role: booking.RoleTeamLeader},
	)
	a, b := newDesk(t, h, "RBA", "rba-1"), newDesk(t, h, "RBA", "rba-2")
	a.sync(t)
	b.sync(t)
	now := time.Now()
	cfg := usecases.Config{Rules: tariffs.DefaultRules(), Now: func() time.Time { return now }}
	da, db := usecases.New(a.s, cfg), usecases.New(b.s, cfg)

	carrier, from, to, day := nonstop(t, booking.DateOf(now))
	seg := func(flight string) booking.Segment {
		return booking.Segment{Carrier: carrier, Flight: flight, From: from, To: to,
			Depart: booking.MustLocalTime(day.String() + "T10:00"), Arrive: booking.MustLocalTime(day.String() + "T23:00")}
	}
	newCase := func() string {
		no, err := da.NewCase("amina", "RBA", booking.Case{Programme: "USRAP", OriginCity: "Origin", OriginAirport: from,
			DestCity: "Destination", DestAirport: to, Sponsor: "IRC", Priority: 2},
			booking.Traveller{FamilyName: "Haddad", GivenNames: "Omar", BirthDate: booking.MustDate("1980-05-05"), Sex: "M",
				Nationality: "SYR", MedicalDate: booking.DateOf(now), MedicalValidUntil: day.AddDays(90)})
		if err != nil {
			t.Fatal(err)
		}
		if err := da.SetFields("amina", no, []store.Assignment{{Path: "traveller.1.document.p1.type", Value: "passport"},
			{Path: "traveller.1.document.p1.number", Value: "N1"}, {Path: "traveller.1.document.p1.issuing_country", Value: "SYR"},
			{Path: "traveller.1.document.p1.expiry_date", Value: day.AddDays(2000).String()}}); err != nil {
			t.Fatal(err)
		}
		for _, st := range []booking.Status{booking.StatusDataEntry, booking.StatusTravelReady} {
			if err := da.MoveStatus("amina", no, st, ""); err != nil {
				t.Fatal(err)
			}
		}
		if res, err := da.Book("amina", no, booking.Booking{Segments: []booking.Segment{seg("100")}}, true); err != nil || !res.Saved {
			t.Fatalf("book %s: %v %+v", no, err, res.Quote.Findings)
		}
		if _, err := da.IssueABN("amina", no); err != nil {
			t.Fatal(err)
		}
		return no
	}

	// The policy reaches the hub while desk a has not synced: a case it
	// books and sends meanwhile passes at the desk, and the hub refuses
	// the send alone.
	early := newCase()
	publish(t, h, &central.Publication{Actor: "admin", FourEyes: []booking.FourEyes{{Office: "RBA", Programmes: []string{"USRAP"}}}})
	if _, err := da.MarkABNSent("amina", early, 0); err != nil {
		t.Fatalf("a desk without the policy: %v", err)
	}
	res := a.sync(t)
	if res.Refused == 0 {
		t.Fatalf("the hub took an unapproved ABN send: %+v", res)
	}
	refs, err := a.s.Refusals()
	if err != nil || len(refs) == 0 || !strings.Contains(refs[0].Reason, "four-eyes") || !strings.Contains(refs[0].Reason, "awaits a team leader's approval") {
		t.Fatalf("refusals %+v %v", refs, err)
	}
	for _, s := range []*store.Store{h.store, a.s} {
		f, err := s.CaseFile(early)
		if err != nil {
			t.Fatal(err)
		}
		if f.Case.Status != booking.StatusBooked || f.LatestABN().Sent {
			t.Fatalf("%s: %s is %s, ABN sent %v", s.Desk(), early, f.Case.Status, f.LatestABN().Sent)
		}
	}

	// Now desk a holds the policy: an unapproved send is refused there.
	no := newCase()
	if _, err := da.MarkABNSent("amina", no, 0); err == nil || !strings.Contains(err.Error(), "four-eyes") {
		t.Fatalf("desk send without approval: %v", err)
	}
	a.sync(t)
	b.sync(t)
	items, err := db.ReviewList(false)
	if err != nil || len(items) != 2 {
		t.Fatalf("review queue at the leader's desk: %+v %v", items, err)
	}
	if _, err := db.ApproveBooking("amina", no); booking.ErrorCode(err) != booking.EFORBIDDEN {
		t.Fatalf("an associate approves: %v", err)
	}
	if _, err := db.RejectBooking("tara", no, "book the morning flight 102"); err != nil {
		t.Fatal(err)
	}
	b.sync(t)
	a.sync(t)
	f, _ := a.s.CaseFile(no)
	if st, r := f.ReviewState(); st != booking.ReviewIsRejected || r.Reason != "book the morning flight 102" || r.By != "tara" || f.Case.Assignee != "amina" {
		t.Fatalf("the rejection at the associate's desk: %s %+v assignee %q", st, r, f.Case.Assignee)
	}

	// Rebooked, it waits again; approved, the ABN goes out everywhere.
	if _, err := da.Book("amina", no, booking.Booking{Segments: []booking.Segment{seg("102")}}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := da.IssueABN("amina", no); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	if items, _ := db.ReviewList(false); len(items) != 2 {
		t.Fatalf("rebooked case not back in review: %+v", items)
	}
	if _, err := db.ApproveBooking("tara", no); err != nil {
		t.Fatal(err)
	}
	b.sync(t)
	a.sync(t)
	if _, err := da.MarkABNSent("amina", no, 0); err != nil {
		t.Fatalf("send after approval: %v", err)
	}
	if res := a.sync(t); res.Refused != 0 {
		t.Fatalf("the approved send was refused: %+v", res)
	}
	f, _ = h.store.CaseFile(no)
	if f.Case.Status != booking.StatusABNSent || !f.LatestABN().Sent {
		t.Fatalf("at the hub: %s sent %v", f.Case.Status, f.LatestABN().Sent)
	}
	b.sync(t)
	if items, _ := db.ReviewList(false); len(items) != 1 || items[0].Summary.Number != early {
		t.Fatalf("review queue after the send: %+v", items)
	}
	// A decision written below the use cases by an associate (an altered
	// desk) is refused by the hub alone: only team leaders review.
	fe, err := a.s.CaseFile(early)
	if err != nil {
		t.Fatal(err)
	}
	bk := fe.ActiveBooking()
	if err := a.s.Update("amina", func(tx *store.Tx) error {
		return tx.Put(&booking.Review{Case: early, Booking: bk.ID, Hash: booking.BookingHash(bk), Decision: booking.ReviewRejected, Reason: "self-serve", By: "amina"})
	}); err != nil {
		t.Fatal(err)
	}
	if res := a.sync(t); res.Refused != 1 {
		t.Fatalf("an associate's review op: %+v", res)
	}
	if f, _ := h.store.CaseFile(early); f.Review != nil {
		t.Fatalf("the hub took an associate's review: %+v", f.Review)
	}
	// An office's policy reaches its own desks only.
	k := newDesk(t, h, "KLT", "klt-1")
	k.sync(t)
	if p, err := k.s.FourEyes("RBA"); err != nil || p != nil {
		t.Fatalf("a KLT desk holds RBA's policy: %+v %v", p, err)
	}
	if p, err := b.s.FourEyes("RBA"); err != nil || !p.Requires("USRAP") {
		t.Fatalf("an RBA desk lacks it: %+v %v", p, err)
	}
}
