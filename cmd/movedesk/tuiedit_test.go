package main

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// TestTUIIntakeEndToEnd opens a case in the app over a real store, adds a
// traveller with SSR codes picked from the list, a document and a
// counselling session with an action item, making mistakes on the way (a
// bad date, an unknown code, a failed save keeps the input), then finds it
// all in the store.
func TestTUIIntakeEndToEnd(t *testing.T) {
	dir := bareDemoStore(t, "5")
	s, m := openApp(t, dir, nil)
	defer s.Close()
	key := func(r rune) tea.Key { return tea.Key{Code: r, Text: string(r)} }
	var (
		kTab   = tea.Key{Code: tea.KeyTab}
		kUp    = tea.Key{Code: tea.KeyUp}
		kSpace = tea.Key{Code: tea.KeySpace, Text: " "}
		kSave  = tea.Key{Code: 's', Mod: tea.ModCtrl}
		kBS    = tea.Key{Code: tea.KeyBackspace}
		kEsc   = tea.Key{Code: tea.KeyEscape}
	)
	tabs := func(n int) {
		for range n {
			press(t, m, kTab)
		}
	}
	want := func(what string, subs ...string) {
		t.Helper()
		f := frame(m)
		for _, x := range subs {
			if !strings.Contains(f, x) {
				t.Fatalf("%s: no %q in\n%s", what, x, f)
			}
		}
	}

	// New case: office, programme, priority, places; a bad birth date.
	press(t, m, key('n'))
	want("new case form", "New case", "office         RBA")
	tabs(3)
	typeKeys(t, m, "Casablanca")
	tabs(1)
	typeKeys(t, m, "cmn")
	tabs(1)
	typeKeys(t, m, "Toronto")
	tabs(1)
	typeKeys(t, m, "YYZ")
	tabs(6)
	typeKeys(t, m, "Ramírez")
	tabs(1)
	drive(t, m, tea.PasteMsg{Content: "Ana María\n"})
	tabs(1)
	typeKeys(t, m, "1990-02-30")
	want("bad date beside its field", "PA given names Ana María", `✗ "1990-02-30": February 1990 has 28 days`)
	press(t, m, kSave)
	want("refused save keeps the input", "Ramírez", "1990-02-30", "not saved")
	press(t, m, kBS, kBS)
	typeKeys(t, m, "28")
	press(t, m, kSave)
	f := frame(m)
	no := ""
	for _, w := range strings.Fields(f) {
		if booking.ValidCaseNumber(w) && strings.HasPrefix(w, "RBA-") {
			no = w
		}
	}
	if no == "" || !strings.Contains(f, "RAMÍREZ, Ana María") {
		t.Fatalf("the case view of the new case:\n%s", f)
	}

	// A second traveller: a child with an unknown SSR code, then the picker.
	press(t, m, key('T'))
	press(t, m, kSpace) // traveller 1 → new traveller
	want("new traveller", "new traveller")
	tabs(1)
	typeKeys(t, m, "Ramírez")
	tabs(1)
	typeKeys(t, m, "Luis")
	tabs(1)
	typeKeys(t, m, "2025-12-01")
	tabs(5)
	typeKeys(t, m, "wchr, zzzz")
	want("unknown code", `unknown SSR code "ZZZZ"`, "WCHR wheelchair: can do steps")
	press(t, m, tea.Key{Code: 'u', Mod: tea.ModCtrl})
	press(t, m, kEnter) // the picker
	want("picker", "Special service codes", "wheelchair: immobile")
	press(t, m, kSpace, key('j'), key('j'), kSpace, kEnter)
	want("codes picked", "WCHR, WCHC")
	press(t, m, kSave)
	want("traveller saved", "traveller 2 of "+no)
	press(t, m, kEsc)

	// A document of traveller 2: an expiry before the issue date.
	press(t, m, key('O'))
	press(t, m, kSpace) // traveller 1 → 2
	tabs(4)
	typeKeys(t, m, "n1234567")
	tabs(1)
	typeKeys(t, m, "COL")
	tabs(1)
	typeKeys(t, m, "2026-01-01")
	tabs(1)
	typeKeys(t, m, "2025-01-01")
	want("expiry before issue", "expiry 2025-01-01 is before issue 2026-01-01")
	for range 10 {
		press(t, m, kBS)
	}
	typeKeys(t, m, "2031-01-01")
	press(t, m, kSave)
	want("document saved", "document d1 of traveller 2")
	// esc on a dirty form asks.
	press(t, m, kUp)
	press(t, m, kBS)
	typeKeys(t, m, "2")
	want("typed", "2026-01-02")
	press(t, m, kEsc)
	want("esc asks", "Discard unsaved input? (y/n)")
	press(t, m, key('y'))

	// Counselling with an action item for traveller 2.
	press(t, m, key('K'))
	typeKeys(t, m, "2026-12-99")
	want("bad date", `✗ "2026-12-99": December 2026 has 31 days`)
	press(t, m, kBS, kBS)
	typeKeys(t, m, "01")
	tabs(2)
	typeKeys(t, m, "es")
	tabs(2)
	press(t, m, kSpace, kSpace)
	tabs(1)
	typeKeys(t, m, "wheelchair at CMN")
	press(t, m, kSave)
	want("counselling saved", "added", "(traveller 2): wheelchair at CMN")

	cf, err := s.CaseFile(no)
	if err != nil {
		t.Fatal(err)
	}
	if len(cf.Travellers) != 2 || cf.Travellers[1].GivenNames != "Luis" || strings.Join(cf.Travellers[1].SSR, ",") != "WCHC,WCHR" {
		t.Fatalf("travellers: %+v", cf.Travellers)
	}
	if d := cf.DocumentsOf(2); len(d) != 1 || d[0].Number != "N1234567" || d[0].IssuingCountry != "COL" {
		t.Fatalf("documents: %+v", cf.Documents)
	}
	if cf.Counselling == nil || cf.Counselling.Language != "es" || cf.Counselling.Counsellor != "amina.idrissi" ||
		len(cf.Actions) != 1 || cf.Actions[0].Traveller != 2 {
		t.Fatalf("counselling: %+v actions %+v", cf.Counselling, cf.Actions)
	}
	if cf.Case.OriginAirport != "CMN" || cf.Case.Assignee != "amina.idrissi" || cf.Travellers[0].FamilyName != "Ramírez" {
		t.Fatalf("case: %+v", cf.Case)
	}
}
