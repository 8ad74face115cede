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

// ChecklistDeps is what the checklist screens need; cmd/movedesk fills it
// from the same values it gives Options.
type ChecklistDeps struct {
	Source Source
	// Checklists saves the toggles.
	Checklists ChecklistDesk
	User       string
	Keys       KeyMap
	Styles     Styles
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time
	// Gate returns the gate input for a case: the configured templates and
	// the quote engine's findings. nil judges with the default templates
	// and reports the booking as unchecked.
	Gate func(f *booking.CaseFile) booking.GateInput
}

// ChecklistDesk ticks and unticks checklist items.
type ChecklistDesk interface {
	// ToggleItem ticks or unticks item key of checklist list of case no as
	// actor in one transaction, and returns the record written.
	ToggleItem(actor, no, list, key string) (booking.Record, error)
}

// ChecklistActions returns the case-view actions that open the checklist
// screen (key c), for Options.CaseActions.
func ChecklistActions(d ChecklistDeps) []CaseAction {
	b := key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "checklists"))
	return []CaseAction{{
		Binding: b,
		Enabled: func(f *booking.CaseFile) bool { return f.ActiveBooking() != nil },
		Why:     needsBooking("checklists"),
		Run: func(f *booking.CaseFile) tea.Cmd {
			s := NewChecklistScreen(d, f.Case.Number, booking.ChecklistVerification)
			return func() tea.Msg { return PushMsg{Screen: s} }
		},
	}}
}

// checklistTabs are the short tab names of the checklists.
var checklistTabs = map[string]string{
	booking.ChecklistVerification: "Verification", booking.ChecklistCounselling: "Counselling",
	booking.ChecklistEscort: "Escorts", booking.ChecklistTravelBag: "Travel bag",
}

// checklistLoadedMsg delivers a case file to the checklist screen id.
type checklistLoadedMsg struct {
	id   int
	file *booking.CaseFile
	err  error
}

// checklistSavedMsg reports one toggle saved: the record written.
type checklistSavedMsg struct {
	id  int
	rec booking.Record
	err error
}

// checklistScreen shows one checklist of a case at a time (tab switches),
// with who ticked each item and when, and the gate's open items.
type checklistScreen struct {
	d      ChecklistDeps
	id     int
	no     string
	list   int // index in booking.ChecklistNames
	file   *booking.CaseFile
	cursor int
	w, h   int
	err    string
	saving bool
}

// NewChecklistScreen returns the checklist screen of case no, opened on
// checklist list (one of booking.ChecklistNames).
func NewChecklistScreen(d ChecklistDeps, no, list string) Screen {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &checklistScreen{d: d, id: newScreenID(), no: no}
	for i, n := range booking.ChecklistNames {
		if n == list {
			s.list = i
		}
	}
	return s
}

// Init implements Screen: it loads the case file.
func (s *checklistScreen) Init() tea.Cmd {
	src, id, no := s.d.Source, s.id, s.no
	return func() tea.Msg {
		f, err := src.CaseFile(no)
		return checklistLoadedMsg{id: id, file: f, err: err}
	}
}

// Title implements Screen.
func (s *checklistScreen) Title() string { return "checklists" }

// SetSize implements Screen.
func (s *checklistScreen) SetSize(w, h int) { s.w, s.h = w, h }

// CurrentCase implements CaseContext.
func (s *checklistScreen) CurrentCase() string { return s.no }

// KeyMap implements Screen.
func (s *checklistScreen) KeyMap() help.KeyMap {
	k := s.d.Keys
	toggle := withHelp(k.Toggle, "tick/untick")
	toggle.SetEnabled(len(s.items()) > 0 && !s.saving)
	next, prev := withHelp(k.NextTab, "next list"), withHelp(k.PrevTab, "previous list")
	return bindings{short: []key.Binding{toggle, next, k.Back},
		full: [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.HalfDown, k.HalfUp}, {toggle, next, prev, k.Back}}}
}

func (s *checklistScreen) input() booking.GateInput {
	if s.d.Gate == nil || s.file == nil {
		return booking.GateInput{}
	}
	return s.d.Gate(s.file)
}

func (s *checklistScreen) current(in booking.GateInput) booking.Checklist {
	if s.file == nil {
		return booking.Checklist{}
	}
	cl, _ := s.file.Checklist(booking.ChecklistNames[s.list], in.Templates.For(s.file.Case.Programme), s.file.DepartureDate())
	return cl
}

func (s *checklistScreen) items() []booking.ChecklistItem { return s.current(s.input()).Items }

