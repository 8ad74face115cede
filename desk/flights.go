package desk

import (
	"slices"
	"strings"

	"movedesk/booking"
	"movedesk/flights"
	"movedesk/store"
	"movedesk/tariffs"
)

// flightLoads returns the other cases' parties on the flights of segs, read
// in tx over the flight index, for the programme's cap per flight.
func flightLoads(tx *store.Tx, no string, segs []booking.Segment) ([]tariffs.FlightLoad, error) {
	out := []tariffs.FlightLoad{}
	var seen []flights.Key
	for _, s := range segs {
		if s.Depart.IsZero() || s.Carrier == "" || s.Flight == "" {
			continue
		}
		k := flights.Key{Carrier: s.Carrier, Flight: strings.TrimLeft(s.Flight, "0"), Date: s.Depart.Date()}
		if slices.Contains(seen, k) {
			continue
		}
		seen = append(seen, k)
		es, err := tx.FlightEntriesOf(k)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if e.Case != no {
				out = append(out, tariffs.FlightLoad{Carrier: s.Carrier, Flight: s.Flight, Date: k.Date,
					Case: e.Case, Programme: e.Programme, Travellers: e.Counts.Travellers})
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

// SetMEDIF records where member's MEDIF stands with carrier (an operating
// carrier of case no's active booking): sent, approved or refused, on on
// (zero: today). A later status replaces the earlier one with that
// carrier; each carrier approves on its own.
func (d *Service) SetMEDIF(actor, no string, member int, carrier, status string, on booking.Date) (*booking.Booking, error) {
	if err := d.allow(actor, booking.ActBook); err != nil {
		return nil, err
	}
	if on.IsZero() {
		on = d.today()
	}
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
		if t := f.Traveller(member); t != nil && !t.MEDIFNeeded {
			return booking.Errorf(booking.ECONFLICT, "medifs", "member %d of %s is not marked as needing a MEDIF", member, no)
		}
		b := *ab
		b.MEDIFs = slices.DeleteFunc(slices.Clone(b.MEDIFs), func(x booking.MEDIF) bool { return x.Member == member && x.Carrier == carrier })
		b.MEDIFs = append(b.MEDIFs, booking.MEDIF{Member: member, Carrier: carrier, Status: status, On: on})
		slices.SortFunc(b.MEDIFs, func(x, y booking.MEDIF) int {
			if x.Member != y.Member {
				return x.Member - y.Member
			}
			return strings.Compare(x.Carrier, y.Carrier)
		})
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

// ProgrammeRules returns the programmes.csv rows of the active tariff
// version (a flight's caps): from the set already loaded when it is the
// active one, else from that table alone, so a one-shot command does not
// parse every fare of the version for them.
func (d *Service) ProgrammeRules() ([]tariffs.ProgrammeRule, error) {
	var act tariffs.ActiveRecord
	var rec *tariffs.SetRecord
	err := d.s.View(func(tx *store.Tx) error {
		if _, err := tx.Get(tariffs.ActiveKey, &act); err != nil {
			return err
		}
		if act.Version == "" || act.Version == tariffs.EmbeddedVersion {
			return nil
		}
		d.tmu.Lock()
		have := d.set != nil && d.version == act.Version
		d.tmu.Unlock()
		if have {
			return nil
		}
		rec = &tariffs.SetRecord{}
		if ok, err := tx.Get(tariffs.SetKey(act.Version), rec); !ok || err != nil {
			rec = nil
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch {
	case rec != nil:
		return tariffs.ParseProgrammeRules(rec.ProgrammesCSV)
	case act.Version != "" && act.Version != tariffs.EmbeddedVersion:
		set, err := d.Tariffs()
		if err != nil {
			return nil, err
		}
		return set.ProgrammeRules(), nil
	}
	return tariffs.EmbeddedProgrammeRules()
}
