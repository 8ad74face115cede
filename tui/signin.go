package tui

import (
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Authenticator signs users in at this desk, offline. Each call costs an
// Argon2id run (about a third of a second): the gate runs it in a command.
type Authenticator interface {
	// SignIn checks user's passphrase, or with pin the user's PIN on this
	// desk; a wrong one, or too soon after several, is an error to show.
	SignIn(user, secret string, pin bool) error
	// HasPIN reports whether user has a PIN on this desk.
	HasPIN(user string) bool
	// SetPIN gives the signed-in user a PIN on this desk.
	SetPIN(user, pin string) error
}

// GateOptions configure the sign-in gate.
type GateOptions struct {
	Auth Authenticator
	// Open builds the app for user once signed in: at the first sign-in,
	// and for another user signing in at the lock (a fresh session).
	Open func(user string) (tea.Model, error)
	// User fills the name field at the first sign-in.
	User string
	// Where names the desk on the sign-in screen (its data directory).
	Where string
	// LockAfter locks after this long without a key; 0 never.
	LockAfter time.Duration
	Keys      SignInKeyMap
	Styles    Styles
	Now       func() time.Time
	// After schedules the idle check; nil means tea.Tick (tests record it).
	After func(d time.Duration) tea.Cmd
}

// SignInKeyMap are the sign-in and lock keys.
type SignInKeyMap struct {
	Lock, Submit, Next, PIN, Skip, Quit key.Binding
}

// DefaultSignInKeyMap: ctrl+l locks from anywhere in the app.
func DefaultSignInKeyMap() SignInKeyMap {
	return SignInKeyMap{
		Lock:   key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "lock")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "sign in")),
		Next:   key.NewBinding(key.WithKeys("tab", "shift+tab", "up", "down"), key.WithHelp("tab", "next field")),
		PIN:    key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "passphrase/PIN")),
		Skip:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "skip")),
		Quit:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// ShortHelp implements help.KeyMap.
func (k SignInKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Submit, k.Next, k.PIN, k.Skip, k.Quit}
}

// FullHelp implements help.KeyMap.
func (k SignInKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

type gateMode int

const (
	gateSignIn gateMode = iota // first sign-in: no session yet
	gateLocked                 // a session is kept behind the lock
	gateOpen                   // the app
	gateSetPIN                 // after a passphrase sign-in: offer a PIN
)

// Gate puts the app behind a sign-in and locks it after idle time or on
// ctrl+l. The session (screens, unsaved input) is kept behind the lock for
// the same user; another user signing in there gets a fresh session.
type Gate struct {
	opt    GateOptions
	mode   gateMode
	inner  tea.Model
	user   string // the signed-in user of inner
	name   field
	secret field
	pin    bool // the secret is a PIN
	focus  int  // 0 name, 1 secret
	busy   bool
	msg    string
	msgErr bool
	w, h   int
	last   time.Time // last key in the app
	help   help.Model
	open   atomic.Bool // mode == gateOpen, for other goroutines
}

// signedInMsg is the answer to a sign-in attempt.
type signedInMsg struct {
	user string
	pin  bool
	err  error
}

// pinSetMsg is the answer to setting a PIN.
type pinSetMsg struct{ err error }

// idleMsg asks the gate to check the idle time.
type idleMsg struct{}

// NewGate returns the app behind its sign-in.
func NewGate(opt GateOptions) *Gate {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	g := &Gate{opt: opt, name: newField(64, false), secret: newField(256, false), help: help.New()}
	g.help.Styles = opt.Styles.Help
	g.name.SetValue(opt.User)
	if opt.User != "" {
		g.focus = 1
		g.pin = opt.Auth.HasPIN(opt.User)
	}
	return g
}

// Init implements tea.Model.
func (g *Gate) Init() tea.Cmd { return nil }

// Locked reports whether the app is behind the sign-in or the lock; safe
// to call from other goroutines (the command socket asks).
func (g *Gate) Locked() bool { return !g.open.Load() }

// User is the signed-in user ("" before the first sign-in).
func (g *Gate) User() string { return g.user }

// Update implements tea.Model.
func (g *Gate) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := g.update(msg)
	g.open.Store(g.mode == gateOpen)
	return m, cmd
}

