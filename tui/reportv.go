package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// period presets the Period key cycles through; [ and ] step the preset's
// unit (a month, a year) back and forth.
type periodKind int

const (
	periodThisMonth periodKind = iota
	periodLastMonth
	periodThisYear
	periodLast12
	periodAll
)

var periodNames = []string{"this month", "last month", "this year", "last 12 months", "all dates"}

// reportLoadedMsg delivers a report the screen asked for; seq tells the
// answer to the last question from older ones.
type reportLoadedMsg struct {
	id, seq int
	view    ReportView
	err     error
	took    time.Duration
}

// reportCasesMsg delivers the cases behind a table row.
type reportCasesMsg struct {
	id    int
	title string
	cases []string
	err   error
}

// reportScreen draws one report: a bar chart over its groups, a sparkline
// over months, and its tables under them, one at a time. The period,
// grouping and filters are chosen by keys; each change asks the source
// again in a command (a change of grouping reuses the case files it holds).
type reportScreen struct {
	id    int
	keys  *KeyMap
	st    *Styles
	src   ReportSource
	rows  func() []booking.Summary
	today booking.Date

	name   string
	period periodKind
	step   int                 // units of the period's kind from the preset
	by     map[string]int      // index into byOptions, per report
	defBy  map[string][]string // each report's default grouping
	fields map[string][]string // each report's grouping fields
	office string
	prog   string

	offices, progs []string

	view    *ReportView
	err     error
	loading bool
	seq     int
	took    time.Duration

	table          int
	cursor, offset int
	w, h           int
}

// newReportScreen opens report name ("" or unknown: costs). rows returns
// the queue's rows: the offices and programmes to filter by, and the rows
// of the cases a table row opens as a queue.
func newReportScreen(keys *KeyMap, st *Styles, src ReportSource, rows func() []booking.Summary, today booking.Date, name string) *reportScreen {
	if !slices.Contains(reportNames, name) {
		name = reportNames[0]
	}
	r := &reportScreen{id: newScreenID(), keys: keys, st: st, src: src, rows: rows, today: today, name: name,
		period: periodLast12, by: map[string]int{}, defBy: map[string][]string{}, fields: map[string][]string{}}
	seenO, seenP := map[string]bool{}, map[string]bool{}
	for _, s := range rows() {
		if s.Office != "" && !seenO[s.Office] {
			seenO[s.Office] = true
			r.offices = append(r.offices, s.Office)
		}
		if s.Programme != "" && !seenP[s.Programme] {
			seenP[s.Programme] = true
			r.progs = append(r.progs, s.Programme)
		}
	}
	slices.Sort(r.offices)
	slices.Sort(r.progs)
	return r
}

// Init implements Screen: the first load.
func (r *reportScreen) Init() tea.Cmd { return r.load(false) }

// Title implements Screen.
func (r *reportScreen) Title() string { return "Reports: " + r.name }

// SetSize implements Screen.
func (r *reportScreen) SetSize(w, h int) {
	r.w, r.h = w, h
	r.clamp()
}

// bounds returns the period's first and last days (zero: open).
func (r *reportScreen) bounds() (from, to booking.Date) {
	t := r.today.Time()
	y, m := t.Year(), t.Month()
	day := func(y int, m time.Month, d int) booking.Date {
		return booking.DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	}
	switch r.period {
	case periodThisMonth, periodLastMonth:
		off := r.step
		if r.period == periodLastMonth {
			off--
		}
		return day(y, m+time.Month(off), 1), day(y, m+time.Month(off)+1, 0)
	case periodThisYear:
		return day(y+r.step, 1, 1), day(y+r.step, 12, 31)
	case periodLast12:
		end := m + time.Month(12*r.step)
		return day(y, end-11, 1), day(y, end+1, 0)
	}
	return booking.Date{}, booking.Date{}
}

