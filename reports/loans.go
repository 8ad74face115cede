package reports

import (
	"fmt"
	"slices"
	"strings"

	"movedesk/booking"
)

// Promissory-note states.
const (
	NoteSigned  = "signed"
	NoteMissing = "not signed"
)

// LoanAdult is one adult (18 or older on the departure day) of a case with
// a travel loan: the signatory of a promissory note.
type LoanAdult struct {
	Case      string       `json:"case"`
	Office    string       `json:"office"`
	Programme string       `json:"programme"`
	Departure booking.Date `json:"departure"`
	Member    int          `json:"member"`
	Name      string       `json:"name"`
	BirthDate booking.Date `json:"birth_date,omitzero"`
	// Age is the age on the departure day (-1 for an unknown birth date).
	Age int `json:"age"`
	// ShareUSD is the adult's part of the case's loan: their own ticket and
	// items, and an equal share of the minors' tickets and items and of the
	// case's items (the first adults take the odd cents).
	ShareUSD int64        `json:"share_usd_cents"`
	Note     string       `json:"note"`
	SignedBy string       `json:"signed_by,omitempty"`
	SignedOn booking.Date `json:"signed_on,omitzero"`
}

// LoanCase is one case's travel loan.
type LoanCase struct {
	Case       string       `json:"case"`
	Office     string       `json:"office"`
	Programme  string       `json:"programme"`
	Status     string       `json:"status"`
	Departure  booking.Date `json:"departure"`
	Travellers int          `json:"travellers"`
	Adults     int          `json:"adults"`
	TicketsUSD int64        `json:"tickets_usd_cents"`
	ItemsUSD   int64        `json:"items_usd_cents"`
	LoanUSD    int64        `json:"loan_usd_cents"`
	NotesDone  int          `json:"notes_signed"`
	FaresFrom  string       `json:"fares_from"`
}

// LoanRow is one group of the loans report.
type LoanRow struct {
	Group        []string `json:"group"`
	Cases        int      `json:"cases"`
	Travellers   int      `json:"travellers"`
	Adults       int      `json:"adults"`
	LoanUSD      int64    `json:"loan_usd_cents"`
	NotesSigned  int      `json:"notes_signed"`
	NotesMissing int      `json:"notes_missing"`
}

// LoansReport holds the travel loans of cases departing in the period, in
// programmes with a loan.
type LoansReport struct {
	Meta
	Rows   []LoanRow   `json:"rows"`
	Cases  []LoanCase  `json:"cases"`
	Adults []LoanAdult `json:"adults"`
	Total  LoanRow     `json:"total"`
	// CancelledCases were cancelled after booking: no loan is owed.
	CancelledCases int `json:"cancelled_cases"`
}

type loans struct {
	p      Params
	r      LoansReport
	rows   *groups[LoanRow]
	adults []LoanAdult // scratch: one case's
	// allCases and allAdults gather the lists when they are not cut
	// (ListLimit 0): Report joins them.
	allCases  chunks[LoanCase]
	allAdults chunks[LoanAdult]
}

func newLoans(p Params, m Meta) *loans {
	return &loans{p: p, r: LoansReport{Meta: m}, rows: newGroups(fields["loans"].valid, p.By, func(g group) *LoanRow { return &LoanRow{Group: g} })}
}

// Adult reports whether someone born on dob is 18 or older on day on; an
// unknown birth date counts as adult, so a promissory note is asked for
// rather than forgotten (as the counselling checklist does).
func Adult(dob, on booking.Date) bool { return dob.IsZero() || dob.Age(on) >= 18 }

