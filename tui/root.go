package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// Minimum terminal size; below it the app shows "terminal too small" and
// changes nothing.
const (
	MinWidth  = 60
	MinHeight = 16
)

// Options configure the app. Only Source is required.
type Options struct {
	Source Source
	// Cases moves cases and saves bookings; ABNs issues and sends ABNs.
	Cases CaseWriter
	ABNs  ABNDesk
	// Quoter prices booking drafts; nil shows "no tariff tables" in the form.
	Quoter Quoter
	// User is recorded as the actor of every save; Office is shown.
	User, Office string
	Keys         KeyMap
	Styles       Styles
	// Sync delivers sync state; nil shows "not configured".
	Sync <-chan SyncStatus
	// Changes signals store commits from elsewhere (sync, other commands).
	Changes <-chan struct{}
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time
	// Queues overrides the work queues (nil: DefaultQueues).
	Queues []QueueDef
	// CaseActions are extra case-view actions (see doc.go).
	CaseActions []CaseAction
	// Gate supplies what the ready-to-depart gate needs beyond the case file
	// (templates, the quote engine's findings); nil judges without them, so
	// the booking-findings item stays open.
	Gate func(f *booking.CaseFile) booking.GateInput
	// Conflicts lists and resolves sync conflicts; nil shows "sync is not
	// configured" on the conflicts screen.
	Conflicts ConflictSource
	// Hub is the configured hub URL, shown on the sync screen.
	Hub string
	// SyncNow asks the background sync to run at once; nil: no hub.
	SyncNow func()
	// Editor opens new cases (n, :new) at Office; nil: the new-case
	// form says this desk cannot.
	Editor CaseEditor
	// Reports makes the Reports screen's reports (:report, R); nil: the
	// screen says they are not available.
	Reports ReportSource
	// Undo undoes the user's changes of this session (u); nil: u does
	// nothing.
	Undo Undoer
	// Team reads the office's users and assigns cases (W, :team,
	// :assign); Review is the four-eyes check (A, :review). nil: the
	// screens say they are not available.
	Team   TeamDesk
	Review ReviewDesk
	// Dupes finds likely duplicates as a new case's applicant is typed;
	// nil: no check.
	Dupes DuplicateFinder
	// Flights reads the Flights tab, flight views and manifests (F,
	// :flights, :flight); nil: those screens say they are not available.
	Flights FlightSource
	// LockKey is the sign-in gate's lock key, listed on the help page;
	// empty when the app runs without the gate.
	LockKey string
	// Access notes who opens which case's personal data and shows the
	// log (:access) to team leaders; nil: nothing is noted.
	Access AccessDesk
}

// Model is the root model: it routes messages to the screen on top of a
// stack, draws the header, status bar and help footer, and owns the command
// bar and the quit confirmation.
type Model struct {
	opt   Options
	keys  *KeyMap
	st    *Styles
	stack []Screen
	queue *queueScreen
	w, h  int

	help     help.Model
	showHelp bool

	cmdMode bool
	cmdline field
	matches []string

	msg    string
	msgErr bool

	confirm *confirmPrompt

	sync     SyncStatus
	syncSeen bool
	lastSave time.Time
	loading  bool
	// rowGen is the Source's row generation the queue reflects (see
	// RowChanges); again says a change came while rows were loading.
	rowGen uint64
	again  bool
}

// confirmPrompt is a yes/no question in the footer.
type confirmPrompt struct {
	text string
	yes  tea.Cmd
}

