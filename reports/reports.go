// Package reports computes the statistics the desks, team leaders and the
// central office owe management: costs, travel loans, timeliness, exit
// permits, workload and data quality. It is pure: case files go in (one at a
// time, so a whole store streams through without being held), typed reports
// come out, and each report turns into tables of typed cells (text, counts,
// US cents, dates, days) that the CLI and the app render as text, CSV, JSON
// or a spreadsheet.
//
// Every report takes a period (From, To: inclusive, either open), a grouping
// (By: field names the report lists in Fields) and office and programme
// filters. What "in the period" means is the report's: the departure date
// for costs and loans, the day a step ended for timeliness, the application
// date for permits and the received date for workload and quality.
package reports

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"

	"movedesk/booking"
)

// Names lists the reports, in the order the CLI and the app offer them.
var Names = []string{"costs", "loans", "timeliness", "permits", "workload", "quality"}

// fields are the grouping fields of each report, the first ones the default.
var fields = map[string]struct{ valid, def []string }{
	"costs":      {[]string{"programme", "office", "carrier", "route", "month", "pax"}, []string{"programme"}},
	"loans":      {[]string{"programme", "office", "month"}, []string{"programme", "month"}},
	"timeliness": {[]string{"office", "programme", "month", "assignee"}, []string{"office"}},
	"permits":    {[]string{"authority", "country", "reason", "office", "programme", "month"}, []string{"authority", "country"}},
	"workload":   {[]string{"assignee", "status", "age", "office", "programme"}, []string{"assignee", "status"}},
	"quality":    {[]string{"check", "office", "programme", "assignee"}, []string{"check"}},
}

// kinds are the record kinds each report reads first (nil: all of them);
// MoreKinds says what a case file needs besides.
var kinds = map[string][]string{
	"costs":      {KindRow, booking.KindBooking},
	"loans":      {KindRow, booking.KindTraveller, booking.KindBooking, booking.KindCounselling},
	"timeliness": {KindRow, booking.KindDocument, booking.KindCustody, booking.KindPermit, booking.KindBooking, booking.KindABN},
	"permits":    {KindRow, booking.KindPermit},
	"workload":   {KindRow, booking.KindTraveller, booking.KindBooking},
	"quality": {booking.KindCase, booking.KindTraveller, booking.KindDocument, booking.KindBooking, booking.KindABN,
		booking.KindCustody, booking.KindCounselling},
}

// gateKinds are the rest of a case file the gate judges.
var gateKinds = []string{booking.KindEscortTrip, booking.KindVerification, booking.KindPermit, booking.KindTravelBag}

// KindRow in Kinds means the report reads of the case record only what its
// queue row carries: a reader may fill the case from the row with CaseOf
// instead of decoding the case record.
const KindRow = "row"

// CaseOf returns the case fields a queue row carries (number, office,
// programme, status, priority, destination, dates, assignee, ABN number).
func CaseOf(r booking.Summary) booking.Case {
	return booking.Case{Number: r.Number, Office: r.Office, Programme: r.Programme, Status: r.Status, Priority: r.Priority,
		DestAirport: r.DestAirport, DestCity: r.DestCity, Received: r.Received, TravelReady: r.TravelReady,
		Departure: r.Departure, Assignee: r.Assignee, ABNNumber: r.ABNNumber}
}

// Kinds returns the record kinds report name reads from a case file, or
// nil when it reads them all. A reader may leave the others out, and then
// asks MoreKinds for the rest a particular case needs: that saves decoding
// most of a store.
func Kinds(name string) []string { return slices.Clone(kinds[name]) }

// MoreKinds returns the record kinds case file f, read with Kinds(name),
// still needs for report name under p: the ABNs and travellers of a booking
// without stored fares (the fares come from the ABN or the split total),
// the ABNs of an open case's booking for the workload, everything the gate
// judges of a case departing within the quality report's window.
func MoreKinds(name string, p Params, f *booking.CaseFile) []string {
	var noFares bool
	for _, b := range f.Bookings {
		noFares = noFares || b.Status == booking.BookingActive && len(b.Fares) == 0
	}
	switch name {
	case "costs":
		if noFares {
			return []string{booking.KindTraveller, booking.KindABN}
		}
	case "loans":
		if noFares {
			return []string{booking.KindABN}
		}
	case "workload":
		if f.ActiveBooking() != nil && !f.Case.Status.Terminal() {
			return []string{booking.KindABN}
		}
	case "quality":
		if b := f.ActiveBooking(); b != nil && !f.Case.Status.Terminal() {
			window := p.Config.GateWindowDays
			if p.Config.isZero() {
				window = DefaultConfig().GateWindowDays
			}
			if dep := bookingDeparture(f, b); !dep.Before(p.Today) && !dep.After(p.Today.AddDays(window)) {
				return slices.Clone(gateKinds)
			}
		}
	}
	return nil
}

