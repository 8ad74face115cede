package tui

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"movedesk/booking"
)

// memContacts is ContactDesk over a memSource with the booking rules, its
// writes in the source's history (the timeline).
type memContacts struct{ src *memSource }

func (m memContacts) write(actor, no string, rec booking.Record) {
	data, _ := json.Marshal(rec)
	var fields map[string]any
	_ = json.Unmarshal(data, &fields)
	h := HistoryEntry{Actor: actor, When: testNow(), Kind: rec.Kind(), Key: rec.Key(), Fields: map[string]string{}}
	for k, v := range fields {
		b, _ := json.Marshal(v)
		h.Fields[k] = string(b)
	}
	m.src.history[no] = append(m.src.history[no], h)
}

func (m memContacts) AddContact(actor, no string, c booking.Contact) (booking.Contact, error) {
	f := m.src.files[no]
	x, err := f.NewContact(c, actor, "dtest", testNow())
	if err != nil {
		return booking.Contact{}, err
	}
	f.Contacts = append(f.Contacts, *x)
	m.write(actor, no, x)
	return *x, nil
}

func (m memContacts) put(actor, no string, x *booking.Contact) {
	f := m.src.files[no]
	*f.Contact(x.ID) = *x
	m.write(actor, no, x)
}

func (m memContacts) ChangeContact(actor, no, id string, c booking.Contact) (booking.Contact, error) {
	x, err := m.src.files[no].ChangeContact(id, c, actor, testNow())
	if err != nil {
		return booking.Contact{}, err
	}
	m.put(actor, no, x)
	return *x, nil
}

func (m memContacts) RemoveContact(actor, no, id, reason string) (booking.Contact, error) {
	x, err := m.src.files[no].RemoveContact(id, reason, actor, testNow())
	if err != nil {
		return booking.Contact{}, err
	}
	m.put(actor, no, x)
	return *x, nil
}

func (m memContacts) LogComm(actor, no string, e booking.CommEntry) (booking.CommEntry, error) {
	f := m.src.files[no]
	x, err := f.LogComm(e, actor, "dtest", testNow())
	if err != nil {
		return booking.CommEntry{}, err
	}
	f.Comms = append(f.Comms, *x)
	m.write(actor, no, x)
	return *x, nil
}

func newContactsModel(t *testing.T) (*Model, *memSource) {
	t.Helper()
	src := fixture(1)
	st, err := DefaultStyles("dark", true)
	if err != nil {
		t.Fatal(err)
	}
	d := DutyDeps{Source: src, User: "amina", Keys: DefaultKeyMap(), Styles: st, Now: testNow, Contacts: memContacts{src}}
	m, err := New(Options{Source: src, User: "amina", Keys: d.Keys, Styles: d.Styles, Now: testNow, CaseActions: ContactActions(d)})
	if err != nil {
		t.Fatal(err)
	}
	send(t, m, teaSize(80, 24))
	send(t, m, OpenCaseMsg{Number: "RBA-2026-000100"})
	return m, src
}

