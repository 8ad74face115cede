package flights

import (
	"reflect"
	"testing"

	"movedesk/booking"
)

// TestEntriesAgreeWithBuild: what the index keeps per case sums to the
// totals Build works out from the whole files, through an encode and a
// decode; a through flight (one number, two legs on one day) is one entry.
func TestEntriesAgreeWithBuild(t *testing.T) {
	ac := seg("AC", "0837", "CDG", "YUL", "2027-01-17T13:00", "2027-01-17T15:00")
	acOn := seg("AC", "837", "YUL", "YVR", "2027-01-17T17:00", "2027-01-17T19:30")
	files := []*booking.CaseFile{
		file("RBA-2026-000002", "GAR", "GRP001", 1, []booking.Segment{seg("AT", "700", "RBA", "CDG", "2027-01-16T09:00", "2027-01-16T12:00"), ac, acOn},
			trav(1, "ALI", "1980-01-01", "WCHR", "MOML"), trav(2, "ALI", "2020-01-01"), trav(3, "ALI", "2025-06-01", "BSCT")),
		file("RBA-2026-000001", "GAR", "", 0, []booking.Segment{ac}, trav(1, "BEN", "1990-01-01", "MAAS", "MOML")),
	}
	files[0].Travellers[0].MEDIFNeeded = true
	k := Key{Carrier: "AC", Flight: "837", Date: booking.MustDate("2027-01-17")}
	var es []Entry
	for _, f := range files {
		for _, e := range Entries(f) {
			got, err := DecodeEntry(e.Key, e.Case, e.Encode())
			if err != nil || !reflect.DeepEqual(got, e) {
				t.Fatalf("round trip %+v -> %+v, %v", e, got, err)
			}
			es = append(es, got)
		}
	}
	if len(es) != 3 {
		t.Fatalf("%d entries, want AT700 and AC837 for case 2, AC837 for case 1: %+v", len(es), es)
	}
	ls := ListEntries(es, []Cap{{"GAR", "CA", 3}})
	fl := Build(k, files, Options{})
	if len(ls) != 2 || ls[1].Key != k || !reflect.DeepEqual(ls[1].Totals, fl.Totals) {
		t.Fatalf("list %+v, want totals %+v", ls, fl.Totals)
	}
	if c := ls[1].Caps; len(c) != 1 || c[0].Travellers != 4 || !c[0].Over {
		t.Fatalf("caps %+v", c)
	}
	if ls[1].From != "CDG" || ls[1].Totals.MEDIFs != 1 || ls[1].Totals.SSR[2] != (SSRCount{"MOML", 2}) {
		t.Fatalf("AC837 %+v", ls[1])
	}
	if _, err := DecodeEntry(k, "X", []byte("2\x1fbad")); err == nil {
		t.Fatal("an entry of another format decoded")
	}
	if pk, err := ParseIndexKey(k.IndexKey()); err != nil || pk != k {
		t.Fatalf("index key %v %v", pk, err)
	}
}
