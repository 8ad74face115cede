package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func editDeps(m *Model) DutyDeps {
	return DutyDeps{Source: m.opt.Source, User: m.opt.User, Keys: *m.keys, Styles: *m.st, Now: testNow, Office: "RBA"}
}

// TestIntakeGolden: the new-case form at 80x24 with errors beside their
// fields as typed, a paste, and the too-small screen asking before it
// drops the input.
func TestIntakeGolden(t *testing.T) {
	m := newTestModel(t, fixture(3), nil)
	keys(t, m, "n")
	keys(t, m, "tab", "tab", "tab")
	send(t, m, tea.PasteMsg{Content: "Casablanca\n"})
	keys(t, m, "tab")
	typeText(t, m, "CM")
	keys(t, m, "tab")
	golden(t, "intake_new_case", m)
	if !strings.Contains(screen(m), "origin city    Casablanca") || !strings.Contains(screen(m), `✗ "CM" is not a 3-letter IATA`) {
		t.Fatalf("paste or error missing:\n%s", screen(m))
	}
	send(t, m, teaSize(50, 14))
	if keys(t, m, "q") {
		t.Fatal("q on the too-small screen dropped unsaved input without asking")
	}
	if !strings.Contains(screen(m), "Discard unsaved input? (y/n)") {
		t.Fatalf("too small, q: %s", screen(m))
	}
	keys(t, m, "n")
	send(t, m, teaSize(80, 24))
	keys(t, m, "esc")
	if !strings.Contains(screen(m), "Discard unsaved input?") {
		t.Fatalf("esc on a dirty form: %s", screen(m))
	}
	keys(t, m, "y")
	if m.top() != Screen(m.queue) {
		t.Fatal("y did not discard")
	}
}

// TestTravellerFormGolden: the traveller form at 80x24, the SSR codes'
// meaning under the field and an unknown code beside it; the picker.
func TestTravellerFormGolden(t *testing.T) {
	m := newTestModel(t, fixture(3), nil)
	no := fixtureFile(0).Case.Number
	send(t, m, PushMsg{Screen: NewRecordScreen(editDeps(m), no, EditTravellerForm)})
	keys(t, m, "space") // traveller 2
	for range 8 {
		keys(t, m, "tab")
	}
	keys(t, m, "end")
	typeText(t, m, ", moml, zz")
	golden(t, "edit_traveller", m)
	keys(t, m, "ctrl+u", "enter")
	keys(t, m, "G", "space", "enter")
	if !strings.Contains(screen(m), "SSR codes      LSML") {
		t.Fatalf("picked code not in the form:\n%s", screen(m))
	}
	keys(t, m, ":")
	if m.mode() != "INPUT" {
		t.Fatalf(": in a filled input should be text, mode %s", m.mode())
	}
	keys(t, m, "ctrl+u", ":")
	if m.mode() != "COMMAND" {
		t.Fatalf(": in an empty input should open the command bar, mode %s", m.mode())
	}
}
