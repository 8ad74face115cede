package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
	"movedesk/config"
	"movedesk/reports"
	"movedesk/store"
	"movedesk/tariffs"
	"movedesk/tui"
)

// TestTUIReportCostsMatchesCLI opens :report costs over a small demo store,
// all dates, and checks the table's total row against `report costs
// --json`; regrouping keeps the case files read; enter on the total opens
// its cases as a queue.
func TestTUIReportCostsMatchesCLI(t *testing.T) {
	dir := demoStore(t, "60")
	code, out, e := cli(t, "report", "costs", "--json", "--data", dir, "--today", "2026-11-22")
	if code != 0 {
		t.Fatalf("report: %d %s", code, e)
	}
	var want struct {
		Total struct {
			Cases    int   `json:"cases"`
			TotalUSD int64 `json:"total_usd_cents"`
		} `json:"total"`
	}
	if err := json.Unmarshal([]byte(out), &want); err != nil {
		t.Fatal(err)
	}
	if want.Total.TotalUSD == 0 {
		t.Fatal("the demo store has no costs: the test proves nothing")
	}

	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	cfg := &config.Config{User: "tester", Theme: "dark", NoColor: true, Rules: tariffs.DefaultRules()}
	opts, err := tuiOptions(&app{cfg: cfg, now: func() time.Time { return now }}, s)
	if err != nil {
		t.Fatal(err)
	}
	opts.Changes = nil
	m, err := tui.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, tea.Key{Code: ':', Text: ":"})
	typeKeys(t, m, "report costs")
	press(t, m, kEnter)
	typeKeys(t, m, "t") // last 12 months → all dates
	f := frame(m)
	if !strings.Contains(f, "all dates · by programme") {
		t.Fatalf("not the costs report over all dates:\n%s", f)
	}
	total := ""
	for _, l := range strings.Split(f, "\n") {
		if fs := strings.Fields(l); len(fs) >= 4 && fs[0] == "total" {
			total = fs[3] // total, cases, travellers, total_usd
		}
	}
	if w := strings.TrimPrefix(booking.USD(want.Total.TotalUSD), "USD "); total != w {
		t.Fatalf("the app's total %q, the CLI's %q:\n%s", total, w, f)
	}

	sr := opts.Reports.(*storeReports)
	kept := sr.cases[0].x
	typeKeys(t, m, "b")
	if !strings.Contains(frame(m), "by office") || sr.cases[0].x != kept {
		t.Fatalf("regrouping reread the store or did not regroup:\n%s", frame(m))
	}
	typeKeys(t, m, "G")
	press(t, m, kEnter)
	if f := frame(m); !strings.Contains(f, "Queue: costs: total") {
		t.Fatalf("enter on the total did not open its cases:\n%s", f)
	}
	if n := want.Total.Cases; !strings.Contains(frame(m), fmt.Sprintf(" %d/%d ", n, n)) {
		t.Fatalf("the queue should hold the %d cases of the total:\n%s", n, frame(m))
	}
}

// reportApp builds the app over the store in MOVEDESK_BENCH_DATA (a 100k
// demo store) with ":report name" typed, judged on the demo's day
// (MOVEDESK_BENCH_TODAY, default 2026-11-22); nil when the variable is not
// set.
func reportApp(b testing.TB, s *store.Store, name string) tea.Model {
	b.Helper()
	return reportAppOn(b, s, name, booking.MustDate(cmp.Or(os.Getenv("MOVEDESK_BENCH_TODAY"), "2026-11-22")))
}

