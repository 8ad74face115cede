package main

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"movedesk/booking"
	"movedesk/desk"
	"movedesk/reports"
	"movedesk/store"
	"movedesk/tui"
)

// storeReports adapts the reports package and the store to
// tui.ReportSource. It keeps the cases of the last report read (one
// report, period and filter) as their report rows, so regrouping and
// opening a row's cases reread nothing; another period or filter, or
// Reload, reads again.
type storeReports struct {
	a *app
	s *store.Store
	d *desk.Service

	mu    sync.Mutex
	key   string
	cases []keptCase
	spark tui.ReportSpark
	// lists are the list tables of the report read, as drawn.
	lists map[string]tui.ReportTable
	// quality is the quality report read: its findings regroup alone, so
	// none of its cases are kept.
	quality *reports.QualityReport
	// fine is the timeliness or loans report read grouped by every field:
	// its groups merge into any other grouping (regroupFine), so none of
	// its cases are kept either.
	fine reports.Report
	// counted is how many cases the report read can count.
	counted int
}

// keptCase is one case of the report kept: its facts, and its whole file
// where the report needed it (the quality report's gate).
type keptCase struct {
	x *reports.CaseFacts
	f *booking.CaseFile
}

// chartColumn is the column each report's bars measure, and the chart's
// title.
var chartColumn = map[string]struct{ col, title string }{
	"costs":      {"total_usd", "Costs in USD"},
	"loans":      {"loan_usd", "Travel loans in USD"},
	"timeliness": {"median_days", "Median days per step"},
	"permits":    {"applications", "Exit-permit applications"},
	"workload":   {"cases", "Open cases"},
	"quality":    {"findings", "Data-quality findings"},
}

// params turns the screen's question into the CLI's parameters (a desk
// reports on its office unless one is chosen).
func (sr *storeReports) params(name string, p tui.ReportParams) (reports.Params, error) {
	rp := reports.Params{From: p.From, To: p.To, By: p.By, Office: p.Office, Programme: p.Programme,
		Today: booking.DateOf(sr.a.clock()), Config: sr.a.cfg.Reports}
	if rp.Office == "" {
		rp.Office = sr.a.cfg.Office
	}
	tpl, _, err := sr.d.Templates()
	if err != nil {
		return rp, err
	}
	rp.TravelLoan = func(prog string) bool { return tpl.For(prog).TravelLoan }
	if name == "quality" {
		d := sr.d
		rp.Gate = func(cf *booking.CaseFile) []booking.GateItem { return cf.GateWith(d.GateInput(cf)) }
		rp.GateStamp = sr.s.ReportGateStamp()
	}
	return rp, nil
}

// listTables are the tables that list cases: they do not change with the
// grouping, so a regrouping keeps them and asks the report for its groups
// only (reports.Params.NoLists).
var listTables = map[string]bool{"loans-cases": true, "loans-adults": true, "timeliness-late": true,
	"workload-waiting": true, "workload-abns": true, "quality-findings": true}

// maxViewRows is how many rows of a table the screen gets: the first
// thousands of a list of 300k adults are what a screen can show; the CLI
// writes them all.
const maxViewRows = 2000

