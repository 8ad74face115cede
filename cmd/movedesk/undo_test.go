package main

import (
	"encoding/json"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/store"
	"movedesk/tui"
)

func rk(r rune) tea.Key { return tea.Key{Code: r, Text: string(r)} }

var (
	kSaveForm = tea.Key{Code: 's', Mod: tea.ModCtrl}
	kBack     = tea.Key{Code: tea.KeyBackspace}
	kEscape   = tea.Key{Code: tea.KeyEscape}
	kSpaceBar = tea.Key{Code: tea.KeySpace, Text: " "}
)

// editBirthDate opens traveller 1 of case no in the app and saves birth
// date to; it returns the date it had.
func editBirthDate(t *testing.T, s *store.Store, m tea.Model, no, to string) string {
	t.Helper()
	f, err := s.CaseFile(no)
	if err != nil {
		t.Fatal(err)
	}
	was := f.Traveller(1).BirthDate.String()
	drive(t, m, tui.OpenCaseMsg{Number: no})
	press(t, m, rk('T'), kTab, kTab, kTab)
	for range 10 {
		press(t, m, kBack)
	}
	typeKeys(t, m, to)
	press(t, m, kSaveForm)
	if f, _ := s.CaseFile(no); f.Traveller(1).BirthDate.String() != to {
		t.Fatalf("birth date not saved: %s\n%s", f.Traveller(1).BirthDate, frame(m))
	}
	press(t, m, kEscape)
	return was
}

// TestUndoFieldEdit: an edit made in the app, then u: the footer says what
// was undone, the case view shows the old value, the store holds it, and
// the undo is a new op in the log (so it syncs); u again finds nothing.
func TestUndoFieldEdit(t *testing.T) {
	dir := bareDemoStore(t, "5")
	no := firstCase(t, dir, booking.StatusDataEntry)
	s, m := openApp(t, dir, nil)
	defer s.Close()
	was := editBirthDate(t, s, m, no, "1990-05-10")
	ops := s.LogLen()
	press(t, m, rk('u'))
	want := "undid: " + no + " traveller 1 birth date " + was + " ⇒ 1990-05-10"
	if got := frame(m); !strings.Contains(got, want) {
		t.Fatalf("want %q in\n%s", want, got)
	}
	// The traveller form shows the old value again.
	press(t, m, rk('T'))
	if got := frame(m); !strings.Contains(got, "birth date     "+was) {
		t.Fatalf("the form does not show %s:\n%s", was, got)
	}
	press(t, m, kEscape)
	if f, _ := s.CaseFile(no); f.Traveller(1).BirthDate.String() != was {
		t.Fatalf("store holds %s after undo, want %s", f.Traveller(1).BirthDate, was)
	}
	ents, _ := s.Log(ops, 0)
	if len(ents) != 1 || ents[0].Op.Actor != "amina.idrissi" || string(ents[0].Op.Fields["birth_date"]) != `"`+was+`"` {
		t.Fatalf("the undo is not one new op by the user: %+v", ents)
	}
	press(t, m, rk('u'))
	if !strings.Contains(frame(m), "nothing to undo") {
		t.Fatalf("second u:\n%s", frame(m))
	}
}

// TestUndoChecklistTick: a tick in the checklist screen, then u unticks it.
func TestUndoChecklistTick(t *testing.T) {
	dir := bareDemoStore(t, "60")
	no := firstCase(t, dir, booking.StatusABNSent)
	s, m := openApp(t, dir, nil)
	defer s.Close()
	drive(t, m, tui.OpenCaseMsg{Number: no})
	press(t, m, rk('c'))
	before := frame(m)
	press(t, m, kSpaceBar)
	ticked := frame(m)
	if ticked == before {
		t.Fatalf("space changed nothing:\n%s", ticked)
	}
	press(t, m, rk('u'))
	got := frame(m)
	if !strings.Contains(got, "undid: "+no) || !strings.Contains(got, "ticked") {
		t.Fatalf("no undo message:\n%s", got)
	}
	// The list reads as before the tick (the footer aside).
	body := func(s string) string { l := strings.Split(s, "\n"); return strings.Join(l[:len(l)-2], "\n") }
	if body(got) != body(before) {
		t.Fatalf("after u the checklist differs from before the tick:\n%s\n---before\n%s", got, before)
	}
}

