package desk

import (
	"strings"

	"movedesk/booking"
	"movedesk/store"
)

// ToggleItem ticks or unticks one checklist item of case no in one
// transaction and returns the item as it now stands and the record written.
// The record is rebuilt from the case file read inside the transaction, so
// a concurrent change by another desk is not overwritten.
func (d *Service) ToggleItem(actor, no, list, key string) (booking.ChecklistItem, booking.Record, error) {
	if err := d.allow(actor, booking.ActChecklist); err != nil {
		return booking.ChecklistItem{}, nil, err
	}
	var item booking.ChecklistItem
	var rec booking.Record
	tpl, err := d.templates()
	if err != nil {
		return item, nil, err
	}
	err = d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		pt, dep := tpl.For(f.Case.Programme), f.DepartureDate()
		rec, err = f.Toggle(list, key, pt, dep, actor, d.now())
		if err != nil {
			return err
		}
		if err := tx.Put(rec); err != nil {
			return err
		}
		f.Apply(rec)
		cl, err := f.Checklist(list, pt, dep)
		if err != nil {
			return err
		}
		for _, it := range cl.Items {
			if it.Key == key {
				item = it
			}
		}
		return nil
	})
	return item, rec, err
}

// SetItem ticks (done) or unticks one checklist item; an item already in
// that state is left alone (changed false), so a script run twice does not
// undo itself as ToggleItem would.
func (d *Service) SetItem(actor, no, list, key string, done bool) (item booking.ChecklistItem, changed bool, err error) {
	if err := d.allow(actor, booking.ActChecklist); err != nil {
		return item, false, err
	}
	tpl, err := d.templates()
	if err != nil {
		return item, false, err
	}
	err = d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		pt, dep := tpl.For(f.Case.Programme), f.DepartureDate()
		find := func() (booking.ChecklistItem, error) {
			cl, err := f.Checklist(list, pt, dep)
			if err != nil {
				return booking.ChecklistItem{}, err
			}
			for _, it := range cl.Items {
				if it.Key == key {
					return it, nil
				}
			}
			// Toggle names the items the list has.
			_, err = f.ToggleIn(cl, key, dep, actor, d.now())
			return booking.ChecklistItem{}, err
		}
		if item, err = find(); err != nil || item.Done == done {
			return err
		}
		rec, err := f.Toggle(list, key, pt, dep, actor, d.now())
		if err != nil {
			return err
		}
		if err := tx.Put(rec); err != nil {
			return err
		}
		f.Apply(rec)
		changed = true
		item, err = find()
		return err
	})
	return item, changed, err
}

// CounsellingPatch changes the counselling session record; nil fields stay
// as they are.
type CounsellingPatch struct {
	// Date defaults to today and Counsellor to the actor when the record
	// has none yet.
	Date        *booking.Date
	Counsellor  *string
	Language    *string
	Interpreter *string
}

// SetCounselling records or updates the counselling session of case no.
func (d *Service) SetCounselling(actor, no string, p CounsellingPatch) (booking.Counselling, error) {
	if err := d.allow(actor, booking.ActCounselling); err != nil {
		return booking.Counselling{}, err
	}
	c := booking.Counselling{Case: no}
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		if f.Counselling != nil {
			c = *f.Counselling
		}
		switch {
		case p.Date != nil && !p.Date.IsZero():
			c.Date = *p.Date
		case c.Date.IsZero():
			c.Date = d.today()
		}
		switch {
		case p.Counsellor != nil && *p.Counsellor != "":
			c.Counsellor = *p.Counsellor
		case c.Counsellor == "":
			c.Counsellor = actor
		}
		if p.Language != nil {
			c.Language = *p.Language
		}
		if p.Interpreter != nil {
			c.Interpreter = *p.Interpreter
		}
		return tx.Put(&c)
	})
	return c, err
}

// AddCounsellingAction notes a vulnerability of traveller (0: the whole
// case) as an action item of case no; it blocks the gate until ticked. It
// returns the item's id.
func (d *Service) AddCounsellingAction(actor, no string, traveller int, note string) (string, error) {
	if err := d.allow(actor, booking.ActCounselling); err != nil {
		return "", err
	}
	var id string
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		act, err := f.NoteAction(traveller, note, actor, tx.Desk())
		if err != nil {
			return err
		}
		id = act.ID
		return tx.Put(act)
	})
	return id, err
}

// PermitPatch changes an exit permit; nil fields stay as they are (or as a
// new permit starts: pending, nothing else). An empty string or zero date
// clears a field.
type PermitPatch struct {
	Country, Authority, Status *string
	Submitted, Decided         *booking.Date
	ValidFrom, ValidUntil      *booking.Date
	ReasonCode, ReasonText     *string
}

