package tui

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// contactEvent is a timeline line for a contact added or removed, or a
// communication-log entry: what happened, not the record's fields.
func contactEvent(e HistoryEntry, known bool) string {
	v := func(f string) string { return histValue(e.Fields[f]) }
	id := e.Key[strings.LastIndexByte(e.Key, '/')+1:]
	if e.Kind == booking.KindComm {
		arrow := "→"
		if v("direction") == "in" {
			arrow = "←"
		}
		s := "log " + id + ": " + v("channel") + " " + arrow + " " + v("who") + ": " + v("text")
		if c := v("corrects"); c != "—" {
			verb := "corrects"
			if v("void") == "true" {
				verb = "withdraws"
			}
			s += " (" + verb + " " + c + ")"
		}
		return s
	}
	if known {
		return "contact " + id + " removed: " + v("removed_reason")
	}
	whom := v("name") + " (" + v("relation") + ")"
	if t := v("traveller"); t != "—" {
		whom = "traveller " + t
	}
	var how []string
	for _, f := range []string{"phone", "email", "address"} {
		if x := v(f); x != "—" {
			how = append(how, x)
		}
	}
	return "contact " + id + " added: " + whom + " " + strings.Join(how, ", ")
}

// contactSummary is the case view's section on contacts and the log: how
// many, the first contact and the last thing logged; nothing when the case
// has neither.
func contactSummary(st *Styles, k *KeyMap, f *booking.CaseFile) []string {
	if len(f.Contacts) == 0 && len(f.Comms) == 0 {
		return nil
	}
	act := f.ActiveContacts()
	var out []string
	head := sprintf("%d contact(s) · %d log entr(ies) (%s lists them)", len(act), len(f.Comms), k.Contacts.Help().Key)
	out = append(out, st.Muted.Render(head))
	if len(act) > 0 {
		c := act[0]
		how := c.Phone
		if how == "" {
			how = cmp.Or(c.Email, oneLine(c.Address))
		}
		out = append(out, sprintf("%s: %s", f.ContactWhom(&c), how))
	}
	if log := f.CommLog(); len(log) > 0 {
		e := log[len(log)-1]
		arrow := "→"
		if e.Direction == "in" {
			arrow = "←"
		}
		out = append(out, sprintf("last: %s %s %s %s: %s", e.When.Wall().Format("2006-01-02 15:04"), e.Channel, arrow, oneLine(e.Who), oneLine(e.Text)))
	}
	return out
}

// ContactDesk records a case's contacts and communication log, each call
// one transaction as actor (`movedesk case contact`, `case log`).
type ContactDesk interface {
	AddContact(actor, no string, c booking.Contact) (booking.Contact, error)
	ChangeContact(actor, no, id string, c booking.Contact) (booking.Contact, error)
	RemoveContact(actor, no, id, reason string) (booking.Contact, error)
	// LogComm appends e to the log (a correction when e.Corrects is set).
	LogComm(actor, no string, e booking.CommEntry) (booking.CommEntry, error)
}

