package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"movedesk/booking"
)

// fakeReports is a ReportSource with canned reports; it records the
// params it was asked for and counts rereads.
type fakeReports struct {
	mu    sync.Mutex
	asked []ReportParams
	names []string
	reads int
}

var fakeFields = map[string][]string{
	"costs": {"programme", "office", "carrier", "route", "month", "pax"}, "timeliness": {"office", "programme", "month", "assignee"},
	"quality": {"check", "office", "programme", "assignee"}, "loans": {"programme", "office", "month"},
	"permits": {"authority", "country", "reason"}, "workload": {"assignee", "status", "age"},
}

func (f *fakeReports) Report(name string, p ReportParams) (ReportView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, p)
	f.names = append(f.names, name)
	if p.Reload || len(f.asked) == 1 {
		f.reads++
	}
	by := p.By
	if by == nil {
		by = fakeFields[name][:1]
	}
	v := ReportView{Name: name, Fields: fakeFields[name], By: by, Office: p.Office, Programme: p.Programme, Cases: 412}
	num := func(n string) ReportColumn { return ReportColumn{Name: n, Numeric: true} }
	txt := func(n string) ReportColumn { return ReportColumn{Name: n} }
	switch name {
	case "costs":
		groups := []string{"AU-HUM", "CA-GAR", "USRAP\x1b[31m", "UK-RSS"}
		if by[0] == "month" {
			groups = []string{"2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"}
		}
		t := ReportTable{Title: "Costs of active bookings by " + by[0],
			Columns: []ReportColumn{txt(by[0]), num("cases"), num("travellers"), num("total_usd"), num("avg_usd"), txt("rates"), txt("fares_from")}}
		v.Chart.Title = "Costs in USD by " + by[0]
		var tot int64
		for i, g := range groups {
			c := int64(1200000 + i*731113)
			tot += c
			t.Rows = append(t.Rows, ReportRow{Cells: []string{g, fmt.Sprint(10 + i), fmt.Sprint(31 + 3*i), usd2(c), usd2(c / int64(31+3*i)), "EUR 1.08; EUR 1.1", "booking,abn"}})
			v.Chart.Bars = append(v.Chart.Bars, ReportBar{Label: g, Value: float64(c), Text: usd(c)})
		}
		t.Rows = append(t.Rows, ReportRow{Cells: []string{"total", "", "", usd2(tot)}, Total: true})
		t.Notes = []string{"total: " + usd(tot)}
		v.Tables = []ReportTable{t, {Title: "Escort seats by " + by[0], Columns: []ReportColumn{txt(by[0]), num("cases"), num("seats"), num("total_usd")}}}
		v.Spark = ReportSpark{Title: "per month", Values: []float64{3, 5, 2, 8, 9, 4, 0, 7, 6, 10, 12}, First: "2026-01", Last: "2026-11", Max: "USD 120,000.00"}
	case "timeliness":
		t := ReportTable{Title: "Days per step by office", Columns: []ReportColumn{txt("office"), txt("step"), num("cases"), num("median_days"),
			num("p90_days"), num("target_days"), num("over_target"), num("over_pct")}}
		v.Chart.Title = "Median days per step by office (! over target)"
		for i, s := range []string{"documents", "travel-ready", "booked", "abn-sent", "departed", "total"} {
			med, target := float64(5+i*7), 10+i*5
			if s == "total" {
				med, target = 127, 120
			}
			t.Rows = append(t.Rows, ReportRow{Cells: []string{"RBA", s, "40", fmt.Sprintf("%.1f", med), fmt.Sprint(int(med) + 9), fmt.Sprint(target), "7", "17.5"}})
			v.Chart.Bars = append(v.Chart.Bars, ReportBar{Label: "RBA · " + s, Value: med, Text: fmt.Sprintf("%.1f d", med), Warn: med > float64(target)})
		}
		late := ReportTable{Title: "Cases over target", Columns: []ReportColumn{txt("case"), txt("step"), num("days")}}
		late.Rows = []ReportRow{{Cells: []string{"RBA-2026-000101", "booked", "31"}, Case: "RBA-2026-000101"}}
		v.Tables = []ReportTable{t, late}
		v.Spark = ReportSpark{Title: "total days per month", Values: []float64{120, 130, 125, 140}, First: "2026-08", Last: "2026-11", Max: "140.0"}
	case "quality":
		t := ReportTable{Title: "Data-quality findings by check", Columns: []ReportColumn{txt("check"), num("findings"), num("cases")}}
		v.Chart.Title = "Findings by check"
		for i, c := range []string{"biodata-missing", "document-expiry", "duplicate-traveller", "gate-open", "ssr-no-note"} {
			t.Rows = append(t.Rows, ReportRow{Cells: []string{c, fmt.Sprint(3 + i*4), fmt.Sprint(2 + i)}})
			v.Chart.Bars = append(v.Chart.Bars, ReportBar{Label: c, Value: float64(3 + i*4), Text: fmt.Sprint(3 + i*4)})
		}
		ft := ReportTable{Title: "Findings (open each by its case)", Columns: []ReportColumn{txt("check"), txt("case"), txt("office"), txt("programme"),
			txt("assignee"), txt("status"), num("traveller"), txt("detail")}}
		for i := range 30 {
			no := fmt.Sprintf("RBA-2026-%06d", 100+i)
			ft.Rows = append(ft.Rows, ReportRow{Cells: []string{"document-expiry", no, "RBA", "USRAP", "amina.idrissi", "booked", "2",
				"passport N0654321 expires 2026-12-20, 10 days after the departure on 2026-12-10\nsecond line"}, Case: no})
		}
		v.Tables = []ReportTable{t, ft}
	default:
		v.Tables = []ReportTable{{Title: name, Columns: []ReportColumn{txt(by[0]), num("cases")}}}
		v.Chart.Title = name
	}
	return v, nil
}

