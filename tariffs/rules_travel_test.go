package tariffs

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"movedesk/booking"
)

// ruleFiles is the fixture with rule tables and a few more airports.
func ruleFiles(carriers string) map[string]string {
	f := fixtureFiles()
	f[FileAirports] += "ORY,Paris,FR,Europe/Paris\nYUL,Montreal,CA,America/Toronto\n"
	f[FileCarriers] = "carrier,lap_adult_min_age,infant_min_age_days,umnr_connections,medif_notice_hours,medif_oxygen_notice_hours,stretcher_seats,wet_battery\n" + carriers
	f[FileTransit] = `country,nationality,document,atv,destination_visa_exempts
FR,AF,*,required,yes
FR,*,icrc-travel-document,required,no
FR,SY,passport,exempt,
`
	f[FileHolidays] = "country,date,name\nCA,2026-10-12,Thanksgiving\n"
	f[FileProgrammes] = "programme,country,abn_working_days,arrival_days,holiday_arrivals,max_per_flight\nCA-GAR,CA,10,Mon-Thu,no,75\n"
	return f
}

func ruleFixture(t testing.TB, carriers string) *Set {
	t.Helper()
	s, err := Parse(ruleFiles(carriers))
	if err != nil {
		t.Fatalf("rule fixture: %v", err)
	}
	return s
}

func withDocs(m int, docs ...booking.Document) map[int][]booking.Document {
	for i := range docs {
		docs[i].Member, docs[i].Case, docs[i].ID = m, "RBA-2026-000001", "d"+itoa(i)
	}
	return map[int][]booking.Document{m: docs}
}

func passport(no, exp string) booking.Document {
	return booking.Document{Type: booking.DocPassport, Number: no, ExpiryDate: mustDate(exp)}
}

func visa(country, exp string) booking.Document {
	return booking.Document{Type: booking.DocVisa, Number: "V1", IssuingCountry: country, ExpiryDate: mustDate(exp)}
}

func TestFareByStartOfTravel(t *testing.T) {
	s := fixture(t)
	// 12th birthday on the second leg's date: CHD for the whole trip (the
	// issue's USD 788.70 instead of 607.90 case), ADT seat on leg 2.
	segs := []booking.Segment{
		seg("AF", "RBA", "CDG", "2026-09-01T20:00", "2026-09-01T23:50"),
		seg("AF", "CDG", "JFK", "2026-09-02T10:00", "2026-09-02T12:30"),
	}
	res := Quote(s, QuoteRequest{Segments: segs, Travellers: []booking.Traveller{trav(1, "1980-01-01"), trav(2, "2014-09-02")}})
	l1, l2 := res.Lines[2], res.Lines[3]
	if l1.FarePax != booking.CHD || l1.FareID != "AF1C" || l1.PaxType != booking.CHD || l2.PaxType != booking.ADT || l2.FarePax != booking.CHD {
		t.Errorf("child turning 12 on leg 2: %+v / %+v", l1, l2)
	}
}

