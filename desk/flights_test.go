package desk

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/flights"
	"movedesk/store"
	"movedesk/tariffs"
)

// TestProgrammeCapAcrossCases books three cases of one programme on one
// flight under a version capping it at 5 per flight: the third, over the
// cap, is refused with a finding naming the other two cases.
func TestProgrammeCapAcrossCases(t *testing.T) {
	fx := newFixture(t)
	emb, err := tariffs.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	files := emb.Texts()
	files[tariffs.FileVersion] = "version,effective\ncap-test,2026-01-01\n"
	files[tariffs.FileProgrammes] = "programme,country,max_per_flight\nUSRAP,*,5\n"
	set, err := tariffs.Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.ImportTariffs("admin", set, "test"); err != nil {
		t.Fatal(err)
	}
	if err := fx.d.ActivateTariff("admin", "cap-test"); err != nil {
		t.Fatal(err)
	}
	// Cases of 2 travellers each, on fx.seg's flight.
	book := func(no string) (*BookResult, error) {
		if no != fx.no {
			f := &booking.CaseFile{Case: booking.Case{Number: no, Programme: "USRAP", Office: "RBA", OriginCity: "Origin",
				OriginAirport: fx.seg.From, DestCity: "Destination", DestAirport: fx.seg.To, Sponsor: "IRC", Priority: 2,
				Received: booking.MustDate("2026-01-10"), TravelReady: booking.MustDate("2026-02-01"), Status: booking.StatusTravelReady}}
			if err := fx.d.CreateCase("setup", f); err != nil {
				t.Fatal(err)
			}
		}
		if err := fx.d.s.Update("setup", func(tx *store.Tx) error {
			cf, err := tx.CaseFile(no)
			if err != nil {
				return err
			}
			for m := len(cf.Travellers) + 1; m <= 2; m++ {
				tr := booking.Traveller{Case: no, Member: m, Principal: m == 1, FamilyName: "Member", GivenNames: fmt.Sprint(m),
					BirthDate: booking.MustDate("1980-05-05"), Sex: "F", Nationality: "SYR", Relationship: "PA",
					MedicalValidUntil: fx.seg.Depart.Date().AddDays(90)}
				doc := booking.Document{Case: no, Member: m, ID: "p1", Type: booking.DocPassport, Number: "N" + fmt.Sprint(m),
					ExpiryDate: fx.seg.Depart.Date().AddDays(2000)}
				if err := tx.Put(&tr); err != nil {
					return err
				}
				if err := tx.Put(&doc); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return fx.d.Book("amina", no, booking.Booking{Segments: []booking.Segment{fx.seg}}, true)
	}
	if _, err := book(fx.no); err != nil {
		t.Fatal(err)
	}
	if _, err := book("RBA-2026-000778"); err != nil {
		t.Fatal(err)
	}
	res, err := book("RBA-2026-000779")
	if err == nil || res.Saved {
		t.Fatal("third case over the cap was booked")
	}
	var cap *tariffs.Finding
	for _, f := range res.Quote.Findings {
		if f.Code == tariffs.CodeProgrammeFlightCap {
			cap = &f
		}
	}
	if cap == nil || !strings.Contains(cap.Message, fx.no+" (2)") || !strings.Contains(cap.Message, "RBA-2026-000778 (2)") || !strings.Contains(cap.Message, "carry 6") {
		t.Fatalf("cap finding %v in %v", cap, res.Quote.Findings)
	}
}

// TestSetBookingRefs: a PNR and ticket numbers land on the active booking,
// a member's ticket is replaced, and invalid ones are refused whole.
func TestSetBookingRefs(t *testing.T) {
	fx := newFixture(t)
	if _, err := fx.d.Book("amina", fx.no, booking.Booking{Segments: []booking.Segment{fx.seg}, PNR: "GRP001"}, true); err != nil {
		t.Fatal(err)
	}
	f, _ := fx.s.CaseFile(fx.no)
	if f.ActiveBooking().PNR != "GRP001" {
		t.Fatalf("booked PNR %q", f.ActiveBooking().PNR)
	}
	m := f.ActiveBooking().Travellers[0]
	if _, err := fx.d.SetBookingRefs("amina", fx.no, "", []booking.Ticket{{Member: m, Number: "0141111111111"}}); err != nil {
		t.Fatal(err)
	}
	b, err := fx.d.SetBookingRefs("amina", fx.no, "XYZ789", []booking.Ticket{{Member: m, Number: "0142222222222"}})
	if err != nil || b.PNR != "XYZ789" || len(b.Tickets) != 1 || b.Ticket(m) != "0142222222222" {
		t.Fatalf("refs %+v %v", b, err)
	}
	if _, err := fx.d.SetBookingRefs("amina", fx.no, "BAD", nil); err == nil || !strings.Contains(err.Error(), "PNR") {
		t.Fatalf("bad PNR: %v", err)
	}
	if _, err := fx.d.SetBookingRefs("amina", fx.no, "", []booking.Ticket{{Member: 42, Number: "0142222222222"}}); err == nil {
		t.Fatal("ticket for a member off the booking accepted")
	}
	f, _ = fx.s.CaseFile(fx.no)
	if b := f.ActiveBooking(); b.PNR != "XYZ789" || b.Ticket(m) != "0142222222222" {
		t.Fatalf("stored %+v", b)
	}
}

// TestSetMEDIF: a MEDIF's status is kept per traveller and operating
// carrier on the active booking (a later status replaces the earlier),
// refused for a traveller not needing one, a carrier off the booking or
// an unknown status; the flight shows it.
func TestSetMEDIF(t *testing.T) {
	fx := newFixture(t)
	if _, err := fx.d.Book("amina", fx.no, booking.Booking{Segments: []booking.Segment{fx.seg}}, true); err != nil {
		t.Fatal(err)
	}
	c := fx.seg.Carrier
	if _, err := fx.d.SetMEDIF("amina", fx.no, 1, c, booking.MEDIFSent, booking.Date{}); err == nil || !strings.Contains(err.Error(), "not marked") {
		t.Fatalf("MEDIF for a traveller without the need: %v", err)
	}
	f, _ := fx.s.CaseFile(fx.no)
	tr := f.Travellers[0]
	tr.MEDIFNeeded = true
	if err := fx.s.PutRecords("amina", &tr); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.SetMEDIF("amina", fx.no, 1, c, booking.MEDIFSent, booking.Date{}); err != nil {
		t.Fatal(err)
	}
	b, err := fx.d.SetMEDIF("amina", fx.no, 1, c, booking.MEDIFApproved, booking.MustDate("2026-01-20"))
	if err != nil || len(b.MEDIFs) != 1 || b.MEDIFStatus(1, c) != booking.MEDIFApproved {
		t.Fatalf("approved: %+v %v", b, err)
	}
	for _, bad := range []struct{ carrier, status, want string }{{"ZZ", booking.MEDIFSent, "flies no segment"}, {c, "faxed", "must be one of"}} {
		if _, err := fx.d.SetMEDIF("amina", fx.no, 1, bad.carrier, bad.status, booking.Date{}); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s %s: %v", bad.carrier, bad.status, err)
		}
	}
	k := flights.Key{Carrier: c, Flight: fx.seg.Flight, Date: fx.seg.Depart.Date()}
	files, err := fx.s.FlightFiles(k)
	if err != nil {
		t.Fatal(err)
	}
	fl := flights.Build(k, files, flights.Options{})
	if len(fl.Parties) != 1 || fl.Parties[0].Passengers[0].MEDIFStatus != booking.MEDIFApproved || fl.Totals.MEDIFs != 1 {
		t.Fatalf("flight %+v", fl.Parties)
	}
}

// TestProgrammeRulesOfActiveVersion: the caps come from the active
// version, read alone by a fresh desk and from the loaded set by one that
// has it, and from the embedded table before any import.
func TestProgrammeRulesOfActiveVersion(t *testing.T) {
	fx := newFixture(t)
	capOf := func(d *Service, prog string) int {
		rs, err := d.ProgrammeRules()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Programme == prog {
				return r.MaxPerFlight
			}
		}
		return -1
	}
	if got := capOf(fx.d, "CA-GAR"); got != 75 {
		t.Fatalf("embedded CA-GAR cap %d", got)
	}
	emb, _ := tariffs.Embedded()
	files := emb.Texts()
	files[tariffs.FileVersion] = "version,effective\ncap-test,2026-01-01\n"
	files[tariffs.FileProgrammes] = "programme,country,max_per_flight\nCA-GAR,CA,40\n"
	set, err := tariffs.Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.ImportTariffs("admin", set, "test"); err != nil {
		t.Fatal(err)
	}
	if err := fx.d.ActivateTariff("admin", "cap-test"); err != nil {
		t.Fatal(err)
	}
	fresh := New(fx.s, Config{Rules: tariffs.DefaultRules()})
	if got := capOf(fresh, "CA-GAR"); got != 40 {
		t.Fatalf("fresh desk: CA-GAR cap %d", got)
	}
	if _, err := fx.d.Tariffs(); err != nil {
		t.Fatal(err)
	}
	if got := capOf(fx.d, "CA-GAR"); got != 40 {
		t.Fatalf("loaded desk: CA-GAR cap %d", got)
	}
}

// TestCanadaCapAcrossThreeCases: end to end through the use-case layer and
// a real store, three CA-GAR cases (two travellers each) book AT CMN-YUL on
// one Tuesday under a version whose programmes.csv caps CA-GAR in Canada
// at 5 per flight; the first two book, the third is refused with a finding
// naming the two others (read from the flight index in the booking's
// transaction), and the flight shows 4 CA-GAR travellers of 5.
func TestCanadaCapAcrossThreeCases(t *testing.T) {
	fx := newFixture(t)
	emb, err := tariffs.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	files := emb.Texts()
	files[tariffs.FileVersion] = "version,effective\nca-cap,2026-01-01\n"
	files[tariffs.FileProgrammes] = "programme,country,abn_working_days,arrival_days,holiday_arrivals,max_per_flight\nCA-GAR,CA,10,Mon-Thu,no,5\n"
	set, err := tariffs.Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.ImportTariffs("admin", set, "test"); err != nil {
		t.Fatal(err)
	}
	if err := fx.d.ActivateTariff("admin", "ca-cap"); err != nil {
		t.Fatal(err)
	}
	// A Tuesday five weeks on, within the fares' validity, not a holiday.
	day := booking.DateOf(fx.now).AddDays(35)
	for day.Time().Weekday() != time.Tuesday || set.IsHoliday("CA", day) {
		day = day.AddDays(1)
	}
	seg := booking.Segment{Carrier: "AT", Flight: "208", From: "CMN", To: "YUL",
		Depart: booking.MustLocalTime(day.String() + "T10:00"), Arrive: booking.MustLocalTime(day.String() + "T13:00")}
	book := func(no string) (*BookResult, error) {
		f := &booking.CaseFile{Case: booking.Case{Number: no, Programme: "CA-GAR", Office: "RBA", OriginCity: "Casablanca",
			OriginAirport: "CMN", DestCity: "Montréal", DestAirport: "YUL", Sponsor: "Government of Canada", Priority: 2,
			Received: booking.MustDate("2026-01-10"), TravelReady: booking.MustDate("2026-02-01"), Status: booking.StatusTravelReady}}
		for m := 1; m <= 2; m++ {
			f.Travellers = append(f.Travellers, booking.Traveller{Case: no, Member: m, Principal: m == 1, FamilyName: "Member",
				GivenNames: fmt.Sprint(m), BirthDate: booking.MustDate("1980-05-05"), Sex: "F", Nationality: "SYR", Relationship: "PA",
				MedicalDate: booking.DateOf(fx.now), MedicalValidUntil: day.AddDays(90)})
			f.Documents = append(f.Documents, booking.Document{Case: no, Member: m, ID: "p1", Type: booking.DocPassport,
				Number: "N" + fmt.Sprint(m), IssuingCountry: "SYR", ExpiryDate: day.AddDays(2000)})
		}
		if err := fx.d.CreateCase("setup", f); err != nil {
			t.Fatal(err)
		}
		return fx.d.Book("amina", no, booking.Booking{Segments: []booking.Segment{seg}, Travellers: []int{1, 2}}, true)
	}
	for _, no := range []string{"RBA-2026-000801", "RBA-2026-000802"} {
		if res, err := book(no); err != nil {
			t.Fatalf("%s: %v (%v)", no, err, res.Quote.Findings)
		}
	}
	res, err := book("RBA-2026-000803")
	if err == nil || res.Saved {
		t.Fatal("the third case over the Canada cap was booked")
	}
	var cap *tariffs.Finding
	for _, f := range res.Quote.Findings {
		if f.Code == tariffs.CodeProgrammeFlightCap {
			cap = &f
		}
	}
	if cap == nil || cap.Severity != tariffs.Blocking || !strings.Contains(cap.Message, "RBA-2026-000801 (2)") ||
		!strings.Contains(cap.Message, "RBA-2026-000802 (2)") || !strings.Contains(cap.Message, "carry 6") {
		t.Fatalf("cap finding %+v in %v", cap, res.Quote.Findings)
	}
	k := flights.Key{Carrier: "AT", Flight: "208", Date: day}
	files2, err := fx.s.FlightFiles(k)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := fx.d.ProgrammeRules()
	var caps []flights.Cap
	for _, r := range rs {
		caps = append(caps, flights.Cap{Programme: r.Programme, Country: r.Country, Max: r.MaxPerFlight})
	}
	fl := flights.Build(k, files2, flights.Options{Caps: caps})
	if fl.Totals.Cases != 2 || len(fl.Caps) != 1 || fl.Caps[0].Travellers != 4 || fl.Caps[0].Max != 5 || fl.Caps[0].Over {
		t.Fatalf("flight %+v caps %+v", fl.Totals, fl.Caps)
	}
}
