package desk

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/store"
	"movedesk/tariffs"
)

// pricedNonstop finds a nonstop route and a date the embedded tables price.
func pricedNonstop(t *testing.T, today booking.Date) (carrier, from, to string, day booking.Date) {
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

type fixture struct {
	d     *Service
	s     *store.Store
	now   time.Time
	no    string
	seg   booking.Segment
	clock *time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	fx := &fixture{s: s, now: time.Now(), no: "RBA-2026-000777"}
	fx.clock = &fx.now
	fx.d = New(s, Config{Rules: tariffs.DefaultRules(), Now: func() time.Time { return *fx.clock }})
	carrier, from, to, day := pricedNonstop(t, booking.DateOf(fx.now))
	f := &booking.CaseFile{
		Case: booking.Case{Number: fx.no, Programme: "USRAP", Office: "RBA", OriginCity: "Origin", OriginAirport: from,
			DestCity: "Destination", DestAirport: to, Sponsor: "IRC", Priority: 2, Received: booking.MustDate("2026-01-10"),
			TravelReady: booking.MustDate("2026-02-01"), Status: booking.StatusTravelReady},
		Travellers: []booking.Traveller{{Case: fx.no, Member: 1, Principal: true, FamilyName: "Haddad", GivenNames: "Omar",
			BirthDate: booking.MustDate("1980-05-05"), Sex: "M", Nationality: "SYR", Relationship: "PA",
			MedicalDate: booking.DateOf(fx.now), MedicalValidUntil: day.AddDays(90)}},
		Documents: []booking.Document{{Case: fx.no, Member: 1, ID: "p1", Type: booking.DocPassport, Number: "N1",
			IssuingCountry: "SYR", ExpiryDate: day.AddDays(2000)}},
	}
	if err := fx.d.CreateCase("setup", f); err != nil {
		t.Fatal(err)
	}
	fx.seg = booking.Segment{Carrier: carrier, Flight: "100", From: from, To: to,
		Depart: booking.MustLocalTime(day.String() + "T10:00"), Arrive: booking.MustLocalTime(day.String() + "T23:00")}
	return fx
}

func TestCreateCaseRefusesExisting(t *testing.T) {
	fx := newFixture(t)
	err := fx.d.CreateCase("x", &booking.CaseFile{Case: booking.Case{Number: fx.no}})
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("got %v", err)
	}
}

func TestBookIssueSendDepart(t *testing.T) {
	fx := newFixture(t)
	res, err := fx.d.Book("amina", fx.no, booking.Booking{Segments: []booking.Segment{fx.seg}}, true)
	if err != nil {
		t.Fatalf("book: %v (%+v)", err, res.Quote.Findings)
	}
	if !res.Saved || res.Booking == nil || res.Booking.TotalUSDCents == 0 || res.Booking.TariffVersion == "" || res.Booking.BookedBy != "amina" {
		t.Fatalf("booking %+v", res.Booking)
	}
	// Nothing to send yet.
	if _, err := fx.d.MarkABNSent("amina", fx.no, 0); err == nil || !strings.Contains(err.Error(), "is booked") {
		t.Fatalf("send before issue: %v", err)
	}
	// The booking keeps what each traveller's fare was; the ABN carries it.
	var sum int64
	for _, fa := range res.Booking.Fares {
		sum += fa.USDCents
	}
	if len(res.Booking.Fares) == 0 || sum != res.Booking.TotalUSDCents {
		t.Fatalf("fares %+v sum to %d, total %d", res.Booking.Fares, sum, res.Booking.TotalUSDCents)
	}
	a, err := fx.d.IssueABN("amina", fx.no)
	if err != nil || a.Version != 1 || a.Type != booking.ABNIssue {
		t.Fatalf("issue: %+v %v", a, err)
	}
	if !reflect.DeepEqual(a.Fares, res.Booking.Fares) {
		t.Fatalf("ABN fares %+v, booked %+v", a.Fares, res.Booking.Fares)
	}
	if a, err = fx.d.MarkABNSent("amina", fx.no, 0); err != nil || !a.Sent || a.SentBy != "amina" {
		t.Fatalf("send: %+v %v", a, err)
	}
	f, _ := fx.s.CaseFile(fx.no)
	if f.Case.Status != booking.StatusABNSent {
		t.Fatalf("status %s", f.Case.Status)
	}
	// Departure needs ready-to-depart: the error names the case and status.
	_, err = fx.d.DepartABN("amina", fx.no)
	if err == nil || !strings.Contains(err.Error(), "case "+fx.no+" is abn-sent") {
		t.Fatalf("depart from abn-sent: %v", err)
	}
	// Before the flight (minus the tolerance) the departure is refused.
	day := fx.seg.Depart.Date()
	f.Case.Status = booking.StatusReadyToDepart
	for _, c := range []struct {
		today booking.Date
		ok    bool
	}{{day.AddDays(-2), false}, {day.AddDays(-1), true}, {day, true}} {
		err := fx.d.DepartureCheck(f, c.today)
		if (err == nil) != c.ok {
			t.Errorf("departure check on %s (flight %s): %v", c.today, day, err)
		}
	}
}

func TestBookBlockingAndWarnings(t *testing.T) {
	fx := newFixture(t)
	bad := fx.seg
	bad.Carrier = "ZZ" // no fare: blocking
	res, err := fx.d.Book("amina", fx.no, booking.Booking{Segments: []booking.Segment{bad}}, true)
	if err == nil || res.Saved || len(res.Blocking()) == 0 {
		t.Fatalf("blocking booking saved: %v %+v", err, res)
	}
	f, _ := fx.s.CaseFile(fx.no)
	if len(f.Bookings) != 0 || f.Case.Status != booking.StatusTravelReady {
		t.Fatalf("something was saved: %+v", f.Bookings)
	}
}

