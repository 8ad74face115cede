package booking

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func abnFixture(t *testing.T) *CaseFile {
	t.Helper()
	f := &CaseFile{Case: Case{Number: "RBA-2026-000123", Programme: "CA-GAR", Office: "RBA", DestCity: "Toronto",
		DestAirport: "YYZ", Sponsor: "COSTI", Status: StatusTravelReady}}
	f.Travellers = []Traveller{
		{Case: f.Case.Number, Member: 1, Principal: true, FamilyName: "Haddad", GivenNames: "Omar", BirthDate: MustDate("1980-01-01")},
		{Case: f.Case.Number, Member: 2, FamilyName: "Haddad", GivenNames: "Yusuf", BirthDate: MustDate("2024-12-15"), SSR: []string{"BBML"}},
	}
	return f
}

func seg(dep string) []Segment {
	return []Segment{{Carrier: "AT", Flight: "200", From: "CMN", To: "YYZ", Depart: MustLocalTime(dep + "T10:00"), Arrive: MustLocalTime(dep + "T14:00")}}
}

// apply writes recs into f the way the store would.
func apply(t *testing.T, f *CaseFile, recs []Record) {
	t.Helper()
	for _, r := range recs {
		if err := r.Validate(); err != nil {
			t.Fatalf("%s: %v", r.Key(), err)
		}
		switch r := r.(type) {
		case *Case:
			f.Case = *r
		case *Booking:
			replaced := false
			for i := range f.Bookings {
				if f.Bookings[i].ID == r.ID {
					f.Bookings[i], replaced = *r, true
				}
			}
			if !replaced {
				f.Bookings = append(f.Bookings, *r)
			}
		case *ABN:
			replaced := false
			for i := range f.ABNs {
				if f.ABNs[i].Key() == r.Key() {
					f.ABNs[i], replaced = *r, true
				}
			}
			if !replaced {
				f.ABNs = append(f.ABNs, *r)
			}
		default:
			t.Fatalf("unexpected record %T", r)
		}
	}
}

