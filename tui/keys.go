package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap holds every binding of the app, by action. Each screen shows the
// subset it handles (see its keyMap method). Config overrides use the action
// names returned by Actions.
type KeyMap struct {
	// Global
	Help, Command, Back, Quit, ForceQuit key.Binding
	// Lists and scrolling
	Up, Down, Top, Bottom, HalfDown, HalfUp, PageDown, PageUp key.Binding
	NextTab, PrevTab, Open, Filter, Sort, Reverse             key.Binding
	// Case view
	Book, ABN, Move, History, OpenItems key.Binding
	// Forms and prompts
	NextField, PrevField, Save, AddSegment, RemoveSegment, Toggle, Confirm, Deny key.Binding
	// ABN screen
	Issue, MarkSent, CancelNotice, Depart, PrevVersion, NextVersion key.Binding
	// Sync: conflicts, and the sync screen
	Conflicts, Details, KeepWinner, TakeLoser, EnterValue, SyncNow key.Binding
	// Duties (case view): escort assignment, exit permits, document custody
	Escorts, Permit, Custody key.Binding
	// Intake and editing: a new case (queues), the case, traveller,
	// document and counselling forms (case view), the SSR picker (forms)
	NewCase, EditCase, EditTraveller, EditDocument, EditCounselling, Pick key.Binding
	// OpenDuplicate opens the case of a likely duplicate the traveller
	// forms show; Contacts opens a case's contacts and communication log.
	OpenDuplicate, Contacts key.Binding
	// On the contacts screen: add a contact, edit (a contact) or correct
	// (a log entry), remove a contact, log a communication.
	ContactAdd, ContactEdit, ContactRemove, LogAdd key.Binding
	// Reports: open them (queues), then period, grouping, filters, tables
	Reports, Period, PrevPeriod, NextPeriod, GroupBy, OfficeFilter, ProgrammeFilter, NextTable, Reload key.Binding
	// Copy puts the case number under the cursor on the clipboard (OSC 52,
	// so it works over SSH too).
	Copy key.Binding
	// Undo undoes the user's last change of this session.
	Undo key.Binding
	// Team leader's work: marks in a queue (one, a range from the last
	// mark, all shown), the Team and Review screens, approve and reject.
	Mark, MarkRange, MarkAll, Team, Review, Approve, Reject key.Binding
	// Flights opens the Flights tab (queues); Manifest a flight's
	// manifests (flight view).
	Flights, Manifest key.Binding
}

