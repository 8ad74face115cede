// Package reportstest holds a small hand-made set of cases whose report
// figures the tests work out by hand: two currencies' rates, a traveller
// turning 18 on the departure day, a case cancelled after booking, fares
// from the booking, from the ABN and split from the total.
package reportstest

import (
	"time"

	"movedesk/booking"
)

// Today is the day the fixture is judged on.
var Today = booking.MustDate("2026-11-22")

func seg(carrier, from, to, dep string) []booking.Segment {
	d := booking.MustLocalTime(dep)
	return []booking.Segment{{Carrier: carrier, Flight: "201", From: from, To: to, Depart: d,
		Arrive: booking.MustLocalTime(d.Wall().Add(9 * time.Hour).Format(booking.LocalTimeLayout)), Cabin: "Y"}}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func passport(c string, m int, issued, expires string) *booking.Document {
	return &booking.Document{Case: c, Member: m, ID: "d1", Type: booking.DocPassport, Number: "P000000" + string(rune('0'+m)),
		IssuingCountry: "SYR", IssueDate: booking.MustDate(issued), ExpiryDate: booking.MustDate(expires)}
}

// Records returns the fixture's records, for store.Restore:
//
//   - RBA-2026-000001 USRAP, departed 2026-08-10: four travellers, fares on
//     the booking in EUR at 1.08 (EUR 1,000 each for three adults, EUR 500
//     for a child wrongly priced INF); member 3 turns 18 on the departure
//     day; notes signed by members 1 and 3; an approved exit permit
//     (submitted 06-10, decided 06-30); a custody trail out of order.
//   - RBA-2026-000002 USRAP, departed 2026-08-20: one adult, no fares on the
//     booking, the ABN's fare EUR 1,000 at 1.10; a denied exit permit.
//   - KLT-2026-000001 CA-GAR, cancelled after booking (USD 500.00, departure
//     2026-08-15); its only traveller is not marked principal.
//   - KLT-2026-000002 CA-GAR, booked, departing 2026-11-25: an adult (WCHR,
//     passport expiring 2026-12-01) and an infant (passport expired
//     2026-11-01); a total of USD 900.01 over two travellers and an escort
//     seat; no ABN.
//   - SAL-2026-000001 AU-HUM, travel-ready: the same person as member 1 of
//     RBA-2026-000001, without sex or nationality.
func Records() []booking.Record {
	var recs []booking.Record
	add := func(rs ...booking.Record) { recs = append(recs, rs...) }
	trav := func(c string, m int, pa bool, rel, family, given, born, sex string) *booking.Traveller {
		return &booking.Traveller{Case: c, Member: m, Principal: pa, Relationship: rel, FamilyName: family, GivenNames: given,
			BirthDate: booking.MustDate(born), Sex: sex, Nationality: "SYR"}
	}

	// RBA-2026-000001
	c1 := "RBA-2026-000001"
	add(&booking.Case{Number: c1, Programme: "USRAP", Office: "RBA", OriginAirport: "RBA", DestAirport: "JFK", Priority: 3,
		Received: booking.MustDate("2026-06-01"), TravelReady: booking.MustDate("2026-07-15"), Departure: booking.MustDate("2026-08-10"),
		Assignee: "amina", Status: booking.StatusDeparted, ABNNumber: "ABN-" + c1})
	add(trav(c1, 1, true, "PA", "Haddad", "Layla", "1980-01-01", "F"),
		trav(c1, 2, false, "spouse", "Haddad", "Omar", "1982-05-05", "M"),
		trav(c1, 3, false, "child", "Haddad", "Sami", "2008-08-10", "M"),
		trav(c1, 4, false, "child", "Haddad", "Nour", "2020-03-03", "F"))
	add(passport(c1, 1, "2026-06-20", "2036-06-19"), passport(c1, 2, "2019-01-01", "2029-01-01"),
		passport(c1, 3, "2019-01-01", "2029-01-01"), passport(c1, 4, "2021-01-01", "2031-01-01"))
	eur108 := func(m int, pax booking.PaxType, eur int64) booking.ABNFare {
		return booking.ABNFare{Traveller: m, PaxType: pax, Currency: "EUR", Amount: eur * 100, RateUSDMicros: 1_080_000, USDCents: eur * 108}
	}
	add(&booking.Booking{Case: c1, ID: "B1", Status: booking.BookingActive, Segments: seg("AT", "RBA", "JFK", "2026-08-10T10:00"),
		Travellers: []int{1, 2, 3, 4}, TotalUSDCents: 378000, BookedOn: booking.MustDate("2026-07-20"), BookedBy: "amina",
		Fares: []booking.ABNFare{eur108(1, booking.ADT, 1000), eur108(2, booking.ADT, 1000), eur108(3, booking.ADT, 1000), eur108(4, booking.INF, 500)}})
	add(&booking.ABN{Case: c1, Number: "ABN-" + c1, Version: 1, Type: booking.ABNIssue, Booking: "B1",
		Travellers: []booking.ABNTraveller{{Member: 1, Name: "HADDAD, Layla", PaxType: booking.ADT}},
		Itinerary:  seg("AT", "RBA", "JFK", "2026-08-10T10:00"), Sent: true, SentBy: "amina", SentAt: at("2026-07-22T10:00:00Z"),
		IssuedBy: "amina", IssuedAt: at("2026-07-22T09:00:00Z")})
	add(&booking.Counselling{Case: c1, Date: booking.MustDate("2026-08-01"), Counsellor: "amina", Ticks: map[string]booking.Tick{
		"01/promissory-note": {By: "amina", At: at("2026-08-01T10:00:00Z")},
		"03/promissory-note": {By: "amina", At: at("2026-08-02T10:00:00Z")},
	}})
	add(&booking.ExitPermit{Case: c1, ID: "p1", Country: "MAR", Authority: "Directorate of Migration", Status: booking.PermitApproved,
		Submitted: booking.MustDate("2026-06-10"), Decided: booking.MustDate("2026-06-30"), ValidUntil: booking.MustDate("2026-12-31")})
	add(&booking.Custody{Case: c1, Member: 2, Document: "d1", Events: []booking.CustodyEvent{
		{Action: booking.CustodyReceived, From: "embassy", By: "amina", At: at("2026-06-05T12:00:00Z")},
		{Action: booking.CustodyStored, Location: "safe 1", By: "amina", At: at("2026-06-05T11:00:00Z")},
	}})

	// RBA-2026-000002
	c2 := "RBA-2026-000002"
	add(&booking.Case{Number: c2, Programme: "USRAP", Office: "RBA", OriginAirport: "RBA", DestAirport: "JFK", Priority: 3,
		Received: booking.MustDate("2026-07-01"), TravelReady: booking.MustDate("2026-07-20"), Departure: booking.MustDate("2026-08-20"),
		Assignee: "amina", Status: booking.StatusDeparted, ABNNumber: "ABN-" + c2})
	add(trav(c2, 1, true, "PA", "Karimi", "Reza", "1990-02-02", "M"), passport(c2, 1, "2015-01-01", "2030-01-01"))
	add(&booking.Booking{Case: c2, ID: "B1", Status: booking.BookingActive, Segments: seg("AT", "RBA", "JFK", "2026-08-20T10:00"),
		Travellers: []int{1}, TotalUSDCents: 110000, BookedOn: booking.MustDate("2026-07-25"), BookedBy: "amina"})
	add(&booking.ABN{Case: c2, Number: "ABN-" + c2, Version: 1, Type: booking.ABNIssue, Booking: "B1",
		Travellers: []booking.ABNTraveller{{Member: 1, Name: "KARIMI, Reza", PaxType: booking.ADT}},
		Itinerary:  seg("AT", "RBA", "JFK", "2026-08-20T10:00"), Sent: true, SentBy: "amina", SentAt: at("2026-08-01T10:00:00Z"),
		Fares: []booking.ABNFare{{Traveller: 1, Name: "KARIMI, Reza", PaxType: booking.ADT, Currency: "EUR", Amount: 100000,
			RateUSDMicros: 1_100_000, USDCents: 110000}}, TotalUSDCents: 110000})
	add(&booking.ExitPermit{Case: c2, ID: "p1", Country: "MAR", Authority: "Directorate of Migration", Status: booking.PermitDenied,
		Submitted: booking.MustDate("2026-07-02"), Decided: booking.MustDate("2026-07-12"), ReasonCode: "security"})

	// KLT-2026-000001: cancelled after booking.
	c3 := "KLT-2026-000001"
	add(&booking.Case{Number: c3, Programme: "CA-GAR", Office: "KLT", OriginAirport: "FRA", DestAirport: "YYZ", Priority: 3,
		Received: booking.MustDate("2026-06-15"), TravelReady: booking.MustDate("2026-07-01"), Departure: booking.MustDate("2026-08-15"),
		Assignee: "petra", Status: booking.StatusCancelled, StatusReason: "sponsor withdrew"})
	add(trav(c3, 1, false, "spouse", "Ahmadi", "Mina", "1992-03-03", "F"), passport(c3, 1, "2018-01-01", "2028-01-01"))
	add(&booking.Booking{Case: c3, ID: "B1", Status: booking.BookingActive, Segments: seg("AC", "FRA", "YYZ", "2026-08-15T10:00"),
		Travellers: []int{1}, TotalUSDCents: 50000, BookedOn: booking.MustDate("2026-07-05"), BookedBy: "petra"})

	// KLT-2026-000002: booked, departing in three days.
	c4 := "KLT-2026-000002"
	add(&booking.Case{Number: c4, Programme: "CA-GAR", Office: "KLT", OriginAirport: "FRA", DestAirport: "YYZ", Priority: 3,
		Received: booking.MustDate("2026-09-01"), TravelReady: booking.MustDate("2026-10-01"), Departure: booking.MustDate("2026-11-25"),
		Assignee: "petra", Status: booking.StatusBooked})
	pa4 := trav(c4, 1, true, "PA", "Tesfaye", "Selam", "1985-01-01", "F")
	pa4.SSR = []string{"WCHR"}
	inf4 := trav(c4, 2, false, "child", "Tesfaye", "Hana", "2025-01-01", "F")
	inf4.SSR = []string{"BBML"}
	add(pa4, inf4, passport(c4, 1, "2016-12-02", "2026-12-01"), passport(c4, 2, "2025-02-01", "2026-11-01"))
	add(&booking.Booking{Case: c4, ID: "B1", Status: booking.BookingActive, Segments: seg("AC", "FRA", "YYZ", "2026-11-25T10:00"),
		Travellers: []int{1, 2}, EscortSeats: 1, TotalUSDCents: 90001, BookedOn: booking.MustDate("2026-10-10"), BookedBy: "petra"})

	// SAL-2026-000001: the same person as RBA-2026-000001 member 1.
	c5 := "SAL-2026-000001"
	add(&booking.Case{Number: c5, Programme: "AU-HUM", Office: "SAL", OriginAirport: "SAL", DestAirport: "SYD", Priority: 3,
		Received: booking.MustDate("2026-10-01"), TravelReady: booking.MustDate("2026-10-20"), Assignee: "carmen",
		Status: booking.StatusTravelReady})
	add(&booking.Traveller{Case: c5, Member: 1, Principal: true, Relationship: "PA", FamilyName: "HADDAD", GivenNames: "Layla",
		BirthDate: booking.MustDate("1980-01-01")})
	return recs
}