// New builds the app and loads the queue rows synchronously, so the first
// frame already shows the queue.
func New(opt Options) (*Model, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Queues == nil {
		opt.Queues = DefaultQueues()
		if opt.User != "" {
			all := opt.Queues[len(opt.Queues)-1]
			opt.Queues = append(opt.Queues[:len(opt.Queues)-1], MineQueue(opt.User), all)
		}
	}
	keys, st := opt.Keys, opt.Styles
	m := &Model{opt: opt, keys: &keys, st: &st, cmdline: newField(120, false)}
	m.help = help.New()
	m.help.Styles = st.Help
	m.queue = newQueueScreen(m.keys, m.st, booking.DateOf(opt.Now()), opt.Queues)
	m.stack = []Screen{m.queue}
	if opt.Source != nil {
		if rc, ok := opt.Source.(RowChanges); ok {
			m.rowGen = rc.RowGen() // before the rows: a change between is read again
		}
		rows, err := opt.Source.Rows()
		if err != nil {
			return nil, err
		}
		m.queue.setRows(rows)
		// Open on the first queue with work in it.
		for i, t := range m.queue.tabs {
			if len(t.members) > 0 {
				m.queue.setTab(i)
				break
			}
		}
	}
	return m, nil
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.listenSync(), m.listenChanges(), m.queue.indexCmd())
}

func (m *Model) listenSync() tea.Cmd {
	if m.opt.Sync == nil {
		return nil
	}
	ch := m.opt.Sync
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return SyncMsg(s)
	}
}

func (m *Model) listenChanges() tea.Cmd {
	if m.opt.Changes == nil {
		return nil
	}
	ch := m.opt.Changes
	return func() tea.Msg {
		if _, ok := <-ch; !ok {
			return nil
		}
		return changedMsg{}
	}
}

func (m *Model) loadRows() tea.Cmd {
	src := m.opt.Source
	return func() tea.Msg { return allRows(src) }
}

func allRows(src Source) rowsMsg {
	var gen uint64
	if rc, ok := src.(RowChanges); ok {
		gen = rc.RowGen()
	}
	rows, err := src.Rows()
	return rowsMsg{rows: rows, err: err, gen: gen}
}

// loadChanged reads again only the rows changed since the queue's
// generation when the Source can say which (a sync that pulled one edit
// reads one row, not 100k); otherwise, or when too many changed, all.
func (m *Model) loadChanged() tea.Cmd {
	src := m.opt.Source
	rc, ok := src.(RowChanges)
	if !ok {
		return m.loadRows()
	}
	gen := m.rowGen
	return func() tea.Msg {
		cases, now, all := rc.RowsChangedSince(gen)
		if all {
			return allRows(src)
		}
		rows := make([]booking.Summary, 0, len(cases))
		for _, no := range cases {
			row, err := src.Summary(no)
			if err != nil {
				return allRows(src) // a case gone: rebuild
			}
			rows = append(rows, row)
		}
		return changedRowsMsg{rows: rows, gen: now}
	}
}

func (m *Model) loadRow(no string) tea.Cmd {
	src := m.opt.Source
	return func() tea.Msg {
		row, err := src.Summary(no)
		return rowMsg{no: no, row: row, err: err}
	}
}

// loadAgain loads what changed while rows were loading.
func (m *Model) loadAgain() tea.Cmd {
	if !m.again {
		return nil
	}
	m.again, m.loading = false, true
	return m.loadChanged()
}

func (m *Model) top() Screen { return m.stack[len(m.stack)-1] }

func (m *Model) bodyHeight() int { return max(m.h-3, 1) }

func (m *Model) tooSmall() bool { return m.w < MinWidth || m.h < MinHeight }

func (m *Model) push(s Screen) tea.Cmd {
	s.SetSize(m.w, m.bodyHeight())
	m.stack = append(m.stack, s)
	m.showHelp = false
	return s.Init()
}

func (m *Model) pop() {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
	m.showHelp = false
}

func (m *Model) dirty() bool {
	for _, s := range m.stack {
		if d, ok := s.(Dirtier); ok && d.Dirty() {
			return true
		}
	}
	return false
}

