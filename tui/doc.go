// Package tui is movedesk's terminal app: work queues, the case view, the
// booking form with live tariff validation, and ABN documents.
//
// # Structure
//
// Model (root.go) is the root: it keeps a stack of Screens, routes key
// presses to the top one, and draws the header breadcrumb, the status bar
// (mode, shown/total, office, user, sync state, last save) and a footer with
// help generated from the top screen's key map. Screens are components with
// Init, Update, View, SetSize, KeyMap and Title; they talk to the root and to
// each other only with messages: PushMsg, BackMsg, OpenCaseMsg, BookMsg,
// ABNMsg, QueueMsg, SavedMsg, ErrMsg, InfoMsg.
//
// The package never imports the store or the tariff engine. It declares what
// it needs (Source, Tx, Quoter) in deps.go; cmd/movedesk adapts the concrete
// types. Every save is one Source.Update transaction run inside a tea.Cmd
// that answers SavedMsg or ErrMsg; a screen keeps its input when the save
// fails.
//
// # Extending
//
// A new screen (for example a checklist) implements Screen and is opened by
// returning msgCmd(PushMsg{Screen: s}) from any command. Optional interfaces
// refine how the root treats it: Capturer (it takes text, so q : ? are not
// global), Dirtier (it holds unsaved input; the root asks before discarding
// it), CaseContext (the case :book and :abn use), Counter (status bar
// counts).
//
// The case view's actions can be extended without editing it: pass
// Options.CaseActions, each a key binding, an Enabled predicate and a Run
// function returning the command to run for the case file shown (typically a
// PushMsg). The bindings appear in the case view's help like its own.
// ChecklistActions and DutyActions (escorts, exit permit, document custody)
// are built this way.
//
// Sync state reaches the status bar through Options.Sync, a channel of
// SyncStatus values; until one arrives the bar says "sync: not configured".
// Options.Changes (the store's commit signal) makes the queue reload rows
// written by other processes or by sync.
//
// # Keys and looks
//
// DefaultKeyMap holds every binding by action; KeyMap.Override applies the
// config file's keys section (action name to keys) and rejects unknown
// names. DefaultStyles builds the dark, light or high-contrast theme from
// named colour roles; without colour, selection and errors use reverse video
// and glyphs (▸ ✗ !).
//
// # Performance
//
// The queue keeps every row (booking.Summary) in memory, partitions them
// into queues once, sorts a queue when it is first shown, renders only the
// visible rows, and filters with lower-case haystacks, narrowing the
// previous result while the filter only grows. See bench_test.go.
package tui