// byOptions are the groupings the GroupBy key cycles through: the
// report's default (nil), then each of its fields alone.
func (r *reportScreen) byOptions() [][]string {
	def, ok := r.defBy[r.name]
	if !ok {
		return nil
	}
	opts := [][]string{nil}
	for _, f := range r.fields[r.name] {
		if !(len(def) == 1 && def[0] == f) {
			opts = append(opts, []string{f})
		}
	}
	return opts
}

// params is the question the screen asks now.
func (r *reportScreen) params(reload bool) ReportParams {
	from, to := r.bounds()
	p := ReportParams{From: from, To: to, Office: r.office, Programme: r.prog, Reload: reload}
	if opts := r.byOptions(); opts != nil {
		p.By = opts[r.by[r.name]%len(opts)]
	}
	return p
}

func (r *reportScreen) load(reload bool) tea.Cmd {
	if r.src == nil {
		r.err = fmt.Errorf("reports are not available in this app")
		return nil
	}
	r.seq++
	r.loading = true
	id, seq, src, name, p := r.id, r.seq, r.src, r.name, r.params(reload)
	return func() tea.Msg {
		start := time.Now()
		v, err := src.Report(name, p)
		return reportLoadedMsg{id: id, seq: seq, view: v, err: err, took: time.Since(start)}
	}
}

// Update implements Screen.
func (r *reportScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case reportLoadedMsg:
		if msg.id != r.id || msg.seq != r.seq {
			return nil
		}
		r.loading = false
		r.err = msg.err
		if msg.err == nil {
			same := r.view != nil && r.view.Name == msg.view.Name
			v := msg.view
			r.view, r.took = &v, msg.took
			if _, ok := r.defBy[v.Name]; !ok && r.by[v.Name] == 0 {
				r.defBy[v.Name], r.fields[v.Name] = v.By, v.Fields
			}
			if !same {
				r.table = 0
			}
			r.table = min(r.table, max(len(v.Tables)-1, 0))
			r.clamp()
		}
		return nil
	case reportCasesMsg:
		if msg.id != r.id {
			return nil
		}
		return r.openCases(msg)
	case tea.KeyPressMsg:
		return r.key(msg)
	}
	return nil
}

func (r *reportScreen) key(kp tea.KeyPressMsg) tea.Cmd {
	k := r.keys
	switch {
	case key.Matches(kp, k.Back):
		return msgCmd(BackMsg{})
	case key.Matches(kp, k.NextTab), key.Matches(kp, k.PrevTab):
		i := slices.Index(reportNames, r.name)
		if key.Matches(kp, k.NextTab) {
			i++
		} else {
			i += len(reportNames) - 1
		}
		r.name = reportNames[i%len(reportNames)]
		r.cursor, r.offset, r.table = 0, 0, 0
		return r.load(false)
	case key.Matches(kp, k.Period):
		r.period = (r.period + 1) % periodKind(len(periodNames))
		r.step = 0
		return r.load(false)
	case key.Matches(kp, k.PrevPeriod) && r.period != periodAll:
		r.step--
		return r.load(false)
	case key.Matches(kp, k.NextPeriod) && r.period != periodAll:
		r.step++
		return r.load(false)
	case key.Matches(kp, k.GroupBy):
		if opts := r.byOptions(); len(opts) > 1 {
			r.by[r.name] = (r.by[r.name] + 1) % len(opts)
			r.cursor, r.offset = 0, 0
			return r.load(false)
		}
	case key.Matches(kp, k.OfficeFilter):
		r.office = nextChoice(r.offices, r.office)
		return r.load(false)
	case key.Matches(kp, k.ProgrammeFilter):
		r.prog = nextChoice(r.progs, r.prog)
		return r.load(false)
	case key.Matches(kp, k.Reload):
		return r.load(true)
	case key.Matches(kp, k.NextTable):
		if r.view != nil && len(r.view.Tables) > 1 {
			r.table = (r.table + 1) % len(r.view.Tables)
			r.cursor, r.offset = 0, 0
		}
	case key.Matches(kp, k.Open):
		return r.open()
	default:
		r.move(kp)
	}
	return nil
}

