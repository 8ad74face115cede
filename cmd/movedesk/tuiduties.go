package main

import (
	"io"
	"strings"

	"movedesk/booking"
	"movedesk/store"
	"movedesk/tui"
)

// dutyDesk adapts the store to the tui's escort and exit-permit screens with
// the calls `escort list --case`, `escort assign` and `permit set` make.
type dutyDesk struct {
	a *app
	s *store.Store
}

// dutyActions are the case-view actions opening the escort, exit-permit and
// custody screens.
func dutyActions(a *app, s *store.Store, keys tui.KeyMap, st tui.Styles) []tui.CaseAction {
	// The screen owns the terminal: template warnings were printed at start.
	quiet := *a
	quiet.err = io.Discard
	d := dutyDesk{a: &quiet, s: s}
	return tui.DutyActions(tui.DutyDeps{Source: storeSource{s}, User: a.cfg.User, Keys: keys, Styles: st,
		Escorts: d, Permits: d})
}

// Rank implements tui.EscortDesk as `escort list --case` does.
func (d dutyDesk) Rank(no string) ([]booking.EscortCandidate, error) {
	pool, err := d.s.Escorts()
	if err != nil {
		return nil, err
	}
	return d.a.rankEscorts(d.s, no, pool)
}

// Assign implements tui.EscortDesk as `escort assign` does: the booking is
// re-priced with its new escort seat.
func (d dutyDesk) Assign(actor, no, id, ret string) (*booking.EscortTrip, []booking.EscortProblem, error) {
	as := store.EscortAssignment{Case: no, Escort: strings.ToUpper(id)}
	for _, r := range strings.Split(ret, ";") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		sg, err := parseSegment(r)
		if err != nil {
			return nil, nil, booking.Errorf(booking.EINVALID, "return", "%v", err)
		}
		as.Return = append(as.Return, sg)
	}
	tpl, err := d.a.templates(d.s)
	if err != nil {
		return nil, nil, err
	}
	q, err := newQuoter(d.s, d.a.cfg.Rules)
	if err != nil {
		return nil, nil, err
	}
	as.Price = func(f *booking.CaseFile, b *booking.Booking) error {
		res := q.quoteBooking(f, b)
		b.TotalUSDCents, b.TariffVersion = res.TotalUSD, res.Version
		return nil
	}
	return d.s.AssignEscort(actor, as, tpl)
}

// permitFlags are `permit set`'s field flags, in the order it applies them.
var permitFlags = []string{"country", "authority", "status", "submitted", "decided", "valid-from", "valid-until", "reason-code", "reason-text"}

// SetPermit implements tui.PermitDesk as `permit set` does, with every
// field given.
func (d dutyDesk) SetPermit(actor, no string, in tui.PermitInput) (booking.ExitPermit, error) {
	var p booking.ExitPermit
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		if p, err = permitToSet(tx, f, in.Member, in.ID); err != nil {
			return err
		}
		for _, name := range permitFlags {
			if v, ok := in.Values[name]; ok {
				if err := setPermitField(&p, name, v); err != nil {
					return err
				}
			}
		}
		if p.Status != booking.PermitDenied {
			p.ReasonCode, p.ReasonText = "", ""
		}
		return tx.Put(&p)
	})
	return p, err
}
