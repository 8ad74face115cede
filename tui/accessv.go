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

// AccessDesk keeps the desk's access log: who opened which case's personal
// data. The case and ABN screens note each opening; the access screen
// (:access) shows the log to those allowed to read it (team leaders), and
// says why to the others. cmd/movedesk adapts the use-case layer to it.
type AccessDesk interface {
	// NoteAccess records that actor opened case no's personal data with what.
	NoteAccess(actor, no, what string) error
	// AccessLog returns the log, newest first (only case no's openings
	// when no is set), or why actor may not read it.
	AccessLog(actor, no string) ([]AccessEntry, error)
}

// AccessEntry is one opening of a case's personal data.
type AccessEntry struct {
	At               time.Time
	User, Case, What string
}

// AccessMsg opens the access log screen (Case: only that case's openings).
type AccessMsg struct{ Case string }

// noteAccessCmd notes an opening; a failure shows in the footer.
func noteAccessCmd(e *env, no, what string) tea.Cmd {
	if e.access == nil {
		return nil
	}
	a, user := e.access, e.user
	return func() tea.Msg {
		if err := a.NoteAccess(user, no, what); err != nil {
			return ErrMsg{fmt.Errorf("the opening of %s was not noted in the access log: %w", no, err)}
		}
		return nil
	}
}

type accessLoadedMsg struct {
	id   int
	ents []AccessEntry
	err  error
}

// accessScreen lists the access log, newest first.
type accessScreen struct {
	e      *env
	id     int
	no     string
	ents   []AccessEntry
	err    error
	loaded bool
	top    int
	w, h   int
}

func newAccessScreen(e *env, no string) *accessScreen {
	return &accessScreen{e: e, id: newScreenID(), no: no}
}

// Init implements Screen.
func (a *accessScreen) Init() tea.Cmd {
	if a.e.access == nil {
		a.loaded, a.err = true, fmt.Errorf("this desk keeps no access log")
		return nil
	}
	d, user, id, no := a.e.access, a.e.user, a.id, a.no
	return func() tea.Msg {
		ents, err := d.AccessLog(user, no)
		return accessLoadedMsg{id: id, ents: ents, err: err}
	}
}

// Title implements Screen.
func (a *accessScreen) Title() string { return "access log" }

// SetSize implements Screen.
func (a *accessScreen) SetSize(w, h int) { a.w, a.h = w, h }

// KeyMap implements Screen.
func (a *accessScreen) KeyMap() help.KeyMap {
	k := a.e.keys
	return bindings{short: []key.Binding{k.Up, k.Down, k.Back}, full: [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Back}}}
}

func (a *accessScreen) rowsShown() int { return max(a.h-4, 1) }

// Update implements Screen.
func (a *accessScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case accessLoadedMsg:
		if msg.id == a.id {
			a.ents, a.err, a.loaded = msg.ents, msg.err, true
		}
	case tea.KeyPressMsg:
		k := a.e.keys
		last := max(len(a.ents)-a.rowsShown(), 0)
		switch {
		case key.Matches(msg, k.Back):
			return msgCmd(BackMsg{})
		case key.Matches(msg, k.Down):
			a.top = min(a.top+1, last)
		case key.Matches(msg, k.Up):
			a.top = max(a.top-1, 0)
		case key.Matches(msg, k.PageDown):
			a.top = min(a.top+a.rowsShown(), last)
		case key.Matches(msg, k.PageUp):
			a.top = max(a.top-a.rowsShown(), 0)
		}
	}
	return nil
}

// View implements Screen.
func (a *accessScreen) View() string {
	w := max(a.w, 20)
	title := "Access log: who opened which case's personal data"
	if a.no != "" {
		title = "Access log of " + a.no
	}
	out := []string{a.e.st.Title.Render(fit(title, w)), ""}
	switch {
	case !a.loaded:
		out = append(out, fit("  loading…", w))
	case a.err != nil:
		for _, l := range strings.Split(ansi.Wordwrap(a.e.st.ErrGlyph+" "+printable(a.err.Error()), w-4, ""), "\n") {
			out = append(out, a.e.st.Error.Render(fit("  "+l, w)))
		}
	case len(a.ents) == 0:
		out = append(out, fit("  No openings recorded.", w))
	default:
		out = append(out, a.e.st.Header.Render(fit(fmt.Sprintf("  %-16s %-18s %-16s %s", "WHEN (UTC)", "USER", "CASE", "WHAT"), w)))
		end := min(a.top+a.rowsShown(), len(a.ents))
		for _, e := range a.ents[a.top:end] {
			c := e.Case
			if c == "*" {
				c = "(all cases)"
			}
			out = append(out, fit(fmt.Sprintf("  %-16s %-18s %-16s %s", e.At.UTC().Format("2006-01-02 15:04"),
				printable(e.User), printable(c), printable(e.What)), w))
		}
		if len(a.ents) > end-a.top {
			out = append(out, fit(fmt.Sprintf("  %d–%d of %d", a.top+1, end, len(a.ents)), w))
		}
	}
	return pad(out, a.h)
}
