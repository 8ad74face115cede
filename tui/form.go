package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// Segment field columns of the booking form.
const (
	colCarrier = iota
	colFlight
	colFrom
	colTo
	colDepart
	colArrive
	segCols
)

var segColNames = []string{"carrier", "flight", "from", "to", "depart", "arrive"}
var segColWidths = []int{4, 7, 5, 5, 18, 18}

// segRow is one itinerary row of the form.
type segRow [segCols]field

func newSegRow() segRow {
	var r segRow
	r[colCarrier] = newField(2, true)
	r[colFlight] = newField(5, true)
	r[colFrom] = newField(3, true)
	r[colTo] = newField(3, true)
	r[colDepart] = newField(16, true)
	r[colArrive] = newField(16, true)
	return r
}

// focusKind says what a focus position edits.
type focusKind int

const (
	focusSegment focusKind = iota
	focusTraveller
	focusEscorts
)

// formScreen is the booking form: itinerary, travellers, escort seats, with
// the quote and the rule findings recomputed on every change.
type formScreen struct {
	e    *env
	id   int
	no   string
	file *booking.CaseFile
	err  error

	segs    []segRow
	on      []bool // traveller i travels
	escorts field
	focus   int
	initial string // snapshot of the inputs when loaded, for Dirty

	quote      Quote
	fieldErr   map[string]string // "segments.N.field" -> message
	saving     bool
	confirming bool
	discarding bool
	saveErr    string

	offset int
	w, h   int
}

func newFormScreen(e *env, no string) *formScreen {
	return &formScreen{e: e, id: newScreenID(), no: no, escorts: newField(1, false)}
}

// Init implements Screen.
func (f *formScreen) Init() tea.Cmd { return loadCaseCmd(f.e.src, f.id, f.no) }

// Title implements Screen.
func (f *formScreen) Title() string { return "Booking" }

// SetSize implements Screen.
func (f *formScreen) SetSize(w, h int) { f.w, f.h = w, h }

// CurrentCase implements CaseContext.
func (f *formScreen) CurrentCase() string { return f.no }

// Dirty implements Dirtier.
func (f *formScreen) Dirty() bool { return f.file != nil && f.snapshot() != f.initial }

// Capturing implements Capturer: text fields take every printable key.
func (f *formScreen) Capturing() bool {
	kind, _, _ := f.focused()
	return f.file != nil && (kind != focusTraveller || f.confirming || f.discarding)
}

func (f *formScreen) focusCount() int { return len(f.segs)*segCols + len(f.on) + 1 }

// focused returns what the focus is on: a segment (row, col), a traveller
// (index) or the escort seats.
func (f *formScreen) focused() (focusKind, int, int) {
	n := len(f.segs) * segCols
	switch {
	case f.focus < n:
		return focusSegment, f.focus / segCols, f.focus % segCols
	case f.focus < n+len(f.on):
		return focusTraveller, f.focus - n, 0
	}
	return focusEscorts, 0, 0
}

func (f *formScreen) load(file *booking.CaseFile) {
	f.file = file
	f.on = make([]bool, len(file.Travellers))
	if b := file.ActiveBooking(); b != nil {
		for _, s := range b.Segments {
			r := newSegRow()
			r[colCarrier].SetValue(s.Carrier)
			r[colFlight].SetValue(s.Flight)
			r[colFrom].SetValue(s.From)
			r[colTo].SetValue(s.To)
			r[colDepart].SetValue(strings.Replace(s.Depart.String(), "T", " ", 1))
			r[colArrive].SetValue(strings.Replace(s.Arrive.String(), "T", " ", 1))
			f.segs = append(f.segs, r)
		}
		for i, t := range file.Travellers {
			f.on[i] = slices.Contains(b.Travellers, t.Member)
		}
		if b.EscortSeats > 0 {
			f.escorts.SetValue(strconv.Itoa(b.EscortSeats))
		}
	} else {
		r := newSegRow()
		r[colFrom].SetValue(file.Case.OriginAirport)
		f.segs = append(f.segs, r)
		for i := range f.on {
			f.on[i] = true
		}
	}
	f.initial = f.snapshot()
	f.revalidate()
}

