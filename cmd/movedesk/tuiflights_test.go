package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"movedesk/config"
	"movedesk/store"
	"movedesk/tariffs"
	"movedesk/tui"
)

// TestTUIFlightsOverRealStore: in the app over a real store, F lists the
// hand-made flights from the flight index with their counts and caps,
// :flight AC 837 2027-01-17 opens the flight, M its airline manifest,
// ctrl+s writes it as CSV to a 0600 file in the data directory with no
// case number or programme in it.
func TestTUIFlightsOverRealStore(t *testing.T) {
	dir := flightStore(t)
	s, m := openApp(t, dir, func() time.Time { return time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC) })
	defer s.Close()
	press(t, m, tea.Key{Code: 'F', Text: "F"})
	f := frame(m)
	for _, want := range []string{"2027-01-10 to 2027-02-08 · 3 flights · 8 passenger legs",
		"AC837  2027-01-17 CDG-YUL 13:05   2   4   2   1   1   1   1   1 CA-GAR 4/75", "AC837  2027-01-18"} {
		if !strings.Contains(f, want) {
			t.Errorf("Flights tab lacks %q:\n%s", want, f)
		}
	}
	press(t, m, tea.Key{Code: tea.KeyEscape}, tea.Key{Code: ':', Text: ":"})
	typeKeys(t, m, "flight AC 837 2027-01-17")
	press(t, m, kEnter)
	f = frame(m)
	if !strings.Contains(f, "Travellers 4: ADT 2 CHD 1 INF 1") || !strings.Contains(f, "HADDAD, Mona") || !strings.Contains(f, "same PNR RBA-2026-000102") {
		t.Fatalf("flight view:\n%s", f)
	}
	press(t, m, tea.Key{Code: 'M', Text: "M"}, tea.Key{Code: 's', Mod: tea.ModCtrl})
	path := filepath.Join(dir, "manifest-AC837-2027-01-17-airline.csv")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("manifest file %v %v\n%s", fi, err, frame(m))
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "HADDAD/MONA") || strings.Contains(string(b), "RBA-2026") || strings.Contains(string(b), "CA-GAR") {
		t.Fatalf("airline CSV:\n%s", b)
	}
	if !strings.Contains(frame(m), "wrote the airline manifest") {
		t.Fatalf("no word of the file:\n%s", frame(m))
	}
}

// BenchmarkTUIFlightsTab measures F on the queues to the first frame of
// the Flights tab (30 days from the flight index, counts and caps) in the
// app open on MOVEDESK_BENCH_DATA (a 100k demo store made with --today
// 2026-11-22; skipped otherwise).
func BenchmarkTUIFlightsTab(b *testing.B) {
	dir := os.Getenv("MOVEDESK_BENCH_DATA")
	if dir == "" {
		b.Skip("MOVEDESK_BENCH_DATA not set")
	}
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	cfg := &config.Config{User: "bench", Theme: "dark", Rules: tariffs.DefaultRules()}
	now := func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }
	opts, err := tuiOptions(&app{cfg: cfg, now: now}, s)
	if err != nil {
		b.Fatal(err)
	}
	opts.Changes = nil
	m, err := tui.New(opts)
	if err != nil {
		b.Fatal(err)
	}
	drive(b, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	for b.Loop() {
		press(b, m, tea.Key{Code: 'F', Text: "F"})
		if !strings.Contains(frame(m), "flights ·") {
			b.Fatalf("no flights:\n%s", frame(m))
		}
		press(b, m, tea.Key{Code: tea.KeyEscape})
	}
}
