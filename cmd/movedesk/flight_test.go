package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/flights"
	"movedesk/store"
)

// Hostile values put where only the agency's own people may look: none may
// reach an airline manifest.
var secrets = []string{"DIAGNOSIS-tuberculosis", "VULN-torture-survivor", "PROTECTION-NOTE-threat", "REASON-left-off", "SECRET-action"}

// flightStore makes a store by hand: on AC837 2027-01-17 are case 101
// (CA-GAR, three travellers joining from RBA the day before, one escort
// seat) and case 102 (CA-GAR, one traveller), both under PNR GRP001; case
// 103 flies AC837 the next day and case 104's booking on it is cancelled.
func flightStore(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ac := func(day string) booking.Segment {
		return booking.Segment{Carrier: "AC", Flight: "837", From: "CDG", To: "YUL",
			Depart: booking.MustLocalTime(day + "T13:05"), Arrive: booking.MustLocalTime(day + "T15:00")}
	}
	feeder := booking.Segment{Carrier: "AT", Flight: "700", From: "RBA", To: "CDG",
		Depart: booking.MustLocalTime("2027-01-16T09:00"), Arrive: booking.MustLocalTime("2027-01-16T13:00")}
	var recs []booking.Record
	kase := func(no, prog string, status booking.Status, dep string) {
		recs = append(recs, &booking.Case{Number: no, Programme: prog, Office: "RBA", OriginAirport: "RBA", DestAirport: "YUL",
			DestCity: "Montréal", Priority: 2, Status: status, Received: booking.MustDate("2026-09-01"),
			Departure: booking.MustDate(dep), Notes: secrets[0], StatusReason: secrets[2]})
	}
	trav := func(no string, m int, family, given, born string, ssr []string, medif bool) {
		recs = append(recs, &booking.Traveller{Case: no, Member: m, Principal: m == 1, FamilyName: family, GivenNames: given,
			BirthDate: booking.MustDate(born), Sex: "F", SSR: ssr, MEDIFNeeded: medif, Vulnerabilities: []string{secrets[1]}})
	}
	kase("RBA-2026-000101", "CA-GAR", booking.StatusBooked, "2027-01-16")
	trav("RBA-2026-000101", 1, "Haddad", "Mona", "1980-02-29", []string{"WCHR"}, true)
	trav("RBA-2026-000101", 2, "Haddad", "Sami", "2018-05-01", nil, false)
	trav("RBA-2026-000101", 3, "Haddad", "Lina", "2026-03-01", nil, false)
	recs = append(recs, &booking.Booking{Case: "RBA-2026-000101", ID: "B1", Status: booking.BookingActive, Travellers: []int{1, 2, 3},
		EscortSeats: 1, Segments: []booking.Segment{feeder, ac("2027-01-17")}, PNR: "GRP001", Reason: secrets[3],
		Tickets: []booking.Ticket{{Member: 1, Number: "0141234567890"}}})
	kase("RBA-2026-000102", "CA-GAR", booking.StatusBooked, "2027-01-17")
	trav("RBA-2026-000102", 1, "Karimi", "Reza", "1975-07-07", []string{"MAAS", "MOML"}, false)
	recs = append(recs, &booking.Booking{Case: "RBA-2026-000102", ID: "B1", Status: booking.BookingActive, Travellers: []int{1},
		Segments: []booking.Segment{ac("2027-01-17")}, PNR: "GRP001"})
	kase("RBA-2026-000103", "USRAP", booking.StatusBooked, "2027-01-18")
	trav("RBA-2026-000103", 1, "Next", "Day", "1990-01-01", []string{"WCHC"}, false)
	recs = append(recs, &booking.Booking{Case: "RBA-2026-000103", ID: "B1", Status: booking.BookingActive, Travellers: []int{1},
		Segments: []booking.Segment{ac("2027-01-18")}})
	kase("RBA-2026-000104", "CA-GAR", booking.StatusTravelReady, "2027-01-17")
	trav("RBA-2026-000104", 1, "Gone", "Away", "1990-01-01", []string{"WCHC"}, false)
	recs = append(recs, &booking.Booking{Case: "RBA-2026-000104", ID: "B1", Status: booking.BookingCancelled, Travellers: []int{1},
		Segments: []booking.Segment{ac("2027-01-17")}})
	recs = append(recs, &booking.Action{Case: "RBA-2026-000101", ID: "a1", Traveller: 1, Note: secrets[4]})
	if err := s.Restore("tester", recs...); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestFlightShowHandMadeStore(t *testing.T) {
	dir := flightStore(t)
	code, out, e := cli(t, "flight", "show", "AC", "837", "2027-01-17", "--json", "--data", dir)
	if code != 0 {
		t.Fatalf("show: %d %s", code, e)
	}
	var fl flights.Flight
	if err := json.Unmarshal([]byte(out), &fl); err != nil {
		t.Fatal(err)
	}
	// Worked out by hand: Mona (46, ADT, WCHR, MEDIF), Sami (8, CHD), Lina
	// (10 months, INF on a lap), Reza (ADT, MAAS MOML); one escort seat.
	want := flights.Totals{Cases: 2, Travellers: 4, ADT: 2, CHD: 1, INF: 1, Seats: 4, Wheelchairs: 1, MeetAssist: 1,
		EscortSeats: 1, MEDIFs: 1, SSR: []flights.SSRCount{{Code: "MAAS", Count: 1}, {Code: "MOML", Count: 1}, {Code: "WCHR", Count: 1}}}
	gotJSON, _ := json.Marshal(fl.Totals)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Fatalf("totals %s, want %s", gotJSON, wantJSON)
	}
	if len(fl.Parties) != 2 || fl.Parties[0].Case != "RBA-2026-000101" || fl.Parties[0].Segment != 2 ||
		fl.From != "CDG" || fl.To != "YUL" || len(fl.Parties[0].Group) != 1 || fl.Parties[0].Group[0] != "RBA-2026-000102" {
		t.Fatalf("parties %+v", fl.Parties)
	}
	if len(fl.Caps) != 1 || fl.Caps[0].Programme != "CA-GAR" || fl.Caps[0].Travellers != 4 || fl.Caps[0].Max != 75 || fl.Caps[0].Over {
		t.Fatalf("caps %+v", fl.Caps)
	}
	_, text, _ := cli(t, "flight", "show", "AC837", "2027-01-17", "--data", dir)
	for _, s := range []string{"Cases 2  travellers 4 (ADT 2, CHD 1, INF 1)  seats 4  wheelchairs 1  meet-and-assist 1  escort seats 1  MEDIFs 1",
		"Cap: CA-GAR (CA) 4 of at most 75", "same PNR: RBA-2026-000102", "HADDAD, Mona", "ticket 0141234567890  MEDIF"} {
		if !strings.Contains(text, s) {
			t.Errorf("show lacks %q:\n%s", s, text)
		}
	}
	_, list, _ := cli(t, "flight", "list", "--from", "2027-01-16", "--to", "2027-01-18", "--data", dir)
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "AT700") || !strings.HasPrefix(lines[2], "AC837") || !strings.Contains(lines[3], "2027-01-18") {
		t.Fatalf("list:\n%s", list)
	}
	_, cs, _ := cli(t, "case", "show", "RBA-2026-000101", "--data", dir)
	if !strings.Contains(cs, "PNR GRP001 also holds: RBA-2026-000102") {
		t.Fatalf("case show:\n%s", cs)
	}
}