func (l *loans) add(x *CaseFacts, _ *booking.CaseFile) bool {
	if !x.keep(&l.p) || !l.p.TravelLoan(x.Programme) {
		return true
	}
	b := x.Active()
	if b == nil {
		return true
	}
	dep := b.Departure
	if !l.p.in(dep) {
		return true
	}
	if x.Status == booking.StatusCancelled {
		l.r.CancelledCases++
		return true
	}
	items := l.p.Config.LoanItems[x.Programme]
	lc := LoanCase{Case: x.Number, Office: x.Office, Programme: x.Programme, Status: string(x.Status), Departure: dep, FaresFrom: b.Source}
	adults := l.adults[:0] // this case's
	var pool int64         // minors' tickets and items, and the case's items
	for _, it := range items {
		if it.Per == "case" {
			lc.ItemsUSD += it.Cents()
			pool += it.Cents()
		}
	}
	for _, m := range b.Members {
		var dob booking.Date
		name := ""
		pf := x.Person(m)
		if pf != nil {
			dob, name = pf.BirthDate, pf.Name
		}
		adult := Adult(dob, dep)
		var own int64
		for _, fa := range b.Fares {
			if fa.Escort == 0 && fa.Traveller == m {
				own += fa.USDCents
			}
		}
		lc.TicketsUSD += own
		for _, it := range items {
			if it.Per == "traveller" || it.Per == "adult" && adult {
				own += it.Cents()
				lc.ItemsUSD += it.Cents()
			}
		}
		lc.Travellers++
		if !adult {
			pool += own
			continue
		}
		a := LoanAdult{Case: x.Number, Office: x.Office, Programme: x.Programme, Departure: dep, Member: m, Name: name,
			BirthDate: dob, Age: -1, ShareUSD: own, Note: NoteMissing}
		if !dob.IsZero() {
			a.Age = dob.Age(dep)
		}
		if pf != nil && pf.Signed {
			a.Note, a.SignedBy, a.SignedOn = NoteSigned, pf.NoteBy, pf.NoteOn
			lc.NotesDone++
		}
		adults = append(adults, a)
	}
	l.adults = adults
	lc.Adults = len(adults)
	lc.LoanUSD = lc.TicketsUSD + lc.ItemsUSD
	if n := int64(len(adults)); n > 0 {
		share, odd := pool/n, pool%n
		for i := range adults {
			adults[i].ShareUSD += share
			if int64(i) < odd {
				adults[i].ShareUSD++
			}
		}
	}
	if !l.p.NoLists && l.p.ListLimit <= 0 {
		l.allCases.add(lc)
		for _, a := range adults {
			l.allAdults.add(a)
		}
	} else if !l.p.NoLists {
		l.r.Cases = bounded(append(l.r.Cases, lc), l.p.ListLimit, compareLoanCases, false)
		l.r.Adults = bounded(append(l.r.Adults, adults...), l.p.ListLimit, compareLoanAdults, false)
	}
	for _, r := range [2]*LoanRow{l.rows.get(x.Programme, x.Office, Month(dep)), &l.r.Total} {
		r.Cases++
		r.Travellers += lc.Travellers
		r.Adults += lc.Adults
		r.LoanUSD += lc.LoanUSD
		r.NotesSigned += lc.NotesDone
		r.NotesMissing += lc.Adults - lc.NotesDone
	}
	return true
}

// GroupBy returns the report with its rows summed by the grouping fields
// by (the report's default if empty) instead, from r's rows: a screen
// reads the report grouped by every field once and regroups it without
// reading again. by must be among the fields r is grouped by; the lists
// and the total do not change with the grouping.
func (r *LoansReport) GroupBy(by []string) (*LoansReport, error) {
	by, at, err := regrouping("loans", r.By, by)
	if err != nil {
		return nil, err
	}
	fs := fields["loans"]
	gs := newGroups(fs.valid, by, func(g group) *LoanRow { return &LoanRow{Group: g} })
	vals := make([]string, len(fs.valid))
	for _, row := range r.Rows {
		for i, v := range row.Group {
			vals[at[i]] = v
		}
		dst := gs.get(vals...)
		dst.Cases += row.Cases
		dst.Travellers += row.Travellers
		dst.Adults += row.Adults
		dst.LoanUSD += row.LoanUSD
		dst.NotesSigned += row.NotesSigned
		dst.NotesMissing += row.NotesMissing
	}
	out := *r
	out.By = slices.Clone(by)
	out.Rows = []LoanRow{}
	for _, row := range gs.sorted() {
		out.Rows = append(out.Rows, *row)
	}
	return &out, nil
}

