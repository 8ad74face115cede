package desk

import (
	"errors"
	"fmt"
	"slices"

	"movedesk/booking"
	"movedesk/store"
	"movedesk/tariffs"
)

// FindCase returns the case number id names: a case number, or the number
// of an ABN held by a case on this desk.
func (d *Service) FindCase(id string) (string, error) {
	if booking.ValidCaseNumber(id) {
		return id, nil
	}
	return d.s.FindByABN(id)
}

// ABNFares prices the case's active booking per traveller for its ABN, dated
// today.
func (d *Service) ABNFares(f *booking.CaseFile, today booking.Date) []booking.ABNFare {
	b := f.ActiveBooking()
	if b == nil {
		return nil
	}
	if len(b.Fares) > 0 {
		return slices.Clone(b.Fares) // what was booked
	}
	var ts []booking.Traveller
	for _, m := range b.Travellers {
		if t := f.Traveller(m); t != nil {
			ts = append(ts, *t)
		}
	}
	res := d.Quote(tariffs.QuoteRequest{Segments: b.Segments, Travellers: ts, Programme: f.Case.Programme,
		BookingDate: today, EscortSeats: b.EscortSeats})
	return res.Fares()
}

// DraftABN returns the ABN that issuing would produce now for case file f
// (the first notice or an update), without writing anything.
func (d *Service) DraftABN(actor string, f *booking.CaseFile) (*booking.ABN, error) {
	names, err := d.escortNames(f)
	if err != nil {
		return nil, err
	}
	return f.DraftABN(booking.ABNRequest{Type: f.NextABNType(), Fares: d.ABNFares(f, d.today()), By: actor, At: d.now(), Desk: d.s.Desk(), EscortNames: names})
}

// escortNames maps the escorts of f's trips to their names in the pool
// (only read when the case has escort trips).
func (d *Service) escortNames(f *booking.CaseFile) (map[string]string, error) {
	if len(f.EscortTrips) == 0 {
		return nil, nil
	}
	pool, err := d.s.Escorts()
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(pool))
	for _, e := range pool {
		names[e.ID] = e.Name
	}
	return names, nil
}

// refused words a refusal of action on case file f with the case and its
// status, keeping the domain error's code and field.
func refused(f *booking.CaseFile, action string, err error) error {
	var be *booking.Error
	if !errors.As(err, &be) {
		return fmt.Errorf("%s refused: %w (case %s is %s)", action, err, f.Case.Number, f.Case.Status)
	}
	return booking.Errorf(be.Code, be.Field, "%s refused: %s (case %s is %s)", action, be.Message, f.Case.Number, f.Case.Status)
}

// issue issues the next ABN version of type typ on case no in one
// transaction; check (optional) refuses it first.
func (d *Service) issue(actor, no, action string, typ booking.ABNType, reason string, check func(f *booking.CaseFile) error) (*booking.ABN, error) {
	var out *booking.ABN
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(f); err != nil {
				return refused(f, action, err)
			}
		}
		t := typ
		if t == "" {
			t = f.NextABNType()
		}
		var fares []booking.ABNFare
		if t == booking.ABNIssue || t == booking.ABNUpdate {
			fares = d.ABNFares(f, d.today())
		}
		var names map[string]string
		if len(f.EscortTrips) > 0 {
			pool, err := tx.Escorts()
			if err != nil {
				return err
			}
			names = map[string]string{}
			for _, e := range pool {
				names[e.ID] = e.Name
			}
		}
		a, recs, err := f.IssueABN(booking.ABNRequest{Type: t, Reason: reason, Fares: fares, By: actor, At: d.now(), Desk: tx.Desk(), EscortNames: names})
		if err != nil {
			return refused(f, action, err)
		}
		for _, r := range recs {
			if err := tx.Put(r); err != nil {
				return err
			}
		}
		out = a
		return nil
	})
	return out, err
}