// loaded returns the cases report name reads under rp, reading the store
// only when they are not those kept (then r is the report made while
// reading, with its lists; else nil). sr.mu is held.
func (sr *storeReports) loaded(name string, rp reports.Params, reload bool) (cases []keptCase, r reports.Report, err error) {
	key := strings.Join([]string{name, rp.From.String(), rp.To.String(), rp.Office, rp.Programme, rp.Today.String()}, "\x1f")
	if key == sr.key && !reload {
		return sr.cases, nil, nil
	}
	sr.key, sr.cases, sr.spark, sr.lists, sr.quality, sr.fine = "", nil, tui.ReportSpark{}, nil, nil, nil
	lp := rp
	lp.ListLimit = maxViewRows // what the screen shows of a list
	// Reports that regroup alone are read grouped by every field (their
	// groups then merge into any other grouping and the sparkline's).
	alone := name == "quality" || fineReports[name]
	if fineReports[name] {
		lp.By, _ = reports.Fields(name)
	}
	b, err := reports.New(name, lp)
	if err != nil {
		return nil, nil, err
	}
	// The sparkline's report by month is made in the same pass.
	var spark reports.Builder
	if valid, _ := reports.Fields(name); slices.Contains(valid, "month") && !fineReports[name] {
		sp := rp
		sp.By, sp.NoLists = []string{"month"}, true
		if spark, err = reports.New(name, sp); err != nil {
			return nil, nil, err
		}
	}
	strs := reports.Strings{}
	counted := 0
	err = addCases(sr.s, b, reports.NeedOf(name), func(x *reports.CaseFacts, f *booking.CaseFile) {
		if reports.Counts(name, rp, x) {
			counted++
			if alone {
				return // it regroups alone (sr.quality, sr.fine)
			}
			// What the report reads of the case, not its file.
			c := keptCase{x.For(name, strs), nil}
			cases = append(cases, c)
			if spark != nil && !spark.AddFacts(c.x) && f != nil {
				spark.AddFile(x, f)
			}
		}
	})
	if err != nil {
		return nil, nil, err
	}
	_ = sr.s.ReleaseMemory() // the file pages read (they stay in the page cache)
	r = b.Report()
	sr.key, sr.cases, sr.counted = key, cases, counted
	sr.quality, _ = r.(*reports.QualityReport)
	if spark != nil {
		sr.spark = sparkOf(name, spark.Report())
	}
	if fineReports[name] {
		sr.fine = r
		byMonth, err := regroupFine(r, []string{"month"})
		if err != nil {
			return nil, nil, err
		}
		sr.spark = sparkOf(name, byMonth)
		if r, err = regroupFine(r, rp.By); err != nil {
			return nil, nil, err
		}
	}
	sr.lists = map[string]tui.ReportTable{}
	if q, ok := r.(*reports.QualityReport); ok {
		// The table of every finding, made of the rows it shows only.
		cut := *q
		cut.Findings = q.Findings[:min(len(q.Findings), maxViewRows)]
		t := cut.Tables()[1]
		sr.lists[t.Name] = viewTableOf(t, nil, len(q.Findings))
	} else {
		for _, t := range r.Tables() {
			if listTables[t.Name] {
				sr.lists[t.Name] = viewTable(t, nil)
			}
		}
	}
	return cases, r, nil
}

// fineReports are read grouped by every field and regrouped by merging
// their groups (their sums, and the days of timeliness): keeping their
// cases instead, 45 MB over 100k cases, cost half of the first frame.
var fineReports = map[string]bool{"timeliness": true, "loans": true}

// regroupFine regroups r, a report of fineReports grouped by every field.
func regroupFine(r reports.Report, by []string) (reports.Report, error) {
	switch r := r.(type) {
	case *reports.TimelinessReport:
		return r.GroupBy(by)
	case *reports.LoansReport:
		return r.GroupBy(by)
	}
	return nil, fmt.Errorf("the %T cannot be regrouped", r)
}

// build makes report name from kept cases.
func (sr *storeReports) build(name string, rp reports.Params, cases []keptCase) (reports.Report, error) {
	b, err := reports.New(name, rp)
	if err != nil {
		return nil, err
	}
	for _, c := range cases {
		switch {
		case c.f != nil:
			b.AddFile(c.x, c.f)
		case !b.AddFacts(c.x):
			f, err := sr.s.CaseFile(c.x.Number)
			if err != nil {
				return nil, err
			}
			b.Add(f)
		}
	}
	return b.Report(), nil
}

// reportMemoryLimit is the app's soft heap limit while a report is made:
// reading 100k report rows allocates far more than the queue holds, and at
// the app's own limit the collector would run back to back (a quality
// report took 16 s instead of 2.5). The resident size stays under 200 MB:
// the heap, about 35 MB of runtime and program, and the store's pages read
// since the last release (158-197 MB at the highest over 100k cases; 150
// MB here let quality reach 210 MB, no faster).
const reportMemoryLimit = 136 << 20

