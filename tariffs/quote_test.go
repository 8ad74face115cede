package tariffs

import (
	"slices"
	"strings"
	"testing"
	"time"

	"movedesk/booking"
)

func TestQuoteThroughFare(t *testing.T) {
	s := fixture(t)
	req := QuoteRequest{
		Segments: rbaJFK("2026-12-03"),
		Travellers: []booking.Traveller{
			trav(1, "1980-01-01"), trav(2, "1982-05-05"), trav(3, "2019-03-03"), trav(4, "2026-01-01"),
		},
	}
	res := Quote(s, req)
	if res.Blocking() {
		t.Fatalf("unexpected blocking findings: %v", res.Findings)
	}
	if len(res.Components) != 1 || res.Components[0].First != 1 || res.Components[0].Last != 2 ||
		!slices.Equal(res.Components[0].Via, []string{"CDG"}) {
		t.Fatalf("components = %+v, want one RBA-CDG-JFK through component", res.Components)
	}
	if len(res.Lines) != 8 {
		t.Fatalf("%d lines, want 8", len(res.Lines))
	}
	// Passenger 1, segment 1 carries the through fare; segment 2 is through.
	l1, l2 := res.Lines[0], res.Lines[1]
	if l1.Traveller != 1 || l1.Segment != 1 || l1.FareID != "AF1A" || l1.Fare.Amount != 80000 || l1.Taxes.Amount != 10000 || l1.Through {
		t.Errorf("line 1 = %+v", l1)
	}
	if l2.Segment != 2 || !l2.Through || l2.USD != 0 || l2.FareID != "AF1A" {
		t.Errorf("line 2 = %+v", l2)
	}
	// 900 EUR at 1.08 = 972 USD.
	if l1.USD != 97200 || l1.Rate.USDMicros != 1_080_000 {
		t.Errorf("USD = %d at %v, want 97200 at 1.08", l1.USD, l1.Rate)
	}
	want := int64(97200*2 + 69000*108/100 + 11000*108/100)
	if res.TotalUSD != want {
		t.Errorf("total = %d, want %d", res.TotalUSD, want)
	}
	var sum int64
	for _, p := range res.Passengers {
		sum += p.USD
	}
	if sum != res.TotalUSD || len(res.Passengers) != 4 || res.Passengers[3].FarePax != booking.INF {
		t.Errorf("passengers = %+v", res.Passengers)
	}
	if res.Lines[6].Baggage != (Baggage{1, 10}) {
		t.Errorf("infant baggage = %v", res.Lines[6].Baggage)
	}
}

func TestQuoteDateBoundary(t *testing.T) {
	s := fixture(t)
	for _, tc := range []struct {
		name   string
		segs   []booking.Segment
		fare   string
		micros int64
	}{
		{"last day of period 1", rbaJFK("2026-12-31"), "AF1A", 1_080_000},
		{"first day of period 2", rbaJFK("2027-01-01"), "AF2A", 1_100_000},
		// The component's first departure dates the fare and rate.
		{"overnight into period 2", []booking.Segment{
			seg("AF", "RBA", "CDG", "2026-12-31T20:00", "2026-12-31T23:50"),
			seg("AF", "CDG", "JFK", "2027-01-01T10:00", "2027-01-01T12:30")}, "AF1A", 1_080_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(s, QuoteRequest{Segments: tc.segs, Travellers: []booking.Traveller{trav(1, "1980-01-01")}})
			if res.Blocking() || res.Lines[0].FareID != tc.fare || res.Lines[0].Rate.USDMicros != tc.micros {
				t.Errorf("fare %s at %v, findings %v; want %s at %d", res.Lines[0].FareID, res.Lines[0].Rate, res.Findings, tc.fare, tc.micros)
			}
		})
	}
}

