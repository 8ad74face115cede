package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

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

// caseFacts are what a finding repeats about its case: its number, and
// its office, programme, assignee and status, which many cases share, as
// an index into quality.metas (one string instead of five for each of
// 100k cases).
type caseFacts struct {
	no   string
	meta int32
}

// caseMeta is the office, programme, assignee and status of cases.
type caseMeta struct{ office, programme, assignee, status string }

type quality struct {
	p Params
	r QualityReport
	// people are the travellers by names and birth date (hashed), in the
	// order seen: Report sorts them by key (a map of 400k travellers cost
	// a quarter of the report).
	people chunks[keyedPerson]
	cases  chunks[caseFacts]
	metas  []caseMeta
	metaOf map[caseMeta]int32
	intern map[string]string
	// findings are the report's, gathered before Report sorts them.
	findings chunks[Finding]
}

// meta returns the index of m in q.metas, adding it (its strings
// interned) if it is new.
func (q *quality) meta(m caseMeta) int32 {
	if i, ok := q.metaOf[m]; ok {
		return i
	}
	if q.metaOf == nil {
		q.metaOf = map[caseMeta]int32{}
	}
	m = caseMeta{q.in(m.office), q.in(m.programme), q.in(m.assignee), q.in(m.status)}
	i := int32(len(q.metas))
	q.metas = append(q.metas, m)
	q.metaOf[m] = i
	return i
}

func (q *quality) in(s string) string {
	if v, ok := q.intern[s]; ok {
		return v
	}
	q.intern[s] = s
	return s
}

func newQuality(p Params, m Meta) *quality {
	return &quality{p: p, r: QualityReport{Meta: m}, intern: map[string]string{}}
}

func (q *quality) add(x *CaseFacts, f *booking.CaseFile) bool {
	if !x.keep(&q.p) || !q.p.in(x.Received) {
		return true
	}
	// The gate of an open case departing within the window: judged from
	// its file, or kept in its facts under the same stamp.
	b := x.Active()
	var dep booking.Date
	if b != nil {
		dep = b.Departure
	}
	today := q.p.Today
	gate := GateJudged(x) && !dep.Before(today) && !dep.After(today.AddDays(q.p.Config.GateWindowDays))
	kept := q.p.GateStamp != 0 && x.Gate.Stamp == q.p.GateStamp && x.Gate.Loaded
	if gate && f == nil && !kept {
		return false
	}
	q.r.CasesChecked++
	add := func(check string, member int, detail string) {
		q.findings.add(Finding{Check: check, Case: x.Number, Office: x.Office, Programme: x.Programme,
			Assignee: x.Assignee, Status: string(x.Status), Traveller: member, Detail: detail})
	}
	for _, fi := range x.Findings {
		add(fi.Check, fi.Traveller, fi.Detail)
	}
	if len(x.Docs) > 0 {
		warn := dep.AddDays(q.p.Config.ExpiryWarningDays)
		for _, d := range x.Docs {
			name := ""
			if pf := x.Person(d.Member); pf != nil {
				name = pf.Name
			}
			switch {
			case d.Expiry.Before(dep):
				add("document-expired", d.Member, name+"'s "+d.Description+" expires "+d.Expiry.String()+", before departure "+dep.String())
			case d.Expiry.Before(warn):
				add("document-expiring", d.Member, fmt.Sprintf("%s's %s expires %s, %d days after departure %s", name, d.Description, d.Expiry,
					dep.DaysUntil(d.Expiry), dep))
			}
		}
	}
	if gate {
		items := x.Gate.Items
		if f != nil {
			items = q.p.Gate(f)
		}
		departs := "departs " + dep.String() + ": "
		for _, it := range items {
			add("gate-open", it.Traveller, departs+it.Message)
		}
	}
	ci := int32(-1)
	for _, pf := range x.People {
		if pf.Dup == 0 {
			continue
		}
		if ci < 0 {
			ci = int32(q.cases.n)
			q.cases.add(caseFacts{x.Number, q.meta(caseMeta{x.Office, x.Programme, x.Assignee, string(x.Status)})})
		}
		q.people.add(keyedPerson{pf.Dup, person{ci, int32(pf.Member)}})
	}
	return true
}

