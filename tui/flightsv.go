package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
	"movedesk/flights"
)

// FlightSource reads flights for the Flights tab, the flight view and its
// manifests; cmd/movedesk adapts the store's flight index to it. Calls run
// in commands, off the update loop.
type FlightSource interface {
	// Flights lists the carrier-flight-dates departing from from to to
	// (local days, inclusive) with their counts and programme caps.
	Flights(from, to booking.Date) ([]flights.Summary, error)
	// Flight reads every case and traveller on k.
	Flight(k flights.Key) (*flights.Flight, error)
	// SaveManifest writes m as CSV to a private file (0600) in the data
	// directory and returns its path.
	SaveManifest(m *flights.Manifest) (string, error)
}

// FlightsMsg opens the Flights tab (F on the queues, :flights).
type FlightsMsg struct{}

// FlightMsg opens the flight view of one carrier-flight-date (:flight).
type FlightMsg struct{ Key flights.Key }

// flightsDays is how many days the Flights tab lists; [ and ] step by it.
const flightsDays = 30

type flightsLoadedMsg struct {
	id, seq int
	rows    []flights.Summary
	err     error
	reload  bool
}

// flightsScreen is the Flights tab: the flights of a window of days with
// their counts, one row a flight; enter opens one.
type flightsScreen struct {
	id    int
	keys  *KeyMap
	st    *Styles
	src   FlightSource
	from  booking.Date
	rows  []flights.Summary
	err   error
	seq   int
	ready bool

	cursor, offset int
	w, h           int
}

func newFlightsScreen(keys *KeyMap, st *Styles, src FlightSource, today booking.Date) *flightsScreen {
	return &flightsScreen{id: newScreenID(), keys: keys, st: st, src: src, from: today}
}

func (f *flightsScreen) to() booking.Date { return f.from.AddDays(flightsDays - 1) }

// Init implements Screen.
func (f *flightsScreen) Init() tea.Cmd { return f.load(false) }

func (f *flightsScreen) load(reload bool) tea.Cmd {
	if f.src == nil {
		f.err = fmt.Errorf("flights are not available in this app")
		return nil
	}
	f.seq++
	id, seq, src, from, to := f.id, f.seq, f.src, f.from, f.to()
	return func() tea.Msg {
		rows, err := src.Flights(from, to)
		return flightsLoadedMsg{id: id, seq: seq, rows: rows, err: err, reload: reload}
	}
}

// Title implements Screen.
func (f *flightsScreen) Title() string { return "Flights" }

// SetSize implements Screen.
func (f *flightsScreen) SetSize(w, h int) { f.w, f.h = w, h; f.clamp() }

// Counts implements Counter.
func (f *flightsScreen) Counts() (int, int) { return len(f.rows), len(f.rows) }

func (f *flightsScreen) listHeight() int { return max(f.h-3, 1) }

func (f *flightsScreen) clamp() {
	f.cursor, f.offset = clampList(f.cursor, f.offset, len(f.rows), f.listHeight())
}

// clampList keeps a cursor in n rows and its row in a window of lh rows.
func clampList(cursor, offset, n, lh int) (int, int) {
	cursor = max(0, min(cursor, n-1))
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+lh {
		offset = cursor - lh + 1
	}
	return cursor, max(0, min(offset, n-lh))
}

// Update implements Screen.
func (f *flightsScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case flightsLoadedMsg:
		if msg.id != f.id || msg.seq != f.seq {
			return nil
		}
		f.rows, f.err, f.ready = msg.rows, msg.err, true
		f.clamp()
		if msg.reload && msg.err == nil {
			return msgCmd(InfoMsg{Text: fmt.Sprintf("reread the flight index: %s flights", thousands(len(f.rows)))})
		}
	case SavedMsg:
		return f.load(false)
	case tea.KeyPressMsg:
		k := f.keys
		switch {
		case key.Matches(msg, k.Back):
			return msgCmd(BackMsg{})
		case key.Matches(msg, k.PrevPeriod):
			f.from = f.from.AddDays(-flightsDays)
			return f.load(false)
		case key.Matches(msg, k.NextPeriod):
			f.from = f.from.AddDays(flightsDays)
			return f.load(false)
		case key.Matches(msg, k.Reload):
			return f.load(true)
		case key.Matches(msg, k.Open):
			if f.cursor < len(f.rows) {
				return msgCmd(FlightMsg{Key: f.rows[f.cursor].Key})
			}
		default:
			if c, ok := moveCursor(k, msg, f.cursor, len(f.rows), f.listHeight()); ok {
				f.cursor = c
				f.clamp()
			}
		}
	}
	return nil
}