func TestABNLifecycle(t *testing.T) {
	f := abnFixture(t)
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	if _, _, err := f.IssueABN(ABNRequest{Type: ABNIssue, By: "amina", At: at}); ErrorCode(err) != ECONFLICT {
		t.Fatalf("issue without booking: %v", err)
	}
	recs, err := f.Book(Booking{Segments: seg("2026-12-10"), Travellers: []int{1, 2}, TotalUSDCents: 150000, Confirmed: []string{"doc-expiring"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	apply(t, f, recs)
	if f.Case.Status != StatusBooked || f.Case.Departure.String() != "2026-12-10" {
		t.Fatalf("after booking: %s %s", f.Case.Status, f.Case.Departure)
	}
	if f.NextABNType() != ABNIssue {
		t.Fatalf("next type %s", f.NextABNType())
	}
	fares := []ABNFare{{Traveller: 1, Name: "HADDAD, Omar", PaxType: ADT, USDCents: 100000}, {Traveller: 2, Name: "HADDAD, Yusuf", PaxType: INF, USDCents: 50000}}
	a, recs, err := f.IssueABN(ABNRequest{Type: ABNIssue, Fares: fares, By: "amina", At: at})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, f, recs)
	if a.Version != 1 || a.Number != "ABN-RBA-2026-000123" || a.Key() != "RBA-2026-000123/abn/ABN-RBA-2026-000123/001" {
		t.Fatalf("first ABN: %+v key %s", a, a.Key())
	}
	if a.Travellers[1].PaxType != INF || a.TotalUSDCents != 150000 || a.FinalAirport != "YYZ" {
		t.Fatalf("content: %+v", a)
	}
	if _, kind := SplitKey(a.Key()); kind != KindABN {
		t.Fatalf("SplitKey kind %s", kind)
	}
	// Sending it moves the case on.
	recs, err = f.MarkABNSent(1, "amina", at)
	if err != nil {
		t.Fatal(err)
	}
	apply(t, f, recs)
	if f.Case.Status != StatusABNSent || !f.LatestABN().Sent {
		t.Fatalf("after send: %s sent=%v", f.Case.Status, f.LatestABN().Sent)
	}
	if _, err := f.MarkABNSent(1, "amina", at); ErrorCode(err) != ECONFLICT {
		t.Fatalf("second send: %v", err)
	}
	// An update with nothing changed is refused.
	if _, _, err := f.IssueABN(ABNRequest{Type: ABNUpdate, Fares: fares, By: "amina", At: at}); ErrorCode(err) != ECONFLICT {
		t.Fatalf("empty update: %v", err)
	}
	// Rebooking steps the case back and the update carries a diff.
	recs, err = f.Book(Booking{Segments: seg("2026-12-12"), Travellers: []int{1, 2}, TotalUSDCents: 160000}, "")
	if err != nil {
		t.Fatal(err)
	}
	apply(t, f, recs)
	if f.Case.Status != StatusBooked || f.Bookings[0].Status != BookingReplaced || f.ActiveBooking().ID != "b2" {
		t.Fatalf("rebook: %s %+v", f.Case.Status, f.Bookings)
	}
	if f.NextABNType() != ABNUpdate {
		t.Fatal("next type should be update")
	}
	a2, recs, err := f.IssueABN(ABNRequest{Type: ABNUpdate, By: "amina", At: at})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, f, recs)
	want := []string{
		"segment 1: AT 200 CMN 2026-12-10T10:00 -> YYZ 2026-12-10T14:00 ⇒ AT 200 CMN 2026-12-12T10:00 -> YYZ 2026-12-12T14:00",
		"total: USD 1,500.00 ⇒ USD 1,600.00",
	}
	if a2.Version != 2 || strings.Join(a2.Changes, "\n") != strings.Join(want, "\n") {
		t.Fatalf("update v%d changes:\n%s", a2.Version, strings.Join(a2.Changes, "\n"))
	}
	if !strings.Contains(a2.Text(), "CHANGES SINCE VERSION 1") {
		t.Fatalf("text lacks the changes:\n%s", a2.Text())
	}
	// Version 1 cannot be sent any more.
	if _, err := f.MarkABNSent(1, "amina", at); err == nil {
		t.Fatal("superseded version marked sent")
	}
	// Cancellation needs a reason, then steps back to travel-ready.
	if _, _, err := f.IssueABN(ABNRequest{Type: ABNCancellation, By: "amina", At: at}); ErrorCode(err) != EINVALID {
		t.Fatalf("cancellation without reason: %v", err)
	}
	a3, recs, err := f.IssueABN(ABNRequest{Type: ABNCancellation, Reason: "exit permit denied", By: "amina", At: at})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, f, recs)
	if a3.Version != 3 || f.Case.Status != StatusTravelReady || f.ActiveBooking() != nil || !f.Case.Departure.IsZero() {
		t.Fatalf("after cancellation: v%d %s booking=%v dep=%s", a3.Version, f.Case.Status, f.ActiveBooking(), f.Case.Departure)
	}
	if f.NextABNType() != ABNIssue {
		t.Fatal("after a cancellation the next notice is a fresh issue")
	}
	if len(f.ABNVersions()) != 3 {
		t.Fatalf("versions kept: %d", len(f.ABNVersions()))
	}
}

func TestABNDeparture(t *testing.T) {
	f := abnFixture(t)
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	recs, _ := f.Book(Booking{Segments: seg("2026-12-10"), Travellers: []int{1}}, "")
	apply(t, f, recs)
	_, recs, _ = f.IssueABN(ABNRequest{Type: ABNIssue, By: "a", At: at})
	apply(t, f, recs)
	if _, _, err := f.IssueABN(ABNRequest{Type: ABNDeparture, By: "a", At: at}); ErrorCode(err) != ECONFLICT {
		t.Fatalf("departure notice while booked: %v", err)
	}
	f.Case.Status = StatusReadyToDepart
	a, recs, err := f.IssueABN(ABNRequest{Type: ABNDeparture, By: "a", At: at})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, f, recs)
	if a.Type != ABNDeparture || f.Case.Status != StatusDeparted || len(a.Itinerary) != 1 {
		t.Fatalf("departure: %+v status %s", a, f.Case.Status)
	}
	if _, _, err := f.IssueABN(ABNRequest{Type: ABNDeparture, By: "a", At: at}); ErrorCode(err) != ECONFLICT {
		t.Fatalf("second departure notice: %v", err)
	}
}