// keyedPerson is a traveller and the hash of its names and birth date.
type keyedPerson struct {
	key uint64
	person
}

// duplicates returns the travellers of every key seen in more than one
// case: the first by order (case number, then member), then each of
// another case than the first's, in that order. The order the travellers
// were added in does not matter (gate cases are added as workers read
// them).
func duplicates(people *chunks[keyedPerson], order func(a, b person) int) [][]person {
	sorted := sortByKey(people)
	var out [][]person
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j].key == sorted[i].key {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(sorted[i:j], func(a, b keyedPerson) int { return order(a.person, b.person) })
		}
		first := sorted[i].person
		var ps []person
		for _, o := range sorted[i+1 : j] {
			if o.ci != first.ci {
				if ps == nil {
					ps = []person{first}
				}
				ps = append(ps, o.person)
			}
		}
		if ps != nil {
			out = append(out, ps)
		}
		i = j
	}
	return out
}

// keyBits is how many leading bits of the key place a traveller.
const keyBits = 16

// sortByKey returns the travellers sorted by key, those of equal keys in
// the order seen: the keys are hashes, so one pass placing them by their
// leading bits leaves a few to a bucket, sorted in place (a map of 400k
// travellers, or a full radix sort, cost several times more).
func sortByKey(people *chunks[keyedPerson]) []keyedPerson {
	start := make([]int, 1<<keyBits+1)
	for _, ch := range people.cs {
		for _, p := range ch {
			start[p.key>>(64-keyBits)+1]++
		}
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]keyedPerson, people.n)
	at := slices.Clone(start)
	for _, ch := range people.cs {
		for _, p := range ch {
			b := p.key >> (64 - keyBits)
			out[at[b]] = p
			at[b]++
		}
	}
	byKey := func(a, b keyedPerson) int { return cmp.Compare(a.key, b.key) }
	for b := range len(start) - 1 {
		run := out[start[b]:start[b+1]]
		if len(run) > 32 { // many equal keys, or an unlucky spread
			slices.SortStableFunc(run, byKey)
			continue
		}
		for i := 1; i < len(run); i++ { // insertion: stable
			for j := i; j > 0 && run[j-1].key > run[j].key; j-- {
				run[j-1], run[j] = run[j], run[j-1]
			}
		}
	}
	return out
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
	// The duplicates are found on another goroutine while the other
	// findings are put in order (it reads only q.people and q.cases).
	dupsDone := make(chan []Finding, 1)
	go func() { dupsDone <- q.duplicateFindings() }()
	// By check, in the order of Checks (an unknown one first), then by
	// case, traveller and detail: the findings are put in their check's
	// place as they are gathered, and each check's (mostly in case order
	// already) sorted alone.
	rank := make(map[string]int, len(Checks))
	for i, c := range Checks {
		rank[c] = i + 1
	}
	start := make([]int, len(Checks)+2)
	for _, ch := range q.findings.cs {
		for i := range ch {
			start[rank[ch[i].Check]+1]++
		}
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	n := start[len(start)-1]
	// Room for the duplicates to come (about one traveller in a hundred
	// in the demo), so that putting them in moves only the checks after.
	out := slices.Grow(q.r.Findings[:0], n+q.people.n/50+64)[:n]
	at := slices.Clone(start)
	for _, ch := range q.findings.cs {
		for i := range ch {
			r := rank[ch[i].Check]
			out[at[r]] = ch[i]
			at[r]++
		}
	}
	q.findings = chunks[Finding]{}
	byCase := func(a, b Finding) int {
		return cmp.Or(strings.Compare(a.Case, b.Case), cmp.Compare(a.Traveller, b.Traveller), strings.Compare(a.Detail, b.Detail),
			strings.Compare(a.Check, b.Check))
	}
	dr := rank["duplicate-traveller"]
	for r := range len(start) - 1 {
		if run := out[start[r]:start[r+1]]; r != dr && !slices.IsSortedFunc(run, byCase) {
			slices.SortFunc(run, byCase)
		}
	}
	dups := <-dupsDone
	q.people = chunks[keyedPerson]{}
	out = slices.Insert(out, start[dr+1], dups...)
	slices.SortFunc(out[start[dr]:start[dr+1]+len(dups)], byCase)
	q.r.Findings = out
	q.r.Rows = qualityRows(q.p.By, q.r.Findings)
	if q.r.Findings == nil {
		q.r.Findings = []Finding{}
	}
	return &q.r
}

