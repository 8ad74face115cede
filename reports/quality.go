package reports

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"movedesk/booking"
)

// Checks are the data-quality checks, each a finding's code.
var Checks = []string{
	"missing-biodata",      // a traveller lacks birth date, sex, nationality or given names
	"inconsistent-biodata", // no or several principals, a PA who is not the principal, a birth date after the request
	"pax-type",             // a fare's passenger type is not the one the birth date gives on the flight dates
	"document-expired",     // a travel document or visa expires before departure
	"document-expiring",    // ... or within the warning days after it
	"gate-open",            // an open gate item on a case departing within the window
	"custody-order",        // a custody event dated before the one it follows
	"duplicate-traveller",  // same names and birth date in another case
	"ssr-no-counselling",   // a non-meal SSR without a counselling action item for the traveller
}

// Finding is one data-quality problem; Case opens it.
type Finding struct {
	Check     string `json:"check"`
	Case      string `json:"case"`
	Office    string `json:"office"`
	Programme string `json:"programme"`
	Assignee  string `json:"assignee"`
	Status    string `json:"status"`
	Traveller int    `json:"traveller,omitempty"`
	Detail    string `json:"detail"`
}

// QualityRow counts the findings of one group.
type QualityRow struct {
	Group    []string `json:"group"`
	Findings int      `json:"findings"`
	Cases    int      `json:"cases"`
	cases    map[string]bool
}

// QualityReport holds the data-quality findings on cases received in the
// period.
type QualityReport struct {
	Meta
	Rows     []QualityRow `json:"rows"`
	Findings []Finding    `json:"findings"`
	// CasesChecked counts the case files looked at.
	CasesChecked int `json:"cases_checked"`
}

// person is one traveller: a case (index into quality.cases) and member.
type person struct {
	ci, m int32
}

// caseFacts are what a finding repeats about its case.
type caseFacts struct{ no, office, programme, assignee, status string }

type quality struct {
	p    Params
	r    QualityReport
	seed maphash.Seed
	// people maps a traveller's names and birth date (hashed) to the first
	// one seen; dups holds every one of a key seen twice.
	people map[uint64]person
	dups   map[uint64][]person
	cases  []caseFacts
	intern map[string]string
}

func (q *quality) in(s string) string {
	if v, ok := q.intern[s]; ok {
		return v
	}
	q.intern[s] = s
	return s
}

func newQuality(p Params, m Meta) *quality {
	return &quality{p: p, r: QualityReport{Meta: m}, seed: maphash.MakeSeed(), people: map[uint64]person{},
		dups: map[uint64][]person{}, intern: map[string]string{}}
}

