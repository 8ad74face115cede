package desk

import (
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/store"
)

// publishFourEyes stores office RBA's policy as sync brings it.
func publishFourEyes(t *testing.T, s *store.Store, programmes ...string) {
	t.Helper()
	if err := s.Update("hub", func(tx *store.Tx) error {
		return tx.Put(&booking.FourEyes{Office: "RBA", Programmes: programmes})
	}); err != nil {
		t.Fatal(err)
	}
}

func TestFourEyesAtTheDesk(t *testing.T) {
	fx := newFixture(t)
	publishUsers(t, fx.s)
	if err := fx.s.Update("hub", func(tx *store.Tx) error {
		return tx.Put(&booking.User{Name: "tl2", Office: "RBA", Role: booking.RoleTeamLeader})
	}); err != nil {
		t.Fatal(err)
	}
	publishFourEyes(t, fx.s, "USRAP")
	if _, err := fx.d.Book("associate", fx.no, booking.Booking{Segments: []booking.Segment{fx.seg}}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.IssueABN("associate", fx.no); err != nil {
		t.Fatal(err)
	}
	items, err := fx.d.ReviewList(false)
	if err != nil || len(items) != 1 || items[0].Summary.Number != fx.no || items[0].State != booking.ReviewAwaiting {
		t.Fatalf("review list %+v %v", items, err)
	}
	// Not yet approved: the send is refused and nothing is written.
	before := fx.s.LogLen()
	_, err = fx.d.MarkABNSent("associate", fx.no, 0)
	if booking.ErrorCode(err) != booking.ECONFLICT || !strings.Contains(err.Error(), "awaits a team leader's approval") {
		t.Fatalf("send without approval: %v", err)
	}
	if fx.s.LogLen() != before {
		t.Fatal("a refused send wrote")
	}
	// An associate may not approve; a rejection needs a reason.
	if _, err := fx.d.ApproveBooking("associate", fx.no); booking.ErrorCode(err) != booking.EFORBIDDEN {
		t.Fatalf("associate approves: %v", err)
	}
	if _, err := fx.d.RejectBooking("team-leader", fx.no, "  "); booking.ErrorCode(err) != booking.EINVALID {
		t.Fatalf("reject without reason: %v", err)
	}
	// A rejection sends the case back to who booked it, with the reason.
	if err := fx.d.SetFields("team-leader", fx.no, []store.Assignment{{Path: "assignee", Value: "team-leader"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.RejectBooking("team-leader", fx.no, "take the morning flight"); err != nil {
		t.Fatal(err)
	}
	f, _ := fx.s.CaseFile(fx.no)
	if st, r := f.ReviewState(); st != booking.ReviewIsRejected || r.Reason != "take the morning flight" || f.Case.Assignee != "associate" {
		t.Fatalf("after reject: %s %+v assignee %s", st, r, f.Case.Assignee)
	}
	if _, err = fx.d.MarkABNSent("associate", fx.no, 0); err == nil || !strings.Contains(err.Error(), "take the morning flight") {
		t.Fatalf("send after reject: %v", err)
	}
	if items, _ := fx.d.ReviewList(false); len(items) != 0 {
		t.Fatalf("a rejected booking still awaits: %+v", items)
	}
	// The associate rebooks: it awaits review again.
	seg := fx.seg
	seg.Flight = "102"
	if _, err := fx.d.Book("associate", fx.no, booking.Booking{Segments: []booking.Segment{seg}}, true); err != nil {
		t.Fatal(err)
	}
	if items, _ := fx.d.ReviewList(false); len(items) != 1 {
		t.Fatalf("rebooked: %+v", items)
	}
	// A team leader who booked it may not approve it: four eyes.
	if _, err := fx.d.Book("team-leader", fx.no, booking.Booking{Segments: []booking.Segment{fx.seg}}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.ApproveBooking("team-leader", fx.no); booking.ErrorCode(err) != booking.EFORBIDDEN || !strings.Contains(err.Error(), "own booking") {
		t.Fatalf("own approval: %v", err)
	}
	if _, err := fx.d.ApproveBooking("tl2", fx.no); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.ApproveBooking("tl2", fx.no); err == nil || !strings.Contains(err.Error(), "already approved") {
		t.Fatalf("twice: %v", err)
	}
	// Any later change to the booking voids the approval.
	if _, err := fx.d.Book("associate", fx.no, booking.Booking{Segments: []booking.Segment{seg}}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.d.IssueABN("associate", fx.no); err != nil {
		t.Fatal(err)
	}
	if _, err = fx.d.MarkABNSent("associate", fx.no, 0); err == nil || !strings.Contains(err.Error(), "changed since tl2 approved it") {
		t.Fatalf("send after a change: %v", err)
	}
	if _, err := fx.d.ApproveBooking("team-leader", fx.no); err != nil {
		t.Fatal(err)
	}
	if a, err := fx.d.MarkABNSent("associate", fx.no, 0); err != nil || !a.Sent {
		t.Fatalf("send approved: %+v %v", a, err)
	}
	// Another programme of the office is not under the check.
	if fx.d.CheckFourEyes(&booking.CaseFile{Case: booking.Case{Number: "RBA-2026-000001", Office: "RBA", Programme: "CA-GAR", Status: booking.StatusBooked},
		Bookings: []booking.Booking{{ID: "b1", Status: booking.BookingActive}}}) != nil {
		t.Error("a programme outside the policy is checked")
	}
}

// TestFourEyesRuleInTheStore: the rule holds below the desk too (an
// import, a write that skips the use case).
func TestFourEyesRuleInTheStore(t *testing.T) {
	fx := newFixture(t)
	publishFourEyes(t, fx.s, booking.FourEyesAll)
	if _, err := fx.d.Book("amina", fx.no, booking.Booking{Segments: []booking.Segment{fx.seg}}, true); err != nil {
		t.Fatal(err)
	}
	a, err := fx.d.IssueABN("amina", fx.no)
	if err != nil {
		t.Fatal(err)
	}
	err = fx.s.Update("x", func(tx *store.Tx) error {
		sent := *a
		sent.Sent, sent.SentBy = true, "x"
		return tx.Put(&sent)
	})
	if err == nil || !strings.Contains(err.Error(), "four-eyes") {
		t.Fatalf("store write of a sent ABN: %v", err)
	}
	// An approval from the booking's author is refused in the store too.
	f, _ := fx.s.CaseFile(fx.no)
	b := f.ActiveBooking()
	err = fx.s.Update("amina", func(tx *store.Tx) error {
		return tx.Put(&booking.Review{Case: fx.no, Booking: b.ID, Hash: booking.BookingHash(b), Decision: booking.ReviewApproved, By: "amina"})
	})
	if booking.ErrorCode(err) != booking.EFORBIDDEN {
		t.Fatalf("self approval in the store: %v", err)
	}
}