func (m *Model) capturing() bool {
	c, ok := m.top().(Capturer)
	return ok && c.Capturing()
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.help.SetWidth(m.w)
		for _, s := range m.stack {
			s.SetSize(m.w, m.bodyHeight())
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case SyncMsg:
		m.sync, m.syncSeen = SyncStatus(msg), true
		if msg.Notice != "" {
			m.msg, m.msgErr = msg.Notice, false
		}
		return m, m.listenSync()
	case changedMsg:
		if m.loading {
			m.again = true
			return m, m.listenChanges()
		}
		m.loading = true
		return m, tea.Batch(m.loadChanged(), m.listenChanges())
	case rowsMsg:
		m.loading = false
		if msg.err != nil {
			return m, errCmd(msg.err)
		}
		m.rowGen = msg.gen
		m.queue.setRows(msg.rows)
		return m, tea.Batch(m.queue.indexCmd(), m.loadAgain())
	case changedRowsMsg:
		m.loading = false
		m.rowGen = msg.gen
		m.queue.setSomeRows(msg.rows)
		return m, m.loadAgain()
	case searchIndexMsg:
		m.queue.takeIndex(msg)
		return m, nil
	case rowMsg:
		if msg.err == nil {
			m.queue.setRow(msg.row)
		}
		return m, nil
	case SavedMsg:
		m.lastSave = m.opt.Now()
		m.msg, m.msgErr = "Saved: "+msg.What, false
		cmds := []tea.Cmd{m.loadRow(msg.Case)}
		for _, s := range m.stack {
			cmds = append(cmds, s.Update(msg))
		}
		return m, tea.Batch(cmds...)
	case UndoneMsg:
		return m, m.undone(msg)
	case ExternalChangeMsg:
		return m, m.refresh(msg.Case, msg.Text)
	case ErrMsg:
		m.msg, m.msgErr = msg.Err.Error(), true
		return m, m.broadcast(msg)
	case InfoMsg:
		m.msg, m.msgErr = msg.Text, false
		return m, nil
	case ConfirmMsg:
		m.confirm = &confirmPrompt{text: msg.Text, yes: msg.Yes}
		return m, nil
	case tea.PasteMsg:
		if m.tooSmall() {
			return m, nil
		}
		if m.cmdMode {
			if m.cmdline.paste(msg.Content) {
				m.matches = m.candidates(m.cmdline.Value())
			}
			return m, nil
		}
		// Only the screen in front takes pasted text.
		return m, m.top().Update(msg)
	case PushMsg:
		return m, m.push(msg.Screen)
	case BackMsg:
		m.pop()
		return m, nil
	case OpenCaseMsg:
		return m, m.push(newCaseScreen(m.env(), msg.Number))
	case BookMsg:
		return m, m.push(newFormScreen(m.env(), msg.Number))
	case ABNMsg:
		return m, m.push(newABNScreen(m.env(), msg.Number))
	case NewCaseMsg:
		return m, m.push(NewCaseScreen(DutyDeps{Source: m.opt.Source, User: m.opt.User, Keys: *m.keys, Styles: *m.st,
			Now: m.opt.Now, Edit: m.opt.Editor, Office: m.opt.Office, Dupes: m.opt.Dupes}))
	case ConflictsMsg:
		return m, m.push(newConflictsScreen(m.keys, m.st, m.opt.Conflicts, m.opt.User))
	case AccessMsg:
		return m, m.push(newAccessScreen(m.env(), msg.Case))
	case SyncScreenMsg:
		return m, m.push(newSyncScreen(m.keys, m.st, func() (SyncStatus, bool) { return m.sync, m.syncSeen }, m.opt.Hub, m.opt.SyncNow, m.opt.Now))
	case ReportMsg:
		if _, ok := m.top().(*reportScreen); ok {
			m.pop() // :report on the Reports screen replaces it
		}
		return m, m.push(newReportScreen(m.keys, m.st, m.opt.Reports, func() []booking.Summary { return m.queue.rows }, booking.DateOf(m.opt.Now()), msg.Name))
	case TeamMsg:
		return m, m.push(newTeamScreen(m.keys, m.st, m.opt.Team, func() []booking.Summary { return m.queue.rows }, booking.DateOf(m.opt.Now())))
	case TeamQueueMsg:
		m.stack = m.stack[:1]
		m.queue.showTeamQueue(TeamQueue(msg.User, msg.Unassigned))
		return m, nil
	case ReviewMsg:
		return m, m.push(newReviewScreen(m.keys, m.st, m.opt.Review, m.opt.User))
	case assignedMsg:
		return m, m.assigned(msg)
	case FlightsMsg:
		return m, m.push(newFlightsScreen(m.keys, m.st, m.opt.Flights, booking.DateOf(m.opt.Now())))
	case FlightMsg:
		return m, m.push(newFlightScreen(m.keys, m.st, m.opt.Flights, msg.Key))
	case QueueMsg:
		m.stack = m.stack[:1]
		if err := m.queue.selectQueue(msg.Name); err != nil {
			return m, errCmd(err)
		}
		return m, nil
	}
	return m, m.broadcast(msg)
}

