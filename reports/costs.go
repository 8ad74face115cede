package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"movedesk/booking"
)

// Fare sources, as a row names them.
const (
	// SourceBooking: the fares stored on the booking.
	SourceBooking = "booking"
	// SourceABN: the fares of the latest ABN version for the booking.
	SourceABN = "abn"
	// SourceSplit: the booking's total split evenly over its seats.
	SourceSplit = "split"
	// SourceUnpriced: the booking has no fares and no total.
	SourceUnpriced = "unpriced"
)

// BookingFares returns the per-seat fares of booking b of case file f and
// where they came from: the booking's own, else the latest ABN version for
// it, else its total split evenly over travellers and escort seats (the
// first seats take the odd cents).
func BookingFares(f *booking.CaseFile, b *booking.Booking) ([]booking.ABNFare, string) {
	if len(b.Fares) > 0 {
		return b.Fares, SourceBooking
	}
	if a := f.LatestABN(); a != nil && len(a.Fares) > 0 && (a.Booking == "" || a.Booking == b.ID) {
		return a.Fares, SourceABN
	}
	n := len(b.Travellers) + b.EscortSeats
	if n == 0 {
		return nil, SourceUnpriced
	}
	src := SourceSplit
	if b.TotalUSDCents == 0 {
		src = SourceUnpriced
	}
	var dates []booking.Date
	for _, s := range b.Segments {
		dates = append(dates, s.Depart.Date())
	}
	share, odd := b.TotalUSDCents/int64(n), b.TotalUSDCents%int64(n)
	out := make([]booking.ABNFare, 0, n)
	cents := func() int64 {
		c := share
		if odd > 0 {
			c, odd = c+1, odd-1
		}
		return c
	}
	for _, m := range b.Travellers {
		fa := booking.ABNFare{Traveller: m, PaxType: booking.ADT}
		if t := f.Traveller(m); t != nil {
			fa.Name = t.FullName()
			if !t.BirthDate.IsZero() && len(dates) > 0 {
				fa.PaxType = booking.TripPassengerType(t.BirthDate, dates...)
			}
		}
		fa.USDCents = cents()
		out = append(out, fa)
	}
	for i := range b.EscortSeats {
		out = append(out, booking.ABNFare{Escort: i + 1, Name: "escort seat " + strconv.Itoa(i+1), PaxType: booking.ADT, USDCents: cents()})
	}
	return out, src
}

// bookingDeparture is the first flight's day, else the case's departure.
func bookingDeparture(f *booking.CaseFile, b *booking.Booking) booking.Date {
	if d := b.Departure().Date(); !d.IsZero() {
		return d
	}
	return f.Case.Departure
}

// Route returns "RBA-JFK" for a booking's first origin and last destination.
func Route(b *booking.Booking) string {
	if len(b.Segments) == 0 {
		return ""
	}
	return b.Segments[0].From + "-" + b.Segments[len(b.Segments)-1].To
}

// Carriers returns the booking's carriers in flight order, "QR" or "AT/AA".
func Carriers(b *booking.Booking) string {
	var cs []string
	for _, s := range b.Segments {
		if len(cs) == 0 || cs[len(cs)-1] != s.Carrier {
			cs = append(cs, s.Carrier)
		}
	}
	return strings.Join(cs, "/")
}

// RateUsed is a currency and the USD value of one unit (millionths), as
// stored with a fare.
type RateUsed struct {
	Currency  string `json:"currency"`
	USDMicros int64  `json:"usd_micros"`
}

// String returns "EUR 1.08".
func (r RateUsed) String() string {
	s := strconv.FormatFloat(float64(r.USDMicros)/1e6, 'f', -1, 64)
	return r.Currency + " " + s
}

// CostRow is one group of the costs report.
type CostRow struct {
	Group      []string `json:"group"`
	Cases      int      `json:"cases"`
	Travellers int      `json:"travellers"`
	TotalUSD   int64    `json:"total_usd_cents"`
	// AvgUSD is the cost per traveller (or seat), rounded to the cent.
	AvgUSD  int64      `json:"avg_usd_cents"`
	Rates   []RateUsed `json:"rates,omitempty"`
	Sources []string   `json:"sources"`
	cases   counted
	rates   []RateUsed
	sources set
}

// CostsReport holds the costs of active bookings departing in the period,
// travellers' seats and escorts' seats apart.
type CostsReport struct {
	Meta
	Rows    []CostRow `json:"rows"`
	Escorts []CostRow `json:"escorts"`
	// Total and EscortTotal sum every row.
	Total       CostRow `json:"total"`
	EscortTotal CostRow `json:"escort_total"`
	// CancelledCases counts cases in the period that were cancelled after
	// booking: their bookings are not costs.
	CancelledCases int   `json:"cancelled_cases"`
	CancelledUSD   int64 `json:"cancelled_usd_cents"`
}