func (l *loans) Report() Report {
	l.r.Rows = []LoanRow{}
	for _, r := range l.rows.sorted() {
		l.r.Rows = append(l.r.Rows, *r)
	}
	l.r.Cases, l.r.Adults = l.allCases.appendTo(l.r.Cases), l.allAdults.appendTo(l.r.Adults)
	l.allCases, l.allAdults = chunks[LoanCase]{}, chunks[LoanAdult]{}
	l.r.Cases = bounded(l.r.Cases, l.p.ListLimit, compareLoanCases, true)
	l.r.Adults = bounded(l.r.Adults, l.p.ListLimit, compareLoanAdults, true)
	if l.r.Cases == nil {
		l.r.Cases = []LoanCase{}
	}
	if l.r.Adults == nil {
		l.r.Adults = []LoanAdult{}
	}
	return &l.r
}

func compareLoanCases(a, b LoanCase) int { return strings.Compare(a.Case, b.Case) }

func compareLoanAdults(a, b LoanAdult) int {
	if c := strings.Compare(a.Case, b.Case); c != 0 {
		return c
	}
	return a.Member - b.Member
}

// Header implements Report.
func (r *LoansReport) Header() Meta { return r.Meta }

// Tables implements Report: totals by group, the cases, the adults.
func (r *LoansReport) Tables() []Table {
	sum := Table{Name: "loans", Title: "Travel loans by " + strings.Join(r.By, ", "), Columns: append(byColumns(r.By),
		Column{"cases", Int}, Column{"travellers", Int}, Column{"adults", Int}, Column{"loan_usd", USD},
		Column{"notes_signed", Int}, Column{"notes_missing", Int})}
	for _, row := range r.Rows {
		sum.Rows = append(sum.Rows, append(groupCells(row.Group), row.Cases, row.Travellers, row.Adults, row.LoanUSD, row.NotesSigned, row.NotesMissing))
	}
	t := r.Total
	sum.Notes = append(sum.Notes, fmt.Sprintf("total: %s over %s, %s; %s of %d promissory notes signed", booking.USD(t.LoanUSD),
		plural(t.Cases, "case", "cases"), plural(t.Travellers, "traveller", "travellers"), fmt.Sprint(t.NotesSigned), t.Adults))
	if r.CancelledCases > 0 {
		sum.Notes = append(sum.Notes, fmt.Sprintf("left out: %s cancelled after booking", plural(r.CancelledCases, "case", "cases")))
	}
	cs := Table{Name: "loans-cases", Title: "Loans per case", Columns: []Column{{"case", Text}, {"office", Text}, {"programme", Text},
		{"status", Text}, {"departure", Date}, {"travellers", Int}, {"adults", Int}, {"tickets_usd", USD}, {"items_usd", USD},
		{"loan_usd", USD}, {"notes_signed", Int}, {"fares_from", Text}}}
	for _, c := range r.Cases {
		cs.Rows = append(cs.Rows, []any{c.Case, c.Office, c.Programme, c.Status, c.Departure, c.Travellers, c.Adults,
			c.TicketsUSD, c.ItemsUSD, c.LoanUSD, c.NotesDone, c.FaresFrom})
	}
	ad := Table{Name: "loans-adults", Title: "Promissory notes: adults (18+ on the departure day)", Columns: []Column{{"case", Text},
		{"office", Text}, {"programme", Text}, {"departure", Date}, {"member", Int}, {"name", Text}, {"birth_date", Date},
		{"age", Int}, {"share_usd", USD}, {"note", Text}, {"signed_on", Date}}}
	for _, a := range r.Adults {
		var age any = a.Age
		if a.Age < 0 {
			age = nil
		}
		ad.Rows = append(ad.Rows, []any{a.Case, a.Office, a.Programme, a.Departure, a.Member, a.Name, dcell(a.BirthDate),
			age, a.ShareUSD, a.Note, dcell(a.SignedOn)})
	}
	if n := len(r.Cases); n < r.Total.Cases {
		cs.Notes = append(cs.Notes, fmt.Sprintf("the first %d of %d cases", n, r.Total.Cases))
	}
	if n := len(r.Adults); n < r.Total.Adults {
		ad.Notes = append(ad.Notes, fmt.Sprintf("the first %d of %d adults", n, r.Total.Adults))
	}
	return []Table{sum, cs, ad}
}
