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
	p    Params
	r    LoansReport
	rows *groups[LoanRow]
}

func newLoans(p Params, m Meta) *loans {
	return &loans{p: p, r: LoansReport{Meta: m}, rows: newGroups(func(g group) *LoanRow { return &LoanRow{Group: g} })}
}

// Adult reports whether someone born on dob is 18 or older on day on; an
// unknown birth date counts as adult, so a promissory note is asked for
// rather than forgotten (as the counselling checklist does).
func Adult(dob, on booking.Date) bool { return dob.IsZero() || dob.Age(on) >= 18 }

func (l *loans) Add(f *booking.CaseFile) {
	c := &f.Case
	if !l.p.keep(c) || !l.p.TravelLoan(c.Programme) {
		return
	}
	b := f.ActiveBooking()
	if b == nil {
		return
	}
	dep := bookingDeparture(f, b)
	if !l.p.in(dep) {
		return
	}
	if c.Status == booking.StatusCancelled {
		l.r.CancelledCases++
		return
	}
	fares, src := BookingFares(f, b)
	fareOf := map[int]int64{}
	for _, fa := range fares {
		if fa.Escort == 0 {
			fareOf[fa.Traveller] += fa.USDCents
		}
	}
	items := l.p.Config.LoanItems[c.Programme]
	lc := LoanCase{Case: c.Number, Office: c.Office, Programme: c.Programme, Status: string(c.Status), Departure: dep, FaresFrom: src}
	var adults []LoanAdult
	var pool int64 // minors' tickets and items, and the case's items
	for _, it := range items {
		if it.Per == "case" {
			lc.ItemsUSD += it.Cents()
			pool += it.Cents()
		}
	}
	members := slices.Clone(b.Travellers)
	slices.Sort(members)
	for _, m := range members {
		t := f.Traveller(m)
		var dob booking.Date
		name := ""
		if t != nil {
			dob, name = t.BirthDate, t.FullName()
		}
		adult := Adult(dob, dep)
		own := fareOf[m]
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
		a := LoanAdult{Case: c.Number, Office: c.Office, Programme: c.Programme, Departure: dep, Member: m, Name: name,
			BirthDate: dob, Age: -1, ShareUSD: own, Note: NoteMissing}
		if !dob.IsZero() {
			a.Age = dob.Age(dep)
		}
		if f.Counselling != nil {
			if tk, ok := f.Counselling.Ticks[fmt.Sprintf("%02d/promissory-note", m)]; ok {
				a.Note, a.SignedBy, a.SignedOn = NoteSigned, tk.By, booking.DateOf(tk.At)
				lc.NotesDone++
			}
		}
		adults = append(adults, a)
	}
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
	l.r.Cases = append(l.r.Cases, lc)
	l.r.Adults = append(l.r.Adults, adults...)
	g := groupOf(l.p.By, map[string]string{"programme": c.Programme, "office": c.Office, "month": Month(dep)})
	for _, r := range []*LoanRow{l.rows.get(g), &l.r.Total} {
		r.Cases++
		r.Travellers += lc.Travellers
		r.Adults += lc.Adults
		r.LoanUSD += lc.LoanUSD
		r.NotesSigned += lc.NotesDone
		r.NotesMissing += lc.Adults - lc.NotesDone
	}
}

func (l *loans) Report() Report {
	l.r.Rows = []LoanRow{}
	for _, r := range l.rows.sorted() {
		l.r.Rows = append(l.r.Rows, *r)
	}
	slices.SortFunc(l.r.Cases, func(a, b LoanCase) int { return strings.Compare(a.Case, b.Case) })
	slices.SortFunc(l.r.Adults, func(a, b LoanAdult) int {
		if c := strings.Compare(a.Case, b.Case); c != 0 {
			return c
		}
		return a.Member - b.Member
	})
	if l.r.Cases == nil {
		l.r.Cases = []LoanCase{}
	}
	if l.r.Adults == nil {
		l.r.Adults = []LoanAdult{}
	}
	return &l.r
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
	return []Table{sum, cs, ad}
}
