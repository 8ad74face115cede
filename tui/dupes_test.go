package tui

import (
	"charm.land/bubbles/v2/key"

	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/dupes"
)

// memDupes is the duplicate check over a memSource, with the real
// matcher.
type memDupes struct {
	src           *memSource
	calls, warmed int
}

func (d *memDupes) WarmDuplicates() error { d.warmed++; return nil }

func (d *memDupes) FindDuplicates(t booking.Traveller, docs []booking.Document) ([]Duplicate, error) {
	d.calls++
	ix := dupes.NewIndex()
	names := map[string]string{}
	for _, f := range d.src.files {
		for i := range f.Travellers {
			p := dupes.FromTraveller(&f.Travellers[i], f.Documents)
			ix.Put(p)
			names[p.Key()] = p.Name()
		}
	}
	var out []Duplicate
	for _, m := range ix.Find(dupes.FromTraveller(&t, docs), 20) {
		out = append(out, Duplicate{Case: m.Other.Case, Member: m.Other.Member, Name: names[m.Other.Key()],
			Birth: m.Other.Birth, Score: m.Score, Reason: m.Reason})
	}
	return out, nil
}

// uniqueDocs gives each fixture case its own document numbers (the
// fixture repeats them).
func uniqueDocs(src *memSource) *memSource {
	for no, f := range src.files {
		for i := range f.Documents {
			f.Documents[i].Number += no[len(no)-3:]
		}
	}
	return src
}

// TestTravellerFormShowsDuplicates: a new traveller typed under another
// spelling of a traveller of another case, with the same birth date, shows
// the match under the form before saving; ctrl+o opens that case and esc
// comes back to the form with the input kept.
func TestTravellerFormShowsDuplicates(t *testing.T) {
	src := uniqueDocs(fixture(3))
	m := newTestModel(t, src, nil)
	fd := &memDupes{src: src}
	d := editDeps(m)
	d.Dupes = fd
	no := fixtureFile(1).Case.Number
	send(t, m, PushMsg{Screen: NewRecordScreen(d, no, EditCaseForm)})
	if fd.warmed != 0 {
		t.Error("the case form built the duplicate index")
	}
	keys(t, m, "esc")
	send(t, m, PushMsg{Screen: NewRecordScreen(d, no, EditTravellerForm)})
	if fd.warmed != 1 {
		t.Errorf("opening the traveller form warmed the index %d times, want 1", fd.warmed)
	}
	// Traveller 1 of the case has no duplicate: no panel.
	if strings.Contains(screen(m), "possible duplicate") {
		t.Fatalf("panel without a match:\n%s", screen(m))
	}
	keys(t, m, "space", "space", "space") // new traveller
	keys(t, m, "tab")
	typeText(t, m, "El-Haddad")
	keys(t, m, "tab")
	typeText(t, m, "Maryam")
	if strings.Contains(screen(m), "possible duplicate") {
		t.Fatalf("a match without a birth date:\n%s", screen(m))
	}
	keys(t, m, "tab")
	typeText(t, m, "1988-07-0")
	calls := fd.calls
	typeText(t, m, "2")
	if fd.calls != calls+1 {
		t.Errorf("the keystroke completing the birth date ran %d checks, want 1", fd.calls-calls)
	}
	golden(t, "traveller_duplicates", m)
	if !strings.Contains(screen(m), "RBA-2026-000100/2 HADDAD, Mariam 1988-07-02 · name ~ and same birth date") {
		t.Fatalf("the match is not shown:\n%s", screen(m))
	}
	if h := m.top().KeyMap().ShortHelp(); !strings.Contains(helpKeys(h), "ctrl+o") {
		t.Errorf("ctrl+o missing from the help: %s", helpKeys(h))
	}
	// Moving focus changes nothing the matcher looks at: no new check.
	calls = fd.calls
	keys(t, m, "tab", "tab")
	if fd.calls != calls {
		t.Errorf("tab ran %d checks", fd.calls-calls)
	}
	keys(t, m, "ctrl+o")
	if cs, ok := m.top().(*caseScreen); !ok || cs.no != "RBA-2026-000100" {
		t.Fatalf("ctrl+o did not open RBA-2026-000100:\n%s", screen(m))
	}
	keys(t, m, "esc")
	if !strings.Contains(screen(m), "family name    El-Haddad") || !strings.Contains(screen(m), "possible duplicate") {
		t.Fatalf("back from the other case, the input or the panel is gone:\n%s", screen(m))
	}
	// A birth date that differs takes the match away.
	keys(t, m, "shift+tab", "shift+tab", "backspace")
	typeText(t, m, "9")
	if strings.Contains(screen(m), "possible duplicate") {
		t.Fatalf("panel after the birth date changed:\n%s", screen(m))
	}
	keys(t, m, "ctrl+o")
	if _, ok := m.top().(*recordScreen); !ok {
		t.Fatal("ctrl+o without a match left the form")
	}
}

// TestDocumentFormShowsSamePassport: typing a passport number another
// case's traveller holds names it.
func TestDocumentFormShowsSamePassport(t *testing.T) {
	src := uniqueDocs(fixture(3))
	m := newTestModel(t, src, nil)
	d := editDeps(m)
	d.Dupes = &memDupes{src: src}
	no := fixtureFile(1).Case.Number
	send(t, m, PushMsg{Screen: NewRecordScreen(d, no, EditDocumentForm)})
	if strings.Contains(screen(m), "possible duplicate") {
		t.Fatalf("panel without a match:\n%s", screen(m))
	}
	keys(t, m, "tab", "tab", "tab", "ctrl+u")
	typeText(t, m, "n 0123456-100")
	if !strings.Contains(screen(m), "same passport number") || !strings.Contains(screen(m), "RBA-2026-000100/1") {
		t.Fatalf("same passport number not shown:\n%s", screen(m))
	}
}

// TestIntakeShowsDuplicates: the new-case form checks its applicant.
func TestIntakeShowsDuplicates(t *testing.T) {
	src := uniqueDocs(fixture(3))
	m := newTestModel(t, src, nil)
	m.opt.Dupes = &memDupes{src: src}
	keys(t, m, "n")
	for range 12 {
		keys(t, m, "tab")
	}
	typeText(t, m, "popal")
	keys(t, m, "tab")
	typeText(t, m, "Mariam")
	keys(t, m, "tab")
	typeText(t, m, "1988-02-07")
	if !strings.Contains(screen(m), "RBA-2026-000102/2 POPAL, Mariam 1988-07-02 · name ~, birth day/month swapped") {
		t.Fatalf("no match with day and month swapped:\n%s", screen(m))
	}
}

func helpKeys(bs []key.Binding) string {
	var out []string
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b.Help().Key)
		}
	}
	return strings.Join(out, " ")
}
