package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// DutyDeps is what the escort, exit-permit and custody screens need;
// cmd/movedesk fills it with the same store calls its CLI commands make, so
// the rules live in one place (booking and store), never here.
type DutyDeps struct {
	Source Source
	User   string
	Keys   KeyMap
	Styles Styles
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time
	// Escorts ranks and assigns escorts (`escort list --case`, `escort
	// assign`).
	Escorts EscortDesk
	// Permits records exit permits (`permit set`).
	Permits PermitDesk
	// Custody records custody steps (`custody add`).
	Custody CustodyDesk
	// Edit opens cases and changes their fields, travellers, documents
	// and counselling (`case set`, `counselling`); Office is where new
	// cases are opened.
	Edit   CaseEditor
	Office string
	// Dupes finds likely duplicates of a traveller being entered (the
	// traveller, document and new-case forms); nil: no check.
	Dupes DuplicateFinder
	// Contacts records contacts and the communication log (`case contact`,
	// `case log`).
	Contacts ContactDesk
}

// EscortDesk ranks the escort pool for a case and assigns escorts.
type EscortDesk interface {
	// Rank returns the pool ranked for case no's active booking, best
	// first, with each escort's problems.
	Rank(no string) ([]booking.EscortCandidate, error)
	// Assign assigns escort id to case no's active booking as actor, in one
	// transaction; ret is the escort's return trip, nil when not planned
	// yet. It returns the trip and the warnings; a blocking problem is an
	// error.
	Assign(actor, no, id string, ret []booking.Segment) (*booking.EscortTrip, []booking.EscortProblem, error)
}

// PermitDesk records exit permits.
type PermitDesk interface {
	// SetPermit records or updates permit id of member (0: the whole case)
	// of case no as actor, in one transaction, and returns it.
	SetPermit(actor, no string, member int, id string, p PermitPatch) (booking.ExitPermit, error)
}

// PermitPatch is the exit-permit form's change: nil fields stay as they
// are; an empty string or zero date clears a field.
type PermitPatch struct {
	Country, Authority, Status *string
	Submitted, Decided         *booking.Date
	ValidFrom, ValidUntil      *booking.Date
	ReasonCode, ReasonText     *string
}

// CustodyDesk records custody steps of documents.
type CustodyDesk interface {
	// AddCustody records event e (by actor, now) of document doc of
	// traveller member of case no in one transaction, and returns the
	// document's trail as written.
	AddCustody(actor, no string, member int, doc string, e booking.CustodyEvent) (*booking.Custody, error)
}

// DutyActions returns the case-view actions that open the escort (e),
// exit-permit (p) and custody (d) screens, for Options.CaseActions.
func DutyActions(d DutyDeps) []CaseAction {
	if d.Now == nil {
		d.Now = time.Now
	}
	var out []CaseAction
	if d.Escorts != nil {
		out = append(out, CaseAction{Binding: d.Keys.Escorts,
			Enabled: func(f *booking.CaseFile) bool { return f.ActiveBooking() != nil },
			Why:     needsBooking("escorts"),
			Run: func(f *booking.CaseFile) tea.Cmd {
				return msgCmd(PushMsg{Screen: NewEscortScreen(d, f.Case.Number)})
			}})
	}
	if d.Permits != nil {
		out = append(out, CaseAction{Binding: d.Keys.Permit,
			Run: func(f *booking.CaseFile) tea.Cmd {
				return msgCmd(PushMsg{Screen: NewPermitScreen(d, f.Case.Number)})
			}})
	}
	if d.Custody != nil {
		out = append(out, CaseAction{Binding: d.Keys.Custody,
			Enabled: func(f *booking.CaseFile) bool { return len(f.Documents) > 0 },
			Why: func(f *booking.CaseFile) string {
				return fmt.Sprintf("%s has no documents to log custody of (O adds one)", f.Case.Number)
			},
			Run: func(f *booking.CaseFile) tea.Cmd {
				return msgCmd(PushMsg{Screen: NewCustodyScreen(d, f.Case.Number)})
			}})
	}
	return out
}

// dutyLoadedMsg delivers a case file (and, for the escort screen, the
// ranked pool) to duty screen id.
type dutyLoadedMsg struct {
	id     int
	file   *booking.CaseFile
	ranked []booking.EscortCandidate
	err    error
}

// dutySavedMsg reports one duty save of screen id: what to say, the
// warnings to show, or the error.
type dutySavedMsg struct {
	id    int
	what  string
	warns []string
	err   error
	// permit is the id of the exit permit saved (a new one's id is made by
	// the desk), for the form to go on editing it.
	permit string
}

