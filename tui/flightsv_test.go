package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/flights"
)

// memFlights is a FlightSource over hand-made case files, through the
// flights package's own Entries, ListEntries and Build.
type memFlights struct {
	files []*booking.CaseFile
	caps  []flights.Cap
	saved []flights.Manifest
}

func (mf *memFlights) Flights(from, to booking.Date) ([]flights.Summary, error) {
	var es []flights.Entry
	for _, f := range mf.files {
		for _, e := range flights.Entries(f) {
			if !e.Date.Before(from) && !e.Date.After(to) {
				es = append(es, e)
			}
		}
	}
	return flights.ListEntries(es, mf.caps), nil
}

func (mf *memFlights) Flight(k flights.Key) (*flights.Flight, error) {
	return flights.Build(k, mf.files, flights.Options{Caps: mf.caps, EscortNames: map[string]string{"E1": "Youssef Amrani"}}), nil
}

func (mf *memFlights) SaveManifest(m *flights.Manifest) (string, error) {
	mf.saved = append(mf.saved, *m)
	return "/data/manifest-" + m.Flight.Carrier + m.Flight.Flight + "-" + string(m.Recipient) + ".csv", nil
}

func fseg(carrier, flight, from, to, dep, arr string) booking.Segment {
	return booking.Segment{Carrier: carrier, Flight: flight, From: from, To: to,
		Depart: booking.MustLocalTime(dep), Arrive: booking.MustLocalTime(arr)}
}

// flightFixture: three cases on AC837 on 2026-12-01 (one family of three
// with a wheelchair, a MEDIF approved by AC and an escort; a couple under
// the same PNR; a single traveller of another programme), and a few
// flights after it.
func flightFixture() *memFlights {
	ac := fseg("AC", "837", "CDG", "YUL", "2026-12-01T13:05", "2026-12-01T14:50")
	mk := func(no, prog, pnr string, escorts int, segs []booking.Segment, ts ...booking.Traveller) *booking.CaseFile {
		f := &booking.CaseFile{Case: booking.Case{Number: no, Programme: prog}}
		b := booking.Booking{Case: no, ID: "B1", Status: booking.BookingActive, Segments: segs, PNR: pnr, EscortSeats: escorts}
		for i := range ts {
			ts[i].Case = no
			f.Travellers = append(f.Travellers, ts[i])
			b.Travellers = append(b.Travellers, ts[i].Member)
		}
		f.Bookings = []booking.Booking{b}
		return f
	}
	tr := func(m int, family, given, born string, ssr ...string) booking.Traveller {
		return booking.Traveller{Member: m, FamilyName: family, GivenNames: given, BirthDate: booking.MustDate(born), SSR: ssr}
	}
	fam := mk("RBA-2026-000201", "CA-GAR", "KX7Q2M", 1, []booking.Segment{fseg("AT", "700", "RBA", "CDG", "2026-12-01T06:10", "2026-12-01T10:20"), ac},
		tr(1, "Haddad", "Omar", "1979-04-02", "WCHC", "MOML"), tr(2, "Haddad", "Lina", "2016-05-20", "CHML"), tr(3, "Haddad", "Sami", "2025-08-01", "BSCT", "BBML"))
	fam.Travellers[0].MEDIFNeeded = true
	fam.Bookings[0].MEDIFs = []booking.MEDIF{{Member: 1, Carrier: "AC", Status: booking.MEDIFApproved, On: booking.MustDate("2026-11-20")},
		{Member: 1, Carrier: "AT", Status: booking.MEDIFSent, On: booking.MustDate("2026-11-19")}}
	fam.EscortTrips = []booking.EscortTrip{{Case: fam.Case.Number, Booking: "B1", Escort: "E1"}}
	files := []*booking.CaseFile{
		fam,
		mk("RBA-2026-000202", "CA-GAR", "KX7Q2M", 0, []booking.Segment{ac}, tr(1, "Nasser", "Rami", "1990-01-01", "MAAS"), tr(2, "Nasser", "Dana", "1992-02-02")),
		mk("RBA-2026-000203", "USRAP", "", 0, []booking.Segment{ac, fseg("AC", "8800", "YUL", "ORD", "2026-12-01T17:00", "2026-12-01T18:30")}, tr(1, "Cruz", "Ana", "1985-03-03", "DEAF")),
	}
	for i := 0; i < 30; i++ {
		d := booking.MustDate("2026-12-02").AddDays(i % 20)
		files = append(files, mk(fmt.Sprintf("RBA-2026-%06d", 300+i), "USRAP", "", 0,
			[]booking.Segment{fseg("AF", fmt.Sprint(1300+i), "RBA", "CDG", d.String()+"T09:00", d.String()+"T13:00")}, tr(1, "Doe", "J", "1980-01-01")))
	}
	return &memFlights{files: files, caps: []flights.Cap{{Programme: "CA-GAR", Country: "CA", Max: 4}, {Programme: "USRAP", Country: "US", Max: 40}}}
}