// DefaultKeyMap returns the standard bindings.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Help:      b([]string{"?"}, "?", "help"),
		Command:   b([]string{":"}, ":", "command"),
		Back:      b([]string{"esc"}, "esc", "back"),
		Quit:      b([]string{"q"}, "q", "back/quit"),
		ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", "quit"),

		Up:       b([]string{"k", "up"}, "k/↑", "up"),
		Down:     b([]string{"j", "down"}, "j/↓", "down"),
		Top:      b([]string{"g", "home"}, "g", "top"),
		Bottom:   b([]string{"G", "end"}, "G", "bottom"),
		HalfDown: b([]string{"ctrl+d"}, "ctrl+d", "½ page down"),
		HalfUp:   b([]string{"ctrl+u"}, "ctrl+u", "½ page up"),
		PageDown: b([]string{"pgdown", "ctrl+f"}, "pgdn", "page down"),
		PageUp:   b([]string{"pgup", "ctrl+b"}, "pgup", "page up"),
		NextTab:  b([]string{"tab", "l", "right"}, "tab", "queue →"),
		PrevTab:  b([]string{"shift+tab", "h", "left"}, "S-tab", "← queue"),
		Open:     b([]string{"enter"}, "enter", "open"),
		Filter:   b([]string{"/"}, "/", "filter"),
		Sort:     b([]string{"s"}, "s", "sort"),
		Reverse:  b([]string{"r"}, "r", "reverse"),

		Book:    b([]string{"b"}, "b", "book"),
		ABN:     b([]string{"a"}, "a", "ABN"),
		Move:    b([]string{"m"}, "m", "move status"),
		History: b([]string{"t"}, "t", "timeline"),

		OpenItems: b([]string{"o"}, "o", "open items"),

		NextField:     b([]string{"tab", "down"}, "tab/↓", "next field"),
		PrevField:     b([]string{"shift+tab", "up"}, "S-tab/↑", "prev field"),
		Save:          b([]string{"ctrl+s"}, "ctrl+s", "save"),
		AddSegment:    b([]string{"ctrl+n"}, "ctrl+n", "add segment"),
		RemoveSegment: b([]string{"ctrl+x"}, "ctrl+x", "remove segment"),
		Toggle:        b([]string{"space"}, "space", "toggle"),
		Confirm:       b([]string{"y"}, "y", "yes"),
		Deny:          b([]string{"n"}, "n", "no"),

		Issue:        b([]string{"i"}, "i", "issue/update"),
		MarkSent:     b([]string{"S"}, "S", "mark sent"),
		CancelNotice: b([]string{"x"}, "x", "cancellation"),
		Depart:       b([]string{"D"}, "D", "departure notice"),
		PrevVersion:  b([]string{"[", "left"}, "[", "prev version"),
		NextVersion:  b([]string{"]", "right"}, "]", "next version"),

		Conflicts:  b([]string{"C"}, "C", "sync conflicts"),
		Details:    b([]string{"enter", "right"}, "enter/→", "details"),
		KeepWinner: b([]string{"w"}, "w", "keep in force"),
		TakeLoser:  b([]string{"o"}, "o", "take other"),
		EnterValue: b([]string{"e"}, "e", "type value"),

		SyncNow: b([]string{"s"}, "s", "sync now"),
		Escorts: b([]string{"e"}, "e", "escorts"),
		Permit:  b([]string{"p"}, "p", "exit permit"),
		Custody: b([]string{"d"}, "d", "doc custody"),

		NewCase:         b([]string{"n"}, "n", "new case"),
		EditCase:        b([]string{"E"}, "E", "edit case"),
		EditTraveller:   b([]string{"T"}, "T", "travellers"),
		EditDocument:    b([]string{"O"}, "O", "documents"),
		EditCounselling: b([]string{"K"}, "K", "counselling"),
		Pick:            b([]string{"enter"}, "enter", "pick codes"),
		OpenDuplicate:   b([]string{"ctrl+o"}, "ctrl+o", "open duplicate's case"),
		Contacts:        b([]string{"L"}, "L", "contacts & log"),
		ContactAdd:      b([]string{"a"}, "a", "add contact"),
		ContactEdit:     b([]string{"e", "enter"}, "e/enter", "edit/correct"),
		ContactRemove:   b([]string{"x"}, "x", "remove contact"),
		LogAdd:          b([]string{"n"}, "n", "log a contact made"),

		Reports:         b([]string{"R"}, "R", "reports"),
		Copy:            b([]string{"y"}, "y", "copy number"),
		Period:          b([]string{"t"}, "t", "period"),
		PrevPeriod:      b([]string{"["}, "[", "earlier period"),
		NextPeriod:      b([]string{"]"}, "]", "later period"),
		GroupBy:         b([]string{"b"}, "b", "group by"),
		OfficeFilter:    b([]string{"o"}, "o", "office"),
		ProgrammeFilter: b([]string{"p"}, "p", "programme"),
		NextTable:       b([]string{"v"}, "v", "next table"),
		Reload:          b([]string{"ctrl+r"}, "ctrl+r", "reread store"),
		Undo:            b([]string{"u"}, "u", "undo my last change"),

		Mark:      b([]string{"space", "x"}, "space/x", "mark"),
		MarkRange: b([]string{"V"}, "V", "mark to here"),
		MarkAll:   b([]string{"ctrl+a"}, "ctrl+a", "mark all shown"),
		Team:      b([]string{"W"}, "W", "team"),
		Review:    b([]string{"A"}, "A", "review"),
		Approve:   b([]string{"a"}, "a", "approve"),
		Reject:    b([]string{"x"}, "x", "reject"),
		Flights:   b([]string{"F"}, "F", "flights"),
		Manifest:  b([]string{"M"}, "M", "manifests"),
	}
}

