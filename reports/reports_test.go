package reports_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/reports"
	"movedesk/reports/reportstest"
	"movedesk/store"
)

// fixtureFiles restores the hand-made cases into a real temp store and
// reads them back as case files.
func fixtureFiles(t testing.TB) []*booking.CaseFile {
	t.Helper()
	s, err := store.Open(t.TempDir(), store.Options{Desk: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Restore("tester", reportstest.Records()...); err != nil {
		t.Fatal(err)
	}
	rows, err := s.AllRows()
	if err != nil {
		t.Fatal(err)
	}
	var out []*booking.CaseFile
	for _, r := range rows {
		f, err := s.CaseFile(r.Number)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

func run(t *testing.T, name string, p reports.Params) reports.Report {
	t.Helper()
	if p.Today.IsZero() {
		p.Today = reportstest.Today
	}
	r, err := reports.Run(name, p, reports.Slice(fixtureFiles(t)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func d(s string) booking.Date { return booking.MustDate(s) }

func TestCosts(t *testing.T) {
	r := run(t, "costs", reports.Params{}).(*reports.CostsReport)
	// USRAP: RBA-1 on the booking, 3 x EUR 1,000 and EUR 500 at 1.08; RBA-2
	// from its ABN, EUR 1,000 at 1.10. CA-GAR: KLT-2's USD 900.01 split over
	// two travellers and an escort seat (30001, 30000 | 30000). KLT-1 was
	// cancelled after booking.
	usrap := int64(3*1000*108 + 500*108 + 1000*110)
	want := []reports.CostRow{
		{Group: []string{"CA-GAR"}, Cases: 1, Travellers: 2, TotalUSD: 60001, AvgUSD: 30001, Sources: []string{"split"}},
		{Group: []string{"USRAP"}, Cases: 2, Travellers: 5, TotalUSD: usrap, AvgUSD: usrap / 5,
			Rates: []reports.RateUsed{{"EUR", 1_080_000}, {"EUR", 1_100_000}}, Sources: []string{"abn", "booking"}},
	}
	pub := func(rs []reports.CostRow) string {
		var out []string
		for _, r := range rs {
			out = append(out, fmt.Sprint(r.Group, r.Cases, r.Travellers, r.TotalUSD, r.AvgUSD, r.Rates, r.Sources))
		}
		return strings.Join(out, "\n")
	}
	if got := pub(r.Rows); got != pub(want) {
		t.Fatalf("rows\n got %s\nwant %s", got, pub(want))
	}
	if len(r.Escorts) != 1 || r.Escorts[0].TotalUSD != 30000 || r.Escorts[0].Travellers != 1 || r.EscortTotal.TotalUSD != 30000 {
		t.Fatalf("escorts %+v", r.Escorts)
	}
	if r.Total.TotalUSD != usrap+60001 || r.Total.Travellers != 7 || r.Total.Cases != 3 {
		t.Fatalf("total %+v", r.Total)
	}
	if r.CancelledCases != 1 || r.CancelledUSD != 50000 {
		t.Fatalf("cancelled %d %d", r.CancelledCases, r.CancelledUSD)
	}
	tab := r.Tables()[0]
	if tab.Rows[1][len(r.By)+4] != "EUR 1.08; EUR 1.1" {
		t.Fatalf("rates cell %v", tab.Rows[1])
	}

	// By programme and passenger type: the child priced INF stays INF.
	r = run(t, "costs", reports.Params{By: []string{"programme", "pax"}}).(*reports.CostsReport)
	got := map[string]int64{}
	for _, row := range r.Rows {
		got[strings.Join(row.Group, "/")] = row.TotalUSD
	}
	if fmt.Sprint(got) != fmt.Sprint(map[string]int64{"CA-GAR/ADT": 30001, "CA-GAR/INF": 30000, "USRAP/ADT": 3*108000 + 110000, "USRAP/INF": 54000}) {
		t.Fatalf("by pax %v", got)
	}

	// From 2026-08-15: RBA-1 (08-10) drops out; KLT-1 (08-15) is still a
	// cancelled case of the period.
	r = run(t, "costs", reports.Params{From: d("2026-08-15")}).(*reports.CostsReport)
	if r.Total.TotalUSD != 110000+60001 || r.CancelledCases != 1 {
		t.Fatalf("from 08-15: %+v cancelled %d", r.Total, r.CancelledCases)
	}
	// Nothing in 2025.
	r = run(t, "costs", reports.Params{From: d("2025-01-01"), To: d("2025-12-31")}).(*reports.CostsReport)
	if len(r.Rows) != 0 || len(r.Escorts) != 0 || r.Total.TotalUSD != 0 || r.CancelledCases != 0 {
		t.Fatalf("2025: %+v", r)
	}
	// Office filter.
	r = run(t, "costs", reports.Params{Office: "KLT"}).(*reports.CostsReport)
	if r.Total.TotalUSD != 60001 {
		t.Fatalf("KLT: %+v", r.Total)
	}
}

func TestLoans(t *testing.T) {
	r := run(t, "loans", reports.Params{}).(*reports.LoansReport)
	// RBA-1: adults 1, 2 and 3 (18 on the departure day); the child's
	// USD 540 is shared by the three: each owes 1,080 + 180.
	var shares []int64
	var notes []string
	for _, a := range r.Adults {
		if a.Case == "RBA-2026-000001" {
			shares = append(shares, a.ShareUSD)
			notes = append(notes, fmt.Sprintf("%d %s", a.Member, a.Note))
		}
	}
	if fmt.Sprint(shares) != "[126000 126000 126000]" || fmt.Sprint(notes) != "[1 signed 2 not signed 3 signed]" {
		t.Fatalf("RBA-1 adults %v %v", shares, notes)
	}
	adult := func(no string, m int) reports.LoanAdult {
		for _, a := range r.Adults {
			if a.Case == no && a.Member == m {
				return a
			}
		}
		t.Fatalf("no adult %s %d", no, m)
		return reports.LoanAdult{}
	}
	if a := adult("RBA-2026-000001", 3); a.Age != 18 || a.SignedOn != d("2026-08-02") {
		t.Fatalf("member 3 %+v", a)
	}
	want := []reports.LoanRow{
		{Group: []string{"CA-GAR", "2026-11"}, Cases: 1, Travellers: 2, Adults: 1, LoanUSD: 60001, NotesMissing: 1},
		{Group: []string{"USRAP", "2026-08"}, Cases: 2, Travellers: 5, Adults: 4, LoanUSD: 378000 + 110000, NotesSigned: 2, NotesMissing: 2},
	}
	if fmt.Sprintf("%+v", r.Rows) != fmt.Sprintf("%+v", want) {
		t.Fatalf("rows %+v", r.Rows)
	}
	if r.CancelledCases != 1 || len(r.Cases) != 3 {
		t.Fatalf("cases %d cancelled %d", len(r.Cases), r.CancelledCases)
	}
	// The KLT-2 adult carries the infant's fare too; the escort seat is no loan.
	if a := adult("KLT-2026-000002", 1); a.ShareUSD != 60001 {
		t.Fatalf("KLT-2 adult %+v", a)
	}

	// A USD 25 case item for USRAP: RBA-1's pool becomes 56,500 cents over
	// three adults, the first taking the odd cent.
	cfg := reports.DefaultConfig()
	cfg.LoanItems = map[string][]reports.LoanItem{"USRAP": {{Name: "Exam", Per: "case", USD: 25}}}
	r = run(t, "loans", reports.Params{Config: cfg, Programme: "USRAP", By: []string{"programme"}}).(*reports.LoansReport)
	shares = nil
	for _, a := range r.Adults[:3] {
		shares = append(shares, a.ShareUSD)
	}
	if fmt.Sprint(shares) != "[126834 126833 126833]" || r.Cases[0].ItemsUSD != 2500 || r.Rows[0].LoanUSD != 488000+5000 {
		t.Fatalf("with items %v %+v %+v", shares, r.Cases[0], r.Rows)
	}
	// The day before member 3's 18th birthday, they would be a minor.
	if reports.Adult(d("2008-08-10"), d("2026-08-09")) || !reports.Adult(d("2008-08-10"), d("2026-08-10")) {
		t.Fatal("18th birthday")
	}
}

func TestTimeliness(t *testing.T) {
	r := run(t, "timeliness", reports.Params{}).(*reports.TimelinessReport)
	type cell struct {
		n    int
		med  float64
		p90  int
		over int
	}
	got := map[string]cell{}
	for _, row := range r.Rows {
		got[row.Group[0]+" "+row.Step] = cell{row.Cases, *row.MedianDays, *row.P90Days, row.OverTarget}
	}
	// RBA-1: received 06-01, documents 06-30 (the permit decision), ready
	// 07-15, booked 07-20, ABN 07-22, departed 08-10. RBA-2: received 07-01,
	// no documents date, ready 07-20, booked 07-25, ABN 08-01, departed
	// 08-20. KLT-1: ready 07-01, booked 07-05. KLT-2: ready 10-01, booked 10-10.
	want := map[string]cell{
		"RBA documents": {1, 29, 29, 0}, "RBA travel-ready": {1, 15, 15, 0}, "RBA booked": {2, 5, 5, 0},
		"RBA abn-sent": {2, 4.5, 7, 1}, "RBA departed": {2, 19, 19, 0}, "RBA total": {2, 60, 70, 0},
		"KLT booked": {2, 6.5, 9, 0},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rows\n got %v\nwant %v", got, want)
	}
	var late []string
	for _, l := range r.Late {
		late = append(late, fmt.Sprintf("%s %s %d %s", l.Case, l.Step, l.Days, l.To))
	}
	// RBA-2's ABN took 7 days (target 5); KLT-2 waits for its ABN since
	// 10-10 (43 days); SAL-1 waits for a booking since 10-20 (33 > 21).
	if fmt.Sprint(late) != "[KLT-2026-000002 abn-sent 43  RBA-2026-000002 abn-sent 7 2026-08-01 SAL-2026-000001 booked 33 ]" {
		t.Fatalf("late %q", late)
	}
	// August only, by month: steps that ended in August.
	r = run(t, "timeliness", reports.Params{From: d("2026-08-01"), To: d("2026-08-31"), By: []string{"month"}}).(*reports.TimelinessReport)
	var steps []string
	for _, row := range r.Rows {
		steps = append(steps, fmt.Sprint(row.Group[0], " ", row.Step, " ", row.Cases))
	}
	if fmt.Sprint(steps) != "[2026-08 abn-sent 1 2026-08 departed 2 2026-08 total 2]" {
		t.Fatalf("august %v", steps)
	}
}

func TestPermits(t *testing.T) {
	r := run(t, "permits", reports.Params{}).(*reports.PermitsReport)
	if len(r.Rows) != 1 {
		t.Fatalf("rows %+v", r.Rows)
	}
	row := r.Rows[0]
	if row.Applications != 2 || row.Approved != 1 || row.Denied != 1 || row.DenialPct != 50 || *row.MedianApprovalDays != 20 || *row.P90ApprovalDays != 20 {
		t.Fatalf("row %+v", row)
	}
	if len(r.Denials) != 1 || r.Denials[0].Reason != "security" || r.Denials[0].Pct != 100 {
		t.Fatalf("denials %+v", r.Denials)
	}
	r = run(t, "permits", reports.Params{From: d("2026-07-01"), By: []string{"reason"}}).(*reports.PermitsReport)
	if len(r.Rows) != 1 || r.Rows[0].Group[0] != "security" || r.Rows[0].MedianApprovalDays != nil {
		t.Fatalf("from July %+v", r.Rows)
	}
}

func TestWorkload(t *testing.T) {
	r := run(t, "workload", reports.Params{}).(*reports.WorkloadReport)
	var rows []string
	for _, row := range r.Rows {
		rows = append(rows, fmt.Sprint(row.Group, row.Cases, row.Travellers, *row.OldestDays))
	}
	// Open: KLT-2 (booked, received 09-01: 82 days) and SAL-1 (travel-ready,
	// 10-01: 52 days).
	if fmt.Sprint(rows) != "[[carmen travel-ready] 1 1 52 [petra booked] 1 2 82]" {
		t.Fatalf("rows %v", rows)
	}
	if len(r.Waiting) != 2 || r.Waiting[0].Case != "KLT-2026-000002" || r.Waiting[0].AgeDays != 82 {
		t.Fatalf("waiting %+v", r.Waiting)
	}
	if len(r.Unsent) != 1 || r.Unsent[0].Case != "KLT-2026-000002" || r.Unsent[0].Days != 43 || r.Unsent[0].ABN != "none" {
		t.Fatalf("unsent %+v", r.Unsent)
	}
	r = run(t, "workload", reports.Params{By: []string{"age"}}).(*reports.WorkloadReport)
	if len(r.Rows) != 2 || r.Rows[0].Group[0] != "31-60" || r.Rows[1].Group[0] != "61-90" {
		t.Fatalf("by age %+v", r.Rows)
	}
}

func TestQuality(t *testing.T) {
	gate := func(f *booking.CaseFile) []booking.GateItem {
		return []booking.GateItem{{Code: "travel-bag", Message: "travel bag incomplete"}}
	}
	r := run(t, "quality", reports.Params{Gate: gate}).(*reports.QualityReport)
	var got []string
	for _, f := range r.Findings {
		got = append(got, fmt.Sprintf("%s %s %d", f.Check, f.Case, f.Traveller))
	}
	want := []string{
		"missing-biodata SAL-2026-000001 1",
		"inconsistent-biodata KLT-2026-000001 0",
		"pax-type RBA-2026-000001 4",
		"document-expired KLT-2026-000002 2",
		"document-expiring KLT-2026-000002 1",
		"gate-open KLT-2026-000002 0",
		"custody-order RBA-2026-000001 2",
		"duplicate-traveller RBA-2026-000001 1",
		"duplicate-traveller SAL-2026-000001 1",
		"ssr-no-counselling KLT-2026-000002 1",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("findings\n got %q\nwant %q", got, want)
	}
	if r.CasesChecked != 5 || len(r.Rows) != 9 {
		t.Fatalf("checked %d rows %+v", r.CasesChecked, r.Rows)
	}
	if f := r.Findings[7]; f.Detail != "same names and birth date as SAL-2026-000001 traveller 1" || f.Office != "RBA" {
		t.Fatalf("duplicate %+v", f)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		p    reports.Params
		msg  string
	}{
		{"costs", reports.Params{By: []string{"colour"}}, `cannot be grouped by "colour" (valid: programme, office, carrier, route, month, pax)`},
		{"costs", reports.Params{From: d("2026-09-01"), To: d("2026-08-01")}, "the period is reversed"},
		{"sales", reports.Params{}, `unknown report "sales"`},
		{"loans", reports.Params{By: []string{"month", "month"}}, "given twice"},
	} {
		c.p.Today = reportstest.Today
		_, err := reports.New(c.name, c.p)
		var e *booking.Error
		if err == nil || !strings.Contains(err.Error(), c.msg) || !errors.As(err, &e) || e.Code != booking.EINVALID {
			t.Errorf("%s %+v: %v, want %q", c.name, c.p, err, c.msg)
		}
	}
}

func TestStats(t *testing.T) {
	if m := reports.Median([]int{3, 1, 2}); m != 2 {
		t.Fatal(m)
	}
	if m := reports.Median([]int{4, 1, 2, 3}); m != 2.5 {
		t.Fatal(m)
	}
	// Nearest rank: of 1..10 the 9th, of 1..11 the 10th.
	if p := reports.P90([]int{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}); p != 9 {
		t.Fatal(p)
	}
	if p := reports.P90([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}); p != 10 {
		t.Fatal(p)
	}
	if reports.P90(nil) != -1 {
		t.Fatal("empty")
	}
}
