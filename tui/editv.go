package tui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// The intake and editing screens are formBase forms (dutyForm fields:
// text or a choice cycled with space) rather than huh forms: huh owns its
// own focus, keys and layout, while these forms must show the domain's
// error beside the field it names as the user types, keep the app's
// configurable keys and help, and scroll with the focus at 80x24.

// EditActions returns the case-view actions that open the case (E),
// traveller (T), document (O) and counselling (K) forms, for
// Options.CaseActions.
func EditActions(d DutyDeps) []CaseAction {
	if d.Edit == nil {
		return nil
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	push := func(s func(no string) Screen) func(f *booking.CaseFile) tea.Cmd {
		return func(f *booking.CaseFile) tea.Cmd { return msgCmd(PushMsg{Screen: s(f.Case.Number)}) }
	}
	return []CaseAction{
		{Binding: d.Keys.EditCase, Run: push(func(no string) Screen { return NewRecordScreen(d, no, EditCaseForm) })},
		{Binding: d.Keys.EditTraveller, Run: push(func(no string) Screen { return NewRecordScreen(d, no, EditTravellerForm) })},
		{Binding: d.Keys.EditDocument, Run: push(func(no string) Screen { return NewRecordScreen(d, no, EditDocumentForm) }),
			Enabled: func(f *booking.CaseFile) bool { return len(f.Travellers) > 0 },
			Why: func(f *booking.CaseFile) string {
				return fmt.Sprintf("%s has no travellers to hold documents (T adds one)", f.Case.Number)
			}},
		{Binding: d.Keys.EditCounselling, Run: push(func(no string) Screen { return NewCounsellingScreen(d, no) })},
	}
}

// EditForm says which record a record screen edits.
type EditForm int

// The record forms.
const (
	EditCaseForm EditForm = iota
	EditTravellerForm
	EditDocumentForm
)

// newChoice is the choice value meaning "a new traveller or document".
const newChoice = "new"

func boolChoice(name, label string) *dutyField {
	return choiceField(name, label, []string{"", "true"}, []string{"no", "yes"})
}

// caseFields are the case form's fields (JSON names of booking.Case).
func caseFields() []*dutyField {
	return []*dutyField{
		choiceField("programme", "programme", booking.Programmes, nil),
		choiceField("priority", "priority", []string{"1", "2", "3"}, []string{"urgent", "high", "normal"}),
		textField("origin_city", "origin city", "", 60),
		{name: "origin_airport", label: "origin airport", hint: "IATA code, e.g. CMN", text: newField(3, true)},
		textField("dest_city", "dest. city", "", 60),
		{name: "dest_airport", label: "dest. airport", hint: "IATA code, e.g. YYZ", text: newField(3, true)},
		textField("sponsor", "sponsor", "", 120),
		textField("assignee", "assignee", "user name", 60),
		textField("notes", "notes", "", 4000),
		textField("request_from", "request from", "who sent the request (receipt to confirm)", 120),
		textField("request_ref", "their ref.", "the sender's reference", 60),
	}
}

// travellerFields are the traveller form's fields (JSON names of
// booking.Traveller).
func travellerFields() []*dutyField {
	return []*dutyField{
		textField("family_name", "family name", "required", 80),
		textField("given_names", "given names", "", 120),
		textField("birth_date", "birth date", "YYYY-MM-DD", 10),
		choiceField("sex", "sex", []string{"", "F", "M", "X"}, []string{"—", "F", "M", "X"}),
		{name: "nationality", label: "nationality", hint: "country code, e.g. SYR", text: newField(3, true)},
		textField("languages", "languages", "comma-separated, e.g. ar, fr", 120),
		choiceField("relationship", "relationship", append([]string{""}, booking.Relationships...),
			append([]string{"—"}, booking.Relationships...)),
		{name: "ssr", label: "SSR codes", hint: "e.g. WCHR, MOML (enter: pick from the list)", text: newField(120, true)},
		textField("vulnerabilities", "vulnerability", "comma-separated", 400),
		textField("pregnancy_weeks", "pregnancy wks", "0 to 45", 2),
		boolChoice("pregnancy_multiple", "multiple preg."),
		textField("medical_date", "medical date", "YYYY-MM-DD", 10),
		textField("medical_valid_until", "medical until", "YYYY-MM-DD", 10),
		boolChoice("medif_needed", "MEDIF needed"),
		boolChoice("escort_advised", "escort advised"),
	}
}

func docTypeNames() []string {
	out := make([]string, len(booking.DocTypes))
	for i, t := range booking.DocTypes {
		out[i] = string(t)
	}
	return out
}

// documentFields are the document form's fields (JSON names of
// booking.Document).
func documentFields() []*dutyField {
	return []*dutyField{
		choiceField("type", "type", docTypeNames(), nil),
		{name: "number", label: "number", text: newField(40, true)},
		{name: "issuing_country", label: "issuing ctry", hint: "country code", text: newField(3, true)},
		textField("issue_date", "issue date", "YYYY-MM-DD", 10),
		textField("expiry_date", "expiry date", "YYYY-MM-DD", 10),
	}
}

// ssrNote says what the SSR codes typed mean, or nothing for none.
func ssrNote(v string) string {
	var out []string
	for c := range strings.SplitSeq(v, ",") {
		if s, ok := booking.LookupSSR(c); ok {
			out = append(out, s.Code+" "+s.Name)
		}
	}
	return strings.Join(out, "; ")
}

// recordScreen edits one record of a case through CaseEditor.SetFields:
// the case itself, a traveller (or a new one) or a document (or a new
// one). Each input is checked as it is typed with booking.SetFieldValue
// and the record's Validate, the functions the save runs.
type recordScreen struct {
	formBase
	kind   EditForm
	own    []string          // the record's field names in the form
	loaded map[string]string // the record's values as loaded, for Dirty and the save
	shown  string            // the selection the form holds
	follow string            // after a save: the traveller or document to select
	dup    dupPanel          // possible duplicates of the traveller (see dupes.go)
}

// NewRecordScreen returns the form kind of case no.
func NewRecordScreen(d DutyDeps, no string, kind EditForm) Screen {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &recordScreen{formBase: formBase{d: d, id: newScreenID(), no: no}, kind: kind}
	var own []*dutyField
	switch kind {
	case EditCaseForm:
		own = caseFields()
	case EditTravellerForm:
		// Choices come with the case: the first traveller is shown first.
		s.form.fields = append(s.form.fields, choiceField("member", "traveller", nil, nil))
		own = travellerFields()
	case EditDocumentForm:
		s.form.fields = append(s.form.fields, choiceField("member", "traveller", nil, nil),
			choiceField("doc", "document", nil, nil),
			textField("id", "document id", "short, no spaces: p1, v1 …", 20))
		own = documentFields()
	}
	for _, x := range own {
		s.own = append(s.own, x.name)
	}
	s.form.fields = append(s.form.fields, own...)
	if kind == EditTravellerForm {
		f := s.form.get("ssr")
		f.note = func() string { return ssrNote(f.value()) }
	}
	s.below = func() []string { return s.dup.lines(&s.d.Styles, &s.d.Keys, s.w) }
	return s
}

// Init implements Screen.
func (s *recordScreen) Init() tea.Cmd {
	if s.kind == EditCaseForm {
		return loadDutyCmd(s.d.Source, s.id, s.no)
	}
	return tea.Batch(loadDutyCmd(s.d.Source, s.id, s.no), warmDupesCmd(s.d.Dupes))
}

// Title implements Screen.
func (s *recordScreen) Title() string {
	return [...]string{"edit case", "travellers", "documents"}[s.kind]
}

// Dirty implements Dirtier: an input differs from the record loaded.
func (s *recordScreen) Dirty() bool { return s.file != nil && len(s.changes()) > 0 }

// Capturing implements Capturer.
func (s *recordScreen) Capturing() bool { return s.file != nil }

// AcceptsCommand implements CommandTaker: ":" opens the command bar when the
// focused input is empty or a choice.
func (s *recordScreen) AcceptsCommand() bool {
	return s.file == nil || s.form.focused().isChoice() || s.form.focused().text.Value() == ""
}

func (s *recordScreen) member() int {
	m, _ := strconv.Atoi(s.form.get("member").value())
	return m
}

// selection names the record the form holds: "", "3", "3/p1", "new" ...
func (s *recordScreen) selection() string {
	switch s.kind {
	case EditTravellerForm:
		return s.form.get("member").value()
	case EditDocumentForm:
		return s.form.get("member").value() + "/" + s.form.get("doc").value()
	}
	return ""
}

// record returns a copy of the record the form holds, as stored (or a new
// one, with the keys set).
func (s *recordScreen) record() booking.Record {
	f := s.file
	switch s.kind {
	case EditTravellerForm:
		if t := f.Traveller(s.member()); t != nil {
			x := *t
			return &x
		}
		n := 1
		for _, t := range f.Travellers {
			n = max(n, t.Member+1)
		}
		return &booking.Traveller{Case: s.no, Member: n}
	case EditDocumentForm:
		m, id := s.member(), s.form.get("doc").value()
		for _, d := range f.DocumentsOf(m) {
			if d.ID == id {
				return &d
			}
		}
		return &booking.Document{Case: s.no, Member: m, ID: s.form.get("id").value(), Type: booking.DocType(s.form.get("type").value())}
	}
	c := f.Case
	return &c
}

// prefix is the path prefix of the record's fields in a FieldChange.
func (s *recordScreen) prefix(rec booking.Record) string {
	switch r := rec.(type) {
	case *booking.Traveller:
		return fmt.Sprintf("traveller.%d.", r.Member)
	case *booking.Document:
		return fmt.Sprintf("traveller.%d.document.%s.", r.Member, r.ID)
	}
	return ""
}

// isNew reports whether the form holds a record not yet stored.
func (s *recordScreen) isNew() bool {
	switch s.kind {
	case EditTravellerForm:
		return s.form.get("member").value() == newChoice
	case EditDocumentForm:
		return s.form.get("doc").value() == newChoice
	}
	return false
}

// fieldText is a field's value as the form shows it.
func fieldText(rec booking.Record, name string) string {
	var v any
	switch r := rec.(type) {
	case *booking.Case:
		v = map[string]any{"programme": r.Programme, "priority": r.Priority, "origin_city": r.OriginCity,
			"origin_airport": r.OriginAirport, "dest_city": r.DestCity, "dest_airport": r.DestAirport,
			"sponsor": r.Sponsor, "assignee": r.Assignee, "notes": r.Notes}[name]
	case *booking.Traveller:
		v = map[string]any{"family_name": r.FamilyName, "given_names": r.GivenNames, "birth_date": r.BirthDate,
			"sex": r.Sex, "nationality": r.Nationality, "languages": r.Languages, "relationship": r.Relationship,
			"ssr": r.SSR, "vulnerabilities": r.Vulnerabilities, "pregnancy_weeks": r.PregnancyWeeks,
			"pregnancy_multiple": r.PregnancyMultiple, "medical_date": r.MedicalDate,
			"medical_valid_until": r.MedicalValidUntil, "medif_needed": r.MEDIFNeeded, "escort_advised": r.EscortAdvised}[name]
	case *booking.Document:
		v = map[string]any{"type": string(r.Type), "number": r.Number, "issuing_country": r.IssuingCountry,
			"issue_date": r.IssueDate, "expiry_date": r.ExpiryDate}[name]
	}
	switch x := v.(type) {
	case booking.Date:
		if x.IsZero() {
			return ""
		}
		return x.String()
	case []string:
		return strings.Join(x, ", ")
	case int:
		if x == 0 {
			return ""
		}
		return strconv.Itoa(x)
	case bool:
		if x {
			return "true"
		}
		return ""
	case string:
		return x
	}
	return ""
}

// load takes a freshly read case: the traveller and document choices, and
// the values of the record selected.
func (s *recordScreen) load(f *booking.CaseFile) {
	s.file = f
	switch s.kind {
	case EditTravellerForm:
		tr := s.form.get("member")
		cur := tr.value()
		tr.choices, tr.labels, tr.pick = nil, nil, 0
		for _, t := range f.Travellers {
			tr.choices = append(tr.choices, strconv.Itoa(t.Member))
			tr.labels = append(tr.labels, fmt.Sprintf("%d %s", t.Member, t.FullName()))
		}
		tr.choices, tr.labels = append(tr.choices, newChoice), append(tr.labels, "new traveller")
		if len(f.Travellers) == 0 {
			cur = newChoice
		}
		tr.set(cur)
		if s.follow != "" {
			tr.set(s.follow)
		}
	case EditDocumentForm:
		tr := s.form.get("member")
		cur := tr.value()
		tr.choices, tr.labels, tr.pick = nil, nil, 0
		for _, t := range f.Travellers {
			tr.choices = append(tr.choices, strconv.Itoa(t.Member))
			tr.labels = append(tr.labels, fmt.Sprintf("%d %s", t.Member, t.FullName()))
		}
		tr.set(cur)
		if m, id, ok := strings.Cut(s.follow, "/"); ok {
			tr.set(m)
			s.docChoices()
			s.form.get("doc").set(id)
		}
	}
	s.follow = ""
	s.shown = "\x00" // reload the values
	s.sync()
}

// docChoices lists the chosen traveller's documents.
func (s *recordScreen) docChoices() {
	dc := s.form.get("doc")
	cur := dc.value()
	dc.choices, dc.labels, dc.pick = nil, nil, 0
	for _, d := range s.file.DocumentsOf(s.member()) {
		dc.choices = append(dc.choices, d.ID)
		dc.labels = append(dc.labels, d.ID+" "+d.Describe())
	}
	dc.choices, dc.labels = append(dc.choices, newChoice), append(dc.labels, "new document")
	dc.set(cur)
}

// sync follows the selection: a new traveller or document selected fills
// the form from its record; then the inputs are checked.
func (s *recordScreen) sync() {
	if s.kind == EditDocumentForm {
		s.docChoices()
		s.form.get("id").hidden = !s.isNew()
	}
	if sel := s.selection(); sel != s.shown {
		s.shown = sel
		rec := s.record()
		s.loaded = map[string]string{}
		for _, n := range s.own {
			v := fieldText(rec, n)
			if s.isNew() {
				v = ""
				if n == "type" {
					v = string(booking.DocPassport)
				}
			}
			s.form.get(n).set(v)
			s.loaded[n] = s.form.get(n).value()
		}
		if s.kind == EditDocumentForm && s.isNew() {
			s.form.get("id").set(s.nextDocID())
		}
		s.form.errs, s.form.touched, s.form.all = nil, nil, false
		s.initial = s.form.snapshot()
		return
	}
	s.validate()
}

// nextDocID proposes an id for a new document of the chosen traveller.
func (s *recordScreen) nextDocID() string {
	for n := 1; ; n++ {
		id := "d" + strconv.Itoa(n)
		if !slices.ContainsFunc(s.file.DocumentsOf(s.member()), func(d booking.Document) bool { return d.ID == id }) {
			return id
		}
	}
}

// changes are the inputs that differ from the record loaded, as field
// changes (a new record: every input given, the type always).
func (s *recordScreen) changes() []FieldChange {
	if s.file == nil || s.loaded == nil {
		return nil
	}
	rec := s.record()
	p := s.prefix(rec)
	var out []FieldChange
	changed := false
	for _, n := range s.own {
		v := s.form.get(n).value()
		if v != s.loaded[n] {
			changed = true
		}
		if v != s.loaded[n] || (s.isNew() && v != "") {
			out = append(out, FieldChange{Path: p + n, Value: v})
		}
	}
	if !changed {
		return nil // a new record's defaults alone are not input
	}
	return out
}

// validate checks the inputs as the save will: each parsed into a copy of
// the record, then the record validated once.
func (s *recordScreen) validate() {
	s.form.errs = map[string]string{}
	if !s.Dirty() {
		return
	}
	rec := s.record()
	if s.kind == EditDocumentForm && s.isNew() {
		rec.(*booking.Document).ID = s.form.get("id").value()
	}
	for _, n := range s.own {
		if err := booking.SetFieldValue(rec, n, s.form.get(n).value()); err != nil {
			s.form.errs[n] = errMessage(err)
		}
	}
	validateAll(rec, s.form.errs, func(n string) bool { return s.form.get(n) != nil })
	if len(s.form.errs) == 0 {
		s.form.errs = nil
	}
}

// validateAll runs rec's Validate and notes its error in errs; as
// Validate reports only its first broken rule, the field at fault is then
// set aside (cleared, or a stand-in when required) and the record judged
// again, so every field at fault is marked, not only the first. known says
// which fields the form shows; an error on another goes under "".
func validateAll(rec booking.Record, errs map[string]string, known func(string) bool) {
	seen := map[string]bool{}
	for range 8 {
		err := rec.Validate()
		if err == nil {
			return
		}
		n := booking.ErrorField(err)
		if seen[n] {
			return
		}
		seen[n] = true
		k := n
		if !known(n) {
			k = ""
		}
		if errs[k] == "" {
			errs[k] = errMessage(err)
		}
		if booking.SetFieldValue(rec, n, "") != nil {
			return
		}
		if rec.Validate() != nil && booking.ErrorField(rec.Validate()) == n {
			// Required: a stand-in lets the rules after it speak.
			if booking.SetFieldValue(rec, n, "X") != nil {
				return
			}
		}
	}
}

// errMessage is a domain error's message without its field.
func errMessage(err error) string {
	var de *booking.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}

// Update implements Screen.
func (s *recordScreen) Update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(ssrPickedMsg); ok && m.id == s.id {
		s.form.get("ssr").set(strings.Join(m.codes, ", "))
		s.sync()
		return nil
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok && s.file != nil && s.kind == EditTravellerForm &&
		s.form.focused().name == "ssr" && key.Matches(kp, s.d.Keys.Pick) {
		return msgCmd(PushMsg{Screen: newSSRPicker(s.d.Keys, s.d.Styles, s.id, s.form.get("ssr").value())})
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
	cmd := s.update(msg, formHooks{load: s.load, save: s.saveCmd, changed: s.sync, dirty: s.Dirty, check: s.check})
	return tea.Batch(cmd, s.dupCheck())
}

// dupCheck checks the traveller as typed (the traveller form) or the
// traveller with the document as typed (the document form) for likely
// duplicates in other cases.
func (s *recordScreen) dupCheck() tea.Cmd {
	if s.file == nil || s.kind == EditCaseForm {
		return nil
	}
	m := s.member()
	var t booking.Traveller
	if x := s.file.Traveller(m); x != nil {
		t = *x
	}
	t.Case, t.Member = s.no, m
	docs := s.file.DocumentsOf(m)
	switch s.kind {
	case EditTravellerForm:
		if s.isNew() {
			t = booking.Traveller{Case: s.no, Member: 99}
		}
		t = typedTraveller(t, func(n string) string { return s.form.get(n).value() })
	case EditDocumentForm:
		typed := booking.Document{Case: s.no, Member: m, Type: booking.DocType(s.form.get("type").value()),
			Number: s.form.get("number").value()}
		id := s.form.get("doc").value()
		docs = slices.DeleteFunc(docs, func(d booking.Document) bool { return d.ID == id })
		docs = append(docs, typed)
	}
	return s.dup.check(s.d.Dupes, s.id, t, docs)
}

// check refuses a save while a field is marked or nothing changed.
func (s *recordScreen) check() error {
	s.validate()
	if len(s.form.errs) > 0 {
		s.form.all = true
		return fmt.Errorf("not saved: fix the field(s) marked %s", s.d.Styles.ErrGlyph)
	}
	if len(s.changes()) == 0 {
		return errors.New("nothing to save: no field changed")
	}
	return nil
}

// saveCmd saves the changed fields with the same call as `case set`.
func (s *recordScreen) saveCmd() tea.Cmd {
	d, id, no := s.d, s.id, s.no
	ch := s.changes()
	rec := s.record()
	if s.kind == EditDocumentForm && s.isNew() {
		doc := rec.(*booking.Document)
		doc.ID = s.form.get("id").value()
		p := s.prefix(doc)
		for i := range ch {
			_, name, _ := strings.Cut(ch[i].Path, ".document.")
			_, name, _ = strings.Cut(name, ".")
			ch[i].Path = p + name
		}
	}
	what, follow := fmt.Sprintf("case %s: %d field(s) set", no, len(ch)), ""
	switch r := rec.(type) {
	case *booking.Traveller:
		what = fmt.Sprintf("traveller %d of %s: %d field(s) set", r.Member, no, len(ch))
		follow = strconv.Itoa(r.Member)
	case *booking.Document:
		what = fmt.Sprintf("document %s of traveller %d: %d field(s) set", r.ID, r.Member, len(ch))
		follow = strconv.Itoa(r.Member) + "/" + r.ID
	}
	s.follow = follow
	return func() tea.Msg {
		if err := d.Edit.SetFields(d.User, no, ch); err != nil {
			return dutySavedMsg{id: id, err: err}
		}
		return dutySavedMsg{id: id, what: what}
	}
}

// KeyMap implements Screen.
func (s *recordScreen) KeyMap() help.KeyMap {
	km := s.formBase.KeyMap().(bindings)
	if s.file != nil && s.kind == EditTravellerForm && s.form.focused().name == "ssr" {
		km.short = append([]key.Binding{s.d.Keys.Pick}, km.short...)
		km.full = append(km.full, []key.Binding{s.d.Keys.Pick})
	}
	if b := s.dup.binding(&s.d.Keys); b.Enabled() {
		km.short = append([]key.Binding{b}, km.short...)
		km.full = append(km.full, []key.Binding{b})
	}
	return km
}

// View implements Screen.
func (s *recordScreen) View() string {
	if s.file == nil {
		return s.loading()
	}
	st := &s.d.Styles
	c := s.file.Case
	head := []string{st.Bold.Render(sprintf("%s · %s · %s · %s · %d traveller(s)", s.Title(), s.no, c.Programme, c.Status, len(s.file.Travellers)))}
	if s.isNew() {
		head = append(head, st.Muted.Render("a new record: fill it in and save with "+s.d.Keys.Save.Help().Key))
	}
	return s.frame(append(head, ""))
}

// counsellingScreen records the counselling session (date, counsellor,
// language, interpreter) and adds action items, through the same calls as
// `movedesk counselling`.
type counsellingScreen struct {
	formBase
}

// NewCounsellingScreen returns the counselling form of case no.
func NewCounsellingScreen(d DutyDeps, no string) Screen {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &counsellingScreen{formBase: formBase{d: d, id: newScreenID(), no: no}}
	s.form.fields = []*dutyField{
		textField("date", "date", "YYYY-MM-DD (empty: today)", 10),
		textField("counsellor", "counsellor", "empty: you", 60),
		textField("language", "language", "e.g. ar", 40),
		textField("interpreter", "interpreter", "name, or empty", 80),
		choiceField("traveller", "action for", []string{"0"}, []string{"whole case"}),
		textField("action", "action item", "a vulnerability to act on (blocks the gate until ticked)", 400),
	}
	return s
}

// Init implements Screen.
func (s *counsellingScreen) Init() tea.Cmd { return loadDutyCmd(s.d.Source, s.id, s.no) }

// Title implements Screen.
func (s *counsellingScreen) Title() string { return "counselling" }

// Capturing implements Capturer.
func (s *counsellingScreen) Capturing() bool { return s.file != nil }

// AcceptsCommand implements CommandTaker.
func (s *counsellingScreen) AcceptsCommand() bool {
	return s.file == nil || s.form.focused().isChoice() || s.form.focused().text.Value() == ""
}

func (s *counsellingScreen) load(f *booking.CaseFile) {
	s.file = f
	tr := s.form.get("traveller")
	cur := tr.value()
	tr.choices, tr.labels, tr.pick = []string{"0"}, []string{"whole case"}, 0
	for _, t := range f.Travellers {
		tr.choices = append(tr.choices, strconv.Itoa(t.Member))
		tr.labels = append(tr.labels, fmt.Sprintf("%d %s", t.Member, t.FullName()))
	}
	tr.set(cur)
	c := booking.Counselling{}
	if f.Counselling != nil {
		c = *f.Counselling
	}
	if !c.Date.IsZero() {
		s.form.get("date").set(c.Date.String())
	} else {
		s.form.get("date").set("")
	}
	s.form.get("counsellor").set(c.Counsellor)
	s.form.get("language").set(c.Language)
	s.form.get("interpreter").set(c.Interpreter)
	s.form.get("action").set("")
	s.form.errs = nil
	s.initial = s.form.snapshot()
}

// validate marks a date that does not parse or lies ahead.
func (s *counsellingScreen) validate() {
	s.form.errs = nil
	if d, err := booking.ParseDate(s.form.get("date").value()); err != nil {
		s.form.errs = map[string]string{"date": errMessage(err)}
	} else if today := booking.DateOf(s.d.Now()); d.After(today) {
		s.form.errs = map[string]string{"date": fmt.Sprintf("%s is after today (%s)", d, today)}
	}
}

func (s *counsellingScreen) check() error {
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
func (s *counsellingScreen) Update(msg tea.Msg) tea.Cmd {
	return s.update(msg, formHooks{load: s.load, save: s.saveCmd, changed: s.validate, check: s.check})
}

func (s *counsellingScreen) saveCmd() tea.Cmd {
	d, id, no := s.d, s.id, s.no
	v := func(n string) *string { x := s.form.get(n).value(); return &x }
	date, _ := booking.ParseDate(s.form.get("date").value())
	p := CounsellingPatch{Date: &date, Counsellor: v("counsellor"), Language: v("language"), Interpreter: v("interpreter")}
	member, _ := strconv.Atoi(s.form.get("traveller").value())
	note := s.form.get("action").value()
	return func() tea.Msg {
		if err := d.Edit.SetCounselling(d.User, no, p); err != nil {
			return dutySavedMsg{id: id, err: err}
		}
		what := "counselling of " + no
		if note != "" {
			aid, err := d.Edit.AddCounsellingAction(d.User, no, member, note)
			if err != nil {
				return dutySavedMsg{id: id, err: booking.Errorf(booking.EINVALID, "action", "%s", errMessage(err))}
			}
			what += ", action item " + aid + " added"
		}
		return dutySavedMsg{id: id, what: what}
	}
}

// View implements Screen.
func (s *counsellingScreen) View() string {
	if s.file == nil {
		return s.loading()
	}
	st := &s.d.Styles
	head := []string{st.Bold.Render(sprintf("Counselling · %s · %s", s.no, s.file.Case.Programme))}
	if len(s.file.Actions) == 0 {
		head = append(head, st.Muted.Render("no action item yet"))
	}
	for i, a := range s.file.Actions {
		if i == 4 {
			head = append(head, st.Muted.Render(fmt.Sprintf("  … and %d more (the counselling checklist lists them all)", len(s.file.Actions)-4)))
			break
		}
		who := "whole case"
		if a.Traveller > 0 {
			who = fmt.Sprintf("traveller %d", a.Traveller)
		}
		head = append(head, st.Muted.Render(sprintf("  %s (%s): %s", a.ID, who, a.Note)))
	}
	return s.frame(append(head, ""))
}

// ssrPickedMsg carries the codes chosen in the SSR picker to form id.
type ssrPickedMsg struct {
	id    int
	codes []string
}

// ssrPicker lists every SSR code with its meaning; space ticks, enter
// returns the ticked codes to the form that opened it.
type ssrPicker struct {
	keys   KeyMap
	st     Styles
	form   int
	on     map[string]bool
	cursor int
	offset int
	w, h   int
}

func newSSRPicker(k KeyMap, st Styles, form int, current string) *ssrPicker {
	p := &ssrPicker{keys: k, st: st, form: form, on: map[string]bool{}}
	for c := range strings.SplitSeq(current, ",") {
		if s, ok := booking.LookupSSR(c); ok {
			p.on[s.Code] = true
		}
	}
	return p
}

// Init implements Screen.
func (p *ssrPicker) Init() tea.Cmd { return nil }

// Title implements Screen.
func (p *ssrPicker) Title() string { return "SSR codes" }

// SetSize implements Screen.
func (p *ssrPicker) SetSize(w, h int) { p.w, p.h = w, h }

func (p *ssrPicker) picked() []string {
	var out []string
	for _, s := range booking.SSRCodes {
		if p.on[s.Code] {
			out = append(out, s.Code)
		}
	}
	return out
}

// KeyMap implements Screen.
func (p *ssrPicker) KeyMap() help.KeyMap {
	k := p.keys
	tick := withHelp(k.Toggle, "tick")
	done := withHelp(k.Open, "done")
	return bindings{short: []key.Binding{k.Up, k.Down, tick, done, k.Back},
		full: [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {tick, done, k.Back}}}
}

// Update implements Screen.
func (p *ssrPicker) Update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := &p.keys
	n := len(booking.SSRCodes)
	switch {
	case key.Matches(kp, k.Back):
		return msgCmd(BackMsg{})
	case key.Matches(kp, k.Open):
		codes, id := p.picked(), p.form
		return tea.Batch(msgCmd(BackMsg{}), msgCmd(ssrPickedMsg{id: id, codes: codes}))
	case key.Matches(kp, k.Toggle):
		c := booking.SSRCodes[p.cursor].Code
		p.on[c] = !p.on[c]
	case key.Matches(kp, k.Down):
		p.cursor = min(p.cursor+1, n-1)
	case key.Matches(kp, k.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(kp, k.Top):
		p.cursor = 0
	case key.Matches(kp, k.Bottom):
		p.cursor = n - 1
	}
	return nil
}

// View implements Screen.
func (p *ssrPicker) View() string {
	st := &p.st
	head := []string{st.Bold.Render("Special service codes · " + strconv.Itoa(len(p.picked())) + " ticked"), ""}
	room := max(p.h-len(head), 1)
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+room {
		p.offset = p.cursor - room + 1
	}
	l := head
	for i := p.offset; i < len(booking.SSRCodes) && len(l) < p.h; i++ {
		s := booking.SSRCodes[i]
		box := "[ ]"
		if p.on[s.Code] {
			box = "[x]"
		}
		line := fit(fmt.Sprintf(" %s %s  %-10s %s", box, s.Code, s.Group, s.Name), p.w-1)
		if i == p.cursor {
			line = st.Selected.Render(st.Cursor + line)
		} else {
			line = " " + line
		}
		l = append(l, line)
	}
	return pad(l, p.h)
}