// nextChoice cycles "" (every one), then each of cs.
func nextChoice(cs []string, cur string) string {
	i := slices.Index(cs, cur)
	if i+1 >= len(cs) {
		return ""
	}
	return cs[i+1]
}

func (r *reportScreen) current() *ReportTable {
	if r.view == nil || r.table >= len(r.view.Tables) {
		return nil
	}
	return &r.view.Tables[r.table]
}

// open opens the case of the row under the cursor, or asks for the cases
// behind it.
func (r *reportScreen) open() tea.Cmd {
	t := r.current()
	if t == nil || r.cursor >= len(t.Rows) || r.loading {
		return nil
	}
	row := t.Rows[r.cursor]
	if row.Case != "" {
		return msgCmd(OpenCaseMsg{Number: row.Case})
	}
	var label []string
	for i, c := range t.Columns {
		if c.Numeric {
			break
		}
		if i < len(row.Cells) && row.Cells[i] != "" {
			label = append(label, row.Cells[i])
		}
	}
	title := r.name + ": " + strings.Join(label, " · ")
	id, src, name, p, table, idx := r.id, r.src, r.view.Name, r.params(false), r.table, r.cursor
	return func() tea.Msg {
		cs, err := src.RowCases(name, p, table, idx)
		return reportCasesMsg{id: id, title: title, cases: cs, err: err}
	}
}

// openCases shows the cases behind a row: the case itself for one, else a
// queue of them.
func (r *reportScreen) openCases(msg reportCasesMsg) tea.Cmd {
	switch {
	case msg.err != nil:
		return errCmd(msg.err)
	case len(msg.cases) == 0:
		return msgCmd(InfoMsg{Text: "No cases behind this row."})
	case len(msg.cases) == 1:
		return msgCmd(OpenCaseMsg{Number: msg.cases[0]})
	}
	want := make(map[string]bool, len(msg.cases))
	for _, c := range msg.cases {
		want[c] = true
	}
	var rows []booking.Summary
	for _, s := range r.rows() {
		if want[s.Number] {
			rows = append(rows, s)
		}
	}
	q := newQueueScreen(r.keys, r.st, r.today, []QueueDef{{Slug: "report", Name: printable(msg.title), Tab: msg.title, Short: "Report",
		Match: func(*booking.Summary, booking.Date) bool { return true }, sort: sortNumber}})
	q.setRows(rows)
	return msgCmd(PushMsg{Screen: q})
}

// layout splits the body: how many bars the chart shows and how many table
// rows fit under it.
func (r *reportScreen) layout() (bars, rows int) {
	if r.view == nil {
		return 0, 0
	}
	fixed := 2 + 1 + 3 // tabs, parameters; chart title; table title, header, notes
	if len(r.view.Spark.Values) > 1 {
		fixed++
	}
	free := max(r.h-fixed, 2)
	bars = min(len(r.view.Chart.Bars), max(free/2, 1))
	if len(r.view.Chart.Bars) == 0 {
		bars = 1 // "nothing in the period"
	}
	return bars, max(free-bars, 1)
}

func (r *reportScreen) clamp() {
	t := r.current()
	if t == nil {
		r.cursor, r.offset = 0, 0
		return
	}
	_, lh := r.layout()
	n := len(t.Rows)
	r.cursor = max(0, min(r.cursor, n-1))
	if r.cursor < r.offset {
		r.offset = r.cursor
	}
	if r.cursor >= r.offset+lh {
		r.offset = r.cursor - lh + 1
	}
	r.offset = max(0, min(r.offset, n-lh))
}

func (r *reportScreen) move(kp tea.KeyPressMsg) {
	k := r.keys
	t := r.current()
	if t == nil {
		return
	}
	_, lh := r.layout()
	var ok bool
	if r.cursor, ok = moveCursor(k, kp, r.cursor, len(t.Rows), lh); ok {
		r.clamp()
	}
}

