package desk

import (
	"slices"
	"strings"

	"movedesk/booking"
	"movedesk/store"
)

// allow checks that actor may take every action of acts (booking.RoleTable)
// with the users this desk holds: the hub sends a desk its office's users.
// Until the office's users are published (a fresh install, the demo), the
// configured user acts as a team leader. Every write method calls it
// before its transaction, so the app and the CLI are refused alike.
func (d *Service) allow(actor string, acts ...booking.RoleAction) error {
	users, err := d.s.Users("")
	if err != nil {
		return err
	}
	return booking.Authorize(users, actor, acts...)
}

// allowFields checks the actions field assignments need (see
// booking.FieldActions): "assignee" is assignment, "status" a status
// move, "traveller.N.x" biodata, "traveller.N.document.ID.x" a document.
func (d *Service) allowFields(actor string, as []store.Assignment) error {
	var acts []booking.RoleAction
	for _, a := range as {
		parts := strings.Split(a.Path, ".")
		kind, field := booking.KindCase, parts[len(parts)-1]
		switch {
		case len(parts) >= 5 && parts[2] == "document":
			kind = booking.KindDocument
		case len(parts) >= 3:
			kind = booking.KindTraveller
		}
		for _, x := range booking.FieldActions(kind, field) {
			if !slices.Contains(acts, x) {
				acts = append(acts, x)
			}
		}
	}
	return d.allow(actor, acts...)
}

// allowResolve checks that actor may resolve conflict id: resolving, and
// writing the field it takes.
func (d *Service) allowResolve(actor, id string) error {
	acts := []booking.RoleAction{booking.ActResolveConflict}
	ks, err := d.s.Conflicts(true)
	if err != nil {
		return err
	}
	for _, k := range ks {
		if k.ID == id {
			_, kind := booking.SplitKey(k.Key)
			acts = append(acts, booking.FieldActions(kind, k.Field)...)
		}
	}
	return d.allow(actor, acts...)
}

// Allowed reports, as the refusal a write would give, whether actor may
// take every action of acts: for a command that asks or checks before it
// writes, so that a user without the right is refused first, not asked.
func (d *Service) Allowed(actor string, acts ...booking.RoleAction) error {
	return d.allow(actor, acts...)
}