// snapshot is the inputs as one string, to tell whether anything changed.
func (f *formScreen) snapshot() string {
	var b strings.Builder
	for _, r := range f.segs {
		for i := range r {
			b.WriteString(r[i].Value())
			b.WriteByte('|')
		}
	}
	for _, on := range f.on {
		b.WriteString(strconv.FormatBool(on))
	}
	b.WriteString(f.escorts.Value())
	return b.String()
}

// draft builds the booking from the inputs; field errors are collected, not
// fatal, so the quote still runs on what parses.
func (f *formScreen) draft() (booking.Booking, map[string]string) {
	errs := map[string]string{}
	b := booking.Booking{Case: f.no, Status: booking.BookingActive, BookedBy: f.e.user, BookedOn: f.e.today()}
	for i, r := range f.segs {
		s := booking.Segment{Carrier: r[colCarrier].Value(), Flight: r[colFlight].Value(), From: r[colFrom].Value(), To: r[colTo].Value()}
		var err error
		if s.Depart, err = booking.ParseLocalTime(r[colDepart].Value()); err != nil {
			errs[fmt.Sprintf("segments.%d.depart", i+1)] = "departure: " + err.Error()
		}
		if s.Arrive, err = booking.ParseLocalTime(r[colArrive].Value()); err != nil {
			errs[fmt.Sprintf("segments.%d.arrive", i+1)] = "arrival: " + err.Error()
		}
		if _, bad := errs[fmt.Sprintf("segments.%d.depart", i+1)]; !bad {
			if err := s.Validate(i); err != nil {
				if de, ok := err.(*booking.Error); ok {
					errs[de.Field] = de.Message
				}
			}
		}
		if i > 0 && s.From != "" && b.Segments[i-1].To != "" && s.From != b.Segments[i-1].To {
			errs[fmt.Sprintf("segments.%d.from", i+1)] = fmt.Sprintf("starts at %s but segment %d ends at %s", s.From, i, b.Segments[i-1].To)
		}
		b.Segments = append(b.Segments, s)
	}
	for i, on := range f.on {
		if on {
			b.Travellers = append(b.Travellers, f.file.Travellers[i].Member)
		}
	}
	if v := f.escorts.Value(); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs["escort_seats"] = "escort seats: a number 0 to 9"
		}
		b.EscortSeats = n
	}
	if len(b.Travellers) == 0 && b.EscortSeats == 0 {
		errs["travellers"] = "choose at least one traveller"
	}
	return b, errs
}

// revalidate recomputes field errors and the quote from the inputs.
func (f *formScreen) revalidate() {
	f.saveErr = ""
	b, errs := f.draft()
	f.fieldErr = errs
	if f.e.quoter == nil {
		f.quote = Quote{Findings: []Finding{{Code: "no-tariffs", Blocking: true, Message: "no tariff tables loaded; cannot price"}}}
		return
	}
	var travellers []booking.Traveller
	docs := map[int][]booking.Document{}
	for _, m := range b.Travellers {
		t := f.file.Traveller(m)
		travellers = append(travellers, *t)
		docs[m] = f.file.DocumentsOf(m)
	}
	var segs []booking.Segment
	partial := false
	for i, s := range b.Segments {
		// Only segments that parse are priced; the rest show field errors.
		if f.segmentComplete(i) {
			segs = append(segs, s)
		} else {
			partial = true
		}
	}
	f.quote = f.e.quoter.Quote(QuoteRequest{Segments: segs, Travellers: travellers, Documents: docs,
		Programme: f.file.Case.Programme, BookingDate: f.e.today(), EscortSeats: b.EscortSeats})
	if partial {
		// A route cut short by a typo has no fare of its own: say nothing
		// about tariffs until every segment reads.
		f.quote.Priced = false
		f.quote.Findings = slices.DeleteFunc(f.quote.Findings, func(x Finding) bool { return strings.HasPrefix(x.Code, "no-tariff") })
	}
}

func (f *formScreen) segmentComplete(i int) bool {
	for _, c := range segColNames {
		if _, bad := f.fieldErr[fmt.Sprintf("segments.%d.%s", i+1, c)]; bad {
			return false
		}
	}
	return true
}

