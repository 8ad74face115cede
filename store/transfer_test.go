package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"movedesk/booking"
)

const impNo = "RBA-2026-000001"

// importStore holds one travel-ready case with an assignee and a
// travel-ready date, as a desk made it.
func importStore(t *testing.T) *Store {
	t.Helper()
	s := openTemp(t)
	recs := sampleCase(impNo)
	c := recs[0].(*booking.Case)
	c.Assignee, c.TravelReady = "amina", booking.MustDate("2026-11-01")
	if err := s.PutRecords("amina", recs...); err != nil {
		t.Fatal(err)
	}
	return s
}

func importCase(t *testing.T, s *Store) booking.Case {
	t.Helper()
	f, err := s.CaseFile(impNo)
	if err != nil {
		t.Fatal(err)
	}
	return f.Case
}

// importFails imports in and returns the line errors, checking that
// nothing was written.
func importFails(t *testing.T, s *Store, in string, opt ImportOptions) []*ImportError {
	t.Helper()
	before, cases := s.LogLen(), mustCount(t, s)
	n, err := s.Import("karim", strings.NewReader(in), opt)
	var ie *ImportErrors
	if !errors.As(err, &ie) {
		t.Fatalf("import: %d %v, want line errors", n, err)
	}
	if s.LogLen() != before || mustCount(t, s) != cases {
		t.Fatalf("a failed import wrote: log %d -> %d, cases %d -> %d", before, s.LogLen(), cases, mustCount(t, s))
	}
	return ie.Errs
}

