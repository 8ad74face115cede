package tui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// fakeAuth knows passphrases and PINs by user.
type fakeAuth struct {
	pass, pins map[string]string
	tries      int
}

func (f *fakeAuth) SignIn(user, secret string, pin bool) error {
	f.tries++
	want, ok := f.pass[user]
	if pin {
		want, ok = f.pins[user]
	}
	if !ok || secret != want {
		return errors.New("wrong user name or passphrase")
	}
	return nil
}

func (f *fakeAuth) HasPIN(user string) bool { _, ok := f.pins[user]; return ok }

func (f *fakeAuth) SetPIN(user, pin string) error {
	if len(pin) < 6 {
		return errors.New("a PIN has at least 6 digits")
	}
	f.pins[user] = pin
	return nil
}

type gateRig struct {
	g      *Gate
	now    time.Time
	opened []string
	ticks  []time.Duration
}

func newGateRig(t *testing.T, user string) *gateRig {
	st, _ := DefaultStyles("dark", true)
	r := &gateRig{now: testNow()}
	auth := &fakeAuth{pass: map[string]string{"amina.idrissi": "amina-demo-passphrase", "petra.schulz": "petra-demo-passphrase"},
		pins: map[string]string{"petra.schulz": "482913"}}
	r.g = NewGate(GateOptions{Auth: auth, User: user, Where: "/srv/desk", LockAfter: 10 * time.Minute,
		Keys: DefaultSignInKeyMap(), Styles: st, Now: func() time.Time { return r.now },
		After: func(d time.Duration) tea.Cmd { r.ticks = append(r.ticks, d); return nil },
		Open: func(u string) (tea.Model, error) {
			r.opened = append(r.opened, u)
			m, err := New(Options{Source: fixture(12), User: u, Office: "RBA", Keys: DefaultKeyMap(), Styles: st, Now: testNow})
			return m, err
		}})
	r.send(t, tea.WindowSizeMsg{Width: 80, Height: 24})
	return r
}

func (r *gateRig) send(t *testing.T, msg tea.Msg) {
	t.Helper()
	queue := []tea.Msg{msg}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("message loop does not settle")
		}
		m := queue[0]
		queue = queue[1:]
		if _, ok := m.(tea.QuitMsg); ok {
			return
		}
		_, cmd := r.g.Update(m)
		queue = append(queue, runCmd(cmd)...)
	}
}

func (r *gateRig) keys(t *testing.T, ks ...string) {
	t.Helper()
	for _, k := range ks {
		r.send(t, keyMsg(k))
	}
}

func (r *gateRig) typeText(t *testing.T, s string) {
	t.Helper()
	for _, c := range s {
		if c == ' ' {
			r.send(t, keyMsg("space"))
			continue
		}
		r.send(t, tea.KeyPressMsg(tea.Key{Code: c, Text: string(c)}))
	}
}

func (r *gateRig) screen() string {
	if r.g.mode == gateOpen {
		return ansi.Strip(r.g.inner.(*Model).render())
	}
	return ansi.Strip(r.g.render())
}

func gateGolden(t *testing.T, name string, r *gateRig) {
	t.Helper()
	got := r.screen()
	if n := len(strings.Split(got, "\n")); n != 24 {
		t.Errorf("%s: %d lines", name, n)
	}
	goldenText(t, name, got)
}

