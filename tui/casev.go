package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// expiringDays is how far ahead a document counts as expiring soon.
const expiringDays = 90

// caseLoadedMsg delivers a case file and its history to the screen id.
type caseLoadedMsg struct {
	id      int
	file    *booking.CaseFile
	history []HistoryEntry
	err     error
}

// loadCaseCmd reads a case file and its history.
func loadCaseCmd(src Source, id int, no string) tea.Cmd {
	return func() tea.Msg {
		f, err := src.CaseFile(no)
		if err != nil {
			return caseLoadedMsg{id: id, err: err}
		}
		h, err := src.History(no)
		return caseLoadedMsg{id: id, file: f, history: h, err: err}
	}
}

// moveStatusCmd moves a case through the state machine. A gate refusal
// names how many items are open and opens the open-items view listing
// them all (the footer has room for one line).
func moveStatusCmd(e *env, no string, to booking.Status, reason string) tea.Cmd {
	return func() tea.Msg {
		if err := e.cases.MoveStatus(e.user, no, to, reason); err != nil {
			if to == booking.StatusReadyToDepart {
				if f, ferr := e.src.CaseFile(no); ferr == nil {
					if items := f.GateWith(e.gateInput(f)); len(items) > 0 {
						err = fmt.Errorf("%s cannot be ready to depart: %d open item(s), listed here", no, len(items))
						return tea.BatchMsg{errCmd(err), msgCmd(PushMsg{Screen: newOpenItemsScreen(e, no)})}
					}
				}
			}
			return ErrMsg{err}
		}
		return SavedMsg{Case: no, What: fmt.Sprintf("%s moved to %s", no, to)}
	}
}

// caseScreen shows one case: travellers, documents, bookings, ABNs, the
// status timeline and the actions the state machine allows.
type caseScreen struct {
	e       *env
	id      int
	no      string
	file    *booking.CaseFile
	history []HistoryEntry
	err     error

	offset  int
	fullLog bool
	w, h    int
	lines   []string
	// timelineAt is the line where the timeline starts.
	timelineAt int
	// open are the gate's open items when the case view lists them.
	open     []booking.GateItem
	picking  bool // choosing a status to move to
	pick     int
	reasonOn bool // typing the reason for on-hold/cancelled
	reason   field
}

func newCaseScreen(e *env, no string) *caseScreen {
	return &caseScreen{e: e, id: newScreenID(), no: no, reason: newField(200, false)}
}

// Init implements Screen.
func (c *caseScreen) Init() tea.Cmd {
	return tea.Batch(loadCaseCmd(c.e.src, c.id, c.no), noteAccessCmd(c.e, c.no, "case screen"))
}

// Title implements Screen.
func (c *caseScreen) Title() string { return c.no }

// SetSize implements Screen.
func (c *caseScreen) SetSize(w, h int) {
	c.w, c.h = w, h
	c.layout()
}

// CurrentCase implements CaseContext.
func (c *caseScreen) CurrentCase() string { return c.no }

// Capturing implements Capturer.
func (c *caseScreen) Capturing() bool { return c.reasonOn || c.picking }

// Dirty implements Dirtier: a typed reason is unsaved input.
func (c *caseScreen) Dirty() bool { return c.reasonOn && strings.TrimSpace(c.reason.Value()) != "" }

func (c *caseScreen) allowed() []booking.Status {
	if c.file == nil {
		return nil
	}
	return booking.Allowed(c.file.Case.Status, c.file.Case.HeldFrom)
}

func (c *caseScreen) canBook() bool {
	if c.file == nil {
		return false
	}
	switch c.file.Case.Status {
	case booking.StatusTravelReady, booking.StatusBooked, booking.StatusABNSent, booking.StatusReadyToDepart:
		return true
	}
	return false
}

func (c *caseScreen) canABN() bool {
	return c.file != nil && (c.file.ActiveBooking() != nil || len(c.file.ABNs) > 0)
}

