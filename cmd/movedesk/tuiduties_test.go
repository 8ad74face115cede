package main

import (
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
	"movedesk/config"
	"movedesk/tariffs"
	"movedesk/tui"
)

// TestTUIDutiesEndToEnd assigns an escort, records an exit permit and a
// custody step through the app over a real store, then finds them there.
func TestTUIDutiesEndToEnd(t *testing.T) {
	dir := bareDemoStore(t, "40")
	no := firstCase(t, dir, booking.StatusABNSent)
	if code, _, e := cli(t, "escort", "add", "E0099", "--name", "Karim Tazi", "--type", "medical", "--languages", "ar,fr",
		"--passport", "X1", "--passport-expiry", "2031-01-01", "--data", dir); code != 0 {
		t.Fatalf("escort add: %s", e)
	}
	s, m := openApp(t, dir, nil)
	defer s.Close()
	drive(t, m, tui.OpenCaseMsg{Number: no})
	key := func(r rune) tea.Key { return tea.Key{Code: r, Text: string(r)} }
	var (
		kEsc   = tea.Key{Code: tea.KeyEscape}
		kSpace = tea.Key{Code: tea.KeySpace, Text: " "}
		kSave  = tea.Key{Code: 's', Mod: tea.ModCtrl}
	)

	// Escort: the pool ranked as `escort list --case` ranks it.
	cfg := &config.Config{User: "amina.idrissi", Office: "RBA", Rules: tariffs.DefaultRules()}
	dk, err := (&app{cfg: cfg}).newDesk(s)
	if err != nil {
		t.Fatal(err)
	}
	ranked, err := dk.RankEscorts(no)
	if err != nil {
		t.Fatal(err)
	}
	at := -1
	for i, c := range ranked {
		if c.Escort.ID == "E0099" {
			at = i
		}
	}
	press(t, m, key('e'))
	if at < 0 || !strings.Contains(frame(m), "E0099") {
		t.Fatalf("escort screen (E0099 ranked %d):\n%s", at, frame(m))
	}
	f, _ := s.CaseFile(no)
	b := f.ActiveBooking()
	last := b.Segments[len(b.Segments)-1]
	day := last.Arrive.Date().AddDays(2).String()
	ret := last.Carrier + ",999," + last.To + "," + b.Segments[0].From + "," + day + "T10:00," + day + "T22:00"
	press(t, m, key('e'))
	typeKeys(t, m, ret)
	press(t, m, kEnter)
	for range at {
		press(t, m, key('j'))
	}
	press(t, m, kEnter)
	if !strings.Contains(frame(m), "✓ E0099 escorts booking "+b.ID) {
		t.Fatalf("not assigned:\n%s", frame(m))
	}
	press(t, m, kEsc)

	// Exit permit: approved without valid-until is refused on that field.
	press(t, m, key('p'), kTab, kTab)
	typeKeys(t, m, "ma")
	press(t, m, kTab)
	typeKeys(t, m, "DGSN")
	press(t, m, kTab, kSpace, kSave)
	if !strings.Contains(frame(m), "✗ an approved permit needs its valid-until date") || !strings.Contains(frame(m), "DGSN") {
		t.Fatalf("permit error not on the field:\n%s", frame(m))
	}
	press(t, m, kTab, kTab, kTab, kTab)
	typeKeys(t, m, "2027-06-30")
	press(t, m, kSave)
	if !regexp.MustCompile(`saved: permit P1-d[0-9a-f]+ of the whole case: approved, valid to 2027-06-30`).MatchString(frame(m)) {
		t.Fatalf("permit not saved:\n%s", frame(m))
	}
	press(t, m, kEsc)

	// Custody: the first document of the first traveller, received.
	f, _ = s.CaseFile(no)
	doc := f.DocumentsOf(f.Travellers[0].Member)[0]
	press(t, m, key('d'), kTab, kTab)
	typeKeys(t, m, "embassy")
	press(t, m, kSave)
	if !strings.Contains(frame(m), "held by office (received from embassy)") {
		t.Fatalf("custody not saved:\n%s", frame(m))
	}

	f, err = s.CaseFile(no)
	if err != nil {
		t.Fatal(err)
	}
	var trip *booking.EscortTrip
	for i := range f.EscortTrips {
		if f.EscortTrips[i].Escort == "E0099" {
			trip = &f.EscortTrips[i]
		}
	}
	if trip == nil || !trip.HasReturn() || trip.AssignedBy != "amina.idrissi" || f.ActiveBooking().EscortSeats < 1 {
		t.Fatalf("escort trip in store: %+v, seats %d", trip, f.ActiveBooking().EscortSeats)
	}
	if len(f.Permits) != 1 || f.Permits[0].Country != "MA" || !f.Permits[0].ValidOn(booking.MustDate("2027-06-01")) {
		t.Fatalf("permits in store: %+v", f.Permits)
	}
	c := f.CustodyOf(f.Travellers[0].Member, doc.ID)
	if c == nil || len(c.Events) != 1 || c.Events[0].From != "embassy" || c.Events[0].By != "amina.idrissi" {
		t.Fatalf("custody in store: %+v", c)
	}
	hist, _ := s.History(no)
	kinds := map[string]bool{}
	for _, op := range hist {
		kinds[op.Kind] = true
	}
	for _, k := range []string{booking.KindEscortTrip, booking.KindPermit, booking.KindCustody} {
		if !kinds[k] {
			t.Errorf("no %s change in the history", k)
		}
	}
}