func newFlightModel(t *testing.T, mf *memFlights) *Model {
	t.Helper()
	st, err := DefaultStyles("dark", true)
	if err != nil {
		t.Fatal(err)
	}
	src := fixture(20)
	m, err := New(Options{Source: src, Cases: src, ABNs: src, Flights: mf, User: "amina.idrissi", Office: "RBA",
		Keys: DefaultKeyMap(), Styles: st, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	send(t, m, teaSize(80, 24))
	return m
}

// TestFlightsTabFromTheQueues: F on the queues lists the flights of the
// next 30 days with their counts and caps; ] steps 30 days on, [ back;
// enter opens the flight under the cursor; esc goes back to the queues.
func TestFlightsTabFromTheQueues(t *testing.T) {
	m := newFlightModel(t, flightFixture())
	keys(t, m, "F")
	if m.top().Title() != "Flights" {
		t.Fatalf("F opened %q", m.top().Title())
	}
	golden(t, "flights_tab", m)
	s := screen(m)
	for _, want := range []string{"AC837  2026-12-01 CDG-YUL 13:05   3   6   4   1   1   1   1   1 !CA-GAR 5/4",
		"AT700  2026-12-01 RBA-CDG 06:10   1   3", "33 flights · 40 passenger legs"} {
		if !strings.Contains(s, want) {
			t.Errorf("flights tab lacks %q:\n%s", want, s)
		}
	}
	keys(t, m, "]")
	if s := screen(m); !strings.Contains(s, "2026-12-22 to 2027-01-20") || !strings.Contains(s, "No case is booked") {
		t.Fatalf("30 days on:\n%s", s)
	}
	keys(t, m, "[", "j", "enter")
	if m.top().Title() != "AC837 2026-12-01" {
		t.Fatalf("enter on the second row opened %q", m.top().Title())
	}
	keys(t, m, "esc", "esc")
	if m.top() != Screen(m.queue) {
		t.Fatalf("esc twice left %q on top", m.top().Title())
	}
}

// TestFlightViewAndManifests: :flight AC 837 DATE opens the flight view
// with totals, SSR counts, MEDIF status with the operating carrier,
// escorts, PNR groups and caps; enter on a traveller opens the case; M
// shows the airline manifest (no case, no programme), tab the airport's,
// ctrl+s writes it and says where.
func TestFlightViewAndManifests(t *testing.T) {
	mf := flightFixture()
	m := newFlightModel(t, mf)
	keys(t, m, ":")
	typeText(t, m, "flight AC 0837 2026-12-01")
	keys(t, m, "enter")
	if m.top().Title() != "AC837 2026-12-01" {
		t.Fatalf(":flight opened %q (%s)", m.top().Title(), m.msg)
	}
	golden(t, "flight_view", m)
	s := screen(m)
	for _, want := range []string{"Travellers 6: ADT 4 CHD 1 INF 1", "Wheelchairs 1 · meet-and-assist 1",
		"BSCT 1", "MEDIFs: 1 · HADDAD Omar (approved)", "!over CA-GAR 5/4", "escort seats 1 · escorts: Youssef Amrani", "same PNR RBA-2026-000202"} {
		if !strings.Contains(s, want) {
			t.Errorf("flight view lacks %q:\n%s", want, s)
		}
	}
	keys(t, m, "j", "j", "j", "enter")
	if c, ok := m.top().(CaseContext); !ok || c.CurrentCase() != "RBA-2026-000201" {
		t.Fatalf("enter on Lina opened %q", m.top().Title())
	}
	keys(t, m, "esc")

	keys(t, m, "M")
	golden(t, "flight_manifest_airline", m)
	s = screen(m)
	if !strings.Contains(s, "HADDAD/OMAR") || strings.Contains(s, "RBA-2026-000201") || strings.Contains(s, "CA-GAR") {
		t.Fatalf("airline manifest:\n%s", s)
	}
	keys(t, m, "tab")
	s = screen(m)
	if m.top().Title() != "Manifest: airport" || !strings.Contains(s, "WCHC") || strings.Contains(s, "MOML") || strings.Contains(s, "DANA") {
		t.Fatalf("airport manifest:\n%s", s)
	}
	keys(t, m, "ctrl+s")
	if len(mf.saved) != 1 || mf.saved[0].Recipient != flights.Airport || !strings.Contains(m.msg, "/data/manifest-AC837-airport.csv") {
		t.Fatalf("saved %v, footer %q", mf.saved, m.msg)
	}
	keys(t, m, "tab")
	if s := screen(m); !strings.Contains(s, "RBA-2026-000203") || !strings.Contains(s, "USRAP") {
		t.Fatalf("agency manifest:\n%s", s)
	}
}

// TestFlightCommands: :flights opens the tab, a bad :flight says why, and
// an empty flight says nobody is booked.
func TestFlightCommands(t *testing.T) {
	m := newFlightModel(t, flightFixture())
	for _, c := range []struct{ line, want string }{
		{"flight AC837", "needs a flight and a date"},
		{"flight A 837 2026-12-01", "2-character"},
		{"flight AC837 01/12/2026", "YYYY-MM-DD"},
	} {
		keys(t, m, ":")
		typeText(t, m, c.line)
		keys(t, m, "enter")
		if !m.msgErr || !strings.Contains(m.msg, c.want) {
			t.Errorf(":%s: footer %q, want %q", c.line, m.msg, c.want)
		}
	}
	keys(t, m, ":")
	typeText(t, m, "flight AC836 2026-12-01")
	keys(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "Nobody is booked on this flight") {
		t.Fatalf("empty flight:\n%s", s)
	}
	keys(t, m, ":")
	typeText(t, m, "flights")
	keys(t, m, "enter")
	if m.top().Title() != "Flights" || !slices.Contains(commandNames, "flight") {
		t.Fatalf(":flights opened %q", m.top().Title())
	}
}

// TestFlightsWithoutSource: an app without a flight source says so.
func TestFlightsWithoutSource(t *testing.T) {
	m := newTestModel(t, fixture(5), fakeQuoter{})
	keys(t, m, "F")
	if s := screen(m); !strings.Contains(s, "flights are not available") {
		t.Fatalf("no source:\n%s", s)
	}
}