func TestBookRules(t *testing.T) {
	f := abnFixture(t)
	f.Case.Status = StatusDataEntry
	if _, err := f.Book(Booking{Segments: seg("2026-12-10"), Travellers: []int{1}}, ""); ErrorCode(err) != ECONFLICT {
		t.Fatalf("booking a data-entry case: %v", err)
	}
	f.Case.Status = StatusTravelReady
	if _, err := f.Book(Booking{Segments: seg("2026-12-10"), Travellers: []int{7}}, ""); ErrorCode(err) != EINVALID {
		t.Fatalf("unknown traveller: %v", err)
	}
	if _, err := f.Book(Booking{Travellers: []int{1}}, ""); ErrorCode(err) != EINVALID {
		t.Fatalf("no segments: %v", err)
	}
}

func TestABNValidateAndRecord(t *testing.T) {
	if r := NewRecord(KindABN); r == nil || r.Kind() != KindABN {
		t.Fatal("NewRecord does not know abn")
	}
	a := &ABN{Case: "RBA-2026-000123", Number: "ABN 1", Version: 1, Type: ABNIssue}
	if err := a.Validate(); ErrorCode(err) != EINVALID {
		t.Fatalf("space in number: %v", err)
	}
	var f CaseFile
	if err := f.Add("RBA-2026-000123/abn/ABN-X/001", []byte(`{"case":"RBA-2026-000123","number":"ABN-X","version":1,"type":"issue"}`)); err != nil || len(f.ABNs) != 1 {
		t.Fatalf("CaseFile.Add abn: %v %d", err, len(f.ABNs))
	}
	if got := USD(123456789); got != "USD 1,234,567.89" {
		t.Fatalf("USD: %s", got)
	}
}

// TestABNSameVersionAtTwoDesks: two desks that issue version 2 of one ABN
// while offline make two records (their keys carry the desk); the one
// issued later is in force, is what version 2 means, and the next version
// is 3.
func TestABNSameVersionAtTwoDesks(t *testing.T) {
	f := abnFixture(t)
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	recs, err := f.Book(Booking{Segments: seg("2026-12-10"), Travellers: []int{1, 2}}, "rba-1")
	if err != nil {
		t.Fatal(err)
	}
	apply(t, f, recs)
	_, recs, err = f.IssueABN(ABNRequest{Type: ABNIssue, By: "amina", At: at, Desk: "rba-1"})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, f, recs)
	apply(t, f, mustRecs(f.MarkABNSent(1, "amina", at)))

	// Each desk rebooks and issues an update: version 2, twice.
	a, b := *f, *f
	a.Bookings, b.Bookings = slices.Clone(f.Bookings), slices.Clone(f.Bookings)
	a.ABNs, b.ABNs = slices.Clone(f.ABNs), slices.Clone(f.ABNs)
	var v2 [2]*ABN
	for i, g := range []*CaseFile{&a, &b} {
		desk := []string{"rba-1", "rba-2"}[i]
		recs, err := g.Book(Booking{Segments: seg("2026-12-1" + strconv.Itoa(i+1)), Travellers: []int{1, 2}}, desk)
		if err != nil {
			t.Fatal(err)
		}
		apply(t, g, recs)
		v2[i], recs, err = g.IssueABN(ABNRequest{Type: ABNUpdate, By: desk, At: at.Add(time.Duration(i+1) * time.Hour), Desk: desk})
		if err != nil {
			t.Fatal(err)
		}
		apply(t, g, recs)
	}
	if v2[0].Version != 2 || v2[1].Version != 2 || v2[0].Key() == v2[1].Key() ||
		v2[1].Key() != "RBA-2026-000123/abn/ABN-RBA-2026-000123/002-rba-2" {
		t.Fatalf("keys %s and %s", v2[0].Key(), v2[1].Key())
	}
	// After sync both are in every file, in key order.
	f.ABNs = append(slices.Clone(f.ABNs), *v2[0], *v2[1])
	slices.Reverse(f.ABNs[1:]) // arrival order must not matter
	if l := f.LatestABN(); l.Desk != "rba-2" {
		t.Fatalf("latest %+v", l)
	}
	if v := f.ABNVersion(2); v.Desk != "rba-2" {
		t.Fatalf("version 2 is %+v", v)
	}
	vs := f.ABNVersions()
	if len(vs) != 3 || vs[1].Desk != "rba-1" || vs[2].Desk != "rba-2" {
		t.Fatalf("versions %+v", vs)
	}
	if _, err := f.MarkABNSent(2, "lina", at); err != nil {
		t.Fatal(err)
	}
	d, err := f.DraftABN(ABNRequest{Type: ABNCancellation, Reason: "withdrawn", At: at, Desk: "rba-1"})
	if err != nil || d.Version != 3 {
		t.Fatalf("next: %+v %v", d, err)
	}
}