// KeyMap implements Screen; keys that do nothing now are left out.
func (r *reportScreen) KeyMap() help.KeyMap {
	k := r.keys
	step := r.period != periodAll
	prev, next := k.PrevPeriod, k.NextPeriod
	prev.SetEnabled(step)
	next.SetEnabled(step)
	group := k.GroupBy
	group.SetEnabled(len(r.byOptions()) > 1)
	office, prog := k.OfficeFilter, k.ProgrammeFilter
	office.SetEnabled(len(r.offices) > 0)
	prog.SetEnabled(len(r.progs) > 0)
	table := k.NextTable
	table.SetEnabled(r.view != nil && len(r.view.Tables) > 1)
	open := withHelp(k.Open, "open cases")
	open.SetEnabled(r.current() != nil && len(r.current().Rows) > 0)
	return bindings{
		short: []key.Binding{k.Period, withHelp(prev, "earlier"), withHelp(next, "later"), group, open, withHelp(k.NextTab, "report"), table, k.Help},
		full: [][]key.Binding{
			{k.Up, k.Down, k.Top, k.Bottom, k.HalfDown, k.HalfUp, k.PageDown, k.PageUp},
			{withHelp(k.NextTab, "report →"), withHelp(k.PrevTab, "← report"), k.Period, prev, next, group, office, prog},
			{table, open, k.Reload, k.Back, k.Command, k.Help, k.Quit, k.ForceQuit},
		},
	}
}

// View implements Screen.
func (r *reportScreen) View() string {
	var b strings.Builder
	r.viewTabs(&b)
	b.WriteByte('\n')
	b.WriteString(r.st.Muted.Render(fit(r.paramLine(), r.w)))
	b.WriteByte('\n')
	switch {
	case r.err != nil:
		b.WriteString(r.st.Error.Render(fit(r.st.ErrGlyph+" "+firstLine(r.err.Error()), r.w)))
		return clip(b.String(), r.w, r.h)
	case r.view == nil:
		b.WriteString(r.st.Muted.Render(fit("Reading cases for the "+r.name+" report…", r.w)))
		return clip(b.String(), r.w, r.h)
	}
	nb, lh := r.layout()
	r.viewChart(&b, nb)
	r.viewTable(&b, lh)
	return clip(strings.TrimSuffix(b.String(), "\n"), r.w, r.h)
}

func (r *reportScreen) viewTabs(b *strings.Builder) {
	for _, n := range reportNames {
		l := " " + n + " "
		if n == r.name {
			b.WriteString(r.st.TabOn.Render(l))
		} else {
			b.WriteString(r.st.TabOff.Render(l))
		}
	}
}

// paramLine says what the report shows: period, grouping, filters.
func (r *reportScreen) paramLine() string {
	from, to := r.bounds()
	var period string
	switch {
	case from.IsZero():
		period = "all dates"
	case r.period == periodThisYear:
		period = from.String()[:4]
	case r.period == periodLast12:
		period = "to " + to.String()[:7]
	default:
		period = from.String()[:7]
	}
	switch {
	case r.period == periodLast12:
		period = "12 months " + period
	case r.step == 0 && r.period != periodAll:
		period = periodNames[r.period] + " " + period
	}
	parts := []string{period}
	office, prog := r.office, r.prog
	if v := r.view; v != nil && v.Name == r.name {
		parts = append(parts, "by "+strings.Join(v.By, ","))
		office, prog = v.Office, v.Programme
	}
	if office == "" {
		office = "office all"
	}
	if prog == "" {
		prog = "prog all"
	}
	if office != "office all" {
		office = "office " + office
	}
	if prog != "prog all" {
		prog = "prog " + prog
	}
	parts = append(parts, office, prog)
	if v := r.view; v != nil && v.Name == r.name {
		parts = append(parts, thousands(v.Cases)+" cases")
	}
	if r.loading {
		parts = append(parts, "loading…")
	}
	return strings.Join(parts, " · ")
}

