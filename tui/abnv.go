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

// abnSaveCmd runs one ABN write of the desk and reports it.
func abnSaveCmd(no string, write func() (*booking.ABN, error), what func(a *booking.ABN) string) tea.Cmd {
	return func() tea.Msg {
		a, err := write()
		if err != nil {
			return ErrMsg{err}
		}
		return SavedMsg{Case: no, What: what(a)}
	}
}

func issuedWhat(a *booking.ABN) string { return a.Title() + " issued" }

// issueABNCmd issues the ABN (or an update of the one in force).
func issueABNCmd(e *env, no string) tea.Cmd {
	return abnSaveCmd(no, func() (*booking.ABN, error) { return e.abns.IssueABN(e.user, no) }, issuedWhat)
}

// cancelABNCmd issues a cancellation notice with reason.
func cancelABNCmd(e *env, no, reason string) tea.Cmd {
	return abnSaveCmd(no, func() (*booking.ABN, error) { return e.abns.CancelABN(e.user, no, reason) }, issuedWhat)
}

// departABNCmd issues the departure notification.
func departABNCmd(e *env, no string) tea.Cmd {
	return abnSaveCmd(no, func() (*booking.ABN, error) { return e.abns.DepartABN(e.user, no) }, issuedWhat)
}

// markSentCmd marks ABN version v sent.
func markSentCmd(e *env, no string, v int) tea.Cmd {
	return abnSaveCmd(no, func() (*booking.ABN, error) { return e.abns.MarkABNSent(e.user, no, v) },
		func(*booking.ABN) string { return fmt.Sprintf("ABN version %d of %s marked sent", v, no) })
}

// abnScreen shows a case's ABN versions (or the draft of the first) and
// issues, updates, cancels and sends them.
type abnScreen struct {
	e    *env
	id   int
	no   string
	file *booking.CaseFile
	err  error

	versions []booking.ABN
	sel      int // index into versions; len(versions) shows the draft
	draft    *booking.ABN
	draftErr error

	reasonOn bool
	reason   field
	// departOn asks to confirm the departure notice; departDay is the
	// first flight's date it names.
	departOn  bool
	departDay booking.Date
	offset    int
	lines     []string
	w, h      int
}

func newABNScreen(e *env, no string) *abnScreen {
	return &abnScreen{e: e, id: newScreenID(), no: no, reason: newField(200, false)}
}

// Init implements Screen.
func (a *abnScreen) Init() tea.Cmd {
	return tea.Batch(loadCaseCmd(a.e.src, a.id, a.no), noteAccessCmd(a.e, a.no, "abn screen"))
}

// Title implements Screen.
func (a *abnScreen) Title() string { return "ABN" }

// SetSize implements Screen.
func (a *abnScreen) SetSize(w, h int) {
	a.w, a.h = w, h
	a.layout()
}

// CurrentCase implements CaseContext.
func (a *abnScreen) CurrentCase() string { return a.no }

// Capturing implements Capturer.
func (a *abnScreen) Capturing() bool { return a.reasonOn || a.departOn }

// Dirty implements Dirtier: a typed cancellation reason is unsaved input.
func (a *abnScreen) Dirty() bool { return a.reasonOn && strings.TrimSpace(a.reason.Value()) != "" }

func (a *abnScreen) latest() *booking.ABN {
	if a.file == nil {
		return nil
	}
	return a.file.LatestABN()
}

// What the actions may do now; the same checks the domain makes, so keys
// that cannot work vanish from help.
func (a *abnScreen) canIssue() bool { return a.draft != nil }
func (a *abnScreen) canSend() bool {
	l := a.latest()
	return a.e.abns != nil && l != nil && !l.Sent
}
func (a *abnScreen) canCancel() bool {
	l := a.latest()
	return a.e.abns != nil && l != nil && l.Type != booking.ABNCancellation
}
func (a *abnScreen) canDepart() bool {
	l := a.latest()
	return a.e.abns != nil && l != nil && a.file != nil && l.Type != booking.ABNCancellation && l.Type != booking.ABNDeparture &&
		(a.file.Case.Status == booking.StatusReadyToDepart || a.file.Case.Status == booking.StatusDeparted)
}