// roomForReport raises the soft heap limit to reportMemoryLimit, if it is
// lower, until a moment after the function it returns is called: lowering
// it at once would start a collection of the report's garbage while the
// screen draws the report (40 ms of its first frame).
func roomForReport() func() {
	roomMu.Lock()
	defer roomMu.Unlock()
	if !roomRaised {
		lim := debug.SetMemoryLimit(-1)
		if lim >= reportMemoryLimit {
			return func() {}
		}
		roomLimit, roomRaised = lim, true
		debug.SetMemoryLimit(reportMemoryLimit)
	}
	roomGen++
	gen := roomGen
	return func() {
		time.AfterFunc(roomHold, func() {
			roomMu.Lock()
			defer roomMu.Unlock()
			if roomGen == gen && roomRaised { // no report since
				debug.SetMemoryLimit(roomLimit)
				roomRaised = false
			}
		})
	}
}

// lowerReportRoom lowers a raised limit now, as roomHold after the last
// report would (for benchmarks that open report after report).
func lowerReportRoom() {
	roomMu.Lock()
	defer roomMu.Unlock()
	if roomRaised {
		debug.SetMemoryLimit(roomLimit)
		roomRaised = false
	}
}

// roomHold is how long the report's limit outlasts the report.
const roomHold = time.Second

var (
	roomMu sync.Mutex
	// roomRaised: the limit is raised, from roomLimit; roomGen counts
	// the reports made, so only the last one's end lowers it again.
	roomRaised bool
	roomLimit  int64
	roomGen    int
)

// regroup makes report name under rp from the cases kept: the quality
// report regroups its findings; the others make their groups alone.
func (sr *storeReports) regroup(name string, rp reports.Params, cases []keptCase) (reports.Report, error) {
	if name == "quality" && sr.quality != nil {
		return sr.quality.GroupBy(rp.By)
	}
	if fineReports[name] && sr.fine != nil {
		return regroupFine(sr.fine, rp.By)
	}
	rp.NoLists = true
	return sr.build(name, rp, cases)
}

// Report implements tui.ReportSource. Reading the store makes the whole
// report; a regrouping of the cases kept makes only its groups and keeps
// the lists already drawn.
func (sr *storeReports) Report(name string, p tui.ReportParams) (tui.ReportView, error) {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	defer roomForReport()()
	rp, err := sr.params(name, p)
	if err != nil {
		return tui.ReportView{}, err
	}
	if _, err := reports.New(name, rp); err != nil { // a bad grouping reads nothing
		return tui.ReportView{}, err
	}
	cases, r, err := sr.loaded(name, rp, p.Reload)
	if err != nil {
		return tui.ReportView{}, err
	}
	if r == nil {
		if r, err = sr.regroup(name, rp, cases); err != nil {
			return tui.ReportView{}, err
		}
	}
	m := r.Header()
	valid, _ := reports.Fields(name)
	v := tui.ReportView{Name: name, Fields: valid, By: m.By, Office: m.Office, Programme: m.Programme, Cases: sr.counted, Spark: sr.spark}
	var tables []reports.Table
	if q, ok := r.(*reports.QualityReport); ok && sr.lists["quality-findings"].Title != "" {
		// Every finding is drawn already: only the groups are made.
		tables = []reports.Table{q.Summary(), {Name: "quality-findings"}}
	} else {
		tables = r.Tables()
	}
	for i, t := range tables {
		if lt, ok := sr.lists[t.Name]; ok {
			v.Tables = append(v.Tables, lt)
			continue
		}
		v.Tables = append(v.Tables, viewTable(t, totalRow(r, i)))
	}
	if len(tables) > 0 {
		v.Chart = chartOf(name, m.By, tables[0])
	}
	return v, nil
}

// totalRow returns the totals of table i as cells, for the reports that
// keep totals (costs, loans), else nil.
func totalRow(r reports.Report, i int) []any {
	lead := func(n int) []any {
		out := make([]any, n)
		out[0] = "total"
		return out
	}
	switch r := r.(type) {
	case *reports.CostsReport:
		t := r.Total
		if i == 1 {
			t = r.EscortTotal
		}
		if i > 1 {
			return nil
		}
		return append(lead(len(r.By)), t.Cases, t.Travellers, t.TotalUSD, t.AvgUSD, nil, nil)
	case *reports.LoansReport:
		if i != 0 {
			return nil
		}
		t := r.Total
		return append(lead(len(r.By)), t.Cases, t.Travellers, t.Adults, t.LoanUSD, t.NotesSigned, t.NotesMissing)
	}
	return nil
}

