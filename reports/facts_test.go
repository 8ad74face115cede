package reports_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/reports"
	"movedesk/reports/reportstest"
)

// Every case of the fixture: its facts survive the binary form unchanged.
func TestFactsRoundTrip(t *testing.T) {
	files := fixtureFiles(t)
	var reused reports.CaseFacts // decoding reuses lists: nothing may leak from one case to the next
	for _, f := range files {
		x := reports.Facts(f)
		b, err := x.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := reused.UnmarshalBinary(b); err != nil {
			t.Fatalf("%s: %v", f.Case.Number, err)
		}
		if !reflect.DeepEqual(x, reused) {
			t.Fatalf("%s:\n got %+v\nwant %+v", f.Case.Number, reused, x)
		}
	}
}

// A value with every field set (none left zero, so a field the binary form
// forgets fails) comes back whole; a short or foreign one is refused.
func TestFactsBinaryEveryField(t *testing.T) {
	d := booking.MustDate
	x := reports.CaseFacts{Number: "RBA-2026-000001", Office: "RBA", Programme: "USRAP", Assignee: "amal", Status: booking.StatusBooked,
		Received: d("2026-01-02"), Departure: d("2026-12-24"), Travellers: 2,
		Milestones: reports.Milestones{Received: d("2026-01-02"), Documents: d("2026-02-03"), TravelReady: d("2026-03-04"),
			Booked: d("2026-04-05"), ABNSent: d("2026-05-06"), Departed: d("2026-06-07")},
		People: []reports.PersonFacts{{Member: 1, Name: "HADDAD, Amal", BirthDate: d("1931-07-08"), Dup: 1 << 63, NoteBy: "ben",
			NoteOn: d("2026-11-01"), Signed: true}},
		Bookings: []reports.BookingFacts{{ID: "b1", BookedOn: d("2026-04-05"), Members: []int{1, 2}, Departure: d("2026-12-24"),
			Carriers: "AT/AA", Route: "RBA-JFK", TotalUSD: -5, Source: reports.SourceABN,
			Fares: []reports.FareFacts{{Traveller: 1, Escort: 2, PaxType: booking.CHD, USDCents: 123456, Currency: "EUR", RateUSDMicros: 1_080_000}}}},
		ABN:      "v2 not sent",
		Permits:  []reports.PermitFacts{{Authority: "DGSN", Country: "MAR", ReasonCode: "R1", Status: "denied", Submitted: d("2026-02-01"), Decided: d("2026-03-01")}},
		Findings: []reports.FactFinding{{Check: "pax-type", Traveller: 2, Detail: "priced as INF\x1b"}},
		Docs:     []reports.DocFacts{{Member: 1, Description: "passport P1", Expiry: d("2027-01-01")}},
		Gate:     reports.GateFacts{Stamp: 1<<64 - 1, Items: []booking.GateItem{{Code: "custody", Traveller: 2, Message: "no custody record"}}, Loaded: true},
	}
	assertAllSet(t, reflect.ValueOf(x), "CaseFacts")
	b, err := x.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	var got reports.CaseFacts
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	// The gate items are kept apart from the row, the stamp in it.
	items := x.Gate.Items
	x.Gate.Items, x.Gate.Loaded = nil, false
	if !reflect.DeepEqual(got, x) {
		t.Fatalf("\n got %+v\nwant %+v", got, x)
	}
	if err := got.LoadGateItems(reports.AppendGateItems(nil, items)); err != nil || !got.Gate.Loaded || !reflect.DeepEqual(got.Gate.Items, items) {
		t.Fatalf("gate items: %v %+v", err, got.Gate)
	}
	gb := reports.AppendGateItems(nil, items)
	for n := range len(gb) {
		if err := got.LoadGateItems(gb[:n]); err == nil && n > 0 {
			t.Fatalf("%d of %d bytes of gate items decoded without error", n, len(gb))
		}
	}
	for n := range len(b) {
		if err := got.UnmarshalBinary(b[:n]); err == nil {
			t.Fatalf("%d of %d bytes decoded without error", n, len(b))
		}
	}
	b[0] = reports.FactsVersion + 1
	if err := got.UnmarshalBinary(b); !errors.Is(err, reports.ErrFactsVersion) {
		t.Fatalf("another version: %v", err)
	}
}

