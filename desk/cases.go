package desk

import (
	"fmt"
	"slices"
	"strings"

	"movedesk/booking"
	"movedesk/store"
	"movedesk/tariffs"
)

// SetFields applies field assignments ("notes", "traveller.2.family_name",
// "traveller.2.document.d1.expiry_date") to case no in one transaction.
func (d *Service) SetFields(actor, no string, as []store.Assignment) error {
	return d.s.SetFields(actor, no, as)
}

// CreateCase writes a new case with its travellers and documents in one
// transaction; a case number already in the store is refused.
func (d *Service) CreateCase(actor string, f *booking.CaseFile) error {
	if f == nil || f.Case.Number == "" {
		return booking.Errorf(booking.EINVALID, "number", "a new case needs a case number")
	}
	no := f.Case.Number
	return d.s.Update(actor, func(tx *store.Tx) error {
		if _, err := tx.CaseFile(no); err == nil {
			return booking.Errorf(booking.ECONFLICT, "number", "case %s already exists", no)
		}
		recs := []booking.Record{&f.Case}
		for i := range f.Travellers {
			recs = append(recs, &f.Travellers[i])
		}
		for i := range f.Documents {
			recs = append(recs, &f.Documents[i])
		}
		for _, r := range recs {
			if r.CaseNumber() != no {
				return booking.Errorf(booking.EINVALID, "case", "%s does not belong to case %s", r.Key(), no)
			}
			if err := tx.Put(r); err != nil {
				return fmt.Errorf("%s: %w", r.Key(), err)
			}
		}
		return nil
	})
}

// MoveStatus moves case no to status to through the state machine; for
// ready-to-depart the gate is judged with the effective templates and the
// quote engine's blocking findings, on the case file read in the same
// transaction, so what is judged is what is written.
func (d *Service) MoveStatus(actor, no string, to booking.Status, reason string) error {
	return d.s.MoveCase(actor, no, to, reason, d.GateInput)
}

// BookResult is what booking a case produced: the quote of the itinerary
// (saved or not) and, when saved, the booking as written.
type BookResult struct {
	Quote   tariffs.QuoteResult
	Booking *booking.Booking
	Saved   bool
}

// Warnings returns the codes of the quote's non-blocking findings, in
// order, without duplicates.
func (r *BookResult) Warnings() []string {
	var out []string
	for _, f := range r.Quote.Findings {
		if f.Severity != tariffs.Blocking && !slices.Contains(out, f.Code) {
			out = append(out, f.Code)
		}
	}
	return out
}

// Blocking returns the quote's blocking findings.
func (r *BookResult) Blocking() []tariffs.Finding {
	var out []tariffs.Finding
	for _, f := range r.Quote.Findings {
		if f.Severity == tariffs.Blocking {
			out = append(out, f)
		}
	}
	return out
}

// Book books case no with draft b (segments, travellers, escort seats; an
// empty traveller list means every traveller of the case) in one
// transaction: the itinerary is quoted against the active tariff version
// with the case file read there, and saved only when no finding blocks.
// Warnings need confirmWarnings; their codes are then recorded on the
// booking. The result carries the quote whether or not it was saved; a
// refusal is an error.
func (d *Service) Book(actor, no string, b booking.Booking, confirmWarnings bool) (*BookResult, error) {
	res := &BookResult{}
	if _, err := d.Tariffs(); err != nil {
		return res, err
	}
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		if len(b.Travellers) == 0 {
			for _, t := range f.Travellers {
				b.Travellers = append(b.Travellers, t.Member)
			}
		}
		b.BookedBy, b.BookedOn = actor, d.today()
		for _, m := range b.Travellers {
			if f.Traveller(m) == nil {
				return booking.Errorf(booking.EINVALID, "travellers", "case %s has no traveller %d", no, m)
			}
		}
		loads, err := flightLoads(tx, no, b.Segments)
		if err != nil {
			return err
		}
		res.Quote = d.quoteBookingWith(f, &b, loads)
		if bl := res.Blocking(); len(bl) > 0 {
			msgs := make([]string, len(bl))
			for i, x := range bl {
				msgs[i] = "  - [" + x.Code + "] " + x.Message
			}
			return booking.Errorf(booking.ECONFLICT, "findings", "case %s not booked: %d blocking finding(s):\n%s", no, len(bl), strings.Join(msgs, "\n"))
		}
		warn := res.Warnings()
		if len(warn) > 0 && !confirmWarnings {
			return booking.Errorf(booking.ECONFLICT, "findings", "case %s not booked: %d warning(s) (%s) need a confirmation",
				no, len(warn), strings.Join(warn, ", "))
		}
		if slices.Contains(warn, tariffs.CodeMemberLeftOff) && strings.TrimSpace(b.Reason) == "" {
			return booking.Errorf(booking.EINVALID, "reason", "case %s not booked: a member left off the booking needs the reason recorded", no)
		}
		b.Confirmed = warn
		b.TariffVersion, b.TotalUSDCents = res.Quote.Version, res.Quote.TotalUSD
		recs, err := f.Book(b, tx.Desk())
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := tx.Put(r); err != nil {
				return err
			}
			if nb, ok := r.(*booking.Booking); ok && nb.Status == booking.BookingActive {
				x := *nb
				res.Booking = &x
			}
		}
		return nil
	})
	res.Saved = err == nil
	return res, err
}