// saveBookingCmd books the draft; the desk quotes it again and saves it
// only when nothing blocks (warnings as confirmed here).
func saveBookingCmd(e *env, no string, b booking.Booking, confirmed bool) tea.Cmd {
	return func() tea.Msg {
		saved, err := e.cases.Book(e.user, no, b, confirmed)
		if err != nil {
			return ErrMsg{fmt.Errorf("booking not saved: %w", err)}
		}
		return SavedMsg{Case: no, What: fmt.Sprintf("%s booked (%s)", no, usd(saved.TotalUSDCents))}
	}
}

// save checks the draft and returns the save command, or asks for the
// confirmation of warnings first.
func (f *formScreen) save(confirmed bool) tea.Cmd {
	b, errs := f.draft()
	if len(errs) > 0 {
		f.saveErr = fmt.Sprintf("%d field error(s); fix them before saving", len(errs))
		return errCmd(fmt.Errorf("%s", f.saveErr))
	}
	if f.quote.Blocking() {
		n := 0
		for _, x := range f.quote.Findings {
			if x.Blocking {
				n++
			}
		}
		f.saveErr = fmt.Sprintf("%d blocking finding(s) prevent saving", n)
		return errCmd(fmt.Errorf("%s", f.saveErr))
	}
	warn := f.quote.Warnings()
	if len(warn) > 0 && !confirmed {
		f.confirming = true
		return nil
	}
	f.saving, f.saveErr = true, ""
	return saveBookingCmd(f.e, f.no, b, len(warn) > 0)
}

// Update implements Screen.
func (f *formScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case caseLoadedMsg:
		if msg.id != f.id {
			return nil
		}
		if msg.err != nil {
			f.err = msg.err
			return nil
		}
		f.load(msg.file)
		return nil
	case SavedMsg:
		if f.saving && msg.Case == f.no {
			f.saving = false
			f.initial = f.snapshot()
			return msgCmd(BackMsg{})
		}
	case ErrMsg:
		if f.saving {
			// The inputs stay as typed; the error shows in the footer and here.
			f.saving = false
			f.saveErr = msg.Err.Error()
		}
	case tea.KeyPressMsg:
		if f.file == nil {
			if key.Matches(msg, f.e.keys.Back) {
				return msgCmd(BackMsg{})
			}
			return nil
		}
		return f.key(msg)
	}
	return nil
}

func (f *formScreen) key(kp tea.KeyPressMsg) tea.Cmd {
	k := f.e.keys
	if f.confirming {
		f.confirming = false
		if key.Matches(kp, k.Confirm) {
			return f.save(true)
		}
		return nil
	}
	if f.discarding {
		f.discarding = false
		if key.Matches(kp, k.Confirm) {
			f.initial = f.snapshot()
			return msgCmd(BackMsg{})
		}
		return nil
	}
	if f.saving {
		return nil
	}
	kind, row, col := f.focused()
	switch {
	case key.Matches(kp, k.Back):
		if f.Dirty() {
			f.discarding = true
			return nil
		}
		return msgCmd(BackMsg{})
	case key.Matches(kp, k.Save):
		return f.save(false)
	case key.Matches(kp, k.NextField):
		f.focus = (f.focus + 1) % f.focusCount()
	case key.Matches(kp, k.PrevField):
		f.focus = (f.focus - 1 + f.focusCount()) % f.focusCount()
	case key.Matches(kp, k.AddSegment):
		r := newSegRow()
		last := f.segs[len(f.segs)-1]
		r[colFrom].SetValue(last[colTo].Value())
		f.segs = append(f.segs, r)
		f.focus = (len(f.segs) - 1) * segCols
		f.revalidate()
	case key.Matches(kp, k.RemoveSegment):
		if len(f.segs) > 1 {
			i := len(f.segs) - 1
			if kind == focusSegment {
				i = row
			}
			f.segs = slices.Delete(f.segs, i, i+1)
			f.focus = min(f.focus, f.focusCount()-1)
			f.revalidate()
		}
	case kind == focusTraveller && key.Matches(kp, k.Toggle):
		f.on[row] = !f.on[row]
		f.revalidate()
	case kind == focusSegment:
		if changed, _ := f.segs[row][col].update(kp); changed {
			f.revalidate()
		}
	case kind == focusEscorts:
		if t := kp.Key().Text; t != "" && (t < "0" || t > "9") {
			return nil
		}
		if changed, _ := f.escorts.update(kp); changed {
			f.revalidate()
		}
	}
	return nil
}