// KeyMap implements Screen.
func (a *abnScreen) KeyMap() help.KeyMap {
	k := a.e.keys
	if a.reasonOn {
		b := []key.Binding{withHelp(k.Open, "issue cancellation"), withHelp(k.Back, "cancel")}
		return bindings{short: b, full: [][]key.Binding{b}}
	}
	if a.departOn {
		b := []key.Binding{withHelp(k.Confirm, "issue departure notice"), withHelp(k.Deny, "cancel")}
		return bindings{short: b, full: [][]key.Binding{b}}
	}
	issue, sent, cancel, depart := k.Issue, k.MarkSent, k.CancelNotice, k.Depart
	issue.SetEnabled(a.canIssue())
	if a.file != nil && a.file.NextABNType() == booking.ABNUpdate {
		issue.SetHelp(issue.Help().Key, "issue update")
	} else {
		issue.SetHelp(issue.Help().Key, "issue ABN")
	}
	sent.SetEnabled(a.canSend())
	cancel.SetEnabled(a.canCancel())
	depart.SetEnabled(a.canDepart())
	prev, next := k.PrevVersion, k.NextVersion
	prev.SetEnabled(a.sel > 0)
	next.SetEnabled(a.sel < a.lastIndex())
	cp := withHelp(k.Copy, "copy ABN number")
	cp.SetEnabled(a.file != nil && a.file.Case.ABNNumber != "")
	return bindings{
		short: []key.Binding{issue, sent, cancel, depart, prev, next, k.Back},
		full: [][]key.Binding{
			{issue, sent, cancel, depart, cp},
			{prev, next, k.Up, k.Down, k.PageDown, k.PageUp, k.Top, k.Bottom},
			{k.Back, k.Quit, k.Help, k.ForceQuit},
		},
	}
}

// lastIndex is the highest selectable index: the draft counts as a page
// after the versions when it exists.
func (a *abnScreen) lastIndex() int {
	if a.draft != nil {
		return len(a.versions)
	}
	return max(len(a.versions)-1, 0)
}

func (a *abnScreen) reload(f *booking.CaseFile) {
	a.file = f
	a.versions = f.ABNVersions()
	a.draft, a.draftErr = nil, nil
	if f.ActiveBooking() != nil && a.e.abns != nil {
		a.draft, a.draftErr = a.e.abns.DraftABN(a.e.user, f)
	}
	// Show the newest version, or the draft when nothing was issued.
	a.sel = max(len(a.versions)-1, 0)
	if len(a.versions) == 0 {
		a.sel = 0
	}
	a.offset = 0
	a.layout()
}

// Update implements Screen.
func (a *abnScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case dropReasonMsg:
		if msg.id == a.id {
			a.reasonOn = false
			a.layout()
		}
	case caseLoadedMsg:
		if msg.id != a.id {
			return nil
		}
		if msg.err != nil {
			a.err = msg.err
			a.layout()
			return nil
		}
		a.reload(msg.file)
	case SavedMsg:
		if msg.Case == a.no {
			return loadCaseCmd(a.e.src, a.id, a.no)
		}
	case tea.KeyPressMsg:
		return a.key(msg)
	}
	return nil
}

func (a *abnScreen) key(kp tea.KeyPressMsg) tea.Cmd {
	k := a.e.keys
	if a.reasonOn {
		switch {
		case key.Matches(kp, k.Back):
			if a.Dirty() {
				return askDropReason(a.id)
			}
			a.reasonOn = false
		case key.Matches(kp, k.Open):
			if strings.TrimSpace(a.reason.Value()) == "" {
				return errCmd(fmt.Errorf("a cancellation notice needs a reason"))
			}
			a.reasonOn = false
			return confirmFirst(fmt.Sprintf("Issue the cancellation notice of %s?", a.no), cancelABNCmd(a.e, a.no, a.reason.Value()))
		default:
			a.reason.update(kp)
		}
		a.layout()
		return nil
	}
	if a.departOn {
		a.departOn = false
		a.layout()
		if key.Matches(kp, k.Confirm) {
			return departABNCmd(a.e, a.no)
		}
		return nil
	}
	page := max(a.h-2, 1)
	switch {
	case key.Matches(kp, k.Back):
		return msgCmd(BackMsg{})
	case key.Matches(kp, k.Issue):
		if a.canIssue() {
			return issueABNCmd(a.e, a.no)
		}
		if a.draftErr != nil {
			return errCmd(a.draftErr)
		}
		return errCmd(fmt.Errorf("case %s has no active booking to notify", a.no))
	case key.Matches(kp, k.Copy):
		if a.file != nil && a.file.Case.ABNNumber != "" {
			no := a.file.Case.ABNNumber
			return tea.Batch(tea.SetClipboard(no), msgCmd(InfoMsg{Text: "copied " + no}))
		}
		return errCmd(fmt.Errorf("%s has no ABN number yet: issue the ABN first", a.no))
	case key.Matches(kp, k.MarkSent):
		if a.canSend() {
			v := a.latest().Version
			return confirmFirst(fmt.Sprintf("Mark ABN version %d of %s sent?", v, a.no), markSentCmd(a.e, a.no, v))
		}
	case key.Matches(kp, k.CancelNotice):
		if a.canCancel() {
			a.reasonOn = true
			a.reason.SetValue("")
		}
	case key.Matches(kp, k.Depart):
		if a.canDepart() {
			// Refused before the first flight's date (less the tolerance);
			// otherwise asked, naming the flight date.
			if err := a.e.abns.DepartureCheck(a.file, a.e.today()); err != nil {
				return errCmd(err)
			}
			a.departOn, a.departDay = true, a.file.ActiveBooking().Segments[0].Depart.Date()
		}
	case key.Matches(kp, k.PrevVersion):
		a.sel = max(a.sel-1, 0)
		a.offset = 0
	case key.Matches(kp, k.NextVersion):
		a.sel = min(a.sel+1, a.lastIndex())
		a.offset = 0
	default:
		a.offset, _ = moveCursor(k, kp, a.offset, len(a.lines)+1, page)
	}
	a.layout()
	return nil
}