// KeyMap implements Screen.
func (c *caseScreen) KeyMap() help.KeyMap {
	k := c.e.keys
	if c.reasonOn {
		return bindings{short: []key.Binding{withHelp(k.Open, "save"), withHelp(k.Back, "cancel")},
			full: [][]key.Binding{{withHelp(k.Open, "save"), withHelp(k.Back, "cancel")}}}
	}
	if c.picking {
		b := []key.Binding{k.Up, k.Down, withHelp(k.Open, "move"), withHelp(k.Back, "cancel")}
		return bindings{short: b, full: [][]key.Binding{b}}
	}
	book, abn, move := k.Book, k.ABN, k.Move
	book.SetEnabled(c.canBook())
	abn.SetEnabled(c.canABN())
	move.SetEnabled(len(c.allowed()) > 0)
	open := k.OpenItems
	open.SetEnabled(len(c.open) > 0)
	extra := []key.Binding{open}
	for _, a := range c.e.actions {
		b := a.Binding
		b.SetEnabled(c.file != nil && (a.Enabled == nil || a.Enabled(c.file)))
		extra = append(extra, b)
	}
	short := append([]key.Binding{book, abn, move, k.History}, extra...)
	short = append(short, k.Back, k.Help)
	nav := []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.HalfDown, k.HalfUp, k.PageDown, k.PageUp}
	for i := range nav {
		nav[i].SetEnabled(len(c.lines) > c.h) // nothing to scroll otherwise
	}
	return bindings{short: short, full: [][]key.Binding{
		nav,
		append([]key.Binding{book, abn, move, k.History, withHelp(k.Copy, "copy case number")}, extra...),
		{k.Back, k.Quit, k.Command, k.Help, k.ForceQuit},
	}}
}

// Update implements Screen.
func (c *caseScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case caseLoadedMsg:
		if msg.id != c.id {
			return nil
		}
		c.file, c.history, c.err = msg.file, msg.history, msg.err
		c.layout()
		return nil
	case SavedMsg:
		if msg.Case == c.no {
			return loadCaseCmd(c.e.src, c.id, c.no)
		}
		return nil
	case dropReasonMsg:
		if msg.id == c.id {
			c.reasonOn = false
			c.layout()
		}
		return nil
	case tea.PasteMsg:
		if c.reasonOn && c.reason.paste(msg.Content) {
			c.layout()
		}
		return nil
	case tea.KeyPressMsg:
		return c.key(msg)
	}
	return nil
}

