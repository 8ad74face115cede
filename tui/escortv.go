package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// escortScreen lists the escort pool ranked for a case's active booking,
// with why an escort cannot go, and assigns the highlighted one.
type escortScreen struct {
	d      DutyDeps
	id     int
	no     string
	file   *booking.CaseFile
	ranked []booking.EscortCandidate
	cursor int
	w, h   int

	// ret is the escort's return trip, typed in the CLI's --return form.
	ret      field
	editing  bool
	before   string // ret when editing began, restored on cancel
	retSaved string // ret of the last assignment, for Dirty

	saving  bool
	loadErr string
	err     string // the last refusal, as the store worded it
	done    string
	warns   []string
}

// retFormat is the return trip's form, as `escort assign --return` takes it.
const retFormat = "CARRIER,FLIGHT,FROM,TO,DEPART,ARRIVE; another segment after ;"

// NewEscortScreen returns the escort assignment screen of case no.
func NewEscortScreen(d DutyDeps, no string) Screen {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &escortScreen{d: d, id: newScreenID(), no: no, ret: newField(200, true)}
}

// Init implements Screen: it loads the case and ranks the pool.
func (s *escortScreen) Init() tea.Cmd {
	d, id, no := s.d, s.id, s.no
	return func() tea.Msg {
		f, err := d.Source.CaseFile(no)
		if err != nil {
			return dutyLoadedMsg{id: id, err: err}
		}
		r, err := d.Escorts.Rank(no)
		return dutyLoadedMsg{id: id, file: f, ranked: r, err: err}
	}
}

// Title implements Screen.
func (s *escortScreen) Title() string { return "escorts" }

// SetSize implements Screen.
func (s *escortScreen) SetSize(w, h int) { s.w, s.h = w, h }

// CurrentCase implements CaseContext.
func (s *escortScreen) CurrentCase() string { return s.no }

// Capturing implements Capturer: the return trip prompt takes text.
func (s *escortScreen) Capturing() bool { return s.editing }

// Dirty implements Dirtier: a return typed but not yet assigned.
func (s *escortScreen) Dirty() bool { return s.ret.Value() != s.retSaved }

// KeyMap implements Screen.
func (s *escortScreen) KeyMap() help.KeyMap {
	k := s.d.Keys
	if s.editing {
		b := []key.Binding{withHelp(k.Open, "assign with this return"), withHelp(k.Back, "cancel")}
		return bindings{short: b, full: [][]key.Binding{b}}
	}
	assign := withHelp(k.Open, "assign")
	assign.SetEnabled(len(s.ranked) > 0 && !s.saving)
	ret := withHelp(k.EnterValue, "return trip")
	ret.SetEnabled(s.file != nil)
	return bindings{short: []key.Binding{assign, k.Down, ret, k.Back},
		full: [][]key.Binding{{k.Up, k.Down, assign}, {ret, k.Back}}}
}

// Update implements Screen.
func (s *escortScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case dutyLoadedMsg:
		if msg.id != s.id {
			return nil
		}
		if msg.err != nil {
			s.loadErr = msg.err.Error()
			return nil
		}
		s.loadErr = ""
		s.file, s.ranked = msg.file, msg.ranked
		s.cursor = min(s.cursor, max(0, len(s.ranked)-1))
	case dutySavedMsg:
		if msg.id != s.id {
			return nil
		}
		s.saving = false
		if msg.err != nil {
			s.err, s.done, s.warns = msg.err.Error(), "", nil
			return errCmd(msg.err)
		}
		s.err, s.done, s.warns = "", msg.what, msg.warns
		s.retSaved = s.ret.Value()
		return tea.Batch(msgCmd(SavedMsg{Case: s.no, What: msg.what}), s.Init())
	case tea.PasteMsg:
		if s.editing {
			s.ret.paste(msg.Content)
		}
		return nil
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	return nil
}

