package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
	"movedesk/config"
	"movedesk/store"
	"movedesk/tariffs"
	"movedesk/tui"
)

// drive delivers msg to the app and runs the resulting commands to the end,
// like the program loop; it reports whether the app quit.
func drive(t testing.TB, m tea.Model, msg tea.Msg) bool {
	t.Helper()
	queue := []tea.Msg{msg}
	for n := 0; len(queue) > 0; n++ {
		if n > 500 {
			t.Fatal("messages do not settle")
		}
		msg := queue[0]
		queue = queue[1:]
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		queue = append(queue, flatten(cmd)...)
	}
	return false
}

func flatten(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, flatten(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

func press(t testing.TB, m tea.Model, keys ...tea.Key) {
	t.Helper()
	for _, k := range keys {
		drive(t, m, tea.KeyPressMsg(k))
	}
}

func typeKeys(t testing.TB, m tea.Model, s string) {
	t.Helper()
	for _, r := range s {
		press(t, m, tea.Key{Code: r, Text: string(r)})
	}
}

func frame(m tea.Model) string { return ansi.Strip(m.View().Content) }

var (
	kTab   = tea.Key{Code: tea.KeyTab}
	kEnter = tea.Key{Code: tea.KeyEnter}
)

// pricedNonstop finds a nonstop route and a date the embedded tables price.
func pricedNonstop(t testing.TB) (carrier, from, to string, day booking.Date) {
	t.Helper()
	set, err := tariffs.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	today := booking.DateOf(time.Now())
	for _, p := range set.Pairs() {
		for _, r := range set.Routings(p[0], p[1]) {
			if len(r.Via) > 0 {
				continue
			}
			for d := 30; d < 200; d += 10 {
				day := today.AddDays(d)
				for _, f := range set.FaresBetween(p[0], p[1], day) {
					if f.Carrier == r.Carrier && f.Programme == "" && f.Pax == booking.ADT && len(f.Via) == 0 {
						return r.Carrier, p[0], p[1], day
					}
				}
			}
		}
	}
	t.Fatal("the embedded tables price no nonstop")
	return
}

// TestTUIEndToEnd opens a case in the app over a real store, books it,
// issues the ABN, and finds the ABN in the store and through the CLI.
func TestTUIEndToEnd(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	carrier, from, to, day := pricedNonstop(t)
	const no = "RBA-2026-000777"
	c := &booking.Case{Number: no, Programme: "USRAP", Office: "RBA", OriginCity: "Origin", OriginAirport: from,
		DestCity: "Destination", DestAirport: to, Sponsor: "IRC", Priority: 2, Received: booking.MustDate("2026-01-10"),
		TravelReady: booking.MustDate("2026-02-01"), Status: booking.StatusTravelReady, Assignee: "tester"}
	tr := &booking.Traveller{Case: no, Member: 1, Principal: true, FamilyName: "Haddad", GivenNames: "Omar",
		BirthDate: booking.MustDate("1980-05-05"), Sex: "M", Nationality: "SYR", Relationship: "PA",
		MedicalDate: booking.DateOf(time.Now()), MedicalValidUntil: day.AddDays(90)}
	doc := &booking.Document{Case: no, Member: 1, ID: "p1", Type: booking.DocPassport, Number: "N1", IssuingCountry: "SYR",
		ExpiryDate: day.AddDays(2000)}
	if err := s.PutRecords("setup", c, tr, doc); err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{User: "amina.idrissi", Office: "RBA", Theme: "dark", NoColor: true, Rules: tariffs.DefaultRules()}
	opts, err := tuiOptions(&app{cfg: cfg}, s)
	if err != nil {
		t.Fatal(err)
	}
	opts.Changes = nil // the test runs commands itself
	m, err := tui.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if !strings.Contains(frame(m), no) {
		t.Fatalf("queue does not show the case:\n%s", frame(m))
	}
	press(t, m, tea.Key{Code: ':', Text: ":"})
	typeKeys(t, m, "open "+no)
	press(t, m, kEnter)
	if !strings.Contains(frame(m), "TRAVEL-READY") {
		t.Fatalf("case view not shown:\n%s", frame(m))
	}
	press(t, m, tea.Key{Code: 'b', Text: "b"})
	dep := day.String() + " 10:00"
	arr := day.String() + " 16:00"
	typeKeys(t, m, carrier)
	press(t, m, kTab)
	typeKeys(t, m, "123")
	press(t, m, kTab, kTab) // from is prefilled with the origin
	typeKeys(t, m, to)
	press(t, m, kTab)
	typeKeys(t, m, dep)
	press(t, m, kTab)
	typeKeys(t, m, arr)
	if !strings.Contains(frame(m), "Total USD") {
		t.Fatalf("no live quote:\n%s", frame(m))
	}
	press(t, m, tea.Key{Code: 's', Mod: tea.ModCtrl})
	if strings.Contains(frame(m), "y/n") {
		press(t, m, tea.Key{Code: 'y', Text: "y"})
	}
	f, err := s.CaseFile(no)
	if err != nil {
		t.Fatal(err)
	}
	b := f.ActiveBooking()
	if b == nil || f.Case.Status != booking.StatusBooked || b.TotalUSDCents <= 0 {
		t.Fatalf("not booked: status %s booking %+v\n%s", f.Case.Status, b, frame(m))
	}
	press(t, m, tea.Key{Code: 'a', Text: "a"}, tea.Key{Code: 'i', Text: "i"})
	got, err := s.FindByABN("ABN-" + no)
	if err != nil || got != no {
		t.Fatalf("FindByABN: %q %v\n%s", got, err, frame(m))
	}
	f, _ = s.CaseFile(no)
	a := f.LatestABN()
	if a == nil || a.Version != 1 || a.Type != booking.ABNIssue || a.TotalUSDCents != b.TotalUSDCents || len(a.Fares) != 1 || a.IssuedBy != "amina.idrissi" {
		t.Fatalf("ABN in store: %+v", a)
	}
	press(t, m, tea.Key{Code: 'S', Text: "S"}, tea.Key{Code: 'y', Text: "y"})
	f, _ = s.CaseFile(no)
	if f.Case.Status != booking.StatusABNSent || !f.LatestABN().Sent {
		t.Fatalf("after mark sent: %s", f.Case.Status)
	}
	hist, _ := s.History(no)
	if len(hist) < 5 {
		t.Fatalf("history has %d ops; saves must go through the change log", len(hist))
	}
	s.Close()

	var out, errb bytes.Buffer
	if code := run([]string{"abn", "show", "ABN-" + no, "--data", dir}, nil, &out, &errb); code != 0 {
		t.Fatalf("abn show: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "ADVANCE BOOKING NOTIFICATION") || !strings.Contains(out.String(), "HADDAD, Omar") {
		t.Fatalf("abn show:\n%s", out.String())
	}
	out.Reset()
	if code := run([]string{"abn", "show", no, "--version", "1", "--json", "--data", dir}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), `"sent": true`) {
		t.Fatalf("abn show --json: %d %s %s", code, out.String(), errb.String())
	}
	file := dir + "/abn.txt"
	if code := run([]string{"abn", "export", "ABN-" + no, "--format", "text", "--out", file, "--data", dir}, nil, &out, &errb); code != 0 {
		t.Fatalf("abn export: %d %s", code, errb.String())
	}
	if code := run([]string{"abn", "export", "ABN-" + no, "--format", "pdf", "--out", file, "--data", dir}, nil, &out, &errb); code != exitUsage {
		t.Fatalf("bad format exit %d", code)
	}
	if code := run([]string{"abn", "show", "ABN-NOPE", "--data", dir}, nil, &out, &errb); code != exitError {
		t.Fatalf("unknown ABN exit %d", code)
	}
}

// BenchmarkTUIFirstFrame measures what an associate waits for at start on a
// real store: open, load every queue row, build the app, render the first
// frame. Set MOVEDESK_BENCH_DATA to a store made by `movedesk demo --cases
// 100000` (it is skipped otherwise).
func BenchmarkTUIFirstFrame(b *testing.B) {
	dir := os.Getenv("MOVEDESK_BENCH_DATA")
	if dir == "" {
		b.Skip("MOVEDESK_BENCH_DATA not set")
	}
	cfg := &config.Config{User: "bench", Theme: "dark", Rules: tariffs.DefaultRules()}
	for b.Loop() {
		s, err := store.Open(dir, store.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		opts, err := tuiOptions(&app{cfg: cfg}, s)
		if err != nil {
			b.Fatal(err)
		}
		m, err := tui.New(opts)
		if err != nil {
			b.Fatal(err)
		}
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		_ = m.View()
		s.Close()
	}
}

// openApp opens the app on the store in dir as amina.idrissi at 80x24, as
// `movedesk --data DIR` does (without the change feed); now nil is the
// system clock. The caller closes the store.
func openApp(t testing.TB, dir string, now func() time.Time) (*store.Store, tea.Model) {
	t.Helper()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{User: "amina.idrissi", Office: "RBA", Theme: "dark", NoColor: true, Rules: tariffs.DefaultRules()}
	opts, err := tuiOptions(&app{cfg: cfg, now: now}, s)
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	opts.Changes = nil
	m, err := tui.New(opts)
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	return s, m
}