func (c *caseScreen) key(kp tea.KeyPressMsg) tea.Cmd {
	k := c.e.keys
	if c.reasonOn {
		switch {
		case key.Matches(kp, k.Back):
			if c.Dirty() {
				return askDropReason(c.id)
			}
			c.reasonOn = false
		case key.Matches(kp, k.Open):
			to := c.allowed()[c.pick]
			if strings.TrimSpace(c.reason.Value()) == "" {
				return errCmd(fmt.Errorf("moving to %s needs a reason", to))
			}
			c.reasonOn = false
			return c.moveCmd(to, c.reason.Value())
		default:
			c.reason.update(kp)
		}
		c.layout()
		return nil
	}
	if c.picking {
		opts := c.allowed()
		switch {
		case key.Matches(kp, k.Back):
			c.picking = false
		case key.Matches(kp, k.Down):
			c.pick = min(c.pick+1, len(opts)-1)
		case key.Matches(kp, k.Up):
			c.pick = max(c.pick-1, 0)
		case key.Matches(kp, k.Open):
			c.picking = false
			to := opts[c.pick]
			if to == booking.StatusOnHold || to == booking.StatusCancelled {
				c.reasonOn = true
				c.reason.SetValue("")
			} else {
				c.layout()
				return c.moveCmd(to, "")
			}
		}
		c.layout()
		return nil
	}
	for _, a := range c.e.actions {
		if key.Matches(kp, a.Binding) && c.file != nil {
			if a.Enabled == nil || a.Enabled(c.file) {
				return a.Run(c.file)
			}
			return errCmd(errors.New(a.whyNot(c.file)))
		}
	}
	page := max(c.h-1, 1)
	switch {
	case key.Matches(kp, k.Back):
		return msgCmd(BackMsg{})
	case key.Matches(kp, k.Book):
		if c.canBook() {
			return msgCmd(BookMsg{Number: c.no})
		}
		if c.file != nil {
			return errCmd(fmt.Errorf("case %s is %s; only travel-ready or booked cases can be booked", c.no, c.file.Case.Status))
		}
	case key.Matches(kp, k.ABN):
		if c.canABN() {
			return msgCmd(ABNMsg{Number: c.no})
		}
		return errCmd(fmt.Errorf("case %s has no booking and no ABN yet; book it first", c.no))
	case key.Matches(kp, k.Move):
		if len(c.allowed()) > 0 {
			c.picking, c.pick, c.offset = true, 0, 0
			c.layout()
		}
	case key.Matches(kp, k.OpenItems):
		switch {
		case len(c.open) > 0:
			return msgCmd(PushMsg{Screen: newOpenItemsScreen(c.e, c.no)})
		case c.file != nil && c.file.Case.Status == booking.StatusABNSent:
			return errCmd(fmt.Errorf("nothing is open: %s may move to ready-to-depart", c.no))
		case c.file != nil:
			return errCmd(fmt.Errorf("open items are listed once the ABN is sent; %s is %s", c.no, c.file.Case.Status))
		}
	case key.Matches(kp, k.Copy):
		return tea.Batch(tea.SetClipboard(c.no), msgCmd(InfoMsg{Text: "copied " + c.no}))
	case key.Matches(kp, k.History):
		// Show the whole timeline and scroll to it, or fold it again.
		c.fullLog = !c.fullLog
		c.layout()
		if c.fullLog {
			c.offset = c.timelineAt
		}
	default:
		c.offset, _ = moveCursor(k, kp, c.offset, len(c.lines)+1, page)
	}
	c.clamp()
	return nil
}

func (c *caseScreen) clamp() {
	c.offset = max(0, min(c.offset, len(c.lines)-c.h))
}

// View implements Screen.
func (c *caseScreen) View() string {
	if c.lines == nil {
		c.layout()
	}
	end := min(len(c.lines), c.offset+c.h)
	return clip(strings.Join(c.lines[c.offset:end], "\n"), c.w, c.h)
}

