package demo

import "movedesk/booking"

// inOrder puts a case's records in the order a desk would have written
// them, so every write passes the store's invariants (and a hub's, when a
// demo store syncs): the case is created at intake, then steps through the
// state machine as its booking and ABN versions appear, and ends as drawn.
func inOrder(recs []booking.Record) []booking.Record {
	var final *booking.Case
	var rest, bookings, notices, closing []booking.Record
	for _, r := range recs {
		switch v := r.(type) {
		case *booking.Case:
			final = v
		case *booking.Booking:
			bookings = append(bookings, r)
		case *booking.ABN:
			if v.Type == booking.ABNIssue || v.Type == booking.ABNUpdate {
				notices = append(notices, r)
			} else {
				closing = append(closing, r)
			}
		default:
			rest = append(rest, r)
		}
	}
	if final == nil {
		return recs
	}
	path := []booking.Status{booking.StatusReceived, booking.StatusDataEntry, booking.StatusTravelReady,
		booking.StatusBooked, booking.StatusABNSent, booking.StatusReadyToDepart, booking.StatusDeparted}
	at := map[booking.Status]int{}
	for i, s := range path {
		at[s] = i
	}
	reached := final.Status
	if reached == booking.StatusOnHold || reached == booking.StatusCancelled {
		reached = final.HeldFrom
		if reached == "" {
			reached = booking.StatusReceived
			for _, r := range recs {
				if a, ok := r.(*booking.ABN); ok && a.Sent && (a.Type == booking.ABNIssue || a.Type == booking.ABNUpdate) {
					reached = booking.StatusABNSent
				} else if _, ok := r.(*booking.Booking); ok && reached == booking.StatusReceived {
					reached = booking.StatusBooked
				}
			}
			if reached == booking.StatusReceived && !final.TravelReady.IsZero() {
				reached = booking.StatusTravelReady
			}
		}
	}
	// Without the evidence a step needs (demo data made without routes has
	// no booking and no ABN) the case stops where a desk would have.
	sentNotice, departure := false, false
	for _, r := range notices {
		sentNotice = sentNotice || r.(*booking.ABN).Sent
	}
	for _, r := range closing {
		departure = departure || r.(*booking.ABN).Type == booking.ABNDeparture
	}
	active := false
	for _, r := range bookings {
		active = active || r.(*booking.Booking).Status == booking.BookingActive
	}
	capAt := booking.StatusDeparted
	switch {
	case !active:
		capAt = booking.StatusTravelReady
	case !sentNotice:
		capAt = booking.StatusBooked
	case !departure:
		capAt = booking.StatusReadyToDepart
	}
	fc := *final
	final = &fc
	if at[reached] > at[capAt] {
		reached = capAt
		if final.Status == booking.StatusOnHold {
			final.HeldFrom = capAt
		} else if final.Status != booking.StatusCancelled {
			final.Status = capAt
		}
	}
	step := func(s booking.Status) booking.Record {
		c := *final
		c.Status, c.HeldFrom, c.StatusReason = s, "", ""
		return &c
	}
	start := min(at[reached], at[booking.StatusTravelReady])
	out := append(make([]booking.Record, 0, len(recs)+5), step(path[start]))
	out = append(out, rest...)
	lastStep := 0
	for i := start + 1; i <= at[reached]; i++ {
		switch path[i] {
		case booking.StatusBooked:
			out = append(out, bookings...)
			bookings = nil
		case booking.StatusABNSent:
			out = append(out, notices...)
			notices = nil
		case booking.StatusDeparted:
			out = append(out, closing...)
			closing = nil
		}
		lastStep = len(out)
		out = append(out, step(path[i]))
	}
	out = append(out, bookings...)
	out = append(out, notices...)
	out = append(out, closing...)
	if final.Status != reached || final.HeldFrom != "" || final.StatusReason != "" {
		out = append(out, final)
	} else {
		out[lastStep] = final // the last step is the case as drawn
	}
	return out
}
