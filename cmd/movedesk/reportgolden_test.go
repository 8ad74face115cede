package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"

	"movedesk/booking"
	"movedesk/reports"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestReportScreenGoldens draws each report's first frame (its chart,
// sparkline and table) at 80x24 without colour over a 300-case demo store,
// as the app reads it, and compares it with testdata/report_NAME.golden
// (go test ./cmd/movedesk -run TestReportScreenGoldens -update rewrites
// them). The tui package's goldens draw canned reports; these draw the real
// ones.
func TestReportScreenGoldens(t *testing.T) {
	dir := demoStore(t, "300")
	s := openReadOnly(t, dir)
	for _, name := range reports.Names {
		t.Run(name, func(t *testing.T) {
			m := reportAppOn(t, s, name, booking.MustDate("2026-11-22"))
			press(t, m, kEnter)
			got := frame(m)
			lines := strings.Split(got, "\n")
			if len(lines) != 24 {
				t.Errorf("%d lines, not 24", len(lines))
			}
			for i, l := range lines {
				if w := lipgloss.Width(l); w > 80 {
					t.Errorf("line %d is %d cells wide", i+1, w)
				}
			}
			if !strings.Contains(got, "█") {
				t.Errorf("no bar chart:\n%s", got)
			}
			path := filepath.Join("testdata", "report_"+name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./cmd/movedesk -run TestReportScreenGoldens -update)", err)
			}
			if string(want) != got {
				t.Errorf("differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}
