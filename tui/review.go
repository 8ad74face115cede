package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// ReviewDesk is the four-eyes check: bookings a team leader approves
// before their ABN is sent, where the office's policy asks for it.
// cmd/movedesk adapts the use-case layer to it.
type ReviewDesk interface {
	// Reviews returns the booked cases under the check: those awaiting a
	// decision, and with all the rejected and approved ones too.
	Reviews(all bool) ([]ReviewEntry, error)
	// Approve approves case no's booking as it is, as actor (a team
	// leader, never the booking's author).
	Approve(actor, no string) error
	// Reject rejects case no's booking with reason; the case goes back to
	// who booked it.
	Reject(actor, no, reason string) error
	// Requires reports whether bookings of programme at office need an
	// approval.
	Requires(office, programme string) bool
}

// ReviewEntry is one booking of the Review queue.
type ReviewEntry struct {
	Summary  booking.Summary
	State    booking.ReviewState
	BookedBy string
	BookedOn booking.Date
	// By and Reason are the decision on the booking as it is (none while
	// awaiting).
	By, Reason string
}

// ReviewMsg opens the Review screen (A, :review).
type ReviewMsg struct{}

type reviewsMsg struct {
	id      int
	entries []ReviewEntry
	err     error
}

// reviewedMsg reports a decision written.
type reviewedMsg struct{ no, what string }

// reviewScreen lists the bookings awaiting a team leader's approval: a
// approves (asking y/n), x rejects with a reason, enter opens the case.
type reviewScreen struct {
	keys *KeyMap
	st   *Styles
	desk ReviewDesk
	user string
	id   int

	all     bool
	entries []ReviewEntry
	err     error
	loaded  bool
	cursor  int
	offset  int
	w, h    int

	// rejecting is the case whose rejection reason is being typed.
	rejecting string
	reason    field
}

func newReviewScreen(keys *KeyMap, st *Styles, d ReviewDesk, user string) *reviewScreen {
	return &reviewScreen{keys: keys, st: st, desk: d, user: user, id: newScreenID(), reason: newField(400, false)}
}

// Init implements Screen: it loads the list.
func (r *reviewScreen) Init() tea.Cmd {
	d, id, all := r.desk, r.id, r.all
	return func() tea.Msg {
		if d == nil {
			return reviewsMsg{id: id, err: fmt.Errorf("the four-eyes check is not available on this desk")}
		}
		es, err := d.Reviews(all)
		return reviewsMsg{id: id, entries: es, err: err}
	}
}

// Title implements Screen.
func (r *reviewScreen) Title() string {
	if r.all {
		return "Review (all booked under the check)"
	}
	return "Review"
}

// SetSize implements Screen.
func (r *reviewScreen) SetSize(w, h int) { r.w, r.h = w, h; r.clamp() }

// Capturing implements Capturer: typing a rejection's reason.
func (r *reviewScreen) Capturing() bool { return r.rejecting != "" }

// Dirtier: a reason typed is unsaved input.
func (r *reviewScreen) Dirty() bool {
	return r.rejecting != "" && strings.TrimSpace(r.reason.Value()) != ""
}

// selected is the case under the cursor ("" with none). Not a
// CaseContext: the breadcrumb would name it as if it were open.
func (r *reviewScreen) selected() string {
	if r.cursor < len(r.entries) {
		return r.entries[r.cursor].Summary.Number
	}
	return ""
}

// Counts implements Counter.
func (r *reviewScreen) Counts() (int, int) {
	n := 0
	for _, e := range r.entries {
		if e.State == booking.ReviewAwaiting {
			n++
		}
	}
	return n, len(r.entries)
}

// Update implements Screen.
func (r *reviewScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case reviewsMsg:
		if msg.id == r.id {
			keep := r.selected()
			r.entries, r.err, r.loaded = msg.entries, msg.err, true
			for i, e := range r.entries {
				if e.Summary.Number == keep {
					r.cursor = i
				}
			}
			r.clamp()
		}
		return nil
	case reviewedMsg:
		if !r.all {
			// Decided: off the list at once (a 100k store reloads it in
			// a second or two).
			r.entries = slices.DeleteFunc(r.entries, func(e ReviewEntry) bool { return e.Summary.Number == msg.no })
			r.clamp()
		}
		return tea.Batch(msgCmd(SavedMsg{Case: msg.no, What: msg.what}), r.Init())
	case rowsMsg:
		return r.Init()
	case tea.PasteMsg:
		if r.rejecting != "" {
			r.reason.paste(msg.Content)
		}
		return nil
	case tea.KeyPressMsg:
		return r.key(msg)
	}
	return nil
}

