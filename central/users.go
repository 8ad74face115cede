package central

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/store"
)

// User changes a publication can make.
const (
	UserAdd     = "add"     // a new user, or a disabled one back with a role
	UserDisable = "disable" // the user may no longer write (kept, for the history's authors)
	UserRole    = "role"    // the user's role changes
	// UserPassphrase sets a new credential (the public part of a new
	// passphrase); each desk rewraps that user's key slot on its next sync.
	UserPassphrase = "passphrase"
)

// UserChange is one change to an office's users, published at the hub.
type UserChange struct {
	Op     string       `json:"op"`
	Name   string       `json:"name"`
	Office string       `json:"office"`
	Role   booking.Role `json:"role,omitempty"`
	// Credential is made from the passphrase where it was typed (auth
	// package); the passphrase itself never reaches the hub.
	Credential string `json:"credential,omitempty"`
}

func (u UserChange) check() error {
	probe := booking.User{Name: u.Name, Office: u.Office, Role: u.Role, Credential: u.Credential}
	switch u.Op {
	case UserAdd, UserRole:
	case UserDisable:
		probe.Role = booking.RoleViewer
	case UserPassphrase:
		probe.Role = booking.RoleViewer
		if u.Credential == "" {
			return fmt.Errorf("user %s: a passphrase change needs the new credential", u.Name)
		}
	default:
		return fmt.Errorf("user %s: unknown change %q (add, disable, role or passphrase)", u.Name, u.Op)
	}
	if err := probe.Validate(); err != nil {
		return fmt.Errorf("user %s: %w", u.Name, err)
	}
	return nil
}

// applyUser makes change u by actor in tx. Once an office has an active
// office admin, only an active office admin of that office changes its
// users, and its last one is neither disabled nor given another role.
// Until then whoever can write the hub's data directory sets them up.
func applyUser(tx *store.Tx, u UserChange, actor string, now time.Time) (string, error) {
	users, admins, err := officeAdmin(tx, u.Office, actor, "changes its users")
	if err != nil {
		return "", err
	}
	cur, exists := users[u.Name]
	rec := cur
	var did string
	switch u.Op {
	case UserAdd:
		if exists && !cur.Disabled {
			return "", booking.Errorf(booking.ECONFLICT, "name", "user %s of %s exists (role %s); change its role with `movedesk hub user role`", u.Name, u.Office, cur.Role)
		}
		rec = booking.User{Name: u.Name, Office: u.Office, Role: u.Role, Credential: u.Credential}
		if exists && u.Credential == "" {
			rec.Credential = cur.Credential
		}
		did = fmt.Sprintf("user %s of %s added as %s", u.Name, u.Office, u.Role)
		if exists {
			did = fmt.Sprintf("user %s of %s enabled again as %s", u.Name, u.Office, u.Role)
		}
	case UserPassphrase:
		if !exists {
			return "", booking.Errorf(booking.ENOTFOUND, "name", "no user %s of office %s", u.Name, u.Office)
		}
		rec.Credential = u.Credential
		did = fmt.Sprintf("user %s of %s has a new passphrase (each desk rewraps the user's key slot on its next sync)", u.Name, u.Office)
	case UserDisable, UserRole:
		if !exists {
			return "", booking.Errorf(booking.ENOTFOUND, "name", "no user %s of office %s", u.Name, u.Office)
		}
		if u.Op == UserDisable {
			if cur.Disabled {
				return fmt.Sprintf("user %s of %s was already disabled", u.Name, u.Office), nil
			}
			rec.Disabled = true
			did = fmt.Sprintf("user %s of %s disabled", u.Name, u.Office)
		} else {
			if cur.Role == u.Role {
				return fmt.Sprintf("user %s of %s was already %s", u.Name, u.Office, u.Role), nil
			}
			rec.Role = u.Role
			did = fmt.Sprintf("user %s of %s is now %s (was %s)", u.Name, u.Office, u.Role, cur.Role)
		}
		if admins == 1 && cur.Role == booking.RoleOfficeAdmin && !cur.Disabled && (rec.Disabled || rec.Role != booking.RoleOfficeAdmin) {
			return "", booking.Errorf(booking.ECONFLICT, "name", "user %s is the last office admin of %s; make another one first", u.Name, u.Office)
		}
	}
	rec.By, rec.At = actor, now
	if err := tx.Put(&rec); err != nil {
		return "", err
	}
	return did, nil
}

// officeUsers caches, per request, each office's users as the hub holds
// them when the request's transaction begins.
type officeUsers map[string]map[string]booking.User

// authorizeRole checks that op's author is a user of the desk's office
// whose role may make the change (booking.ActionsForOp). Until the office
// has users published, anyone acts as a team leader (as at the desk).
func (h *Server) authorizeRole(tx *store.Tx, desk Desk, op *change.Op, cache officeUsers) error {
	users, ok := cache[desk.Office]
	if !ok {
		var err error
		if users, err = tx.Users(desk.Office); err != nil {
			return err
		}
		cache[desk.Office] = users
	}
	if err := booking.Authorize(users, op.Actor, booking.ActionsForOp(op.Key, op.Fields)...); err != nil {
		return fail(http.StatusForbidden, "op %s: forbidden at office %s: %v", op.ID(), desk.Office, err)
	}
	return nil
}

// officeAdmin reads office o's users and refuses actor unless it is an
// active office admin of o, once o has one (what says the office does).
func officeAdmin(tx *store.Tx, o, actor, what string) (map[string]booking.User, int, error) {
	users, err := tx.Users(o)
	if err != nil {
		return nil, 0, err
	}
	admins := 0
	for _, x := range users {
		if x.Role == booking.RoleOfficeAdmin && !x.Disabled {
			admins++
		}
	}
	if a, ok := users[actor]; admins > 0 && (!ok || a.Disabled || a.Role != booking.RoleOfficeAdmin) {
		return nil, 0, booking.Errorf(booking.EFORBIDDEN, "user", "only an office admin of %s %s (%s is not one)", o, what, actor)
	}
	return users, admins, nil
}

// applyFourEyes sets office fe.Office's four-eyes policy; like its users,
// only its office admin sets it once it has one.
func applyFourEyes(tx *store.Tx, fe booking.FourEyes, actor string, now time.Time) (string, error) {
	if _, _, err := officeAdmin(tx, fe.Office, actor, "sets its four-eyes check"); err != nil {
		return "", err
	}
	fe.By, fe.At = actor, now
	if err := tx.Put(&fe); err != nil {
		return "", err
	}
	if len(fe.Programmes) == 0 {
		return fmt.Sprintf("four-eyes check of %s off", fe.Office), nil
	}
	what := strings.Join(fe.Programmes, ", ")
	if slices.Contains(fe.Programmes, booking.FourEyesAll) {
		what = "every programme"
	}
	return fmt.Sprintf("four-eyes check of %s on for %s: a team leader approves each booking before its ABN is sent", fe.Office, what), nil
}
