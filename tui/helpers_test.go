package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testNow is the fixed clock of every screen test.
func testNow() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }

var testStatuses = []booking.Status{
	booking.StatusReceived, booking.StatusDataEntry, booking.StatusTravelReady, booking.StatusTravelReady,
	booking.StatusBooked, booking.StatusABNSent, booking.StatusReadyToDepart, booking.StatusDeparted,
	booking.StatusOnHold, booking.StatusCancelled,
}

var testFamilies = []string{"Haddad", "Nasser", "Popal", "Safi", "Qasim", "Mensah", "Okafor", "Rahimi", "Karimi", "Duarte"}
var testGiven = []string{"Omar", "Layla", "Parwana", "Qadir", "Amina", "Kofi", "Ngozi", "Farid", "Zahra", "Ana"}

// fixtureFile builds case i of the deterministic test fixture.
func fixtureFile(i int) *booking.CaseFile {
	d := booking.MustDate
	st := testStatuses[i%len(testStatuses)]
	no := fmt.Sprintf("RBA-2026-%06d", 100+i)
	c := booking.Case{Number: no, Programme: []string{"USRAP", "CA-GAR", "AU-HUM"}[i%3], Office: "RBA",
		OriginCity: "Casablanca", OriginAirport: "CMN", DestCity: []string{"Toronto", "Seattle", "Sydney"}[i%3],
		DestAirport: []string{"YYZ", "SEA", "SYD"}[i%3], Sponsor: "COSTI Immigration Services", Priority: 1 + i%3,
		Received: d("2026-06-01").AddDays(i), Assignee: "amina.idrissi", Status: st}
	if st != booking.StatusReceived && st != booking.StatusDataEntry {
		c.TravelReady = d("2026-09-01").AddDays(i % 17)
	}
	if st == booking.StatusOnHold {
		c.HeldFrom = booking.StatusTravelReady
		c.StatusReason = "exit permit pending"
	}
	f := &booking.CaseFile{Case: c}
	fam := testFamilies[i%len(testFamilies)]
	f.Travellers = []booking.Traveller{
		{Case: no, Member: 1, Principal: true, FamilyName: fam, GivenNames: testGiven[i%len(testGiven)], BirthDate: d("1984-03-15"),
			Sex: "M", Nationality: "SYR", Relationship: "PA", MedicalDate: d("2026-10-01"), MedicalValidUntil: d("2027-03-01")},
		{Case: no, Member: 2, FamilyName: fam, GivenNames: "Mariam", BirthDate: d("1988-07-02"), Sex: "F", Nationality: "SYR",
			Relationship: "spouse", SSR: []string{"WCHR"}, MedicalDate: d("2026-10-01"), MedicalValidUntil: d("2027-03-01")},
		{Case: no, Member: 3, FamilyName: fam, GivenNames: "Yusuf", BirthDate: d("2025-12-24"), Sex: "M", Nationality: "SYR",
			Relationship: "child", MedicalDate: d("2026-10-01"), MedicalValidUntil: d("2027-03-01")},
	}
	f.Documents = []booking.Document{
		{Case: no, Member: 1, ID: "p1", Type: booking.DocPassport, Number: "N0123456", IssuingCountry: "SYR", ExpiryDate: d("2030-01-01")},
		{Case: no, Member: 2, ID: "p1", Type: booking.DocPassport, Number: "N0654321", IssuingCountry: "SYR", ExpiryDate: d("2026-12-20")},
		{Case: no, Member: 3, ID: "i1", Type: booking.DocICRC, Number: "ICRC-77", ExpiryDate: d("2026-11-01")},
	}
	switch st {
	case booking.StatusBooked, booking.StatusABNSent, booking.StatusReadyToDepart, booking.StatusDeparted:
		dep := "2026-12-10"
		if st == booking.StatusDeparted {
			dep = "2026-11-10"
		}
		f.Bookings = []booking.Booking{{Case: no, ID: "b1", Status: booking.BookingActive, Travellers: []int{1, 2, 3},
			Segments: []booking.Segment{
				{Carrier: "AT", Flight: "200", From: "CMN", To: "JFK", Depart: booking.MustLocalTime(dep + "T10:05"), Arrive: booking.MustLocalTime(dep + "T13:20")},
				{Carrier: "AC", Flight: "701", From: "JFK", To: c.DestAirport, Depart: booking.MustLocalTime(dep + "T17:00"), Arrive: booking.MustLocalTime(dep + "T18:40")},
			}, TotalUSDCents: 231000, BookedBy: "amina.idrissi", BookedOn: d("2026-11-01")}}
		f.Case.Departure = d(dep)
	}
	if st == booking.StatusABNSent || st == booking.StatusReadyToDepart || st == booking.StatusDeparted {
		f.Case.ABNNumber = "ABN-" + no
	}
	return f
}