// layout renders the whole case into lines; View shows a window of them.
func (c *caseScreen) layout() {
	st := c.e.st
	var l []string
	add := func(s string) { l = append(l, s) }
	section := func(title string) { add(st.Title.Render(title)) }
	switch {
	case c.err != nil:
		add(st.Error.Render(st.ErrGlyph + " " + printable(c.err.Error())))
		c.lines = l
		return
	case c.file == nil:
		c.lines = []string{st.Muted.Render("Loading " + printable(c.no) + "…")}
		return
	}
	f := c.file
	cs := &f.Case
	today := c.e.today()
	on := today
	if b := f.ActiveBooking(); b != nil && !b.Departure().IsZero() {
		on = b.Departure().Date()
	}
	add(st.Bold.Render(sprintf("%s · %s · %s · %s", cs.Number, cs.Programme, strings.ToUpper(string(cs.Status)), booking.PriorityName(cs.Priority))) +
		st.Muted.Render(sprintf("  office %s · %s", cs.Office, orDash(cs.Assignee))))
	add(sprintf("%s → %s · sponsor %s", place(cs.OriginCity, cs.OriginAirport), place(cs.DestCity, cs.DestAirport), orDash(cs.Sponsor)))
	add(st.Muted.Render(sprintf("received %s · travel-ready %s · departure %s", orDash(cs.Received.String()), orDash(cs.TravelReady.String()), orDash(cs.Departure.String()))))
	if cs.StatusReason != "" {
		add(st.Warning.Render(sprintf("%s %s: %s", st.WarnGlyph, cs.Status, cs.StatusReason)))
	}
	if cs.RequestFrom != "" {
		ref := ""
		if cs.RequestRef != "" {
			ref = " (ref " + cs.RequestRef + ")"
		}
		style, line := st.Muted, sprintf("request from %s%s: receipt confirmed %s by %s", cs.RequestFrom, ref, cs.ReceiptConfirmed, cs.ReceiptConfirmedBy)
		if cs.ReceiptPending() {
			style, line = st.Warning, sprintf("%s request from %s%s: receipt not yet confirmed (:receipt records it)", st.WarnGlyph, cs.RequestFrom, ref)
		}
		for _, l := range strings.Split(wordWrap(line, max(20, c.w)), "\n") {
			add(style.Render(l))
		}
	}
	if line, warn := reviewLine(f, c.e.review, st); line != "" {
		style := st.Muted
		if warn {
			style = st.Warning
		}
		for _, l := range strings.Split(wordWrap(printable(line), max(20, c.w)), "\n") {
			add(style.Render(l))
		}
	}
	// Actions first: they are what the associate came for.
	var acts []string
	for _, s := range c.allowed() {
		acts = append(acts, "→ "+string(s))
	}
	if len(acts) == 0 {
		add(st.Muted.Render("No status change possible (" + string(cs.Status) + ")."))
	} else {
		add(st.Accent.Render(c.e.keys.Move.Help().Key) + " move: " + strings.Join(acts, "  "))
	}
	if c.picking {
		for i, s := range c.allowed() {
			if i == c.pick {
				add(st.Selected.Render(fit(st.Cursor+" "+string(s), 30)))
			} else {
				add("  " + string(s))
			}
		}
	}
	if c.reasonOn {
		add(st.Accent.Render(sprintf("Reason for %s: ", c.allowed()[c.pick])) + c.reason.view(true, c.w-30))
	}

	section(fmt.Sprintf("Travellers (%d)", len(f.Travellers)))
	for _, t := range f.Travellers {
		pa := "  "
		if t.Principal {
			pa = "PA"
		}
		pax := booking.PassengerType(t.BirthDate, on)
		ssr := strings.Join(t.SSR, " ")
		if t.PregnancyWeeks > 0 {
			ssr = strings.TrimSpace(ssr + fmt.Sprintf(" preg %dw", t.PregnancyWeeks))
		}
		if t.MEDIFNeeded {
			ssr = strings.TrimSpace(ssr + " MEDIF")
		}
		add(sprintf("%2d %s %s %s %3d %s %s %s", t.Member, fit(t.FullName(), 24), pa, pax, t.BirthDate.Age(today),
			fit(orDash(t.Sex), 1), fit(orDash(t.Nationality), 3), orDash(ssr)))
		for _, d := range f.DocumentsOf(t.Member) {
			add("     " + c.docLine(&d, today, on))
		}
		if len(f.DocumentsOf(t.Member)) == 0 {
			add("     " + st.Error.Render(st.ErrGlyph+" no documents on file"))
		}
	}

	section("Bookings")
	if len(f.Bookings) == 0 {
		add(st.Muted.Render("none"))
	}
	for i := len(f.Bookings) - 1; i >= 0; i-- {
		b := f.Bookings[i]
		head := sprintf("%s %s · %d traveller(s)", b.ID, b.Status, len(b.Travellers))
		if b.EscortSeats > 0 {
			head += fmt.Sprintf(" + %d escort seat(s)", b.EscortSeats)
		}
		if b.TotalUSDCents > 0 {
			head += " · " + usd(b.TotalUSDCents)
		}
		if b.BookedBy != "" {
			head += " · by " + printable(b.BookedBy) + " " + b.BookedOn.String()
		}
		if b.Status == booking.BookingActive {
			add(st.Bold.Render(head))
		} else {
			add(st.Muted.Render(head))
		}
		for _, s := range b.Segments {
			add("   " + segmentText(s))
		}
		if len(b.Confirmed) > 0 {
			add(st.Warning.Render("   " + st.WarnGlyph + " warnings confirmed: " + printable(strings.Join(b.Confirmed, ", "))))
		}
	}

	section("ABN")
	vs := f.ABNVersions()
	switch {
	case len(vs) == 0 && cs.ABNNumber != "":
		add(st.Muted.Render(printable(cs.ABNNumber) + " (issued elsewhere; no version on this desk)"))
	case len(vs) == 0:
		add(st.Muted.Render("none issued"))
	}
	for i := len(vs) - 1; i >= 0; i-- {
		add(abnLine(st, &vs[i]))
	}
	c.open = nil
	if cs.Status == booking.StatusABNSent {
		if items := f.GateWith(c.e.gateInput(f)); len(items) > 0 {
			c.open = items
			section(fmt.Sprintf("Open before ready-to-depart (%d)", len(items)))
			// The first few; the open-items view shows them all.
			for _, it := range items[:min(len(items), 3)] {
				add(st.Warning.Render(st.WarnGlyph + " " + printable(it.Message)))
			}
			if len(items) > 3 {
				add(st.Muted.Render(fmt.Sprintf("… %d more (%s lists them all)", len(items)-3, c.e.keys.OpenItems.Help().Key)))
			}
		}
	}

	if cl := contactSummary(st, c.e.keys, f); len(cl) > 0 {
		section("Contacts & log")
		for _, x := range cl {
			add(x)
		}
	}

	c.timelineAt = len(l)
	section("Timeline")
	events := timeline(c.history)
	shown := events
	if !c.fullLog && len(events) > 5 {
		shown = events[len(events)-5:]
		add(st.Muted.Render(fmt.Sprintf("… %d earlier (t shows all)", len(events)-5)))
	}
	for _, ev := range shown {
		// Continuation lines hang under the change, after time and actor.
		const lead = 32
		if c.w-lead < 20 || ansi.StringWidth(ev) <= c.w {
			add(ev)
			continue
		}
		width := ansi.StringWidth(ev)
		for i, part := range strings.Split(wordWrap(ansi.Cut(ev, lead, width), c.w-lead), "\n") {
			if i == 0 {
				add(ansi.Cut(ev, 0, lead) + part)
			} else {
				add(strings.Repeat(" ", lead) + part)
			}
		}
	}
	if len(events) == 0 {
		add(st.Muted.Render("no changes recorded"))
	}
	c.lines = l
	c.clamp()
}