// ContactActions returns the case-view action opening the contacts and
// communication log (L), for Options.CaseActions.
func ContactActions(d DutyDeps) []CaseAction {
	if d.Contacts == nil {
		return nil
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return []CaseAction{{Binding: d.Keys.Contacts, Run: func(f *booking.CaseFile) tea.Cmd {
		return msgCmd(PushMsg{Screen: NewContactsScreen(d, f.Case.Number)})
	}}}
}

// contactsScreen lists a case's contacts (removed ones marked) and its
// communication log, oldest first; the keys open the forms that add or
// correct them.
type contactsScreen struct {
	d      DutyDeps
	id     int
	no     string
	file   *booking.CaseFile
	err    string
	cursor int
	offset int
	w, h   int
}

// NewContactsScreen returns the contacts and log screen of case no.
func NewContactsScreen(d DutyDeps, no string) Screen {
	return &contactsScreen{d: d, id: newScreenID(), no: no}
}

// Init implements Screen.
func (s *contactsScreen) Init() tea.Cmd { return loadDutyCmd(s.d.Source, s.id, s.no) }

// Title implements Screen.
func (s *contactsScreen) Title() string { return "contacts & log" }

// SetSize implements Screen.
func (s *contactsScreen) SetSize(w, h int) { s.w, s.h = w, h }

// CurrentCase implements CaseContext.
func (s *contactsScreen) CurrentCase() string { return s.no }

// row is one selectable line: a contact or a log entry.
type contactRow struct {
	contact *booking.Contact
	entry   *booking.CommEntry
}

func (s *contactsScreen) rows() []contactRow {
	if s.file == nil {
		return nil
	}
	var out []contactRow
	for i := range s.file.Contacts {
		out = append(out, contactRow{contact: &s.file.Contacts[i]})
	}
	log := s.file.CommLog()
	for i := range log {
		out = append(out, contactRow{entry: &log[i]})
	}
	return out
}

func (s *contactsScreen) current() (contactRow, bool) {
	rs := s.rows()
	if s.cursor < 0 || s.cursor >= len(rs) {
		return contactRow{}, false
	}
	return rs[s.cursor], true
}

// keys are the screen's bindings, those that do nothing on the row under
// the cursor disabled (so help leaves them out).
func (s *contactsScreen) keys() (add, edit, remove, log key.Binding) {
	k := s.d.Keys
	add, edit, remove, log = k.ContactAdd, k.ContactEdit, k.ContactRemove, k.LogAdd
	r, ok := s.current()
	loaded := s.file != nil
	add.SetEnabled(loaded)
	log.SetEnabled(loaded)
	edit.SetEnabled(ok && (r.contact != nil && !r.contact.Removed || r.entry != nil && s.file.CorrectedBy(r.entry.ID) == nil))
	if ok && r.entry != nil {
		edit = withHelp(edit, "correct entry")
	} else {
		edit = withHelp(edit, "edit contact")
	}
	remove.SetEnabled(ok && r.contact != nil && !r.contact.Removed)
	return
}

// KeyMap implements Screen.
func (s *contactsScreen) KeyMap() help.KeyMap {
	k := s.d.Keys
	add, edit, remove, log := s.keys()
	return bindings{short: []key.Binding{add, log, edit, remove, k.Back},
		full: [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {add, edit, remove, log}, {k.Back}}}
}

// Update implements Screen.
func (s *contactsScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case dutyLoadedMsg:
		if msg.id != s.id {
			return nil
		}
		s.err = ""
		if msg.err != nil {
			s.err = msg.err.Error()
			return nil
		}
		s.file = msg.file
		s.cursor = max(0, min(s.cursor, len(s.rows())-1))
	case SavedMsg:
		if msg.Case == s.no {
			return s.Init()
		}
	case tea.KeyPressMsg:
		k := &s.d.Keys
		add, edit, remove, log := s.keys()
		n := len(s.rows())
		r, _ := s.current()
		switch {
		case key.Matches(msg, k.Back):
			return msgCmd(BackMsg{})
		case key.Matches(msg, k.Down):
			s.cursor = min(s.cursor+1, n-1)
		case key.Matches(msg, k.Up):
			s.cursor = max(s.cursor-1, 0)
		case key.Matches(msg, k.Top):
			s.cursor = 0
		case key.Matches(msg, k.Bottom):
			s.cursor = max(n-1, 0)
		case key.Matches(msg, add) && add.Enabled():
			return msgCmd(PushMsg{Screen: newContactForm(s.d, s.no, "", false)})
		case key.Matches(msg, log) && log.Enabled():
			return msgCmd(PushMsg{Screen: newCommForm(s.d, s.no, "")})
		case key.Matches(msg, edit) && edit.Enabled() && r.contact != nil:
			return msgCmd(PushMsg{Screen: newContactForm(s.d, s.no, r.contact.ID, false)})
		case key.Matches(msg, edit) && edit.Enabled() && r.entry != nil:
			return msgCmd(PushMsg{Screen: newCommForm(s.d, s.no, r.entry.ID)})
		case key.Matches(msg, remove) && remove.Enabled():
			return msgCmd(PushMsg{Screen: newContactForm(s.d, s.no, r.contact.ID, true)})
		case key.Matches(msg, k.ContactEdit, k.ContactRemove):
			// Bound but not for this row: say why rather than nothing.
			return msgCmd(InfoMsg{Text: s.whyNot(r)})
		}
	}
	return nil
}

