package tui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// Screen is one component the root routes to. Screens talk to the root and
// to each other with messages (PushMsg, BackMsg, OpenCaseMsg ...), never by
// pointers to each other.
type Screen interface {
	// Init returns the command that loads the screen's data.
	Init() tea.Cmd
	// Update handles a message while the screen is on top.
	Update(msg tea.Msg) tea.Cmd
	// View renders the body (between header and status bar) at the size
	// last given to SetSize.
	View() string
	// SetSize sets the body size.
	SetSize(width, height int)
	// KeyMap returns the bindings the screen handles, for the help footer.
	KeyMap() help.KeyMap
	// Title is the screen's breadcrumb segment.
	Title() string
}

// Capturer is implemented by screens that take text input: while Capturing
// returns true, the root does not interpret q, :, ? or / itself.
type Capturer interface{ Capturing() bool }

// CommandTaker is implemented by capturing screens that let ":" open the
// command bar when it would not be typed into something (an empty input or
// a choice); elsewhere ":" is text (times like 10:05).
type CommandTaker interface{ AcceptsCommand() bool }

// NewCaseMsg opens the new-case form.
type NewCaseMsg struct{}

// Dirtier is implemented by screens holding unsaved input; the root asks
// before discarding it (ctrl+c, q, :q).
type Dirtier interface{ Dirty() bool }

// CaseContext is implemented by screens that concern one case (the one :book
// and :abn use when no case is named).
type CaseContext interface{ CurrentCase() string }

// Counter is implemented by list screens to fill the status bar's
// shown/total field.
type Counter interface{ Counts() (shown, total int) }

// PushMsg puts a screen on top of the stack (and calls its Init). Screens
// added by other packages (checklists, ...) are opened this way.
type PushMsg struct{ Screen Screen }

// BackMsg pops the top screen.
type BackMsg struct{}

// OpenCaseMsg opens the case view of a case (a case or ABN number).
type OpenCaseMsg struct{ Number string }

// BookMsg opens the booking form of a case.
type BookMsg struct{ Number string }

// ABNMsg opens the ABN screen of a case.
type ABNMsg struct{ Number string }

// QueueMsg returns to the queue screen and selects a queue by name.
type QueueMsg struct{ Name string }

// SavedMsg reports a committed save; the root refreshes the case's row and
// the last-save time, and screens reload what they show.
type SavedMsg struct {
	Case string
	What string
}

// ConfirmMsg asks a yes/no question in the footer; Yes runs on y.
type ConfirmMsg struct {
	Text string
	Yes  tea.Cmd
}

// ErrMsg reports an error to show in the footer.
type ErrMsg struct{ Err error }

// InfoMsg is a notice to show in the footer.
type InfoMsg struct{ Text string }

// SyncMsg carries a new sync state to the status bar.
type SyncMsg SyncStatus

// rowsMsg delivers freshly loaded queue rows.
type rowsMsg struct {
	rows []booking.Summary
	err  error
}

// rowMsg delivers one refreshed queue row after a save.
type rowMsg struct {
	no  string
	row booking.Summary
	err error
}

// changedMsg signals that the store changed (another process or sync).
type changedMsg struct{}

// errCmd returns a command reporting err.
func errCmd(err error) tea.Cmd { return func() tea.Msg { return ErrMsg{err} } }

// msgCmd returns a command delivering msg.
func msgCmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// dropReasonMsg closes screen id's reason prompt once the user agreed to
// lose what they typed in it.
type dropReasonMsg struct{ id int }

// askDropReason asks before esc throws a typed reason away.
func askDropReason(id int) tea.Cmd {
	return msgCmd(ConfirmMsg{Text: "Discard the reason you typed?", Yes: msgCmd(dropReasonMsg{id: id})})
}
