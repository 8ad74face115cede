package desk

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/demo"
	"movedesk/dupes"
	"movedesk/store"
)

// TestDuplicatesFollowTheStore: the check sees a traveller entered in
// another case at once, and a change of birth date takes the match away.
func TestDuplicatesFollowTheStore(t *testing.T) {
	fx := newFixture(t)
	typed := booking.Traveller{FamilyName: "El-Haddad", GivenNames: "Umar", BirthDate: booking.MustDate("1980-05-05")}
	ms, err := fx.d.FindDuplicates(typed, nil, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Other.Case != fx.no || ms[0].Reason != "name ~ and same birth date" {
		t.Fatalf("matches %+v, want %s traveller 1 (name ~ and same birth date)", ms, fx.no)
	}
	// The same traveller typed in the case itself is no duplicate.
	typed.Case = fx.no
	if ms, _ := fx.d.FindDuplicates(typed, nil, 5); len(ms) != 0 {
		t.Fatalf("a traveller matches its own case: %+v", ms)
	}

	no, err := fx.d.NewCase("amina", "RBA", booking.Case{Programme: "USRAP"},
		booking.Traveller{FamilyName: "Haddad", GivenNames: "Omar", BirthDate: booking.MustDate("1980-05-05")})
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := fx.d.DuplicatePairs("")
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 1 || pairs[0].B.Case != no || pairs[0].Reason != "same name and birth date" {
		t.Fatalf("pairs after a new case: %+v", pairs)
	}
	if err := fx.d.SetFields("amina", no, []store.Assignment{{Path: "traveller.1.birth_date", Value: "1981-05-05"}}); err != nil {
		t.Fatal(err)
	}
	if pairs, _ := fx.d.DuplicatePairs(""); len(pairs) != 0 {
		t.Fatalf("pairs after the birth date changed: %+v", pairs)
	}
	// A document number is enough on its own.
	if err := fx.d.SetFields("amina", fx.no, []store.Assignment{{Path: "traveller.1.document.p1.number", Value: "N0001234"}}); err != nil {
		t.Fatal(err)
	}
	if err := fx.d.SetFields("amina", no, []store.Assignment{{Path: "traveller.1.document.p1.type", Value: "passport"},
		{Path: "traveller.1.document.p1.number", Value: "n 0001-234"}}); err != nil {
		t.Fatal(err)
	}
	if pairs, _ := fx.d.DuplicatePairs(no); len(pairs) != 1 || pairs[0].Reason != "same passport number" || pairs[0].A.Case != no {
		t.Fatalf("pairs of %s after the same passport number: %+v", no, pairs)
	}
	if _, err := fx.d.DuplicatePairs("NOPE-1"); err == nil {
		t.Error("pairs of a case that does not exist: no error")
	}
}

// TestImportWarnsOfDuplicates: an imported traveller who likely duplicates
// a traveller of another case is imported and named in the result.
func TestImportWarnsOfDuplicates(t *testing.T) {
	fx := newFixture(t)
	in := strings.Join([]string{
		`{"key":"RBA-2026-000900","record":{"number":"RBA-2026-000900","programme":"USRAP","office":"RBA","status":"received","priority":3}}`,
		`{"key":"RBA-2026-000900/traveller/01","record":{"case":"RBA-2026-000900","member":1,"principal":true,"family_name":"HADDAD","given_names":"Omar","birth_date":"1980-05-05"}}`,
		`{"key":"RBA-2026-000900/traveller/02","record":{"case":"RBA-2026-000900","member":2,"family_name":"Haddad","given_names":"Sara","birth_date":"2010-01-01"}}`,
	}, "\n")
	res, err := fx.d.Import("setup", strings.NewReader(in), false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 3 || len(res.Duplicates) != 1 {
		t.Fatalf("import result %+v, want 3 records and one duplicate", res)
	}
	dp := res.Duplicates[0]
	if dp.Traveller.Case != "RBA-2026-000900" || dp.Traveller.Member != 1 || dp.Match.Other.Case != fx.no || dp.Match.Reason != "same name and birth date" {
		t.Errorf("duplicate %+v", dp)
	}
	// A line that changes something else of that traveller warns no more.
	res, err = fx.d.Import("setup", strings.NewReader(`{"key":"RBA-2026-000900/traveller/01","record":{"sex":"M"}}`), false)
	if err != nil || len(res.Duplicates) != 0 {
		t.Errorf("second import: %+v %v", res, err)
	}
}

// pairLines are the index's pairs as comparable lines.
func pairLines(ix *dupes.Index) []string {
	var out []string
	for _, p := range ix.Pairs("") {
		out = append(out, fmt.Sprintf("%s/%d %s/%d %d %s", p.A.Case, p.A.Member, p.B.Case, p.B.Member, p.Score, p.Reason))
	}
	return out
}

// findLines are what the index finds for each of ps typed in a new case:
// each finds itself at least.
func findLines(ix *dupes.Index, ps []dupes.Person) []string {
	var out []string
	for _, p := range ps {
		p.Case = ""
		for _, m := range ix.Find(p, 0) {
			out = append(out, fmt.Sprintf("%s/%d %s/%d %d %s", p.Case, p.Member, m.Other.Case, m.Other.Member, m.Score, m.Reason))
		}
	}
	return out
}

// indexFromRecords is the index made from the travellers and documents
// of the case files, not the identity rows, with those people.
func indexFromRecords(t *testing.T, s *store.Store) (*dupes.Index, []dupes.Person) {
	t.Helper()
	b := dupes.NewBuilder(0)
	var ps []dupes.Person
	if err := s.View(func(tx *store.Tx) error {
		return tx.IdentitiesFromRecords(func(id *store.Identity) error {
			p := dupes.Person{Case: id.Case, Member: id.Member, Family: string(id.Family), Given: string(id.Given), Birth: id.Birth}
			for _, d := range id.Docs {
				p.Docs = append(p.Docs, dupes.Doc{Type: d.Type, Number: string(d.Number)})
			}
			b.Add(&p)
			ps = append(ps, p)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return b.Index(), ps
}

// indexFromRows is the index as a new session builds it.
func indexFromRows(t *testing.T, s *store.Store) *dupes.Index {
	t.Helper()
	var ix *dupes.Index
	if err := s.View(func(tx *store.Tx) (err error) {
		ix, err = buildIndex(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestDuplicateIndexFromRowsFollowsEdits: the index a session builds from
// the identity rows finds what one built from the case files finds, after
// edits, a merge from another desk and an import; the session's own index,
// kept up to date from the log, finds a duplicate right after the edit
// that makes it, and agrees with both.
func TestDuplicateIndexFromRowsFollowsEdits(t *testing.T) {
	fx := newFixture(t)
	if err := demo.Generate(demo.Options{Cases: 60, Seed: 7, Office: "RBA", Today: booking.MustDate("2026-11-22")}, func(recs []booking.Record) error {
		return fx.s.PutRecords("demo", recs...)
	}); err != nil {
		t.Fatal(err)
	}
	same := func(when string, live *dupes.Index) []string {
		t.Helper()
		byRecs, ps := indexFromRecords(t, fx.s)
		byRows := indexFromRows(t, fx.s)
		if len(ps) < 100 || byRows.Len() != len(ps) || live.Len() != len(ps) {
			t.Fatalf("%s: %d travellers, indexed %d from the rows, %d in the session", when, len(ps), byRows.Len(), live.Len())
		}
		for what, lines := range map[string]func(*dupes.Index) []string{"pairs": pairLines, "finds": func(ix *dupes.Index) []string { return findLines(ix, ps) }} {
			rows, recs, got := lines(byRows), lines(byRecs), lines(live)
			if !slices.Equal(rows, recs) {
				t.Fatalf("%s, %s: from the identity rows\n%s\nfrom the records\n%s", when, what, strings.Join(rows, "\n"), strings.Join(recs, "\n"))
			}
			if !slices.Equal(got, rows) {
				t.Fatalf("%s, %s: the session's index\n%s\na new build\n%s", when, what, strings.Join(got, "\n"), strings.Join(rows, "\n"))
			}
			if what == "finds" && len(rows) < len(ps) {
				t.Fatalf("%s: %d finds for %d travellers: each should find itself", when, len(rows), len(ps))
			}
		}
		return pairLines(byRows)
	}
	live, err := fx.d.duplicates()
	if err != nil {
		t.Fatal(err)
	}
	before := same("at the start", live)
	f, err := fx.s.CaseFile("RBA-2026-000005")
	if err != nil {
		t.Fatal(err)
	}
	other := f.Travellers[0]

	// An edit makes fx.no's principal a transliteration of another case's
	// traveller: the next check in this session finds it.
	if err := fx.d.SetFields("amina", fx.no, []store.Assignment{{Path: "traveller.1.family_name", Value: "El " + other.FamilyName},
		{Path: "traveller.1.given_names", Value: other.GivenNames}, {Path: "traveller.1.birth_date", Value: other.BirthDate.String()}}); err != nil {
		t.Fatal(err)
	}
	typed := booking.Traveller{Case: fx.no, Member: 1, FamilyName: "El " + other.FamilyName, GivenNames: other.GivenNames, BirthDate: other.BirthDate}
	ms, err := fx.d.FindDuplicates(typed, nil, 0)
	if err != nil || !slices.ContainsFunc(ms, func(m dupes.Match) bool { return m.Other.Case == other.Case && m.Other.Member == other.Member }) {
		t.Fatalf("right after the edit, matches %+v %v: want %s/%d", ms, err, other.Case, other.Member)
	}
	after := same("after the edit", live)
	if len(after) <= len(before) {
		t.Fatalf("the edit added no pair: %d then %d", len(before), len(after))
	}

	// A document number merged from another desk.
	doc, _ := change.ToObject([]byte(`{"case":"RBA-2026-000009","member":1,"id":"m1","type":"passport","number":"Z99887766"}`))
	op := change.Op{Desk: "RBA-9", Seq: 1, Actor: "lina", HLC: change.MakeHLC(time.Now().UnixMilli(), 0), Kind: booking.KindDocument,
		Key: booking.DocumentKey("RBA-2026-000009", 1, "m1"), Fields: doc}
	if err := fx.s.Update("sync", func(tx *store.Tx) error {
		_, err := tx.Merge([]change.Op{op}, store.MergeOptions{Seen: func(uint64, *change.Op) bool { return false }})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// An import of a case whose principal has that number.
	in := `{"key":"RBA-2026-000901","record":{"number":"RBA-2026-000901","programme":"USRAP","office":"RBA","status":"received","priority":3}}` + "\n" +
		`{"key":"RBA-2026-000901/traveller/01","record":{"case":"RBA-2026-000901","member":1,"principal":true,"family_name":"Someone","given_names":"Else","birth_date":"1999-09-09"}}` + "\n" +
		`{"key":"RBA-2026-000901/document/01/p1","record":{"case":"RBA-2026-000901","member":1,"id":"p1","type":"passport","number":"z-9988-7766"}}` + "\n"
	res, err := fx.d.Import("karim", strings.NewReader(in), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Duplicates) != 1 || res.Duplicates[0].Match.Other.Case != "RBA-2026-000009" || res.Duplicates[0].Match.Reason != "same passport number" {
		t.Fatalf("import duplicates %+v", res.Duplicates)
	}
	if got := same("after a merge and an import", live); !slices.ContainsFunc(got, func(l string) bool {
		return strings.HasPrefix(l, "RBA-2026-000009/1 RBA-2026-000901/1 100 ")
	}) {
		t.Fatalf("no pair of the merged and imported passport: %q", got)
	}
}
