package main

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
	"movedesk/config"
	"movedesk/store"
	"movedesk/tariffs"
	"movedesk/tui"
)

// assertFrameInert checks a drawn frame: the raw frame holds no bidi or C1
// control and no BEL or OSC (the app's own styles are SGR only), and with
// the styles stripped nothing but newlines is a control.
func assertFrameInert(t *testing.T, what string, m tea.Model) string {
	t.Helper()
	raw := m.View().Content
	for _, r := range raw {
		if r >= 0x80 && booking.Unprintable(r) {
			t.Fatalf("%s: raw frame holds %U:\n%s", what, r, raw)
		}
	}
	if strings.Contains(raw, "\x07") || strings.Contains(raw, "\x1b]") {
		t.Fatalf("%s: raw frame holds a BEL or an OSC sequence: %q", what, raw)
	}
	plain := ansi.Strip(raw)
	for _, r := range plain {
		if r != '\n' && booking.Unprintable(r) {
			t.Fatalf("%s: frame holds %U:\n%s", what, r, plain)
		}
	}
	if n := strings.Count(plain, "\n") + 1; n != 24 {
		t.Fatalf("%s: %d rows, want 24:\n%s", what, n, plain)
	}
	for _, l := range strings.Split(plain, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "FAKE") {
			t.Fatalf("%s: a newline in a name forged a row:\n%s", what, plain)
		}
	}
	return plain
}

// command runs a : command in the app.
func command(t *testing.T, m tea.Model, cmd string) {
	t.Helper()
	press(t, m, tea.Key{Code: ':', Text: ":"})
	typeKeys(t, m, cmd)
	press(t, m, kEnter)
}

// TestAppShowsHostileStoredTextEscaped opens the queue and the case screen
// over a store whose traveller name and notes hold terminal controls.
func TestAppShowsHostileStoredTextEscaped(t *testing.T) {
	dir := demoStore(t, "12")
	const no = "RBA-2026-000003"
	rowsOf := func(plain string) int { return strings.Count(plain, "-2026-0") }

	open := func() (tea.Model, func()) {
		s, err := store.Open(dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		cfg := &config.Config{User: "tester", Office: "RBA", Theme: "dark", NoColor: true, Rules: tariffs.DefaultRules()}
		opts, err := tuiOptions(&app{cfg: cfg}, s)
		if err != nil {
			t.Fatal(err)
		}
		opts.Changes = nil
		m, err := tui.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		return m, func() { s.Close() }
	}

	m, done := open()
	command(t, m, "queue all")
	before := rowsOf(frame(m))
	done()
	plantEvil(t, dir, no)

	m, done = open()
	defer done()
	command(t, m, "queue all")
	plain := assertFrameInert(t, "queue", m)
	if !strings.Contains(plain, `EVIL\x1b]0;`) {
		t.Fatalf("the queue does not show the principal escaped:\n%s", plain)
	}
	if got := rowsOf(plain); got != before {
		t.Fatalf("queue rows: %d, want %d:\n%s", got, before, plain)
	}
	command(t, m, "open "+no)
	plain = assertFrameInert(t, "case", m)
	if !strings.Contains(plain, `EVIL\x1b]0;PWNED`) || !strings.Contains(plain, `Sponsor\u202eX`) {
		t.Fatalf("case screen does not show the stored text escaped:\n%s", plain)
	}
}
