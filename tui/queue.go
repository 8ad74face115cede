package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// sortKey orders a queue.
type sortKey int

const (
	sortReady sortKey = iota
	sortPriority
	sortDeparture
	sortReceived
	sortNumber
)

var sortNames = []string{"travel-ready", "priority", "departure", "received", "case number"}

// QueueDef is one work queue: its name, its tab label and which rows it holds.
type QueueDef struct {
	// Slug is the name :queue accepts.
	Slug string
	// Name is the full name shown in the breadcrumb.
	Name string
	// Tab is the tab label; Short the label on narrow terminals.
	Tab, Short string
	// Match decides membership; today is the desk's date.
	Match func(s *booking.Summary, today booking.Date) bool
	sort  sortKey
	desc  bool
}

// DefaultQueues returns the work queues in tab order.
func DefaultQueues() []QueueDef {
	is := func(st ...booking.Status) func(*booking.Summary, booking.Date) bool {
		return func(s *booking.Summary, _ booking.Date) bool { return slices.Contains(st, s.Status) }
	}
	return []QueueDef{
		{Slug: "new", Short: "New", Name: "New and data entry", Tab: "New", Match: is(booking.StatusReceived, booking.StatusDataEntry), sort: sortReceived},
		{Slug: "to-book", Short: "Book", Name: "Travel-ready to book", Tab: "To book", Match: is(booking.StatusTravelReady), sort: sortReady},
		{Slug: "abn", Short: "ABN", Name: "Booked, ABN to send", Tab: "ABN", Match: func(s *booking.Summary, _ booking.Date) bool {
			return s.Status == booking.StatusBooked && s.ABNNumber == ""
		}, sort: sortDeparture},
		{Slug: "notify", Short: "Notify", Name: "Changes to notify", Tab: "Notify", Match: NeedsNotice, sort: sortDeparture},
		{Slug: "depart", Short: "Ready", Name: "Ready to depart", Tab: "Depart", Match: is(booking.StatusReadyToDepart), sort: sortDeparture},
		{Slug: "departed", Short: "Gone", Name: "Departed (last 30 days)", Tab: "Departed", Match: func(s *booking.Summary, today booking.Date) bool {
			return s.Status == booking.StatusDeparted && !s.Departure.Before(today.AddDays(-30))
		}, sort: sortDeparture, desc: true},
		{Slug: "hold", Short: "Hold", Name: "On hold", Tab: "Hold", Match: is(booking.StatusOnHold), sort: sortReceived},
		{Slug: "all", Short: "All", Name: "All cases", Tab: "All", Match: func(*booking.Summary, booking.Date) bool { return true }, sort: sortNumber},
	}
}

// MineQueue is the queue of the cases assigned to user (the configured
// one); New puts it before All when Options.Queues is nil.
func MineQueue(user string) QueueDef {
	return QueueDef{Slug: "mine", Short: "Mine", Name: "Assigned to " + user, Tab: "Mine",
		Match: func(s *booking.Summary, _ booking.Date) bool { return s.Assignee == user }, sort: sortReceived}
}

// NeedsNotice reports whether the receiving side must be told of a change: a
// case rebooked after its ABN went out (an update is due), or a case
// cancelled while it still has a departure on file (a cancellation notice is
// due; issuing it clears the departure).
func NeedsNotice(s *booking.Summary, _ booking.Date) bool {
	if s.ABNNumber == "" {
		return false
	}
	return s.Status == booking.StatusBooked || (s.Status == booking.StatusCancelled && !s.Departure.IsZero())
}

// queueTab is one queue's members and view state.
type queueTab struct {
	def     QueueDef
	members []int32 // indexes into rows, in sort order once sorted
	sorted  bool
	sort    sortKey
	desc    bool
}