func (q *quality) Add(f *booking.CaseFile) {
	c := &f.Case
	if !q.p.keep(c) || !q.p.in(c.Received) {
		return
	}
	q.r.CasesChecked++
	add := func(check string, member int, format string, args ...any) {
		q.r.Findings = append(q.r.Findings, Finding{Check: check, Case: c.Number, Office: c.Office, Programme: c.Programme,
			Assignee: c.Assignee, Status: string(c.Status), Traveller: member, Detail: fmt.Sprintf(format, args...)})
	}
	principals := 0
	ci := int32(-1)
	var paBorn booking.Date
	if pa := f.Principal(); pa != nil {
		paBorn = pa.BirthDate
	}
	for _, t := range f.Travellers {
		var miss []string
		if t.BirthDate.IsZero() {
			miss = append(miss, "birth date")
		}
		if t.Sex == "" {
			miss = append(miss, "sex")
		}
		if t.Nationality == "" {
			miss = append(miss, "nationality")
		}
		if strings.TrimSpace(t.GivenNames) == "" {
			miss = append(miss, "given names")
		}
		if len(miss) > 0 {
			add("missing-biodata", t.Member, "%s has no %s", t.FullName(), strings.Join(miss, ", "))
		}
		if t.Principal {
			principals++
		}
		if t.Relationship == "PA" && !t.Principal {
			add("inconsistent-biodata", t.Member, "%s is recorded as PA but is not the principal applicant", t.FullName())
		}
		if t.Relationship == "child" && !t.BirthDate.IsZero() && !paBorn.IsZero() && !t.BirthDate.After(paBorn) {
			add("inconsistent-biodata", t.Member, "%s is recorded as a child of the principal applicant but was born on %s, not after them (%s)",
				t.FullName(), t.BirthDate, paBorn)
		}
		if !t.BirthDate.IsZero() && strings.TrimSpace(t.FamilyName) != "" {
			h := maphash.String(q.seed, strings.ToUpper(strings.Join(strings.Fields(t.FamilyName), " "))+"\x00"+
				strings.ToUpper(strings.Join(strings.Fields(t.GivenNames), " "))+"\x00"+t.BirthDate.String())
			if ci < 0 {
				ci = int32(len(q.cases))
				q.cases = append(q.cases, caseFacts{c.Number, q.in(c.Office), q.in(c.Programme), q.in(c.Assignee), q.in(string(c.Status))})
			}
			me := person{ci, int32(t.Member)}
			if first, ok := q.people[h]; !ok {
				q.people[h] = me
			} else if first.ci != ci {
				if len(q.dups[h]) == 0 {
					q.dups[h] = []person{first}
				}
				q.dups[h] = append(q.dups[h], me)
			}
		}
	}
	if len(f.Travellers) > 0 && principals != 1 {
		add("inconsistent-biodata", 0, "the case has %d principal applicants (want 1)", principals)
	}
	b := f.ActiveBooking()
	if b != nil && c.Status != booking.StatusCancelled {
		paxChecks(f, b, add)
	}
	if b != nil && !c.Status.Terminal() {
		q.bookingChecks(f, b, add)
	}
	for _, cu := range f.Custody {
		for i := 1; i < len(cu.Events); i++ {
			if cu.Events[i].At.Before(cu.Events[i-1].At) {
				add("custody-order", cu.Member, "document %s: %s at %s is before the %s at %s", cu.Document, cu.Events[i].Action,
					cu.Events[i].At.UTC().Format(time.DateTime), cu.Events[i-1].Action, cu.Events[i-1].At.UTC().Format(time.DateTime))
			}
		}
	}
}

// paxChecks compares the passenger types fares were priced at (stored on
// the booking or the ABN) with the birth dates on the flight dates.
func paxChecks(f *booking.CaseFile, b *booking.Booking, add func(string, int, string, ...any)) {
	fares, src := BookingFares(f, b)
	if src != SourceBooking && src != SourceABN {
		return
	}
	var dates []booking.Date
	for _, s := range b.Segments {
		dates = append(dates, s.Depart.Date())
	}
	for _, fa := range fares {
		t := f.Traveller(fa.Traveller)
		if fa.Escort > 0 || t == nil || t.BirthDate.IsZero() || len(dates) == 0 {
			continue
		}
		if want := booking.TripPassengerType(t.BirthDate, dates...); fa.PaxType != want {
			add("pax-type", t.Member, "%s is priced as %s but is %s on the flight dates (born %s)", t.FullName(), fa.PaxType, want, t.BirthDate)
		}
	}
}

// bookingChecks judges the active booking of an open case.
func (q *quality) bookingChecks(f *booking.CaseFile, b *booking.Booking, add func(string, int, string, ...any)) {
	c := &f.Case
	dep := bookingDeparture(f, b)
	if dep.IsZero() {
		return
	}
	warn := dep.AddDays(q.p.Config.ExpiryWarningDays)
	for _, m := range b.Travellers {
		t := f.Traveller(m)
		if t == nil {
			continue
		}
		var best *booking.Document
		for i := range f.Documents {
			d := &f.Documents[i]
			if d.Member != m || d.ExpiryDate.IsZero() {
				continue
			}
			if d.Type == booking.DocVisa {
				q.expiry(add, t, d, dep, warn)
			} else if d.Type.IsTravelDocument() && (best == nil || d.ExpiryDate.After(best.ExpiryDate)) {
				best = d
			}
		}
		if best != nil {
			q.expiry(add, t, best, dep, warn)
		}
		if c.Status == booking.StatusBooked || c.Status == booking.StatusABNSent || c.Status == booking.StatusReadyToDepart {
			var codes []string
			for _, code := range t.SSR {
				if s, ok := booking.LookupSSR(code); ok && s.Group != "meal" {
					codes = append(codes, code)
				}
			}
			if len(codes) > 0 && !noted(f.Counselling, m) {
				add("ssr-no-counselling", m, "%s has %s but no counselling action item", t.FullName(), strings.Join(codes, " "))
			}
		}
	}
	today := q.p.Today
	if !dep.Before(today) && !dep.After(today.AddDays(q.p.Config.GateWindowDays)) && c.Status != booking.StatusOnHold {
		for _, it := range q.p.Gate(f) {
			add("gate-open", it.Traveller, "departs %s: %s", dep, it.Message)
		}
	}
}