// docLine describes a document with its expiry flagged: ✗ expired (today),
// ! expiring before the departure or within 90 days.
func (c *caseScreen) docLine(d *booking.Document, today, on booking.Date) string {
	st := c.e.st
	s := printable(d.Describe())
	switch {
	case d.ExpiryDate.IsZero():
		return st.Muted.Render(s)
	case d.ExpiresBefore(today):
		return st.Error.Render(sprintf("%s %s EXPIRED %s", st.ErrGlyph, s, d.ExpiryDate))
	case d.ExpiresBefore(on) || d.ExpiresBefore(today.AddDays(expiringDays)):
		return st.Warning.Render(sprintf("%s %s expires %s (%d days)", st.WarnGlyph, s, d.ExpiryDate, today.DaysUntil(d.ExpiryDate)))
	}
	return st.Muted.Render(sprintf("%s valid to %s", s, d.ExpiryDate))
}

func abnLine(st *Styles, a *booking.ABN) string {
	s := sprintf("%s v%d %s · issued %s by %s", a.Number, a.Version, a.Type, a.IssuedAt.Format("2006-01-02 15:04"), orDash(a.IssuedBy))
	if a.Sent {
		return st.OK.Render(st.OKGlyph+" "+s) + st.Muted.Render(" · sent "+a.SentAt.Format("2006-01-02 15:04"))
	}
	return st.Warning.Render(st.WarnGlyph + " " + s + " · NOT SENT")
}