// queueScreen lists cases by work queue. It renders only the visible rows and
// filters with precomputed lower-case haystacks, so it stays fast at 100k.
type queueScreen struct {
	keys  *KeyMap
	st    *Styles
	today booking.Date

	rows []booking.Summary
	hay  []string
	// terms holds each row's fields for field terms (status:on-hold), as
	// "\x01status:on-hold\x01office:rba…", folded once on load.
	terms []string
	// gen counts row changes an index in the making would miss.
	gen    int
	tabs   []queueTab
	tab    int
	loaded bool

	shown     []int32 // members of the tab matching the filter
	filter    field
	filtering bool   // typing into the filter
	applied   string // filter text shown applies to
	cursor    int
	offset    int
	w, h      int

	// marks are the cases marked for a bulk action (:assign), by number,
	// kept across reloads; anchor is the last one toggled (V marks from it).
	marks  map[string]bool
	anchor string
}

func newQueueScreen(keys *KeyMap, st *Styles, today booking.Date, queues []QueueDef) *queueScreen {
	q := &queueScreen{keys: keys, st: st, today: today, filter: newField(60, false)}
	for _, d := range queues {
		q.tabs = append(q.tabs, queueTab{def: d, sort: d.sort, desc: d.desc})
	}
	return q
}

// Init implements Screen; the root loads rows for the queue.
func (q *queueScreen) Init() tea.Cmd { return nil }

// Title implements Screen.
func (q *queueScreen) Title() string { return "Queue: " + q.tabs[q.tab].def.Name }

// SetSize implements Screen.
func (q *queueScreen) SetSize(w, h int) {
	q.w, q.h = w, h
	q.clampScroll()
}

// Capturing implements Capturer.
func (q *queueScreen) Capturing() bool { return q.filtering }

// Counts implements Counter.
func (q *queueScreen) Counts() (int, int) { return len(q.shown), len(q.rows) }

// CurrentCase implements CaseContext: the case under the cursor.
func (q *queueScreen) CurrentCase() string {
	if q.cursor < len(q.shown) {
		return q.rows[q.shown[q.cursor]].Number
	}
	return ""
}

// setRows replaces all rows, keeping the tab, filter and the case under the
// cursor where possible.
func (q *queueScreen) setRows(rows []booking.Summary) {
	keep := q.CurrentCase()
	q.rows = rows
	// What the filter searches is made in the background (indexCmd) or at
	// its first keystroke: the first frame of 100k rows does not wait.
	q.hay, q.terms = nil, nil
	q.gen++
	for t := range q.tabs {
		q.tabs[t].members = q.tabs[t].members[:0]
		q.tabs[t].sorted = false
	}
	for i := range rows {
		for t := range q.tabs {
			if q.tabs[t].def.Match(&rows[i], q.today) {
				q.tabs[t].members = append(q.tabs[t].members, int32(i))
			}
		}
	}
	q.loaded = true
	q.refilter(true)
	q.seek(keep)
}

// searchIndexMsg carries what the filter searches in rows, made off the
// event loop after the rows arrived.
type searchIndexMsg struct {
	gen        int
	hay, terms []string
}

// indexCmd makes the filter's haystacks of the current rows in the
// background, so neither the first frame nor the first keystroke waits.
func (q *queueScreen) indexCmd() tea.Cmd {
	if len(q.rows) == 0 || q.hay != nil {
		return nil
	}
	rows, gen := slices.Clone(q.rows), q.gen // the loop may change q.rows meanwhile
	return func() tea.Msg {
		msg := searchIndexMsg{gen: gen, hay: make([]string, len(rows)), terms: make([]string, len(rows))}
		for i := range rows {
			msg.hay[i] = haystack(&rows[i])
			msg.terms[i] = fieldTerms(&rows[i])
		}
		return msg
	}
}

// takeIndex keeps an index made for the rows still shown (a filter typed
// meanwhile made its own).
func (q *queueScreen) takeIndex(msg searchIndexMsg) {
	if q.hay == nil && msg.gen == q.gen {
		q.hay, q.terms = msg.hay, msg.terms
	}
}

// setRow replaces or adds one row (after a save), re-deriving its queues.
func (q *queueScreen) setRow(s booking.Summary) { q.setSomeRows([]booking.Summary{s}) }