// broadcast hands a message to every screen; screens ignore messages meant
// for another (their loads carry the screen's id).
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range m.stack {
		cmds = append(cmds, s.Update(msg))
	}
	return tea.Batch(cmds...)
}

// env is what screens share.
func (m *Model) env() *env {
	return &env{keys: m.keys, st: m.st, src: m.opt.Source, cases: m.opt.Cases, abns: m.opt.ABNs, quoter: m.opt.Quoter, user: m.opt.User,
		now: m.opt.Now, actions: m.opt.CaseActions, gate: m.opt.Gate, review: m.opt.Review, access: m.opt.Access}
}

func (m *Model) key(kp tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	m.msg = ""
	if m.confirm != nil {
		c := m.confirm
		m.confirm = nil
		if key.Matches(kp, k.Confirm) {
			return c.yes
		}
		m.msg = "Cancelled."
		return nil
	}
	if key.Matches(kp, k.ForceQuit) {
		if m.dirty() {
			m.confirm = &confirmPrompt{text: "Unsaved input will be lost. Quit anyway?", yes: tea.Quit}
			return nil
		}
		return tea.Quit
	}
	if m.tooSmall() {
		if key.Matches(kp, k.Quit) {
			return m.back(true) // asks when a form holds unsaved input
		}
		return nil
	}
	if m.cmdMode {
		return m.commandKey(kp)
	}
	if m.capturing() {
		if ct, ok := m.top().(CommandTaker); ok && key.Matches(kp, k.Command) && ct.AcceptsCommand() {
			m.cmdMode = true
			m.cmdline.SetValue("")
			m.matches = nil
			return nil
		}
		return m.top().Update(kp)
	}
	if m.showHelp {
		if key.Matches(kp, k.Help, k.Back, k.Quit) {
			m.showHelp = false
		}
		return nil
	}
	switch {
	case key.Matches(kp, k.Help):
		m.showHelp = true
		return nil
	case key.Matches(kp, k.Command):
		m.cmdMode = true
		m.cmdline.SetValue("")
		m.matches = nil
		return nil
	case key.Matches(kp, k.Quit):
		return m.back(len(m.stack) == 1)
	case key.Matches(kp, k.Undo) && m.opt.Undo != nil:
		return m.undoCmd()
	}
	return m.top().Update(kp)
}

// back pops the top screen (or quits at the top), asking first when the
// screen holds unsaved input.
func (m *Model) back(quit bool) tea.Cmd {
	var do tea.Cmd
	if quit {
		do = tea.Quit
	} else {
		do = msgCmd(BackMsg{})
	}
	if d, ok := m.top().(Dirtier); (ok && d.Dirty()) || (quit && m.dirty()) {
		m.confirm = &confirmPrompt{text: "Discard unsaved input?", yes: do}
		return nil
	}
	if quit {
		return tea.Quit
	}
	m.pop()
	return nil
}

// commands the command bar knows, for completion.
var commandNames = []string{"open", "new", "book", "abn", "queue", "report", "flights", "flight", "receipt", "conflicts", "sync", "team", "review", "assign", "access", "q", "quit", "help"}

func (m *Model) commandKey(kp tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(kp, k.Back):
		m.cmdMode = false
		return nil
	case key.Matches(kp, k.Open):
		m.cmdMode = false
		return m.runCommand(m.cmdline.Value())
	case kp.Key().Code == tea.KeyTab:
		m.complete()
		return nil
	}
	if changed, _ := m.cmdline.update(kp); changed {
		m.matches = m.candidates(m.cmdline.Value())
	}
	return nil
}