// whyNot says why edit or remove does nothing on row r.
func (s *contactsScreen) whyNot(r contactRow) string {
	switch {
	case r.contact != nil && r.contact.Removed:
		return "contact " + r.contact.ID + " was removed; a adds a new one"
	case r.entry != nil && s.file.CorrectedBy(r.entry.ID) != nil:
		return "entry " + r.entry.ID + " is corrected by " + s.file.CorrectedBy(r.entry.ID).ID + ": correct that one"
	case r.entry != nil:
		return "the log is append-only: e corrects an entry with a new one"
	}
	return "nothing here yet: a adds a contact, n logs a contact made"
}

// View implements Screen.
func (s *contactsScreen) View() string {
	st := &s.d.Styles
	switch {
	case s.err != "":
		return pad([]string{st.Error.Render(st.ErrGlyph + " " + printable(s.err))}, s.h)
	case s.file == nil:
		return pad([]string{st.Muted.Render("loading " + printable(s.no) + "…")}, s.h)
	}
	f := s.file
	head := []string{st.Bold.Render(sprintf("Contacts & log · %s · %d contact(s) · %d log entr(ies)", s.no, len(f.ActiveContacts()), len(f.Comms)))}
	var body []string
	at := 0
	i := 0
	line := func(text string, muted bool) {
		text = ansi.Truncate(text, s.w-2, "…")
		switch {
		case i == s.cursor:
			at = len(body)
			text = st.Selected.Render(st.Cursor + " " + text)
		case muted:
			text = "  " + st.Muted.Render(text)
		default:
			text = "  " + text
		}
		body = append(body, text)
		i++
	}
	body = append(body, st.Bold.Render("Contacts"))
	if len(f.Contacts) == 0 {
		body = append(body, st.Muted.Render("  none yet: a adds one (a traveller's, a sponsor's or a relative's)"))
	}
	for _, c := range f.Contacts {
		var how []string
		for _, x := range []string{c.Phone, c.Email, c.Address} {
			if x != "" {
				how = append(how, oneLine(x))
			}
		}
		text := sprintf("%s: %s", f.ContactWhom(&c), strings.Join(how, " · "))
		if c.Removed {
			text = sprintf("%s removed: %s (was %s)", st.ErrGlyph, c.RemovedReason, text)
		}
		line(text, c.Removed)
	}
	body = append(body, "", st.Bold.Render("Communication log"))
	if len(f.Comms) == 0 {
		body = append(body, st.Muted.Render("  nothing logged yet: n logs a call, e-mail, visit, letter or SMS"))
	}
	for _, e := range f.CommLog() {
		arrow := "→"
		if e.Direction == "in" {
			arrow = "←"
		}
		text := sprintf("%s %-6s %s %s: %s", e.When.Wall().Format("2006-01-02 15:04"), e.Channel, arrow, oneLine(e.Who), oneLine(e.Text))
		switch {
		case e.Void:
			text = "✗ withdrawn: " + text
		case e.Corrects != "":
			text = "↻ " + text
		}
		corrected := f.CorrectedBy(e.ID) != nil
		if corrected {
			text = "~ " + text
		}
		line(text, corrected)
	}
	// What the cursor is on, in full: who logged it, what it corrects.
	foot := ""
	if r, ok := s.current(); ok {
		foot = s.detail(r)
	}
	room := max(s.h-len(head)-1, 1)
	if at < s.offset {
		s.offset = max(at-1, 0)
	}
	if at >= s.offset+room {
		s.offset = at - room + 1
	}
	s.offset = max(0, min(s.offset, len(body)-room))
	body = body[s.offset:min(len(body), s.offset+room)]
	for len(body) < room {
		body = append(body, "")
	}
	l := append(head, body...)
	l = append(l, ansi.Truncate(st.Muted.Render(foot), s.w, "…"))
	return pad(l, s.h)
}