func (g *Gate) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		g.w, g.h = msg.Width, msg.Height
		g.help.SetWidth(g.w)
		return g, g.forward(msg)
	case tea.KeyPressMsg:
		if g.mode == gateOpen {
			g.last = g.opt.Now()
			if key.Matches(msg, g.opt.Keys.Lock) {
				g.lock()
				return g, nil
			}
			return g, g.forward(msg)
		}
		return g, g.formKey(msg)
	case tea.PasteMsg:
		if g.mode == gateOpen {
			g.last = g.opt.Now()
			return g, g.forward(msg)
		}
		if g.focus == 0 {
			g.name.paste(msg.Content)
		} else {
			g.secret.paste(msg.Content)
		}
		return g, nil
	case signedInMsg:
		return g, g.signedIn(msg)
	case pinSetMsg:
		g.busy = false
		if msg.err != nil {
			g.msg, g.msgErr = msg.err.Error(), true
			g.secret.SetValue("")
			return g, nil
		}
		g.mode, g.msg, g.msgErr = gateOpen, "", false
		return g, nil
	case idleMsg:
		if g.mode != gateOpen || g.opt.LockAfter <= 0 {
			return g, nil
		}
		if idle := g.opt.Now().Sub(g.last); idle >= g.opt.LockAfter {
			g.lock()
			return g, nil
		} else {
			return g, g.idleCmd(g.opt.LockAfter - idle)
		}
	}
	// Everything else (sync, store changes, loads) reaches the session,
	// locked or not, so it is current when unlocked.
	return g, g.forward(msg)
}

func (g *Gate) forward(msg tea.Msg) tea.Cmd {
	if g.inner == nil {
		return nil
	}
	var cmd tea.Cmd
	g.inner, cmd = g.inner.Update(msg)
	return cmd
}

func (g *Gate) idleCmd(d time.Duration) tea.Cmd {
	if g.opt.LockAfter <= 0 {
		return nil
	}
	if g.opt.After != nil {
		return g.opt.After(d)
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return idleMsg{} })
}

func (g *Gate) lock() {
	g.mode, g.focus, g.busy = gateLocked, 1, false
	g.name.SetValue(g.user)
	g.secret.SetValue("")
	g.pin = g.opt.Auth.HasPIN(g.user)
	g.msg, g.msgErr = "", false
}

func (g *Gate) formKey(msg tea.KeyPressMsg) tea.Cmd {
	k := g.opt.Keys
	switch {
	case key.Matches(msg, k.Quit):
		if g.mode == gateLocked {
			g.msg, g.msgErr = "sign in to quit: the session behind the lock may hold unsaved input", true
			return nil
		}
		return tea.Quit
	case g.busy:
		return nil
	case g.mode == gateSetPIN && key.Matches(msg, k.Skip):
		g.mode, g.msg = gateOpen, ""
		return nil
	case key.Matches(msg, k.Submit):
		return g.submit()
	case g.mode != gateSetPIN && key.Matches(msg, k.Next):
		g.focus = 1 - g.focus
		return nil
	case g.mode != gateSetPIN && key.Matches(msg, k.PIN):
		g.pin = !g.pin
		g.secret.SetValue("")
		return nil
	}
	f := &g.secret
	if g.focus == 0 && g.mode != gateSetPIN {
		f = &g.name
	}
	if _, ok := f.update(msg); ok {
		return nil
	}
	if t := msg.Key().Text; t != "" && msg.Key().Mod&^tea.ModShift == 0 {
		insertText(f, t)
	}
	return nil
}

// insertText types t at the cursor; unlike paste it keeps spaces, which
// passphrases of several words need.
func insertText(f *field, t string) {
	for _, r := range t {
		if unicode.IsControl(r) || f.max > 0 && len(f.runes) >= f.max {
			continue
		}
		f.runes = append(f.runes, 0)
		copy(f.runes[f.pos+1:], f.runes[f.pos:])
		f.runes[f.pos] = r
		f.pos++
	}
}

func (g *Gate) submit() tea.Cmd {
	secret := g.secret.Value()
	if g.mode == gateSetPIN {
		g.busy, g.msg, g.msgErr = true, "setting the PIN…", false
		a, user := g.opt.Auth, g.user
		return func() tea.Msg { return pinSetMsg{a.SetPIN(user, secret)} }
	}
	user := strings.TrimSpace(g.name.Value())
	if user == "" || secret == "" {
		g.msg, g.msgErr = "type your user name and passphrase", true
		return nil
	}
	g.busy, g.msg, g.msgErr = true, "checking…", false
	a, pin := g.opt.Auth, g.pin
	return func() tea.Msg { return signedInMsg{user: user, pin: pin, err: a.SignIn(user, secret, pin)} }
}