func loadDutyCmd(src Source, id int, no string) tea.Cmd {
	return func() tea.Msg {
		f, err := src.CaseFile(no)
		return dutyLoadedMsg{id: id, file: f, err: err}
	}
}

// dutyField is one input of a duty form: free text, or a choice cycled
// with the toggle key.
type dutyField struct {
	name  string // the domain error field it shows (booking.Error.Field)
	label string
	text  field
	// choices and their labels make a choice field; nil for text.
	choices []string
	labels  []string
	pick    int
	hint    string
	hidden  bool
	// note, when set, returns a muted line shown under the field (what
	// the codes typed mean).
	note func() string
}

func textField(name, label, hint string, max int) *dutyField {
	return &dutyField{name: name, label: label, hint: hint, text: newField(max, false)}
}

func choiceField(name, label string, choices, labels []string) *dutyField {
	if labels == nil {
		labels = choices
	}
	return &dutyField{name: name, label: label, choices: choices, labels: labels}
}

func (f *dutyField) isChoice() bool { return f.choices != nil }

// value is the text typed or the choice picked.
func (f *dutyField) value() string {
	if f.isChoice() {
		if len(f.choices) == 0 {
			return ""
		}
		return f.choices[f.pick]
	}
	return strings.TrimSpace(f.text.Value())
}

// set puts v in the field; an unknown choice leaves the pick as it was.
func (f *dutyField) set(v string) {
	if !f.isChoice() {
		f.text.SetValue(v)
		return
	}
	for i, c := range f.choices {
		if c == v {
			f.pick = i
		}
	}
}

// dutyForm is the field list, focus and field errors shared by the permit
// and custody screens.
type dutyForm struct {
	fields []*dutyField
	focus  int
	errs   map[string]string // field name -> message
	// touched fields show their errors as the user types; all (after a
	// save was tried) shows every error.
	touched map[string]bool
	all     bool
}

// shows reports whether field name's error is shown.
func (f *dutyForm) shows(name string) bool {
	return f.all || f.touched[name]
}

func (f *dutyForm) touch(name string) {
	if f.touched == nil {
		f.touched = map[string]bool{}
	}
	f.touched[name] = true
}

func (f *dutyForm) visible() []*dutyField {
	var out []*dutyField
	for _, x := range f.fields {
		if !x.hidden {
			out = append(out, x)
		}
	}
	return out
}

func (f *dutyForm) focused() *dutyField {
	v := f.visible()
	f.focus = min(f.focus, len(v)-1)
	return v[f.focus]
}

func (f *dutyForm) get(name string) *dutyField {
	for _, x := range f.fields {
		if x.name == name {
			return x
		}
	}
	return nil
}

// snapshot is every input as one string, to tell whether anything changed.
func (f *dutyForm) snapshot() string {
	var b strings.Builder
	for _, x := range f.fields {
		b.WriteString(x.value() + "\x00")
	}
	return b.String()
}

// key handles navigation, choice cycling and editing; it reports whether
// an input changed.
func (f *dutyForm) key(k *KeyMap, kp tea.KeyPressMsg) bool {
	n := len(f.visible())
	cur := f.focused()
	switch {
	case key.Matches(kp, k.NextField):
		f.touch(cur.name)
		f.focus = (f.focus + 1) % n
	case key.Matches(kp, k.PrevField):
		f.touch(cur.name)
		f.focus = (f.focus - 1 + n) % n
	case cur.isChoice() && key.Matches(kp, k.Toggle):
		if len(cur.choices) > 0 {
			cur.pick = (cur.pick + 1) % len(cur.choices)
			f.touch(cur.name)
			return true
		}
	case !cur.isChoice():
		changed, _ := cur.text.update(kp)
		if changed {
			f.touch(cur.name)
		}
		return changed
	}
	return false
}

// setError puts a save error on its field when the form has one, and
// reports whether it did.
func (f *dutyForm) setError(err error) bool {
	f.errs = map[string]string{}
	name := booking.ErrorField(err)
	if i := strings.LastIndex(name, "."); i >= 0 {
		name = name[i+1:] // custody events: "events.3.to"
	}
	x := f.get(name)
	if x == nil || x.hidden {
		return false
	}
	msg := err.Error()
	var de *booking.Error
	if errors.As(err, &de) {
		msg = de.Message
	}
	f.errs[name] = msg
	f.all = true
	return true
}