// Actions returns every action name with a pointer to its binding; the names
// are the keys of the config file's keys section.
func (k *KeyMap) Actions() map[string]*key.Binding {
	return map[string]*key.Binding{
		"help": &k.Help, "command": &k.Command, "back": &k.Back, "quit": &k.Quit, "force_quit": &k.ForceQuit,
		"up": &k.Up, "down": &k.Down, "top": &k.Top, "bottom": &k.Bottom,
		"half_page_down": &k.HalfDown, "half_page_up": &k.HalfUp, "page_down": &k.PageDown, "page_up": &k.PageUp,
		"next_tab": &k.NextTab, "prev_tab": &k.PrevTab, "open": &k.Open, "filter": &k.Filter,
		"sort": &k.Sort, "reverse": &k.Reverse,
		"book": &k.Book, "abn": &k.ABN, "move": &k.Move, "history": &k.History, "open_items": &k.OpenItems,
		"next_field": &k.NextField, "prev_field": &k.PrevField, "save": &k.Save,
		"add_segment": &k.AddSegment, "remove_segment": &k.RemoveSegment, "toggle": &k.Toggle,
		"confirm": &k.Confirm, "deny": &k.Deny,
		"issue": &k.Issue, "mark_sent": &k.MarkSent, "cancel_notice": &k.CancelNotice, "depart": &k.Depart,
		"prev_version": &k.PrevVersion, "next_version": &k.NextVersion,
		"conflicts": &k.Conflicts, "details": &k.Details, "keep_winner": &k.KeepWinner,
		"take_loser": &k.TakeLoser, "enter_value": &k.EnterValue,
		"escorts": &k.Escorts, "permit": &k.Permit, "custody": &k.Custody, "sync_now": &k.SyncNow,
		"new_case": &k.NewCase, "edit_case": &k.EditCase, "edit_traveller": &k.EditTraveller,
		"edit_document": &k.EditDocument, "edit_counselling": &k.EditCounselling, "pick": &k.Pick,
		"open_duplicate": &k.OpenDuplicate, "contacts": &k.Contacts,
		"contact_add": &k.ContactAdd, "contact_edit": &k.ContactEdit, "contact_remove": &k.ContactRemove, "log_add": &k.LogAdd,
		"reports": &k.Reports, "period": &k.Period, "prev_period": &k.PrevPeriod, "next_period": &k.NextPeriod,
		"group_by": &k.GroupBy, "office_filter": &k.OfficeFilter, "programme_filter": &k.ProgrammeFilter,
		"next_table": &k.NextTable, "reload": &k.Reload, "copy": &k.Copy, "undo": &k.Undo,
		"mark": &k.Mark, "mark_range": &k.MarkRange, "mark_all": &k.MarkAll, "team": &k.Team, "review": &k.Review,
		"approve": &k.Approve, "reject": &k.Reject,
		"flights": &k.Flights, "manifest": &k.Manifest,
	}
}

// Override replaces the keys of the named actions (from the config file).
// An unknown action or an empty key list is an error naming it.
func (k *KeyMap) Override(keys map[string][]string) error {
	acts := k.Actions()
	for _, name := range slices.Sorted(mapsKeys(keys)) {
		b, ok := acts[name]
		if !ok {
			known := slices.Sorted(mapsKeys(acts))
			return fmt.Errorf("keys.%s: unknown action (known: %s)", name, strings.Join(known, ", "))
		}
		ks := keys[name]
		if len(ks) == 0 {
			return fmt.Errorf("keys.%s: needs at least one key", name)
		}
		desc := b.Help().Desc
		b.SetKeys(ks...)
		b.SetHelp(strings.Join(ks, "/"), desc)
	}
	return nil
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// bindings is a help.KeyMap made of a short line and full-help columns.
type bindings struct {
	short []key.Binding
	full  [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (b bindings) ShortHelp() []key.Binding { return b.short }

// FullHelp implements help.KeyMap.
func (b bindings) FullHelp() [][]key.Binding { return b.full }