// duplicateFindings returns a finding for each traveller seen in more than
// one case with the same names and birth date.
func (q *quality) duplicateFindings() []Finding {
	var out []Finding
	byCase := func(a, b person) int {
		return cmp.Or(strings.Compare(q.cases.at(int(a.ci)).no, q.cases.at(int(b.ci)).no), cmp.Compare(a.m, b.m))
	}
	for _, ps := range duplicates(&q.people, byCase) {
		for _, me := range ps {
			var others []string
			for _, o := range ps {
				if o.ci != me.ci {
					others = append(others, q.cases.at(int(o.ci)).no+" traveller "+strconv.Itoa(int(o.m)))
				}
			}
			slices.Sort(others)
			others = slices.Compact(others)
			fc := q.cases.at(int(me.ci))
			m := q.metas[fc.meta]
			out = append(out, Finding{Check: "duplicate-traveller", Case: fc.no, Office: m.office,
				Programme: m.programme, Assignee: m.assignee, Status: m.status, Traveller: int(me.m),
				Detail: "same names and birth date as " + strings.Join(others, ", ")})
		}
	}
	return out
}

// qualityRows counts findings by the grouping fields by.
func qualityRows(by []string, findings []Finding) []QualityRow {
	rows := newGroups(fields["quality"].valid, by, func(g group) *QualityRow { return &QualityRow{Group: g, cases: map[string]bool{}} })
	for _, fi := range findings {
		r := rows.get(fi.Check, fi.Office, fi.Programme, fi.Assignee)
		r.Findings++
		r.cases[fi.Case] = true
	}
	out := []QualityRow{}
	for _, r := range rows.sorted() {
		r.Cases = len(r.cases)
		out = append(out, *r)
	}
	return out
}

// GroupBy returns the report with its findings counted by the grouping
// fields by (the report's default if empty) instead: the findings do not
// change with the grouping, so a screen regroups without reading again.
func (r *QualityReport) GroupBy(by []string) (*QualityReport, error) {
	by, _, err := regrouping("quality", nil, by)
	if err != nil {
		return nil, err
	}
	out := *r
	out.By = slices.Clone(by)
	out.Rows = qualityRows(by, r.Findings)
	return &out, nil
}

// Header implements Report.
func (r *QualityReport) Header() Meta { return r.Meta }

// Tables implements Report: findings by group, then every finding.
func (r *QualityReport) Tables() []Table {
	t := r.Summary()
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

// Summary is the report's first table, the findings by group, without
// the table of every finding (a screen regrouping draws only this).
func (r *QualityReport) Summary() Table {
	t := Table{Name: "quality", Title: "Data-quality findings by " + strings.Join(r.By, ", "), Columns: append(byColumns(r.By),
		Column{"findings", Int}, Column{"cases", Int})}
	for _, row := range r.Rows {
		t.Rows = append(t.Rows, append(groupCells(row.Group), row.Findings, row.Cases))
	}
	t.Notes = append(t.Notes, fmt.Sprintf("%s in %s checked", plural(len(r.Findings), "finding", "findings"),
		plural(r.CasesChecked, "case", "cases")))
	return t
}