// candidates lists completions for the command line so far.
func (m *Model) candidates(line string) []string {
	verb, arg, hasArg := strings.Cut(line, " ")
	if !hasArg {
		var out []string
		for _, c := range commandNames {
			if strings.HasPrefix(c, verb) {
				out = append(out, c)
			}
		}
		return out
	}
	arg = strings.TrimSpace(arg)
	var out []string
	switch verb {
	case "queue":
		for _, s := range m.queue.slugs() {
			if strings.HasPrefix(s, strings.ToLower(arg)) {
				out = append(out, verb+" "+s)
			}
		}
	case "report":
		for _, s := range reportNames {
			if strings.HasPrefix(s, strings.ToLower(arg)) {
				out = append(out, verb+" "+s)
			}
		}
	case "open", "book", "abn":
		if arg == "" {
			return nil
		}
		up := strings.ToUpper(arg)
		rows := m.queue.rows
		i, _ := slices.BinarySearchFunc(rows, up, func(r booking.Summary, p string) int { return strings.Compare(r.Number, p) })
		for ; i < len(rows) && len(out) < 6 && strings.HasPrefix(rows[i].Number, up); i++ {
			out = append(out, verb+" "+rows[i].Number)
		}
	}
	return out
}

// complete extends the command line to the longest common prefix of its
// candidates.
func (m *Model) complete() {
	c := m.candidates(m.cmdline.Value())
	m.matches = c
	if len(c) == 0 {
		return
	}
	p := c[0]
	for _, s := range c[1:] {
		for !strings.HasPrefix(s, p) {
			p = p[:len(p)-1]
		}
	}
	if len(c) == 1 && !strings.Contains(p, " ") {
		p += " "
	}
	if len(p) > len(m.cmdline.Value()) {
		m.cmdline.SetValue(p)
		m.matches = m.candidates(p)
	}
}

// runCommand executes a command-bar line.
func (m *Model) runCommand(line string) tea.Cmd {
	f := strings.Fields(line)
	if len(f) == 0 {
		return nil
	}
	arg := ""
	if len(f) > 1 {
		arg = f[1]
	}
	current := ""
	if c, ok := m.top().(CaseContext); ok {
		current = c.CurrentCase()
	}
	switch f[0] {
	case "q", "quit":
		return m.back(true)
	case "help":
		m.showHelp = true
		return nil
	case "conflicts":
		return msgCmd(ConflictsMsg{})
	case "new":
		return msgCmd(NewCaseMsg{})
	case "receipt":
		no := strings.ToUpper(arg)
		if no == "" {
			no = current
		}
		if no == "" || m.opt.Editor == nil {
			return errCmd(fmt.Errorf(":receipt needs a case (open one, or :receipt CASE)"))
		}
		ed, user := m.opt.Editor, m.opt.User
		return func() tea.Msg {
			c, err := ed.ConfirmReceipt(user, no)
			if err != nil {
				return ErrMsg{fmt.Errorf("receipt not recorded: %w", err)}
			}
			return SavedMsg{Case: no, What: fmt.Sprintf("receipt of the request from %s confirmed", c.RequestFrom)}
		}
	case "sync":
		return msgCmd(SyncScreenMsg{})
	case "team":
		return msgCmd(TeamMsg{})
	case "review":
		return msgCmd(ReviewMsg{})
	case "assign":
		return m.assignCmd(arg)
	case "flights":
		return msgCmd(FlightsMsg{})
	case "flight":
		return flightCommand(f[1:])
	case "access":
		return msgCmd(AccessMsg{Case: strings.ToUpper(arg)})
	case "report":
		if arg != "" && !slices.Contains(reportNames, strings.ToLower(arg)) {
			return errCmd(fmt.Errorf("no report %q (reports: %s)", arg, strings.Join(reportNames, ", ")))
		}
		return msgCmd(ReportMsg{Name: strings.ToLower(arg)})
	case "queue":
		if arg == "" {
			return errCmd(fmt.Errorf(":queue needs a name (%s)", strings.Join(m.queue.slugs(), ", ")))
		}
		return msgCmd(QueueMsg{Name: arg})
	case "open", "book", "abn":
		no := strings.ToUpper(arg)
		if no == "" {
			no = current
		}
		if no == "" {
			return errCmd(fmt.Errorf(":%s needs a case or ABN number", f[0]))
		}
		return m.resolveCase(f[0], no)
	}
	return errCmd(fmt.Errorf("unknown command %q (commands: %s)", f[0], strings.Join(commandNames, ", ")))
}