type costs struct {
	p          Params
	r          CostsReport
	rows, escs *groups[CostRow]
	tot, etot  CostRow
}

func newCosts(p Params, m Meta) *costs {
	init := func(g group) *CostRow { return &CostRow{Group: g} }
	valid := fields["costs"].valid
	return &costs{p: p, r: CostsReport{Meta: m}, rows: newGroups(valid, p.By, init), escs: newGroups(valid, p.By, init)}
}

func (c *costs) add(x *CaseFacts, _ *booking.CaseFile) bool {
	if !x.keep(&c.p) {
		return true
	}
	for i := range x.Bookings {
		b := &x.Bookings[i]
		if !c.p.in(b.Departure) {
			continue
		}
		if x.Status == booking.StatusCancelled {
			c.r.CancelledCases++
			c.r.CancelledUSD += b.TotalUSD
			continue
		}
		month := Month(b.Departure)
		for _, fa := range b.Fares {
			var row, tot *CostRow
			if fa.Escort > 0 {
				row, tot = c.escs.get(x.Programme, x.Office, b.Carriers, b.Route, month, "escort"), &c.etot
			} else {
				row, tot = c.rows.get(x.Programme, x.Office, b.Carriers, b.Route, month, string(fa.PaxType)), &c.tot
			}
			for _, r := range [2]*CostRow{row, tot} {
				r.cases.add(x.Number)
				r.Travellers++
				r.TotalUSD += fa.USDCents
				r.sources.add(b.Source)
				if fa.Currency != "" && fa.Currency != "USD" && fa.RateUSDMicros > 0 {
					if ru := (RateUsed{fa.Currency, fa.RateUSDMicros}); !slices.Contains(r.rates, ru) {
						r.rates = append(r.rates, ru) // few per row
					}
				}
			}
		}
	}
	return true
}

func (r *CostRow) finish() {
	r.Cases = r.cases.n
	if r.Travellers > 0 {
		r.AvgUSD = (r.TotalUSD*2 + int64(r.Travellers)) / (int64(r.Travellers) * 2)
	}
	r.Rates = slices.Clone(r.rates)
	slices.SortFunc(r.Rates, func(a, b RateUsed) int {
		return cmp.Or(strings.Compare(a.Currency, b.Currency), cmp.Compare(a.USDMicros, b.USDMicros))
	})
	r.Sources = append([]string{}, r.sources...)
}

func (c *costs) Report() Report {
	for _, r := range c.rows.sorted() {
		r.finish()
		c.r.Rows = append(c.r.Rows, *r)
	}
	for _, r := range c.escs.sorted() {
		r.finish()
		c.r.Escorts = append(c.r.Escorts, *r)
	}
	c.tot.finish()
	c.etot.finish()
	c.r.Total, c.r.EscortTotal = c.tot, c.etot
	if c.r.Rows == nil {
		c.r.Rows = []CostRow{}
	}
	if c.r.Escorts == nil {
		c.r.Escorts = []CostRow{}
	}
	return &c.r
}

// Header implements Report.
func (r *CostsReport) Header() Meta { return r.Meta }

// Tables implements Report: the travellers' costs, then the escorts'.
func (r *CostsReport) Tables() []Table {
	mk := func(name, title, count string, rows []CostRow, tot CostRow) Table {
		t := Table{Name: name, Title: title, Columns: append(byColumns(r.By),
			Column{"cases", Int}, Column{count, Int}, Column{"total_usd", USD}, Column{"avg_usd", USD},
			Column{"rates", Text}, Column{"fares_from", Text})}
		for _, row := range rows {
			t.Rows = append(t.Rows, append(groupCells(row.Group), row.Cases, row.Travellers, row.TotalUSD, row.AvgUSD,
				ratesText(row.Rates), strings.Join(row.Sources, ",")))
		}
		t.Notes = append(t.Notes, fmt.Sprintf("total: %s, %s in %s, %s per seat", booking.USD(tot.TotalUSD),
			plural(tot.Travellers, "seat", "seats"), plural(tot.Cases, "case", "cases"), booking.USD(tot.AvgUSD)))
		return t
	}
	ts := []Table{
		mk("costs", "Costs of active bookings by "+strings.Join(r.By, ", "), "travellers", r.Rows, r.Total),
		mk("costs-escorts", "Escort seats by "+strings.Join(r.By, ", "), "seats", r.Escorts, r.EscortTotal),
	}
	if r.CancelledCases > 0 {
		ts[0].Notes = append(ts[0].Notes, fmt.Sprintf("left out: %s cancelled after booking (%s booked)",
			plural(r.CancelledCases, "case", "cases"), booking.USD(r.CancelledUSD)))
	}
	return ts
}

func ratesText(rs []RateUsed) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, "; ")
}
