package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// TeamDesk is the team leader's side of the desk: the office's users and
// assigning cases. cmd/movedesk adapts the use-case layer to it.
type TeamDesk interface {
	// Users returns the office's users as this desk holds them (none
	// before the hub published them).
	Users() ([]booking.User, error)
	// AssignCases assigns every case of cases to user to as actor, in one
	// transaction (all or none), and returns how many changed. Only a
	// team leader may; others are refused with the reason.
	AssignCases(actor, to string, cases []string) (int, error)
}

// markGlyph shows a marked row, so marks read without colour.
const markGlyph = "●"

// TeamMsg opens the Team screen (W, :team).
type TeamMsg struct{}

// TeamQueueMsg shows the open cases of User (Unassigned: of nobody) as a
// queue: the Team screen's enter.
type TeamQueueMsg struct {
	User       string
	Unassigned bool
}

// assignedMsg reports a committed assignment of Cases to To.
type assignedMsg struct {
	To      string
	Cases   []string
	Changed int
}

// openCase reports whether s is work still to do (not departed or
// cancelled).
func openCase(s *booking.Summary) bool {
	return s.Status != booking.StatusDeparted && s.Status != booking.StatusCancelled
}

// TeamQueue is the queue of user's open cases (unassigned: of nobody).
func TeamQueue(user string, unassigned bool) QueueDef {
	d := QueueDef{Slug: "team", Short: "Team", Tab: "Team: " + user, Name: "Open cases of " + user, sort: sortReceived,
		Match: func(s *booking.Summary, _ booking.Date) bool { return openCase(s) && s.Assignee == user }}
	if unassigned {
		d.Tab, d.Name = "Unassigned", "Open cases assigned to nobody"
		d.Match = func(s *booking.Summary, _ booking.Date) bool { return openCase(s) && s.Assignee == "" }
	}
	return d
}

// showTeamQueue puts def in the queue tabs (replacing an earlier team
// queue, before All) and selects it.
func (q *queueScreen) showTeamQueue(def QueueDef) {
	at := slices.IndexFunc(q.tabs, func(t queueTab) bool { return t.def.Slug == def.Slug })
	tab := queueTab{def: def, sort: def.sort, desc: def.desc}
	if at < 0 {
		at = max(len(q.tabs)-1, 0)
		q.tabs = slices.Insert(q.tabs, at, tab)
	} else {
		q.tabs[at] = tab
	}
	for i := range q.rows {
		if def.Match(&q.rows[i], q.today) {
			q.tabs[at].members = append(q.tabs[at].members, int32(i))
		}
	}
	q.filter.SetValue("")
	q.setTab(at)
}

// toggleMark marks or unmarks the case under the cursor and moves down.
func (q *queueScreen) toggleMark() {
	no := q.CurrentCase()
	if no == "" {
		return
	}
	if q.marks == nil {
		q.marks = map[string]bool{}
	}
	if q.marks[no] {
		delete(q.marks, no)
	} else {
		q.marks[no] = true
	}
	q.anchor = no
	q.cursor++
	q.clampScroll()
}

// markRange marks the rows shown between the last mark toggled and the
// cursor (the cursor's row alone without one).
func (q *queueScreen) markRange() {
	if len(q.shown) == 0 {
		return
	}
	from := q.cursor
	for i, r := range q.shown {
		if q.rows[r].Number == q.anchor {
			from = i
			break
		}
	}
	if q.marks == nil {
		q.marks = map[string]bool{}
	}
	for i := min(from, q.cursor); i <= max(from, q.cursor); i++ {
		q.marks[q.rows[q.shown[i]].Number] = true
	}
	q.anchor = q.CurrentCase()
}

// markAll marks every row shown (the queue as filtered); when all of them
// are marked already, it unmarks them.
func (q *queueScreen) markAll() {
	if q.marks == nil {
		q.marks = map[string]bool{}
	}
	all := true
	for _, r := range q.shown {
		if !q.marks[q.rows[r].Number] {
			all = false
			break
		}
	}
	for _, r := range q.shown {
		if all {
			delete(q.marks, q.rows[r].Number)
		} else {
			q.marks[q.rows[r].Number] = true
		}
	}
}