// lines renders the fields, each with its error below it.
func (f *dutyForm) lines(st *Styles, w int) []string {
	l, _ := f.linesAt(st, w)
	return l
}

// linesAt is lines and the index of the focused field's line.
func (f *dutyForm) linesAt(st *Styles, w int) ([]string, int) {
	var l []string
	at := 0
	cur := f.focused()
	for _, x := range f.visible() {
		var v string
		if x.isChoice() {
			v = "‹ — ›"
			if len(x.labels) > 0 {
				v = "‹ " + printable(x.labels[x.pick]) + " ›"
			}
		} else {
			v = x.text.view(x == cur, w-20)
		}
		line := " " + fit(x.label, 14) + " " + v
		if x == cur {
			at = len(l)
			line = st.Selected.Render(st.Cursor + line)
		} else {
			line = " " + line
		}
		if x.hint != "" && x.value() == "" {
			line += "  " + st.Muted.Render(x.hint)
		}
		l = append(l, ansi.Truncate(line, w, "…"))
		if x.note != nil {
			if n := x.note(); n != "" {
				l = append(l, ansi.Truncate(st.Muted.Render("                  "+printable(n)), w, "…"))
			}
		}
		if msg, ok := f.errs[x.name]; ok && f.shows(x.name) {
			// Domain messages can list every allowed value: wrap, up to 3 lines.
			ws := strings.Split(ansi.Wordwrap(printable(msg), w-6, ""), "\n")
			for i, m := range ws[:min(len(ws), 3)] {
				g := st.ErrGlyph
				if i > 0 {
					g = " "
				}
				l = append(l, ansi.Truncate(st.Error.Render("   "+g+" "+m), w, "…"))
			}
		}
	}
	return l, at
}

// paste puts pasted text in the focused text field and reports whether it
// changed.
func (f *dutyForm) paste(s string) bool {
	cur := f.focused()
	if !cur.isChoice() && cur.text.paste(s) {
		f.touch(cur.name)
		return true
	}
	return false
}

// formBase is what the permit and custody screens share: the case, the
// form, the save state and the keys.
type formBase struct {
	d       DutyDeps
	id      int
	no      string
	file    *booking.CaseFile
	form    dutyForm
	initial string // the inputs after the last load or save, for Dirty
	w, h    int
	offset  int // first form line shown, to keep the focus visible

	saving  bool
	loadErr string
	err     string // a save error that belongs to no field
	// refused: the field errors are the desk's refusal of the last save,
	// which no longer applies once the input changes.
	refused bool
	done    string
	// below, when set, returns lines shown between the form and its
	// footer (the possible-duplicates panel).
	below func() []string
}

// inputChanged forgets a refusal of the input as it was (another document
// picked, a value retyped); live validation (changed) then runs afresh.
func (b *formBase) inputChanged(changed func()) {
	b.done, b.err = "", ""
	if b.refused {
		b.form.errs, b.refused = nil, false
	}
	if changed != nil {
		changed()
	}
}

// SetSize implements Screen.
func (b *formBase) SetSize(w, h int) { b.w, b.h = w, h }

// CurrentCase implements CaseContext.
func (b *formBase) CurrentCase() string { return b.no }

// Capturing implements Capturer: text fields take every printable key.
func (b *formBase) Capturing() bool {
	return b.file != nil && !b.form.focused().isChoice()
}

// Dirty implements Dirtier.
func (b *formBase) Dirty() bool { return b.file != nil && b.form.snapshot() != b.initial }

// KeyMap implements Screen.
func (b *formBase) KeyMap() help.KeyMap {
	k := b.d.Keys
	if b.file == nil {
		return bindings{short: []key.Binding{k.Back}, full: [][]key.Binding{{k.Back}}}
	}
	next := withHelp(k.Toggle, "next value")
	next.SetEnabled(b.form.focused().isChoice())
	save := k.Save
	save.SetEnabled(!b.saving)
	return bindings{short: []key.Binding{save, k.NextField, next, k.Back},
		full: [][]key.Binding{{k.NextField, k.PrevField, next}, {save, k.Back}}}
}

// formHooks are what a form screen adds to formBase's handling of messages.
type formHooks struct {
	load    func(*booking.CaseFile)
	save    func() tea.Cmd
	check   func() error // before a save; nil: none
	changed func()       // after an input changed; nil: none
	dirty   func() bool  // unsaved input, so esc asks; nil: formBase.Dirty
}

