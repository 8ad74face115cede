package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"movedesk/booking"
)

// Duties before departure: the escort pool and trips, checklist toggles and
// the gated status move. Every method here works through the public Tx
// methods, so the change log records each write like any other.

// Escorts returns the escort pool in id order.
func (s *Store) Escorts() ([]booking.Escort, error) {
	var out []booking.Escort
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = tx.Escorts()
		return err
	})
	return out, err
}

// Escorts is Store.Escorts inside a transaction.
func (tx *Tx) Escorts() ([]booking.Escort, error) {
	var out []booking.Escort
	err := tx.Scan("~"+booking.KindEscort+"/", func(key string, data []byte) error {
		var e booking.Escort
		if err := json.Unmarshal(data, &e); err != nil {
			return fmt.Errorf("record %s: %w", key, err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// tripStatuses are the statuses whose escort trips can still clash with a
// new one: cancelled cases release their escorts.
var tripStatuses = []booking.Status{booking.StatusBooked, booking.StatusABNSent, booking.StatusReadyToDepart,
	booking.StatusDeparted, booking.StatusOnHold}

// EscortTrips returns the escort trips of every case that may still hold an
// escort, ending at or after since (zero: all). It reads the status index,
// then one short prefix scan per case, never the whole store.
func (tx *Tx) EscortTrips(since time.Time) ([]booking.EscortTrip, error) {
	var out []booking.EscortTrip
	for _, st := range tripStatuses {
		rows, err := tx.List(Filter{Status: st})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			err := tx.Scan(r.Number+"/"+booking.KindEscortTrip+"/", func(key string, data []byte) error {
				var t booking.EscortTrip
				if err := json.Unmarshal(data, &t); err != nil {
					return fmt.Errorf("record %s: %w", key, err)
				}
				if since.IsZero() || !t.End.Wall().Before(since) {
					out = append(out, t)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// EscortTrips is Tx.EscortTrips in its own transaction.
func (s *Store) EscortTrips(since time.Time) ([]booking.EscortTrip, error) {
	var out []booking.EscortTrip
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = tx.EscortTrips(since)
		return err
	})
	return out, err
}

// EscortAssignment asks for escort Escort on case Case's active booking.
type EscortAssignment struct {
	Case       string
	Escort     string
	Segments   []int
	Travellers []int
	Return     []booking.Segment
	// Price re-prices the booking with its new escort seat count (optional).
	Price func(f *booking.CaseFile, b *booking.Booking) error
}

// AssignEscort assigns an escort in one transaction: it checks the trip
// against the escort's other trips (no double booking), their passport and
// availability and the type the case needs, refuses on a blocking problem,
// writes the trip, and raises the booking's escort seats so the seat is
// priced. It returns the trip and the warnings (no return trip yet, no
// shared language).
func (s *Store) AssignEscort(actor string, a EscortAssignment, tpl *booking.Templates) (*booking.EscortTrip, []booking.EscortProblem, error) {
	var trip *booking.EscortTrip
	var warnings []booking.EscortProblem
	err := s.Update(actor, func(tx *Tx) error {
		f, err := tx.CaseFile(a.Case)
		if err != nil {
			return err
		}
		b := f.ActiveBooking()
		if b == nil {
			return booking.Errorf(booking.ECONFLICT, "booking", "case %s has no active booking to escort", a.Case)
		}
		var e booking.Escort
		ok, err := tx.Get(booking.EscortKey(a.Escort), &e)
		if err != nil {
			return err
		}
		if !ok {
			return booking.Errorf(booking.ENOTFOUND, "escort", "no escort %s in the pool", a.Escort)
		}
		trip, err = booking.NewEscortTrip(a.Case, &e, b, a.Segments, a.Travellers, a.Return)
		if err != nil {
			return err
		}
		for _, m := range a.Travellers {
			if !slices.Contains(b.Travellers, m) {
				return booking.Errorf(booking.EINVALID, "travellers", "traveller %d is not on booking %s", m, b.ID)
			}
		}
		if cur := findTrip(f, e.ID); cur != nil {
			trip.Ticks = cur.Ticks // re-assignment keeps the checklist
		}
		trip.AssignedBy, trip.AssignedAt = actor, time.Now().UTC().Truncate(time.Second)
		others, err := tx.EscortTrips(trip.Start.Wall())
		if err != nil {
			return err
		}
		var need booking.EscortType
		for _, n := range f.EscortNeeds(tpl.For(f.Case.Programme), f.DepartureDate()) {
			if trip.Escorts(n.Traveller) && (need == "" || n.Type == booking.EscortMedical) {
				need = n.Type
			}
		}
		var blocking []string
		for _, p := range booking.CheckEscortTrip(&e, trip, others, need, f.Languages()) {
			if p.Blocking {
				blocking = append(blocking, p.Message)
			} else {
				warnings = append(warnings, p)
			}
		}
		if len(blocking) > 0 {
			return booking.Errorf(booking.ECONFLICT, "escort", "cannot assign %s to case %s: %s", e.ID, a.Case, joinLines(blocking))
		}
		if err := tx.Put(trip); err != nil {
			return err
		}
		f.Apply(trip)
		if seats := len(f.TripsOn(b.ID)); b.EscortSeats < seats {
			nb := *b
			nb.EscortSeats = seats
			if a.Price != nil {
				if err := a.Price(f, &nb); err != nil {
					return err
				}
			}
			return tx.Put(&nb)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return trip, warnings, nil
}

func findTrip(f *booking.CaseFile, escort string) *booking.EscortTrip {
	for i := range f.EscortTrips {
		if f.EscortTrips[i].Escort == escort {
			return &f.EscortTrips[i]
		}
	}
	return nil
}

func joinLines(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += "; "
		}
		out += s
	}
	return out
}

// MoveCase is SetStatus with the full gate: gate computes the gate input
// (templates, quote-engine findings) from the case file read in the same
// transaction, so what is judged is what is written.
func (s *Store) MoveCase(actor, no string, to booking.Status, reason string, gate func(f *booking.CaseFile) booking.GateInput) error {
	return s.Update(actor, func(tx *Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		if err := f.MoveToWith(to, reason, gate(f)); err != nil {
			return err
		}
		return tx.Put(&f.Case)
	})
}