// viewChart draws the bars (the largest n when more do not fit) and the
// sparkline.
func (r *reportScreen) viewChart(b *strings.Builder, n int) {
	c := r.view.Chart
	bars := c.Bars
	title := c.Title
	if len(bars) > n {
		idx := make([]int, len(bars))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(x, y int) int {
			switch {
			case bars[x].Value > bars[y].Value:
				return -1
			case bars[x].Value < bars[y].Value:
				return 1
			}
			return 0
		})
		idx = idx[:n]
		slices.Sort(idx)
		top := make([]ReportBar, n)
		for i, j := range idx {
			top[i] = bars[j]
		}
		bars = top
		title += fmt.Sprintf(" (largest %d of %d)", n, len(c.Bars))
	}
	b.WriteString(r.st.Title.Render(fit(title, r.w)))
	b.WriteByte('\n')
	if len(bars) == 0 {
		b.WriteString(r.st.Muted.Render(fit("  (nothing in the period)", r.w)))
		b.WriteByte('\n')
	}
	labelW, valueW := 4, 1
	top := 0.0
	for _, br := range bars {
		labelW = max(labelW, ansi.StringWidth(printable(br.Label)))
		valueW = max(valueW, ansi.StringWidth(printable(br.Text)))
		top = max(top, br.Value)
	}
	labelW = min(labelW, max(r.w/3, 8))
	barW := max(r.w-labelW-valueW-5, 4)
	for _, br := range bars {
		mark := " "
		if br.Warn {
			mark = r.st.WarnGlyph
		}
		line := fit(br.Label, labelW) + " " + r.st.Accent.Render(fit(barGlyphs(br.Value, top, barW), barW)) + " " +
			fitRight(br.Text, valueW) + " " + mark
		b.WriteString(fitStyled(line, r.w))
		b.WriteByte('\n')
	}
	if s := r.view.Spark; len(s.Values) > 1 {
		b.WriteString(fitStyled(r.sparkLine(s), r.w))
		b.WriteByte('\n')
	}
}

// barGlyphs draws v of top as a bar of at most cells cells, in eighths.
func barGlyphs(v, top float64, cells int) string {
	if top <= 0 || v <= 0 {
		return ""
	}
	eighths := int(math.Round(v / top * float64(cells*8)))
	eighths = max(eighths, 1)
	s := strings.Repeat("█", eighths/8)
	if rest := eighths % 8; rest > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[rest-1])
	}
	return s
}

// sparkLine draws the series in the cells left after its labels, the
// latest values when not all fit.
func (r *reportScreen) sparkLine(s ReportSpark) string {
	first, vals := s.First, s.Values
	head := printable(s.Title) + " "
	tail := " " + printable(s.Last) + "  max " + printable(s.Max)
	room := r.w - ansi.StringWidth(head) - ansi.StringWidth(tail) - ansi.StringWidth(first) - 1
	if room < 4 {
		return ""
	}
	if len(vals) > room {
		vals, first = vals[len(vals)-room:], "…"
	}
	top := slices.Max(vals)
	levels := []rune("▁▂▃▄▅▆▇█")
	var sb strings.Builder
	for _, v := range vals {
		i := 0
		if top > 0 {
			i = int(math.Round(v / top * float64(len(levels)-1)))
		}
		if v <= 0 {
			sb.WriteRune(' ')
		} else {
			sb.WriteRune(levels[max(i, 0)])
		}
	}
	return r.st.Muted.Render(head+printable(first)+" ") + r.st.Accent.Render(sb.String()) + r.st.Muted.Render(tail)
}