// SetPermit records or updates exit permit id of member (0: the whole case;
// an empty id records a new application with an id made at this desk)
// of case no. The denial reason is kept only while the permit is denied.
func (d *Service) SetPermit(actor, no string, member int, id string, p PermitPatch) (booking.ExitPermit, error) {
	if err := d.allow(actor, booking.ActPermit); err != nil {
		return booking.ExitPermit{}, err
	}
	var out booking.ExitPermit
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		if out, err = f.PermitToSet(member, id, tx.Desk()); err != nil {
			return err
		}
		str := func(dst *string, v *string, norm func(string) string) {
			if v != nil {
				*dst = norm(*v)
			}
		}
		same := func(s string) string { return s }
		str(&out.Country, p.Country, strings.ToUpper)
		str(&out.Authority, p.Authority, same)
		str(&out.Status, p.Status, strings.ToLower)
		str(&out.ReasonCode, p.ReasonCode, strings.ToLower)
		str(&out.ReasonText, p.ReasonText, same)
		for _, x := range []struct{ dst, v *booking.Date }{
			{&out.Submitted, p.Submitted}, {&out.Decided, p.Decided},
			{&out.ValidFrom, p.ValidFrom}, {&out.ValidUntil, p.ValidUntil},
		} {
			if x.v != nil {
				*x.dst = *x.v
			}
		}
		if out.Status != booking.PermitDenied {
			out.ReasonCode, out.ReasonText = "", ""
		}
		return tx.Put(&out)
	})
	return out, err
}

// AddCustody records one custody step of document doc of traveller member
// of case no, by actor now; a hand-over before verification is refused.
// It returns the document's custody trail as written.
func (d *Service) AddCustody(actor, no string, member int, doc string, e booking.CustodyEvent) (*booking.Custody, error) {
	if err := d.allow(actor, booking.ActCustody); err != nil {
		return nil, err
	}
	var out *booking.Custody
	e.By, e.At = actor, d.now()
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		rec, err := f.LogCustody(member, doc, e, tx.Desk())
		if err != nil {
			return err
		}
		out = rec
		return tx.Put(rec)
	})
	return out, err
}

// Escorts returns the escort pool.
func (d *Service) Escorts() ([]booking.Escort, error) { return d.s.Escorts() }

// AddEscort adds or updates an escort in this desk's pool.
func (d *Service) AddEscort(actor string, e *booking.Escort) error {
	if err := d.allow(actor, booking.ActEscortPool); err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	return d.s.Update(actor, func(tx *store.Tx) error { return tx.Put(e) })
}

// RankEscorts ranks the pool for the active booking of case no, best first,
// with each escort's problems (a return is planned at assignment, so a
// missing one is not counted).
func (d *Service) RankEscorts(no string) ([]booking.EscortCandidate, error) {
	pool, err := d.s.Escorts()
	if err != nil {
		return nil, err
	}
	tpl, err := d.templates()
	if err != nil {
		return nil, err
	}
	f, err := d.s.CaseFile(no)
	if err != nil {
		return nil, err
	}
	b := f.ActiveBooking()
	if b == nil {
		return nil, booking.Errorf(booking.ECONFLICT, "booking", "case %s has no active booking", no)
	}
	probe := booking.Escort{ID: "PROBE", Name: "probe", Type: booking.EscortOperational}
	trip, err := booking.NewEscortTrip(no, &probe, b, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	trips, err := d.s.EscortTrips(trip.Start.Wall())
	if err != nil {
		return nil, err
	}
	var need booking.EscortType
	for _, n := range f.EscortNeeds(tpl.For(f.Case.Programme), f.DepartureDate()) {
		if need == "" || n.Type == booking.EscortMedical {
			need = n.Type
		}
	}
	ranked := booking.RankEscorts(pool, *trip, trips, need, f.Languages())
	for i := range ranked {
		ps := ranked[i].Problems[:0]
		for _, p := range ranked[i].Problems {
			if p.Code != booking.EscortNoReturn {
				ps = append(ps, p)
			}
		}
		ranked[i].Problems = ps
	}
	return ranked, nil
}

// EscortRequest asks for escort Escort on case Case's active booking.
type EscortRequest struct {
	Case, Escort string
	// Segments (1-based) the escort flies and Travellers escorted; nil:
	// all of them.
	Segments, Travellers []int
	// Return is the escort's return trip, in order; nil when not planned.
	Return []booking.Segment
}

// AssignEscort assigns an escort in one transaction (see
// store.AssignEscort): refused on a blocking problem; the booking's escort
// seats are raised and the booking re-priced with the active tariff
// version. It returns the trip and the warnings.
func (d *Service) AssignEscort(actor string, r EscortRequest) (*booking.EscortTrip, []booking.EscortProblem, error) {
	if err := d.allow(actor, booking.ActAssignEscort); err != nil {
		return nil, nil, err
	}
	tpl, err := d.templates()
	if err != nil {
		return nil, nil, err
	}
	as := store.EscortAssignment{Case: r.Case, Escort: strings.ToUpper(r.Escort), Segments: r.Segments,
		Travellers: r.Travellers, Return: r.Return,
		Price: func(f *booking.CaseFile, b *booking.Booking) error {
			res := d.QuoteBooking(f, b)
			b.TotalUSDCents, b.TariffVersion = res.TotalUSD, res.Version
			return nil
		}}
	return d.s.AssignEscort(actor, as, tpl)
}