// KeyMap implements Screen.
func (f *formScreen) KeyMap() help.KeyMap {
	k := f.e.keys
	if f.confirming || f.discarding {
		b := []key.Binding{k.Confirm, k.Deny}
		return bindings{short: b, full: [][]key.Binding{b}}
	}
	kind, _, _ := f.focused()
	toggle := k.Toggle
	toggle.SetEnabled(kind == focusTraveller)
	remove := k.RemoveSegment
	remove.SetEnabled(len(f.segs) > 1)
	return bindings{
		short: []key.Binding{k.Save, k.NextField, toggle, k.AddSegment, remove, withHelp(k.Back, "cancel")},
		full: [][]key.Binding{
			{k.NextField, k.PrevField, toggle},
			{k.AddSegment, remove, k.Save, withHelp(k.Back, "cancel"), k.ForceQuit},
		},
	}
}

// View implements Screen.
func (f *formScreen) View() string {
	st := f.e.st
	switch {
	case f.err != nil:
		return clip(st.Error.Render(st.ErrGlyph+" "+printable(f.err.Error())), f.w, f.h)
	case f.file == nil:
		return clip(st.Muted.Render("Loading "+printable(f.no)+"…"), f.w, f.h)
	}
	var l []string
	focusLine := 0
	add := func(s string) { l = append(l, s) }
	c := &f.file.Case
	ver := f.quote.Version
	if ver == "" {
		ver = "—"
	}
	add(st.Bold.Render(sprintf("Book %s · %s · %s → %s", c.Number, c.Programme, orDash(c.OriginAirport), orDash(c.DestAirport))) +
		st.Muted.Render("  tariff "+ver))
	var hdr strings.Builder
	hdr.WriteString("   ")
	for i, n := range []string{"air", "flight", "from", "to", "depart (local)", "arrive (local)"} {
		hdr.WriteString(fit(n, segColWidths[i]) + " ")
	}
	add(st.Muted.Render(hdr.String()))
	kind, frow, fcol := f.focused()
	for i := range f.segs {
		var b strings.Builder
		b.WriteString(fmt.Sprintf("%2d ", i+1))
		for cidx := range segCols {
			focused := kind == focusSegment && frow == i && fcol == cidx
			text := fit(f.segs[i][cidx].view(focused, segColWidths[cidx]-1), segColWidths[cidx]-1)
			if focused {
				text = st.Selected.Render(text)
				focusLine = len(l)
			} else if _, bad := f.fieldErr[fmt.Sprintf("segments.%d.%s", i+1, segColNames[cidx])]; bad {
				text = st.Error.Render(text)
			}
			b.WriteString(text + " ")
		}
		add(b.String())
		for _, cn := range segColNames {
			if msg, bad := f.fieldErr[fmt.Sprintf("segments.%d.%s", i+1, cn)]; bad {
				for _, el := range hangLines(st.Error, "   "+st.ErrGlyph+" ", printable(msg), f.w) {
					add(el)
				}
			}
		}
		for _, x := range f.quote.Findings {
			if x.Segment == i+1 && x.Traveller == 0 {
				for _, fl := range findingLines(st, x, "   ", f.w) {
					add(fl)
				}
			}
		}
	}
	fares := map[int]FareLine{}
	var escortFares []FareLine
	for _, fl := range f.quote.Lines {
		if fl.Escort > 0 {
			escortFares = append(escortFares, fl)
		} else {
			fares[fl.Traveller] = fl
		}
	}
	add(st.Title.Render("Travellers"))
	for i, t := range f.file.Travellers {
		box := "[ ]"
		if f.on[i] {
			box = "[x]"
		}
		fare := ""
		if fl, ok := fares[t.Member]; ok && f.on[i] {
			fare = string(fl.PaxType) + " " + usd(fl.USD)
			if !fl.Priced {
				fare = string(fl.PaxType) + " not priced"
			}
		}
		line := fmt.Sprintf("%s %d %s %s", box, t.Member, fit(t.FullName(), 26), fit(strings.Join(t.SSR, " "), 10))
		line = fit(line, 48) + fitRight(fare, 20)
		if kind == focusTraveller && frow == i {
			line = st.Selected.Render(st.Cursor + line)
			focusLine = len(l)
		} else {
			line = " " + line
		}
		add(line)
		if f.on[i] {
			for _, x := range f.quote.Findings {
				if x.Traveller == t.Member {
					for _, fl := range findingLines(st, x, "     ", f.w) {
						add(fl)
					}
				}
			}
		}
	}
	esc := fmt.Sprintf(" escort seats: %s", f.escorts.view(kind == focusEscorts, 2))
	if kind == focusEscorts {
		esc = st.Selected.Render(fit(esc, 20))
		focusLine = len(l)
	}
	for _, fl := range escortFares {
		esc += "  " + st.Muted.Render(fmt.Sprintf("escort %d %s", fl.Escort, usd(fl.USD)))
	}
	add(esc)
	if msg, bad := f.fieldErr["escort_seats"]; bad {
		add(st.Error.Render("   " + st.ErrGlyph + " " + printable(msg)))
	}
	if msg, bad := f.fieldErr["travellers"]; bad {
		add(st.Error.Render("   " + st.ErrGlyph + " " + printable(msg)))
	}
	for _, x := range f.quote.Findings {
		if x.Traveller == 0 && x.Segment == 0 {
			for _, fl := range findingLines(st, x, " ", f.w) {
				add(fl)
			}
		}
	}
	blocking, warnings := 0, 0
	for _, x := range f.quote.Findings {
		if x.Blocking {
			blocking++
		} else {
			warnings++
		}
	}
	total := "not priced"
	if f.quote.Priced {
		total = usd(f.quote.TotalUSD)
	}
	sum := fmt.Sprintf("Total %s · %d blocking · %d warning(s)", total, blocking, warnings)
	switch {
	case f.saving:
		sum += " · saving…"
	case f.saveErr != "":
		sum = st.Error.Render(st.ErrGlyph+" "+printable(f.saveErr)) + " · " + sum
	}
	footer := []string{st.Bold.Render(sum)}
	if f.confirming {
		// The question and its keys first: the list of codes may wrap.
		footer = append(footer, hangLines(st.Warning, st.WarnGlyph+" ", fmt.Sprintf("Save with %d warning(s) confirmed? y/n (%s)",
			warnings, strings.Join(f.quote.Warnings(), ", ")), f.w)...)
	}
	if f.discarding {
		footer = append(footer, st.Warning.Render(st.WarnGlyph+" Discard the unsaved booking? (y/n)"))
	}
	// Keep the focused line visible above the fixed footer.
	room := max(f.h-len(footer), 1)
	if focusLine < f.offset+1 {
		f.offset = max(focusLine-1, 0)
	}
	if focusLine >= f.offset+room {
		f.offset = focusLine - room + 1
	}
	f.offset = max(0, min(f.offset, max(len(l)-room, 0)))
	body := l[f.offset:min(len(l), f.offset+room)]
	for len(body) < room {
		body = append(body, "")
	}
	return clip(strings.Join(append(body, footer...), "\n"), f.w, f.h)
}

// findingLines shows a finding whole, wrapped to w cells under its text:
// the number that explains it ("is 30m; the minimum is 1h30m") is at the
// end, where a cut line would lose it.
func findingLines(st *Styles, x Finding, indent string, w int) []string {
	style, glyph := st.Warning, st.WarnGlyph
	if x.Blocking {
		style, glyph = st.Error, st.ErrGlyph
	}
	return hangLines(style, indent+glyph+" ", sprintf("%s: %s", x.Code, x.Message), w)
}

// hangLines wraps text to w cells after head, continuation lines hanging
// under the text, each line styled.
func hangLines(style lipgloss.Style, head, text string, w int) []string {
	hang := ansi.StringWidth(head)
	if w-hang < 20 {
		return []string{style.Render(head + text)}
	}
	var out []string
	for i, l := range strings.Split(wordWrap(text, w-hang), "\n") {
		if i == 0 {
			out = append(out, style.Render(head+l))
		} else {
			out = append(out, style.Render(strings.Repeat(" ", hang)+l))
		}
	}
	return out
}