// shown returns the ABN on screen and whether it is the unissued draft.
func (a *abnScreen) shown() (*booking.ABN, bool) {
	if a.sel < len(a.versions) {
		return &a.versions[a.sel], false
	}
	return a.draft, a.draft != nil
}

func (a *abnScreen) layout() {
	st := a.e.st
	var l []string
	switch {
	case a.err != nil:
		l = append(l, st.Error.Render(st.ErrGlyph+" "+printable(a.err.Error())))
	case a.file == nil:
		l = append(l, st.Muted.Render("Loading "+printable(a.no)+"…"))
	default:
		cur, isDraft := a.shown()
		var head string
		switch {
		case cur == nil:
			head = st.Muted.Render(sprintf("No ABN for %s yet and no active booking to notify.", a.no))
		case isDraft:
			head = st.Warning.Render(sprintf("%s DRAFT %s v%d (%s): not issued. Press %s to issue.", st.WarnGlyph, cur.Number, cur.Version, cur.Type, a.e.keys.Issue.Help().Key))
		case cur.Sent:
			head = st.OK.Render(sprintf("%s %s · version %d of %d · sent %s by %s", st.OKGlyph, cur.Number, cur.Version, len(a.versions), cur.SentAt.Format("2006-01-02 15:04"), cur.SentBy))
		default:
			head = st.Warning.Render(sprintf("%s %s · version %d of %d · NOT SENT", st.WarnGlyph, cur.Number, cur.Version, len(a.versions)))
		}
		l = append(l, head)
		if cur != nil && !cur.Sent {
			// The four-eyes check: why S would be refused, before it is.
			if line, warn := reviewLine(a.file, a.e.review, st); line != "" {
				style := st.Muted
				if warn {
					style = st.Warning
				}
				for _, w := range strings.Split(wordWrap(printable(line), max(20, a.w)), "\n") {
					l = append(l, style.Render(w))
				}
			}
		}
		if a.draft != nil && !isDraft && a.draft.Type == booking.ABNUpdate {
			l = append(l, st.Warning.Render(fmt.Sprintf("%s The booking changed since version %d: press %s to issue an update (] shows it).",
				st.WarnGlyph, a.draft.Version-1, a.e.keys.Issue.Help().Key)))
		}
		if a.reasonOn {
			l = append(l, st.Accent.Render("Cancellation reason: ")+a.reason.view(true, a.w-25))
		}
		if a.departOn {
			l = append(l, st.Warning.Render(fmt.Sprintf("%s Issue the departure notice of %s, first flight %s? (%s/%s)", st.WarnGlyph,
				a.no, a.departDay, a.e.keys.Confirm.Help().Key, a.e.keys.Deny.Help().Key)))
		}
		if cur != nil {
			doc := *cur
			if isDraft {
				// Nobody issued a draft: the time and author come with i.
				doc.IssuedAt, doc.IssuedBy = time.Time{}, ""
			}
			l = append(l, "")
			for _, line := range strings.Split(strings.TrimRight(doc.Text(), "\n"), "\n") {
				l = append(l, wrapHanging(line, a.w)...)
			}
		}
	}
	a.lines = l
	a.offset = max(0, min(a.offset, len(l)-a.h))
}

// View implements Screen.
func (a *abnScreen) View() string {
	if a.lines == nil {
		a.layout()
	}
	end := min(len(a.lines), a.offset+a.h)
	return clip(strings.Join(a.lines[a.offset:end], "\n"), a.w, a.h)
}

// wordWrap wraps s to w cells at spaces only (a date or code such as
// 1979-02-03 stays whole), cutting a word wider than w.
func wordWrap(s string, w int) string {
	// ansi.Wordwrap always breaks after '-': hide hyphens from it.
	s = strings.ReplaceAll(s, "-", "\u2011")
	return strings.ReplaceAll(ansi.Hardwrap(ansi.Wordwrap(s, w, ""), w, true), "\u2011", "-")
}

// wrapHanging wraps a plain line to w cells at spaces, continuation lines
// indented under the text after the line's leading blanks and bullet
// ("  * "), so a long change keeps its new value on screen.
func wrapHanging(line string, w int) []string {
	if w <= 0 || ansi.StringWidth(line) <= w {
		return []string{line}
	}
	indent := len(line) - len(strings.TrimLeft(line, " "))
	if strings.HasPrefix(line[indent:], "* ") {
		indent += 2
	}
	if indent > w/2 {
		indent = 0
	}
	pad := strings.Repeat(" ", indent)
	first := wordWrap(line, w)
	lines := strings.Split(first, "\n")
	if len(lines) == 1 {
		return lines
	}
	rest := strings.Join(lines[1:], " ")
	out := []string{lines[0]}
	for _, r := range strings.Split(wordWrap(rest, w-indent), "\n") {
		out = append(out, pad+r)
	}
	return out
}
