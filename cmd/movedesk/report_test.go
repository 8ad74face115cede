package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/config"
	"movedesk/reports"
	"movedesk/reports/reportstest"
	"movedesk/store"
	"movedesk/tariffs"
)

// reportStore restores the hand-made report fixture into a store in a temp
// data directory.
func reportStore(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	s, err := store.Open(dir, store.Options{Desk: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Restore("tester", reportstest.Records()...); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReportText(t *testing.T) {
	dir := reportStore(t)
	code, out, e := cli(t, "report", "costs", "--data", dir, "--today", "2026-11-22")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	for _, want := range []string{
		"costs report: all dates; every office; as of 2026-11-22",
		"  programme cases travellers total_usd avg_usd rates             fares_from",
		"  CA-GAR        1          2    600.01  300.01 -                 split",
		"  USRAP         2          5  4,880.00  976.00 EUR 1.08; EUR 1.1 abn,booking",
		"left out: 1 case cancelled after booking (USD 500.00 booked)",
		"Escort seats by programme",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	// The quality report reads the whole file of a case departing within
	// the gate window, and the gate judges it.
	code, out, _ = cli(t, "report", "quality", "--csv", "--table", "quality-findings", "--data", dir, "--today", "2026-11-22")
	if code != 0 || !strings.Contains(out, "gate-open,KLT-2026-000002,KLT,CA-GAR,petra,booked,2,\"departs 2026-11-25: travel bag lacks travel document") {
		t.Fatalf("quality gate: %d\n%s", code, out)
	}
	// No data in the period: the tables say so, exit 0.
	code, out, _ = cli(t, "report", "loans", "--data", dir, "--today", "2026-11-22", "--from", "2025-01", "--to", "2025-12")
	if code != 0 || !strings.Contains(out, "loans report: 2025-01-01 to 2025-12-31") || !strings.Contains(out, "(nothing in the period)") {
		t.Fatalf("empty period: %d\n%s", code, out)
	}
}

// The CLI reads only the kinds each report needs, in parallel; its JSON must
// be the report made from whole case files.
func TestReportJSONMatchesWholeFiles(t *testing.T) {
	dir := reportStore(t)
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var files []*booking.CaseFile
	rows, _ := s.AllRows()
	for _, r := range rows {
		f, err := s.CaseFile(r.Number)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	s.Close()
	for _, name := range reports.Names {
		for _, args := range [][]string{nil, {"--from", "2026-08-15"}, {"--office", "KLT"}} {
			p := reports.Params{Today: reportstest.Today, Config: reports.DefaultConfig()}
			if len(args) > 0 && args[0] == "--from" {
				p.From = booking.MustDate(args[1])
			}
			if len(args) > 0 && args[0] == "--office" {
				p.Office = args[1]
			}
			if name == "quality" {
				p.Gate = func(*booking.CaseFile) []booking.GateItem { return nil }
			}
			want, err := reports.Run(name, p, reports.Slice(files))
			if err != nil {
				t.Fatal(err)
			}
			code, out, e := cli(t, append([]string{"report", name, "--json", "--data", dir, "--today", "2026-11-22"}, args...)...)
			if code != 0 {
				t.Fatalf("%s %v: exit %d %s", name, args, code, e)
			}
			var got, exp map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, out)
			}
			b, _ := json.Marshal(want)
			json.Unmarshal(b, &exp)
			if name == "quality" {
				// The CLI judges the gate with the quote engine; compare the rest.
				got["findings"], exp["findings"], got["rows"], exp["rows"] = dropGate(got["findings"]), dropGate(exp["findings"]), nil, nil
			}
			gb, _ := json.Marshal(got)
			eb, _ := json.Marshal(exp)
			if !bytes.Equal(gb, eb) {
				t.Errorf("%s %v:\n cli %s\nwant %s", name, args, gb, eb)
			}
		}
	}
}

func dropGate(v any) any {
	var out []any
	for _, f := range v.([]any) {
		if f.(map[string]any)["check"] != "gate-open" {
			out = append(out, f)
		}
	}
	return out
}

func TestReportCSV(t *testing.T) {
	dir := reportStore(t)
	code, out, e := cli(t, "report", "timeliness", "--csv", "--table", "timeliness-late", "--data", dir, "--today", "2026-11-22")
	if code != 0 {
		t.Fatalf("exit %d %s", code, e)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "case,office,programme,assignee,status,step,from,to,days,target_days" || len(recs) != 4 ||
		strings.Join(recs[2], ",") != "RBA-2026-000002,RBA,USRAP,amina,departed,abn-sent,2026-07-25,2026-08-01,7,5" {
		t.Fatalf("csv %q", recs)
	}
	code, out, _ = cli(t, "report", "costs", "--csv", "--data", dir, "--today", "2026-11-22", "--by", "programme,pax")
	if code != 0 || !strings.Contains(out, "USRAP,INF,1,1,540.00,540.00,EUR 1.08,booking\n") {
		t.Fatalf("costs csv: %s", out)
	}
}

func TestReportErrors(t *testing.T) {
	dir := reportStore(t)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"report", "costs", "--by", "colour"}, 1, `cannot be grouped by "colour" (valid: programme, office, carrier, route, month, pax)`},
		{[]string{"report", "permits", "--from", "2026-09-01", "--to", "2026-08-01"}, 1, "the period is reversed"},
		{[]string{"report", "costs", "--programme", "nope"}, 1, `unknown programme "nope" (known: USRAP, CA-GAR`},
		{[]string{"report", "costs", "--table", "nope"}, 1, "no table \"nope\" (tables: costs, costs-escorts)"},
		{[]string{"report", "costs", "--from", "yesterday"}, 2, "--from"},
		{[]string{"report", "costs", "--csv", "--json"}, 2, "choose one of"},
		{[]string{"report", "sales"}, 2, "unknown command"},
		{[]string{"report"}, 2, "needs a subcommand"},
	} {
		code, _, e := cli(t, append(c.args, "--data", dir)...)
		if code != c.code || !strings.Contains(e, c.msg) {
			t.Errorf("%v: exit %d (%q), want %d with %q", c.args, code, e, c.code, c.msg)
		}
	}
	// A desk's configured office is the default filter; --office picks another.
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(cfg, []byte("office: RBA\n"), 0o600)
	code, out, _ := cli(t, "report", "costs", "--config", cfg, "--data", dir, "--today", "2026-11-22")
	if code != 0 || strings.Contains(out, "CA-GAR") || !strings.Contains(out, "office RBA") {
		t.Fatalf("desk office: %d %s", code, out)
	}
	code, out, _ = cli(t, "report", "costs", "--config", cfg, "--office", "KLT", "--programme", "ca-gar", "--data", dir, "--today", "2026-11-22")
	if code != 0 || strings.Contains(out, "USRAP") || !strings.Contains(out, "office KLT, programme CA-GAR") {
		t.Fatalf("other office: %d %s", code, out)
	}
}

func TestReportXLSX(t *testing.T) {
	dir := reportStore(t)
	file := filepath.Join(t.TempDir(), "loans.xlsx")
	code, out, e := cli(t, "report", "loans", "--xlsx", file, "--data", dir, "--today", "2026-11-22")
	if code != 0 || !strings.Contains(out, "wrote the loans report to") {
		t.Fatalf("exit %d %s %s", code, out, e)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v %v", fi.Mode(), err)
	}
	x, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "loans,loans-cases,loans-adults" {
		t.Fatalf("sheets %s", got)
	}
	cell := func(sheet, ref string) (string, excelize.CellType) {
		v, err := x.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		typ, _ := x.GetCellType(sheet, ref)
		return v, typ
	}
	// Header row, then USRAP 2026-08: 2 cases, 5 travellers, 4 adults,
	// USD 4,880.00 as a number.
	for ref, want := range map[string]string{"A1": "programme", "F1": "loan_usd", "A3": "USRAP", "B3": "2026-08", "C3": "2", "E3": "4", "F3": "4880"} {
		if v, _ := cell("loans", ref); v != want {
			t.Errorf("loans!%s = %q, want %q", ref, v, want)
		}
	}
	if _, typ := cell("loans", "F3"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("loan_usd is text (%v), want a number", typ)
	}
	if v, _ := x.GetCellValue("loans", "F3"); v != "4,880.00" {
		t.Errorf("loan_usd shows %q", v)
	}
	// Dates are real dates: 2026-11-25 is Excel day 46351.
	if v, _ := cell("loans-cases", "E2"); v != "46351" {
		rows, _ := x.GetRows("loans-cases")
		t.Errorf("departure raw %q (rows %q)", v, rows[:2])
	}
	if v, _ := x.GetCellValue("loans-cases", "E2"); v != "2026-11-25" {
		t.Errorf("departure shows %q", v)
	}
	// The adult who turned 18 on the departure day signed their note.
	rows, _ := x.GetRows("loans-adults")
	var found bool
	for _, r := range rows {
		found = found || len(r) > 9 && r[0] == "RBA-2026-000001" && r[4] == "3" && r[7] == "18" && r[9] == "signed"
	}
	if !found {
		t.Errorf("member 3 not listed as a signed adult: %q", rows)
	}
}

// TestHubReport: the hub's reports span every office, from its store when
// the hub is stopped and from a copy it hands over while it runs.
func TestHubReport(t *testing.T) {
	hubDir := reportStore(t)
	code, out, e := cli(t, "hub", "report", "workload", "--by", "office", "--data", hubDir, "--today", "2026-11-22")
	if code != 0 || !strings.Contains(out, "every office") || !strings.Contains(out, "  KLT        1          2") ||
		!strings.Contains(out, "  SAL        1          1") {
		t.Fatalf("stopped hub: %d %s %s", code, out, e)
	}
	// A hub office config does not narrow the hub's reports.
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(cfg, []byte("office: RBA\n"), 0o600)

	h := openHub(t, hubDir)
	done := make(chan struct{})
	watched := make(chan struct{})
	go func() { h.Background(done, 50*time.Millisecond); close(watched) }()
	defer func() { close(done); <-watched }()
	code, out, e = cli(t, "hub", "report", "permits", "--json", "--config", cfg, "--data", hubDir, "--today", "2026-11-22")
	if code != 0 || !strings.Contains(e, "reporting from a copy") {
		t.Fatalf("running hub: %d %s %s", code, out, e)
	}
	var r reports.PermitsReport
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Total.Applications != 2 || r.Office != "" {
		t.Fatalf("running hub report %+v %v", r, err)
	}
	if ids, _ := central.PendingPublications(hubDir); len(ids) != 0 {
		t.Fatalf("requests left queued: %v", ids)
	}
}

// On a demo store, every report the CLI makes from the store's report rows
// (and the case files the quality report's gate asks for) is the report
// made from whole case files, the gate judged the same way, under several
// periods, groupings and filters.
func TestReportFromRowsMatchesWholeFilesDemo(t *testing.T) {
	dir := demoStore(t, "300")
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var files []*booking.CaseFile
	rows, _ := s.AllRows()
	for _, r := range rows {
		f, err := s.CaseFile(r.Number)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	cfg := &config.Config{Rules: tariffs.DefaultRules(), Programmes: booking.Programmes}
	dk, err := (&app{cfg: cfg}).newDesk(s)
	if err != nil {
		t.Fatal(err)
	}
	gate := func(cf *booking.CaseFile) []booking.GateItem { return cf.GateWith(dk.GateInput(cf)) }
	gates := 0
	for _, name := range reports.Names {
		valid, _ := reports.Fields(name)
		for _, args := range [][]string{nil, {"--from", "2026-10"}, {"--to", "2026-06-30"}, {"--office", "KLT"},
			{"--by", strings.Join(valid, ",")}, {"--by", valid[len(valid)-1]}} {
			p := reports.Params{Today: reportstest.Today, Config: reports.DefaultConfig(), Gate: gate}
			switch {
			case len(args) == 0:
			case args[0] == "--from":
				p.From = booking.MustDate("2026-10-01")
			case args[0] == "--to":
				p.To = booking.MustDate(args[1])
			case args[0] == "--office":
				p.Office = args[1]
			case args[0] == "--by":
				p.By = strings.Split(args[1], ",")
			}
			want, err := reports.Run(name, p, reports.Slice(files))
			if err != nil {
				t.Fatal(err)
			}
			code, out, e := cli(t, append([]string{"report", name, "--json", "--data", dir, "--today", "2026-11-22"}, args...)...)
			if code != 0 {
				t.Fatalf("%s %v: exit %d %s", name, args, code, e)
			}
			var got, exp any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, out)
			}
			b, _ := json.Marshal(want)
			json.Unmarshal(b, &exp)
			gb, _ := json.Marshal(got)
			eb, _ := json.Marshal(exp)
			if !bytes.Equal(gb, eb) {
				t.Errorf("%s %v:\n rows  %.2000s\nfiles %.2000s", name, args, gb, eb)
			}
			if q, ok := want.(*reports.QualityReport); ok {
				for _, f := range q.Findings {
					if f.Check == "gate-open" {
						gates++
					}
				}
			}
		}
	}
	s.Close()
	if gates == 0 {
		t.Error("no gate findings in the demo store: the gate path is not compared")
	}
}