// setSomeRows puts changed rows in place and filters once.
func (q *queueScreen) setSomeRows(rows []booking.Summary) {
	if len(rows) == 0 {
		return
	}
	keep := q.CurrentCase()
	for _, s := range rows {
		if _, found := q.find(s.Number); !found {
			// New cases are rare here (imports, sync); a full rebuild keeps
			// the indexes simple.
			all := slices.Clone(q.rows)
			for _, s := range rows {
				if i, found := slices.BinarySearchFunc(all, s.Number, byNumber); found {
					all[i] = s
				} else {
					all = slices.Insert(all, i, s)
				}
			}
			q.setRows(all)
			return
		}
	}
	for _, s := range rows {
		i, _ := q.find(s.Number)
		q.updateRow(i, s)
	}
	q.refilter(true)
	q.seek(keep)
}

func byNumber(r booking.Summary, no string) int { return strings.Compare(r.Number, no) }

func (q *queueScreen) find(no string) (int, bool) {
	return slices.BinarySearchFunc(q.rows, no, byNumber)
}

// updateRow replaces row i and its tabs' membership, unfiltered.
func (q *queueScreen) updateRow(i int, s booking.Summary) {
	q.rows[i] = s
	if q.hay != nil {
		q.hay[i] = haystack(&q.rows[i])
		q.terms[i] = fieldTerms(&q.rows[i])
	} else {
		q.gen++ // an index being made has this row stale
	}
	for t := range q.tabs {
		tab := &q.tabs[t]
		in := tab.def.Match(&q.rows[i], q.today)
		pos := slices.Index(tab.members, int32(i))
		switch {
		case in && pos < 0:
			tab.members = append(tab.members, int32(i))
			tab.sorted = false
		case !in && pos >= 0:
			tab.members = slices.Delete(tab.members, pos, pos+1)
		case in:
			tab.sorted = false
		}
	}
}

func haystack(s *booking.Summary) string {
	return fold(s.Number + " " + s.ABNNumber + " " + s.DestAirport + " " + s.DestCity + " " + s.Names)
}

// filterFields are the field terms the filter knows ("status:on-hold"); a
// term matches a row whose field starts with its value (folded), and terms
// combine with plain words (all must match).
var filterFields = []string{"assignee", "status", "office", "dest", "prog", "abn", "ssr"}

// fieldTerms lists the row's fields in the form a term is looked up in.
func fieldTerms(s *booking.Summary) string {
	var b strings.Builder
	add := func(k, v string) {
		b.WriteByte('\x01')
		b.WriteString(k)
		b.WriteByte(':')
		b.WriteString(fold(v))
	}
	add("assignee", s.Assignee)
	add("status", string(s.Status))
	add("office", s.Office)
	add("dest", s.DestAirport)
	add("dest", s.DestCity)
	add("prog", s.Programme)
	add("abn", s.ABNNumber)
	for _, n := range s.Needs {
		add("ssr", n)
	}
	return b.String()
}

// splitFilter parses folded filter text into plain words (matched in the
// haystack) and field terms (matched in fieldTerms, as "\x01key:value").
// A word whose key is not a known field is a plain word.
func splitFilter(text string) (words, terms []string) {
	for _, w := range strings.Fields(text) {
		if k, _, ok := strings.Cut(w, ":"); ok && slices.Contains(filterFields, k) {
			terms = append(terms, "\x01"+w)
			continue
		}
		words = append(words, w)
	}
	return words, terms
}

// seek puts the cursor on case no if it is shown.
func (q *queueScreen) seek(no string) {
	if no == "" {
		q.clampScroll()
		return
	}
	for i, r := range q.shown {
		if q.rows[r].Number == no {
			q.cursor = i
			break
		}
	}
	q.clampScroll()
}