func TestSetPermitPatch(t *testing.T) {
	fx := newFixture(t)
	s := func(v string) *string { return &v }
	until := booking.MustDate("2030-01-01")
	// No id: a new application, its id made at this desk.
	p, err := fx.d.SetPermit("amina", fx.no, 1, "", PermitPatch{Country: s("ma"), Authority: s("DGSN"), Status: s("Approved"), ValidUntil: &until})
	if err != nil || p.Country != "MA" || p.Status != booking.PermitApproved || !strings.HasSuffix(p.ID, "-"+fx.d.Store().Desk()) {
		t.Fatalf("%+v %v", p, err)
	}
	// A patch without fields keeps the rest.
	p, err = fx.d.SetPermit("amina", fx.no, 1, p.ID, PermitPatch{Authority: s("Sûreté")})
	if err != nil || p.Country != "MA" || p.Authority != "Sûreté" || !p.ValidUntil.Equal(until) {
		t.Fatalf("%+v %v", p, err)
	}
	if _, err := fx.d.SetPermit("amina", fx.no, 9, "", PermitPatch{}); err == nil {
		t.Fatal("permit of a missing traveller saved")
	}
	if _, err := fx.d.SetPermit("amina", fx.no, 1, "P7", PermitPatch{}); booking.ErrorCode(err) != booking.ENOTFOUND {
		t.Fatalf("an id the case does not have: %v", err)
	}
}

// TestNewCaseNumbersPerOfficeAndYear: numbers follow this desk's highest
// of the office and year, in its own block; the principal applicant is traveller 1; a bad traveller
// field is refused with its path and nothing is written.
func TestNewCaseNumbersPerOfficeAndYear(t *testing.T) {
	fx := newFixture(t)
	year := fx.now.Year()
	c := booking.Case{Programme: "USRAP", OriginAirport: "CMN", Priority: 2}
	pa := booking.Traveller{FamilyName: "Ramírez", GivenNames: "Ana", Sex: "F", BirthDate: booking.MustDate("1990-04-05")}
	no, err := fx.d.NewCase("amina", "RBA", c, pa)
	if err != nil {
		t.Fatal(err)
	}
	// In this desk's block: RBA-YYYY-SS0001, SS its slot.
	slot := fx.s.NumberSlot()
	if want := fmt.Sprintf("RBA-%d-%02d0001", year, slot); no != want {
		t.Fatalf("first number %s, want %s", no, want)
	}
	no2, err := fx.d.NewCase("amina", "rba", c, pa)
	if err != nil {
		t.Fatal(err)
	}
	if no2 <= no || no2[:9] != no[:9] {
		t.Fatalf("second number %s after %s", no2, no)
	}
	f, err := fx.s.CaseFile(no2)
	if err != nil {
		t.Fatal(err)
	}
	if f.Case.Status != booking.StatusReceived || f.Case.Received != booking.DateOf(fx.now) || f.Case.Priority != 2 ||
		len(f.Travellers) != 1 || !f.Travellers[0].Principal || f.Travellers[0].Relationship != "PA" {
		t.Fatalf("new case: %+v %+v", f.Case, f.Travellers)
	}
	other, err := fx.d.NewCase("amina", "KLT", c, pa)
	if err != nil || other != fmt.Sprintf("KLT-%d-%02d0001", year, slot) {
		t.Fatalf("KLT: %s %v", other, err)
	}
	pa.Sex = "Q"
	_, err = fx.d.NewCase("amina", "RBA", c, pa)
	if booking.ErrorField(err) != "traveller.1.sex" {
		t.Fatalf("bad sex: %v (field %q)", err, booking.ErrorField(err))
	}
	if n, _ := fx.s.Count(); n != 4 {
		t.Fatalf("%d cases, want 4 (the refused one not written)", n)
	}
}

// Taking a status over on-hold in a sync conflict clears the hold's reason
// and held-from status with it.
func TestResolveStatusConflictClearsStaleHold(t *testing.T) {
	fx := newFixture(t)
	if err := fx.d.MoveStatus("amina", fx.no, booking.StatusOnHold, "exit permit pending"); err != nil {
		t.Fatal(err)
	}
	ents, err := fx.s.Log(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	hold := ents[len(ents)-1].Op
	// Another desk, not having seen the hold, moved the case back to
	// data entry a moment before: a conflict the hold wins.
	other := change.Op{Desk: "RBA-9", Seq: 1, Actor: "karim", HLC: hold.HLC - 1, Kind: booking.KindCase, Key: fx.no,
		Fields: map[string]json.RawMessage{"status": json.RawMessage(`"data-entry"`)}}
	if err := fx.s.Update("sync", func(tx *store.Tx) error {
		res, err := tx.Merge([]change.Op{other}, store.MergeOptions{Seen: func(uint64, *change.Op) bool { return false }})
		if err == nil && res.Conflicts != 1 {
			err = fmt.Errorf("merge: %+v", res)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	cs, err := fx.s.Conflicts(false)
	if err != nil || len(cs) != 1 || cs[0].Field != "status" {
		t.Fatalf("conflicts %+v %v", cs, err)
	}
	if _, err := fx.d.ResolveConflict("amina", cs[0].ID, "loser"); err != nil {
		t.Fatal(err)
	}
	var f *booking.CaseFile
	fx.s.View(func(tx *store.Tx) error { f, err = tx.CaseFile(fx.no); return err })
	if f.Case.Status != booking.StatusDataEntry || f.Case.StatusReason != "" || f.Case.HeldFrom != "" {
		t.Fatalf("after taking data-entry: %s reason %q held from %q", f.Case.Status, f.Case.StatusReason, f.Case.HeldFrom)
	}
}