// Wanted reports whether a case whose queue row is r can count in report
// name under p; a reader skips the others unread. Costs and loans count
// cases with a booking departing in the period (booking sets the case's
// departure), workload open cases received in it, quality cases received in
// it; the rest may need any case.
func Wanted(name string, p Params, r booking.Summary) bool {
	if (p.Office != "" && r.Office != p.Office) || (p.Programme != "" && r.Programme != p.Programme) {
		return false
	}
	switch name {
	case "costs", "loans":
		return !r.Departure.IsZero() && p.in(r.Departure)
	case "workload":
		return !r.Status.Terminal() && p.in(r.Received)
	case "quality":
		return p.in(r.Received)
	}
	return true
}

// Fields returns the grouping fields report name accepts and its default.
func Fields(name string) (valid, def []string) {
	f := fields[name]
	return slices.Clone(f.valid), slices.Clone(f.def)
}

// Params are what every report is asked for.
type Params struct {
	// From and To bound the period, inclusive; a zero date leaves that end
	// open.
	From, To booking.Date
	// By lists the grouping fields; empty means the report's default.
	By []string
	// Office and Programme keep only the cases of that office or programme.
	Office, Programme string
	// Today is the day ages, waiting times and "departing soon" are judged on.
	Today booking.Date
	// Config holds targets and thresholds (DefaultConfig if zero).
	Config Config
	// TravelLoan reports whether a programme has a travel loan; nil uses the
	// default duty templates.
	TravelLoan func(programme string) bool
	// Gate lists a case's open gate items; nil uses the case file's gate
	// under the default templates, leaving out the quote engine's findings.
	Gate func(f *booking.CaseFile) []booking.GateItem
}

// Meta repeats what a report was asked for, so a saved report says what it
// holds.
type Meta struct {
	Report    string       `json:"report"`
	From      booking.Date `json:"from,omitzero"`
	To        booking.Date `json:"to,omitzero"`
	Today     booking.Date `json:"today"`
	By        []string     `json:"by"`
	Office    string       `json:"office,omitempty"`
	Programme string       `json:"programme,omitempty"`
}

// Report is a computed report: its typed values, and the tables they make.
type Report interface {
	// Header says what the report was asked for.
	Header() Meta
	// Tables are the report's tables, the summary first.
	Tables() []Table
}

// Builder takes case files one at a time and makes the report at the end.
// Add must not keep f: the caller may reuse it.
type Builder interface {
	Add(f *booking.CaseFile)
	Report() Report
}

// New checks p for report name and returns its builder. Errors name the
// valid report names and grouping fields, and refuse a reversed period.
func New(name string, p Params) (Builder, error) {
	fs, ok := fields[name]
	if !ok {
		return nil, booking.Errorf(booking.EINVALID, "report", "unknown report %q (valid: %s)", name, strings.Join(Names, ", "))
	}
	if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
		return nil, booking.Errorf(booking.EINVALID, "period", "the period is reversed: --from %s is after --to %s", p.From, p.To)
	}
	if len(p.By) == 0 {
		p.By = slices.Clone(fs.def)
	}
	seen := map[string]bool{}
	for _, b := range p.By {
		if !slices.Contains(fs.valid, b) {
			return nil, booking.Errorf(booking.EINVALID, "by", "the %s report cannot be grouped by %q (valid: %s)", name, b, strings.Join(fs.valid, ", "))
		}
		if seen[b] {
			return nil, booking.Errorf(booking.EINVALID, "by", "grouping field %q is given twice", b)
		}
		seen[b] = true
	}
	if p.Config.isZero() {
		p.Config = DefaultConfig()
	}
	if p.Today.IsZero() {
		return nil, booking.Errorf(booking.EINVALID, "today", "the report needs today's date")
	}
	if p.TravelLoan == nil {
		t := booking.DefaultTemplates()
		p.TravelLoan = func(prog string) bool { return t.For(prog).TravelLoan }
	}
	if p.Gate == nil {
		p.Gate = defaultGate
	}
	m := Meta{Report: name, From: p.From, To: p.To, Today: p.Today, By: p.By, Office: p.Office, Programme: p.Programme}
	switch name {
	case "costs":
		return newCosts(p, m), nil
	case "loans":
		return newLoans(p, m), nil
	case "timeliness":
		return newTimeliness(p, m), nil
	case "permits":
		return newPermits(p, m), nil
	case "workload":
		return newWorkload(p, m), nil
	default:
		return newQuality(p, m), nil
	}
}