// TestUndoRefusesIrreversible: cancelling a case asks first; u then says
// it cannot undo it, and goes on to the change before it.
func TestUndoRefusesIrreversible(t *testing.T) {
	dir := bareDemoStore(t, "5")
	no := firstCase(t, dir, booking.StatusDataEntry)
	s, m := openApp(t, dir, nil)
	defer s.Close()
	was := editBirthDate(t, s, m, no, "1990-05-10")
	press(t, m, rk('m'))
	f := frame(m)
	for !strings.Contains(strings.Split(f, "▸ ")[len(strings.Split(f, "▸ "))-1][:20], "cancelled") {
		press(t, m, rk('j'))
		if frame(m) == f {
			t.Fatalf("no cancelled in the move list:\n%s", f)
		}
		f = frame(m)
	}
	press(t, m, kEnter)
	typeKeys(t, m, "withdrawn")
	press(t, m, kEnter)
	if !strings.Contains(frame(m), "Move "+no+" to cancelled? It cannot be undone. (y/n)") {
		t.Fatalf("cancelling does not ask first:\n%s", frame(m))
	}
	if f, _ := s.CaseFile(no); f.Case.Status == booking.StatusCancelled {
		t.Fatal("cancelled before the answer")
	}
	press(t, m, rk('y'))
	if f, _ := s.CaseFile(no); f.Case.Status != booking.StatusCancelled {
		t.Fatalf("not cancelled: %s\n%s", f.Case.Status, frame(m))
	}
	press(t, m, rk('u'))
	if got := frame(m); !strings.Contains(got, "cannot undo "+no+" moved to cancelled: irreversible") {
		t.Fatalf("u on a cancellation:\n%s", got)
	}
	if f, _ := s.CaseFile(no); f.Case.Status != booking.StatusCancelled {
		t.Fatalf("u changed the status: %s", f.Case.Status)
	}
	// The birth date edit before it is undone by the next u (a cancelled
	// case's biodata may still be corrected).
	press(t, m, rk('u'))
	if f, _ := s.CaseFile(no); f.Traveller(1).BirthDate.String() != was {
		t.Fatalf("second u: birth date %s, want %s\n%s", f.Traveller(1).BirthDate, was, frame(m))
	}
}

// TestUndoRefusesAfterSync: another desk's change of the same field,
// merged by sync after the edit, is not overwritten: u names its value.
func TestUndoRefusesAfterSync(t *testing.T) {
	dir := bareDemoStore(t, "5")
	no := firstCase(t, dir, booking.StatusDataEntry)
	s, m := openApp(t, dir, nil)
	defer s.Close()
	editBirthDate(t, s, m, no, "1990-05-10")
	op := change.Op{Desk: "desk-b", Seq: 1, Actor: "omar.haddad", HLC: s.Clock().Now(), Kind: booking.KindTraveller,
		Key: booking.TravellerKey(no, 1), Fields: map[string]json.RawMessage{"birth_date": json.RawMessage(`"1991-01-01"`)}}
	if err := s.Update("sync", func(tx *store.Tx) error {
		_, err := tx.Merge([]change.Op{op}, store.MergeOptions{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	press(t, m, rk('u'))
	got := frame(m)
	if !strings.Contains(got, "not undone: "+no+" traveller 1 birth date is now 1991-01-01 (changed") {
		t.Fatalf("u after sync:\n%s", got)
	}
	if f, _ := s.CaseFile(no); f.Traveller(1).BirthDate.String() != "1991-01-01" {
		t.Fatalf("the synced value was overwritten: %s", f.Traveller(1).BirthDate)
	}
}
