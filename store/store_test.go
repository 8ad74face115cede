package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"movedesk/booking"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), Options{Desk: "dtest"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func sampleCase(no string) []booking.Record {
	c := &booking.Case{Number: no, Programme: "USRAP", Office: "RBA", OriginAirport: "RBA", DestAirport: "JFK",
		DestCity: "New York", Priority: 3, Status: booking.StatusTravelReady, Received: booking.MustDate("2026-09-01")}
	pa := &booking.Traveller{Case: no, Member: 1, Principal: true, FamilyName: "Haddad", GivenNames: "Omar",
		BirthDate: booking.MustDate("1980-02-29"), Sex: "M", SSR: []string{"wchr"}}
	doc := &booking.Document{Case: no, Member: 1, ID: "d1", Type: booking.DocPassport, Number: "P123", ExpiryDate: booking.MustDate("2030-01-01")}
	return []booking.Record{c, pa, doc}
}

func TestPutLogsFieldLevelChanges(t *testing.T) {
	s := openTemp(t)
	no := "RBA-2026-000001"
	if err := s.PutRecords("amina", sampleCase(no)...); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFields("karim", no, []Assignment{{"notes", "call sponsor"}, {"traveller.1.family_name", "Haddad-Ali"}}); err != nil {
		t.Fatal(err)
	}
	h, err := s.History(no)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 5 {
		t.Fatalf("history has %d ops, want 5", len(h))
	}
	last := h[len(h)-1]
	if last.Actor != "karim" || len(last.Fields) != 1 || string(last.Fields["family_name"]) != `"Haddad-Ali"` {
		t.Fatalf("last op = %+v, want only family_name by karim", last)
	}
	if h[3].Office != "RBA" || h[3].Desk != "dtest" || h[3].Seq == 0 || h[3].HLC <= h[2].HLC {
		t.Fatalf("op routing/clock wrong: %+v after %+v", h[3], h[2])
	}
	r, err := s.Summary(no)
	if err != nil || r.Principal != "HADDAD-ALI, Omar" || r.Size != 1 || r.Needs[0] != "WCHR" {
		t.Fatalf("row = %+v, %v", r, err)
	}
}

func TestUnchangedPutAppendsNothing(t *testing.T) {
	s := openTemp(t)
	recs := sampleCase("RBA-2026-000002")
	s.PutRecords("a", recs...)
	n := s.LogLen()
	s.PutRecords("a", recs...)
	if s.LogLen() != n {
		t.Fatalf("log grew from %d to %d on an unchanged write", n, s.LogLen())
	}
}

func TestIndexesFollowStatusChanges(t *testing.T) {
	s := openTemp(t)
	no := "RBA-2026-000003"
	s.PutRecords("a", sampleCase(no)...)
	if err := s.SetStatus("a", no, booking.StatusOnHold, "awaiting exit permit"); err != nil {
		t.Fatal(err)
	}
	for st, want := range map[booking.Status]int{booking.StatusTravelReady: 0, booking.StatusOnHold: 1} {
		l, err := s.List(Filter{Status: st})
		if err != nil || len(l) != want {
			t.Fatalf("List(%s) = %d rows (%v), want %d", st, len(l), err, want)
		}
	}
	err := s.SetStatus("a", no, booking.StatusBooked, "")
	if err == nil || !strings.Contains(err.Error(), "allowed: travel-ready, cancelled") {
		t.Fatalf("invalid transition error = %v", err)
	}
}

func TestSetFieldsRejectsBadInputAndWritesNothing(t *testing.T) {
	s := openTemp(t)
	no := "RBA-2026-000004"
	s.PutRecords("a", sampleCase(no)...)
	n := s.LogLen()
	cases := map[string]Assignment{
		"unknown case field \"colour\"":    {"colour", "red"},
		"unknown SSR code \"XXXX\"":        {"traveller.1.ssr", "WCHR,XXXX"},
		"is not a date":                    {"traveller.1.birth_date", "yesterday"},
		"field status cannot be set":       {"status", "departed"},
		"unknown field path":               {"foo.bar", "x"},
		"priority 7 must be 1 (urgent), 2": {"priority", "7"},
	}
	for want, a := range cases {
		err := s.SetFields("a", no, []Assignment{{"notes", "should not land"}, a})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s=%s: error %v, want %q", a.Path, a.Value, err, want)
		}
	}
	if s.LogLen() != n {
		t.Fatal("a rejected set wrote to the log")
	}
	f, _ := s.CaseFile(no)
	if f.Case.Notes != "" {
		t.Fatal("a rejected set changed the case")
	}
}

