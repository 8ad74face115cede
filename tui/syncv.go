package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// syncScreen (`:sync`) shows the whole sync state the status bar can only
// abbreviate: the hub, the last sync, what waits, the full last error, and
// lets the user sync now instead of waiting for the interval.
type syncScreen struct {
	keys   *KeyMap
	st     *Styles
	status func() (SyncStatus, bool)
	hub    string
	now    func() // nil: sync is not configured
	clock  func() time.Time
	asked  time.Time
	w, h   int
}

// SyncScreenMsg opens the sync screen.
type SyncScreenMsg struct{}

func newSyncScreen(k *KeyMap, st *Styles, status func() (SyncStatus, bool), hub string, now func(), clock func() time.Time) *syncScreen {
	return &syncScreen{keys: k, st: st, status: status, hub: hub, now: now, clock: clock}
}

func (s *syncScreen) Init() tea.Cmd    { return nil }
func (s *syncScreen) Title() string    { return "sync" }
func (s *syncScreen) SetSize(w, h int) { s.w, s.h = w, h }

// KeyMap implements Screen.
func (s *syncScreen) KeyMap() help.KeyMap {
	k := s.keys
	now := k.SyncNow
	now.SetEnabled(s.now != nil)
	return bindings{short: []key.Binding{now, k.Conflicts, k.Back}, full: [][]key.Binding{{now, k.Conflicts, k.Back}}}
}

// Update implements Screen.
func (s *syncScreen) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, s.keys.Back):
		return msgCmd(BackMsg{})
	case key.Matches(kp, s.keys.Conflicts):
		return msgCmd(ConflictsMsg{})
	case key.Matches(kp, s.keys.SyncNow):
		if s.now == nil {
			return errCmd(fmt.Errorf("sync is not configured: set sync.hub and sync.token"))
		}
		s.now()
		s.asked = s.clock()
		return msgCmd(InfoMsg{Text: "sync requested"})
	}
	return nil
}

// View implements Screen.
func (s *syncScreen) View() string {
	st, seen := s.status()
	w := max(s.w, 20)
	row := func(label, v string) string { return fit(fmt.Sprintf("  %-10s %s", label, v), w) }
	out := []string{s.st.Title.Render("Sync with the central office"), ""}
	if s.now == nil || !seen || !st.Configured {
		out = append(out, row("hub", "not configured (sync.hub, sync.token in the config)"),
			"", fit("  This desk works offline; nothing leaves it.", w))
		return pad(out, s.h)
	}
	out = append(out, row("hub", s.hub))
	state := "offline (the hub cannot be reached; retrying every few seconds)"
	switch {
	case st.Progress >= 0 && st.Progress < 1:
		state = "syncing " + progressBar(st.Progress, 20)
	case st.Online && st.Err != "":
		state = s.st.WarnGlyph + " the hub answered, the sync failed"
	case st.Online:
		state = "online"
	}
	out = append(out, row("state", state))
	last := "never"
	if !st.LastSync.IsZero() {
		last = st.LastSync.Format("2006-01-02 15:04:05")
	}
	out = append(out, row("last sync", last))
	out = append(out, row("waiting", fmt.Sprintf("%d change(s) not yet at the hub", st.Waiting)))
	c := "none open"
	if st.Conflicts > 0 {
		c = fmt.Sprintf("%s %d open (C to resolve)", s.st.WarnGlyph, st.Conflicts)
	}
	out = append(out, row("conflicts", c))
	if st.Refused > 0 {
		out = append(out, row("refused", fmt.Sprintf("%s %d change(s) the hub refused stay here (movedesk sync refused)", s.st.WarnGlyph, st.Refused)))
	}
	if st.Restored != "" {
		out = append(out, "", fit("  "+s.st.WarnGlyph+" store restored:", w))
		for _, l := range strings.Split(ansi.Wordwrap(printable(st.Restored), w-4, ""), "\n") {
			out = append(out, fit("    "+l, w))
		}
	}
	if st.ClockOffset != 0 {
		out = append(out, row("clock", s.st.WarnGlyph+" "+ClockSkewText(st.ClockOffset)+" of the hub; writes are stamped in hub time"))
	}
	if st.Err != "" {
		out = append(out, "", fit("  last error:", w))
		for _, l := range strings.Split(ansi.Wordwrap(printable(st.Err), w-4, ""), "\n") {
			out = append(out, s.st.Error.Render(fit("    "+l, w)))
		}
	}
	if !s.asked.IsZero() {
		out = append(out, "", fit("  sync requested at "+s.asked.Format("15:04:05"), w))
	}
	return pad(out, s.h)
}
