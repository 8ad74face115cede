package tariffs

import (
	"slices"
	"testing"

	"pgregory.net/rapid"

	"movedesk/booking"
)

// drawRequest draws a quote request over the rule fixture's routes: a
// party of 1 to 6 with random ages, SSRs, nationalities and documents.
func drawRequest(t *rapid.T) QuoteRequest {
	itins := [][]booking.Segment{
		rbaJFK("2026-09-01"),
		rbaJFK("2026-12-31"),
		{seg("AF", "RBA", "CDG", "2026-09-01T20:00", "2026-09-01T23:50"), seg("AF", "CDG", "JFK", "2026-09-02T01:30", "2026-09-02T04:00")},
		{seg("AF", "CDG", "JFK", "2026-09-01T10:00", "2026-09-01T12:30")},
		{seg("AF", "RBA", "CDG", "2026-09-01T07:00", "2026-09-01T11:00"), seg("AF", "ORY", "JFK", "2026-09-02T16:00", "2026-09-02T18:30")},
		{seg("AF", "CDG", "YUL", "2026-10-01T10:00", "2026-10-01T12:00")},
	}
	req := QuoteRequest{Segments: slices.Clone(itins[rapid.IntRange(0, len(itins)-1).Draw(t, "itinerary")])}
	ssrs := []string{"UMNR", "STCR", "WCHC", "WCBW", "OXYG", "POCS", "MEDA", "BSCT", "VGML"}
	n := rapid.IntRange(1, 6).Draw(t, "travellers")
	req.Documents = map[int][]booking.Document{}
	for m := 1; m <= n; m++ {
		dob := booking.NewDate(rapid.IntRange(1950, 2026).Draw(t, "year"), 8, rapid.IntRange(1, 31).Draw(t, "day"))
		tr := trav(m, dob.String())
		if rapid.Bool().Draw(t, "ssr") {
			tr.SSR = []string{rapid.SampledFrom(ssrs).Draw(t, "code")}
		}
		tr.Nationality = rapid.SampledFrom([]string{"MA", "AF", "SY"}).Draw(t, "nationality")
		tr.PregnancyWeeks = rapid.SampledFrom([]int{0, 0, 27, 30, 35}).Draw(t, "weeks")
		tr.MEDIFNeeded = rapid.Bool().Draw(t, "medif")
		req.Travellers = append(req.Travellers, tr)
		doc := booking.Document{Type: rapid.SampledFrom([]booking.DocType{booking.DocPassport, booking.DocICRC}).Draw(t, "doc"),
			Number: "D", ExpiryDate: mustDate("2030-01-01")}
		req.Documents[m] = []booking.Document{doc}
		if rapid.Bool().Draw(t, "visa") {
			req.Documents[m] = append(req.Documents[m], visa(rapid.SampledFrom([]string{"US", "FR", "CA"}).Draw(t, "visa country"), "2030-01-01"))
		}
	}
	req.EscortSeats = rapid.IntRange(0, 1).Draw(t, "escorts")
	req.Programme = rapid.SampledFrom([]string{"", "CA-GAR", "USRAP"}).Draw(t, "programme")
	req.BookingDate = booking.NewDate(2026, 8, rapid.IntRange(1, 31).Draw(t, "booked"))
	req.Destination = rapid.SampledFrom([]string{"", "JFK", "ORD", "YUL"}).Draw(t, "destination")
	if rapid.Bool().Draw(t, "loads") {
		req.FlightLoads = []FlightLoad{{Carrier: "AF", Flight: "100", Date: req.Segments[0].Depart.Date(), Case: "RBA-2026-000009", Programme: req.Programme, Travellers: rapid.IntRange(0, 80).Draw(t, "load")}}
	}
	return req
}

// TestPropertyRulesLeaveTotalsAlone: every rule but pricing only adds
// findings, so a quote's lines and total are the same with any one rule
// left out; and the rule tables (carriers, transit, holidays, programmes)
// change no price except a stretcher's seats.
func TestPropertyRulesLeaveTotalsAlone(t *testing.T) {
	with := ruleFixture(t, "AF,18,14,yes,72,96,9,no\n")
	files := ruleFiles("")
	for _, f := range OptionalFiles {
		delete(files, f)
	}
	without, err := Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(t *rapid.T) {
		req := drawRequest(t)
		all := Quote(with, req)
		for i, r := range quoteRules {
			if r.name == "tariff" {
				continue
			}
			rest := slices.Delete(slices.Clone(quoteRules), i, i+1)
			got := quoteWith(with, req, rest)
			if got.TotalUSD != all.TotalUSD || !slices.Equal(got.Lines, all.Lines) {
				t.Fatalf("leaving out rule %s changes the quote: %d vs %d", r.name, got.TotalUSD, all.TotalUSD)
			}
		}
		stretcher := slices.ContainsFunc(req.Travellers, func(tr booking.Traveller) bool { return hasSSR(&tr, "STCR") })
		if bare := Quote(without, req); !stretcher && bare.TotalUSD != all.TotalUSD {
			t.Fatalf("the rule tables change the total: %d without, %d with", bare.TotalUSD, all.TotalUSD)
		}
	})
}
