package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// intakeScreen opens a case: the case's programme, places, sponsor,
// priority, assignee and notes, and its principal applicant's biodata. The
// desk allocates the number (the office's next of the year); the case
// view opens on the new case, where the other travellers, documents and
// counselling are added.
type intakeScreen struct {
	formBase
	caseOwn, paOwn []string
	dup            dupPanel // possible duplicates of the applicant (see dupes.go)
}

// NewCaseScreen returns the new-case form.
func NewCaseScreen(d DutyDeps) Screen {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &intakeScreen{formBase: formBase{d: d, id: newScreenID(), file: &booking.CaseFile{}}}
	cf := caseFields()
	pa := travellerFields()[:5] // family and given names, birth date, sex, nationality
	for _, x := range cf {
		s.caseOwn = append(s.caseOwn, x.name)
	}
	for _, x := range pa {
		x.label = "PA " + x.label
		s.paOwn = append(s.paOwn, x.name)
	}
	office := &dutyField{name: "office", label: "office", hint: "3-letter code (office: in the config)", text: newField(3, true)}
	s.form.fields = append(append([]*dutyField{office}, cf...), pa...)
	office.set(strings.ToUpper(d.Office))
	s.form.get("priority").set("3")
	s.form.get("assignee").set(d.User)
	s.initial = s.form.snapshot()
	s.below = func() []string { return s.dup.lines(&s.d.Styles, &s.d.Keys, s.w) }
	return s
}

// Init implements Screen.
func (s *intakeScreen) Init() tea.Cmd { return warmDupesCmd(s.d.Dupes) }

// Title implements Screen.
func (s *intakeScreen) Title() string { return "new case" }

// Capturing implements Capturer.
func (s *intakeScreen) Capturing() bool { return true }

// AcceptsCommand implements CommandTaker.
func (s *intakeScreen) AcceptsCommand() bool {
	return s.form.focused().isChoice() || s.form.focused().text.Value() == ""
}

// records builds the case and the principal applicant from the inputs,
// with the errors of the fields that do not parse or break a rule (the
// number is a stand-in: the desk allocates it).
func (s *intakeScreen) records() (booking.Case, booking.Traveller, map[string]string) {
	errs := map[string]string{}
	office := s.form.get("office").value()
	no := office + "-2000-000000"
	if len(office) != 3 {
		errs["office"] = "the office opening the case: a 3-letter code"
		no = "XXX-2000-000000"
	}
	c := booking.Case{Number: no, Office: no[:3], Status: booking.StatusReceived}
	pa := booking.Traveller{Case: no, Member: 1, Principal: true, Relationship: "PA"}
	set := func(rec booking.Record, names []string) {
		for _, n := range names {
			if err := booking.SetFieldValue(rec, n, s.form.get(n).value()); err != nil {
				errs[n] = errMessage(err)
			}
		}
	}
	set(&c, s.caseOwn)
	set(&pa, s.paOwn)
	// validateAll changes what it judges: copies.
	known := func(n string) bool { return s.form.get(n) != nil }
	cc, pp := c, pa
	validateAll(&cc, errs, known)
	validateAll(&pp, errs, known)
	c.Office = office
	if errs[""] != "" {
		errs["office"] = errs[""]
		delete(errs, "")
	}
	return c, pa, errs
}

func (s *intakeScreen) validate() {
	s.form.errs = nil
	if !s.Dirty() {
		return
	}
	if _, _, errs := s.records(); len(errs) > 0 {
		s.form.errs = errs
	}
}

func (s *intakeScreen) check() error {
	_, _, errs := s.records()
	s.form.errs = errs
	if len(errs) > 0 {
		s.form.all = true
		return fmt.Errorf("not saved: fix the field(s) marked %s", s.d.Styles.ErrGlyph)
	}
	return nil
}

// Update implements Screen.
func (s *intakeScreen) Update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(dutySavedMsg); ok && m.id == s.id {
		s.saving = false
		if m.err != nil {
			s.err = ""
			if !s.form.setError(m.err) {
				s.err = m.err.Error()
			}
			return errCmd(m.err)
		}
		// The form is done: the case view of the new case takes its place.
		s.initial = s.form.snapshot()
		return tea.Batch(msgCmd(BackMsg{}), msgCmd(OpenCaseMsg{Number: m.what}),
			msgCmd(SavedMsg{Case: m.what, What: "new case " + m.what}))
	}
	if m, ok := msg.(dupesMsg); ok {
		if m.id == s.id {
			s.dup.answer(m)
		}
		return nil
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok && key.Matches(kp, s.d.Keys.OpenDuplicate) && len(s.dup.found) > 0 {
		return s.dup.open()
	}
	cmd := s.update(msg, formHooks{load: func(*booking.CaseFile) {}, save: s.saveCmd, changed: s.validate, check: s.check})
	_, pa, _ := s.records()
	pa.Case = "" // not yet a case: every stored one is another
	return tea.Batch(cmd, s.dup.check(s.d.Dupes, s.id, typedTraveller(pa, func(n string) string { return s.form.get(n).value() }), nil))
}

// KeyMap implements Screen: the form's keys, and the duplicate's case
// while one is shown.
func (s *intakeScreen) KeyMap() help.KeyMap {
	km := s.formBase.KeyMap().(bindings)
	if b := s.dup.binding(&s.d.Keys); b.Enabled() {
		km.short = append([]key.Binding{b}, km.short...)
		km.full = append(km.full, []key.Binding{b})
	}
	return km
}

func (s *intakeScreen) saveCmd() tea.Cmd {
	d, id := s.d, s.id
	c, pa, _ := s.records()
	return func() tea.Msg {
		if d.Edit == nil {
			return dutySavedMsg{id: id, err: errors.New("this desk cannot open cases")}
		}
		no, err := d.Edit.NewCase(d.User, c.Office, c, pa)
		if err != nil {
			return dutySavedMsg{id: id, err: err}
		}
		return dutySavedMsg{id: id, what: no}
	}
}

// View implements Screen.
func (s *intakeScreen) View() string {
	st := &s.d.Styles
	head := []string{st.Bold.Render(sprintf("New case · received %s", booking.DateOf(s.d.Now()))),
		st.Muted.Render("the number is given on save; then T adds travellers, O documents"), ""}
	return s.frame(head)
}
