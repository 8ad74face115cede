package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
	"movedesk/config"
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
