package store

import (
	"fmt"
	"strconv"
	"strings"

	"movedesk/booking"
)

// Assignment sets one field, named by a path: "notes" (a case field),
// "traveller.2.family_name", or "traveller.2.document.d1.expiry_date".
type Assignment struct {
	Path  string
	Value string
}

// ParseAssignment splits "path=value".
func ParseAssignment(s string) (Assignment, error) {
	p, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(p) == "" {
		return Assignment{}, booking.Errorf(booking.EINVALID, s, "want FIELD=VALUE, got %q", s)
	}
	return Assignment{Path: strings.TrimSpace(p), Value: v}, nil
}

// SetFields applies assignments to case no and its records in one
// transaction, with the same validation as every other write. Setting a
// field of a traveller or document that does not exist yet creates it.
func (s *Store) SetFields(actor, no string, as []Assignment) error {
	return s.Update(actor, func(tx *Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		recs := map[string]booking.Record{}
		prefixes := map[string]string{}
		var order []string
		for _, a := range as {
			rec, field, err := resolve(f, a.Path, recs)
			if err != nil {
				return err
			}
			if _, seen := recs[rec.Key()]; !seen {
				recs[rec.Key()] = rec
				prefixes[rec.Key()] = strings.TrimSuffix(a.Path, field)
				order = append(order, rec.Key())
			}
			if err := booking.SetFieldValue(rec, field, a.Value); err != nil {
				return withPrefix(err, prefixes[rec.Key()], a.Path)
			}
		}
		// Validated once all fields are set: a record may pass through an
		// invalid state between two of them (sex and pregnancy weeks).
		for _, k := range order {
			if err := recs[k].Validate(); err != nil {
				return withPrefix(err, prefixes[k], "")
			}
		}
		for _, k := range order {
			if err := tx.Put(recs[k]); err != nil {
				return err
			}
		}
		return nil
	})
}

// withPrefix puts a record's path prefix ("traveller.2.") before the field
// of a domain error, unless the error already names path.
func withPrefix(err error, prefix, path string) error {
	if e, ok := err.(*booking.Error); ok && e.Field != "" && e.Field != path && prefix != "" && !strings.HasPrefix(e.Field, prefix) {
		e.Field = prefix + e.Field
	}
	return err
}

// resolve finds the record a path names (a copy, reused across assignments
// of one call) and the field within it.
func resolve(f *booking.CaseFile, path string, recs map[string]booking.Record) (booking.Record, string, error) {
	parts := strings.Split(path, ".")
	cached := func(r booking.Record) booking.Record {
		if c, ok := recs[r.Key()]; ok {
			return c
		}
		return r
	}
	switch {
	case len(parts) == 1:
		c := f.Case
		return cached(&c), parts[0], nil
	case parts[0] == "traveller" && (len(parts) == 3 || len(parts) == 5 && parts[2] == "document"):
		m, err := strconv.Atoi(parts[1])
		if err != nil || m < 1 || m > 99 {
			return nil, "", booking.Errorf(booking.EINVALID, path, "traveller member %q must be a number 1 to 99", parts[1])
		}
		if len(parts) == 3 {
			t := booking.Traveller{Case: f.Case.Number, Member: m}
			if cur := f.Traveller(m); cur != nil {
				t = *cur
			} else if _, adding := recs[t.Key()]; !adding {
				// A new member takes the next number: a typo such as
				// traveller.9 must not make a ninth, half-empty traveller.
				next := nextMember(f, recs)
				if m != next {
					return nil, "", booking.Errorf(booking.ENOTFOUND, path, "case %s has no traveller %d; a new traveller is member %d, with family_name, given_names, birth_date and sex set together", f.Case.Number, m, next)
				}
			}
			return cached(&t), parts[2], nil
		}
		d := booking.Document{Case: f.Case.Number, Member: m, ID: parts[3]}
		if f.Traveller(m) == nil {
			return nil, "", booking.Errorf(booking.ENOTFOUND, path, "case %s has no traveller %d", f.Case.Number, m)
		}
		for _, cur := range f.DocumentsOf(m) {
			if cur.ID == parts[3] {
				d = cur
			}
		}
		return cached(&d), parts[4], nil
	}
	return nil, "", booking.Errorf(booking.EINVALID, path, "unknown field path %q (want FIELD, traveller.N.FIELD or traveller.N.document.ID.FIELD)", path)
}

// nextMember is the member number a new traveller of f takes, counting
// those already being added in recs.
func nextMember(f *booking.CaseFile, recs map[string]booking.Record) int {
	n := 0
	for _, t := range f.Travellers {
		n = max(n, t.Member)
	}
	for _, r := range recs {
		if t, ok := r.(*booking.Traveller); ok {
			n = max(n, t.Member)
		}
	}
	return n + 1
}

// SetStatus moves case no to status to, through the state machine and, for
// ready-to-depart, the gate.
func (s *Store) SetStatus(actor, no string, to booking.Status, reason string) error {
	return s.Update(actor, func(tx *Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		if err := f.MoveTo(to, reason); err != nil {
			return err
		}
		return tx.Put(&f.Case)
	})
}

// Restore writes records as they were elsewhere, in one transaction: each
// is validated and must belong to a case (and traveller) by the end, but
// statuses are taken as they are (see Tx.Snapshot). For loading an export
// and for test fixtures.
func (s *Store) Restore(actor string, recs ...booking.Record) error {
	return s.Update(actor, func(tx *Tx) error {
		tx.Snapshot()
		for _, r := range recs {
			if err := tx.Put(r); err != nil {
				return fmt.Errorf("%s: %w", r.Key(), err)
			}
		}
		return nil
	})
}

// PutRecords writes records in one transaction.
func (s *Store) PutRecords(actor string, recs ...booking.Record) error {
	return s.Update(actor, func(tx *Tx) error {
		for _, r := range recs {
			if err := tx.Put(r); err != nil {
				return fmt.Errorf("%s: %w", r.Key(), err)
			}
		}
		return nil
	})
}