// KeyMap implements Screen.
func (f *flightsScreen) KeyMap() help.KeyMap {
	k := f.keys
	open := withHelp(k.Open, "open flight")
	open.SetEnabled(len(f.rows) > 0)
	prev, next := withHelp(k.PrevPeriod, "earlier 30 days"), withHelp(k.NextPeriod, "later 30 days")
	return bindings{
		short: []key.Binding{open, prev, next, k.Back, k.Help},
		full: [][]key.Binding{
			{k.Up, k.Down, k.Top, k.Bottom, k.HalfDown, k.HalfUp, k.PageDown, k.PageUp},
			{open, prev, next, k.Reload, k.Back, k.Command, k.Help, k.Quit, k.ForceQuit},
		},
	}
}

// flightsHeader is the column line of the Flights tab (80 columns).
const flightsHeader = "  FLIGHT DATE       ROUTE   DEPT  CAS PAX ADT CHD INF WCH ESC MED CAP"

// View implements Screen.
func (f *flightsScreen) View() string {
	var b strings.Builder
	pax := 0
	for i := range f.rows {
		pax += f.rows[i].Totals.Travellers
	}
	head := fmt.Sprintf("%s to %s · %s flights · %s passenger legs", f.from, f.to(), thousands(len(f.rows)), thousands(pax))
	if !f.ready && f.err == nil {
		head = fmt.Sprintf("%s to %s · reading the flight index…", f.from, f.to())
	}
	b.WriteString(f.st.Muted.Render(fit(head, f.w)))
	b.WriteByte('\n')
	b.WriteString(f.st.Bold.Render(fit(flightsHeader, f.w)))
	b.WriteByte('\n')
	lh := f.listHeight()
	switch {
	case f.err != nil:
		b.WriteString(f.st.Error.Render(fit(f.st.ErrGlyph+" "+firstLine(f.err.Error()), f.w)))
		return clip(b.String(), f.w, f.h)
	case f.ready && len(f.rows) == 0:
		b.WriteString(f.st.Muted.Render(fit("  No case is booked on a flight in these days ([ and ] step 30 days).", f.w)))
		return clip(b.String(), f.w, f.h)
	}
	end := min(len(f.rows), f.offset+lh)
	for i := f.offset; i < end; i++ {
		line := f.rowText(&f.rows[i], i == f.cursor)
		if i == f.cursor {
			b.WriteString(f.st.Selected.Render(fitStyled(line, f.w)))
		} else {
			b.WriteString(fitStyled(line, f.w))
		}
		b.WriteByte('\n')
	}
	for i := end - f.offset; i < lh; i++ {
		b.WriteByte('\n')
	}
	if n := len(f.rows); n > lh {
		b.WriteString(f.st.Muted.Render(fit(fmt.Sprintf("rows %d–%d of %s", f.offset+1, end, thousands(n)), f.w)))
	}
	return clip(b.String(), f.w, f.h)
}

func (f *flightsScreen) rowText(s *flights.Summary, sel bool) string {
	mark := "  "
	if sel {
		mark = f.st.Cursor + " "
	}
	t := &s.Totals
	n := func(v int) string { return fitRight(strconv.Itoa(v), 3) }
	dep := s.Depart.String()
	if len(dep) >= 16 {
		dep = dep[11:16]
	}
	return mark + fit(s.Carrier+s.Flight, 6) + " " + fit(s.Date.String(), 10) + " " + fit(s.From+"-"+s.To, 7) + " " +
		fit(dep, 5) + " " + strings.Join([]string{n(t.Cases), n(t.Travellers), n(t.ADT), n(t.CHD), n(t.INF),
		n(t.Wheelchairs), n(t.EscortSeats), n(t.MEDIFs)}, " ") + " " + capText(s.Caps, f.st.WarnGlyph)
}