// reportAppOn is reportApp judged on day.
func reportAppOn(b testing.TB, s *store.Store, name string, day booking.Date) tea.Model {
	b.Helper()
	now := day.Time().Add(10 * time.Hour)
	// The programmes of the default configuration, as the app loads it:
	// the gate kept in the report rows was judged under them.
	cfg := &config.Config{User: "bench", Theme: "dark", NoColor: true, Rules: tariffs.DefaultRules(), Programmes: booking.Programmes}
	opts, err := tuiOptions(&app{cfg: cfg, now: func() time.Time { return now }}, s)
	if err != nil {
		b.Fatal(err)
	}
	opts.Changes = nil
	m, err := tui.New(opts)
	if err != nil {
		b.Fatal(err)
	}
	drive(b, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(b, m, tea.Key{Code: ':', Text: ":"})
	typeKeys(b, m, "report "+name)
	return m
}

func benchStore(b *testing.B) *store.Store {
	dir := os.Getenv("MOVEDESK_BENCH_DATA")
	if dir == "" {
		b.Skip("MOVEDESK_BENCH_DATA not set")
	}
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	// As in the app (runTUI).
	lim := debug.SetMemoryLimit(tuiMemoryLimit)
	b.Cleanup(func() { debug.SetMemoryLimit(lim) })
	return s
}

// BenchmarkTUIReportFirstFrame100k: enter on ":report NAME" to the first
// frame of the Reports screen with the report drawn (last 12 months, the
// default grouping), the store read afresh, over a 100k-case store, under
// the app's soft memory limit (target 300 ms or less).
func BenchmarkTUIReportFirstFrame100k(b *testing.B) { reportFirstFrames(b, benchStore(b)) }

// BenchmarkTUIReportFirstFrameEncrypted100k: the same over a store
// encrypted by passphrase, as a desk's is by default (MOVEDESK_BENCH_ENC_DATA,
// made by `movedesk demo`, else one is made for this run), signed in as a
// demo user.
func BenchmarkTUIReportFirstFrameEncrypted100k(b *testing.B) {
	s, err := store.Open(encStore100k(b), store.Options{ReadOnly: true, Codec: encCodec100k(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	lim := debug.SetMemoryLimit(tuiMemoryLimit)
	b.Cleanup(func() { debug.SetMemoryLimit(lim) })
	reportFirstFrames(b, s)
}

func reportFirstFrames(b *testing.B, s *store.Store) {
	for _, name := range reports.Names {
		b.Run(name, func(b *testing.B) {
			peak := 0
			for b.Loop() {
				b.StopTimer()
				lowerReportRoom() // as a second after the last report
				m := reportApp(b, s, name)
				runtime.GC()
				resetPeakRSS()
				b.StartTimer()
				press(b, m, kEnter)
				if f := frame(m); !strings.Contains(f, "by ") {
					b.Fatalf("no report:\n%s", f)
				}
				peak = max(peak, peakRSS())
			}
			if peak > 0 {
				b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
			}
		})
	}
}

// BenchmarkTUIReportRegroup100k: b (the next grouping) on the Reports
// screen to its frame over a 100k-case store (target 100 ms or less).
func BenchmarkTUIReportRegroup100k(b *testing.B) {
	s := benchStore(b)
	for _, name := range reports.Names {
		b.Run(name, func(b *testing.B) {
			m := reportApp(b, s, name)
			press(b, m, kEnter)
			for b.Loop() {
				typeKeys(b, m, "b")
				_ = frame(m)
			}
		})
	}
}

// A change of grouping on the Reports screen makes only the groups from
// the cases kept and keeps the lists drawn: the view is the one a fresh
// read with that grouping makes, for every report and grouping field.
func TestTUIReportRegroupMatchesFreshRead(t *testing.T) {
	kept, fresh := demoReports(t)
	for _, name := range reports.Names {
		if _, err := kept.Report(name, tui.ReportParams{}); err != nil {
			t.Fatal(err)
		}
		read := reflect.ValueOf(kept.lists).Pointer() // a new map on each read
		valid, _ := reports.Fields(name)
		for _, by := range append([][]string{valid}, splitFields(valid)...) {
			got, err := kept.Report(name, tui.ReportParams{By: by})
			if err != nil {
				t.Fatal(err)
			}
			if reflect.ValueOf(kept.lists).Pointer() != read {
				t.Fatalf("%s by %v read the store again", name, by)
			}
			want, err := fresh().Report(name, tui.ReportParams{By: by})
			if err != nil {
				t.Fatal(err)
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			if string(gj) != string(wj) {
				t.Errorf("%s by %v:\nregrouped %.1500s\n    fresh %.1500s", name, by, gj, wj)
			}
		}
	}
}

func splitFields(fs []string) [][]string {
	out := make([][]string, len(fs))
	for i, f := range fs {
		out[i] = []string{f}
	}
	return out
}

// resetPeakRSS starts this process's peak resident size afresh (Linux;
// elsewhere peakRSS reports 0).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS returns the peak resident size since resetPeakRSS, in bytes.
func peakRSS() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return kb << 10
		}
	}
	return 0
}

// enter on a timeliness or loans row opens the cases that make it: as
// many as the row counts (these reports keep no cases, so they are read
// again), for every row, the total too, under two groupings.
func TestTUIReportFineRowCases(t *testing.T) {
	sr, _ := demoReports(t)
	for _, name := range []string{"timeliness", "loans"} {
		for _, by := range [][]string{nil, {"programme", "month"}} {
			p := tui.ReportParams{By: by}
			v, err := sr.Report(name, p)
			if err != nil {
				t.Fatal(err)
			}
			if len(sr.cases) != 0 {
				t.Fatalf("%s: %d cases kept", name, len(sr.cases))
			}
			tb := v.Tables[0]
			col := slices.IndexFunc(tb.Columns, func(c tui.ReportColumn) bool { return c.Name == "cases" })
			if len(tb.Rows) < 3 || col < 0 {
				t.Fatalf("%s by %v: %d rows, cases column %d", name, by, len(tb.Rows), col)
			}
			for i, row := range tb.Rows {
				got, err := sr.RowCases(name, p, 0, i)
				if err != nil {
					t.Fatal(err)
				}
				if want, _ := strconv.Atoi(row.Cells[col]); len(got) != want {
					t.Errorf("%s by %v row %v: %d cases, the row counts %d", name, by, row.Cells, len(got), want)
				}
			}
		}
	}
}

// demoReports returns the Reports screen's source over a 200-case demo
// store (on 2026-11-22), and a maker of fresh ones over the same store.
func demoReports(t *testing.T) (*storeReports, func() *storeReports) {
	t.Helper()
	s, err := store.Open(demoStore(t, "200"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	a := &app{cfg: &config.Config{User: "tester", Rules: tariffs.DefaultRules()}, now: func() time.Time { return now }}
	d, err := a.newDesk(s)
	if err != nil {
		t.Fatal(err)
	}
	fresh := func() *storeReports { return &storeReports{a: a, s: s, d: d} }
	return fresh(), fresh
}
