package tui

import (
	"fmt"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// permitScreen records or updates one exit permit of a case: the form
// opens on a recorded permit and follows the traveller and id chosen.
type permitScreen struct {
	formBase
	shown string // the permit key whose values the form holds
}

// NewPermitScreen returns the exit-permit form of case no.
func NewPermitScreen(d DutyDeps, no string) Screen {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &permitScreen{formBase: formBase{d: d, id: newScreenID(), no: no}}
	s.form.fields = []*dutyField{
		choiceField("member", "traveller", []string{"0"}, []string{"whole case"}),
		textField("id", "permit id", "empty records a new application (its id is made here)", 40),
		{name: "country", label: "country", hint: "2- or 3-letter code", text: newField(3, true)},
		textField("authority", "authority", "issuing authority (required)", 60),
		choiceField("status", "status", booking.PermitStatuses, nil),
		textField("submitted", "submitted", "YYYY-MM-DD", 10),
		textField("decided", "decided", "YYYY-MM-DD", 10),
		textField("valid_from", "valid from", "YYYY-MM-DD", 10),
		textField("valid_until", "valid until", "YYYY-MM-DD (required when approved)", 10),
		choiceField("reason_code", "reason code", append([]string{""}, booking.PermitDenialReasons...),
			append([]string{"—"}, booking.PermitDenialReasons...)),
		textField("reason_text", "reason text", "required for reason other", 120),
	}
	return s
}

// Init implements Screen.
func (s *permitScreen) Init() tea.Cmd { return loadDutyCmd(s.d.Source, s.id, s.no) }

// Title implements Screen.
func (s *permitScreen) Title() string { return "exit permit" }

func (s *permitScreen) key() (int, string) {
	m, _ := strconv.Atoi(s.form.get("member").value())
	return m, s.form.get("id").value()
}

// load takes a freshly read case: the traveller choices, and on the first
// load the first recorded permit.
func (s *permitScreen) load(f *booking.CaseFile) {
	first := s.file == nil
	s.file = f
	tr := s.form.get("member")
	m, _ := s.key()
	tr.choices, tr.labels, tr.pick = []string{"0"}, []string{"whole case"}, 0
	for _, t := range f.Travellers {
		tr.choices = append(tr.choices, strconv.Itoa(t.Member))
		tr.labels = append(tr.labels, fmt.Sprintf("%d %s", t.Member, t.FullName()))
	}
	tr.set(strconv.Itoa(m))
	if first {
		if len(f.Permits) > 0 {
			p := f.Permits[0]
			tr.set(strconv.Itoa(p.Member))
			s.form.get("id").text.SetValue(p.ID)
		}
		s.follow()
		s.initial = s.form.snapshot()
	}
}

// follow fills the form from the recorded permit when the traveller or id
// changed; for a new one it keeps country and authority (a family's permits
// usually share them) and clears the rest.
func (s *permitScreen) follow() {
	m, id := s.key()
	k := booking.PermitKey(s.no, m, id)
	if k == s.shown {
		s.showReasons()
		return
	}
	s.shown = k
	defer s.showReasons()
	p := booking.ExitPermit{Status: booking.PermitPending}
	found := false
	for _, x := range s.file.Permits {
		if x.Member == m && x.ID == id {
			p, found = x, true
		}
	}
	if found {
		s.form.get("country").set(p.Country)
		s.form.get("authority").set(p.Authority)
	}
	s.form.get("status").set(p.Status)
	date := func(d booking.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	s.form.get("submitted").set(date(p.Submitted))
	s.form.get("decided").set(date(p.Decided))
	s.form.get("valid_from").set(date(p.ValidFrom))
	s.form.get("valid_until").set(date(p.ValidUntil))
	s.form.get("reason_code").set(p.ReasonCode)
	s.form.get("reason_text").set(p.ReasonText)
	s.form.errs = nil
}

// showReasons shows the reason fields only for a denial: they mean nothing
// otherwise (permit set clears them).
func (s *permitScreen) showReasons() {
	denied := s.form.get("status").value() == booking.PermitDenied
	s.form.get("reason_code").hidden = !denied
	s.form.get("reason_text").hidden = !denied
}

// Update implements Screen.
func (s *permitScreen) Update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(dutySavedMsg); ok && m.id == s.id && m.err == nil && m.permit != "" {
		// A new application got its id at the desk: go on editing it.
		s.form.get("id").text.SetValue(m.permit)
		member, _ := s.key()
		s.shown = booking.PermitKey(s.no, member, m.permit)
	}
	return s.update(msg, formHooks{load: s.load, save: s.saveCmd, changed: s.follow})
}

// saveCmd records the permit with the same call as `movedesk permit set`.
func (s *permitScreen) saveCmd() tea.Cmd {
	d, id, no := s.d, s.id, s.no
	m, pid := s.key()
	patch, err := s.patch()
	return func() tea.Msg {
		if err != nil {
			return dutySavedMsg{id: id, err: fmt.Errorf("permit not saved: %w", err)}
		}
		p, err := d.Permits.SetPermit(d.User, no, m, pid, patch)
		if err != nil {
			return dutySavedMsg{id: id, err: fmt.Errorf("permit not saved: %w", err)}
		}
		who := "the whole case"
		if p.Member > 0 {
			who = fmt.Sprintf("traveller %d", p.Member)
		}
		return dutySavedMsg{id: id, what: fmt.Sprintf("permit %s of %s: %s", p.ID, who, p.Describe()), permit: p.ID}
	}
}

// patch is the form as a permit change: every field given (an empty one
// clears it). A date that does not parse is an error on its field.
func (s *permitScreen) patch() (PermitPatch, error) {
	text := func(name string) *string { v := s.form.get(name).value(); return &v }
	p := PermitPatch{Country: text("country"), Authority: text("authority"), Status: text("status"),
		ReasonCode: text("reason_code"), ReasonText: text("reason_text")}
	for _, x := range []struct {
		name string
		dst  **booking.Date
	}{{"submitted", &p.Submitted}, {"decided", &p.Decided}, {"valid_from", &p.ValidFrom}, {"valid_until", &p.ValidUntil}} {
		d, err := booking.ParseDate(s.form.get(x.name).value())
		if err != nil {
			return p, booking.Errorf(booking.EINVALID, x.name, "%v", err)
		}
		*x.dst = &d
	}
	return p, nil
}

// View implements Screen.
func (s *permitScreen) View() string {
	if s.file == nil {
		return s.loading()
	}
	st := &s.d.Styles
	head := []string{st.Bold.Render(sprintf("Exit permit · %s · %s · %d traveller(s)", s.no, s.file.Case.Programme, len(s.file.Travellers)))}
	if len(s.file.Permits) == 0 {
		head = append(head, st.Muted.Render("no exit permit recorded yet"))
	}
	for i, p := range s.file.Permits {
		if i == 3 {
			head = append(head, st.Muted.Render(fmt.Sprintf("  … and %d more", len(s.file.Permits)-3)))
			break
		}
		who := "whole case"
		if p.Member > 0 {
			who = fmt.Sprintf("traveller %d", p.Member)
		}
		head = append(head, st.Muted.Render(sprintf("  %s %s (%s): %s", p.ID, who, orDash(p.Authority), p.Describe())))
	}
	if w := s.validityWarning(); w != "" {
		head = append(head, st.Warning.Render(st.WarnGlyph+" "+printable(w)))
	}
	return s.frame(append(head, ""))
}

// validityWarning says, as the user types, when the validity typed does
// not cover the booked departure: the gate would refuse the permit later.
func (s *permitScreen) validityWarning() string {
	dep := s.file.DepartureDate()
	if dep.IsZero() {
		return ""
	}
	from, err1 := booking.ParseDate(s.form.get("valid_from").value())
	until, err2 := booking.ParseDate(s.form.get("valid_until").value())
	switch {
	case err1 != nil || err2 != nil:
		return "" // the field shows its own error
	case !until.IsZero() && until.Before(dep):
		return fmt.Sprintf("valid until %s ends before the departure on %s: the gate will refuse this permit", until, dep)
	case !from.IsZero() && dep.Before(from):
		return fmt.Sprintf("valid from %s starts after the departure on %s: the gate will refuse this permit", from, dep)
	}
	return ""
}
