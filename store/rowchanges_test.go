package store

import (
	"slices"
	"strconv"
	"testing"
)

// TestRowsChangedSince: a screen that read the rows at one generation
// learns exactly which cases changed since, each once, whatever wrote them;
// sync bookkeeping changes no row; far behind, it is told to read all.
func TestRowsChangedSince(t *testing.T) {
	s, err := Open(t.TempDir(), Options{Desk: "d1", NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	put := func(no, field, value string) {
		t.Helper()
		if err := s.SetFields("t", no, []Assignment{{field, value}}); err != nil {
			t.Fatal(err)
		}
	}
	newCase := func(no string) {
		if err := s.PutRecords("t", sampleCase(no)...); err != nil {
			t.Fatal(err)
		}
	}
	newCase("RBA-2026-000001")
	newCase("RBA-2026-000002")
	gen := s.RowGen()
	put("RBA-2026-000002", "assignee", "amina.t")
	put("RBA-2026-000002", "priority", "2")
	newCase("RBA-2026-000003")
	if err := s.Update("sync", func(tx *Tx) error { return tx.SetReplicaUint(MetaCursor, 9) }); err != nil {
		t.Fatal(err)
	}
	cases, now, all := s.RowsChangedSince(gen)
	slices.Sort(cases)
	if all || !slices.Equal(cases, []string{"RBA-2026-000002", "RBA-2026-000003"}) {
		t.Fatalf("changed since %d: %v all=%v", gen, cases, all)
	}
	if again, _, all := s.RowsChangedSince(now); all || len(again) != 0 {
		t.Fatalf("changed since now: %v %v", again, all)
	}
	if _, _, all := s.RowsChangedSince(now + 1); !all {
		t.Fatal("a generation from another store is not told to read all")
	}
	for i := range 5000 {
		put("RBA-2026-000001", "notes", strconv.Itoa(i))
	}
	if _, _, all := s.RowsChangedSince(now); !all {
		t.Fatal("5,000 changes behind, not told to read all")
	}
}
