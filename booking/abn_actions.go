package booking

import (
	"slices"
	"strings"
	"time"
)

// Book records booking b as the case's active booking: an earlier active
// booking is marked replaced, the case moves to booked (stepping back from
// abn-sent or ready-to-depart, since the receiving side must be told again)
// and its departure date follows the new itinerary. A new booking gets an
// id made at desk (see NewID). It returns the records to write, in one
// transaction.
func (f *CaseFile) Book(b Booking, desk string) ([]Record, error) {
	c := f.Case
	switch c.Status {
	case StatusTravelReady, StatusBooked, StatusABNSent, StatusReadyToDepart:
	default:
		return nil, Errorf(ECONFLICT, "status", "case %s is %s; only travel-ready or booked cases can be booked", c.Number, c.Status)
	}
	b.Case, b.Status = c.Number, BookingActive
	if b.ID == "" {
		b.ID = NewID("b", len(f.Bookings)+1, desk, func(id string) bool {
			return slices.ContainsFunc(f.Bookings, func(o Booking) bool { return o.ID == id })
		})
	}
	for _, m := range b.Travellers {
		if f.Traveller(m) == nil {
			return nil, Errorf(EINVALID, "travellers", "case %s has no traveller %d", c.Number, m)
		}
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	recs := f.settledBookings()
	for i := range f.Bookings {
		old := f.Bookings[i]
		if old.Status == BookingActive && old.ID != b.ID {
			old.Status = BookingReplaced
			recs = append(recs, &old)
		}
	}
	for c.Status != StatusBooked {
		next := StatusBooked
		if c.Status == StatusReadyToDepart {
			next = StatusABNSent
		}
		if err := c.Transition(next, ""); err != nil {
			return nil, err
		}
	}
	c.Departure = b.Departure().Date()
	return append(recs, &b, &c), nil
}

// IssueABN drafts the next ABN version (see DraftABN) and applies what it
// means to the case: the case keeps the ABN number; a cancellation notice
// cancels the active booking, clears the departure and, unless the case is
// cancelled, steps it back to travel-ready for rebooking; a departure
// notification moves a ready-to-depart case to departed. It returns the ABN
// and the records to write in one transaction.
func (f *CaseFile) IssueABN(req ABNRequest) (*ABN, []Record, error) {
	a, err := f.DraftABN(req)
	if err != nil {
		return nil, nil, err
	}
	c := f.Case
	c.ABNNumber = a.Number
	recs := []Record{a}
	switch req.Type {
	case ABNCancellation:
		recs = append(recs, f.settledBookings()...)
		if b := f.ActiveBooking(); b != nil {
			cb := *b
			cb.Status, cb.Reason = BookingCancelled, a.Reason
			recs = append(recs, &cb)
		}
		c.Departure = Date{}
		for c.Status == StatusReadyToDepart || c.Status == StatusABNSent || c.Status == StatusBooked {
			next := map[Status]Status{StatusReadyToDepart: StatusABNSent, StatusABNSent: StatusBooked, StatusBooked: StatusTravelReady}[c.Status]
			if err := c.Transition(next, ""); err != nil {
				return nil, nil, err
			}
		}
	case ABNDeparture:
		if c.Status == StatusReadyToDepart {
			g := *f
			g.Case = c
			if err := g.MoveTo(StatusDeparted, ""); err != nil {
				return nil, nil, err
			}
			c = g.Case
		}
	}
	return a, append(recs, &c), nil
}

// MarkABNSent records that version v of the case's ABN went out. Sending an
// issue or update moves a booked case to abn-sent.
func (f *CaseFile) MarkABNSent(v int, by string, at time.Time) ([]Record, error) {
	var a *ABN
	if x := f.ABNVersion(v); x != nil {
		y := *x
		a = &y
	}
	if a == nil {
		return nil, Errorf(ENOTFOUND, "version", "case %s has no ABN version %d", f.Case.Number, v)
	}
	if a.Sent {
		return nil, Errorf(ECONFLICT, "sent", "%s was already marked sent by %s", a.Title(), a.SentBy)
	}
	if last := f.LatestABN(); last != nil && last.Key() != a.Key() {
		return nil, Errorf(ECONFLICT, "version", "version %d is superseded by version %d; send that one", v, last.Version)
	}
	a.Sent, a.SentBy, a.SentAt = true, strings.TrimSpace(by), at.UTC().Truncate(time.Second)
	recs := []Record{a}
	if (a.Type == ABNIssue || a.Type == ABNUpdate) && f.Case.Status == StatusBooked {
		c := f.Case
		if err := c.Transition(StatusABNSent, ""); err != nil {
			return nil, err
		}
		recs = append(recs, &c)
	}
	return recs, nil
}