func (g *Gate) signedIn(msg signedInMsg) tea.Cmd {
	g.busy = false
	g.secret.SetValue("")
	if msg.err != nil {
		g.msg, g.msgErr = msg.err.Error(), true
		return nil
	}
	g.msg, g.msgErr = "", false
	var cmds []tea.Cmd
	fresh := g.inner == nil || msg.user != g.user
	if fresh {
		m, err := g.opt.Open(msg.user)
		if err != nil {
			g.msg, g.msgErr = err.Error(), true
			return nil
		}
		g.inner, g.user = m, msg.user
		cmds = append(cmds, m.Init())
		if g.w > 0 {
			cmds = append(cmds, g.forward(tea.WindowSizeMsg{Width: g.w, Height: g.h}))
		}
	}
	g.mode, g.last = gateOpen, g.opt.Now()
	// A PIN is offered once, at a session's first sign-in.
	if fresh && !msg.pin && !g.opt.Auth.HasPIN(msg.user) {
		g.mode, g.pin = gateSetPIN, true
	}
	cmds = append(cmds, g.idleCmd(g.opt.LockAfter))
	return tea.Batch(cmds...)
}

// View implements tea.Model.
func (g *Gate) View() tea.View {
	if g.mode == gateOpen && g.inner != nil {
		return g.inner.View()
	}
	v := tea.NewView(g.render())
	v.AltScreen = true
	v.WindowTitle = "movedesk"
	return v
}

// render draws the sign-in, lock or PIN screen at the terminal's size.
func (g *Gate) render() string {
	if g.w == 0 {
		return ""
	}
	st := g.opt.Styles
	title := "movedesk · sign in"
	var intro []string
	switch g.mode {
	case gateLocked:
		title = "movedesk · locked"
		intro = []string{
			"Locked. " + printable(g.user) + "'s session is kept as it was, unsaved input too.",
			"Sign in as " + printable(g.user) + " to go on; another user gets a fresh session.",
		}
	case gateSetPIN:
		title = "movedesk · PIN for this desk"
		intro = []string{
			"Signed in as " + printable(g.user) + ".",
			"Set a PIN of 6 or more digits to sign in here next time (this desk only;",
			"a new passphrase removes it), or press esc to skip.",
		}
	default:
		intro = []string{"Sign in with your user name and passphrase (this desk works offline).",
			"Desk: " + printable(g.opt.Where)}
	}
	lines := []string{st.Header.Render(padRight(title, g.w)), ""}
	for _, l := range intro {
		lines = append(lines, "  "+l)
	}
	lines = append(lines, "")
	fw := max(g.w-16, 10)
	label := func(s string, on bool) string {
		if on {
			return st.Selected.Render(st.Cursor + " " + padRight(s, 11))
		}
		return "  " + padRight(s, 11)
	}
	secretName := "Passphrase"
	if g.pin {
		secretName = "PIN"
	}
	if g.mode != gateSetPIN {
		lines = append(lines, label("User", g.focus == 0)+" "+g.name.view(g.focus == 0 && !g.busy, fw))
	}
	masked := newField(256, false)
	masked.SetValue(strings.Repeat("•", len([]rune(g.secret.Value()))))
	lines = append(lines, label(secretName, g.focus == 1 || g.mode == gateSetPIN)+" "+masked.view((g.focus == 1 || g.mode == gateSetPIN) && !g.busy, fw), "")
	if g.msg != "" {
		if g.msgErr {
			lines = append(lines, "  "+st.Error.Render(st.ErrGlyph+" "+g.msg))
		} else {
			lines = append(lines, "  "+st.Muted.Render(g.msg))
		}
	}
	k := g.opt.Keys
	k.Skip.SetEnabled(g.mode == gateSetPIN)
	k.PIN.SetEnabled(g.mode != gateSetPIN)
	k.Next.SetEnabled(g.mode != gateSetPIN)
	k.Quit.SetEnabled(g.mode != gateLocked)
	if g.mode == gateSetPIN {
		k.Submit.SetHelp("enter", "set PIN")
	}
	foot := g.help.View(k)
	var out []string
	for _, l := range lines {
		for _, w := range strings.Split(ansi.Wrap(l, g.w, " "), "\n") {
			out = append(out, w)
		}
	}
	for len(out) < g.h-1 {
		out = append(out, "")
	}
	out = append(out[:g.h-1], foot)
	return strings.Join(out, "\n")
}

func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