// resolveCase turns a case or ABN number into the message opening verb's
// screen.
func (m *Model) resolveCase(verb, no string) tea.Cmd {
	src := m.opt.Source
	open := func(no string) tea.Msg {
		switch verb {
		case "book":
			return BookMsg{Number: no}
		case "abn":
			return ABNMsg{Number: no}
		}
		return OpenCaseMsg{Number: no}
	}
	if booking.ValidCaseNumber(no) {
		return msgCmd(open(no))
	}
	return func() tea.Msg {
		c, err := src.FindByABN(no)
		if err != nil {
			return ErrMsg{fmt.Errorf("%s is neither a case number nor a known ABN number", no)}
		}
		return open(c)
	}
}

// View implements tea.Model.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "movedesk"
	return v
}

// render draws the whole frame as a string (what golden tests compare).
func (m *Model) render() string {
	if m.w == 0 {
		return ""
	}
	if m.tooSmall() {
		s := fmt.Sprintf("Terminal too small: %dx%d.\nmovedesk needs at least %dx%d.\nEnlarge the window, or press q to quit.",
			m.w, m.h, MinWidth, MinHeight)
		if m.confirm != nil {
			s += "\n" + m.st.Warning.Render(m.st.WarnGlyph+" "+m.confirm.text+" (y/n)")
		}
		return s
	}
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	if m.showHelp {
		m.help.ShowAll = true
		b.WriteString(clip(m.st.Title.Render("Keys: "+m.top().Title())+"\n\n"+m.help.View(m.top().KeyMap())+
			"\n\n"+m.st.Muted.Render(wordWrap("Commands: :open CASE  :new  :book [CASE]  :abn [CASE|ABN]  :queue NAME  :report NAME  :flights  :flight AC837 DATE  :conflicts  :team  :review  :assign USER  :q", m.w))+m.undoHelp(), m.w, m.bodyHeight()))
		m.help.ShowAll = false
	} else {
		b.WriteString(m.top().View())
	}
	b.WriteByte('\n')
	b.WriteString(m.statusBar())
	b.WriteByte('\n')
	b.WriteString(m.footer())
	return b.String()
}

func (m *Model) header() string {
	parts := []string{"movedesk"}
	for i, s := range m.stack {
		// A screen about a case opened straight from the queue names the
		// case in the breadcrumb; under the case view it need not.
		if cc, ok := s.(CaseContext); ok && i > 0 && cc.CurrentCase() != "" && s.Title() != cc.CurrentCase() {
			prev, ok := m.stack[i-1].(CaseContext)
			if i == 1 || !ok || prev.CurrentCase() != cc.CurrentCase() {
				parts = append(parts, cc.CurrentCase())
			}
		}
		parts = append(parts, s.Title())
	}
	h := strings.Join(parts, " › ")
	if w := ansi.StringWidth(h); w > m.w {
		h = ansi.TruncateLeft(h, w-m.w+1, "…")
	}
	return m.st.Header.Render(fit(h, m.w))
}

func (m *Model) mode() string {
	switch {
	case m.cmdMode:
		return "COMMAND"
	case m.showHelp:
		return "HELP"
	case m.capturing():
		if m.top() == Screen(m.queue) {
			return "FILTER"
		}
		return "INPUT"
	}
	return "NORMAL"
}

func (m *Model) statusBar() string {
	parts := []string{m.mode()}
	if c, ok := m.top().(Counter); ok {
		shown, total := c.Counts()
		parts = append(parts, thousands(shown)+"/"+thousands(total))
	}
	if m.opt.Office != "" {
		parts = append(parts, m.opt.Office)
	}
	if m.opt.User != "" {
		parts = append(parts, m.opt.User)
	}
	parts = append(parts, m.syncText())
	if !m.lastSave.IsZero() {
		parts = append(parts, "saved "+m.lastSave.Format("15:04:05"))
	}
	return m.st.Bar.Render(fit(" "+strings.Join(parts, " │ "), m.w))
}

