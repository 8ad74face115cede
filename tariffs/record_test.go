package tariffs

import (
	"encoding/json"
	"testing"
	"time"

	"movedesk/booking"
)

func TestSetRecordRoundTrip(t *testing.T) {
	s := fixture(t)
	rec := NewSetRecord(s, "alice", time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), "/tmp/t1")
	var _ booking.Record = rec
	var _ booking.Record = &ActiveRecord{}
	if rec.Key() != "~tariffset/t1" || rec.CaseNumber() != "" || rec.Kind() != KindTariffSet {
		t.Errorf("identity %s %q %s", rec.Key(), rec.CaseNumber(), rec.Kind())
	}
	if err := rec.Validate(); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var back SetRecord
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, err := back.Set()
	if err != nil {
		t.Fatal(err)
	}
	if again.Version != "t1" || again.Len() != s.Len() || back.Fares != s.Len() {
		t.Errorf("round trip: %s %d", again.Version, again.Len())
	}
	for _, bad := range []SetRecord{{Version: "a b", Effective: s.Effective, FaresCSV: "x"}, {Version: EmbeddedVersion, Effective: s.Effective, FaresCSV: "x"},
		{Version: "v", FaresCSV: "x"}, {Version: "v", Effective: s.Effective}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v validated", bad)
		}
	}
	if (&ActiveRecord{Version: "t1"}).Key() != ActiveKey || (&ActiveRecord{}).Validate() == nil {
		t.Error("active record")
	}
}