// viewTable turns a report table into text cells; a row with a case
// column names its case.
func viewTable(t reports.Table, total []any) tui.ReportTable {
	return viewTableOf(t, total, len(t.Rows))
}

// viewTableOf is viewTable of a table cut to its first rows out of all.
func viewTableOf(t reports.Table, total []any, all int) tui.ReportTable {
	out := tui.ReportTable{Title: t.Title, Notes: t.Notes}
	caseCol := -1
	for i, c := range t.Columns {
		out.Columns = append(out.Columns, tui.ReportColumn{Name: c.Name, Numeric: c.Kind != reports.Text && c.Kind != reports.Date})
		if c.Name == "case" && caseCol < 0 {
			caseCol = i
		}
	}
	cells := func(row []any) []string {
		cs := make([]string, len(row))
		for i, v := range row {
			cs[i] = cellText(v, t.Columns[i].Kind, true)
		}
		return cs
	}
	rows := t.Rows
	if all > maxViewRows {
		rows = rows[:min(len(rows), maxViewRows)]
		out.Notes = append(slices.Clip(out.Notes), fmt.Sprintf("the first %d of %d rows; all of them: movedesk report --csv --table %s",
			maxViewRows, all, t.Name))
	}
	for _, row := range rows {
		vr := tui.ReportRow{Cells: cells(row)}
		if caseCol >= 0 {
			vr.Case, _ = row[caseCol].(string)
		}
		out.Rows = append(out.Rows, vr)
	}
	if total != nil && len(t.Rows) > 0 {
		out.Rows = append(out.Rows, tui.ReportRow{Cells: cells(total), Total: true})
	}
	return out
}

// keyColumns counts the leading text columns of t: the grouping fields
// (and the step of timeliness) that name a row.
func keyColumns(t reports.Table) int {
	n := 0
	for n < len(t.Columns) && t.Columns[n].Kind == reports.Text {
		n++
	}
	return n
}

