package tui

import (
	"strings"
	"testing"
	"time"

	"movedesk/booking"
)

// fakeReview is a ReviewDesk over a memSource with every programme under
// the check, judged by the booking functions package desk calls.
type fakeReview struct {
	src   *memSource
	users []booking.User
	now   func() time.Time
}

func (f *fakeReview) Requires(office, programme string) bool { return true }

func (f *fakeReview) Reviews(all bool) ([]ReviewEntry, error) {
	rows, _ := f.src.Rows()
	var out []ReviewEntry
	for _, s := range rows {
		if s.Status != booking.StatusBooked {
			continue
		}
		file, _ := f.src.CaseFile(s.Number)
		st, r := file.ReviewState()
		if !all && st != booking.ReviewAwaiting {
			continue
		}
		b := file.ActiveBooking()
		e := ReviewEntry{Summary: s, State: st, BookedBy: b.BookedBy, BookedOn: b.BookedOn}
		if st != booking.ReviewAwaiting && r != nil {
			e.By, e.Reason = r.By, r.Reason
		}
		out = append(out, e)
	}
	return out, nil
}

func (f *fakeReview) decide(actor, no string, d booking.ReviewDecision, reason string) error {
	users := map[string]booking.User{}
	for _, u := range f.users {
		users[u.Name] = u
	}
	if err := booking.Authorize(users, actor, booking.ActReview); err != nil {
		return err
	}
	f.src.mu.Lock()
	defer f.src.mu.Unlock()
	file := f.src.files[no]
	recs, err := file.Decide(d, actor, reason, f.now())
	if err != nil {
		return err
	}
	for _, r := range recs {
		switch r := r.(type) {
		case *booking.Review:
			file.Review = r
		case *booking.Case:
			file.Case = *r
		}
	}
	return nil
}

func (f *fakeReview) Approve(actor, no string) error {
	return f.decide(actor, no, booking.ReviewApproved, "")
}

func (f *fakeReview) Reject(actor, no, reason string) error {
	return f.decide(actor, no, booking.ReviewRejected, reason)
}

// TestReviewScreen: the Review screen lists the bookings awaiting
// approval; x asks a reason (required) and rejects, the case goes back
// to who booked it with the reason on its screen; a approves after y;
// nobody approves their own booking.
func TestReviewScreen(t *testing.T) {
	m, src, _ := teamModel(t, 40, "tara.leader", teamUsers("tara.leader"))
	keys(t, m, "A")
	golden(t, "review", m)
	first := m.top().(*reviewScreen).selected()
	// A reason is required; the prompt stays.
	keys(t, m, "x", "enter")
	if scr := screen(m); !strings.Contains(scr, "a rejection needs a reason") || !strings.Contains(scr, "Reject "+first+", reason:") {
		t.Fatalf("empty reason:\n%s", scr)
	}
	typeText(t, m, "book the morning flight")
	golden(t, "review_reject", m)
	src.files[first].Case.Assignee = "tara.leader"
	keys(t, m, "enter")
	f := src.files[first]
	if st, r := f.ReviewState(); st != booking.ReviewIsRejected || r.Reason != "book the morning flight" || f.Case.Assignee != "amina.idrissi" {
		t.Fatalf("after reject: %s %+v assignee %s", st, r, f.Case.Assignee)
	}
	for _, e := range m.top().(*reviewScreen).entries {
		if e.Summary.Number == first {
			t.Fatalf("a rejected booking still listed:\n%s", screen(m))
		}
	}
	// The case screen shows the reason.
	send(t, m, OpenCaseMsg{Number: first})
	if scr := screen(m); !strings.Contains(scr, "✗ booking rejected by tara.leader: book the morning flight") {
		t.Fatalf("case screen:\n%s", scr)
	}
	keys(t, m, "esc")
	// So does the ABN screen, where S would be refused.
	send(t, m, ABNMsg{Number: first})
	if scr := screen(m); !strings.Contains(scr, "✗ booking rejected by tara.leader: book the morning flight") {
		t.Fatalf("ABN screen:\n%s", scr)
	}
	keys(t, m, "esc")
	// Approve the next after y.
	next := m.top().(*reviewScreen).selected()
	keys(t, m, "a")
	if scr := screen(m); !strings.Contains(scr, "Approve the booking of "+next) {
		t.Fatalf("no question:\n%s", scr)
	}
	keys(t, m, "y")
	if st, r := src.files[next].ReviewState(); st != booking.ReviewIsApproved || r.By != "tara.leader" {
		t.Fatalf("after approve: %s %+v", st, r)
	}
	if scr := screen(m); !strings.Contains(scr, "approved; its ABN may be sent") {
		t.Fatalf("footer:\n%s", scr)
	}
	// tab shows the decided ones too.
	keys(t, m, "tab")
	if scr := screen(m); !strings.Contains(scr, "✓ approved") || !strings.Contains(scr, "✗ rejected") {
		t.Fatalf("all:\n%s", scr)
	}
}

// TestReviewOwnBookingRefused: the booking's author, though a team leader,
// may not approve it; an associate may not approve at all.
func TestReviewOwnBookingRefused(t *testing.T) {
	users := teamUsers("tara.leader")
	users[0].Role = booking.RoleTeamLeader // amina.idrissi booked the fixture's cases
	m, src, _ := teamModel(t, 20, "amina.idrissi", users)
	keys(t, m, "A", "a", "y")
	no := m.top().(*reviewScreen).selected()
	if scr := screen(m); !strings.Contains(scr, "may not approve their own booking") {
		t.Fatalf("own approval:\n%s", scr)
	}
	if src.files[no].Review != nil {
		t.Fatal("an own approval was written")
	}
	m, _, _ = teamModel(t, 20, "omar.benali", teamUsers("tara.leader"))
	keys(t, m, "A", "a", "y")
	if scr := screen(m); !strings.Contains(scr, "omar.benali (associate) may not approve or reject bookings") {
		t.Fatalf("associate approval:\n%s", scr)
	}
}