func assertAllSet(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(booking.Date{}) {
			if v.Interface().(booking.Date).IsZero() {
				t.Errorf("%s is zero: the test does not cover it", path)
			}
			return
		}
		for i := range v.NumField() {
			assertAllSet(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Slice:
		if v.Len() == 0 {
			t.Errorf("%s is empty: the test does not cover it", path)
		}
		for i := range v.Len() {
			assertAllSet(t, v.Index(i), path)
		}
	default:
		if v.IsZero() {
			t.Errorf("%s is zero: the test does not cover it", path)
		}
	}
}

// Reports made from facts (and the whole file only where a report asks
// for it) equal those made from whole case files, under several periods,
// groupings and filters.
func TestReportsFromFactsMatchFiles(t *testing.T) {
	files := fixtureFiles(t)
	gates := 0
	for _, name := range reports.Names {
		valid, _ := reports.Fields(name)
		params := []reports.Params{{}, {From: d("2026-08-15")}, {To: d("2026-08-31")}, {Office: "KLT"}, {Programme: "USRAP"},
			{Today: d("2026-08-09")}, {By: valid}}
		for _, by := range valid {
			params = append(params, reports.Params{By: []string{by}})
		}
		for _, p := range params {
			if p.Today.IsZero() {
				p.Today = reportstest.Today
			}
			want, err := reports.Run(name, p, reports.Slice(files))
			if err != nil {
				t.Fatal(err)
			}
			// Only the cases Counts keeps, with only what For keeps of
			// them, make the same report.
			kept, _ := reports.New(name, p)
			strs := reports.Strings{}
			for _, f := range files {
				if x := reports.Facts(f); reports.Counts(name, p, &x) {
					if !kept.AddFacts(x.For(name, strs)) {
						kept.AddFile(&x, f)
					}
				}
			}
			if kj, wj := mustJSON(kept.Report()), mustJSON(want); kj != wj {
				t.Errorf("%s %+v, counted cases only:\n%s\n%s", name, p, kj, wj)
			}
			b, _ := reports.New(name, p)
			asked := 0
			for _, f := range files {
				x := reports.Facts(f)
				bin, _ := x.AppendBinary(nil)
				var y reports.CaseFacts
				if err := y.UnmarshalBinary(bin); err != nil {
					t.Fatal(err)
				}
				if !b.AddFacts(&y) {
					asked++
					b.AddFile(&y, f)
				}
			}
			if name != "quality" && asked > 0 {
				t.Errorf("%s asked for %d case files", name, asked)
			}
			if name == "quality" {
				gates += asked
			}
			wj, _ := json.Marshal(want)
			gj, _ := json.Marshal(b.Report())
			if string(wj) != string(gj) {
				t.Errorf("%s %+v:\nfacts %s\nfiles %s", name, p, gj, wj)
			}
			// Decoding only the parts the report reads makes the same
			// report (one decoder for every row, as the store uses it).
			part, _ := reports.New(name, p)
			dc := reports.Decoder{Skip: reports.NeedAll &^ reports.NeedOf(name)}
			var y reports.CaseFacts
			for _, f := range files {
				x := reports.Facts(f)
				bin, _ := x.AppendBinary(nil)
				if err := dc.Decode(&y, bin); err != nil {
					t.Fatal(err)
				}
				if !part.AddFacts(&y) {
					part.AddFile(&y, f)
				}
			}
			if pj, _ := json.Marshal(part.Report()); string(pj) != string(wj) {
				t.Errorf("%s %+v, decoding only %b:\n%s\n%s", name, p, reports.NeedOf(name), pj, wj)
			}
		}
	}
	if gates == 0 {
		t.Error("the quality report never asked for a case file: the gate path is not tested")
	}
}

// NoLists leaves the groups as they are and the lists of cases empty.
func TestNoListsKeepsGroups(t *testing.T) {
	files := fixtureFiles(t)
	for _, name := range reports.Names {
		p := reports.Params{Today: reportstest.Today}
		full, err := reports.Run(name, p, reports.Slice(files))
		if err != nil {
			t.Fatal(err)
		}
		p.NoLists = true
		short, err := reports.Run(name, p, reports.Slice(files))
		if err != nil {
			t.Fatal(err)
		}
		ft, st := full.Tables(), short.Tables()
		fj, _ := json.Marshal(ft[0])
		sj, _ := json.Marshal(st[0])
		if string(fj) != string(sj) {
			t.Errorf("%s groups:\n%s\n%s", name, sj, fj)
		}
		for i := 1; i < len(st); i++ {
			lists := map[string]bool{"loans-cases": true, "loans-adults": true, "timeliness-late": true, "workload-waiting": true, "workload-abns": true}
			if lists[st[i].Name] && len(st[i].Rows) != 0 {
				t.Errorf("%s: %d rows with NoLists", st[i].Name, len(st[i].Rows))
			}
			if lists[st[i].Name] && len(ft[i].Rows) == 0 {
				t.Errorf("%s: the fixture lists nothing, the test proves nothing", ft[i].Name)
			}
		}
	}
}

// Regrouping a quality report's findings is the report made with that
// grouping.
func TestQualityGroupBy(t *testing.T) {
	files := fixtureFiles(t)
	base, err := reports.Run("quality", reports.Params{Today: reportstest.Today}, reports.Slice(files))
	if err != nil {
		t.Fatal(err)
	}
	for _, by := range [][]string{{"office"}, {"assignee", "check"}, {"programme", "office", "assignee", "check"}} {
		want, _ := reports.Run("quality", reports.Params{Today: reportstest.Today, By: by}, reports.Slice(files))
		got, err := base.(*reports.QualityReport).GroupBy(by)
		if err != nil {
			t.Fatal(err)
		}
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(got)
		if string(wj) != string(gj) {
			t.Errorf("by %v:\n got %s\nwant %s", by, gj, wj)
		}
	}
	if _, err := base.(*reports.QualityReport).GroupBy([]string{"carrier"}); err == nil {
		t.Error("grouping by carrier accepted")
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ListLimit keeps the first rows of each list in its order, says how many
// there are, and leaves the groups alone.
func TestListLimit(t *testing.T) {
	files := fixtureFiles(t)
	for _, name := range []string{"loans", "timeliness"} {
		p := reports.Params{Today: reportstest.Today}
		full, _ := reports.Run(name, p, reports.Slice(files))
		p.ListLimit = 1
		short, _ := reports.Run(name, p, reports.Slice(files))
		ft, st := full.Tables(), short.Tables()
		if mustJSON(ft[0]) != mustJSON(st[0]) {
			t.Errorf("%s: the groups changed", name)
		}
		for i := 1; i < len(ft); i++ {
			if len(ft[i].Rows) < 2 {
				t.Fatalf("%s: the fixture lists %d rows, the test proves nothing", ft[i].Name, len(ft[i].Rows))
			}
			if len(st[i].Rows) != 1 || mustJSON(st[i].Rows[0]) != mustJSON(ft[i].Rows[0]) {
				t.Errorf("%s: %v, want the first of %v", st[i].Name, st[i].Rows, ft[i].Rows)
			}
			if n := st[i].Notes[len(st[i].Notes)-1]; !strings.Contains(n, "the first 1") {
				t.Errorf("%s: no note of the rows left out: %q", st[i].Name, st[i].Notes)
			}
		}
	}
}

// A timeliness or loans report grouped by every field regroups to what a
// report read with that grouping holds (timeliness: medians and 90th
// percentiles of the merged days); the lists and totals do not change.
func TestRegroupAlone(t *testing.T) {
	files := fixtureFiles(t)
	regroup := func(r reports.Report, by []string) (reports.Report, error) {
		switch r := r.(type) {
		case *reports.TimelinessReport:
			return r.GroupBy(by)
		case *reports.LoansReport:
			return r.GroupBy(by)
		}
		return nil, nil
	}
	rows := func(r reports.Report) int {
		switch r := r.(type) {
		case *reports.TimelinessReport:
			return len(r.Rows)
		case *reports.LoansReport:
			return len(r.Rows)
		}
		return 0
	}
	for _, name := range []string{"timeliness", "loans"} {
		valid, _ := reports.Fields(name)
		for _, p := range []reports.Params{{Today: reportstest.Today}, {Today: reportstest.Today, Office: "KLT"}, {Today: d("2026-08-09")}} {
			fine := p
			fine.By = valid
			base, err := reports.Run(name, fine, reports.Slice(files))
			if err != nil {
				t.Fatal(err)
			}
			bys := [][]string{nil, {"month"}, {"office", "programme"}, slices.Clone(valid)}
			slices.Reverse(bys[len(bys)-1])
			for _, by := range valid {
				bys = append(bys, []string{by})
			}
			for _, by := range bys {
				q := p
				q.By = by
				want, _ := reports.Run(name, q, reports.Slice(files))
				got, err := regroup(base, by)
				if err != nil {
					t.Fatal(err)
				}
				wj, _ := json.Marshal(want)
				gj, _ := json.Marshal(got)
				if string(wj) != string(gj) {
					t.Errorf("%s %+v by %v:\n got %s\nwant %s", name, p, by, gj, wj)
				}
				if rows(want) == 0 {
					t.Errorf("%s %+v by %v: no rows: the test proves nothing", name, p, by)
				}
			}
		}
		base, _ := reports.Run(name, reports.Params{Today: reportstest.Today, By: []string{"office"}}, reports.Slice(files))
		if _, err := regroup(base, []string{"month"}); err == nil {
			t.Errorf("a %s report grouped by office regrouped by month", name)
		}
		if _, err := regroup(base, []string{"carrier"}); err == nil {
			t.Errorf("%s: grouping by carrier accepted", name)
		}
	}
}

// BenchmarkDecodeRow: one report row decoded as each report reads it (the
// fixture's cases in turn, one decoder as the store uses it).
func BenchmarkDecodeRow(b *testing.B) {
	var rows [][]byte
	for _, f := range fixtureFiles(b) {
		x := reports.Facts(f)
		bin, _ := x.AppendBinary(nil)
		rows = append(rows, bin)
	}
	for _, name := range reports.Names {
		b.Run(name, func(b *testing.B) {
			dc := reports.Decoder{Skip: reports.NeedAll &^ reports.NeedOf(name)}
			var x reports.CaseFacts
			i := 0
			for b.Loop() {
				if err := dc.Decode(&x, rows[i%len(rows)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
