package main

import (
	"errors"
	"fmt"
	"sync"

	"movedesk/booking"
	"movedesk/desk"
	"movedesk/tui"
)

// undoLog is the app's undo stack: the changes the signed-in user made in
// this session through the app's screens, last on top. Changes made by CLI
// commands run through the app's socket are not on it (a script undoes its
// own). It implements tui.Undoer.
type undoLog struct {
	mu    sync.Mutex
	d     *desk.Service
	stack []undoEntry
}

// undoEntry is one change of the session; c nil means it cannot be undone,
// and why says so.
type undoEntry struct {
	no, what, why string
	c             *desk.Change
	// more are the other cases' changes of one bulk write (an
	// assignment of marked cases), undone with c in one transaction.
	more []*desk.Change
}

// maxUndo bounds the stack; the oldest changes fall off.
const maxUndo = 200

func newUndoLog(d *desk.Service) *undoLog { return &undoLog{d: d} }

func (u *undoLog) push(e undoEntry) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.stack = append(u.stack, e)
	if len(u.stack) > maxUndo {
		u.stack = append(u.stack[:0], u.stack[len(u.stack)-maxUndo:]...)
	}
}

// track runs write (a desk write of case no by actor) and keeps what it
// changed; a write that created a record is kept as one u cannot undo.
func (u *undoLog) track(actor, no string, write func() error) error {
	if u == nil {
		return write()
	}
	c, err := u.d.Track(actor, no, write)
	if err != nil || c.Empty() {
		return err
	}
	if len(c.Created) > 0 {
		u.push(undoEntry{no: no, what: "adding " + desk.RecordLabel(no, c.Created[0]), why: "records are never deleted"})
		return nil
	}
	u.push(undoEntry{no: no, c: c})
	return nil
}

// final keeps an action u cannot undo, saying why, once it succeeded.
func (u *undoLog) final(no, what, why string, err error) error {
	if err == nil && u != nil {
		u.push(undoEntry{no: no, what: what, why: why})
	}
	return err
}

// Undo implements tui.Undoer: it undoes actor's last change of this
// session. An action that cannot be undone is refused, saying why, and
// leaves the stack (u again goes on to the change before it), as does a
// change whose field another desk changed since; u again goes on to the
// change before.
func (u *undoLog) Undo(actor string) (string, string, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	i := len(u.stack) - 1
	for i >= 0 && u.stack[i].c != nil && u.stack[i].c.Actor != actor {
		i--
	}
	if i < 0 {
		return "", "", errors.New("nothing to undo: no change of yours in this session")
	}
	e := u.stack[i]
	drop := func() { u.stack = append(u.stack[:i], u.stack[i+1:]...) }
	if e.c == nil {
		drop()
		return "", "", fmt.Errorf("cannot undo %s: %s", e.what, e.why)
	}
	what, err := u.d.UndoAll(actor, append([]*desk.Change{e.c}, e.more...))
	if err != nil {
		if c := booking.ErrorCode(err); c == booking.ECONFLICT || c == booking.ENOTFOUND {
			drop()
		}
		return "", "", err
	}
	drop()
	return e.no, what, nil
}

// The tuiDesk writes the app makes, each kept on the undo stack: field
// edits, checklist ticks, counselling and permit fields can be undone;
// the rest are kept as actions u refuses, saying why.

// MoveStatus implements tui.CaseWriter.
func (t tuiDesk) MoveStatus(actor, no string, to booking.Status, reason string) error {
	why := "move it back with m"
	if to == booking.StatusCancelled || to == booking.StatusDeparted {
		why = "irreversible"
	}
	return t.u.final(no, fmt.Sprintf("%s moved to %s", no, to), why, t.Service.MoveStatus(actor, no, to, reason))
}

// IssueABN implements tui.ABNDesk.
func (t tuiDesk) IssueABN(actor, no string) (*booking.ABN, error) {
	a, err := t.Service.IssueABN(actor, no)
	return a, t.u.final(no, "the ABN issue of "+no, "issue an update instead", err)
}

