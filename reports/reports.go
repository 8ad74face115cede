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
	"sync"

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
	// GateStamp names the templates, tariffs and rules Gate judges with
	// (0: unknown): a case whose facts carry a gate judged under the same
	// stamp, its items loaded (CaseFacts.Gate), is taken by its facts, its
	// file not read.
	GateStamp uint64
	// NoLists leaves out the lists of cases (loans' cases and adults, the
	// steps over target, the longest waiting, the ABNs not sent), which do
	// not depend on the grouping: a screen regrouping a report it holds
	// asks only for the groups.
	NoLists bool
	// ListLimit, if positive, keeps at most this many rows of each list
	// of cases, the first in the list's order; the list's table says how
	// many there are (a screen shows the first thousands).
	ListLimit int
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

// Builder takes cases one at a time and makes the report at the end.
type Builder interface {
	// Add adds a case by its case file. It must not keep f: the caller
	// may reuse it.
	Add(f *booking.CaseFile)
	// AddFacts adds a case by its facts (Facts of its case file), which
	// is what Add does with the file. It adds nothing and returns false
	// when the report needs this case's whole file (the quality report
	// judges the gate of a case departing within its window): load the
	// gate items the facts name (CaseFacts.LoadGateItems) and try again,
	// else Add the file instead (or AddFile). It must not keep x.
	AddFacts(x *CaseFacts) bool
	// AddFile adds a case by its facts and its file: what Add does, when
	// the caller has both (x must be Facts(f)).
	AddFile(x *CaseFacts, f *booking.CaseFile)
	Report() Report
}

// adder is what each report implements: add a case by its facts, with its
// file when the caller has it (nil otherwise); false when the file is
// needed and f is nil.
type adder interface {
	add(x *CaseFacts, f *booking.CaseFile) bool
	Report() Report
}

type builder struct{ adder }

func (b builder) Add(f *booking.CaseFile) {
	x := Facts(f)
	b.add(&x, f)
}

func (b builder) AddFacts(x *CaseFacts) bool { return b.add(x, nil) }

func (b builder) AddFile(x *CaseFacts, f *booking.CaseFile) { b.add(x, f) }

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
	var a adder
	switch name {
	case "costs":
		a = newCosts(p, m)
	case "loans":
		a = newLoans(p, m)
	case "timeliness":
		a = newTimeliness(p, m)
	case "permits":
		a = newPermits(p, m)
	case "workload":
		a = newWorkload(p, m)
	default:
		a = newQuality(p, m)
	}
	return builder{a}, nil
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
	y, m, _ := d.YMD()
	if i := (y-monthsFrom)*12 + int(m) - 1; i >= 0 && i < len(monthNames) {
		monthsOnce.Do(fillMonths)
		return monthNames[i]
	}
	return d.String()[:7]
}

// monthNames are "1900-01" to "2099-12", made once: every report names
// the month of each case it reads.
var (
	monthNames [200 * 12]string
	monthsOnce sync.Once
)

const monthsFrom = 1900

func fillMonths() {
	for i := range monthNames {
		monthNames[i] = fmt.Sprintf("%04d-%02d", monthsFrom+i/12, i%12+1)
	}
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

// groups collects rows of type T under their grouping keys. A key is made
// in a reused buffer, so looking up an existing group allocates nothing.
type groups[T any] struct {
	by   map[string]*T
	keys map[string]group
	init func(group) *T
	// idx are the positions of the By fields among the values get is given.
	idx []int
	buf []byte
}

// newGroups groups by the fields by, out of the values named valid that
// get is given.
// regrouping checks the grouping by (the report's default if empty) that
// a report name grouped by have is regrouped by: every field valid for
// the report and, where have is given, one have holds. It returns by and,
// for have's fields, their places among the report's valid fields (for
// groups.get).
func regrouping(name string, have, by []string) ([]string, []int, error) {
	fs := fields[name]
	if len(by) == 0 {
		by = slices.Clone(fs.def)
	}
	for _, b := range by {
		if !slices.Contains(fs.valid, b) {
			return nil, nil, booking.Errorf(booking.EINVALID, "by", "the %s report cannot be grouped by %q (valid: %s)", name, b, strings.Join(fs.valid, ", "))
		}
		if have != nil && !slices.Contains(have, b) {
			return nil, nil, booking.Errorf(booking.EINVALID, "by", "a %s report grouped by %s cannot be regrouped by %q", name, strings.Join(have, ", "), b)
		}
	}
	at := make([]int, len(have))
	for i, h := range have {
		at[i] = slices.Index(fs.valid, h)
	}
	return by, at, nil
}

func newGroups[T any](valid, by []string, init func(group) *T) *groups[T] {
	idx := make([]int, len(by))
	for i, b := range by {
		idx[i] = slices.Index(valid, b)
	}
	return &groups[T]{by: map[string]*T{}, keys: map[string]group{}, init: init, idx: idx}
}

// get returns the row of the group the values vals (in the order of valid)
// fall in.
func (gs *groups[T]) get(vals ...string) *T {
	gs.buf = gs.buf[:0]
	for i, j := range gs.idx {
		if i > 0 {
			gs.buf = append(gs.buf, '\x1f')
		}
		gs.buf = append(gs.buf, vals[j]...)
	}
	if r, ok := gs.by[string(gs.buf)]; ok {
		return r
	}
	g := make(group, len(gs.idx))
	for i, j := range gs.idx {
		g[i] = vals[j]
	}
	r := gs.init(g)
	k := string(gs.buf)
	gs.by[k], gs.keys[k] = r, g
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

// bounded keeps list s to the first limit in the order cmp (no limit if
// limit is 0): it sorts and cuts when s has grown to twice the limit, and
// always when final.
func bounded[T any](s []T, limit int, cmp func(a, b T) int, final bool) []T {
	if !final && (limit <= 0 || len(s) < 2*limit) {
		return s
	}
	slices.SortFunc(s, cmp)
	if limit > 0 && len(s) > limit {
		s = s[:limit]
	}
	return s
}

// chunks is a list grown a chunk at a time: appending never copies or
// clears what is there, as doubling a slice of hundreds of thousands of
// rows would (a loans report lists 300k adults).
type chunks[T any] struct {
	cs [][]T
	n  int
}

const chunkLen = 1024

func (c *chunks[T]) add(v T) {
	if len(c.cs) == 0 || len(c.cs[len(c.cs)-1]) == chunkLen {
		c.cs = append(c.cs, make([]T, 0, chunkLen))
	}
	last := &c.cs[len(c.cs)-1]
	*last = append(*last, v)
	c.n++
}

// at returns element i.
func (c *chunks[T]) at(i int) *T { return &c.cs[i/chunkLen][i%chunkLen] }

// appendTo appends the elements to s, in order, growing it once.
func (c *chunks[T]) appendTo(s []T) []T {
	s = slices.Grow(s, c.n)
	for _, ch := range c.cs {
		s = append(s, ch...)
	}
	return s
}
