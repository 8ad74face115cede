package desk

import (
	"slices"

	"movedesk/booking"
	"movedesk/store"
	"movedesk/tariffs"
)

// flightLoadDays is how many days before a flight a case on it may have
// its indexed departure (a later leg of a long itinerary).
const flightLoadDays = 3

// flightLoads returns the other cases' parties on the flights of segs, read
// in tx, for the programme's cap per flight.
func flightLoads(tx *store.Tx, no string, segs []booking.Segment) ([]tariffs.FlightLoad, error) {
	out := []tariffs.FlightLoad{}
	if len(segs) == 0 || segs[0].Depart.IsZero() || segs[len(segs)-1].Depart.IsZero() {
		return out, nil
	}
	from := segs[0].Depart.Date().AddDays(-flightLoadDays)
	cbs, err := tx.ActiveBookingsDeparting(from, segs[len(segs)-1].Depart.Date())
	if err != nil {
		return nil, err
	}
	for _, cb := range cbs {
		b := &cb.Booking
		if b.Case == no {
			continue
		}
		for _, o := range b.Segments {
			for _, s := range segs {
				if o.Carrier == s.Carrier && o.Flight == s.Flight && o.Depart.Date().Equal(s.Depart.Date()) {
					out = append(out, tariffs.FlightLoad{Carrier: o.Carrier, Flight: o.Flight, Date: o.Depart.Date(),
						Case: b.Case, Programme: cb.Programme, Travellers: len(b.Travellers)})
				}
			}
		}
	}
	return out, nil
}

// SetBookingRefs records the airline's references on case no's active
// booking in one transaction: the PNR when pnr is not empty, and the
// ticket numbers given (one per member; a member's earlier number is
// replaced). Both are validated with the booking.
func (d *Service) SetBookingRefs(actor, no, pnr string, tickets []booking.Ticket) (*booking.Booking, error) {
	var out *booking.Booking
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		ab := f.ActiveBooking()
		if ab == nil {
			return booking.Errorf(booking.ECONFLICT, "booking", "case %s has no active booking", no)
		}
		b := *ab
		b.Tickets = slices.Clone(b.Tickets)
		if pnr != "" {
			b.PNR = pnr
		}
		for _, t := range tickets {
			if i := slices.IndexFunc(b.Tickets, func(o booking.Ticket) bool { return o.Member == t.Member }); i >= 0 {
				b.Tickets[i] = t
			} else {
				b.Tickets = append(b.Tickets, t)
			}
		}
		slices.SortFunc(b.Tickets, func(x, y booking.Ticket) int { return x.Member - y.Member })
		if err := b.Validate(); err != nil {
			return err
		}
		if err := tx.Put(&b); err != nil {
			return err
		}
		out = &b
		return nil
	})
	return out, err
}
