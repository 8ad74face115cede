package desk

import (
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
	if err := d.allow(actor, booking.ActAssign); err != nil {
		return 0, err
	}
	to = strings.TrimSpace(to)
	if to == "" {
		return 0, booking.Errorf(booking.EINVALID, "assignee", "assign to whom? (a user name)")
	}
	if len(cases) == 0 {
		return 0, booking.Errorf(booking.EINVALID, "case", "no case to assign")
	}
	err = d.s.Update(actor, func(tx *store.Tx) error {
		changed = 0
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
			changed++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return changed, nil
}