// Marked returns the marked cases in case-number order.
func (q *queueScreen) Marked() []string {
	out := make([]string, 0, len(q.marks))
	for no := range q.marks {
		out = append(out, no)
	}
	slices.Sort(out)
	return out
}

// clearMarks forgets every mark; it reports whether there were any.
func (q *queueScreen) clearMarks() bool {
	n := len(q.marks)
	q.marks = nil
	return n > 0
}

// markKey handles the marking keys; it reports whether kp was one.
func (q *queueScreen) markKey(kp tea.KeyPressMsg) bool {
	k := q.keys
	switch {
	case key.Matches(kp, k.Mark):
		q.toggleMark()
	case key.Matches(kp, k.MarkRange):
		q.markRange()
	case key.Matches(kp, k.MarkAll):
		q.markAll()
	default:
		return false
	}
	return true
}

// markedText is the queue's footer note on marks ("" without any).
func (q *queueScreen) markedText() string {
	if len(q.marks) == 0 {
		return ""
	}
	return fmt.Sprintf(" · %s %s marked (:assign USER, esc clears)", markGlyph, thousands(len(q.marks)))
}

// assignCmd assigns the marked cases of the queue in front (else the case
// on screen) to user to.
func (m *Model) assignCmd(to string) tea.Cmd {
	to = strings.TrimSpace(to)
	if to == "" {
		return errCmd(fmt.Errorf(":assign needs a user (:assign USER): it assigns the marked cases, or the case on screen"))
	}
	var cases []string
	if m.top() == Screen(m.queue) {
		cases = m.queue.Marked()
	}
	if len(cases) == 0 {
		if c, ok := m.top().(CaseContext); ok && c.CurrentCase() != "" {
			cases = []string{c.CurrentCase()}
		}
	}
	if len(cases) == 0 {
		return errCmd(fmt.Errorf(":assign: no case marked or open (space marks cases in a queue)"))
	}
	if m.opt.Team == nil {
		return errCmd(fmt.Errorf("assignment is not available on this desk"))
	}
	t, user := m.opt.Team, m.opt.User
	return func() tea.Msg {
		n, err := t.AssignCases(user, to, cases)
		if err != nil {
			return ErrMsg{refusal("not assigned", err)}
		}
		return assignedMsg{To: to, Cases: cases, Changed: n}
	}
}

