package store

import (
	"testing"
	"time"
)

// TestAccessLogKeepsTheNewest: past the cap the oldest openings go, the
// newest stay, and noting one writes no op (nothing to sync).
func TestAccessLogKeepsTheNewest(t *testing.T) {
	s := openTemp(t)
	defer func(c uint64) { accessCap = c }(accessCap)
	accessCap = 3
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	for i, no := range []string{"RBA-2026-000001", "RBA-2026-000002", "RBA-2026-000003", "RBA-2026-000004", "RBA-2026-000005"} {
		if err := s.NoteAccess(AccessEntry{At: at.Add(time.Duration(i) * time.Hour), User: "amina", Case: no, What: "case show"}); err != nil {
			t.Fatal(err)
		}
	}
	if s.LogLen() != 0 {
		t.Fatalf("noting openings wrote %d op(s)", s.LogLen())
	}
	ents, err := s.AccessLog(AccessFilter{})
	if err != nil || len(ents) != 3 || ents[0].Case != "RBA-2026-000005" || ents[2].Case != "RBA-2026-000003" {
		t.Fatalf("kept %+v %v", ents, err)
	}
	if ents, _ := s.AccessLog(AccessFilter{From: at.Add(4 * time.Hour)}); len(ents) != 1 {
		t.Fatalf("from: %+v", ents)
	}
	if ents, _ := s.AccessLog(AccessFilter{Case: "RBA-2026-000004", Limit: 5}); len(ents) != 1 || ents[0].Case != "RBA-2026-000004" {
		t.Fatalf("case: %+v", ents)
	}
}