func (q *quality) expiry(add func(string, int, string, ...any), t *booking.Traveller, d *booking.Document, dep, warn booking.Date) {
	switch {
	case d.ExpiryDate.Before(dep):
		add("document-expired", t.Member, "%s's %s expires %s, before departure %s", t.FullName(), d.Describe(), d.ExpiryDate, dep)
	case d.ExpiryDate.Before(warn):
		add("document-expiring", t.Member, "%s's %s expires %s, %d days after departure %s", t.FullName(), d.Describe(), d.ExpiryDate,
			dep.DaysUntil(d.ExpiryDate), dep)
	}
}

// noted reports whether counselling holds an action item for member m (or
// for the whole case).
func noted(c *booking.Counselling, m int) bool {
	if c == nil {
		return false
	}
	for _, a := range c.Actions {
		if a.Traveller == m || a.Traveller == 0 {
			return true
		}
	}
	return false
}

func (q *quality) Report() Report {
	for _, ps := range q.dups {
		for _, me := range ps {
			var others []string
			for _, o := range ps {
				if o.ci != me.ci {
					others = append(others, fmt.Sprintf("%s traveller %d", q.cases[o.ci].no, o.m))
				}
			}
			slices.Sort(others)
			others = slices.Compact(others)
			fc := q.cases[me.ci]
			q.r.Findings = append(q.r.Findings, Finding{Check: "duplicate-traveller", Case: fc.no, Office: fc.office,
				Programme: fc.programme, Assignee: fc.assignee, Status: fc.status, Traveller: int(me.m),
				Detail: "same names and birth date as " + strings.Join(others, ", ")})
		}
	}
	slices.SortFunc(q.r.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(slices.Index(Checks, a.Check), slices.Index(Checks, b.Check)),
			strings.Compare(a.Case, b.Case), cmp.Compare(a.Traveller, b.Traveller), strings.Compare(a.Detail, b.Detail))
	})
	rows := newGroups(func(g group) *QualityRow { return &QualityRow{Group: g, cases: map[string]bool{}} })
	for _, fi := range q.r.Findings {
		r := rows.get(groupOf(q.p.By, map[string]string{"check": fi.Check, "office": fi.Office, "programme": fi.Programme, "assignee": fi.Assignee}))
		r.Findings++
		r.cases[fi.Case] = true
	}
	q.r.Rows = []QualityRow{}
	for _, r := range rows.sorted() {
		r.Cases = len(r.cases)
		q.r.Rows = append(q.r.Rows, *r)
	}
	if q.r.Findings == nil {
		q.r.Findings = []Finding{}
	}
	return &q.r
}

// Header implements Report.
func (r *QualityReport) Header() Meta { return r.Meta }

// Tables implements Report: findings by group, then every finding.
func (r *QualityReport) Tables() []Table {
	t := Table{Name: "quality", Title: "Data-quality findings by " + strings.Join(r.By, ", "), Columns: append(byColumns(r.By),
		Column{"findings", Int}, Column{"cases", Int})}
	for _, row := range r.Rows {
		t.Rows = append(t.Rows, append(groupCells(row.Group), row.Findings, row.Cases))
	}
	t.Notes = append(t.Notes, fmt.Sprintf("%s in %s checked", plural(len(r.Findings), "finding", "findings"),
		plural(r.CasesChecked, "case", "cases")))
	ft := Table{Name: "quality-findings", Title: "Findings (open each by its case)", Columns: []Column{{"check", Text},
		{"case", Text}, {"office", Text}, {"programme", Text}, {"assignee", Text}, {"status", Text}, {"traveller", Int}, {"detail", Text}}}
	for _, f := range r.Findings {
		var m any = f.Traveller
		if f.Traveller == 0 {
			m = nil
		}
		ft.Rows = append(ft.Rows, []any{f.Check, f.Case, f.Office, f.Programme, f.Assignee, f.Status, m, f.Detail})
	}
	return []Table{t, ft}
}