// fixture returns a memSource holding n fixture cases.
func fixture(n int) *memSource {
	s := newMemSource(testNow)
	for i := 0; i < n; i++ {
		s.add(fixtureFile(i))
	}
	return s
}

// newTestModel builds the app over src at 80x24 with fixed clock, user and
// the default keys and no-colour styles.
func newTestModel(t testing.TB, src Source, q Quoter) *Model {
	t.Helper()
	st, err := DefaultStyles("dark", true)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Source: src, Quoter: q, User: "amina.idrissi", Office: "RBA", Keys: DefaultKeyMap(), Styles: st, Now: testNow}
	if ms, ok := src.(*memSource); ok {
		ms.quoter = q
		opt.Cases, opt.ABNs = ms, ms
	}
	m, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

// keyMsg turns "j", "ctrl+d", "enter", "shift+tab" ... into a key press.
func keyMsg(s string) tea.KeyPressMsg {
	special := map[string]tea.Key{
		"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift}, "up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown},
		"left": {Code: tea.KeyLeft}, "right": {Code: tea.KeyRight}, "pgdown": {Code: tea.KeyPgDown}, "pgup": {Code: tea.KeyPgUp},
		"home": {Code: tea.KeyHome}, "end": {Code: tea.KeyEnd}, "backspace": {Code: tea.KeyBackspace},
		"space": {Code: tea.KeySpace, Text: " "},
	}
	if k, ok := special[s]; ok {
		return tea.KeyPressMsg(k)
	}
	if r, ok := strings.CutPrefix(s, "ctrl+"); ok {
		return tea.KeyPressMsg(tea.Key{Code: rune(r[0]), Mod: tea.ModCtrl})
	}
	rs := []rune(s)
	return tea.KeyPressMsg(tea.Key{Code: rs[0], Text: s})
}

// send delivers msg and then runs every resulting command to completion,
// feeding their messages back, like the program loop (without timers).
func send(t testing.TB, m *Model, msg tea.Msg) (quit bool) {
	t.Helper()
	queue := []tea.Msg{msg}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("message loop does not settle")
		}
		msg := queue[0]
		queue = queue[1:]
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
		_, cmd := m.Update(msg)
		queue = append(queue, runCmd(cmd)...)
	}
	return false
}

// runCmd runs cmd and flattens batches; listeners on channels are not run.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	switch msg := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// keys sends each key in turn.
func keys(t testing.TB, m *Model, ks ...string) (quit bool) {
	t.Helper()
	for _, k := range ks {
		if send(t, m, keyMsg(k)) {
			return true
		}
	}
	return false
}

// typeText sends each rune of s as a key press.
func typeText(t testing.TB, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		send(t, m, tea.KeyPressMsg(tea.Key{Code: r, Text: string(r)}))
	}
}

// screen returns the frame without escape codes.
func screen(m *Model) string { return ansi.Strip(m.render()) }

// golden compares the frame with testdata/name.golden (rewritten with -update).
func golden(t *testing.T, name string, m *Model) {
	t.Helper()
	got := screen(m)
	lines := strings.Split(got, "\n")
	if len(lines) != m.h {
		t.Errorf("%s: frame has %d lines, want %d", name, len(lines), m.h)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > m.w {
			t.Errorf("%s: line %d is %d cells wide (max %d): %q", name, i+1, w, m.w, l)
		}
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -run %s -update)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

func teaSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }
