package tui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// dutySource is a one-case Source, and a fake checklist desk whose writes
// apply duty records.
type dutySource struct {
	mu   sync.Mutex
	f    *booking.CaseFile
	puts []booking.Record
	fail error
}

func (s *dutySource) Rows() ([]booking.Summary, error)              { return nil, nil }
func (s *dutySource) Summary(string) (booking.Summary, error)       { return booking.Summary{}, nil }
func (s *dutySource) History(string) ([]HistoryEntry, error)        { return nil, nil }
func (s *dutySource) FindByABN(string) (string, error)              { return "", nil }
func (s *dutySource) CaseFile(no string) (*booking.CaseFile, error) { return s.copy(), nil }
func (s *dutySource) copy() *booking.CaseFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := *s.f
	return &g
}
func (s *dutySource) update(fn func(tx *dutyTx) error) error {
	tx := &dutyTx{s: s, f: s.copy()}
	if err := fn(tx); err != nil {
		return err
	}
	if s.fail != nil {
		return s.fail
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.f = tx.f
	s.puts = append(s.puts, tx.puts...)
	return nil
}

type dutyTx struct {
	s    *dutySource
	f    *booking.CaseFile
	puts []booking.Record
}

func (tx *dutyTx) CaseFile(string) (*booking.CaseFile, error) { return tx.f, nil }
func (tx *dutyTx) Desk() string                               { return "dtest" }
func (tx *dutyTx) Put(rec booking.Record) error {
	if err := rec.Validate(); err != nil {
		return err
	}
	tx.f.Apply(rec)
	tx.puts = append(tx.puts, rec)
	return nil
}

// ToggleItem implements ChecklistDesk with the default templates, as
// desk.ToggleItem does with the effective ones.
func (s *dutySource) ToggleItem(actor, no, list, key string) (booking.Record, error) {
	var rec booking.Record
	err := s.update(func(tx *dutyTx) error {
		f, _ := tx.CaseFile(no)
		var tpl *booking.Templates
		var err error
		rec, err = f.Toggle(list, key, tpl.For(f.Case.Programme), f.DepartureDate(), actor, testNow())
		if err != nil {
			return err
		}
		return tx.Put(rec)
	})
	return rec, err
}

func dutyCaseFile() *booking.CaseFile {
	no := "RBA-2026-000101"
	d := booking.MustDate
	return &booking.CaseFile{
		Case: booking.Case{Number: no, Programme: "USRAP", Office: "RBA", Status: booking.StatusABNSent},
		Travellers: []booking.Traveller{
			{Case: no, Member: 1, Principal: true, FamilyName: "Haddad", GivenNames: "Omar", BirthDate: d("1980-01-01"), MedicalValidUntil: d("2027-03-01")},
			{Case: no, Member: 2, FamilyName: "Haddad", GivenNames: "Layla", BirthDate: d("2015-05-05"), MedicalValidUntil: d("2027-03-01")},
		},
		Documents: []booking.Document{
			{Case: no, Member: 1, ID: "d1", Type: booking.DocPassport, Number: "P100", ExpiryDate: d("2030-01-01")},
			{Case: no, Member: 2, ID: "d1", Type: booking.DocPassport, Number: "P200", ExpiryDate: d("2030-01-01")},
		},
		Bookings: []booking.Booking{{Case: no, ID: "B1", Status: booking.BookingActive, Travellers: []int{1, 2},
			Segments: []booking.Segment{{Carrier: "AT", Flight: "200", From: "CMN", To: "JFK",
				Depart: booking.MustLocalTime("2026-12-03T10:00"), Arrive: booking.MustLocalTime("2026-12-03T14:00")}}}},
	}
}

func newDutyScreen(t *testing.T, src *dutySource, list string) *checklistScreen {
	t.Helper()
	st, err := DefaultStyles("dark", true)
	if err != nil {
		t.Fatal(err)
	}
	d := ChecklistDeps{Source: src, Checklists: src, User: "amina", Keys: DefaultKeyMap(), Styles: st, Now: testNow,
		Gate: func(*booking.CaseFile) booking.GateInput { return booking.GateInput{FindingsChecked: true} }}
	s := NewChecklistScreen(d, "RBA-2026-000101", list).(*checklistScreen)
	s.SetSize(80, 24)
	drive(t, s, s.Init())
	return s
}

// drive runs cmd and feeds every message it returns back into the screen.
func drive(t *testing.T, s *checklistScreen, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var seen []tea.Msg
	for cmd != nil {
		msg := cmd()
		seen = append(seen, msg)
		cmd = s.Update(msg)
		if _, ok := msg.(SavedMsg); ok {
			break
		}
		if _, ok := msg.(ErrMsg); ok {
			break
		}
	}
	return seen
}

func press(t *testing.T, s *checklistScreen, k string) []tea.Msg {
	t.Helper()
	return drive(t, s, s.Update(keyMsg(k)))
}

func checkGolden(t *testing.T, name string, s *checklistScreen) {
	t.Helper()
	got := ansi.Strip(s.View())
	if n := len(strings.Split(got, "\n")); n != 24 {
		t.Errorf("%s: %d lines, want 24", name, n)
	}
	goldenText(t, name, got)
}

func TestChecklistScreenToggleSavesAtOnce(t *testing.T) {
	src := &dutySource{f: dutyCaseFile()}
	s := newDutyScreen(t, src, booking.ChecklistVerification)
	checkGolden(t, "checklist_verification", s)
	press(t, s, "down")
	msgs := press(t, s, "space")
	if len(src.puts) != 1 || src.puts[0].Key() != "RBA-2026-000101/verification/01" {
		t.Fatalf("puts %v (msgs %v)", src.puts, msgs)
	}
	it := s.items()[1]
	if !it.Done || it.By != "amina" || !it.At.Equal(testNow()) {
		t.Fatalf("item after toggle %+v", it)
	}
	if _, ok := msgs[len(msgs)-1].(SavedMsg); !ok {
		t.Fatalf("no SavedMsg: %v", msgs)
	}
	checkGolden(t, "checklist_verification_ticked", s)
	// space again unticks, in a second transaction.
	press(t, s, "space")
	if len(src.puts) != 2 || s.items()[1].Done {
		t.Fatalf("untick: puts %d, item %+v", len(src.puts), s.items()[1])
	}
}

func TestChecklistScreenTabsAndGate(t *testing.T) {
	src := &dutySource{f: dutyCaseFile()}
	s := newDutyScreen(t, src, booking.ChecklistVerification)
	press(t, s, "tab")
	if booking.ChecklistNames[s.list] != booking.ChecklistCounselling {
		t.Fatalf("tab went to %s", booking.ChecklistNames[s.list])
	}
	checkGolden(t, "checklist_counselling", s)
	press(t, s, "shift+tab")
	press(t, s, "shift+tab")
	if booking.ChecklistNames[s.list] != booking.ChecklistTravelBag {
		t.Fatalf("shift+tab went to %s", booking.ChecklistNames[s.list])
	}
	// Tick every list's items: the gate opens.
	for range booking.ChecklistNames {
		for i := range s.items() {
			s.cursor = i
			if !s.items()[i].Done {
				press(t, s, "space")
			}
		}
		press(t, s, "tab")
	}
	// Custody is logged outside the checklist screens.
	f := src.copy()
	for _, m := range []int{1, 2} {
		c, err := f.LogCustody(m, "d1", booking.CustodyEvent{Action: booking.CustodyReceived, From: "embassy", By: "amina", At: testNow()}, "")
		if err != nil {
			t.Fatal(err)
		}
		f.Apply(c)
	}
	src.f = f
	drive(t, s, s.Init())
	if !strings.Contains(ansi.Strip(s.View()), "gate open") {
		t.Fatalf("gate not open:\n%s", ansi.Strip(s.View()))
	}
}

func TestChecklistScreenFailedSaveKeepsState(t *testing.T) {
	src := &dutySource{f: dutyCaseFile(), fail: errors.New("store is in use")}
	s := newDutyScreen(t, src, booking.ChecklistTravelBag)
	msgs := press(t, s, "space")
	if _, ok := msgs[len(msgs)-1].(ErrMsg); !ok || s.items()[0].Done || s.saving {
		t.Fatalf("failed save: msgs %v item %+v", msgs, s.items()[0])
	}
	if !strings.Contains(ansi.Strip(s.View()), "✗ store is in use") {
		t.Fatalf("error not shown:\n%s", ansi.Strip(s.View()))
	}
	if msgs := press(t, s, "esc"); len(msgs) == 0 {
		t.Fatal("esc did not go back")
	} else if _, ok := msgs[0].(BackMsg); !ok {
		t.Fatalf("esc: %v", msgs)
	}
}

// goldenText compares text with testdata/name.golden (rewritten with -update).
func goldenText(t *testing.T, name, got string) {
	t.Helper()
	for i, l := range strings.Split(got, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("%s: line %d is %d cells wide", name, i+1, w)
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

// bigFamilyFile is dutyCaseFile with six adults on the booking, two of them
// with special needs: the counselling and travel-bag lists outgrow the
// screen.
func bigFamilyFile() *booking.CaseFile {
	f := dutyCaseFile()
	no, d := f.Case.Number, booking.MustDate
	f.Travellers[1].BirthDate = d("1982-05-05")
	f.Travellers[1].SSR = []string{"WCHR"}
	ssr := [][]string{{"VGML"}, {"MEDA"}, nil, nil}
	for i, g := range []string{"Yusuf", "Mariam", "Karim", "Huda"} {
		m := 3 + i
		f.Travellers = append(f.Travellers, booking.Traveller{Case: no, Member: m, FamilyName: "Haddad", GivenNames: g,
			BirthDate: d("2000-01-01"), MedicalValidUntil: d("2027-03-01"), SSR: ssr[i]})
		f.Documents = append(f.Documents, booking.Document{Case: no, Member: m, ID: "d1", Type: booking.DocPassport,
			Number: "P" + string(rune('3'+i)) + "00", ExpiryDate: d("2030-01-01")})
		f.Bookings[0].Travellers = append(f.Bookings[0].Travellers, m)
	}
	return f
}

// The grouped lists keep the cursor's line on screen at the body height
// of an 80x24 app (21 lines), G and g jump to the ends.
func TestChecklistCursorStaysVisible(t *testing.T) {
	for _, list := range []string{booking.ChecklistCounselling, booking.ChecklistTravelBag} {
		src := &dutySource{f: bigFamilyFile()}
		s := newDutyScreen(t, src, list)
		s.SetSize(80, 21)
		n := len(s.items())
		if n < 14 {
			t.Fatalf("%s: only %d items, the list fits", list, n)
		}
		for i := 0; i < n+2; i++ {
			v := ansi.Strip(s.View())
			if !strings.Contains(v, "▸") {
				t.Fatalf("%s: cursor %d (%s) not drawn:\n%s", list, s.cursor, s.items()[s.cursor].Label, v)
			}
			press(t, s, "j")
		}
		press(t, s, "g")
		if s.cursor != 0 {
			t.Fatalf("%s: g left the cursor at %d", list, s.cursor)
		}
		press(t, s, "G")
		if s.cursor != n-1 {
			t.Fatalf("%s: G left the cursor at %d of %d", list, s.cursor, n)
		}
		got := ansi.Strip(s.View())
		if !strings.Contains(got, "▸") {
			t.Fatalf("%s: cursor not drawn after G:\n%s", list, got)
		}
		goldenText(t, "checklist_"+strings.ReplaceAll(list, "-", "_")+"_bottom", got)
	}
}