// Update implements Screen.
func (s *checklistScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case checklistLoadedMsg:
		if msg.id != s.id {
			return nil
		}
		if msg.err != nil {
			s.err = msg.err.Error()
			return nil
		}
		s.file = msg.file
		s.cursor = min(s.cursor, max(0, len(s.items())-1))
	case checklistSavedMsg:
		if msg.id != s.id {
			return nil
		}
		s.saving = false
		if msg.err != nil {
			s.err = msg.err.Error()
			return func() tea.Msg { return ErrMsg{msg.err} }
		}
		s.err = ""
		s.file.Apply(msg.rec)
		return func() tea.Msg { return SavedMsg{Case: s.no, What: "checklist saved"} }
	case tea.KeyPressMsg:
		k := s.d.Keys
		n := len(s.items())
		switch {
		case key.Matches(msg, k.Back):
			return func() tea.Msg { return BackMsg{} }
		case key.Matches(msg, k.Up):
			s.cursor = max(0, s.cursor-1)
		case key.Matches(msg, k.Down):
			s.cursor = min(max(0, n-1), s.cursor+1)
		case key.Matches(msg, k.Top):
			s.cursor = 0
		case key.Matches(msg, k.Bottom):
			s.cursor = max(0, n-1)
		case key.Matches(msg, k.HalfDown):
			s.cursor = min(max(0, n-1), s.cursor+max(1, s.h/2))
		case key.Matches(msg, k.HalfUp):
			s.cursor = max(0, s.cursor-max(1, s.h/2))
		case key.Matches(msg, k.NextTab):
			s.list, s.cursor = (s.list+1)%len(booking.ChecklistNames), 0
		case key.Matches(msg, k.PrevTab):
			s.list, s.cursor = (s.list+len(booking.ChecklistNames)-1)%len(booking.ChecklistNames), 0
		case key.Matches(msg, k.Toggle):
			if n == 0 || s.saving {
				return nil
			}
			s.saving = true
			return s.toggleCmd(s.items()[s.cursor].Key)
		}
	}
	return nil
}

// toggleCmd saves one toggle in its own transaction: the record is
// rebuilt from the case file read inside it, so a concurrent change by
// another desk is not overwritten.
func (s *checklistScreen) toggleCmd(item string) tea.Cmd {
	d, id, no, list := s.d, s.id, s.no, booking.ChecklistNames[s.list]
	return func() tea.Msg {
		rec, err := d.Checklists.ToggleItem(d.User, no, list, item)
		return checklistSavedMsg{id: id, rec: rec, err: err}
	}
}

// View implements Screen.
func (s *checklistScreen) View() string {
	st := &s.d.Styles
	var l []string
	add := func(line string) { l = append(l, ansi.Truncate(line, s.w, "…")) }
	if s.file == nil {
		add(st.Muted.Render("loading " + printable(s.no) + "…"))
		if s.err != "" {
			add(st.Error.Render(st.ErrGlyph + " " + printable(s.err)))
		}
		return pad(l, s.h)
	}
	in := s.input()
	pt, dep := in.Templates.For(s.file.Case.Programme), s.file.DepartureDate()
	var tabs []string
	for i, n := range booking.ChecklistNames {
		cl, _ := s.file.Checklist(n, pt, dep)
		done := 0
		for _, it := range cl.Items {
			if it.Done {
				done++
			}
		}
		label := fmt.Sprintf(" %s %d/%d ", checklistTabs[n], done, len(cl.Items))
		if i == s.list {
			tabs = append(tabs, st.TabOn.Render(label))
		} else {
			tabs = append(tabs, st.TabOff.Render(label))
		}
	}
	add(printable(s.no) + "  " + string(s.file.Case.Status) + "  departs " + dep.String())
	add(strings.Join(tabs, ""))
	gate := s.file.GateWith(in)
	// Reserve the gate lines and the error line below the list.
	gateLines := min(len(gate), 3) + 1
	room := max(1, s.h-len(l)-gateLines-2)
	cl := s.current(in)
	if len(cl.Items) == 0 {
		add(st.Muted.Render("  nothing to tick here"))
	}
	// Group heads take lines too: window over the lines, not the items,
	// so the cursor's line is always drawn.
	var body []string
	var head []int // line of the group head of each line
	cur, group, h := 0, "", -1
	for i, it := range cl.Items {
		if it.Group != group {
			group, h = it.Group, len(body)
			body = append(body, st.Title.Render(printable(group)))
			head = append(head, h)
		}
		head = append(head, h)
		box := "[ ]"
		if it.Done {
			box = "[x]"
		}
		line := sprintf("%s %-40s", box, it.Label)
		if it.Done {
			line += " " + printable(it.By) + " " + it.At.UTC().Format("2006-01-02 15:04")
		} else if !it.Gate {
			line += " optional"
		}
		line = strings.TrimRight(line, " ")
		if i == s.cursor {
			cur = len(body)
			body = append(body, st.Selected.Render(st.Cursor+" "+line))
		} else {
			body = append(body, "  "+line)
		}
	}
	start := max(0, min(cur-room/2, len(body)-room))
	win := body[start:min(len(body), start+room)]
	if start > 0 && room > 1 && head[start] >= 0 && head[start] < start {
		// The cursor is never the window's first line here (it is centred
		// or at the end): that line gives way to its group's head.
		win = append([]string{body[head[start]] + st.Muted.Render(" (cont.)")}, win[1:]...)
	}
	for _, b := range win {
		add(b)
	}
	for len(l) < s.h-gateLines-1 {
		l = append(l, "")
	}
	if len(gate) == 0 {
		add(st.OK.Render(st.OKGlyph + " gate open: the case may move to ready-to-depart"))
	} else {
		add(st.Warning.Render(fmt.Sprintf("%s gate: %d open item(s)", st.WarnGlyph, len(gate))))
		for _, it := range gate[:min(len(gate), 3)] {
			add(st.Muted.Render("  " + printable(it.Message)))
		}
	}
	if s.err != "" {
		add(st.Error.Render(st.ErrGlyph + " " + printable(s.err)))
	} else if s.saving {
		add(st.Muted.Render("saving…"))
	}
	return pad(l, s.h)
}

// pad cuts or fills lines to exactly h.
func pad(l []string, h int) string {
	for len(l) < h {
		l = append(l, "")
	}
	return strings.Join(l[:h], "\n")
}