// refusal words a failed write for the footer: a role refusal is its
// own sentence (who, in what role, may not do what, which roles may), so
// it fits one line; other errors say what was not done.
func refusal(what string, err error) error {
	var be *booking.Error
	if errors.As(err, &be) && be.Code == booking.EFORBIDDEN {
		return errors.New(be.Message)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// assigned refreshes the rows an assignment changed and clears the marks.
func (m *Model) assigned(msg assignedMsg) tea.Cmd {
	m.queue.clearMarks()
	text := fmt.Sprintf("assigned %d case(s) to %s", msg.Changed, msg.To)
	if n := len(msg.Cases) - msg.Changed; n > 0 {
		text += fmt.Sprintf(" (%d already were)", n)
	}
	if len(msg.Cases) == 1 {
		return m.refresh(msg.Cases[0], text)
	}
	m.msg, m.msgErr = text, false
	m.lastSave = m.opt.Now()
	var cmds []tea.Cmd
	if len(msg.Cases) > 64 {
		cmds = append(cmds, m.loadRows())
	} else {
		for _, no := range msg.Cases {
			cmds = append(cmds, m.loadRow(no))
		}
	}
	if top := m.top(); top != Screen(m.queue) {
		cmds = append(cmds, top.Init())
	}
	return tea.Batch(cmds...)
}

// teamQueues are the queues the Team screen counts, by slug, with their
// column titles.
var teamQueues = []struct{ slug, title string }{
	{"new", "New"}, {"to-book", "Book"}, {"abn", "ABN"}, {"notify", "Notif"}, {"depart", "Ready"}, {"hold", "Hold"},
}

// teamLine is one associate's (or nobody's) open work.
type teamLine struct {
	user       string
	role       booking.Role
	unassigned bool
	open       int
	byQueue    []int
	old        int // open more than 30 days since received
	oldest     booking.Date
}

// teamScreen shows each associate's open cases by queue and age, and the
// cases of nobody; enter lists one's cases as a queue.
type teamScreen struct {
	keys  *KeyMap
	st    *Styles
	team  TeamDesk
	rows  func() []booking.Summary
	today booking.Date
	id    int

	lines  []teamLine
	err    error
	loaded bool
	cursor int
	offset int
	w, h   int
}

type teamUsersMsg struct {
	id    int
	users []booking.User
	err   error
}

func newTeamScreen(keys *KeyMap, st *Styles, team TeamDesk, rows func() []booking.Summary, today booking.Date) *teamScreen {
	return &teamScreen{keys: keys, st: st, team: team, rows: rows, today: today, id: newScreenID()}
}

// Init implements Screen: it reads the office's users.
func (t *teamScreen) Init() tea.Cmd {
	team, id := t.team, t.id
	return func() tea.Msg {
		if team == nil {
			return teamUsersMsg{id: id}
		}
		us, err := team.Users()
		return teamUsersMsg{id: id, users: us, err: err}
	}
}

// Title implements Screen.
func (t *teamScreen) Title() string { return "Team" }

// SetSize implements Screen.
func (t *teamScreen) SetSize(w, h int) { t.w, t.h = w, h; t.clamp() }

// build counts the open cases of each user from the queue rows.
func (t *teamScreen) build(users []booking.User) {
	defs := map[string]QueueDef{}
	for _, d := range DefaultQueues() {
		defs[d.Slug] = d
	}
	byUser := map[string]*teamLine{}
	add := func(name string, role booking.Role) *teamLine {
		if l, ok := byUser[name]; ok {
			return l
		}
		l := &teamLine{user: name, role: role, unassigned: name == "", byQueue: make([]int, len(teamQueues))}
		byUser[name] = l
		return l
	}
	add("", "")
	for _, u := range users {
		if !u.Disabled && (u.Role.May(booking.ActMoveStatus) || u.Role.May(booking.ActEditCase)) {
			add(u.Name, u.Role)
		}
	}
	rows := t.rows()
	for i := range rows {
		s := &rows[i]
		if !openCase(s) {
			continue
		}
		l := add(s.Assignee, "")
		l.open++
		for j, q := range teamQueues {
			if d, ok := defs[q.slug]; ok && d.Match(s, t.today) {
				l.byQueue[j]++
			}
		}
		if !s.Received.IsZero() {
			if s.Received.DaysUntil(t.today) > 30 {
				l.old++
			}
			if l.oldest.IsZero() || s.Received.Before(l.oldest) {
				l.oldest = s.Received
			}
		}
	}
	t.lines = t.lines[:0]
	for _, l := range byUser {
		t.lines = append(t.lines, *l)
	}
	slices.SortFunc(t.lines, func(a, b teamLine) int {
		if a.unassigned != b.unassigned {
			if a.unassigned {
				return -1
			}
			return 1
		}
		return strings.Compare(a.user, b.user)
	})
	t.loaded = true
	t.clamp()
}

// Update implements Screen.
func (t *teamScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case teamUsersMsg:
		if msg.id == t.id {
			t.err = msg.err
			t.build(msg.users)
		}
		return nil
	case SavedMsg, rowsMsg:
		return t.Init()
	case tea.KeyPressMsg:
		k := t.keys
		switch {
		case key.Matches(msg, k.Back):
			return msgCmd(BackMsg{})
		case key.Matches(msg, k.Open):
			if t.cursor < len(t.lines) {
				l := t.lines[t.cursor]
				return msgCmd(TeamQueueMsg{User: l.user, Unassigned: l.unassigned})
			}
		case key.Matches(msg, k.Reload):
			return t.Init()
		default:
			t.cursor, _ = moveCursor(k, msg, t.cursor, len(t.lines), t.listHeight())
		}
		t.clamp()
	}
	return nil
}

func (t *teamScreen) listHeight() int { return max(t.h-3, 1) }

func (t *teamScreen) clamp() {
	t.cursor = max(0, min(t.cursor, len(t.lines)-1))
	lh := t.listHeight()
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+lh {
		t.offset = t.cursor - lh + 1
	}
	t.offset = max(0, min(t.offset, len(t.lines)-lh))
}

// roleShort fits a role in the Team screen's column.
func roleShort(r booking.Role) string {
	switch r {
	case booking.RoleAssociate:
		return "assoc"
	case booking.RoleDataProcessing:
		return "data"
	case booking.RoleTeamLeader:
		return "leader"
	case "":
		return ""
	}
	return string(r)
}

// View implements Screen.
func (t *teamScreen) View() string {
	var b strings.Builder
	b.WriteString(t.st.Title.Render("Open cases by associate, queue and age"))
	b.WriteByte('\n')
	if !t.loaded {
		b.WriteString(t.st.Muted.Render("Loading…"))
		return clip(b.String(), t.w, t.h)
	}
	// Counts in at most five cells (compactCount), each column after a space.
	nameW := max(8, min(24, t.w-65))
	var hdr strings.Builder
	hdr.WriteString("  " + fit("Associate", nameW) + " " + fit("Role", 6) + " " + fitRight("Open", 6))
	for _, q := range teamQueues {
		hdr.WriteString(" " + fitRight(q.title, 5))
	}
	hdr.WriteString(" " + fitRight(">30d", 5) + " " + fitRight("Oldest", 6))
	b.WriteString(t.st.Muted.Render(fit(hdr.String(), t.w)))
	b.WriteByte('\n')
	lh := t.listHeight()
	end := min(len(t.lines), t.offset+lh)
	for i := t.offset; i < end; i++ {
		l := t.lines[i]
		name := l.user
		if l.unassigned {
			name = "(unassigned)"
		}
		var line strings.Builder
		if i == t.cursor {
			line.WriteString(t.st.Cursor + " ")
		} else {
			line.WriteString("  ")
		}
		line.WriteString(fit(name, nameW) + " " + fit(roleShort(l.role), 6) + " " + fitRight(compactCount(l.open), 6))
		for _, n := range l.byQueue {
			line.WriteString(" " + fitRight(compactCount(n), 5))
		}
		oldest := ""
		if !l.oldest.IsZero() {
			oldest = fmt.Sprintf("%dd", l.oldest.DaysUntil(t.today))
		}
		line.WriteString(" " + fitRight(compactCount(l.old), 5) + " " + fitRight(oldest, 6))
		text := fit(line.String(), t.w)
		if i == t.cursor {
			text = t.st.Selected.Render(text)
		}
		b.WriteString(text)
		b.WriteByte('\n')
	}
	for i := end - t.offset; i < lh; i++ {
		b.WriteByte('\n')
	}
	foot := "enter: their open cases as a queue; there space marks, :assign USER assigns"
	if t.err != nil {
		foot = t.st.ErrGlyph + " users not read: " + t.err.Error()
	}
	b.WriteString(t.st.Muted.Render(fit(foot, t.w)))
	return clip(b.String(), t.w, t.h)
}

// KeyMap implements Screen.
func (t *teamScreen) KeyMap() help.KeyMap {
	k := t.keys
	open := withHelp(k.Open, "their cases")
	return bindings{
		short: []key.Binding{open, k.Down, k.Up, withHelp(k.Back, "back"), k.Help},
		full:  [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp}, {open, withHelp(k.Back, "back"), k.Command, k.Help, k.Quit}},
	}
}