// IssueABN issues the case's ABN, or an update when one is in force,
// from its active booking with the fares quoted today. Only a booked,
// abn-sent or ready-to-depart case has an ABN to issue.
func (d *Service) IssueABN(actor, no string) (*booking.ABN, error) {
	if err := d.allow(actor, booking.ActIssueABN); err != nil {
		return nil, err
	}
	return d.issue(actor, no, "ABN issue", "", "", func(f *booking.CaseFile) error {
		switch f.Case.Status {
		case booking.StatusBooked, booking.StatusABNSent, booking.StatusReadyToDepart:
			return nil
		}
		return booking.Errorf(booking.ECONFLICT, "status", "an ABN is issued for a booked, abn-sent or ready-to-depart case")
	})
}

// CancelABN issues a cancellation notice with reason: the active booking
// is cancelled and the case steps back to travel-ready (unless it is
// cancelled). A departed case cannot be cancelled.
func (d *Service) CancelABN(actor, no, reason string) (*booking.ABN, error) {
	if err := d.allow(actor, booking.ActCancelABN); err != nil {
		return nil, err
	}
	return d.issue(actor, no, "ABN cancellation", booking.ABNCancellation, reason, func(f *booking.CaseFile) error {
		if f.Case.Status == booking.StatusDeparted {
			return booking.Errorf(booking.ECONFLICT, "status", "the case has departed")
		}
		return nil
	})
}

// DepartABN issues the departure notification of a ready-to-depart case,
// moving it to departed. It is refused before the first flight's date minus
// the departure tolerance (see DepartureCheck).
func (d *Service) DepartABN(actor, no string) (*booking.ABN, error) {
	if err := d.allow(actor, booking.ActDepartABN); err != nil {
		return nil, err
	}
	return d.issue(actor, no, "departure notice", booking.ABNDeparture, "", func(f *booking.CaseFile) error {
		return d.departureCheck(f, d.today())
	})
}

// DepartureCheck reports why the departure notice of case file f cannot be
// issued on day today, naming the case and its status: the case must be
// ready to depart (or departed), have an active booking, and today must be
// no earlier than the first flight's date minus the departure tolerance
// (rules.departure_tolerance_days).
func (d *Service) DepartureCheck(f *booking.CaseFile, today booking.Date) error {
	if err := d.departureCheck(f, today); err != nil {
		return refused(f, "departure notice", err)
	}
	return nil
}

func (d *Service) departureCheck(f *booking.CaseFile, today booking.Date) error {
	if st := f.Case.Status; st != booking.StatusReadyToDepart && st != booking.StatusDeparted {
		return booking.Errorf(booking.ECONFLICT, "status", "a departure notice needs a ready-to-depart case")
	}
	b := f.ActiveBooking()
	if b == nil || len(b.Segments) == 0 {
		return booking.Errorf(booking.ECONFLICT, "booking", "the case has no active booking to depart on")
	}
	return f.DepartureDue(today, d.cfg.Rules.DepartureToleranceDays)
}

// MarkABNSent records that version v (0: the latest) of the case's ABN went
// out; sending an issue or update moves a booked case to abn-sent. Under
// the office's four-eyes policy an issue or update needs a team leader's
// approval of the booking as it is (booking.CaseFile.CheckFourEyes).
func (d *Service) MarkABNSent(actor, no string, v int) (*booking.ABN, error) {
	if err := d.allow(actor, booking.ActSendABN); err != nil {
		return nil, err
	}
	var out *booking.ABN
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		if v == 0 {
			last := f.LatestABN()
			if last == nil {
				return refused(f, "ABN send", booking.Errorf(booking.ENOTFOUND, "abn", "the case has no ABN"))
			}
			v = last.Version
		}
		if a := f.ABNVersion(v); a != nil && !a.Sent && (a.Type == booking.ABNIssue || a.Type == booking.ABNUpdate) {
			p, err := tx.FourEyes(f.Case.Office)
			if err != nil {
				return err
			}
			if err := f.CheckFourEyes(p); err != nil {
				return refused(f, "ABN send", err)
			}
		}
		recs, err := f.MarkABNSent(v, actor, d.now())
		if err != nil {
			return refused(f, "ABN send", err)
		}
		for _, r := range recs {
			if err := tx.Put(r); err != nil {
				return err
			}
			if a, ok := r.(*booking.ABN); ok {
				out = a
			}
		}
		return nil
	})
	return out, err
}