// ensureSorted sorts the current tab's members by its sort key.
func (q *queueScreen) ensureSorted() {
	tab := &q.tabs[q.tab]
	if tab.sorted {
		return
	}
	rows := q.rows
	cmpDate := func(a, b booking.Date) int {
		switch {
		case a.IsZero() && b.IsZero():
			return 0
		case a.IsZero():
			return 1
		case b.IsZero():
			return -1
		}
		return a.Time().Compare(b.Time())
	}
	var cmp func(a, b *booking.Summary) int
	switch tab.sort {
	case sortReady:
		cmp = func(a, b *booking.Summary) int { return cmpDate(a.TravelReady, b.TravelReady) }
	case sortPriority:
		cmp = func(a, b *booking.Summary) int {
			if c := prio(a.Priority) - prio(b.Priority); c != 0 {
				return c
			}
			return cmpDate(a.TravelReady, b.TravelReady)
		}
	case sortDeparture:
		cmp = func(a, b *booking.Summary) int { return cmpDate(a.Departure, b.Departure) }
	case sortReceived:
		cmp = func(a, b *booking.Summary) int { return cmpDate(a.Received, b.Received) }
	default:
		cmp = func(a, b *booking.Summary) int { return 0 }
	}
	desc := tab.desc
	slices.SortStableFunc(tab.members, func(x, y int32) int {
		c := cmp(&rows[x], &rows[y])
		if c == 0 {
			c = int(x) - int(y) // rows are in case-number order
		}
		if desc {
			return -c
		}
		return c
	})
	tab.sorted = true
}

func prio(p int) int {
	if p == 0 {
		return booking.PriorityNormal
	}
	return p
}

// refilter recomputes the shown rows. When the new filter only narrows the
// old one, it scans the rows already shown instead of the whole queue.
func (q *queueScreen) refilter(full bool) {
	q.ensureSorted()
	text := fold(strings.TrimSpace(q.filter.Value()))
	src := q.tabs[q.tab].members
	words, terms := splitFilter(text)
	if !full && q.applied != "" && strings.HasPrefix(text, q.applied) {
		// Narrowing holds while no word became a field term ("status"
		// then "status:on"): then every old word or term is kept or
		// extended.
		ow, ot := splitFilter(q.applied)
		if len(words) >= len(ow) && len(terms) >= len(ot) {
			src = q.shown
		}
	}
	q.applied = text
	if text == "" {
		q.shown = src
		q.clampScroll()
		return
	}
	if q.hay == nil {
		q.hay = make([]string, len(q.rows))
		q.terms = make([]string, len(q.rows))
		for i := range q.rows {
			q.hay[i] = haystack(&q.rows[i])
			q.terms[i] = fieldTerms(&q.rows[i])
		}
	}
	out := make([]int32, 0, min(len(src), 1024))
	for _, i := range src {
		h := q.hay[i]
		ok := true
		for _, w := range words {
			if !strings.Contains(h, w) {
				ok = false
				break
			}
		}
		for _, t := range terms {
			if !ok {
				break
			}
			ok = strings.Contains(q.terms[i], t)
		}
		if ok {
			out = append(out, i)
		}
	}
	q.shown = out
	q.clampScroll()
}

func (q *queueScreen) listHeight() int {
	return max(q.h-3, 1) // tabs, column header, filter/sort line
}

func (q *queueScreen) clampScroll() {
	n := len(q.shown)
	q.cursor = max(0, min(q.cursor, n-1))
	lh := q.listHeight()
	if q.cursor < q.offset {
		q.offset = q.cursor
	}
	if q.cursor >= q.offset+lh {
		q.offset = q.cursor - lh + 1
	}
	q.offset = max(0, min(q.offset, n-lh))
}

// selectQueue switches to the queue whose slug or name starts with name.
func (q *queueScreen) selectQueue(name string) error {
	name = strings.ToLower(strings.TrimSpace(name))
	for i, t := range q.tabs {
		if t.def.Slug == name || strings.HasPrefix(strings.ToLower(t.def.Name), name) || strings.HasPrefix(t.def.Slug, name) {
			q.setTab(i)
			return nil
		}
	}
	return fmt.Errorf("no queue %q (queues: %s)", name, strings.Join(q.slugs(), ", "))
}

func (q *queueScreen) slugs() []string {
	out := make([]string, len(q.tabs))
	for i, t := range q.tabs {
		out[i] = t.def.Slug
	}
	return out
}

func (q *queueScreen) setTab(i int) {
	n := len(q.tabs)
	q.tab = ((i % n) + n) % n
	q.cursor, q.offset = 0, 0
	q.refilter(true)
}