// update routes the screen's load and save answers and its keys.
func (b *formBase) update(msg tea.Msg, h formHooks) tea.Cmd {
	switch msg := msg.(type) {
	case dutyLoadedMsg:
		if msg.id != b.id {
			return nil
		}
		if msg.err != nil {
			b.loadErr = msg.err.Error()
			return nil
		}
		h.load(msg.file)
	case dutySavedMsg:
		if msg.id != b.id {
			return nil
		}
		return b.saved(msg)
	case tea.KeyPressMsg:
		k := &b.d.Keys
		switch {
		case key.Matches(msg, k.Back):
			dirty := b.Dirty
			if h.dirty != nil {
				dirty = h.dirty
			}
			if dirty() {
				return msgCmd(ConfirmMsg{Text: "Discard unsaved input?", Yes: msgCmd(BackMsg{})})
			}
			return msgCmd(BackMsg{})
		case b.file == nil || b.saving:
			return nil
		case key.Matches(msg, k.Save):
			if h.check != nil {
				if err := h.check(); err != nil {
					return errCmd(err)
				}
			}
			b.saving, b.done = true, ""
			return h.save()
		}
		if b.form.key(k, msg) {
			b.inputChanged(h.changed)
		}
	case tea.PasteMsg:
		if b.file != nil && !b.saving && b.form.paste(msg.Content) {
			b.inputChanged(h.changed)
		}
	}
	return nil
}

// saved handles the screen's own save answer: on failure the inputs stay
// and the error goes on its field (or below the form) and to the footer.
func (b *formBase) saved(msg dutySavedMsg) tea.Cmd {
	b.saving = false
	if msg.err != nil {
		b.done = ""
		b.err = ""
		if b.form.setError(msg.err) {
			b.refused = true
		} else {
			b.err = msg.err.Error()
		}
		return errCmd(msg.err)
	}
	b.err, b.done, b.form.errs, b.form.all, b.form.touched = "", msg.what, nil, false, nil
	b.initial = b.form.snapshot()
	return tea.Batch(msgCmd(SavedMsg{Case: b.no, What: msg.what}), loadDutyCmd(b.d.Source, b.id, b.no))
}

// footer is the save state below the form.
func (b *formBase) footer() []string {
	st := &b.d.Styles
	switch {
	case b.saving:
		return []string{st.Muted.Render("saving…")}
	case b.err != "":
		return errLines(st, b.err, b.w)
	case len(b.form.errs) > 0 && b.form.all:
		return []string{st.Error.Render(st.ErrGlyph + " not saved: fix the field marked above")}
	case b.done != "":
		return []string{st.OK.Render(st.OKGlyph + " saved: " + printable(b.done))}
	}
	return nil
}

// frame lays out head, the form and the footer in the body's height.
func (b *formBase) frame(head []string) string {
	st := &b.d.Styles
	var l []string
	for _, x := range head {
		l = append(l, ansi.Truncate(x, b.w, "…"))
	}
	form, at := b.form.linesAt(st, b.w)
	foot := b.footer()
	if b.below != nil {
		foot = append(b.below(), foot...)
	}
	// Keep the focused field (and the lines under it) on screen.
	room := max(b.h-len(foot)-len(l), 1)
	if at < b.offset {
		b.offset = at
	}
	if at+2 >= b.offset+room {
		b.offset = at + 3 - room
	}
	b.offset = max(0, min(b.offset, len(form)-room))
	l = append(l, form[b.offset:]...)
	for len(l) < b.h-len(foot) {
		l = append(l, "")
	}
	l = append(l[:min(len(l), max(0, b.h-len(foot)))], foot...)
	for i := range l {
		l[i] = ansi.Truncate(l[i], b.w, "…")
	}
	return pad(l, b.h)
}

// loading is the frame before the case is read.
func (b *formBase) loading() string {
	st := &b.d.Styles
	if b.loadErr != "" {
		return pad([]string{st.Error.Render(st.ErrGlyph + " " + printable(b.loadErr))}, b.h)
	}
	return pad([]string{st.Muted.Render("loading " + printable(b.no) + "…")}, b.h)
}

// errLines wraps an error message to w cells, the glyph on its first line.
func errLines(st *Styles, msg string, w int) []string {
	var out []string
	for i, x := range strings.Split(ansi.Wordwrap(printable(msg), w-2, ""), "\n") {
		g := st.ErrGlyph
		if i > 0 {
			g = " "
		}
		out = append(out, st.Error.Render(g+" "+x))
	}
	return out
}