// tableCols picks the columns that fit in width: natural widths, long text
// columns shortened, then columns dropped from the right. A row is never
// wrapped.
func tableCols(t *ReportTable, width int) (cols []int, widths []int) {
	nat := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		nat[i] = ansi.StringWidth(c.Name)
	}
	for _, row := range t.Rows {
		for i := range nat {
			if i < len(row.Cells) {
				nat[i] = max(nat[i], ansi.StringWidth(printable(row.Cells[i])))
			}
		}
	}
	for i := range nat {
		nat[i] = min(nat[i], 30)
	}
	total := func(ws []int) int {
		n := 0
		for _, w := range ws {
			n += w + 1
		}
		return n
	}
	// Shorten long text columns (not a case number) to 12 cells, the
	// widest first; then keep what fits from the left, the next column
	// cut to the cells left if that is at least 6.
	const short = 12
	for total(nat) > width {
		wi := -1
		for i, c := range t.Columns {
			if !c.Numeric && c.Name != "case" && nat[i] > short && (wi < 0 || nat[i] > nat[wi]) {
				wi = i
			}
		}
		if wi < 0 {
			break
		}
		nat[wi] = max(short, nat[wi]-(total(nat)-width))
	}
	used := 0
	for i, w := range nat {
		if used+w+1 > width && len(cols) > 0 {
			if left := width - used - 1; left >= 6 && !t.Columns[i].Numeric {
				cols = append(cols, i)
				widths = append(widths, left)
			}
			break
		}
		cols = append(cols, i)
		widths = append(widths, w)
		used += w + 1
	}
	return cols, widths
}

func (r *reportScreen) viewTable(b *strings.Builder, lh int) {
	v := r.view
	if len(v.Tables) == 0 {
		return
	}
	t := r.current()
	title := t.Title
	if len(v.Tables) > 1 {
		title = fmt.Sprintf("%s (table %d of %d)", title, r.table+1, len(v.Tables))
	}
	b.WriteString(r.st.Bold.Render(fit(title, r.w)))
	b.WriteByte('\n')
	cols, widths := tableCols(t, r.w-2)
	var hdr strings.Builder
	hdr.WriteString("  ")
	for j, ci := range cols {
		if j > 0 {
			hdr.WriteByte(' ')
		}
		if t.Columns[ci].Numeric {
			hdr.WriteString(fitRight(t.Columns[ci].Name, widths[j]))
		} else {
			hdr.WriteString(fit(t.Columns[ci].Name, widths[j]))
		}
	}
	if dropped := len(t.Columns) - len(cols); dropped > 0 {
		hdr.WriteString(fmt.Sprintf(" +%d", dropped))
	}
	b.WriteString(r.st.Muted.Render(fit(hdr.String(), r.w)))
	b.WriteByte('\n')
	if len(t.Rows) == 0 {
		b.WriteString(r.st.Muted.Render(fit("  (nothing in the period)", r.w)))
		b.WriteByte('\n')
		lh--
	}
	end := min(len(t.Rows), r.offset+lh)
	var line strings.Builder
	for i := r.offset; i < end; i++ {
		row := t.Rows[i]
		line.Reset()
		sel := i == r.cursor
		if sel {
			line.WriteString(r.st.Cursor + " ")
		} else {
			line.WriteString("  ")
		}
		for j, ci := range cols {
			if j > 0 {
				line.WriteByte(' ')
			}
			cell := ""
			if ci < len(row.Cells) {
				cell = row.Cells[ci]
			}
			if t.Columns[ci].Numeric {
				line.WriteString(fitRight(cell, widths[j]))
			} else {
				line.WriteString(fit(cell, widths[j]))
			}
		}
		text := fit(line.String(), r.w)
		switch {
		case sel:
			b.WriteString(r.st.Selected.Render(text))
		case row.Total:
			b.WriteString(r.st.Bold.Render(text))
		default:
			b.WriteString(text)
		}
		b.WriteByte('\n')
	}
	for i := max(end-r.offset, 0); i < lh; i++ {
		b.WriteByte('\n')
	}
	note := strings.Join(t.Notes, "; ")
	if n := len(t.Rows); n > lh {
		note = fmt.Sprintf("rows %d–%d of %d  %s", r.offset+1, end, n, note)
	}
	b.WriteString(r.st.Muted.Render(fit(note, r.w)))
}

// Counts implements Counter: the current table's rows.
func (r *reportScreen) Counts() (int, int) {
	if t := r.current(); t != nil {
		return len(t.Rows), len(t.Rows)
	}
	return 0, 0
}
