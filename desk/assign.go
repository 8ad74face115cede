package desk

import (
	"encoding/json"
	"slices"
	"strings"

	"movedesk/booking"
	"movedesk/store"
)

// AssignCases assigns every case of cases to user to, in one transaction:
// all of them or none (an unknown case refuses the whole). Only a team
// leader assigns. Once the office's users are published, to must be one
// of them, not disabled, in a role that works cases.
func (d *Service) AssignCases(actor, to string, cases ...string) (changed int, err error) {
	cs, err := d.TrackAssign(actor, to, cases...)
	return len(cs), err
}

// TrackAssign is AssignCases returning the change it made to each case
// that changed (its assignee before and after), for undo.
func (d *Service) TrackAssign(actor, to string, cases ...string) ([]*Change, error) {
	if err := d.allow(actor, booking.ActAssign); err != nil {
		return nil, err
	}
	to = strings.TrimSpace(to)
	if to == "" {
		return nil, booking.Errorf(booking.EINVALID, "assignee", "assign to whom? (a user name)")
	}
	if len(cases) == 0 {
		return nil, booking.Errorf(booking.EINVALID, "case", "no case to assign")
	}
	var out []*Change
	err := d.s.Update(actor, func(tx *store.Tx) error {
		out = out[:0]
		users, err := tx.Users("")
		if err != nil {
			return err
		}
		if len(users) > 0 {
			u, ok := users[to]
			switch {
			case !ok:
				return booking.Errorf(booking.ENOTFOUND, "assignee", "%q is not a user of this office", to)
			case u.Disabled:
				return booking.Errorf(booking.EINVALID, "assignee", "user %s is disabled", to)
			case !u.Role.May(booking.ActMoveStatus) && !u.Role.May(booking.ActEditCase):
				return booking.Errorf(booking.EINVALID, "assignee", "user %s (%s) does not work cases", to, u.Role)
			}
		}
		var done []string
		for _, no := range cases {
			if slices.Contains(done, no) {
				continue
			}
			done = append(done, no)
			f, err := tx.CaseFile(no)
			if err != nil {
				return err
			}
			if f.Case.Assignee == to {
				continue
			}
			c := f.Case
			c.Assignee = to
			if err := tx.Put(&c); err != nil {
				return err
			}
			ch := &Change{Actor: actor, Case: no, Edits: []FieldEdit{{Key: no, Field: "assignee", New: jsonString(to)}}}
			if f.Case.Assignee != "" {
				ch.Edits[0].Old = jsonString(f.Case.Assignee)
			}
			out = append(out, ch)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}