// TestAirlineManifestHasNoConfidentialText puts hostile values in the
// notes, status reason, vulnerabilities, booking reason and a counselling
// action: no format of the airline manifest (nor airport's) may carry one.
func TestAirlineManifestHasNoConfidentialText(t *testing.T) {
	dir := flightStore(t)
	for _, who := range []string{"airline", "airport"} {
		for _, format := range []string{"", "--csv", "--json"} {
			args := []string{"flight", "manifest", "AC", "837", "2027-01-17", "--for", who, "--data", dir}
			if format != "" {
				args = append(args, format)
			}
			code, out, e := cli(t, args...)
			if code != 0 {
				t.Fatalf("%v: %d %s", args, code, e)
			}
			for _, s := range append(secrets, "RBA-2026-", "CA-GAR") {
				if strings.Contains(out, s) {
					t.Errorf("%s manifest %q carries %q:\n%s", who, format, s, out)
				}
			}
			if who == "airline" && (!strings.Contains(out, "HADDAD/MONA") || !strings.Contains(out, "WCHR") || !strings.Contains(out, "GRP001")) {
				t.Errorf("airline manifest %q lacks names, SSRs or PNR:\n%s", format, out)
			}
			if who == "airport" && (!strings.Contains(out, "HADDAD/MONA") || !strings.Contains(out, "KARIMI/REZA") || strings.Contains(out, "SAMI")) {
				t.Errorf("airport manifest %q is not the assistance list:\n%s", format, out)
			}
		}
	}
	// The agency's CSV, written to a private file, has every traveller and
	// the escort seat.
	path := filepath.Join(t.TempDir(), "m.csv")
	if code, _, e := cli(t, "flight", "manifest", "AC", "837", "2027-01-17", "--for", "agency", "--csv", "--out", path, "--data", dir); code != 0 {
		t.Fatal(e)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("out file %v %v", fi, err)
	}
	b, _ := os.ReadFile(path)
	rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil || len(rows) != 6 || rows[0][0] != "CASE" {
		t.Fatalf("agency csv %v %v", rows, err)
	}
}