func (r *reviewScreen) key(kp tea.KeyPressMsg) tea.Cmd {
	k := r.keys
	if r.rejecting != "" {
		switch {
		case key.Matches(kp, k.Back):
			r.rejecting = ""
			r.reason.SetValue("")
		case key.Matches(kp, k.Open):
			why := strings.TrimSpace(r.reason.Value())
			if why == "" {
				return errCmd(fmt.Errorf("a rejection needs a reason: what must the associate change?"))
			}
			no := r.rejecting
			r.rejecting = ""
			r.reason.SetValue("")
			return r.decideCmd(no, why)
		default:
			r.reason.update(kp)
		}
		return nil
	}
	switch {
	case key.Matches(kp, k.Back):
		return msgCmd(BackMsg{})
	case key.Matches(kp, k.Open):
		if no := r.selected(); no != "" {
			return msgCmd(OpenCaseMsg{Number: no})
		}
	case key.Matches(kp, k.Approve):
		e := r.current()
		if e == nil {
			return nil
		}
		if e.State != booking.ReviewAwaiting && e.State != booking.ReviewIsRejected {
			return errCmd(fmt.Errorf("%s: the booking is already %s", e.Summary.Number, e.State))
		}
		no := e.Summary.Number
		return msgCmd(ConfirmMsg{Text: fmt.Sprintf("Approve the booking of %s (by %s) as it is?", no, orDash(e.BookedBy)), Yes: r.decideCmd(no, "")})
	case key.Matches(kp, k.Reject):
		if e := r.current(); e != nil {
			r.rejecting = e.Summary.Number
			r.reason.SetValue("")
		}
	case key.Matches(kp, k.NextTab):
		r.all = !r.all
		return r.Init()
	case key.Matches(kp, k.Reload):
		return r.Init()
	default:
		r.cursor, _ = moveCursor(k, kp, r.cursor, len(r.entries), r.listHeight())
	}
	r.clamp()
	return nil
}

func (r *reviewScreen) current() *ReviewEntry {
	if r.cursor < len(r.entries) {
		return &r.entries[r.cursor]
	}
	return nil
}

// decideCmd approves (reason "") or rejects case no.
func (r *reviewScreen) decideCmd(no, reason string) tea.Cmd {
	d, user := r.desk, r.user
	return func() tea.Msg {
		if reason == "" {
			if err := d.Approve(user, no); err != nil {
				return ErrMsg{refusal("not approved", err)}
			}
			return reviewedMsg{no: no, what: "booking of " + no + " approved; its ABN may be sent"}
		}
		if err := d.Reject(user, no, reason); err != nil {
			return ErrMsg{refusal("not rejected", err)}
		}
		return reviewedMsg{no: no, what: "booking of " + no + " rejected; back to who booked it"}
	}
}

func (r *reviewScreen) listHeight() int { return max(r.h-3, 1) }

func (r *reviewScreen) clamp() {
	r.cursor = max(0, min(r.cursor, len(r.entries)-1))
	lh := r.listHeight()
	if r.cursor < r.offset {
		r.offset = r.cursor
	}
	if r.cursor >= r.offset+lh {
		r.offset = r.cursor - lh + 1
	}
	r.offset = max(0, min(r.offset, len(r.entries)-lh))
}