// TestContactsScreen: from the case view, L opens the contacts and log;
// contacts are added with errors beside their fields as typed, a log entry
// is added and corrected (never edited), a contact is removed with a
// reason, and the timeline tells what happened.
func TestContactsScreen(t *testing.T) {
	m, src := newContactsModel(t)
	no := "RBA-2026-000100"
	keys(t, m, "?")
	if !strings.Contains(screen(m), "L contacts & log") {
		t.Fatalf("help lacks L:\n%s", screen(m))
	}
	keys(t, m, "?", "L")
	if m.top().Title() != "contacts & log" || !strings.Contains(screen(m), "none yet: a adds one") {
		t.Fatalf("L:\n%s", screen(m))
	}

	// A traveller's phone and e-mail; the e-mail is judged as typed.
	keys(t, m, "a", "tab")
	typeText(t, m, "+212 6 12 34 56 78")
	keys(t, m, "tab")
	typeText(t, m, "omar@")
	keys(t, m, "tab")
	if !strings.Contains(screen(m), `✗ e-mail "omar@" needs a domain`) {
		t.Fatalf("e-mail error not beside the field:\n%s", screen(m))
	}
	keys(t, m, "ctrl+s")
	if m.top().Title() != "new contact" {
		t.Fatal("a refused save left the form")
	}
	keys(t, m, "shift+tab")
	typeText(t, m, "example.org")
	keys(t, m, "ctrl+s")
	if m.top().Title() != "contacts & log" || !strings.Contains(screen(m), "traveller 1 HADDAD, Omar: +212 6 12 34 56 78 · omar@example.org") {
		t.Fatalf("after saving the contact:\n%s", screen(m))
	}

	// Someone else: name and relation appear for them.
	keys(t, m, "a")
	if strings.Contains(screen(m), "relation") {
		t.Fatalf("relation shown for a traveller's contact:\n%s", screen(m))
	}
	keys(t, m, "space", "space", "space", "tab")
	typeText(t, m, "Leila Haddad")
	keys(t, m, "tab", "space", "tab")
	typeText(t, m, "12ab")
	keys(t, m, "tab")
	if !strings.Contains(screen(m), "only digits, a leading + and spaces") {
		t.Fatalf("phone error:\n%s", screen(m))
	}
	keys(t, m, "shift+tab", "ctrl+u")
	typeText(t, m, "0612345679")
	keys(t, m, "ctrl+s")
	if !strings.Contains(screen(m), "Leila Haddad (relative): 0612345679") {
		t.Fatalf("after the relative:\n%s", screen(m))
	}

	// A log entry, then its correction.
	keys(t, m, "n", "tab", "tab", "tab")
	typeText(t, m, "Leila Haddad")
	keys(t, m, "tab")
	typeText(t, m, "documents requested by phone")
	keys(t, m, "ctrl+s")
	if !strings.Contains(screen(m), "2026-11-22 10:00 phone  → Leila Haddad: documents requested by phone") {
		t.Fatalf("after the log entry:\n%s", screen(m))
	}
	keys(t, m, "G", "e")
	if m.top().Title() != "correct log entry" || !strings.Contains(screen(m), "documents requested by phone") {
		t.Fatalf("e on the entry:\n%s", screen(m))
	}
	keys(t, m, "ctrl+s")
	if m.top().Title() != "correct log entry" {
		t.Fatal("a correction changing nothing was saved")
	}
	keys(t, m, "tab", "tab", "space") // direction: in
	keys(t, m, "ctrl+s")
	golden(t, "contacts_view", m)
	if !strings.Contains(screen(m), "↻ 2026-11-22 10:00 phone  ← Leila Haddad: documents requested by phone") ||
		!strings.Contains(screen(m), "entry m1-dtest · logged by amina 2026-11-22 10:00 · corrected by m2-dtest") {
		t.Fatalf("after the correction:\n%s", screen(m))
	}
	keys(t, m, "j")
	if !strings.Contains(screen(m), "entry m2-dtest · logged by amina 2026-11-22 10:00 · corrects m1-dtest") {
		t.Fatalf("the correction's detail:\n%s", screen(m))
	}
	// The corrected entry takes no second correction: the footer says why.
	keys(t, m, "k", "e")
	if m.top().Title() != "contacts & log" || !strings.Contains(screen(m), "corrected by m2-dtest") {
		t.Fatalf("e on a corrected entry:\n%s", screen(m))
	}

	// Removing the first contact needs a reason.
	keys(t, m, "g", "x", "ctrl+s")
	if m.top().Title() != "remove contact" {
		t.Fatal("removed without a reason")
	}
	typeText(t, m, "number no longer in use")
	keys(t, m, "ctrl+s")
	if !strings.Contains(screen(m), "✗ removed: number no longer in use") || len(src.files[no].ActiveContacts()) != 1 {
		t.Fatalf("after removing:\n%s", screen(m))
	}
	keys(t, m, "x")
	if m.top().Title() != "contacts & log" || !strings.Contains(screen(m), "was removed") {
		t.Fatalf("x on a removed contact:\n%s", screen(m))
	}

	keys(t, m, "esc")
	if cv := screen(m); !strings.Contains(cv, "1 contact(s) · 2 log entr(ies) (L lists them)") ||
		!strings.Contains(cv, "Leila Haddad (relative): 0612345679") || !strings.Contains(cv, "last: 2026-11-22 10:00 phone ← Leila Haddad") {
		t.Fatalf("the case view's contacts section:\n%s", cv)
	}
	keys(t, m, "t")
	tl := screen(m)
	for _, want := range []string{"contact c1-dtest added: traveller 1", "log m1-dtest: phone → Leila Haddad: documents",
		"(corrects m1-dtest)", "contact c1-dtest removed: number no longer in"} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline lacks %q:\n%s", want, tl)
		}
	}
}

// TestContactsScreenScrolls: a long log keeps the cursor on screen.
func TestContactsScreenScrolls(t *testing.T) {
	m, src := newContactsModel(t)
	f := src.files["RBA-2026-000100"]
	for i := range 40 {
		f.Comms = append(f.Comms, booking.CommEntry{Case: f.Case.Number, ID: fmt.Sprintf("m%d", i+1), When: booking.MustLocalTime(fmt.Sprintf("2026-10-%02dT09:00", i%28+1)),
			Channel: "sms", Direction: "out", Who: "Omar", Text: fmt.Sprintf("reminder %d", i+1), By: "amina", Logged: testNow()})
	}
	keys(t, m, "L", "G")
	if !strings.Contains(screen(m), "▸") {
		t.Fatalf("the cursor is off screen at the bottom:\n%s", screen(m))
	}
	keys(t, m, "g")
	if !strings.Contains(screen(m), "▸") || !strings.Contains(screen(m), "Contacts") {
		t.Fatalf("back at the top:\n%s", screen(m))
	}
}