// detail is the line about the row under the cursor.
func (s *contactsScreen) detail(r contactRow) string {
	f := s.file
	if c := r.contact; c != nil {
		d := sprintf("contact %s · by %s %s", c.ID, c.By, c.At.UTC().Format("2006-01-02 15:04"))
		if c.Address != "" {
			d += " · " + oneLine(c.Address)
		}
		return d
	}
	e := r.entry
	d := sprintf("entry %s · logged by %s %s", e.ID, e.By, e.Logged.UTC().Format("2006-01-02 15:04"))
	if e.Corrects != "" {
		verb := "corrects"
		if e.Void {
			verb = "withdraws"
		}
		d += " · " + verb + " " + e.Corrects
	}
	if by := f.CorrectedBy(e.ID); by != nil {
		d += " · corrected by " + by.ID
	}
	return d
}

// contactForm adds a contact, corrects one (id set) or removes one as a
// correction (remove), through ContactDesk.
type contactForm struct {
	formBase
	cid    string
	remove bool
}

func newContactForm(d DutyDeps, no, id string, remove bool) *contactForm {
	s := &contactForm{formBase: formBase{d: d, id: newScreenID(), no: no}, cid: id, remove: remove}
	if remove {
		s.form.fields = []*dutyField{textField("removed_reason", "reason", "why it is wrong or no longer used (kept in the history)", 400)}
	} else {
		s.form.fields = []*dutyField{
			choiceField("whom", "with whom", nil, nil),
			textField("name", "name", "a sponsor's or relative's name", 120),
			choiceField("relation", "relation", booking.ContactRelations, nil),
			{name: "phone", label: "phone", hint: "digits, a leading + and spaces, e.g. +212 6 12 34 56 78", text: newField(30, false)},
			textField("email", "e-mail", "name@example.org", 254),
			textField("address", "address", "postal address", 400),
		}
	}
	return s
}

// Init implements Screen.
func (s *contactForm) Init() tea.Cmd { return loadDutyCmd(s.d.Source, s.id, s.no) }

// Title implements Screen.
func (s *contactForm) Title() string {
	switch {
	case s.remove:
		return "remove contact"
	case s.cid != "":
		return "edit contact"
	}
	return "new contact"
}

// AcceptsCommand implements CommandTaker.
func (s *contactForm) AcceptsCommand() bool {
	return s.file == nil || s.form.focused().isChoice() || s.form.focused().text.Value() == ""
}

func (s *contactForm) load(f *booking.CaseFile) {
	first := s.file == nil
	s.file = f
	if s.remove {
		if first {
			s.initial = s.form.snapshot()
		}
		return
	}
	w := s.form.get("whom")
	cur := w.value()
	w.choices, w.labels, w.pick = nil, nil, 0
	for _, t := range f.Travellers {
		w.choices = append(w.choices, strconv.Itoa(t.Member))
		w.labels = append(w.labels, fmt.Sprintf("traveller %d %s", t.Member, t.FullName()))
	}
	w.choices, w.labels = append(w.choices, "0"), append(w.labels, "someone else (sponsor, relative …)")
	w.set(cur)
	if first {
		if c := f.Contact(s.cid); c != nil {
			w.set(strconv.Itoa(c.Traveller))
			s.form.get("name").set(c.Name)
			s.form.get("relation").set(c.Relation)
			s.form.get("phone").set(c.Phone)
			s.form.get("email").set(c.Email)
			s.form.get("address").set(c.Address)
		}
		s.initial = s.form.snapshot()
	}
	s.showWhom()
}

// showWhom shows name and relation only for someone not a traveller.
func (s *contactForm) showWhom() {
	if s.remove {
		return
	}
	other := s.form.get("whom").value() == "0"
	s.form.get("name").hidden = !other
	s.form.get("relation").hidden = !other
}