func mustRecs(recs []Record, err error) []Record {
	if err != nil {
		panic(err)
	}
	return recs
}

// The ABN names who fills each escort seat, and an update says when the
// escort changes (it used to print "escorts: 1 seat(s)" and nothing else).
func TestABNNamesItsEscorts(t *testing.T) {
	f := abnFixture(t)
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	recs, err := f.Book(Booking{Segments: seg("2026-12-10"), Travellers: []int{1, 2}, EscortSeats: 1, Confirmed: []string{"doc-expiring"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	apply(t, f, recs)
	b := f.ActiveBooking()
	f.EscortTrips = []EscortTrip{{Case: f.Case.Number, Escort: "E0007", Booking: b.ID, Type: EscortMedical}}
	names := map[string]string{"E0007": "Karima BENALI", "E0009": "Youssef ALAMI"}
	a, recs, err := f.IssueABN(ABNRequest{Type: ABNIssue, By: "amina", At: at, EscortNames: names})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, f, recs)
	if txt := a.Text(); !strings.Contains(txt, "escorts: 1 seat(s)") || !strings.Contains(txt, "E0007 Karima BENALI (medical, whole trip)") {
		t.Fatalf("ABN text lacks the escort's name:\n%s", txt)
	}
	f.EscortTrips[0].Escort = "E0009"
	f.EscortTrips[0].Segments = []int{1}
	a, _, err = f.IssueABN(ABNRequest{Type: ABNUpdate, By: "amina", At: at.Add(time.Hour), EscortNames: names})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(a.Changes, "\n")
	if !strings.Contains(joined, "escort added: E0009 Youssef ALAMI (medical, segments 1)") || !strings.Contains(joined, "escort removed: E0007 Karima BENALI (medical, whole trip)") {
		t.Fatalf("update changes: %q", a.Changes)
	}
}

// TestABNNamesWhoIsLeftOff: a member left off the booking is on the ABN
// as not travelling with the booking's reason, and an update that takes a
// traveller off says why, not only "removed".
func TestABNNamesWhoIsLeftOff(t *testing.T) {
	f := abnFixture(t)
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	apply(t, f, mustRecs(f.Book(Booking{Segments: seg("2026-12-10"), Travellers: []int{1, 2}}, "")))
	a, recs, err := f.IssueABN(ABNRequest{Type: ABNIssue, By: "amina", At: at})
	if err != nil || len(a.LeftOff) != 0 {
		t.Fatalf("first ABN %+v %v", a.LeftOff, err)
	}
	apply(t, f, recs)
	why := "stays with his grandmother until his passport is issued"
	apply(t, f, mustRecs(f.Book(Booking{Segments: seg("2026-12-12"), Travellers: []int{1}, Reason: why}, "")))
	u, _, err := f.IssueABN(ABNRequest{Type: ABNUpdate, By: "amina", At: at.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.LeftOff) != 1 || u.LeftOff[0].Member != 2 || u.LeftOff[0].Reason != why {
		t.Fatalf("left off %+v", u.LeftOff)
	}
	if !slices.Contains(u.Changes, "traveller 2 removed: HADDAD, Yusuf, left off the booking: "+why) {
		t.Fatalf("changes %q", u.Changes)
	}
	if txt := u.Text(); !strings.Contains(txt, "NOT TRAVELLING on this booking: "+why) {
		t.Fatalf("text:\n%s", txt)
	}
}