func TestSecondOpenIsRefusedNotHung(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = Open(dir, Options{LockTimeout: 100e6})
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "in use by another movedesk process") {
		t.Fatalf("second open: %v", err)
	}
}

func TestForeignFileIsNotTouched(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	junk := []byte(strings.Repeat("not a database ", 2000))
	os.WriteFile(path, junk, 0o600)
	_, err := Open(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "not a movedesk store") {
		t.Fatalf("open foreign: %v", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != string(junk) {
		t.Fatal("foreign file was modified")
	}
}

func TestRowRoundTrip(t *testing.T) {
	in := booking.Summary{Number: "RBA-2026-000001", Office: "RBA", Programme: "USRAP", Status: booking.StatusBooked,
		Priority: 1, Principal: "HADDAD, Omar\x1fX", Size: 4, DestAirport: "JFK", DestCity: "New York",
		Received: booking.MustDate("2026-01-02"), Departure: booking.MustDate("2026-12-03"), Assignee: "amina",
		ABNNumber: "ABN-RBA-0000001", Needs: []string{"MOML", "WCHR"}, Names: "haddad omar haddad layla"}
	out, err := decodeRow(encodeRow(&in))
	if err != nil {
		t.Fatal(err)
	}
	in.Principal = "HADDAD, Omar X" // the separator never survives into a row
	if fmt.Sprint(in) != fmt.Sprint(out) {
		t.Fatalf("row round trip\n got %+v\nwant %+v", out, in)
	}
	if _, err := decodeRow([]byte("2\x1fshort")); err == nil {
		t.Fatal("bad row accepted")
	}
}

// TestBackupWhileWriting: a backup taken while another goroutine writes is
// a store that opens, with every record of some committed state.
func TestBackupWhileWriting(t *testing.T) {
	s := openTemp(t)
	s.PutRecords("a", sampleCase("RBA-2026-000001")...)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 2; i < 40; i++ {
			s.PutRecords("a", sampleCase(fmt.Sprintf("RBA-2026-%06d", i))...)
		}
	}()
	dir := t.TempDir()
	n, err := s.Backup(filepath.Join(dir, FileName))
	<-done
	if err != nil || n == 0 {
		t.Fatalf("backup: %d %v", n, err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, FileName)); fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v", fi.Mode().Perm())
	}
	b, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cases, err := b.Count()
	if err != nil || cases < 1 || cases > 39 {
		t.Fatalf("backup holds %d cases (%v)", cases, err)
	}
	if b.Desk() != s.Desk() || b.LogLen() == 0 {
		t.Fatalf("backup desk %q log %d", b.Desk(), b.LogLen())
	}
}

// TestSetFieldsValidatesOnceAtTheEnd: a form's save may pass through an
// invalid state between two fields (sex M before pregnancy weeks 0); the
// record is judged when every field is set.
func TestSetFieldsValidatesOnceAtTheEnd(t *testing.T) {
	s := openTemp(t)
	no := "RBA-2026-000321"
	if err := s.PutRecords("a", sampleCase(no)...); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFields("a", no, []Assignment{{"traveller.1.sex", "F"}, {"traveller.1.pregnancy_weeks", "20"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFields("a", no, []Assignment{{"traveller.1.sex", "M"}, {"traveller.1.pregnancy_weeks", "0"}}); err != nil {
		t.Fatalf("sex then weeks: %v", err)
	}
	err := s.SetFields("a", no, []Assignment{{"traveller.1.pregnancy_weeks", "12"}})
	if booking.ErrorField(err) != "traveller.1.pregnancy_weeks" {
		t.Fatalf("weeks for sex M: %v (field %q)", err, booking.ErrorField(err))
	}
}