func (m *Model) syncText() string {
	s := m.sync
	switch {
	case !m.syncSeen || !s.Configured:
		return "sync: not configured"
	case s.Progress >= 0 && s.Progress < 1 && s.Online:
		return "sync " + progressBar(s.Progress, 10)
	case !s.Online:
		t := "offline"
		if s.Waiting > 0 {
			t += fmt.Sprintf(", %d waiting", s.Waiting)
		}
		return t
	}
	t := "online"
	if s.Err != "" {
		// The hub answered but the sync failed (a revoked token, an
		// untrusted certificate): say so, not "online".
		t = m.st.WarnGlyph + " sync failed: " + s.Err
		if s.Waiting > 0 {
			t = fmt.Sprintf("%s %d waiting; %s", m.st.WarnGlyph, s.Waiting, t[len(m.st.WarnGlyph)+1:])
		}
		return t
	}
	if !s.LastSync.IsZero() {
		t += " " + s.LastSync.Format("15:04")
	}
	if s.Waiting > 0 {
		t += fmt.Sprintf(", %d waiting", s.Waiting)
	}
	if s.Conflicts > 0 {
		t += fmt.Sprintf(", %s %d conflicts", m.st.WarnGlyph, s.Conflicts)
	}
	if s.Refused > 0 {
		t += fmt.Sprintf(", %s %d refused", m.st.WarnGlyph, s.Refused)
	}
	if s.ClockOffset != 0 {
		t += ", " + m.st.WarnGlyph + " " + ClockSkewText(s.ClockOffset)
	}
	return t
}

// ClockSkewText says how far this desk's clock is off the hub's, given the
// hub's time minus the desk's: "clock 3h05m ahead".
func ClockSkewText(offset time.Duration) string {
	way := "behind"
	if offset < 0 {
		way, offset = "ahead", -offset
	}
	var n string
	switch {
	case offset >= 48*time.Hour:
		n = fmt.Sprintf("%dd", offset/(24*time.Hour))
	case offset >= time.Hour:
		n = fmt.Sprintf("%dh%02dm", offset/time.Hour, offset%time.Hour/time.Minute)
	case offset >= time.Minute:
		n = fmt.Sprintf("%dm", offset/time.Minute)
	default:
		n = fmt.Sprintf("%ds", offset/time.Second)
	}
	return "clock " + n + " " + way
}

// progressBar draws p (0 to 1) as a bar of cells cells and a percentage,
// "▕████░░░░░░▏ 42%": plain glyphs, so it reads without colour.
func progressBar(p float64, cells int) string {
	p = min(max(p, 0), 1)
	full := int(p * float64(cells))
	return fmt.Sprintf("▕%s%s▏%3d%%", strings.Repeat("█", full), strings.Repeat("░", cells-full), int(p*100))
}

func (m *Model) footer() string {
	switch {
	case m.confirm != nil:
		return m.st.Warning.Render(fit(m.st.WarnGlyph+" "+m.confirm.text+" (y/n)", m.w))
	case m.cmdMode:
		line := ":" + m.cmdline.view(true, m.w/2)
		if len(m.matches) > 0 {
			line += "  " + m.st.Muted.Render(strings.Join(m.matches, "  "))
		}
		return fitStyled(line, m.w) // the matches are styled
	case m.msg != "" && m.msgErr:
		return m.st.Error.Render(fit(m.st.ErrGlyph+" "+firstLine(m.msg), m.w))
	case m.msg != "":
		return m.st.OK.Render(fit(m.st.OKGlyph+" "+m.msg, m.w))
	}
	// bubbles/help adds an item it has no room for when its ellipsis does
	// not fit either: cut to the width here.
	h := m.help.View(m.top().KeyMap())
	if ansi.StringWidth(h) > m.w {
		h = ansi.Truncate(h, m.w, "…")
	}
	return h
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return printable(l)
}