func (s *escortScreen) key(kp tea.KeyPressMsg) tea.Cmd {
	k := s.d.Keys
	if s.editing {
		switch {
		case key.Matches(kp, k.Open):
			// One enter: the return typed goes with the escort selected.
			s.editing = false
			if len(s.ranked) == 0 || s.saving {
				return nil
			}
			s.saving = true
			return s.assignCmd(s.ranked[s.cursor].Escort.ID)
		case key.Matches(kp, k.Back):
			s.editing = false
			s.ret.SetValue(s.before)
		default:
			s.ret.update(kp)
		}
		return nil
	}
	switch {
	case key.Matches(kp, k.Back):
		return msgCmd(BackMsg{})
	case key.Matches(kp, k.Up):
		s.cursor = max(0, s.cursor-1)
	case key.Matches(kp, k.Down):
		s.cursor = min(max(0, len(s.ranked)-1), s.cursor+1)
	case key.Matches(kp, k.EnterValue):
		if s.file != nil {
			s.editing, s.before = true, s.ret.Value()
		}
	case key.Matches(kp, k.Open):
		if len(s.ranked) == 0 || s.saving {
			return nil
		}
		s.saving = true
		return s.assignCmd(s.ranked[s.cursor].Escort.ID)
	}
	return nil
}

// assignCmd makes the same store call as `movedesk escort assign`.
func (s *escortScreen) assignCmd(escort string) tea.Cmd {
	d, id, no := s.d, s.id, s.no
	ret, perr := booking.ParseSegments(s.ret.Value())
	return func() tea.Msg {
		if perr != nil {
			return dutySavedMsg{id: id, err: fmt.Errorf("escort not assigned: %w", booking.Errorf(booking.EINVALID, "return", "%v", perr))}
		}
		trip, warns, err := d.Escorts.Assign(d.User, no, escort, ret)
		if err != nil {
			return dutySavedMsg{id: id, err: fmt.Errorf("escort not assigned: %w", err)}
		}
		var ws []string
		for _, w := range warns {
			ws = append(ws, w.Message)
		}
		when := func(t booking.LocalTime) string { return strings.Replace(t.String(), "T", " ", 1) }
		what := fmt.Sprintf("%s escorts booking %s, %s → %s", trip.Escort, trip.Booking, when(trip.Start), when(trip.End))
		return dutySavedMsg{id: id, what: what, warns: ws}
	}
}

// trip returns the case's trip of escort id on the active booking, or nil.
func (s *escortScreen) trip(id string) *booking.EscortTrip {
	b := s.file.ActiveBooking()
	for i := range s.file.EscortTrips {
		if t := &s.file.EscortTrips[i]; t.Escort == id && b != nil && t.Booking == b.ID {
			return t
		}
	}
	return nil
}

// status is a candidate's one-word verdict for its row.
func (s *escortScreen) status(c *booking.EscortCandidate) string {
	st := &s.d.Styles
	if t := s.trip(c.Escort.ID); t != nil {
		if !t.HasReturn() {
			return st.Warning.Render(st.WarnGlyph + " assigned, no return")
		}
		return st.OK.Render(st.OKGlyph + " assigned")
	}
	for _, p := range c.Problems {
		if p.Blocking {
			return st.Error.Render(st.ErrGlyph + " " + strings.TrimPrefix(p.Code, "escort-"))
		}
	}
	if len(c.Problems) > 0 {
		return st.Warning.Render(st.WarnGlyph + " " + strings.TrimPrefix(c.Problems[0].Code, "escort-"))
	}
	return st.OK.Render(st.OKGlyph + " usable")
}

