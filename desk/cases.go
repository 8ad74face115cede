package desk

import (
	"errors"
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
	if err := d.allowFields(actor, as); err != nil {
		return err
	}
	if err := d.checkAirports(airportAssignments(as)); err != nil {
		return err
	}
	return d.s.SetFields(actor, no, as)
}

// CreateCase writes a new case with its travellers and documents in one
// transaction; a case number already in the store is refused.
func (d *Service) CreateCase(actor string, f *booking.CaseFile) error {
	if err := d.allow(actor, booking.ActCreateCase); err != nil {
		return err
	}
	if f == nil || f.Case.Number == "" {
		return booking.Errorf(booking.EINVALID, "number", "a new case needs a case number")
	}
	no := f.Case.Number
	if err := d.checkCaseAirports(&f.Case); err != nil {
		return err
	}
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
	if err := d.allow(actor, booking.ActMoveStatus); err != nil {
		return err
	}
	return d.s.MoveCase(actor, no, to, reason, d.GateInput)
}

// ConfirmReceipt records that the receipt of case no's request was
// confirmed to its sender today, by actor.
func (d *Service) ConfirmReceipt(actor, no string) (booking.Case, error) {
	var out booking.Case
	if err := d.allow(actor, booking.ActEditCase); err != nil {
		return out, err
	}
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		c := f.Case
		if err := c.ConfirmReceipt(actor, d.today()); err != nil {
			return err
		}
		out = c
		return tx.Put(&c)
	})
	return out, err
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
	if err := d.allow(actor, booking.ActBook); err != nil {
		return &BookResult{}, err
	}
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
		b.Fares = res.Quote.Fares()
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

// NewCase opens a case at office (received today, status received,
// priority normal unless c says otherwise) with its principal applicant pa
// as traveller 1, in one transaction, and returns the number it got: the
// office's next number of the year (OFF-YYYY-NNNNNN) among the cases held
// at this desk. Number, office, status and dates of c are set here.
func (d *Service) NewCase(actor, office string, c booking.Case, pa booking.Traveller) (string, error) {
	if err := d.allow(actor, booking.ActCreateCase); err != nil {
		return "", err
	}
	office = strings.ToUpper(strings.TrimSpace(office))
	if len(office) != 3 {
		return "", booking.Errorf(booking.EINVALID, "office", "office %q must be a 3-letter code (office: in the config)", office)
	}
	if err := d.checkCaseAirports(&c); err != nil {
		return "", err
	}
	today := d.today()
	// Desks of an office number offline, so each numbers in its own block:
	// OFF-YYYY-SSNNNN, SS the desk's slot (see store.NumberSlot).
	prefix := fmt.Sprintf("%s-%04d-%02d", office, today.Time().Year(), d.s.NumberSlot())
	var no string
	err := d.s.Update(actor, func(tx *store.Tx) error {
		n := 1
		if last := tx.LastCaseNumber(prefix); last != "" {
			var k int
			if _, err := fmt.Sscanf(strings.TrimPrefix(last, prefix), "%04d", &k); err == nil {
				n = k + 1
			}
		}
		if n > 9999 {
			return booking.Errorf(booking.ECONFLICT, "number", "this desk has used every case number of its block %s for %d", prefix, today.Time().Year())
		}
		no = fmt.Sprintf("%s%04d", prefix, n)
		c.Number, c.Office, c.Status, c.Received = no, office, booking.StatusReceived, today
		c.HeldFrom, c.StatusReason, c.ABNNumber, c.TravelReady, c.Departure = "", "", "", booking.Date{}, booking.Date{}
		if c.Priority == 0 {
			c.Priority = booking.PriorityNormal
		}
		if err := tx.Put(&c); err != nil {
			return err
		}
		pa.Case, pa.Member, pa.Principal = no, 1, true
		if pa.Relationship == "" {
			pa.Relationship = "PA"
		}
		if err := tx.Put(&pa); err != nil {
			return prefixField(err, "traveller.1.")
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return no, nil
}

// prefixField puts prefix before the field of a domain error, so a form
// showing several records finds it ("traveller.1.birth_date").
func prefixField(err error, prefix string) error {
	var e *booking.Error
	if errors.As(err, &e) && e.Field != "" {
		x := *e
		x.Field = prefix + e.Field
		return &x
	}
	return err
}