func TestQuoteSplitComponents(t *testing.T) {
	s := fixture(t)
	// A change of carrier splits the itinerary: AF RBA-CDG is priced on its
	// own, and KL, which has no fares, is explained on segment 2.
	res := Quote(s, QuoteRequest{
		Segments:   []booking.Segment{seg("AF", "RBA", "CDG", "2026-10-01T07:00", "2026-10-01T11:00"), seg("KL", "CDG", "JFK", "2026-10-01T14:00", "2026-10-01T16:00")},
		Travellers: []booking.Traveller{trav(1, "1980-01-01")},
	})
	if len(res.Components) != 1 || res.Components[0].Carrier != "AF" || res.Priced() {
		t.Errorf("components %+v priced=%v", res.Components, res.Priced())
	}
	if got := codes(only(res.Findings, CodeNoTariffCarrier)); !slices.Equal(got, []string{"no-tariff-carrier/s2"}) {
		t.Errorf("findings = %v", got)
	}
}

func TestRuleTariff(t *testing.T) {
	s := fixture(t)
	adult := []booking.Traveller{trav(1, "1980-01-01")}
	for _, tc := range []struct {
		name      string
		segs      []booking.Segment
		trav      []booking.Traveller
		programme string
		want      []string
	}{
		{"priced", rbaJFK("2026-09-01"), adult, "", nil},
		{"route", []booking.Segment{seg("AF", "RBA", "ORD", "2026-09-01T07:00", "2026-09-01T15:00")}, adult, "", []string{"no-tariff-route/s1"}},
		{"carrier", []booking.Segment{seg("KL", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00")}, adult, "", []string{"no-tariff-carrier/s1"}},
		{"cabin", []booking.Segment{seg("LH", "FRA", "JFK", "2026-09-01T10:00", "2026-09-01T13:00")}, adult, "", []string{"no-tariff-cabin/s1"}},
		{"pax", []booking.Segment{seg("AF", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00")},
			[]booking.Traveller{trav(1, "1980-01-01"), trav(2, "2018-01-01")}, "", []string{"no-tariff-pax/t2/s1"}},
		{"date", rbaJFK("2028-02-01"), adult, "", []string{"no-tariff-date/s1"}},
		{"programme", []booking.Segment{seg("AT", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00")}, adult, "USRAP", []string{"tariff-programme/s1"}},
		{"own programme", []booking.Segment{seg("AT", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00")}, adult, "AVRR", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(s, QuoteRequest{Segments: tc.segs, Travellers: tc.trav, Programme: tc.programme})
			got := codes(only(res.Findings, CodeNoTariffRoute, CodeNoTariffCarrier, CodeNoTariffCabin, CodeNoTariffPax, CodeNoTariffDate, CodeTariffProgramme))
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v (all: %v)", got, tc.want, res.Findings)
			}
			if len(tc.want) > 0 && !res.Blocking() {
				t.Error("a missing tariff must block")
			}
		})
	}
}

func TestRuleItinerary(t *testing.T) {
	s := fixture(t)
	for _, tc := range []struct {
		name string
		segs []booking.Segment
		want []string
	}{
		// 10:00 in Paris is 04:00 in New York: arriving 08:00 local is fine.
		{"zones", []booking.Segment{seg("AF", "CDG", "JFK", "2026-09-01T10:00", "2026-09-01T08:00")}, nil},
		{"arrives before departing", []booking.Segment{seg("AF", "CDG", "JFK", "2026-09-01T10:00", "2026-09-01T03:30")}, []string{"itinerary/s1"}},
		{"unknown airport", []booking.Segment{seg("AF", "CDG", "XYZ", "2026-09-01T10:00", "2026-09-01T12:00")}, []string{"itinerary/s1"}},
		{"disconnected", []booking.Segment{seg("AF", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00"), seg("AF", "FRA", "JFK", "2026-09-01T14:00", "2026-09-01T17:00")}, []string{"itinerary/s2"}},
		{"no date", []booking.Segment{seg("AF", "CDG", "JFK", "", "")}, []string{"itinerary/s1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(s, QuoteRequest{Segments: tc.segs, Travellers: []booking.Traveller{trav(1, "1980-01-01")}})
			if got := codes(only(res.Findings, CodeItinerary)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
	if res := Quote(s, QuoteRequest{}); !slices.Equal(codes(res.Findings), []string{"itinerary"}) {
		t.Errorf("empty request: %v", res.Findings)
	}
	if res := Quote(nil, QuoteRequest{Segments: rbaJFK("2026-09-01")}); !slices.Equal(codes(res.Findings), []string{"no-tariff-set"}) {
		t.Errorf("nil set: %v", res.Findings)
	}
}

func TestRuleInfants(t *testing.T) {
	s := fixture(t)
	for _, tc := range []struct {
		name    string
		trav    []booking.Traveller
		escorts int
		want    []string
	}{
		{"one adult one infant", []booking.Traveller{trav(1, "1980-01-01"), trav(2, "2026-01-01")}, 0, nil},
		{"infant alone", []booking.Traveller{trav(1, "2026-01-01")}, 0, []string{"infant-unaccompanied/t1/s1"}},
		{"teen is no lap adult", []booking.Traveller{trav(1, "2012-01-01"), trav(2, "2026-01-01")}, 0, []string{"infant-unaccompanied/t2/s1"}},
		{"escort holds infant", []booking.Traveller{trav(1, "2026-01-01")}, 1, nil},
		{"two infants one adult", []booking.Traveller{trav(1, "1980-01-01"), trav(2, "2026-01-01"), trav(3, "2025-12-01")}, 0, []string{"lap-infants/t3/s1"}},
		{"two infants two adults", []booking.Traveller{trav(1, "1980-01-01"), trav(2, "1981-01-01"), trav(3, "2026-01-01"), trav(4, "2025-12-01")}, 0, nil},
		// Turns 2 on 2026-09-02, the day after the first flight.
		{"turns two", []booking.Traveller{trav(1, "1980-01-01"), trav(2, "2024-09-02")}, 0, []string{"infant-turns-two/t2/s2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			segs := []booking.Segment{
				seg("AF", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00"),
				seg("AF", "CDG", "JFK", "2026-09-02T14:00", "2026-09-02T16:30"),
			}
			res := Quote(s, QuoteRequest{Segments: segs, Travellers: tc.trav, EscortSeats: tc.escorts})
			if got := codes(only(res.Findings, CodeInfantUnaccompanied, CodeLapInfants, CodeInfantTurnsTwo)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
	// The infant who turns two pays a child fare on both segments, though
	// the first segment's passenger type is INF.
	res := Quote(s, QuoteRequest{Segments: []booking.Segment{
		seg("AF", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00"),
		seg("AF", "CDG", "JFK", "2026-09-02T14:00", "2026-09-02T16:30"),
	}, Travellers: []booking.Traveller{trav(1, "1980-01-01"), trav(2, "2024-09-02")}})
	l := res.Lines[2]
	if l.Traveller != 2 || l.PaxType != booking.INF || l.FarePax != booking.CHD || l.FareID != "AF1C" || res.Lines[3].PaxType != booking.CHD {
		t.Errorf("turning-two lines: %+v / %+v", l, res.Lines[3])
	}
	if res.Blocking() {
		t.Errorf("blocking: %v", res.Findings)
	}
}

func TestRuleConnections(t *testing.T) {
	s := fixture(t)
	conn := func(day, arr, dep string) []booking.Segment {
		return []booking.Segment{
			seg("AF", "RBA", "CDG", day+"T06:00", day+"T"+arr),
			seg("AF", "CDG", "JFK", day+"T"+dep, day+"T23:00"),
		}
	}
	escorted := trav(2, "1970-01-01")
	escorted.EscortAdvised = true
	for _, tc := range []struct {
		name string
		segs []booking.Segment
		trav []booking.Traveller
		want []string
	}{
		{"at MCT", conn("2026-09-01", "10:00", "11:30"), []booking.Traveller{trav(1, "1980-01-01")}, nil},
		{"below MCT", conn("2026-09-01", "10:00", "11:29"), []booking.Traveller{trav(1, "1980-01-01")}, []string{"mct/s2"}},
		{"negative", conn("2026-09-01", "12:00", "11:00"), []booking.Traveller{trav(1, "1980-01-01")}, []string{"mct/s2"}},
		{"WCHC needs margin", conn("2026-09-01", "10:00", "11:45"), []booking.Traveller{trav(1, "1980-01-01", "WCHC")}, []string{"mct-assisted/t1/s2"}},
		{"STCR with margin", conn("2026-09-01", "10:00", "12:00"), []booking.Traveller{trav(1, "1980-01-01", "STCR")}, nil},
		{"WCHR needs none", conn("2026-09-01", "10:00", "11:45"), []booking.Traveller{trav(1, "1980-01-01", "WCHR")}, nil},
		{"escorted", conn("2026-09-01", "10:00", "11:45"), []booking.Traveller{trav(1, "1980-01-01"), escorted}, []string{"mct-assisted/t2/s2"}},
		{"domestic uses domestic MCT", []booking.Segment{
			seg("UA", "JFK", "IAD", "2026-09-01T06:00", "2026-09-01T07:30"),
			seg("UA", "IAD", "ORD", "2026-09-01T08:15", "2026-09-01T09:30")}, []booking.Traveller{trav(1, "1980-01-01")}, nil},
		{"domestic below", []booking.Segment{
			seg("UA", "JFK", "IAD", "2026-09-01T06:00", "2026-09-01T07:30"),
			seg("UA", "IAD", "ORD", "2026-09-01T08:14", "2026-09-01T09:30")}, []booking.Traveller{trav(1, "1980-01-01")}, []string{"mct/s2"}},
		{"default row for airports without one", []booking.Segment{
			seg("UA", "IAD", "ORD", "2026-09-01T06:00", "2026-09-01T07:30"),
			seg("UA", "ORD", "JFK", "2026-09-01T08:29", "2026-09-01T11:30")}, []booking.Traveller{trav(1, "1980-01-01")}, []string{"mct/s2"}},
		{"missing arrival", []booking.Segment{
			seg("AF", "RBA", "CDG", "2026-09-01T06:00", ""),
			seg("AF", "CDG", "JFK", "2026-09-01T11:00", "2026-09-01T13:00")}, []booking.Traveller{trav(1, "1980-01-01")}, []string{"schedule-incomplete/s2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(s, QuoteRequest{Segments: tc.segs, Travellers: tc.trav})
			if got := codes(only(res.Findings, CodeMCT, CodeMCTAssisted, CodeScheduleIncomplete)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
	// A departure before the arrival reads as a mistake, not "-1h00m".
	res := Quote(s, QuoteRequest{Segments: conn("2026-09-01", "12:00", "11:00"), Travellers: []booking.Traveller{trav(1, "1980-01-01")}})
	if got := only(res.Findings, CodeMCT); len(got) != 1 || strings.Contains(got[0].Message, "-1h") ||
		!strings.Contains(got[0].Message, "leaves CDG at 2026-09-01T11:00, 1h00m before segment 1 arrives") {
		t.Errorf("negative connection: %v", got)
	}
	// The margin is configurable.
	r := DefaultRules()
	r.AssistedMargin = 10 * time.Minute
	res = Quote(s, QuoteRequest{Segments: conn("2026-09-01", "10:00", "11:45"), Travellers: []booking.Traveller{trav(1, "1980-01-01", "WCHC")}, Rules: &r})
	if got := only(res.Findings, CodeMCTAssisted); len(got) != 0 {
		t.Errorf("with a 10m margin: %v", got)
	}
}

func TestRulePregnancy(t *testing.T) {
	s := fixture(t)
	preg := func(weeks int, multiple bool, asOf string) booking.Traveller {
		tr := trav(1, "1990-01-01")
		tr.Sex, tr.PregnancyWeeks, tr.PregnancyMultiple = "F", weeks, multiple
		if asOf != "" {
			tr.MedicalDate = booking.MustDate(asOf)
		}
		return tr
	}
	for _, tc := range []struct {
		name string
		t    booking.Traveller
		want []string
	}{
		{"27 weeks", preg(27, false, "2026-09-01"), nil},
		{"28 weeks", preg(28, false, "2026-09-01"), []string{"pregnancy-certificate/t1/s1"}},
		{"35 weeks", preg(35, false, "2026-09-01"), []string{"pregnancy-certificate/t1/s1"}},
		{"36 weeks", preg(36, false, "2026-09-01"), []string{"pregnancy-no-travel/t1/s1"}},
		{"31 weeks multiple", preg(31, true, "2026-09-01"), []string{"pregnancy-certificate/t1/s1"}},
		{"32 weeks multiple", preg(32, true, "2026-09-01"), []string{"pregnancy-no-travel/t1/s1"}},
		// 30 weeks six weeks before travel is 36 on the travel date.
		{"judged on travel date", preg(30, false, "2026-07-21"), []string{"pregnancy-no-travel/t1/s1"}},
		{"27 weeks seven days before", preg(27, false, "2026-08-25"), []string{"pregnancy-certificate/t1/s1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(s, QuoteRequest{Segments: rbaJFK("2026-09-01"), Travellers: []booking.Traveller{tc.t}})
			if got := codes(only(res.Findings, CodePregnancyCertificate, CodePregnancyNoTravel)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
	r := DefaultRules()
	r.PregnancyNoTravelWeek = 34
	res := Quote(s, QuoteRequest{Segments: rbaJFK("2026-09-01"), Travellers: []booking.Traveller{preg(34, false, "2026-09-01")}, Rules: &r})
	if got := codes(only(res.Findings, CodePregnancyNoTravel)); len(got) != 1 {
		t.Errorf("configured week 34: %v", got)
	}
}

func TestRuleUMNR(t *testing.T) {
	s := fixture(t)
	minor := trav(1, "2016-01-01", "UMNR")
	for _, tc := range []struct {
		name string
		segs []booking.Segment
		want []string
	}{
		{"nonstop", []booking.Segment{seg("AF", "CDG", "JFK", "2026-09-01T10:00", "2026-09-01T12:30")}, nil},
		{"connection", rbaJFK("2026-09-01"), []string{"umnr-connection/t1/s2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(s, QuoteRequest{Segments: tc.segs, Travellers: []booking.Traveller{minor}})
			if got := codes(only(res.Findings, CodeUMNRConnection)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRuleMEDIF(t *testing.T) {
	s := fixture(t)
	needs := trav(1, "1950-01-01")
	needs.MEDIFNeeded = true
	oxyg := trav(2, "1950-01-01", "OXYG")
	plain := trav(3, "1980-01-01")
	// RBA is UTC+1 in September 2026 (Morocco keeps +1 outside Ramadan).
	rba := time.FixedZone("RBA", 3600)
	dep := "2026-09-10"
	for _, tc := range []struct {
		name   string
		at     time.Time
		day    string
		want   []string
		travel []booking.Traveller
	}{
		{"49h before", time.Date(2026, 9, 8, 6, 0, 0, 0, rba), "", nil, []booking.Traveller{needs}},
		{"47h before", time.Date(2026, 9, 8, 8, 0, 0, 0, rba), "", []string{"medif-late/t1/s1"}, []booking.Traveller{needs}},
		{"SSR implies MEDIF", time.Date(2026, 9, 9, 8, 0, 0, 0, rba), "", []string{"medif-late/t2/s1"}, []booking.Traveller{plain, oxyg}},
		// A bare date counts as its end: booked on the 8th leaves 31h.
		{"date two days before", time.Time{}, "2026-09-08", []string{"medif-late/t1/s1"}, []booking.Traveller{needs}},
		{"date three days before", time.Time{}, "2026-09-07", nil, []booking.Traveller{needs}},
		{"no booking date", time.Time{}, "", nil, []booking.Traveller{needs}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := QuoteRequest{Segments: rbaJFK(dep), Travellers: tc.travel, BookedAt: tc.at}
			if tc.day != "" {
				req.BookingDate = booking.MustDate(tc.day)
			}
			res := Quote(s, req)
			if got := codes(only(res.Findings, CodeMEDIFLate)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRuleDocuments(t *testing.T) {
	s := fixture(t)
	doc := func(typ booking.DocType, expiry string) booking.Document {
		d := booking.Document{Case: "RBA-2026-000001", Member: 1, ID: string(typ) + expiry, Type: typ, Number: "X1"}
		if expiry != "" {
			d.ExpiryDate = booking.MustDate(expiry)
		}
		return d
	}
	// Travel ends 2026-09-02 (second segment).
	segs := []booking.Segment{
		seg("AF", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00"),
		seg("AF", "CDG", "JFK", "2026-09-02T14:00", "2026-09-02T16:30"),
	}
	for _, tc := range []struct {
		name   string
		docs   map[int][]booking.Document
		margin int
		want   []string
	}{
		{"not checked", nil, 0, nil},
		{"valid passport", map[int][]booking.Document{1: {doc(booking.DocPassport, "2030-01-01")}}, 0, nil},
		{"ICRC without expiry", map[int][]booking.Document{1: {doc(booking.DocICRC, "")}}, 0, nil},
		{"no documents", map[int][]booking.Document{}, 0, []string{"travel-document-missing/t1"}},
		{"only a visa", map[int][]booking.Document{1: {doc(booking.DocVisa, "2027-01-01")}}, 0, []string{"travel-document-missing/t1"}},
		{"expires mid-trip", map[int][]booking.Document{1: {doc(booking.DocPassport, "2026-09-01")}}, 0, []string{"travel-document-expired/t1"}},
		{"expires on last day", map[int][]booking.Document{1: {doc(booking.DocPassport, "2026-09-02")}}, 0, nil},
		{"margin", map[int][]booking.Document{1: {doc(booking.DocPassport, "2026-09-02")}}, 30, []string{"travel-document-expired/t1"}},
		{"old and new passport", map[int][]booking.Document{1: {doc(booking.DocPassport, "2020-01-01"), doc(booking.DocPassport, "2030-01-01")}}, 0, nil},
		{"expired visa", map[int][]booking.Document{1: {doc(booking.DocPassport, "2030-01-01"), doc(booking.DocVisa, "2026-08-01")}}, 0, []string{"document-expired/t1"}},
		{"renewed visa", map[int][]booking.Document{1: {doc(booking.DocPassport, "2030-01-01"), doc(booking.DocVisa, "2026-08-01"), doc(booking.DocVisa, "2026-12-01")}}, 0, nil},
		{"expired exit permit", map[int][]booking.Document{1: {doc(booking.DocRefugeeTravel, "2030-01-01"), doc(booking.DocExitPermit, "2026-08-31")}}, 0, []string{"document-expired/t1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := DefaultRules()
			r.DocumentMarginDays = tc.margin
			res := Quote(s, QuoteRequest{Segments: segs, Travellers: []booking.Traveller{trav(1, "1980-01-01")}, Documents: tc.docs, Rules: &r})
			if got := codes(only(res.Findings, CodeTravelDocumentMissing, CodeTravelDocumentExpired, CodeDocumentExpired)); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRuleMedical(t *testing.T) {
	s := fixture(t)
	with := func(until string) booking.Traveller {
		tr := trav(1, "1980-01-01")
		tr.MedicalValidUntil = booking.Date{}
		if until != "" {
			tr.MedicalValidUntil = booking.MustDate(until)
		}
		return tr
	}
	for _, tc := range []struct {
		name string
		t    booking.Traveller
		want []string
	}{
		{"valid", with("2026-12-01"), nil},
		{"until departure day", with("2026-09-01"), nil},
		{"expired", with("2026-08-31"), []string{"medical-clearance-expired/t1"}},
		{"missing", with(""), []string{"medical-clearance-missing/t1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Quote(s, QuoteRequest{Segments: rbaJFK("2026-09-01"), Travellers: []booking.Traveller{tc.t}})
			got := only(res.Findings, CodeMedicalExpired, CodeMedicalMissing)
			if !slices.Equal(codes(got), tc.want) {
				t.Errorf("findings %v, want %v", codes(got), tc.want)
			}
			if tc.name == "missing" && got[0].Severity != Warning {
				t.Error("a missing clearance is a warning")
			}
		})
	}
}

func TestSeverityOverrides(t *testing.T) {
	s := fixture(t)
	segs := []booking.Segment{
		seg("AF", "RBA", "CDG", "2026-09-01T06:00", "2026-09-01T10:00"),
		seg("AF", "CDG", "JFK", "2026-09-01T10:30", "2026-09-01T13:00"),
	}
	r := DefaultRules()
	r.Severity = map[string]Severity{CodeMCT: Warning, CodeMedicalMissing: SeverityOff}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	tr := trav(1, "1980-01-01")
	tr.MedicalValidUntil = booking.Date{}
	res := Quote(s, QuoteRequest{Segments: segs, Travellers: []booking.Traveller{tr}, Rules: &r})
	if res.Blocking() || len(res.Findings) != 1 || res.Findings[0].Code != CodeMCT || res.Findings[0].Severity != Warning {
		t.Errorf("findings = %v", res.Findings)
	}
}

func TestRulesValidate(t *testing.T) {
	if err := func() error { r := DefaultRules(); return r.Validate() }(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, tc := range []struct {
		field string
		edit  func(r *Rules)
	}{
		{"assisted_mct_margin", func(r *Rules) { r.AssistedMargin = -time.Minute }},
		{"lap_adult_min_age", func(r *Rules) { r.LapAdultMinAge = 5 }},
		{"pregnancy_no_travel_week", func(r *Rules) { r.PregnancyNoTravelWeek = 20 }},
		{"pregnancy_no_travel_week_multiple", func(r *Rules) { r.PregnancyNoTravelWeekMultiple = 40 }},
		{"medif_ssrs", func(r *Rules) { r.MEDIFSSRs = []string{"NOPE"} }},
		{"severity.bogus", func(r *Rules) { r.Severity = map[string]Severity{"bogus": Warning} }},
		{"severity.mct", func(r *Rules) { r.Severity = map[string]Severity{CodeMCT: "loud"} }},
	} {
		r := DefaultRules()
		tc.edit(&r)
		if err := r.Validate(); booking.ErrorField(err) != tc.field {
			t.Errorf("%s: error %v", tc.field, err)
		}
	}
}

func TestQuoteEmbeddedDemo(t *testing.T) {
	s := embeddedSet(t)
	day := "2026-12-03"
	res := Quote(s, QuoteRequest{
		Segments: []booking.Segment{
			seg("AF", "RBA", "CDG", day+"T07:00", day+"T11:00"),
			seg("AF", "CDG", "JFK", day+"T14:00", day+"T16:30"),
		},
		Travellers:  []booking.Traveller{trav(1, "1980-01-01"), trav(2, "1982-01-01"), trav(3, "2018-01-01"), trav(4, "2026-02-01")},
		EscortSeats: 1,
		Programme:   "USRAP",
	})
	if res.Blocking() || !res.Priced() || res.TotalUSD <= 0 || len(res.Passengers) != 5 {
		t.Fatalf("embedded quote: total %d findings %v", res.TotalUSD, res.Findings)
	}
	if res.Passengers[4].Escort != 1 || res.Passengers[4].FarePax != booking.ADT || res.Passengers[4].USD != res.Passengers[0].USD {
		t.Errorf("escort seat = %+v", res.Passengers[4])
	}
}

// TestQuoteFaresCaptured: what a booking keeps per traveller says what the
// fare was made of: amount and taxes in the fare's currency, the USD
// amount and its taxes, the rate, and the tariff row.
func TestQuoteFaresCaptured(t *testing.T) {
	s := fixture(t)
	res := Quote(s, QuoteRequest{Segments: rbaJFK("2026-12-03"), Travellers: []booking.Traveller{trav(1, "1980-01-01")}})
	fs := res.Fares()
	if len(fs) != 1 {
		t.Fatalf("fares %+v", fs)
	}
	// AF1A: EUR 800.00 fare + 100.00 taxes at 1.08 USD.
	f := fs[0]
	if f.Currency != "EUR" || f.Amount != 90000 || f.Taxes != 10000 || f.RateUSDMicros != 1_080_000 ||
		f.USDCents != 97200 || f.TaxesUSDCents != 10800 || !slices.Equal(f.FareIDs, []string{"AF1A"}) {
		t.Fatalf("fare %+v", f)
	}
}