// capText is "GAR 23/75" per programme cap on a flight, with the warning
// glyph when over (it reads without colour).
func capText(cs []flights.CapCount, warn string) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		p := printable(c.Programme) + " " + strconv.Itoa(c.Travellers) + "/" + strconv.Itoa(c.Max)
		if c.Over {
			p = warn + p
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

type flightLoadedMsg struct {
	id     int
	fl     *flights.Flight
	err    error
	reload bool
}

// flightLine is one row of the flight view's list: a party's line or a
// passenger's, and the case enter opens.
type flightLine struct {
	text  string
	case_ string
	party bool
}

// flightScreen is one carrier-flight-date: the totals, SSR counts, MEDIFs,
// escorts and caps above, then every party and its travellers; enter opens
// the case under the cursor, M the manifests.
type flightScreen struct {
	id   int
	keys *KeyMap
	st   *Styles
	src  FlightSource
	key  flights.Key
	fl   *flights.Flight
	err  error

	lines          []flightLine
	cursor, offset int
	w, h           int
}

func newFlightScreen(keys *KeyMap, st *Styles, src FlightSource, k flights.Key) *flightScreen {
	return &flightScreen{id: newScreenID(), keys: keys, st: st, src: src, key: k}
}

// Init implements Screen.
func (f *flightScreen) Init() tea.Cmd { return f.load(false) }

func (f *flightScreen) load(reload bool) tea.Cmd {
	if f.src == nil {
		f.err = fmt.Errorf("flights are not available in this app")
		return nil
	}
	id, src, k := f.id, f.src, f.key
	return func() tea.Msg {
		fl, err := src.Flight(k)
		return flightLoadedMsg{id: id, fl: fl, err: err, reload: reload}
	}
}

// Title implements Screen.
func (f *flightScreen) Title() string {
	return f.key.Carrier + f.key.Flight + " " + f.key.Date.String()
}

// SetSize implements Screen.
func (f *flightScreen) SetSize(w, h int) { f.w, f.h = w, h; f.clamp() }

// caseAt returns the case under the cursor (not CaseContext: the flight,
// not one case, is what the breadcrumb names).
func (f *flightScreen) caseAt() string {
	if f.cursor < len(f.lines) {
		return f.lines[f.cursor].case_
	}
	return ""
}

// Counts implements Counter: the travellers on the flight.
func (f *flightScreen) Counts() (int, int) {
	if f.fl == nil {
		return 0, 0
	}
	return f.fl.Totals.Travellers, f.fl.Totals.Travellers
}

// summary is the fixed block above the list.
func (f *flightScreen) summary() []string {
	fl := f.fl
	t := &fl.Totals
	hm := func(l booking.LocalTime) string {
		if s := l.String(); len(s) >= 16 {
			return s[11:16]
		}
		return "-"
	}
	out := []string{
		sprintf("%s-%s  departs %s  arrives %s  %d case(s)", fl.From, fl.To, hm(fl.Depart), hm(fl.Arrive), t.Cases),
		fmt.Sprintf("Travellers %d: ADT %d CHD %d INF %d · seats %d · escort seats %d", t.Travellers, t.ADT, t.CHD, t.INF, t.Seats, t.EscortSeats),
	}
	ssr := make([]string, len(t.SSR))
	for i, s := range t.SSR {
		ssr[i] = printable(s.Code) + " " + strconv.Itoa(s.Count)
	}
	out = append(out, fmt.Sprintf("Wheelchairs %d · meet-and-assist %d · SSR: %s", t.Wheelchairs, t.MeetAssist, orNone(strings.Join(ssr, ", "))))
	out = append(out, "MEDIFs: "+f.medifText())
	caps := "none on this flight"
	if len(fl.Caps) > 0 {
		caps = capText(fl.Caps, f.st.WarnGlyph+"over ")
	}
	out = append(out, "Programme caps: "+caps)
	return out
}

// medifText says who needs a MEDIF and where it stands with the operating
// carrier.
func (f *flightScreen) medifText() string {
	var parts []string
	for _, p := range f.fl.Parties {
		for _, x := range p.Passengers {
			if x.MEDIF {
				parts = append(parts, sprintf("%s %s %s", strings.ToUpper(x.Family), x.Given, medifStatusText(x.MEDIFStatus)))
			}
		}
	}
	if len(parts) == 0 {
		return "none needed"
	}
	return strconv.Itoa(len(parts)) + " · " + strings.Join(parts, ", ")
}

// medifStatusText is a MEDIF's status with the carrier ("not sent" when
// none is recorded).
func medifStatusText(s string) string {
	if s == "" {
		return "(not sent)"
	}
	return "(" + s + ")"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// build makes the list lines from the flight.
func (f *flightScreen) build() {
	f.lines = f.lines[:0]
	for _, p := range f.fl.Parties {
		pnr := p.PNR
		if pnr == "" {
			pnr = "-"
		}
		text := sprintf("%s %s PNR %s seg %d", p.Case, p.Programme, pnr, p.Segment)
		if len(p.Group) > 0 {
			text += sprintf(" · same PNR %s", strings.Join(p.Group, ", "))
		}
		f.lines = append(f.lines, flightLine{text: text, case_: p.Case, party: true})
		if p.EscortSeats > 0 || len(p.Escorts) > 0 {
			names := "none assigned"
			if len(p.Escorts) > 0 {
				names = printable(strings.Join(p.Escorts, ", "))
			}
			f.lines = append(f.lines, flightLine{text: fmt.Sprintf("     escort seats %d · escorts: %s", p.EscortSeats, names), case_: p.Case})
		}
		for _, x := range p.Passengers {
			medif := ""
			if x.MEDIF {
				medif = " MEDIF " + medifStatusText(x.MEDIFStatus)
			}
			text := "  " + fit(fmt.Sprintf("%2d", x.Member), 2) + " " + fit(x.Name(), 28) + " " + fit(string(x.PaxType), 3) + " " +
				fit(strconv.Itoa(x.Seats), 1) + " " + printable(orDash(strings.Join(x.SSR, " "))) + printable(medif)
			f.lines = append(f.lines, flightLine{text: text, case_: p.Case})
		}
	}
}

func (f *flightScreen) listHeight() int {
	fixed := 1 // the column line
	if f.fl != nil {
		fixed += len(f.summary())
	}
	return max(f.h-fixed-1, 1)
}

func (f *flightScreen) clamp() {
	f.cursor, f.offset = clampList(f.cursor, f.offset, len(f.lines), f.listHeight())
}

// Update implements Screen.
func (f *flightScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case flightLoadedMsg:
		if msg.id != f.id {
			return nil
		}
		f.err = msg.err
		if msg.err == nil {
			f.fl = msg.fl
			f.build()
			f.clamp()
			if msg.reload {
				return msgCmd(InfoMsg{Text: fmt.Sprintf("reread %s: %d travellers", f.Title(), f.fl.Totals.Travellers)})
			}
		}
	case SavedMsg:
		return f.load(false)
	case tea.KeyPressMsg:
		k := f.keys
		switch {
		case key.Matches(msg, k.Back):
			return msgCmd(BackMsg{})
		case key.Matches(msg, k.Reload):
			return f.load(true)
		case key.Matches(msg, k.Open):
			if no := f.caseAt(); no != "" {
				return msgCmd(OpenCaseMsg{Number: no})
			}
		case key.Matches(msg, k.Manifest):
			if f.fl != nil {
				return msgCmd(PushMsg{Screen: newManifestScreen(f.keys, f.st, f.src, f.fl)})
			}
		default:
			if c, ok := moveCursor(k, msg, f.cursor, len(f.lines), f.listHeight()); ok {
				f.cursor = c
				f.clamp()
			}
		}
	}
	return nil
}

// KeyMap implements Screen.
func (f *flightScreen) KeyMap() help.KeyMap {
	k := f.keys
	open := withHelp(k.Open, "open case")
	open.SetEnabled(len(f.lines) > 0)
	man := k.Manifest
	man.SetEnabled(f.fl != nil)
	return bindings{
		short: []key.Binding{open, man, k.Back, k.Help},
		full: [][]key.Binding{
			{k.Up, k.Down, k.Top, k.Bottom, k.HalfDown, k.HalfUp, k.PageDown, k.PageUp},
			{open, man, k.Reload, k.Back, k.Command, k.Help, k.Quit, k.ForceQuit},
		},
	}
}

// View implements Screen.
func (f *flightScreen) View() string {
	var b strings.Builder
	switch {
	case f.err != nil:
		b.WriteString(f.st.Error.Render(fit(f.st.ErrGlyph+" "+firstLine(f.err.Error()), f.w)))
		return clip(b.String(), f.w, f.h)
	case f.fl == nil:
		b.WriteString(f.st.Muted.Render(fit("Reading "+f.Title()+"…", f.w)))
		return clip(b.String(), f.w, f.h)
	}
	for _, l := range f.summary() {
		b.WriteString(fitStyled(l, f.w))
		b.WriteByte('\n')
	}
	b.WriteString(f.st.Bold.Render(fit("  CASE / #  NAME                         PAX S SSR", f.w)))
	b.WriteByte('\n')
	if len(f.lines) == 0 {
		b.WriteString(f.st.Muted.Render(fit("  Nobody is booked on this flight.", f.w)))
		return clip(b.String(), f.w, f.h)
	}
	lh := f.listHeight()
	end := min(len(f.lines), f.offset+lh)
	for i := f.offset; i < end; i++ {
		l := f.lines[i]
		mark := "  "
		if i == f.cursor {
			mark = f.st.Cursor + " "
		}
		text := fitStyled(mark+l.text, f.w)
		switch {
		case i == f.cursor:
			b.WriteString(f.st.Selected.Render(text))
		case l.party:
			b.WriteString(f.st.Bold.Render(text))
		default:
			b.WriteString(text)
		}
		b.WriteByte('\n')
	}
	for i := end - f.offset; i < lh; i++ {
		b.WriteByte('\n')
	}
	if n := len(f.lines); n > lh {
		b.WriteString(f.st.Muted.Render(fit(fmt.Sprintf("lines %d–%d of %d", f.offset+1, end, n), f.w)))
	}
	return clip(b.String(), f.w, f.h)
}

type manifestSavedMsg struct {
	id   int
	path string
	rows int
	err  error
}

// manifestScreen shows a flight's manifest for one recipient at a time
// (tab switches) and writes it as CSV to a private file (Save).
type manifestScreen struct {
	id     int
	keys   *KeyMap
	st     *Styles
	src    FlightSource
	fl     *flights.Flight
	r      int // index into flights.Recipients
	m      flights.Manifest
	offset int
	saved  string
	w, h   int
}

func newManifestScreen(keys *KeyMap, st *Styles, src FlightSource, fl *flights.Flight) *manifestScreen {
	s := &manifestScreen{id: newScreenID(), keys: keys, st: st, src: src, fl: fl}
	s.m = fl.Manifest(flights.Recipients[0])
	return s
}

// Init implements Screen.
func (s *manifestScreen) Init() tea.Cmd { return nil }

// Title implements Screen.
func (s *manifestScreen) Title() string { return "Manifest: " + string(s.m.Recipient) }

// SetSize implements Screen.
func (s *manifestScreen) SetSize(w, h int) { s.w, s.h = w, h; s.clampOffset() }

func (s *manifestScreen) listHeight() int { return max(s.h-4, 1) }

func (s *manifestScreen) clampOffset() {
	s.offset = max(0, min(s.offset, len(s.m.Rows)-s.listHeight()))
}

// Update implements Screen.
func (s *manifestScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case manifestSavedMsg:
		if msg.id != s.id {
			return nil
		}
		if msg.err != nil {
			return errCmd(fmt.Errorf("manifest not written: %w", msg.err))
		}
		s.saved = msg.path
		return msgCmd(InfoMsg{Text: fmt.Sprintf("wrote the %s manifest (%d rows, mode 0600) to %s", s.m.Recipient, msg.rows, msg.path)})
	case tea.KeyPressMsg:
		k := s.keys
		switch {
		case key.Matches(msg, k.Back):
			return msgCmd(BackMsg{})
		case key.Matches(msg, k.NextTab), key.Matches(msg, k.PrevTab):
			n := len(flights.Recipients)
			if key.Matches(msg, k.NextTab) {
				s.r = (s.r + 1) % n
			} else {
				s.r = (s.r + n - 1) % n
			}
			s.m, s.offset, s.saved = s.fl.Manifest(flights.Recipients[s.r]), 0, ""
		case key.Matches(msg, k.Save):
			if s.src == nil {
				return nil
			}
			id, src, m := s.id, s.src, s.m
			return func() tea.Msg {
				path, err := src.SaveManifest(&m)
				return manifestSavedMsg{id: id, path: path, rows: len(m.Rows), err: err}
			}
		default:
			if o, ok := moveCursor(s.keys, msg, s.offset, len(s.m.Rows), s.listHeight()); ok {
				s.offset = o
				s.clampOffset()
			}
		}
	}
	return nil
}