// View implements Screen.
func (s *escortScreen) View() string {
	st := &s.d.Styles
	var l []string
	add := func(line string) { l = append(l, ansi.Truncate(line, s.w, "…")) }
	if s.file == nil {
		if s.loadErr != "" {
			add(st.Error.Render(st.ErrGlyph + " " + printable(s.loadErr)))
		} else {
			add(st.Muted.Render("loading " + printable(s.no) + "…"))
		}
		return pad(l, s.h)
	}
	b := s.file.ActiveBooking()
	if b == nil || len(b.Segments) == 0 {
		add(st.Warning.Render(st.WarnGlyph + " " + printable(s.no) + " has no active booking to escort"))
		return pad(l, s.h)
	}
	first, last := b.Segments[0], b.Segments[len(b.Segments)-1]
	add(st.Bold.Render(sprintf("Escorts · %s · booking %s · %s %s → %s, %d seat(s)",
		s.no, b.ID, strings.Replace(first.Depart.String(), "T", " ", 1), first.From, last.To, b.EscortSeats)))
	var assigned []string
	for _, t := range s.file.EscortTrips {
		if t.Booking == b.ID {
			assigned = append(assigned, t.Escort)
		}
	}
	if len(assigned) == 0 {
		assigned = []string{"none"}
	}
	add(st.Muted.Render("assigned: " + printable(strings.Join(assigned, ", ")) + "   travellers speak: " + orDash(strings.Join(s.file.Languages(), ", "))))
	add(st.Muted.Render(fmt.Sprintf("  %-8s %-20s %-11s %-9s %s", "ID", "NAME", "TYPE", "SHARED", "STATUS")))
	// Fixed bottom: details (4), return (1), outcome (3).
	room := max(1, s.h-len(l)-8)
	if len(s.ranked) == 0 {
		add(st.Muted.Render("  the escort pool is empty (add escorts with movedesk escort add)"))
	}
	start := max(0, min(s.cursor-room/2, len(s.ranked)-room))
	for i := start; i < len(s.ranked) && i < start+room; i++ {
		c := &s.ranked[i]
		row := sprintf("%-8s %-20s %-11s %-9s ", fit(c.Escort.ID, 8), fit(c.Escort.Name, 20), c.Escort.Type, fit(orDash(strings.Join(c.Shared, ",")), 9))
		if i == s.cursor {
			add(st.Selected.Render(st.Cursor+" "+row) + s.status(c))
		} else {
			add("  " + row + s.status(c))
		}
	}
	for len(l) < s.h-8 {
		l = append(l, "")
	}
	var detail []string
	if len(s.ranked) > 0 {
		c := &s.ranked[s.cursor]
		detail = append(detail, st.Title.Render(printable(c.Escort.Name+" ("+c.Escort.ID+")")))
		for _, p := range c.Problems {
			if p.Blocking {
				detail = append(detail, st.Error.Render("  "+st.ErrGlyph+" "+printable(p.Message)))
			} else {
				detail = append(detail, st.Warning.Render("  "+st.WarnGlyph+" "+printable(p.Message)))
			}
		}
		if len(c.Problems) == 0 {
			detail = append(detail, st.OK.Render("  "+st.OKGlyph+" no problem for this trip"))
		}
	}
	for len(detail) < 4 {
		detail = append(detail, "")
	}
	for _, x := range detail[:4] {
		add(x)
	}
	ret := "return: "
	switch {
	case s.editing:
		ret += s.ret.view(true, s.w-10)
		add(st.Selected.Render(fit(ret, s.w)))
	case s.ret.Value() == "":
		add(ret + st.Muted.Render("none yet (e types it: "+retFormat+")"))
	default:
		add(ret + s.ret.Value())
	}
	var out []string
	switch {
	case s.saving:
		out = []string{st.Muted.Render("assigning…")}
	case s.err != "":
		out = errLines(st, s.err, s.w)
	case s.editing:
		// The format stays in sight while typing.
		out = []string{st.Muted.Render(retFormat), st.Muted.Render("  times local, e.g. AT,201,JFK,CMN,2026-12-05T18:00,2026-12-06T08:00")}
	case s.done != "":
		out = append(out, st.OK.Render(st.OKGlyph+" "+printable(s.done)))
		for _, w := range s.warns {
			out = append(out, st.Warning.Render(st.WarnGlyph+" "+printable(w)))
		}
	}
	for _, x := range out[:min(len(out), 3)] {
		add(x)
	}
	return pad(l, s.h)
}
