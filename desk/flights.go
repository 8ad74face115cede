package desk

import (
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