// MarkABNSent implements tui.ABNDesk.
func (t tuiDesk) MarkABNSent(actor, no string, v int) (*booking.ABN, error) {
	a, err := t.Service.MarkABNSent(actor, no, v)
	return a, t.u.final(no, fmt.Sprintf("ABN v%d of %s sent", v, no), "irreversible", err)
}

// CancelABN implements tui.ABNDesk.
func (t tuiDesk) CancelABN(actor, no, reason string) (*booking.ABN, error) {
	a, err := t.Service.CancelABN(actor, no, reason)
	return a, t.u.final(no, "the ABN cancellation of "+no, "irreversible", err)
}

// DepartABN implements tui.ABNDesk.
func (t tuiDesk) DepartABN(actor, no string) (*booking.ABN, error) {
	a, err := t.Service.DepartABN(actor, no)
	return a, t.u.final(no, "the departure of "+no, "irreversible", err)
}

// AddCounsellingAction implements tui.CaseEditor.
func (t tuiDesk) AddCounsellingAction(actor, no string, member int, note string) (string, error) {
	id, err := t.Service.AddCounsellingAction(actor, no, member, note)
	return id, t.u.final(no, "an action item of "+no, "tick it when done", err)
}

// AddCustody implements tui.CustodyDesk.
func (t tuiDesk) AddCustody(actor, no string, member int, doc string, e booking.CustodyEvent) (*booking.Custody, error) {
	c, err := t.Service.AddCustody(actor, no, member, doc, e)
	return c, t.u.final(no, "a custody step of "+no, "the trail only grows", err)
}

// TeamDesk: the office's users and assignment (tui.TeamDesk), a bulk
// assignment kept on the undo stack as one change.
type tuiTeam struct{ t tuiDesk }

// Users implements tui.TeamDesk.
func (tt tuiTeam) Users() ([]booking.User, error) {
	m, err := tt.t.Store().Users("")
	if err != nil {
		return nil, err
	}
	out := make([]booking.User, 0, len(m))
	for _, u := range m {
		out = append(out, u)
	}
	return out, nil
}

// AssignCases implements tui.TeamDesk.
func (tt tuiTeam) AssignCases(actor, to string, cases []string) (int, error) {
	cs, err := tt.t.Service.TrackAssign(actor, to, cases...)
	if err != nil || len(cs) == 0 {
		return 0, err
	}
	if tt.t.u != nil {
		tt.t.u.push(undoEntry{no: cs[0].Case, c: cs[0], more: cs[1:]})
	}
	return len(cs), nil
}

// tuiReview adapts the four-eyes use cases to tui.ReviewDesk; a decision
// is kept as an action u cannot undo (decide again instead).
type tuiReview struct{ t tuiDesk }

// Reviews implements tui.ReviewDesk.
func (tr tuiReview) Reviews(all bool) ([]tui.ReviewEntry, error) {
	items, err := tr.t.ReviewList(all)
	if err != nil {
		return nil, err
	}
	out := make([]tui.ReviewEntry, len(items))
	for i, it := range items {
		out[i] = tui.ReviewEntry{Summary: it.Summary, State: it.State, BookedBy: it.Booking.BookedBy, BookedOn: it.Booking.BookedOn}
		if it.State != booking.ReviewAwaiting && it.Review != nil {
			out[i].By, out[i].Reason = it.Review.By, it.Review.Reason
		}
	}
	return out, nil
}

// Approve implements tui.ReviewDesk.
func (tr tuiReview) Approve(actor, no string) error {
	_, err := tr.t.ApproveBooking(actor, no)
	return tr.t.u.final(no, "the approval of "+no+"'s booking", "a team leader rejects it instead, with a reason", err)
}

// Reject implements tui.ReviewDesk.
func (tr tuiReview) Reject(actor, no, reason string) error {
	_, err := tr.t.RejectBooking(actor, no, reason)
	return tr.t.u.final(no, "the rejection of "+no+"'s booking", "a team leader approves it instead", err)
}

// Requires implements tui.ReviewDesk.
func (tr tuiReview) Requires(office, programme string) bool {
	p, err := tr.t.FourEyesPolicy(office)
	return err == nil && p.Requires(programme)
}