func mustCount(t *testing.T, s *Store) int {
	t.Helper()
	n, err := s.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportChangesOnlyTheNamedFields(t *testing.T) {
	s := importStore(t)
	in := `{"key":"` + impNo + `","record":{"notes":"call the sponsor","priority":1}}` + "\n" +
		`{"key":"` + impNo + `/traveller/01","record":{"given_names":"Omar Ali"}}` + "\n"
	if n, err := s.Import("karim", strings.NewReader(in), ImportOptions{}); err != nil || n != 2 {
		t.Fatalf("import: %d %v", n, err)
	}
	c := importCase(t, s)
	if c.Notes != "call the sponsor" || c.Priority != 1 || c.Assignee != "amina" || c.TravelReady.String() != "2026-11-01" ||
		c.Status != booking.StatusTravelReady || c.Programme != "USRAP" {
		t.Fatalf("case after import: %+v", c)
	}
	f, _ := s.CaseFile(impNo)
	if tr := f.Traveller(1); tr.GivenNames != "Omar Ali" || tr.FamilyName != "Haddad" || len(tr.SSR) != 1 {
		t.Fatalf("traveller after import: %+v", tr)
	}
	h, _ := s.History(impNo)
	last := h[len(h)-1]
	if last.Actor != "karim" || len(last.Fields) != 1 {
		t.Fatalf("the import logged %+v, want only the changed field", last)
	}
}

func TestImportStatusGoesThroughTheStateMachine(t *testing.T) {
	s := importStore(t)
	// A skip to departed is refused, and wipes nothing.
	errs := importFails(t, s, `{"key":"`+impNo+`","record":{"number":"`+impNo+`","status":"departed"}}`, ImportOptions{})
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "line 1 ("+impNo+"): field status: cannot move case "+impNo+" from travel-ready to departed") {
		t.Fatalf("departed: %v", errs)
	}
	if c := importCase(t, s); c.Status != booking.StatusTravelReady || c.Assignee != "amina" || c.TravelReady.IsZero() {
		t.Fatalf("case after a refused import: %+v", c)
	}
	// On hold needs a reason; with one it moves, recording where from.
	errs = importFails(t, s, `{"key":"`+impNo+`","record":{"status":"on-hold"}}`, ImportOptions{})
	if len(errs) != 1 || errs[0].Field != "reason" {
		t.Fatalf("hold without reason: %v", errs)
	}
	in := `{"key":"` + impNo + `","record":{"status":"on-hold","status_reason":"medical check pending"}}`
	if _, err := s.Import("karim", strings.NewReader(in), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if c := importCase(t, s); c.Status != booking.StatusOnHold || c.HeldFrom != booking.StatusTravelReady || c.StatusReason != "medical check pending" {
		t.Fatalf("after hold: %+v", c)
	}
}

func TestImportReadyToDepartNeedsTheGate(t *testing.T) {
	s := openTemp(t)
	recs := sampleCase(impNo)
	recs[0].(*booking.Case).Status = booking.StatusABNSent
	if err := s.Restore("amina", recs...); err != nil {
		t.Fatal(err)
	}
	errs := importFails(t, s, `{"key":"`+impNo+`","record":{"status":"ready-to-depart"}}`, ImportOptions{})
	if len(errs) != 1 || errs[0].Field != "status" || !strings.Contains(errs[0].Error(), "cannot be ready to depart") || !strings.Contains(errs[0].Error(), "no active booking") {
		t.Fatalf("ready-to-depart: %v", errs)
	}
}

func TestImportNewRecordsNeedTheirCase(t *testing.T) {
	s := importStore(t)
	other := "RBA-2026-000002"
	// A traveller of a case that exists nowhere is refused...
	errs := importFails(t, s, `{"key":"`+other+`/traveller/01","record":{"case":"`+other+`","member":1,"family_name":"Idrissi","birth_date":"1980-01-02"}}`, ImportOptions{})
	if len(errs) != 1 || errs[0].Error() != "line 1 ("+other+"/traveller/01): field case: case "+other+" does not exist (neither stored nor earlier in the file)" {
		t.Fatalf("orphan traveller: %v", errs)
	}
	// ...and so is a document of a traveller that does not exist.
	errs = importFails(t, s, `{"key":"`+impNo+`/document/04/d1","record":{"case":"`+impNo+`","member":4,"id":"d1","type":"passport","number":"X1"}}`, ImportOptions{})
	if len(errs) != 1 || errs[0].Field != "member" {
		t.Fatalf("orphan document: %v", errs)
	}
	// A new case earlier in the file is whole, and takes its records.
	in := `{"key":"` + other + `","record":{"number":"` + other + `","programme":"USRAP","office":"RBA","status":"received"}}` + "\n" +
		`{"key":"` + other + `/traveller/01","record":{"case":"` + other + `","member":1,"family_name":"Idrissi","birth_date":"1980-01-02","principal":true}}` + "\n"
	if n, err := s.Import("karim", strings.NewReader(in), ImportOptions{}); err != nil || n != 2 {
		t.Fatalf("new case: %d %v", n, err)
	}
	// A new case starts at intake.
	third := "RBA-2026-000003"
	errs = importFails(t, s, `{"key":"`+third+`","record":{"number":"`+third+`","programme":"USRAP","office":"RBA","status":"booked"}}`, ImportOptions{})
	if len(errs) != 1 || errs[0].Field != "status" {
		t.Fatalf("new booked case: %v", errs)
	}
}

func TestImportListsEveryFailureAndImportsNothing(t *testing.T) {
	s := importStore(t)
	in := strings.Join([]string{
		`{"key":"` + impNo + `","record":{"notes":"fine"}}`,
		`{"key":"` + impNo + `","record":{"priority":"urgent"}}`,
		``,
		`not json`,
		`{"key":"` + impNo + `/traveller/01","record":{"ssr":["ZZZZ"]}}`,
		`{"key":"` + impNo + `","record":{"notes":"bell \u0007 here"}}`,
		`{"key":"` + impNo + `","record":{"colour":"red"}}`,
		`{"key":"` + impNo + `/traveller/01","record":{"birth_date":"yesterday"}}`,
	}, "\n")
	errs := importFails(t, s, in, ImportOptions{})
	want := []string{
		"line 2 (" + impNo + "): field priority: a string is not allowed here (want a number)",
		"line 4: not a",
		"line 5 (" + impNo + "/traveller/01): field ssr: unknown SSR code \"ZZZZ\"",
		"line 6 (" + impNo + "): field notes: control character U+0007",
		"line 7 (" + impNo + "): field colour: unknown field",
		"line 8 (" + impNo + "/traveller/01): field birth_date: ",
	}
	if len(errs) != len(want) {
		t.Fatalf("%d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("error %d: %q, want %q…", i, errs[i], w)
		}
	}
	if c := importCase(t, s); c.Notes != "" {
		t.Fatalf("the good line was imported: %q", c.Notes)
	}

	// Past the cap the import stops reading.
	var many []string
	for i := 0; i < MaxImportErrors+20; i++ {
		many = append(many, `{"key":"`+impNo+`","record":{"priority":"urgent"}}`)
	}
	_, err := s.Import("karim", strings.NewReader(strings.Join(many, "\n")), ImportOptions{})
	var ie *ImportErrors
	if !errors.As(err, &ie) || len(ie.Errs) != MaxImportErrors || !ie.Stopped || !strings.Contains(err.Error(), "stopped reading after 50") {
		t.Fatalf("cap: %v", err)
	}
}

func TestImportBOMAndEmptyFile(t *testing.T) {
	s := importStore(t)
	in := "\ufeff" + `{"key":"` + impNo + `","record":{"notes":"from a spreadsheet"}}` + "\r\n"
	if n, err := s.Import("karim", strings.NewReader(in), ImportOptions{}); err != nil || n != 1 {
		t.Fatalf("BOM: %d %v", n, err)
	}
	if c := importCase(t, s); c.Notes != "from a spreadsheet" {
		t.Fatalf("notes %q", c.Notes)
	}
	path := filepath.Join(s.dir, FileName)
	st, _ := os.Stat(path)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	log := s.LogLen()
	for _, in := range []string{"", "\n\n", "\ufeff", "\ufeff  \n"} {
		if n, err := s.Import("karim", strings.NewReader(in), ImportOptions{}); err != nil || n != 0 {
			t.Fatalf("empty %q: %d %v", in, n, err)
		}
	}
	st2, _ := os.Stat(path)
	if !st2.ModTime().Equal(old) || st2.Size() != st.Size() || s.LogLen() != log {
		t.Fatalf("an empty import rewrote the store: %v -> %v", old, st2.ModTime())
	}
}

func TestImportRestore(t *testing.T) {
	src := importStore(t)
	if err := src.SetStatus("amina", impNo, booking.StatusCancelled, "duplicate"); err != nil {
		t.Fatal(err)
	}
	var exp bytes.Buffer
	if _, err := src.Export(&exp); err != nil {
		t.Fatal(err)
	}
	// Into a store with cases: refused.
	_, err := src.Import("b", bytes.NewReader(exp.Bytes()), ImportOptions{Restore: true})
	if err == nil || !strings.Contains(err.Error(), "empty store") {
		t.Fatalf("restore over cases: %v", err)
	}
	// Into an empty store: exactly, statuses as they are (a cancelled case
	// could not be imported as a new one).
	dst := openTemp(t)
	if _, err := dst.Import("b", bytes.NewReader(exp.Bytes()), ImportOptions{}); err == nil {
		t.Fatal("a plain import took a cancelled case as new")
	}
	if _, err := dst.Import("b", bytes.NewReader(exp.Bytes()), ImportOptions{Restore: true}); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	dst.Export(&again)
	if !bytes.Equal(exp.Bytes(), again.Bytes()) {
		t.Fatal("restore does not reproduce the export")
	}
	// Restore still checks values, text and orphans, line by line.
	lines := strings.Split(strings.TrimSpace(exp.String()), "\n")
	orphan := `{"key":"RBA-2026-000009/traveller/01","record":{"case":"RBA-2026-000009","member":1,"family_name":"X","birth_date":"1980-01-02"}}`
	ctrl := strings.Replace(lines[1], `"number":"P123"`, `"number":"P1\u001b23"`, 1)
	errs := importFails(t, openTemp(t), strings.Join([]string{lines[0], ctrl, lines[2], orphan}, "\n"), ImportOptions{Restore: true})
	if len(errs) != 2 || errs[0].Line != 2 || errs[0].Field != "number" || errs[1].Line != 4 || errs[1].Field != "case" {
		t.Fatalf("restore checks: %v", errs)
	}
}
