package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// Undoer undoes the signed-in user's changes of this session, last first
// (u). Undo writes the undoing as a new change through the use-case layer
// and returns the case and what was undone; an action that cannot be
// undone, or a field another desk changed since, is an error saying why.
type Undoer interface {
	Undo(actor string) (no, what string, err error)
}

// UndoneMsg reports a committed undo: like SavedMsg, screens reload, and
// the footer says what was undone.
type UndoneMsg struct {
	Case string
	What string
}

// undoCmd undoes the user's last change of this session.
func (m *Model) undoCmd() tea.Cmd {
	u, user := m.opt.Undo, m.opt.User
	return func() tea.Msg {
		no, what, err := u.Undo(user)
		if err != nil {
			return ErrMsg{err}
		}
		return UndoneMsg{Case: no, What: what}
	}
}

// undone refreshes what an undo changed, as after a save, and says what it
// undid.
func (m *Model) undone(msg UndoneMsg) tea.Cmd {
	return m.refresh(msg.Case, "undid: "+msg.What)
}

// refresh reloads what the screens show of case no after a write made
// outside them (an undo, a command run through the app's socket) and puts
// text in the footer. The screen in front loads again unless it holds
// unsaved input.
func (m *Model) refresh(no, text string) tea.Cmd {
	var cmds []tea.Cmd
	if no != "" {
		_, cmd := m.Update(SavedMsg{Case: no, What: text})
		cmds = append(cmds, cmd)
	}
	if top := m.top(); top != Screen(m.queue) {
		if d, ok := top.(Dirtier); !ok || !d.Dirty() {
			cmds = append(cmds, top.Init())
		}
	}
	m.msg, m.msgErr = text, false
	return tea.Batch(cmds...)
}

// irreversible reports whether moving a case to status to cannot be undone
// (u refuses it), so the move is confirmed first.
func irreversible(to booking.Status) bool {
	return to == booking.StatusCancelled || to == booking.StatusDeparted
}

// confirmFirst asks before running do, an action u cannot undo.
func confirmFirst(text string, do tea.Cmd) tea.Cmd {
	return msgCmd(ConfirmMsg{Text: text + " It cannot be undone.", Yes: do})
}

// undoHelp is the help page's line for u, when the app can undo.
func (m *Model) undoHelp() string {
	var l []string
	if m.opt.Undo != nil {
		l = append(l, m.keys.Undo.Help().Key+" undoes your last change of this session")
	}
	if m.opt.LockKey != "" {
		l = append(l, m.opt.LockKey+" locks the app (unsaved input kept)")
	}
	if len(l) == 0 {
		return ""
	}
	return "\n" + m.st.Muted.Render(wordWrap("Anywhere: "+strings.Join(l, "; "), m.w))
}

// moveCmd moves the case to status to, asking first when u could not
// undo the move.
func (c *caseScreen) moveCmd(to booking.Status, reason string) tea.Cmd {
	cmd := moveStatusCmd(c.e, c.no, to, reason)
	if irreversible(to) {
		return confirmFirst(fmt.Sprintf("Move %s to %s?", c.no, to), cmd)
	}
	return cmd
}

// ExternalChangeMsg reports a change of the store made outside the app's
// screens, such as a CLI command the app ran for a script: screens showing
// case Case (if any) reload, and the footer shows Text.
type ExternalChangeMsg struct{ Case, Text string }