// contact is the contact as typed, with a stand-in id for a new one.
func (s *contactForm) contact() booking.Contact {
	c := booking.Contact{Case: s.no, ID: cmp.Or(s.cid, "new")}
	if old := s.file.Contact(s.cid); old != nil {
		c = *old
	}
	if s.remove {
		c.Removed, c.RemovedReason = true, s.form.get("removed_reason").value()
		return c
	}
	c.Traveller, _ = strconv.Atoi(s.form.get("whom").value())
	c.Name, c.Relation = "", ""
	if c.Traveller == 0 {
		c.Name, c.Relation = s.form.get("name").value(), s.form.get("relation").value()
	}
	c.Phone, c.Email, c.Address = s.form.get("phone").value(), s.form.get("email").value(), s.form.get("address").value()
	return c
}

// validate marks the fields the contact's rules refuse.
func (s *contactForm) validate() {
	s.showWhom()
	s.form.errs = nil
	if s.file == nil || !s.Dirty() {
		return
	}
	c := s.contact()
	errs := map[string]string{}
	validateAll(&c, errs, func(n string) bool { x := s.form.get(n); return x != nil && !x.hidden })
	if msg, ok := errs[""]; ok {
		// "with whom" stands for the traveller and name rules.
		errs["whom"] = msg
		delete(errs, "")
	}
	if len(errs) > 0 {
		s.form.errs = errs
	}
}

func (s *contactForm) check() error {
	s.validate()
	if len(s.form.errs) > 0 {
		s.form.all = true
		return fmt.Errorf("not saved: fix the field(s) marked %s", s.d.Styles.ErrGlyph)
	}
	if !s.Dirty() {
		return errors.New("nothing to save: no field changed")
	}
	return nil
}

// Update implements Screen.
func (s *contactForm) Update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(dutySavedMsg); ok && m.id == s.id && m.err == nil {
		s.saving, s.initial = false, s.form.snapshot()
		return tea.Batch(msgCmd(BackMsg{}), msgCmd(SavedMsg{Case: s.no, What: m.what}))
	}
	return s.update(msg, formHooks{load: s.load, save: s.saveCmd, changed: s.validate, check: s.check})
}

func (s *contactForm) saveCmd() tea.Cmd {
	d, id, no, cid, c := s.d, s.id, s.no, s.cid, s.contact()
	remove := s.remove
	return func() tea.Msg {
		var err error
		var what string
		switch {
		case remove:
			_, err = d.Contacts.RemoveContact(d.User, no, cid, c.RemovedReason)
			what = "contact " + cid + " removed"
		case cid != "":
			_, err = d.Contacts.ChangeContact(d.User, no, cid, c)
			what = "contact " + cid + " changed"
		default:
			var got booking.Contact
			got, err = d.Contacts.AddContact(d.User, no, c)
			what = "contact " + got.ID + " added"
		}
		return dutySavedMsg{id: id, what: what, err: err}
	}
}

// View implements Screen.
func (s *contactForm) View() string {
	if s.file == nil {
		return s.loading()
	}
	st := &s.d.Styles
	head := []string{st.Bold.Render(sprintf("%s · %s", s.Title(), s.no))}
	if c := s.file.Contact(s.cid); c != nil && s.remove {
		head = append(head, sprintf("%s: %s %s %s %s", c.ID, s.file.ContactWhom(c), c.Phone, c.Email, c.Address))
	}
	return s.frame(append(head, ""))
}

// commForm logs a communication, or corrects entry corrects with a new
// entry (its fields as they were, to change; or withdrawn).
type commForm struct {
	formBase
	corrects string
}

func newCommForm(d DutyDeps, no, corrects string) *commForm {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &commForm{formBase: formBase{d: d, id: newScreenID(), no: no}, corrects: corrects}
	dirs := []string{"out", "in"}
	s.form.fields = []*dutyField{
		textField("when", "when", "YYYY-MM-DD HH:MM", 16),
		choiceField("channel", "channel", booking.CommChannels, nil),
		choiceField("direction", "direction", dirs, []string{"out: we reached them", "in: they reached us"}),
		textField("who", "with whom", "a traveller, the sponsor, a relative …", 120),
		textField("text", "what", `e.g. "documents requested by phone"`, 4000),
	}
	if corrects != "" {
		s.form.fields = append(s.form.fields, choiceField("void", "correction", []string{"", "true"},
			[]string{"replaces the entry", "withdraws it (the text says why)"}))
	}
	s.form.get("when").set(d.Now().Format("2006-01-02 15:04"))
	return s
}