func TestRuleMinors(t *testing.T) {
	def := ruleFixture(t, "")
	afConnects := ruleFixture(t, "AF,,,yes,,,,\n")
	night := []booking.Segment{ // a midnight connection: leg 2 the next day
		seg("AF", "RBA", "CDG", "2026-09-01T20:00", "2026-09-01T23:50"),
		seg("AF", "CDG", "JFK", "2026-09-02T01:30", "2026-09-02T04:00"),
	}
	nonstop := []booking.Segment{seg("AF", "CDG", "JFK", "2026-09-01T10:00", "2026-09-01T12:30")}
	for _, tc := range []struct {
		name    string
		set     *Set
		segs    []booking.Segment
		trav    []booking.Traveller
		escorts int
		want    []string
	}{
		{"escorted minor with UMNR typed connects", def, rbaJFK("2026-09-01"), []booking.Traveller{trav(1, "2016-01-01", "UMNR")}, 1, nil},
		{"UMNR alone on a connection", def, rbaJFK("2026-09-01"), []booking.Traveller{trav(1, "2016-01-01", "UMNR")}, 0, []string{"umnr-connection/t1/s2"}},
		{"carrier takes UMNRs on connections", afConnects, rbaJFK("2026-09-01"), []booking.Traveller{trav(1, "2016-01-01", "UMNR")}, 0, nil},
		{"10 and 11 alone on a connection", def, rbaJFK("2026-09-01"), []booking.Traveller{trav(1, "2016-01-01"), trav(2, "2015-03-01")}, 0,
			[]string{"umnr-needed/t1/s1", "umnr-connection/t1/s2", "umnr-needed/t2/s1", "umnr-connection/t2/s2"}},
		{"UMNR alone nonstop", def, nonstop, []booking.Traveller{trav(1, "2016-01-01", "UMNR")}, 0, nil},
		{"under 5 alone refused", def, nonstop, []booking.Traveller{trav(1, "2022-01-01")}, 0, []string{"minor-alone/t1/s1"}},
		{"5th birthday on the flight date", def, nonstop, []booking.Traveller{trav(1, "2021-09-01", "UMNR")}, 0, nil},
		{"5th birthday the day after", def, nonstop, []booking.Traveller{trav(1, "2021-09-02")}, 0, []string{"minor-alone/t1/s1"}},
		{"with a 16-year-old sibling", def, nonstop, []booking.Traveller{trav(1, "2022-01-01"), trav(2, "2010-09-01")}, 0, nil},
		// The sibling turns 16 on leg 2's date (after midnight): leg 1 alone.
		// The 15-year-old is past UMNR age: no finding of its own.
		{"sibling turns 16 after midnight", def, night, []booking.Traveller{trav(1, "2016-01-01"), trav(2, "2010-09-02")}, 0,
			[]string{"umnr-needed/t1/s1", "umnr-connection/t1/s2"}},
		{"turns 12 on leg 2: alone on leg 1", def, night, []booking.Traveller{trav(1, "2014-09-02")}, 0,
			[]string{"umnr-needed/t1/s1", "umnr-connection/t1/s2"}},
		{"12 alone", def, nonstop, []booking.Traveller{trav(1, "2014-09-01")}, 0, nil},
		{"adult present", def, rbaJFK("2026-09-01"), []booking.Traveller{trav(1, "1980-01-01"), trav(2, "2016-01-01", "UMNR")}, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(tc.set, QuoteRequest{Segments: tc.segs, Travellers: tc.trav, EscortSeats: tc.escorts})
			if got := codes(only(res.Findings, CodeUMNRConnection, CodeUMNRNeeded, CodeMinorAlone)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRuleInfantMinAge(t *testing.T) {
	def := ruleFixture(t, "")
	kl := ruleFixture(t, "AF,,14,,,,,\n")
	night := []booking.Segment{
		seg("AF", "RBA", "CDG", "2026-09-01T20:00", "2026-09-01T23:50"),
		seg("AF", "CDG", "JFK", "2026-09-02T01:30", "2026-09-02T04:00"),
	}
	for _, tc := range []struct {
		name, dob string
		set       *Set
		want      []string
	}{
		{"3 days old", "2026-08-29", def, []string{"infant-too-young/t2/s1"}},
		{"6 days on leg 1, 7 on leg 2", "2026-08-26", def, []string{"infant-too-young/t2/s1"}},
		{"7 days on leg 1", "2026-08-25", def, nil},
		{"carrier asks 14 days", "2026-08-25", kl, []string{"infant-too-young/t2/s1"}},
		{"14 days", "2026-08-18", kl, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(tc.set, QuoteRequest{Segments: night, Travellers: []booking.Traveller{trav(1, "1980-01-01"), trav(2, tc.dob)}})
			if got := codes(only(res.Findings, CodeInfantTooYoung)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
	// The lap-holder age follows the carrier: 17 is enough by default, not
	// on a carrier asking 18.
	strict := ruleFixture(t, "AF,18,,,,,,\n")
	req := QuoteRequest{Segments: rbaJFK("2026-09-01"), Travellers: []booking.Traveller{trav(1, "2009-01-01"), trav(2, "2026-01-01")}}
	if got := codes(only(Quote(def, req).Findings, CodeInfantUnaccompanied)); len(got) != 0 {
		t.Errorf("17-year-old holder by default: %v", got)
	}
	if got := codes(only(Quote(strict, req).Findings, CodeInfantUnaccompanied)); !slices.Equal(got, []string{"infant-unaccompanied/t2/s1"}) {
		t.Errorf("17-year-old holder on a carrier asking 18: %v", got)
	}
}

func TestInfantTurnsTwoSaysTheChoice(t *testing.T) {
	res := Quote(fixture(t), QuoteRequest{Segments: []booking.Segment{
		seg("AF", "RBA", "CDG", "2026-09-01T20:00", "2026-09-01T23:50"),
		seg("AF", "CDG", "JFK", "2026-09-02T01:30", "2026-09-02T04:00"),
	}, Travellers: []booking.Traveller{trav(1, "1980-01-01"), trav(2, "2024-09-02")}})
	f := only(res.Findings, CodeInfantTurnsTwo)
	if len(f) != 1 || f[0].Segment != 2 || !strings.Contains(f[0].Message, "conservative choice") || !strings.Contains(f[0].Message, "whole trip") {
		t.Errorf("turns-two finding: %v", f)
	}
}

func TestRuleStretcher(t *testing.T) {
	nonstop := []booking.Segment{seg("AF", "CDG", "JFK", "2026-09-01T10:00", "2026-09-01T12:30")}
	for _, tc := range []struct {
		name     string
		carriers string
		seats    int
	}{{"default 6", "", 6}, {"carrier 9", "AF,,,,,,9,\n", 9}} {
		t.Run(tc.name, func(t *testing.T) {
			s := ruleFixture(t, tc.carriers)
			res := Quote(s, QuoteRequest{Segments: nonstop, Travellers: []booking.Traveller{trav(1, "1980-01-01", "STCR")}})
			l := res.Lines[0]
			// AF4A: 700.00 fare, 80.00 taxes; fare per seat, taxes once.
			wantFare := int64(70000 * tc.seats)
			if l.Seats != tc.seats || l.Fare.Amount != wantFare || l.Taxes.Amount != 8000 || l.USD != (wantFare+8000)*108/100 {
				t.Errorf("line %+v", l)
			}
			if got := codes(only(res.Findings, CodeStretcherSeats)); !slices.Equal(got, []string{"stretcher-seats/t1/s1"}) {
				t.Errorf("findings %v", got)
			}
		})
	}
}

func TestRuleMEDIFByCarrierAndNeed(t *testing.T) {
	rba := time.FixedZone("RBA", 3600)
	oxyg := trav(1, "1950-01-01", "OXYG")
	medif := trav(1, "1950-01-01")
	medif.MEDIFNeeded = true
	stcr := trav(1, "1950-01-01", "STCR")
	dep := rbaJFK("2026-09-10") // leaves RBA 07:00 on the 10th
	for _, tc := range []struct {
		name     string
		carriers string
		tr       booking.Traveller
		at       time.Time
		want     []string
	}{
		{"oxygen 71h before", "", oxyg, time.Date(2026, 9, 7, 8, 0, 0, 0, rba), []string{"medif-late/t1/s1"}},
		{"oxygen 72h before", "", oxyg, time.Date(2026, 9, 7, 7, 0, 0, 0, rba), nil},
		{"plain MEDIF 49h", "", medif, time.Date(2026, 9, 8, 6, 0, 0, 0, rba), nil},
		{"carrier asks 96h for oxygen", "AF,,,,,96,,\n", oxyg, time.Date(2026, 9, 7, 7, 0, 0, 0, rba), []string{"medif-late/t1/s1"}},
		{"carrier asks 72h for any MEDIF", "AF,,,,72,,,\n", medif, time.Date(2026, 9, 8, 6, 0, 0, 0, rba), []string{"medif-late/t1/s1"}},
		{"stretcher 72h", "", stcr, time.Date(2026, 9, 8, 6, 0, 0, 0, rba), []string{"medif-late/t1/s1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(ruleFixture(t, tc.carriers), QuoteRequest{Segments: dep, Travellers: []booking.Traveller{tc.tr}, BookedAt: tc.at})
			if got := codes(only(res.Findings, CodeMEDIFLate)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRuleWheelchairBattery(t *testing.T) {
	s := ruleFixture(t, "AF,,,,,,,no\n")
	res := Quote(s, QuoteRequest{Segments: rbaJFK("2026-09-10"), Travellers: []booking.Traveller{trav(1, "1950-01-01", "WCBW")},
		BookingDate: mustDate("2026-09-09")})
	if got := codes(only(res.Findings, CodeWheelchairBattery, CodeWheelchairBatteryNotice)); !slices.Equal(got, []string{"wheelchair-battery/t1/s1", "wheelchair-battery-notice/t1/s1"}) {
		t.Errorf("findings %v", got)
	}
	res = Quote(ruleFixture(t, ""), QuoteRequest{Segments: rbaJFK("2026-09-10"), Travellers: []booking.Traveller{trav(1, "1950-01-01", "WCBD")},
		BookingDate: mustDate("2026-09-01")})
	if got := only(res.Findings, CodeWheelchairBattery, CodeWheelchairBatteryNotice); len(got) != 0 {
		t.Errorf("dry battery in time: %v", got)
	}
}

func TestRuleBooking(t *testing.T) {
	s := ruleFixture(t, "")
	// RBA is UTC+1: 07:00 local is 06:00 UTC.
	for _, tc := range []struct {
		name string
		at   time.Time
		day  string
		want []string
	}{
		{"booked a minute after departure", time.Date(2026, 9, 1, 6, 1, 0, 0, time.UTC), "", []string{"departure-past/s1"}},
		{"booked a minute before", time.Date(2026, 9, 1, 5, 59, 0, 0, time.UTC), "", nil},
		{"booked on the day", time.Time{}, "2026-09-01", nil},
		{"booked the day after", time.Time{}, "2026-09-02", []string{"departure-past/s1"}},
		{"booked months later", time.Time{}, "2026-12-04", []string{"departure-past/s1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := QuoteRequest{Segments: rbaJFK("2026-09-01"), Travellers: []booking.Traveller{trav(1, "1980-01-01")}, BookedAt: tc.at}
			if tc.day != "" {
				req.BookingDate = mustDate(tc.day)
			}
			if got := codes(only(Quote(s, req).Findings, CodeDeparturePast)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		dest string
		segs []booking.Segment
		want []string
	}{
		{"ORD", []booking.Segment{seg("AF", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00")}, []string{"itinerary-destination/s1"}},
		{"JFK", rbaJFK("2026-09-01"), nil},
		{"ORY", []booking.Segment{seg("AF", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00")}, nil}, // same city
		{"", []booking.Segment{seg("AF", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00")}, nil},
	} {
		req := QuoteRequest{Segments: tc.segs, Travellers: []booking.Traveller{trav(1, "1980-01-01")}, Destination: tc.dest}
		if got := codes(only(Quote(s, req).Findings, CodeItineraryDest)); !slices.Equal(got, tc.want) {
			t.Errorf("destination %q: %v, want %v", tc.dest, got, tc.want)
		}
	}
	left := trav(4, "2010-01-01")
	left.Relationship = "son"
	res := Quote(s, QuoteRequest{Segments: rbaJFK("2026-09-01"), Travellers: []booking.Traveller{trav(1, "1980-01-01")}, Others: []booking.Traveller{left}})
	f := only(res.Findings, CodeMemberLeftOff)
	if len(f) != 1 || f[0].Traveller != 4 || f[0].Severity != Warning || !strings.Contains(f[0].Message, "(son)") || !strings.Contains(f[0].Message, "reason") {
		t.Errorf("member left off: %v", f)
	}
}

func TestRuleDOCS(t *testing.T) {
	s := ruleFixture(t, "")
	bare := trav(1, "1980-01-01")
	bare.Sex, bare.Nationality = "", ""
	noGiven := trav(1, "1980-01-01")
	noGiven.GivenNames = ""
	for _, tc := range []struct {
		name    string
		segs    []booking.Segment
		tr      booking.Traveller
		docs    map[int][]booking.Document
		want    []string
		missing string
	}{
		{"complete", rbaJFK("2026-09-01"), trav(1, "1980-01-01"), withDocs(1, passport("P1", "2030-01-01")), nil, ""},
		{"sex and nationality", rbaJFK("2026-09-01"), bare, nil, []string{"docs-incomplete/t1/s2"}, "sex, nationality"},
		{"given names", rbaJFK("2026-09-01"), noGiven, nil, []string{"docs-incomplete/t1/s2"}, "full name"},
		{"document number", rbaJFK("2026-09-01"), trav(1, "1980-01-01"), withDocs(1, passport("", "2030-01-01")), []string{"docs-incomplete/t1/s2"}, "document number"},
		{"no document", rbaJFK("2026-09-01"), trav(1, "1980-01-01"), withDocs(1), []string{"docs-incomplete/t1/s2"}, "travel document"},
		{"not bound for US or CA", []booking.Segment{seg("AF", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00")}, bare, nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(s, QuoteRequest{Segments: tc.segs, Travellers: []booking.Traveller{tc.tr}, Documents: tc.docs})
			f := only(res.Findings, CodeDOCSIncomplete)
			if got := codes(f); !slices.Equal(got, tc.want) {
				t.Fatalf("findings %v, want %v", got, tc.want)
			}
			if len(f) > 0 && !strings.HasSuffix(f[0].Message, "missing: "+tc.missing) {
				t.Errorf("message %q, want missing: %s", f[0].Message, tc.missing)
			}
		})
	}
}

func TestRuleICRC(t *testing.T) {
	s := ruleFixture(t, "")
	icrc := booking.Document{Type: booking.DocICRC, Number: "ICRC1", ExpiryDate: mustDate("2027-01-01")}
	nonstop := []booking.Segment{seg("AF", "CDG", "JFK", "2026-09-01T10:00", "2026-09-01T12:30")}
	back := []booking.Segment{seg("AF", "CDG", "JFK", "2026-09-01T10:00", "2026-09-01T12:30"), seg("AF", "JFK", "CDG", "2026-09-10T18:00", "2026-09-11T07:30")}
	for _, tc := range []struct {
		name string
		segs []booking.Segment
		docs map[int][]booking.Document
		want []string
	}{
		{"no entry visa", nonstop, withDocs(1, icrc), []string{"icrc-entry-visa/t1/s1"}},
		{"entry visa", nonstop, withDocs(1, icrc, visa("US", "2027-01-01")), nil},
		{"entry visa, alpha-3 country", nonstop, withDocs(1, icrc, visa("USA", "2027-01-01")), nil},
		{"visa expired before travel", nonstop, withDocs(1, icrc, visa("US", "2026-08-31")), []string{"icrc-entry-visa/t1/s1"}},
		{"return journey", back, withDocs(1, icrc, visa("FR", "2027-01-01")), []string{"icrc-one-journey/t1/s2"}},
		{"passport holder", nonstop, withDocs(1, passport("P1", "2030-01-01")), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(s, QuoteRequest{Segments: tc.segs, Travellers: []booking.Traveller{trav(1, "1980-01-01")}, Documents: tc.docs})
			if got := codes(only(res.Findings, CodeICRCEntryVisa, CodeICRCOneJourney)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRuleTransit(t *testing.T) {
	s := ruleFixture(t, "")
	afghan := trav(1, "1980-01-01")
	afghan.Nationality = "AF"
	syrian := trav(1, "1980-01-01")
	syrian.Nationality = "SY"
	afghan3 := afghan
	afghan3.Nationality = "AFG" // records may hold alpha-3 codes
	icrc := booking.Document{Type: booking.DocICRC, Number: "ICRC1", ExpiryDate: mustDate("2027-01-01")}
	conn := func(arr, dep string) []booking.Segment {
		return []booking.Segment{seg("AF", "RBA", "CDG", "2026-09-01T07:00", arr), seg("AF", "CDG", "JFK", dep, "2026-09-03T20:00")}
	}
	ory := []booking.Segment{seg("AF", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00"), seg("AF", "ORY", "JFK", "2026-09-01T16:00", "2026-09-01T18:30")}
	for _, tc := range []struct {
		name string
		tr   booking.Traveller
		segs []booking.Segment
		docs map[int][]booking.Document
		want []string
	}{
		{"Afghan via CDG without visa", afghan, rbaJFK("2026-09-01"), withDocs(1, passport("P1", "2030-01-01")), []string{"transit-visa/t1/s2"}},
		{"Afghan (AFG) via CDG without visa", afghan3, rbaJFK("2026-09-01"), withDocs(1, passport("P1", "2030-01-01")), []string{"transit-visa/t1/s2"}},
		{"Afghan with the destination visa (USA)", afghan3, rbaJFK("2026-09-01"), withDocs(1, passport("P1", "2030-01-01"), visa("USA", "2030-01-01")), nil},
		{"Afghan with the destination visa", afghan, rbaJFK("2026-09-01"), withDocs(1, passport("P1", "2030-01-01"), visa("US", "2030-01-01")), nil},
		{"Afghan with a French transit visa", afghan, rbaJFK("2026-09-01"), withDocs(1, passport("P1", "2030-01-01"), visa("FR", "2030-01-01")), nil},
		{"Afghan on ICRC with US visa", afghan, rbaJFK("2026-09-01"), withDocs(1, icrc, visa("US", "2027-01-01")), []string{"transit-visa/t1/s2"}},
		{"Syrian passport exempt row", syrian, rbaJFK("2026-09-01"), withDocs(1, passport("P1", "2030-01-01")), nil},
		{"Moroccan needs none", trav(1, "1980-01-01"), rbaJFK("2026-09-01"), withDocs(1, passport("P1", "2030-01-01")), nil},
		{"documents not loaded", afghan, rbaJFK("2026-09-01"), nil, nil},
		{"layover 25h", trav(1, "1980-01-01"), conn("2026-09-01T11:00", "2026-09-02T12:00"), nil, []string{"layover-long/s2"}},
		{"layover exactly 24h", trav(1, "1980-01-01"), conn("2026-09-01T11:00", "2026-09-02T11:00"), nil, []string{"transit-overnight/s2"}},
		{"overnight", trav(1, "1980-01-01"), conn("2026-09-01T23:30", "2026-09-02T05:30"), nil, []string{"transit-overnight/s2"}},
		{"short connection across midnight", trav(1, "1980-01-01"), conn("2026-09-01T23:30", "2026-09-02T01:00"), nil, nil},
		{"evening layover same day", trav(1, "1980-01-01"), conn("2026-09-01T11:00", "2026-09-01T22:00"), nil, nil},
		{"airport change in Paris", trav(1, "1980-01-01"), ory, withDocs(1, passport("P1", "2030-01-01")), []string{"airport-change/s2", "transit-visa/t1/s2"}},
		{"airport change with a French visa", trav(1, "1980-01-01"), ory, withDocs(1, passport("P1", "2030-01-01"), visa("FR", "2030-01-01")), []string{"airport-change/s2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(s, QuoteRequest{Segments: tc.segs, Travellers: []booking.Traveller{tc.tr}, Documents: tc.docs})
			if got := codes(only(res.Findings, CodeTransitVisa, CodeLayoverLong, CodeTransitOvernight, CodeAirportChange)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
			if got := only(res.Findings, CodeItinerary); len(got) != 0 {
				t.Errorf("itinerary findings: %v", got)
			}
		})
	}
	r := DefaultRules()
	r.MaxLayover = 12 * time.Hour
	res := Quote(s, QuoteRequest{Segments: conn("2026-09-01T08:00", "2026-09-01T21:00"), Travellers: []booking.Traveller{trav(1, "1980-01-01")}, Rules: &r})
	if got := codes(only(res.Findings, CodeLayoverLong)); !slices.Equal(got, []string{"layover-long/s2"}) {
		t.Errorf("configured 12h: %v", got)
	}
}

func TestRuleProgramme(t *testing.T) {
	s := ruleFixture(t, "")
	// CDG-YUL on AF; Montreal is UTC-4 in autumn.
	to := func(day string) []booking.Segment {
		return []booking.Segment{seg("AF", "CDG", "YUL", day+"T10:00", day+"T12:00")}
	}
	party := make([]booking.Traveller, 6)
	for i := range party {
		party[i] = trav(i+1, "1980-01-01")
	}
	for _, tc := range []struct {
		name   string
		segs   []booking.Segment
		booked string
		loads  []FlightLoad
		want   []string
	}{
		// Thu 2026-10-01 arrival; booked Thu 2026-09-17: 9 working days between.
		{"9 working days", to("2026-10-01"), "2026-09-17", nil, []string{"programme-abn-notice/s1"}},
		{"10 working days", to("2026-10-01"), "2026-09-16", nil, nil},
		{"Friday arrival", to("2026-10-02"), "2026-09-01", nil, []string{"programme-arrival-day/s1"}},
		{"Thanksgiving Monday", to("2026-10-12"), "2026-09-01", nil, []string{"programme-arrival-day/s1"}},
		// Holiday inside the window: Tue 2026-10-27 arrival booked Tue 2026-10-13
		// has 9 working days; booked Fri 2026-10-09 across Thanksgiving: 11.
		{"holiday excluded", to("2026-10-22"), "2026-10-08", nil, []string{"programme-abn-notice/s1"}},
		{"at the cap", to("2026-10-01"), "2026-09-01", []FlightLoad{{Carrier: "AF", Flight: "100", Date: mustDate("2026-10-01"), Case: "RBA-2026-000002", Programme: "CA-GAR", Travellers: 69}}, nil},
		{"over the cap", to("2026-10-01"), "2026-09-01", []FlightLoad{
			{Carrier: "AF", Flight: "100", Date: mustDate("2026-10-01"), Case: "RBA-2026-000002", Programme: "CA-GAR", Travellers: 40},
			{Carrier: "AF", Flight: "100", Date: mustDate("2026-10-01"), Case: "RBA-2026-000003", Programme: "CA-GAR", Travellers: 30},
			{Carrier: "AF", Flight: "100", Date: mustDate("2026-10-02"), Case: "RBA-2026-000004", Programme: "CA-GAR", Travellers: 30},
			{Carrier: "AF", Flight: "100", Date: mustDate("2026-10-01"), Case: "RBA-2026-000005", Programme: "USRAP", Travellers: 30},
		}, []string{"programme-flight-cap/s1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(s, QuoteRequest{Segments: tc.segs, Travellers: party, Programme: "CA-GAR", BookingDate: mustDate(tc.booked), FlightLoads: tc.loads})
			f := only(res.Findings, CodeProgrammeABNNotice, CodeProgrammeArrivalDay, CodeProgrammeFlightCap)
			if got := codes(f); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
			if tc.name == "over the cap" && (!strings.Contains(f[0].Message, "RBA-2026-000002 (40), RBA-2026-000003 (30)") || strings.Contains(f[0].Message, "000004")) {
				t.Errorf("cap message %q", f[0].Message)
			}
		})
	}
	// Another programme has no rule.
	res := Quote(s, QuoteRequest{Segments: to("2026-10-02"), Travellers: party, Programme: "USRAP", BookingDate: mustDate("2026-10-01")})
	if got := only(res.Findings, CodeProgrammeABNNotice, CodeProgrammeArrivalDay, CodeProgrammeFlightCap); len(got) != 0 {
		t.Errorf("USRAP to CA: %v", got)
	}
}

func TestParseRuleTables(t *testing.T) {
	files := ruleFiles("AF,17,7,yes,48,72,6,yes\nAF,16,,,,,,\nXYZ,40,x,maybe,,,10,\n")
	files[FileTransit] += "FR,AF,*,required,yes\nZZZ,AF,visa,sometimes,\n"
	files[FileHolidays] += "CA,2026-13-01,Bad\nCA,2026-10-12,Again\n"
	files[FileProgrammes] += "CA-GAR,CA,,,,\nNOPE,*,5,Mon-Fun,,\n"
	_, err := Parse(files)
	var te TableErrors
	if !asTableErrors(err, &te) {
		t.Fatalf("err = %v", err)
	}
	want := []struct {
		file  string
		line  int
		field string
		msg   string
	}{
		{FileCarriers, 3, "carrier", "already has a row on line 2"},
		{FileCarriers, 4, "carrier", "must be 2 letters or digits"},
		{FileCarriers, 4, "lap_adult_min_age", "12 to 21"},
		{FileCarriers, 4, "infant_min_age_days", "whole number"},
		{FileCarriers, 4, "umnr_connections", "yes or no"},
		{FileCarriers, 4, "stretcher_seats", "1 to 9"},
		{FileTransit, 5, "nationality", "already has a row on line 2"},
		{FileTransit, 6, "country", "must be 2 letters"},
		{FileTransit, 6, "document", "travel document type"},
		{FileTransit, 6, "atv", "required or exempt"},
		{FileHolidays, 3, "date", ""},
		{FileHolidays, 4, "date", "already listed on line 2"},
		{FileProgrammes, 3, "country", "already has a row"},
		{FileProgrammes, 4, "programme", "unknown programme"},
		{FileProgrammes, 4, "arrival_days", "not a weekday"},
	}
	for _, w := range want {
		found := false
		for _, e := range te {
			if e.File == w.file && e.Line == w.line && e.Field == w.field && strings.Contains(e.Message, w.msg) && e.Column > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("no error %s:%d: %s: %s in\n%v", w.file, w.line, w.field, w.msg, err)
		}
	}
	if len(te) != len(want) {
		t.Errorf("%d errors, want %d:\n%v", len(te), len(want), err)
	}
	// A set without the rule tables parses (versions imported before them).
	if _, err := Parse(fixtureFiles()); err != nil {
		t.Fatal(err)
	}
}

func asTableErrors(err error, te *TableErrors) bool {
	v, ok := err.(TableErrors)
	*te = v
	return ok
}

func TestSetRecordCarriesRuleTables(t *testing.T) {
	s := ruleFixture(t, "AF,17,7,yes,48,72,6,yes\n")
	rec := NewSetRecord(s, "alice", time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), "/tmp/t1")
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var back SetRecord
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, err := back.Set()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Files {
		if again.Text(f) != s.Text(f) {
			t.Errorf("%s differs after the round trip", f)
		}
	}
	c, ok := again.Carrier("AF")
	if !ok || c.LapAdultMinAge != 17 || !c.UMNRConnections || c.StretcherSeats != 6 || len(again.TransitRules()) != 3 ||
		len(again.Holidays()) != 1 || len(again.ProgrammeRules()) != 1 {
		t.Errorf("rule tables after the round trip: %+v %v", c, ok)
	}
	p := DefaultRules()
	pol := p.Policy(again, "AF")
	if !pol.FromTable || pol.LapAdultMinAge != 17 || pol.UMNRMaxAge != p.UMNRMaxAge || pol.MEDIFOxygenNotice != 72*time.Hour {
		t.Errorf("policy %+v", pol)
	}
	if pol := p.Policy(again, "UA"); pol.FromTable || pol.LapAdultMinAge != 16 {
		t.Errorf("carrier without a row: %+v", pol)
	}
}

func TestEmbeddedRuleTables(t *testing.T) {
	s, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.CarrierRules()) == 0 || len(s.TransitRules()) == 0 || len(s.Holidays()) == 0 || len(s.ProgrammeRules()) == 0 {
		t.Errorf("embedded rule tables: %d carriers, %d transit, %d holidays, %d programmes",
			len(s.CarrierRules()), len(s.TransitRules()), len(s.Holidays()), len(s.ProgrammeRules()))
	}
}

// TestProgrammeRulesAlone: programmes.csv parsed alone gives the rows the
// whole embedded set gives, and its errors.
func TestProgrammeRulesAlone(t *testing.T) {
	set, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	alone, err := EmbeddedProgrammeRules()
	if err != nil || len(alone) == 0 || !reflect.DeepEqual(alone, set.ProgrammeRules()) {
		t.Fatalf("alone %+v, %v; set %+v", alone, err, set.ProgrammeRules())
	}
	if _, err := ParseProgrammeRules("programme,country,max_per_flight\nCA-GAR,CA,lots\n"); err == nil || !strings.Contains(err.Error(), "programmes.csv:2") {
		t.Fatalf("bad cap: %v", err)
	}
}