func segmentText(s booking.Segment) string {
	arr := s.Arrive.String()
	if s.Arrive.Date().Equal(s.Depart.Date()) && len(arr) > 11 {
		arr = arr[11:]
	}
	return sprintf("%s %-4s %s %s → %s %s", s.Carrier, s.Flight, s.From, strings.Replace(s.Depart.String(), "T", " ", 1), s.To, strings.Replace(arr, "T", " ", 1))
}

// timeline turns the change log into one line per event: status moves are
// spelled out; a change to a record seen before shows each field as
// "field: old ⇒ new" (the log holds new values only, so old ones are
// carried forward from earlier events); a new record lists its fields.
func timeline(h []HistoryEntry) []string {
	var out []string
	seen := map[string]map[string]string{} // record key -> field -> last value
	for _, e := range h {
		when := e.When.UTC().Format("2006-01-02 15:04")
		prev, known := seen[e.Key]
		if !known {
			prev = map[string]string{}
			seen[e.Key] = prev
		}
		changes := func(skip ...string) []string {
			var parts []string
			for _, f := range fieldNames(e.Fields, skip...) {
				if f[0] == '+' { // "+N" more fields
					parts = append(parts, f)
					continue
				}
				parts = append(parts, f+": "+histValue(prev[f])+" ⇒ "+histValue(e.Fields[f]))
			}
			return parts
		}
		var what string
		switch {
		case e.Kind == booking.KindCase && e.Fields["status"] != "":
			what = "status → " + histValue(e.Fields["status"])
			if r := strings.Trim(e.Fields["status_reason"], `"`); r != "" && r != "null" {
				what += " (" + r + ")"
			}
			if others := changes("status", "status_reason", "held_from"); known && len(others) > 0 {
				what += "; " + strings.Join(others, "; ")
			}
		case e.Kind == booking.KindComm || e.Kind == booking.KindContact && (!known || e.Fields["removed"] == "true"):
			// Contacts and the communication log read as what happened.
			what = contactEvent(e, known)
		default:
			_, rest, _ := strings.Cut(e.Key, "/")
			if rest == "" {
				rest = e.Kind
			}
			if known {
				what = rest + ": " + strings.Join(changes(), "; ")
			} else {
				what = sprintf("%s created (%d fields)", rest, len(e.Fields))
			}
		}
		for f, v := range e.Fields {
			prev[f] = v
		}
		out = append(out, sprintf("%s %s %s", when, fit(e.Actor, 14), what))
	}
	return out
}

// histValue shows a logged JSON value short and readable: strings lose
// their quotes, nothing reads "—", long values are cut.
func histValue(v string) string {
	switch v {
	case "", "null", `""`, "[]", "{}", "0", "false":
		if v == "0" || v == "false" {
			return v
		}
		return "—"
	}
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		var s string
		if json.Unmarshal([]byte(v), &s) == nil {
			v = s
		}
	}
	return cut(oneLine(v), 40)
}

func fieldNames(m map[string]string, skip ...string) []string {
	var out []string
	for k := range m {
		if !slices.Contains(skip, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	if len(out) > 6 {
		out = append(out[:6], fmt.Sprintf("+%d", len(out)-6))
	}
	return out
}

// orDash shows s escaped, or a dash when it is empty.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return printable(s)
}

func place(city, airport string) string {
	switch {
	case city == "" && airport == "":
		return "—"
	case city == "":
		return printable(airport)
	case airport == "":
		return printable(city)
	}
	return printable(city + " (" + airport + ")")
}