// Run makes report name from every case file in files.
func Run(name string, p Params, files iter.Seq[*booking.CaseFile]) (Report, error) {
	b, err := New(name, p)
	if err != nil {
		return nil, err
	}
	for f := range files {
		b.Add(f)
	}
	return b.Report(), nil
}

// Slice adapts a slice of case files to Run.
func Slice(files []*booking.CaseFile) iter.Seq[*booking.CaseFile] { return slices.Values(files) }

func defaultGate(f *booking.CaseFile) []booking.GateItem {
	var out []booking.GateItem
	for _, it := range f.Gate() {
		if it.Code != "booking-findings" { // unknown without the quote engine
			out = append(out, it)
		}
	}
	return out
}

// keep reports whether case c passes the office and programme filters.
func (p *Params) keep(c *booking.Case) bool {
	return (p.Office == "" || c.Office == p.Office) && (p.Programme == "" || c.Programme == p.Programme)
}

// in reports whether day d is in the period; an unknown day is in only an
// open period.
func (p *Params) in(d booking.Date) bool {
	if d.IsZero() {
		return p.From.IsZero() && p.To.IsZero()
	}
	return (p.From.IsZero() || !d.Before(p.From)) && (p.To.IsZero() || !d.After(p.To))
}

// Month returns "2026-11" for a day in November 2026, or "" for no day.
func Month(d booking.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()[:7]
}

// Median returns the median of xs (the mean of the middle two for an even
// count), or NaN for none. xs is sorted in place.
func Median(xs []int) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return float64(xs[n/2])
	}
	return float64(xs[n/2-1]+xs[n/2]) / 2
}

// P90 returns the 90th percentile of xs by the nearest-rank method (the
// smallest value at least 90% of values are not above), or -1 for none. xs
// is sorted in place.
func P90(xs []int) int {
	if len(xs) == 0 {
		return -1
	}
	slices.Sort(xs)
	rank := int(math.Ceil(0.9 * float64(len(xs))))
	return xs[max(rank, 1)-1]
}

// group is a grouping key: the values of the By fields, in order.
type group []string

func (g group) key() string { return strings.Join(g, "\x1f") }

// groups collects rows of type T under their grouping keys.
type groups[T any] struct {
	by   map[string]*T
	keys map[string]group
	init func(group) *T
}

func newGroups[T any](init func(group) *T) *groups[T] {
	return &groups[T]{by: map[string]*T{}, keys: map[string]group{}, init: init}
}

func (gs *groups[T]) get(g group) *T {
	k := g.key()
	r, ok := gs.by[k]
	if !ok {
		r = gs.init(slices.Clone(g))
		gs.by[k], gs.keys[k] = r, slices.Clone(g)
	}
	return r
}

// sorted returns the rows in grouping-key order (empty values last).
func (gs *groups[T]) sorted() []*T {
	ks := make([]string, 0, len(gs.by))
	for k := range gs.by {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b string) int { return compareGroups(gs.keys[a], gs.keys[b]) })
	out := make([]*T, len(ks))
	for i, k := range ks {
		out[i] = gs.by[k]
	}
	return out
}

func compareGroups(a, b group) int {
	for i := range min(len(a), len(b)) {
		switch {
		case a[i] == b[i]:
			continue
		case a[i] == "":
			return 1
		case b[i] == "":
			return -1
		}
		return cmp.Compare(a[i], b[i])
	}
	return len(a) - len(b)
}

// groupOf returns the values of by, looked up in vals.
func groupOf(by []string, vals map[string]string) group {
	g := make(group, len(by))
	for i, f := range by {
		g[i] = vals[f]
	}
	return g
}

// set is a small sorted set of strings.
type set []string

func (s *set) add(v string) {
	if v == "" {
		return
	}
	if i, found := slices.BinarySearch(*s, v); !found {
		*s = slices.Insert(*s, i, v)
	}
}

// counted counts distinct cases: cases stream one at a time, so a row only
// needs the last one it counted.
type counted struct {
	last string
	n    int
}

func (c *counted) add(no string) {
	if c.last != no {
		c.last, c.n = no, c.n+1
	}
}

// byColumns returns the text columns of the grouping fields.
func byColumns(by []string) []Column {
	out := make([]Column, len(by))
	for i, b := range by {
		out[i] = Column{Name: b, Kind: Text}
	}
	return out
}

func groupCells(g group) []any {
	out := make([]any, len(g))
	for i, v := range g {
		out[i] = v
	}
	return out
}

func pct(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)*1000/float64(whole)) / 10
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