// Init implements Screen.
func (s *commForm) Init() tea.Cmd { return loadDutyCmd(s.d.Source, s.id, s.no) }

// Title implements Screen.
func (s *commForm) Title() string {
	if s.corrects != "" {
		return "correct log entry"
	}
	return "log entry"
}

// AcceptsCommand implements CommandTaker.
func (s *commForm) AcceptsCommand() bool {
	return s.file == nil || s.form.focused().isChoice() || s.form.focused().text.Value() == ""
}

func (s *commForm) load(f *booking.CaseFile) {
	first := s.file == nil
	s.file = f
	if !first {
		return
	}
	if e := f.CommEntry(s.corrects); e != nil {
		s.form.get("when").set(e.When.Wall().Format("2006-01-02 15:04"))
		s.form.get("channel").set(e.Channel)
		s.form.get("direction").set(e.Direction)
		s.form.get("who").set(e.Who)
		s.form.get("text").set(e.Text)
	}
	s.initial = s.form.snapshot()
}

// entry is the entry as typed (a time that does not parse left zero).
func (s *commForm) entry() (booking.CommEntry, map[string]string) {
	errs := map[string]string{}
	e := booking.CommEntry{Case: s.no, ID: "new", By: s.d.User, Logged: s.d.Now(), Corrects: s.corrects}
	for _, n := range []string{"when", "channel", "direction", "who", "text"} {
		if err := booking.SetFieldValue(&e, n, s.form.get(n).value()); err != nil {
			errs[n] = errMessage(err)
		}
	}
	if x := s.form.get("void"); x != nil {
		e.Void = x.value() == "true"
	}
	return e, errs
}

func (s *commForm) validate() {
	s.form.errs = nil
	if s.file == nil || !s.Dirty() && s.corrects == "" {
		return
	}
	e, errs := s.entry()
	validateAll(&e, errs, func(n string) bool { return s.form.get(n) != nil })
	delete(errs, "")
	if len(errs) > 0 {
		s.form.errs = errs
	}
}

func (s *commForm) check() error {
	s.validate()
	if len(s.form.errs) > 0 {
		s.form.all = true
		return fmt.Errorf("not saved: fix the field(s) marked %s", s.d.Styles.ErrGlyph)
	}
	if !s.Dirty() {
		return errors.New("nothing to save: change what the entry got wrong")
	}
	return nil
}

// Update implements Screen.
func (s *commForm) Update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(dutySavedMsg); ok && m.id == s.id && m.err == nil {
		s.saving, s.initial = false, s.form.snapshot()
		return tea.Batch(msgCmd(BackMsg{}), msgCmd(SavedMsg{Case: s.no, What: m.what}))
	}
	return s.update(msg, formHooks{load: s.load, save: s.saveCmd, changed: s.validate, check: s.check})
}

func (s *commForm) saveCmd() tea.Cmd {
	d, id, no := s.d, s.id, s.no
	e, _ := s.entry()
	return func() tea.Msg {
		got, err := d.Contacts.LogComm(d.User, no, e)
		what := "log entry " + got.ID + " added"
		if e.Corrects != "" {
			what = "log entry " + got.ID + " corrects " + e.Corrects
		}
		return dutySavedMsg{id: id, what: what, err: err}
	}
}

// View implements Screen.
func (s *commForm) View() string {
	if s.file == nil {
		return s.loading()
	}
	st := &s.d.Styles
	head := []string{st.Bold.Render(sprintf("%s · %s", s.Title(), s.no))}
	if s.corrects != "" {
		head = append(head, st.Muted.Render("the log is append-only: the correction is a new entry naming "+s.corrects))
	}
	return s.frame(append(head, ""))
}