// Update implements Screen.
func (q *queueScreen) Update(msg tea.Msg) tea.Cmd {
	if p, ok := msg.(tea.PasteMsg); ok {
		if q.filtering && q.filter.paste(p.Content) {
			q.refilter(false)
		}
		return nil
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := q.keys
	if q.filtering {
		switch {
		case key.Matches(kp, k.Back):
			q.filter.SetValue("")
			q.filtering = false
			q.refilter(true)
		case key.Matches(kp, k.Open):
			q.filtering = false
			q.clampScroll()
		case key.Matches(kp, k.Up), key.Matches(kp, k.Down):
			// Arrows move the cursor while typing; j and k are text.
			if kp.Key().Text == "" {
				q.move(kp)
			} else if changed, _ := q.filter.update(kp); changed {
				q.refilter(false)
			}
		default:
			if changed, _ := q.filter.update(kp); changed {
				q.refilter(false)
			}
		}
		return nil
	}
	if q.markKey(kp) {
		return nil
	}
	switch {
	case key.Matches(kp, k.Filter):
		q.filtering = true
		q.clampScroll()
	case key.Matches(kp, k.Back) && q.clearMarks():
	case key.Matches(kp, k.Back):
		if q.filter.Value() != "" {
			q.filter.SetValue("")
			q.refilter(true)
		}
	case key.Matches(kp, k.NextTab):
		q.setTab(q.tab + 1)
	case key.Matches(kp, k.PrevTab):
		q.setTab(q.tab - 1)
	case key.Matches(kp, k.Sort):
		t := &q.tabs[q.tab]
		t.sort = (t.sort + 1) % sortKey(len(sortNames))
		t.sorted = false
		keep := q.CurrentCase()
		q.refilter(true)
		q.seek(keep)
	case key.Matches(kp, k.Reverse):
		t := &q.tabs[q.tab]
		t.desc = !t.desc
		t.sorted = false
		keep := q.CurrentCase()
		q.refilter(true)
		q.seek(keep)
	case key.Matches(kp, k.Open):
		if no := q.CurrentCase(); no != "" {
			return msgCmd(OpenCaseMsg{Number: no})
		}
	case key.Matches(kp, k.Book):
		if no := q.CurrentCase(); no != "" {
			return msgCmd(BookMsg{Number: no})
		}
	case key.Matches(kp, k.ABN):
		if no := q.CurrentCase(); no != "" {
			return msgCmd(ABNMsg{Number: no})
		}
	case key.Matches(kp, k.Conflicts):
		return msgCmd(ConflictsMsg{})
	case key.Matches(kp, k.NewCase):
		return msgCmd(NewCaseMsg{})
	case key.Matches(kp, k.Reports):
		return msgCmd(ReportMsg{})
	case key.Matches(kp, k.Team):
		return msgCmd(TeamMsg{})
	case key.Matches(kp, k.Review):
		return msgCmd(ReviewMsg{})
	case key.Matches(kp, k.Flights):
		return msgCmd(FlightsMsg{})
	case key.Matches(kp, k.Copy):
		if no := q.CurrentCase(); no != "" {
			return tea.Batch(tea.SetClipboard(no), msgCmd(InfoMsg{Text: "copied " + no}))
		}
	default:
		q.move(kp)
	}
	return nil
}

// move handles the cursor keys.
func (q *queueScreen) move(kp tea.KeyPressMsg) {
	k := q.keys
	lh := q.listHeight()
	switch {
	case key.Matches(kp, k.Down):
		q.cursor++
	case key.Matches(kp, k.Up):
		q.cursor--
	case key.Matches(kp, k.Top):
		q.cursor = 0
	case key.Matches(kp, k.Bottom):
		q.cursor = len(q.shown) - 1
	case key.Matches(kp, k.HalfDown):
		q.cursor += lh / 2
		q.offset += lh / 2
	case key.Matches(kp, k.HalfUp):
		q.cursor -= lh / 2
		q.offset -= lh / 2
	case key.Matches(kp, k.PageDown):
		q.cursor += lh
		q.offset += lh
	case key.Matches(kp, k.PageUp):
		q.cursor -= lh
		q.offset -= lh
	default:
		return
	}
	q.clampScroll()
}

// KeyMap implements Screen.
func (q *queueScreen) KeyMap() help.KeyMap {
	k := q.keys
	if q.filtering {
		return bindings{
			short: []key.Binding{withHelp(k.Open, "keep filter"), withHelp(k.Back, "clear filter")},
			full:  [][]key.Binding{{withHelp(k.Open, "keep filter"), withHelp(k.Back, "clear filter"), k.ForceQuit}},
		}
	}
	return bindings{
		short: []key.Binding{k.Open, k.NewCase, k.Filter, k.NextTab, k.Sort, k.Help, k.Quit},
		full: [][]key.Binding{
			{k.Up, k.Down, k.Top, k.Bottom, k.HalfDown, k.HalfUp, k.PageDown, k.PageUp},
			{k.NextTab, k.PrevTab, k.Sort, k.Reverse, k.Filter, withHelp(k.Back, "clear marks/filter")},
			{k.Mark, k.MarkRange, k.MarkAll, k.Team, k.Review},
			{k.Open, k.NewCase, k.Book, k.ABN, k.Conflicts, k.Reports, k.Flights, k.Copy, k.Command, k.Help, k.Quit, k.ForceQuit},
		},
	}
}

// withHelp returns b with another description.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// column is one queue column: its width and how to print a row.
type column struct {
	title string
	width int
	right bool
	cell  func(s *booking.Summary) string
}

// columns picks the columns that fit in width, dropping low-priority ones;
// the principal's name takes what is left.
func (q *queueScreen) columns(width int) []column {
	date := func(d booking.Date) string { return d.String() }
	fixed := []column{
		{title: "Case", width: 15, cell: func(s *booking.Summary) string { return s.Number }},
		{title: "P", width: 1, cell: func(s *booking.Summary) string {
			switch s.Priority {
			case booking.PriorityUrgent:
				return "!"
			case booking.PriorityHigh:
				return "↑"
			}
			return " "
		}},
	}
	name := column{title: "Principal", cell: func(s *booking.Summary) string { return s.Principal }}
	tail := []column{
		{title: "N", width: 2, right: true, cell: func(s *booking.Summary) string { return itoa64(int64(s.Size)) }},
		{title: "To", width: 3, cell: func(s *booking.Summary) string { return s.DestAirport }},
	}
	optional := []column{
		{title: "Departure", width: 10, cell: func(s *booking.Summary) string { return date(s.Departure) }},
		{title: "Ready", width: 10, cell: func(s *booking.Summary) string { return date(s.TravelReady) }},
		{title: "Status", width: 15, cell: func(s *booking.Summary) string { return string(s.Status) }},
		{title: "ABN", width: 19, cell: func(s *booking.Summary) string { return s.ABNNumber }},
		{title: "Prog", width: 6, cell: func(s *booking.Summary) string { return s.Programme }},
		{title: "Needs", width: 14, cell: func(s *booking.Summary) string { return strings.Join(s.Needs, ",") }},
		{title: "Assignee", width: 16, cell: func(s *booking.Summary) string { return s.Assignee }},
	}
	const minName = 18
	used := 2 // cursor glyph and space
	for _, c := range append(slices.Clone(fixed), tail...) {
		used += c.width + 1
	}
	var extra []column
	for _, c := range optional {
		if used+c.width+1+minName <= width {
			extra = append(extra, c)
			used += c.width + 1
		}
	}
	name.width = max(8, width-used)
	cols := append(fixed, name)
	cols = append(cols, tail...)
	return append(cols, extra...)
}

// View implements Screen.
func (q *queueScreen) View() string {
	var b strings.Builder
	b.Grow(q.w * (q.h + 1) * 2)
	q.viewTabs(&b)
	b.WriteByte('\n')
	if !q.loaded {
		b.WriteString(q.st.Muted.Render("Loading cases…"))
		return clip(b.String(), q.w, q.h)
	}
	cols := q.columns(q.w)
	var hdr strings.Builder
	hdr.WriteString("  ")
	for i, c := range cols {
		if i > 0 {
			hdr.WriteByte(' ')
		}
		hdr.WriteString(fit(c.title, c.width))
	}
	sortName := sortNames[q.tabs[q.tab].sort]
	if q.tabs[q.tab].desc {
		sortName += " ↓"
	}
	b.WriteString(q.st.Muted.Render(fit(hdr.String(), q.w)))
	b.WriteByte('\n')
	lh := q.listHeight()
	if len(q.shown) == 0 {
		msg := "No cases in this queue."
		if q.filter.Value() != "" {
			msg = fmt.Sprintf("No case in this queue matches %q.", q.filter.Value())
		}
		b.WriteString(q.st.Muted.Render("  " + msg))
		b.WriteByte('\n')
		lh--
	}
	end := min(len(q.shown), q.offset+lh)
	var line strings.Builder
	for i := q.offset; i < end; i++ {
		s := &q.rows[q.shown[i]]
		line.Reset()
		sel := i == q.cursor
		if sel {
			line.WriteString(q.st.Cursor)
		} else {
			line.WriteString(" ")
		}
		if q.marks[s.Number] {
			line.WriteString(markGlyph)
		} else {
			line.WriteString(" ")
		}
		for j, c := range cols {
			if j > 0 {
				line.WriteByte(' ')
			}
			if c.right {
				line.WriteString(fitRight(c.cell(s), c.width))
			} else {
				line.WriteString(fit(c.cell(s), c.width))
			}
		}
		text := fit(line.String(), q.w)
		if sel {
			b.WriteString(q.st.Selected.Render(text))
		} else {
			b.WriteString(text)
		}
		b.WriteByte('\n')
	}
	for i := end - q.offset; i < lh; i++ {
		b.WriteByte('\n')
	}
	if q.filtering || q.filter.Value() != "" {
		label := fmt.Sprintf("/ %s", q.filter.view(q.filtering, q.w-30))
		info := fmt.Sprintf("%s match · sort %s%s", thousands(len(q.shown)), sortName, q.markedText())
		b.WriteString(q.st.Accent.Render(label) + " " + q.st.Muted.Render(info))
	} else {
		b.WriteString(q.st.Muted.Render(fit(fmt.Sprintf("sort: %s%s", sortName, q.markedText()), q.w)))
	}
	return clip(strings.TrimSuffix(b.String(), "\n"), q.w, q.h)
}

// viewTabs renders the tab strip with counts: full labels when they fit,
// else short ones, else a window around the active tab.
func (q *queueScreen) viewTabs(b *strings.Builder) {
	build := func(compact bool) ([]string, int) {
		out := make([]string, len(q.tabs))
		w := 0
		for i, t := range q.tabs {
			if compact {
				out[i] = t.def.Short + " " + compactCount(len(t.members))
			} else {
				out[i] = t.def.Tab + " " + thousands(len(t.members))
			}
			w += ansi.StringWidth(out[i]) + 2
		}
		return out, w
	}
	labels, w := build(false)
	if w > q.w {
		labels, w = build(true)
	}
	first, last := 0, len(labels)
	if w > q.w {
		// Window: grow around the active tab while it fits.
		first, last = q.tab, q.tab+1
		used := ansi.StringWidth(labels[q.tab]) + 2
		for grew := true; grew; {
			grew = false
			if last < len(labels) && used+ansi.StringWidth(labels[last])+2 <= q.w-2 {
				used += ansi.StringWidth(labels[last]) + 2
				last++
				grew = true
			}
			if first > 0 && used+ansi.StringWidth(labels[first-1])+2 <= q.w-2 {
				first--
				used += ansi.StringWidth(labels[first]) + 2
				grew = true
			}
		}
	}
	if first > 0 {
		b.WriteString(q.st.Muted.Render("‹"))
	}
	for i := first; i < last; i++ {
		l := " " + labels[i] + " "
		if i == q.tab {
			b.WriteString(q.st.TabOn.Render(l))
		} else {
			b.WriteString(q.st.TabOff.Render(l))
		}
	}
	if last < len(labels) {
		b.WriteString(q.st.Muted.Render("›"))
	}
}

// compactCount prints n in at most five cells: 9999, 14.3k, 100k.
func compactCount(n int) string {
	switch {
	case n < 10000:
		return itoa64(int64(n))
	case n < 100000:
		return fmt.Sprintf("%.1fk", float64(n)/1000)
	default:
		return fmt.Sprintf("%dk", n/1000)
	}
}