// chartOf draws the first table's rows as bars of the report's measure.
func chartOf(name string, by []string, t reports.Table) tui.ReportChart {
	cc := chartColumn[name]
	col, target := -1, -1
	for i, c := range t.Columns {
		switch c.Name {
		case cc.col:
			col = i
		case "target_days":
			target = i
		}
	}
	ch := tui.ReportChart{Title: cc.title + " by " + strings.Join(by, ", ")}
	if name == "timeliness" {
		ch.Title += " (! over target)"
	}
	if col < 0 {
		return ch
	}
	nk := keyColumns(t)
	for _, row := range t.Rows {
		var label []string
		for _, v := range row[:nk] {
			s, _ := v.(string)
			if s == "" {
				s = "-"
			}
			label = append(label, s)
		}
		b := tui.ReportBar{Label: strings.Join(label, " · ")}
		switch v := row[col].(type) {
		case int64:
			b.Value, b.Text = float64(v), booking.USD(v)
		case int:
			b.Value, b.Text = float64(v), fmt.Sprint(v)
		case float64:
			b.Value, b.Text = v, fmt.Sprintf("%.1f d", v)
			if target >= 0 {
				if tg, ok := row[target].(int); ok && tg > 0 && v > float64(tg) {
					b.Warn = true
				}
			}
		default:
			b.Text = "-"
		}
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

// sparkOf is the measure per month of report r (grouped by month), for
// the sparkline. Months without a value count zero.
func sparkOf(name string, r reports.Report) tui.ReportSpark {
	t := r.Tables()[0]
	cc := chartColumn[name]
	col, step := slices.IndexFunc(t.Columns, func(c reports.Column) bool { return c.Name == cc.col }),
		slices.IndexFunc(t.Columns, func(c reports.Column) bool { return c.Name == "step" })
	if col < 0 {
		return tui.ReportSpark{}
	}
	sum := map[string]float64{}
	var months []string
	for _, row := range t.Rows {
		m, _ := row[0].(string)
		if m == "" || (step >= 0 && row[step] != "total") {
			continue
		}
		switch v := row[col].(type) {
		case int64:
			sum[m] += float64(v)
		case int:
			sum[m] += float64(v)
		case float64:
			sum[m] += v
		}
		months = append(months, m)
	}
	if len(months) < 2 {
		return tui.ReportSpark{}
	}
	slices.Sort(months)
	first, last := months[0], months[len(months)-1]
	s := tui.ReportSpark{Title: "per month", First: first, Last: last}
	if name == "timeliness" {
		s.Title = "total days per month"
	}
	top := 0.0
	for d := booking.MustDate(first + "-01"); reports.Month(d) <= last; d = booking.DateOf(d.Time().AddDate(0, 1, 0)) {
		v := sum[reports.Month(d)]
		s.Values = append(s.Values, v)
		top = max(top, v)
	}
	switch name {
	case "costs", "loans":
		s.Max = booking.USD(int64(top))
	case "timeliness":
		s.Max = fmt.Sprintf("%.1f d", top)
	default:
		s.Max = fmt.Sprint(int(top))
	}
	return s
}

// RowCases implements tui.ReportSource: the kept cases that
// make row row of table table. A total row is every case of the table. The
// quality summary's rows are matched with its findings (duplicates are
// found across cases); the others by making the report of each case alone
// and looking for the row's key among its rows.
func (sr *storeReports) RowCases(name string, p tui.ReportParams, table, row int) ([]string, error) {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	defer roomForReport()()
	rp, err := sr.params(name, p)
	if err != nil {
		return nil, err
	}
	cases, r, err := sr.loaded(name, rp, false)
	if err != nil {
		return nil, err
	}
	switch {
	case r != nil:
	case name == "quality" && sr.quality != nil:
		r, err = sr.quality.GroupBy(rp.By)
	case fineReports[name] && sr.fine != nil:
		r, err = regroupFine(sr.fine, rp.By)
	default:
		r, err = sr.build(name, rp, cases)
	}
	if err != nil {
		return nil, err
	}
	tables := r.Tables()
	if table < 0 || table >= len(tables) {
		return nil, fmt.Errorf("the %s report has no table %d", name, table+1)
	}
	t := tables[table]
	nk := keyColumns(t)
	var want []any // nil: the total row, any row
	if row < len(t.Rows) {
		want = t.Rows[row][:nk]
	}
	match := func(rows [][]any) bool {
		for _, rw := range rows {
			if want == nil || slices.Equal(rw[:nk], want) {
				return true
			}
		}
		return false
	}
	seen := map[string]bool{}
	if q, ok := r.(*reports.QualityReport); ok && table == 0 {
		for _, f := range q.Findings {
			vals := map[string]string{"check": f.Check, "office": f.Office, "programme": f.Programme, "assignee": f.Assignee}
			g := make([]any, len(q.By))
			for i, b := range q.By {
				g[i] = vals[b]
			}
			if match([][]any{g}) {
				seen[f.Case] = true
			}
		}
	} else {
		var berr error
		consider := func(c keptCase) {
			one, err := sr.build(name, rp, []keptCase{c})
			if err != nil {
				berr = err
				return
			}
			if ts := one.Tables(); table < len(ts) && match(ts[table].Rows) {
				seen[c.x.Number] = true
			}
		}
		if fineReports[name] {
			// Its cases are not kept (it regroups alone): read them again.
			nb, err := reports.New(name, reports.Params{Today: rp.Today, NoLists: true})
			if err != nil {
				return nil, err
			}
			if err := addCases(sr.s, nb, reports.NeedOf(name), func(x *reports.CaseFacts, f *booking.CaseFile) {
				if berr == nil && reports.Counts(name, rp, x) {
					consider(keptCase{x, f})
				}
			}); err != nil {
				return nil, err
			}
		}
		for _, c := range cases {
			consider(c)
		}
		if berr != nil {
			return nil, berr
		}
	}
	out := make([]string, 0, len(seen))
	for no := range seen {
		out = append(out, no)
	}
	slices.Sort(out)
	return out, nil
}