// TestSignInLockUnlock: the app starts at the sign-in; a wrong passphrase
// says so; the right one opens the app (and offers a PIN); ctrl+l locks it
// with a half-typed new case behind the lock; the same user unlocking
// finds the input as it was.
func TestSignInLockUnlock(t *testing.T) {
	r := newGateRig(t, "")
	gateGolden(t, "signin", r)
	r.typeText(t, "amina.idrissi")
	r.keys(t, "tab")
	r.typeText(t, "amina demo passphrase")
	if !strings.Contains(r.screen(), "Passphrase  "+strings.Repeat("•", 21)) {
		t.Fatalf("the passphrase is not masked:\n%s", r.screen())
	}
	r.keys(t, "enter")
	if !r.g.Locked() || !strings.Contains(r.screen(), "✗ wrong user name or passphrase") || len(r.opened) != 0 {
		t.Fatalf("a wrong passphrase:\n%s", r.screen())
	}
	r.typeText(t, "amina-demo-passphrase")
	r.keys(t, "enter")
	if !strings.Contains(r.screen(), "Set a PIN of 6 or more digits") {
		t.Fatalf("no PIN offer after the first sign-in:\n%s", r.screen())
	}
	r.keys(t, "esc")
	if r.g.Locked() || r.g.User() != "amina.idrissi" || !strings.Contains(r.screen(), "amina.idrissi") {
		t.Fatalf("not signed in:\n%s", r.screen())
	}
	// Half a new case, then the lock.
	r.keys(t, "n", "tab", "tab", "tab")
	r.send(t, tea.PasteMsg{Content: "Casablanca"})
	r.keys(t, "ctrl+l")
	gateGolden(t, "locked", r)
	if strings.Contains(r.screen(), "Casablanca") {
		t.Fatal("the lock shows the session")
	}
	r.keys(t, "ctrl+c")
	if !strings.Contains(r.screen(), "sign in to quit") {
		t.Fatalf("ctrl+c at the lock:\n%s", r.screen())
	}
	r.typeText(t, "amina-demo-passphrase")
	r.keys(t, "enter")
	gateGolden(t, "unlocked", r)
	if !strings.Contains(r.screen(), "origin city    Casablanca") || len(r.opened) != 1 {
		t.Fatalf("unsaved input lost at unlock (opened %v):\n%s", r.opened, r.screen())
	}
}

// TestLockAnotherUserGetsAFreshSession: another user signing in at the lock
// (with a PIN) gets a new session, as that user; idle time locks too.
func TestLockAnotherUserGetsAFreshSession(t *testing.T) {
	r := newGateRig(t, "amina.idrissi")
	r.typeText(t, "amina-demo-passphrase")
	r.keys(t, "enter", "esc")
	r.keys(t, "n", "tab", "tab", "tab")
	r.send(t, tea.PasteMsg{Content: "Casablanca"})
	if len(r.ticks) != 1 || r.ticks[0] != 10*time.Minute {
		t.Fatalf("idle check: %v", r.ticks)
	}
	r.now = r.now.Add(4 * time.Minute)
	r.send(t, idleMsg{})
	if r.g.Locked() {
		t.Fatal("locked before the idle time")
	}
	r.now = r.now.Add(10 * time.Minute)
	r.send(t, idleMsg{})
	if !r.g.Locked() || !strings.Contains(r.screen(), "Locked. amina.idrissi's session is kept") {
		t.Fatalf("idle time did not lock:\n%s", r.screen())
	}
	r.keys(t, "shift+tab")
	for range len("amina.idrissi") {
		r.keys(t, "backspace")
	}
	r.typeText(t, "petra.schulz")
	r.keys(t, "tab", "ctrl+p")
	if !strings.Contains(r.screen(), "PIN") {
		t.Fatalf("no PIN field:\n%s", r.screen())
	}
	r.typeText(t, "482913")
	r.keys(t, "enter")
	if r.g.Locked() || r.g.User() != "petra.schulz" || len(r.opened) != 2 {
		t.Fatalf("petra not signed in (opened %v):\n%s", r.opened, r.screen())
	}
	if s := r.screen(); strings.Contains(s, "Casablanca") || !strings.Contains(s, "petra.schulz") {
		t.Fatalf("another user sees the first one's session:\n%s", s)
	}
}

// BenchmarkGateKeyMove is BenchmarkKeyMove through the sign-in gate: the
// lock's idle clock and routing must not show in the queue's key latency.
func BenchmarkGateKeyMove(b *testing.B) {
	m := benchModel(b, newBigSource(benchCases))
	m.Update(QueueMsg{Name: "all"})
	st, _ := DefaultStyles("dark", false)
	g := NewGate(GateOptions{Auth: &fakeAuth{pass: map[string]string{"a": "p"}, pins: map[string]string{"a": "123456"}},
		Open: func(string) (tea.Model, error) { return m, nil }, LockAfter: time.Hour, Keys: DefaultSignInKeyMap(), Styles: st,
		After: func(time.Duration) tea.Cmd { return nil }})
	g.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	g.Update(signedInMsg{user: "a"})
	if g.Locked() {
		b.Fatal("not signed in")
	}
	down, up := keyMsg("j"), keyMsg("k")
	var ds []time.Duration
	i := 0
	for b.Loop() {
		msg := down
		if (i/1000)%2 == 1 {
			msg = up
		}
		start := time.Now()
		_, cmd := g.Update(msg)
		for _, msg := range runCmd(cmd) {
			g.Update(msg)
		}
		_ = g.View()
		ds = append(ds, time.Since(start))
		i++
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "µs-median")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds()), "µs-p99")
}
