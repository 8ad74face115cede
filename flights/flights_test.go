package flights

import (
	"reflect"
	"slices"
	"testing"

	"movedesk/booking"
)

func seg(carrier, flight, from, to, dep, arr string) booking.Segment {
	return booking.Segment{Carrier: carrier, Flight: flight, From: from, To: to,
		Depart: booking.MustLocalTime(dep), Arrive: booking.MustLocalTime(arr)}
}

func file(no, prog, pnr string, escorts int, segs []booking.Segment, ts ...booking.Traveller) *booking.CaseFile {
	f := &booking.CaseFile{Case: booking.Case{Number: no, Programme: prog}}
	b := booking.Booking{Case: no, ID: "b1", Status: booking.BookingActive, Segments: segs, PNR: pnr, EscortSeats: escorts}
	for i := range ts {
		ts[i].Case = no
		f.Travellers = append(f.Travellers, ts[i])
		b.Travellers = append(b.Travellers, ts[i].Member)
	}
	f.Bookings = []booking.Booking{b}
	return f
}

func trav(m int, family, born string, ssr ...string) booking.Traveller {
	return booking.Traveller{Member: m, FamilyName: family, GivenNames: "G" + family, BirthDate: booking.MustDate(born), SSR: ssr}
}

func TestBuildAndList(t *testing.T) {
	ac := seg("AC", "837", "CDG", "YUL", "2027-01-17T13:00", "2027-01-17T15:00")
	feeder := seg("AT", "700", "RBA", "CDG", "2027-01-16T09:00", "2027-01-16T12:00")
	files := []*booking.CaseFile{
		file("RBA-2026-000002", "GAR", "GRP001", 1, []booking.Segment{feeder, ac},
			trav(1, "ALI", "1980-01-01", "WCHR"), trav(2, "ALI", "2020-01-01"), trav(3, "ALI", "2025-06-01")),
		file("RBA-2026-000001", "GAR", "GRP001", 0, []booking.Segment{ac}, trav(1, "BEN", "1990-01-01", "MAAS")),
		file("RBA-2026-000003", "USRAP", "", 0, []booking.Segment{seg("AC", "837", "CDG", "YUL", "2027-01-18T13:00", "2027-01-18T15:00")},
			trav(1, "CRUZ", "1970-01-01")),
	}
	k, err := ParseKey("ac", "0837", "2027-01-17")
	if err != nil {
		t.Fatal(err)
	}
	fl := Build(k, files, Options{Caps: []Cap{{"GAR", "CA", 3}, {"USRAP", "US", 2}}})
	if len(fl.Parties) != 2 || fl.Parties[0].Case != "RBA-2026-000001" || fl.Parties[1].Segment != 2 {
		t.Fatalf("parties %+v", fl.Parties)
	}
	want := Totals{Cases: 2, Travellers: 4, ADT: 2, CHD: 1, INF: 1, Seats: 4, Wheelchairs: 1, MeetAssist: 1, EscortSeats: 1,
		SSR: []SSRCount{{"MAAS", 1}, {"WCHR", 1}}}
	if !equalTotals(fl.Totals, want) {
		t.Fatalf("totals %+v, want %+v", fl.Totals, want)
	}
	if len(fl.Caps) != 1 || fl.Caps[0].Travellers != 4 || !fl.Caps[0].Over {
		t.Fatalf("caps %+v", fl.Caps)
	}
	if !slices.Equal(fl.Parties[0].Group, []string{"RBA-2026-000002"}) {
		t.Fatalf("group %v", fl.Parties[0].Group)
	}
	if g := fl.Groups(); len(g) != 1 || g[0].PNR != "GRP001" || len(g[0].Cases) != 2 {
		t.Fatalf("groups %+v", g)
	}
	air := fl.Manifest(Airport)
	if len(air.Rows) != 2 || air.Rows[1].Escorts != 1 || air.Rows[0].Name != "BEN/GBEN" {
		t.Fatalf("airport %+v", air.Rows)
	}
	al := fl.Manifest(Airline)
	if len(al.Rows) != 5 || !al.Rows[4].Escort || al.Rows[0].Case != "" || al.Rows[0].Programme != "" {
		t.Fatalf("airline %+v", al.Rows)
	}
	ls := List(files, booking.MustDate("2027-01-16"), booking.MustDate("2027-01-18"))
	if len(ls) != 3 || ls[0].Carrier != "AT" || ls[1].Totals.Travellers != 4 || ls[2].Date.String() != "2027-01-18" {
		t.Fatalf("list %+v", ls)
	}
	if got := PNRCases(files, "GRP001", "RBA-2026-000001"); !slices.Equal(got, []string{"RBA-2026-000002"}) {
		t.Fatalf("PNRCases %v", got)
	}
}

func equalTotals(a, b Totals) bool {
	return reflect.DeepEqual(a, b)
}

func TestParseKey(t *testing.T) {
	for _, s := range [][3]string{{"A", "837", "2027-01-17"}, {"AC", "12345", "2027-01-17"}, {"AC", "837", "17/01/2027"}, {"AC", "837", ""}} {
		if _, err := ParseKey(s[0], s[1], s[2]); err == nil {
			t.Errorf("%v accepted", s)
		}
	}
	if k, err := ParseKey("AC837", "", "2027-01-17"); err != nil || k.String() != "AC837 2027-01-17" {
		t.Errorf("AC837: %v %v", k, err)
	}
}