func usd2(c int64) string { return strings.TrimPrefix(usd(c), "USD ") }

func (f *fakeReports) RowCases(name string, p ReportParams, table, row int) ([]string, error) {
	switch {
	case name == "costs" && row == 0:
		return []string{"RBA-2026-000101", "RBA-2026-000104", "RBA-2026-000107"}, nil
	case name == "costs" && row == 1:
		return []string{"RBA-2026-000102"}, nil
	}
	return nil, errors.New("no cases known")
}

func newReportModel(t *testing.T) (*Model, *fakeReports) {
	t.Helper()
	fr := &fakeReports{}
	st, _ := DefaultStyles("dark", true)
	m, err := New(Options{Source: fixture(20), Reports: fr, User: "amina.idrissi", Office: "RBA", Keys: DefaultKeyMap(), Styles: st, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	send(t, m, teaSize(80, 24))
	return m, fr
}

func TestReportScreenGolden(t *testing.T) {
	m, fr := newReportModel(t)
	keys(t, m, "R")
	if got := m.top().Title(); got != "Reports: costs" {
		t.Fatalf("R opened %q", got)
	}
	golden(t, "report_costs", m)
	p := fr.asked[0]
	if p.From != booking.MustDate("2025-12-01") || p.To != booking.MustDate("2026-11-30") || p.By != nil {
		t.Fatalf("first load asked %+v", p)
	}
	keys(t, m, "b", "b", "b", "b") // programme → office → carrier → route → month
	if got := fr.asked[len(fr.asked)-1].By; !slices.Equal(got, []string{"month"}) {
		t.Fatalf("grouping %v", got)
	}
	golden(t, "report_costs_month", m)
	if fr.reads != 1 {
		t.Fatalf("regrouping asked for a reread (%d reads)", fr.reads)
	}

	keys(t, m, ":")
	typeText(t, m, "report timeliness")
	keys(t, m, "enter")
	golden(t, "report_timeliness", m)

	keys(t, m, "tab", "tab", "tab") // permits, workload, quality
	if got := m.top().Title(); got != "Reports: quality" {
		t.Fatalf("tab went to %q", got)
	}
	golden(t, "report_quality", m)
	keys(t, m, "v", "j", "j")
	golden(t, "report_quality_findings", m)
	keys(t, m, "enter")
	if got := m.top().Title(); got != "RBA-2026-000102" {
		t.Fatalf("enter on a finding opened %q", got)
	}
}

func TestReportPeriodKeys(t *testing.T) {
	m, fr := newReportModel(t)
	send(t, m, ReportMsg{Name: "costs"})
	last := func() (string, string) {
		p := fr.asked[len(fr.asked)-1]
		return p.From.String(), p.To.String()
	}
	for _, c := range []struct {
		key, from, to string
	}{
		{"[", "2024-12-01", "2025-11-30"},
		{"]", "2025-12-01", "2026-11-30"},
		{"t", "", ""},                     // all dates
		{"t", "2026-11-01", "2026-11-30"}, // this month
		{"]", "2026-12-01", "2026-12-31"},
		{"t", "2026-10-01", "2026-10-31"}, // last month
		{"[", "2026-09-01", "2026-09-30"},
		{"t", "2026-01-01", "2026-12-31"}, // this year
		{"[", "2025-01-01", "2025-12-31"},
	} {
		keys(t, m, c.key)
		if f, to := last(); f != c.from || to != c.to {
			t.Errorf("after %s: %s..%s, want %s..%s", c.key, f, to, c.from, c.to)
		}
	}
	keys(t, m, "o")
	if got := fr.asked[len(fr.asked)-1].Office; got != "RBA" {
		t.Errorf("office filter %q", got)
	}
	keys(t, m, "p", "p")
	if got := fr.asked[len(fr.asked)-1].Programme; got != "CA-GAR" {
		t.Errorf("programme filter %q", got)
	}
	keys(t, m, "ctrl+r")
	if !fr.asked[len(fr.asked)-1].Reload {
		t.Error("ctrl+r did not reread")
	}
}

func TestReportRowOpensCases(t *testing.T) {
	m, _ := newReportModel(t)
	send(t, m, ReportMsg{Name: "costs"})
	keys(t, m, "enter")
	if got := m.top().Title(); got != "Queue: costs: AU-HUM" {
		t.Fatalf("enter opened %q", got)
	}
	if s, n := m.top().(Counter).Counts(); s != 3 || n != 3 {
		t.Fatalf("queue of %d/%d cases", s, n)
	}
	keys(t, m, "esc", "q") // esc clears nothing in a queue; q goes back
	if got := m.top().Title(); got != "Reports: costs" {
		t.Fatalf("back at %q", got)
	}
	keys(t, m, "j", "enter")
	if got := m.top().Title(); got != "RBA-2026-000102" {
		t.Fatalf("one case opened %q", got)
	}
}

// Every key the Reports screen's help shows does something, and the screen
// stays within the terminal down to the minimum size.
func TestReportHelpAndSizes(t *testing.T) {
	setup := func() *Model {
		m, _ := newReportModel(t)
		send(t, m, ReportMsg{Name: "quality"})
		keys(t, m, "v", "j")
		return m
	}
	m := setup()
	for _, g := range m.top().KeyMap().FullHelp() {
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			for _, k := range b.Keys() {
				if k == "ctrl+r" {
					continue // rereads the same data
				}
				m := setup()
				before := screen(m)
				if keys(t, m, k) {
					continue
				}
				if screen(m) == before {
					t.Errorf("key %q (%s) shown in help changed nothing", k, b.Help().Desc)
				}
			}
		}
	}
	keys(t, m, "?")
	if !strings.Contains(screen(m), "group by") {
		t.Errorf("help lacks the report keys:\n%s", screen(m))
	}
	for _, sz := range [][2]int{{60, 16}, {80, 24}, {120, 40}, {59, 20}} {
		m := setup()
		send(t, m, teaSize(sz[0], sz[1]))
		for _, l := range strings.Split(screen(m), "\n") {
			if len([]rune(l)) > sz[0] {
				t.Errorf("%dx%d: line wider than the terminal: %q", sz[0], sz[1], l)
			}
		}
		if sz[0] < MinWidth && !strings.Contains(screen(m), "Terminal too small") {
			t.Errorf("%dx%d: not too small", sz[0], sz[1])
		}
	}
}