func TestBookingPNRCommand(t *testing.T) {
	dir := flightStore(t)
	code, out, e := cli(t, "booking", "pnr", "RBA-2026-000102", "--pnr", "xyz789", "--ticket", "1=0149999999999", "--data", dir)
	if code != 0 || !strings.Contains(out, "PNR XYZ789, 1 ticket(s)") {
		t.Fatalf("pnr: %d %s %s", code, out, e)
	}
	code, _, e = cli(t, "booking", "pnr", "RBA-2026-000102", "--ticket", "1=12", "--data", dir)
	if code != 1 || !strings.Contains(e, "13 digits") {
		t.Fatalf("bad ticket: %d %s", code, e)
	}
	code, _, e = cli(t, "booking", "pnr", "RBA-2026-000102", "--ticket", "one=12", "--data", dir)
	if code != 2 {
		t.Fatalf("bad ticket flag: %d %s", code, e)
	}
	_, cs, _ := cli(t, "case", "show", "RBA-2026-000101", "--data", dir)
	if strings.Contains(cs, "also holds") {
		t.Fatalf("case 101 still grouped with 102:\n%s", cs)
	}
}

// TestBookingMEDIFCommand: a MEDIF approved by the operating carrier of a
// flight shows on that flight and in its airline manifest; the feeder's
// carrier has its own status; a carrier off the booking is refused.
func TestBookingMEDIFCommand(t *testing.T) {
	dir := flightStore(t)
	code, out, e := cli(t, "booking", "medif", "RBA-2026-000101", "--member", "1", "--carrier", "ac", "--status", "approved", "--date", "2027-01-05", "--data", dir)
	if code != 0 || !strings.Contains(out, "member 1: MEDIF approved with AC on 2027-01-05") {
		t.Fatalf("medif: %d %s %s", code, out, e)
	}
	if code, _, e = cli(t, "booking", "medif", "RBA-2026-000101", "--member", "1", "--carrier", "AT", "--status", "sent", "--data", dir); code != 0 {
		t.Fatalf("medif AT: %d %s", code, e)
	}
	if code, _, e = cli(t, "booking", "medif", "RBA-2026-000101", "--member", "1", "--carrier", "LH", "--status", "sent", "--data", dir); code != 1 || !strings.Contains(e, "flies no segment") {
		t.Fatalf("medif LH: %d %s", code, e)
	}
	_, show, _ := cli(t, "flight", "show", "AC837", "2027-01-17", "--data", dir)
	_, feeder, _ := cli(t, "flight", "show", "AT700", "2027-01-16", "--data", dir)
	_, csv, _ := cli(t, "flight", "manifest", "AC837", "2027-01-17", "--for", "airline", "--csv", "--data", dir)
	if !strings.Contains(show, "MEDIF approved") || !strings.Contains(feeder, "MEDIF sent") || !strings.Contains(csv, "yes (approved)") {
		t.Fatalf("AC837:\n%s\nAT700:\n%s\nCSV:\n%s", show, feeder, csv)
	}
	_, list, _ := cli(t, "flight", "list", "--from", "2027-01-17", "--to", "2027-01-17", "--data", dir)
	if !strings.Contains(list, "CA-GAR 4/75") {
		t.Fatalf("list caps:\n%s", list)
	}
}
