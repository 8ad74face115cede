package desk

import (
	"slices"

	"movedesk/booking"
	"movedesk/store"
)

// ReviewItem is a booked case of the Review queue: a case whose programme
// is under its office's four-eyes policy.
type ReviewItem struct {
	Summary booking.Summary
	State   booking.ReviewState
	// Review is the decision on file (it may be about an earlier version
	// of the booking); Booking is the active booking.
	Review  *booking.Review
	Booking *booking.Booking
}

// ReviewList returns the booked cases under their office's four-eyes
// policy, awaiting review first (then rejected, then approved), oldest
// booking first; with all false only those awaiting review.
func (d *Service) ReviewList(all bool) ([]ReviewItem, error) {
	var out []ReviewItem
	err := d.s.View(func(tx *store.Tx) error {
		rows, err := tx.List(store.Filter{Status: booking.StatusBooked})
		if err != nil {
			return err
		}
		pol := map[string]*booking.FourEyes{}
		for _, s := range rows {
			p, ok := pol[s.Office]
			if !ok {
				if p, err = tx.FourEyes(s.Office); err != nil {
					return err
				}
				pol[s.Office] = p
			}
			if !p.Requires(s.Programme) {
				continue
			}
			// The row has the case fields the review needs: read only the
			// bookings and the decision.
			f := &booking.CaseFile{Case: booking.Case{Number: s.Number, Office: s.Office, Programme: s.Programme, Status: s.Status}}
			if err := tx.Scan(booking.BookingKey(s.Number, ""), f.Add); err != nil {
				return err
			}
			if raw, ok, err := tx.GetRaw(booking.ReviewKey(s.Number)); err != nil {
				return err
			} else if ok {
				if err := f.Add(booking.ReviewKey(s.Number), raw); err != nil {
					return err
				}
			}
			st, r := f.ReviewState()
			if st == booking.ReviewNone || (!all && st != booking.ReviewAwaiting) {
				continue
			}
			b := *f.ActiveBooking()
			out = append(out, ReviewItem{Summary: s, State: st, Review: r, Booking: &b})
		}
		return nil
	})
	rank := map[booking.ReviewState]int{booking.ReviewAwaiting: 0, booking.ReviewIsRejected: 1, booking.ReviewIsApproved: 2}
	slices.SortStableFunc(out, func(a, b ReviewItem) int {
		if x, y := rank[a.State], rank[b.State]; x != y {
			return x - y
		}
		return a.Booking.BookedOn.Time().Compare(b.Booking.BookedOn.Time())
	})
	return out, err
}

// FourEyesPolicy returns office o's four-eyes policy as this desk holds it
// (nil: none published).
func (d *Service) FourEyesPolicy(o string) (*booking.FourEyes, error) { return d.s.FourEyes(o) }

// CheckFourEyes says why case file f's ABN may not be sent yet under its
// office's four-eyes policy (nil when it may).
func (d *Service) CheckFourEyes(f *booking.CaseFile) error {
	p, err := d.s.FourEyes(f.Case.Office)
	if err != nil {
		return err
	}
	return f.CheckFourEyes(p)
}

// ApproveBooking records actor's approval of case no's active booking as
// it is now. Only a team leader approves, never their own booking.
func (d *Service) ApproveBooking(actor, no string) (*booking.Review, error) {
	return d.decide(actor, no, booking.ReviewApproved, "")
}

// RejectBooking records actor's rejection of case no's active booking,
// with the reason; the case goes back to the booking's author.
func (d *Service) RejectBooking(actor, no, reason string) (*booking.Review, error) {
	return d.decide(actor, no, booking.ReviewRejected, reason)
}

func (d *Service) decide(actor, no string, dec booking.ReviewDecision, reason string) (*booking.Review, error) {
	if err := d.allow(actor, booking.ActReview); err != nil {
		return nil, err
	}
	action := "approval"
	if dec == booking.ReviewRejected {
		action = "rejection"
	}
	var out *booking.Review
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		recs, err := f.Decide(dec, actor, reason, d.now())
		if err != nil {
			return refused(f, action, err)
		}
		for _, r := range recs {
			if err := tx.Put(r); err != nil {
				return err
			}
		}
		out = recs[0].(*booking.Review)
		return nil
	})
	return out, err
}