// View implements Screen.
func (r *reviewScreen) View() string {
	var b strings.Builder
	title := "Bookings awaiting a team leader's approval before their ABN is sent"
	if r.all {
		title = "Booked cases under the four-eyes check"
	}
	b.WriteString(r.st.Title.Render(fit(title, r.w)))
	b.WriteByte('\n')
	switch {
	case r.err != nil:
		b.WriteString(r.st.Error.Render(r.st.ErrGlyph + " " + printable(r.err.Error())))
		return clip(b.String(), r.w, r.h)
	case !r.loaded:
		b.WriteString(r.st.Muted.Render("Loading…"))
		return clip(b.String(), r.w, r.h)
	}
	const caseW, progW, depW, byW, stW = 15, 6, 10, 12, 10
	nameW := max(8, r.w-2-caseW-progW-depW-byW-stW-5)
	row := func(cells ...string) string {
		return fit(cells[0], caseW) + " " + fit(cells[1], nameW) + " " + fit(cells[2], progW) + " " + fit(cells[3], depW) + " " +
			fit(cells[4], byW) + " " + fit(cells[5], stW)
	}
	b.WriteString(r.st.Muted.Render(fit("  "+row("Case", "Principal", "Prog", "Departure", "Booked by", "State"), r.w)))
	b.WriteByte('\n')
	lh := r.listHeight()
	if len(r.entries) == 0 {
		b.WriteString(r.st.Muted.Render("  No booking awaits review."))
		b.WriteByte('\n')
		lh--
	}
	end := min(len(r.entries), r.offset+lh)
	for i := r.offset; i < end; i++ {
		e := r.entries[i]
		s := e.Summary
		state := string(e.State)
		if e.State == booking.ReviewIsRejected {
			state = r.st.ErrGlyph + " " + state
		} else if e.State == booking.ReviewIsApproved {
			state = r.st.OKGlyph + " " + state
		}
		cur := "  "
		if i == r.cursor {
			cur = r.st.Cursor + " "
		}
		text := fit(cur+row(s.Number, s.Principal, s.Programme, s.Departure.String(), orDash(e.BookedBy), state), r.w)
		if i == r.cursor {
			text = r.st.Selected.Render(text)
		}
		b.WriteString(text)
		b.WriteByte('\n')
	}
	for i := end - r.offset; i < lh; i++ {
		b.WriteByte('\n')
	}
	switch e := r.current(); {
	case r.rejecting != "":
		label := fmt.Sprintf("Reject %s, reason: ", r.rejecting)
		b.WriteString(r.st.Accent.Render(label) + r.reason.view(true, max(10, r.w-ansi.StringWidth(label)-1)))
	case e != nil && e.Reason != "":
		b.WriteString(r.st.Warning.Render(fit(fmt.Sprintf("%s rejected by %s: %s", r.st.WarnGlyph, e.By, e.Reason), r.w)))
	case e != nil && e.By != "":
		b.WriteString(r.st.Muted.Render(fit(fmt.Sprintf("approved by %s; booked by %s on %s", e.By, orDash(e.BookedBy), e.BookedOn), r.w)))
	case e != nil:
		b.WriteString(r.st.Muted.Render(fit(fmt.Sprintf("booked by %s on %s; nobody approves their own booking",
			orDash(e.BookedBy), e.BookedOn), r.w)))
	}
	return clip(b.String(), r.w, r.h)
}

// KeyMap implements Screen.
func (r *reviewScreen) KeyMap() help.KeyMap {
	k := r.keys
	if r.rejecting != "" {
		send, cancel := withHelp(k.Open, "reject"), withHelp(k.Back, "cancel")
		return bindings{short: []key.Binding{send, cancel}, full: [][]key.Binding{{send, cancel, k.ForceQuit}}}
	}
	all := withHelp(k.NextTab, "all/awaiting")
	return bindings{
		short: []key.Binding{k.Approve, k.Reject, withHelp(k.Open, "open case"), all, withHelp(k.Back, "back"), k.Help},
		full: [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp},
			{k.Approve, k.Reject, withHelp(k.Open, "open case"), all, withHelp(k.Back, "back"), k.Command, k.Help, k.Quit}},
	}
}

// reviewLine is the case screen's line on the four-eyes check of case
// file f ("" when there is nothing to say), and whether it is a warning.
func reviewLine(f *booking.CaseFile, d ReviewDesk, st *Styles) (string, bool) {
	state, r := f.ReviewState()
	under := d != nil && d.Requires(f.Case.Office, f.Case.Programme)
	switch {
	case state == booking.ReviewIsRejected:
		return fmt.Sprintf("%s booking rejected by %s: %s (change the booking for a new review)", st.ErrGlyph, r.By, r.Reason), true
	case state == booking.ReviewIsApproved:
		return fmt.Sprintf("%s booking approved by %s on %s", st.OKGlyph, r.By, booking.DateOf(r.At)), false
	case state == booking.ReviewAwaiting && r != nil && r.Decision == booking.ReviewApproved && under:
		return fmt.Sprintf("%s the booking changed since %s approved it: it awaits a team leader's approval again", st.WarnGlyph, r.By), true
	case state == booking.ReviewAwaiting && under && f.Case.Status == booking.StatusBooked:
		return st.WarnGlyph + " the booking awaits a team leader's approval before its ABN is sent (four-eyes check)", true
	}
	return "", false
}