// KeyMap implements Screen.
func (s *manifestScreen) KeyMap() help.KeyMap {
	k := s.keys
	save := withHelp(k.Save, "write CSV file")
	next, prev := withHelp(k.NextTab, "recipient →"), withHelp(k.PrevTab, "← recipient")
	scroll := []key.Binding{k.Down, k.Up, k.Top, k.Bottom, k.PageDown, k.PageUp}
	for i := range scroll {
		scroll[i].SetEnabled(len(s.m.Rows) > s.listHeight())
	}
	return bindings{
		short: []key.Binding{next, save, k.Back, k.Help},
		full: [][]key.Binding{
			scroll,
			{next, prev, save, k.Back, k.Command, k.Help, k.Quit, k.ForceQuit},
		},
	}
}

// View implements Screen.
func (s *manifestScreen) View() string {
	var b strings.Builder
	for i, r := range flights.Recipients {
		l := " " + string(r) + " "
		if i == s.r {
			b.WriteString(s.st.TabOn.Render(l))
		} else {
			b.WriteString(s.st.TabOff.Render(l))
		}
	}
	b.WriteByte('\n')
	what := map[flights.Recipient]string{
		flights.Airline: "names, types, seats, SSR codes, tickets; no case, programme or diagnosis",
		flights.Airport: "the assistance list: wheelchairs, meet and assist, stretcher, escorts",
		flights.Agency:  "every party with case, programme, PNR, tickets and SSR codes",
	}[s.m.Recipient]
	b.WriteString(s.st.Muted.Render(fit(s.fl.Key.String()+" · "+what, s.w)))
	b.WriteByte('\n')
	cols := s.m.Columns()
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = len(c)
	}
	recs := make([][]string, len(s.m.Rows))
	for i := range s.m.Rows {
		recs[i] = s.m.Record(i)
		for j, c := range recs[i] {
			widths[j] = min(max(widths[j], len(printable(orDash(c)))), 28)
		}
	}
	line := func(cells []string) string {
		parts := make([]string, len(cells))
		for j, c := range cells {
			parts[j] = fit(orDash(c), widths[j])
		}
		return strings.Join(parts, " ")
	}
	b.WriteString(s.st.Bold.Render(fitStyled(line(cols), s.w)))
	b.WriteByte('\n')
	lh := s.listHeight()
	if len(recs) == 0 {
		b.WriteString(s.st.Muted.Render(fit("(no row for this recipient)", s.w)))
		b.WriteByte('\n')
		lh--
	}
	end := min(len(recs), s.offset+lh)
	for i := s.offset; i < end; i++ {
		b.WriteString(fitStyled(line(recs[i]), s.w))
		b.WriteByte('\n')
	}
	for i := end - s.offset; i < lh; i++ {
		b.WriteByte('\n')
	}
	foot := fmt.Sprintf("%d row(s)", len(recs))
	if t := s.m.Totals; t != nil {
		foot += fmt.Sprintf(" · ADT %d CHD %d INF %d · seats %d", t.ADT, t.CHD, t.INF, t.Seats)
	}
	for _, a := range s.m.Assist {
		foot += sprintf(" · %s %d", a.Code, a.Count)
	}
	if s.saved != "" {
		foot += " · written to " + printable(s.saved)
	}
	b.WriteString(s.st.Muted.Render(fitStyled(foot, s.w)))
	return clip(b.String(), s.w, s.h)
}

// flightCommand reads ":flight AC837 2027-01-17" or ":flight AC 837
// 2027-01-17".
func flightCommand(args []string) tea.Cmd {
	var k flights.Key
	var err error
	switch len(args) {
	case 2:
		k, err = flights.ParseKey(args[0], "", args[1])
	case 3:
		k, err = flights.ParseKey(args[0], args[1], args[2])
	default:
		err = fmt.Errorf(":flight needs a flight and a date (:flight AC837 2027-01-17)")
	}
	if err != nil {
		return errCmd(err)
	}
	return msgCmd(FlightMsg{Key: k})
}
