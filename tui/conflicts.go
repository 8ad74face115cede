package tui

import (
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// ConflictsMsg opens the sync conflicts screen (:conflicts, C on the queue).
type ConflictsMsg struct{}

// conflictsLoadedMsg delivers the open conflicts to the screen id.
type conflictsLoadedMsg struct {
	id   int
	list []ConflictView
	err  error
}

// conflictResolvedMsg reports one resolution written (or refused).
type conflictResolvedMsg struct {
	id   int
	c    ConflictView
	take string
	err  error
}

// conflictsScreen lists the open sync conflicts and resolves them: keep the
// value in force, take the other one, or type a third.
type conflictsScreen struct {
	keys   *KeyMap
	st     *Styles
	src    ConflictSource // nil: sync not configured
	user   string
	id     int
	list   []ConflictView
	loaded bool
	cursor int
	detail bool
	// editing is true while a value is typed (e).
	editing bool
	value   field
	// pending is the resolution shown for confirmation (y writes it).
	pending *pendingResolve
	saving  bool
	err     string
	w, h    int
}

// pendingResolve is a resolution waiting for y: take as Resolve gets it
// and the value it will keep, as JSON text.
type pendingResolve struct {
	take, value string
}

func newConflictsScreen(keys *KeyMap, st *Styles, src ConflictSource, user string) *conflictsScreen {
	return &conflictsScreen{keys: keys, st: st, src: src, user: user, id: newScreenID(), value: newField(500, false)}
}

// Init implements Screen: it loads the open conflicts.
func (s *conflictsScreen) Init() tea.Cmd { return s.load() }

func (s *conflictsScreen) load() tea.Cmd {
	if s.src == nil {
		s.loaded = true
		return nil
	}
	src, id := s.src, s.id
	return func() tea.Msg {
		l, err := src.Conflicts()
		return conflictsLoadedMsg{id: id, list: l, err: err}
	}
}

// Title implements Screen.
func (s *conflictsScreen) Title() string { return "conflicts" }

// SetSize implements Screen.
func (s *conflictsScreen) SetSize(w, h int) { s.w, s.h = w, h }

// Capturing implements Capturer: typing a value or answering y/n takes
// every key.
func (s *conflictsScreen) Capturing() bool { return s.editing || s.pending != nil }

// Dirty implements Dirtier.
func (s *conflictsScreen) Dirty() bool { return s.editing && s.value.Value() != "" }

// Counts implements Counter.
func (s *conflictsScreen) Counts() (int, int) { return len(s.list), len(s.list) }

func (s *conflictsScreen) selected() (ConflictView, bool) {
	if s.cursor < 0 || s.cursor >= len(s.list) {
		return ConflictView{}, false
	}
	return s.list[s.cursor], true
}

// KeyMap implements Screen.
func (s *conflictsScreen) KeyMap() help.KeyMap {
	k := s.keys
	if s.pending != nil {
		yes, no := withHelp(k.Confirm, "resolve"), withHelp(k.Deny, "back")
		yes.SetEnabled(!s.saving)
		return bindings{short: []key.Binding{yes, no}, full: [][]key.Binding{{yes, no, withHelp(k.Back, "back"), k.ForceQuit}}}
	}
	if s.editing {
		save, cancel := withHelp(k.Open, "resolve with this value"), withHelp(k.Back, "cancel")
		save.SetEnabled(!s.saving)
		return bindings{short: []key.Binding{save, cancel}, full: [][]key.Binding{{save, cancel, k.ForceQuit}}}
	}
	_, has := s.selected()
	act := has && !s.saving
	win, lose, val := k.KeepWinner, k.TakeLoser, k.EnterValue
	win.SetEnabled(act)
	lose.SetEnabled(act)
	val.SetEnabled(act)
	up, down, det := k.Up, k.Down, k.Details
	up.SetEnabled(!s.detail && len(s.list) > 1)
	down.SetEnabled(!s.detail && len(s.list) > 1)
	det.SetEnabled(!s.detail && has)
	back := withHelp(k.Back, "back")
	if s.detail {
		back = withHelp(k.Back, "list")
	}
	return bindings{short: []key.Binding{det, win, lose, val, back},
		full: [][]key.Binding{{up, down, det, back}, {win, lose, val}, {k.Command, k.Help, k.Quit, k.ForceQuit}}}
}

// Update implements Screen.
func (s *conflictsScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case conflictsLoadedMsg:
		if msg.id != s.id {
			return nil
		}
		s.loaded = true
		if msg.err != nil {
			s.err = msg.err.Error()
			return nil
		}
		keep, _ := s.selected()
		s.list = msg.list
		s.cursor = min(s.cursor, max(0, len(s.list)-1))
		found := false
		for i, c := range s.list {
			if c.ID == keep.ID {
				s.cursor, found = i, true
			}
		}
		if !found {
			s.detail = false
		}
		return nil
	case conflictResolvedMsg:
		if msg.id != s.id {
			return nil
		}
		s.saving = false
		if msg.err != nil {
			// A failed save keeps what was typed.
			s.err, s.pending = msg.err.Error(), nil
			return errCmd(msg.err)
		}
		s.err, s.editing, s.detail, s.pending = "", false, false, nil
		s.value.SetValue("")
		what := fmt.Sprintf("conflict %s resolved: %s %s = %s", msg.c.ID, msg.c.Record, msg.c.Field, oneLine(msg.take))
		return tea.Batch(msgCmd(SavedMsg{Case: msg.c.Case, What: what}), s.load())
	case tea.PasteMsg:
		if s.editing && s.pending == nil {
			s.value.paste(msg.Content)
		}
		return nil
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	return nil
}

func (s *conflictsScreen) key(kp tea.KeyPressMsg) tea.Cmd {
	k := s.keys
	c, has := s.selected()
	if s.pending != nil {
		switch {
		case key.Matches(kp, k.Confirm):
			if !s.saving {
				return s.resolve(s.pending)
			}
		case key.Matches(kp, k.Deny), key.Matches(kp, k.Back):
			s.pending = nil
		}
		return nil
	}
	if s.editing {
		switch {
		case key.Matches(kp, k.Back):
			s.editing, s.err = false, ""
			s.value.SetValue("")
		case key.Matches(kp, k.Open):
			if s.saving {
				return nil
			}
			v := strings.TrimSpace(s.value.Value())
			if v == "" {
				s.err = "type a value (JSON, or a bare word as text)"
				return nil
			}
			s.err = ""
			s.pending = &pendingResolve{take: v, value: jsonValue(v)}
		default:
			s.value.update(kp)
		}
		return nil
	}
	switch {
	case key.Matches(kp, k.Back):
		if s.detail {
			s.detail, s.err = false, ""
			return nil
		}
		return msgCmd(BackMsg{})
	case key.Matches(kp, k.KeepWinner):
		if has && !s.saving {
			s.detail, s.err = true, ""
			s.pending = &pendingResolve{take: "winner", value: c.Winner.Value}
		}
	case key.Matches(kp, k.TakeLoser):
		if has && !s.saving {
			s.detail, s.err = true, ""
			s.pending = &pendingResolve{take: "loser", value: c.Loser.Value}
		}
	case key.Matches(kp, k.EnterValue):
		if has && !s.saving {
			// The value in force to edit, seen whole above the
			// conflict with the cursor at its end (ctrl+u clears it).
			s.detail, s.editing, s.err = true, true, ""
			s.value.SetValue(plainValue(c.Winner.Value))
		}
	case s.detail:
		return nil
	case key.Matches(kp, k.Details):
		if has {
			s.detail, s.err = true, ""
		}
	case key.Matches(kp, k.Up):
		s.cursor = max(0, s.cursor-1)
	case key.Matches(kp, k.Down):
		s.cursor = min(max(0, len(s.list)-1), s.cursor+1)
	}
	return nil
}

// resolve writes p for the selected conflict in one transaction.
func (s *conflictsScreen) resolve(p *pendingResolve) tea.Cmd {
	c, ok := s.selected()
	if !ok {
		return nil
	}
	s.saving = true
	src, id, user, take, value := s.src, s.id, s.user, p.take, p.value
	return func() tea.Msg {
		err := src.Resolve(user, c.ID, take)
		return conflictResolvedMsg{id: id, c: c, take: value, err: err}
	}
}

// jsonValue is the JSON a typed value is stored as (the store's rule): valid
// JSON as it is, anything else as a string.
func jsonValue(v string) string {
	if json.Valid([]byte(v)) {
		return v
	}
	q, _ := json.Marshal(v)
	return string(q)
}

// plainValue is the text to edit for a JSON value: a string without its
// quotes, anything else as it is.
func plainValue(v string) string {
	var str string
	if json.Unmarshal([]byte(v), &str) == nil {
		return str
	}
	return v
}

// View implements Screen.
func (s *conflictsScreen) View() string {
	st := s.st
	var l []string
	add := func(line string) { l = append(l, ansi.Truncate(line, s.w, "…")) }
	switch {
	case s.src == nil:
		add(st.Title.Render("Sync conflicts"))
		add("")
		add(st.Muted.Render("Sync is not configured: there are no conflicts to resolve."))
		return pad(l, s.h)
	case !s.loaded:
		add(st.Muted.Render("loading conflicts…"))
	case s.detail:
		if c, ok := s.selected(); ok {
			l = append(l, s.actionLines(c)...)
			l = append(l, s.detailLines(c)...)
		}
	default:
		l = append(l, s.listLines()...)
	}
	foot := s.footLines()
	for len(l) < s.h-len(foot) {
		l = append(l, "")
	}
	if len(l) > s.h-len(foot) {
		l = l[:max(0, s.h-len(foot))]
	}
	return pad(append(l, foot...), s.h)
}

func (s *conflictsScreen) footLines() []string {
	st := s.st
	var f []string
	if s.err != "" {
		f = append(f, st.Error.Render(ansi.Truncate(st.ErrGlyph+" "+firstLine(s.err), s.w, "…")))
	} else if s.saving {
		f = append(f, st.Muted.Render("saving…"))
	}
	return f
}

const conflictTime = "2006-01-02 15:04"

func (s *conflictsScreen) listLines() []string {
	st := s.st
	var l []string
	add := func(line string) { l = append(l, ansi.Truncate(line, s.w, "…")) }
	if len(s.list) == 0 {
		add(st.Title.Render("Sync conflicts"))
		add("")
		add(st.OK.Render(st.OKGlyph + " No open conflicts."))
		return l
	}
	add(st.Title.Render(fmt.Sprintf("Sync conflicts: %d open", len(s.list))))
	add(st.Muted.Render(fmt.Sprintf("  %-11s %-15s %-12s %-14s %s", "ID", "CASE", "RECORD", "FIELD", "IN FORCE ⇄ OTHER")))
	room := max(1, s.h-len(l)-len(s.footLines()))
	start := max(0, min(s.cursor-room/2, len(s.list)-room))
	for i := start; i < len(s.list) && i < start+room; i++ {
		c := s.list[i]
		line := fmt.Sprintf("%-11s %-15s %-12s %-14s %s ⇄ %s", c.ID, cut(c.Case, 15), cut(c.Record, 12), cut(c.Field, 14),
			cut(oneLine(c.Winner.Value), 12), oneLine(c.Loser.Value))
		if i == s.cursor {
			add(st.Selected.Render(ansi.Truncate(st.Cursor+" "+line, s.w, "…")))
		} else {
			add("  " + line)
		}
	}
	return l
}

// actionLines head the detail while a value is typed (the input, whole,
// with its cursor) or a resolution waits for y (the value it will keep).
func (s *conflictsScreen) actionLines(c ConflictView) []string {
	st := s.st
	var l []string
	add := func(line string) { l = append(l, ansi.Truncate(line, s.w, "…")) }
	where := printable(c.Record + " › " + c.Field)
	if c.Case != "" {
		where = printable(c.Case) + " › " + where
	}
	switch {
	case s.pending != nil:
		verb := "Keep the value in force"
		switch s.pending.take {
		case "loser":
			verb = "Take the other value"
		case "winner":
		default:
			verb = "Write the typed value"
		}
		add(st.Warning.Render(st.WarnGlyph + " " + verb + " for " + where + "?"))
		for _, v := range wrapCells(oneLine(s.pending.value), max(10, s.w-4), 3) {
			add("    " + st.Bold.Render(v))
		}
		add(st.Muted.Render(fmt.Sprintf("  %s resolves (a new change, synced to every desk) · %s or %s goes back",
			s.keys.Confirm.Help().Key, s.keys.Deny.Help().Key, s.keys.Back.Help().Key)))
		add("")
	case s.editing:
		add(st.Bold.Render("New value for " + where + ":"))
		for _, v := range s.value.wrapView(max(10, s.w-4), 3) {
			add("    " + v)
		}
		add(st.Muted.Render("  JSON or a bare word · ←/→ move · ctrl+u clears · enter, then y, resolves"))
		add("")
	}
	return l
}

func (s *conflictsScreen) detailLines(c ConflictView) []string {
	st := s.st
	var l []string
	add := func(line string) { l = append(l, ansi.Truncate(line, s.w, "…")) }
	where := c.Record
	if c.Case != "" {
		where = c.Case + " › " + c.Record
	}
	add(st.Title.Render("Conflict " + printable(c.ID)))
	add(printable(where) + " › " + printable(c.Field))
	if !c.At.IsZero() {
		add(st.Muted.Render("found " + c.At.UTC().Format(conflictTime) + " UTC"))
	}
	add("")
	side := func(title string, sd ConflictSide) {
		add(st.Bold.Render(title))
		for _, v := range wrapCells(oneLine(sd.Value), max(10, s.w-4), 3) {
			add("    " + v)
		}
		who := sd.Actor
		if sd.Desk != "" {
			who += "@" + sd.Desk
		}
		add(st.Muted.Render("    by " + printable(who) + "  " + sd.When.UTC().Format(conflictTime) + " UTC"))
		add("")
	}
	side("  "+st.OKGlyph+" In force (winner)", c.Winner)
	side("  "+st.WarnGlyph+" Other value (loser)", c.Loser)
	add(st.Muted.Render("  Resolving writes the chosen value as a new change; it syncs to every desk."))
	return l
}

// cut escapes s and shortens it to n cells with an ellipsis.
func cut(s string, n int) string { return ansi.Truncate(printable(s), n, "…") }

// oneLine flattens line breaks so a value stays on its row, and escapes
// what is left that could drive the terminal.
func oneLine(s string) string { return printable(lineBreaks.Replace(s)) }

var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ")

// wrapCells splits s into at most n lines of w terminal cells (the last
// one cut with "…"): wide characters count two, combining marks none.
func wrapCells(s string, w, n int) []string {
	if s == "" {
		return []string{""}
	}
	out := strings.Split(ansi.Hardwrap(s, w, true), "\n")
	if len(out) > n {
		out = out[:n]
		out[n-1] = ansi.Truncate(out[n-1], w-1, "") + "…"
	}
	return out
}
