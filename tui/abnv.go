package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// abnFares prices the case's active booking per traveller for the ABN.
func abnFares(q Quoter, f *booking.CaseFile, today booking.Date) []booking.ABNFare {
	b := f.ActiveBooking()
	if q == nil || b == nil {
		return nil
	}
	var ts []booking.Traveller
	for _, m := range b.Travellers {
		if t := f.Traveller(m); t != nil {
			ts = append(ts, *t)
		}
	}
	res := q.Quote(QuoteRequest{Segments: b.Segments, Travellers: ts, Programme: f.Case.Programme, BookingDate: today, EscortSeats: b.EscortSeats})
	var out []booking.ABNFare
	for _, l := range res.Lines {
		out = append(out, booking.ABNFare{Traveller: l.Traveller, Escort: l.Escort, Name: l.Name, PaxType: l.PaxType, USDCents: l.USD})
	}
	return out
}

// issueABNCmd issues the next ABN version of type typ in one transaction.
func issueABNCmd(e *env, no string, typ booking.ABNType, reason string) tea.Cmd {
	return func() tea.Msg {
		var title string
		err := e.src.Update(e.user, func(tx Tx) error {
			f, err := tx.CaseFile(no)
			if err != nil {
				return err
			}
			var fares []booking.ABNFare
			if typ == booking.ABNIssue || typ == booking.ABNUpdate {
				fares = abnFares(e.quoter, f, e.today())
			}
			a, recs, err := f.IssueABN(booking.ABNRequest{Type: typ, Reason: reason, Fares: fares, By: e.user, At: e.now(), Desk: tx.Desk()})
			if err != nil {
				return err
			}
			title = a.Title()
			for _, r := range recs {
				if err := tx.Put(r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return ErrMsg{err}
		}
		return SavedMsg{Case: no, What: title + " issued"}
	}
}

// markSentCmd marks ABN version v sent.
func markSentCmd(e *env, no string, v int) tea.Cmd {
	return func() tea.Msg {
		err := e.src.Update(e.user, func(tx Tx) error {
			f, err := tx.CaseFile(no)
			if err != nil {
				return err
			}
			recs, err := f.MarkABNSent(v, e.user, e.now())
			if err != nil {
				return err
			}
			for _, r := range recs {
				if err := tx.Put(r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return ErrMsg{err}
		}
		return SavedMsg{Case: no, What: fmt.Sprintf("ABN version %d of %s marked sent", v, no)}
	}
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
	offset   int
	lines    []string
	w, h     int
}

func newABNScreen(e *env, no string) *abnScreen {
	return &abnScreen{e: e, id: newScreenID(), no: no, reason: newField(200, false)}
}

// Init implements Screen.
func (a *abnScreen) Init() tea.Cmd { return loadCaseCmd(a.e.src, a.id, a.no) }

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
func (a *abnScreen) Capturing() bool { return a.reasonOn }

// Dirty implements Dirtier: a typed cancellation reason is unsaved input.
func (a *abnScreen) Dirty() bool { return a.reasonOn && a.reason.Value() != "" }

func (a *abnScreen) latest() *booking.ABN {
	if a.file == nil {
		return nil
	}
	return a.file.LatestABN()
}

// What the actions may do now; the same checks the domain makes, so keys
// that cannot work vanish from help.
func (a *abnScreen) canIssue() bool { return a.draft != nil }
func (a *abnScreen) canSend() bool  { l := a.latest(); return l != nil && !l.Sent }
func (a *abnScreen) canCancel() bool {
	l := a.latest()
	return l != nil && l.Type != booking.ABNCancellation
}
func (a *abnScreen) canDepart() bool {
	l := a.latest()
	return l != nil && a.file != nil && l.Type != booking.ABNCancellation && l.Type != booking.ABNDeparture &&
		(a.file.Case.Status == booking.StatusReadyToDepart || a.file.Case.Status == booking.StatusDeparted)
}

// KeyMap implements Screen.
func (a *abnScreen) KeyMap() help.KeyMap {
	k := a.e.keys
	if a.reasonOn {
		b := []key.Binding{withHelp(k.Open, "issue cancellation"), withHelp(k.Back, "cancel")}
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
	return bindings{
		short: []key.Binding{issue, sent, cancel, depart, prev, next, k.Back},
		full: [][]key.Binding{
			{issue, sent, cancel, depart},
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
	typ := f.NextABNType()
	if f.ActiveBooking() != nil {
		a.draft, a.draftErr = f.DraftABN(booking.ABNRequest{Type: typ, Fares: abnFares(a.e.quoter, f, a.e.today()), By: a.e.user, At: a.e.now()})
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
			a.reasonOn = false
		case key.Matches(kp, k.Open):
			if strings.TrimSpace(a.reason.Value()) == "" {
				return errCmd(fmt.Errorf("a cancellation notice needs a reason"))
			}
			a.reasonOn = false
			return issueABNCmd(a.e, a.no, booking.ABNCancellation, a.reason.Value())
		default:
			a.reason.update(kp)
		}
		a.layout()
		return nil
	}
	page := max(a.h-2, 1)
	switch {
	case key.Matches(kp, k.Back):
		return msgCmd(BackMsg{})
	case key.Matches(kp, k.Issue):
		if a.canIssue() {
			return issueABNCmd(a.e, a.no, a.file.NextABNType(), "")
		}
		if a.draftErr != nil {
			return errCmd(a.draftErr)
		}
		return errCmd(fmt.Errorf("case %s has no active booking to notify", a.no))
	case key.Matches(kp, k.MarkSent):
		if a.canSend() {
			return markSentCmd(a.e, a.no, a.latest().Version)
		}
	case key.Matches(kp, k.CancelNotice):
		if a.canCancel() {
			a.reasonOn = true
			a.reason.SetValue("")
		}
	case key.Matches(kp, k.Depart):
		if a.canDepart() {
			return issueABNCmd(a.e, a.no, booking.ABNDeparture, "")
		}
	case key.Matches(kp, k.PrevVersion):
		a.sel = max(a.sel-1, 0)
		a.offset = 0
	case key.Matches(kp, k.NextVersion):
		a.sel = min(a.sel+1, a.lastIndex())
		a.offset = 0
	case key.Matches(kp, k.Down):
		a.offset++
	case key.Matches(kp, k.Up):
		a.offset--
	case key.Matches(kp, k.PageDown), key.Matches(kp, k.HalfDown):
		a.offset += page
	case key.Matches(kp, k.PageUp), key.Matches(kp, k.HalfUp):
		a.offset -= page
	case key.Matches(kp, k.Top):
		a.offset = 0
	case key.Matches(kp, k.Bottom):
		a.offset = len(a.lines)
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
		l = append(l, st.Error.Render(st.ErrGlyph+" "+a.err.Error()))
	case a.file == nil:
		l = append(l, st.Muted.Render("Loading "+a.no+"…"))
	default:
		cur, isDraft := a.shown()
		var head string
		switch {
		case cur == nil:
			head = st.Muted.Render(fmt.Sprintf("No ABN for %s yet and no active booking to notify.", a.no))
		case isDraft:
			head = st.Warning.Render(fmt.Sprintf("%s DRAFT %s v%d (%s): not issued. Press %s to issue.", st.WarnGlyph, cur.Number, cur.Version, cur.Type, a.e.keys.Issue.Help().Key))
		case cur.Sent:
			head = st.OK.Render(fmt.Sprintf("%s %s · version %d of %d · sent %s by %s", st.OKGlyph, cur.Number, cur.Version, len(a.versions), cur.SentAt.Format("2006-01-02 15:04"), cur.SentBy))
		default:
			head = st.Warning.Render(fmt.Sprintf("%s %s · version %d of %d · NOT SENT", st.WarnGlyph, cur.Number, cur.Version, len(a.versions)))
		}
		l = append(l, head)
		if a.draft != nil && !isDraft && a.draft.Type == booking.ABNUpdate {
			l = append(l, st.Warning.Render(fmt.Sprintf("%s The booking changed since version %d: press %s to issue an update (] shows it).",
				st.WarnGlyph, a.draft.Version-1, a.e.keys.Issue.Help().Key)))
		}
		if a.reasonOn {
			l = append(l, st.Accent.Render("Cancellation reason: ")+a.reason.view(true, a.w-25))
		}
		if cur != nil {
			l = append(l, "")
			l = append(l, strings.Split(strings.TrimRight(cur.Text(), "\n"), "\n")...)
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
