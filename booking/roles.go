package booking

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Role is what a user of an office may do. Users and their roles are
// published at the hub (`movedesk hub user`) and reach the office's desks
// by sync.
type Role string

// Roles.
const (
	// RoleAssociate moves families: bookings, ABNs, escorts, counselling,
	// custody, checklists and status moves, plus intake.
	RoleAssociate Role = "associate"
	// RoleDataProcessing does intake: new cases, biodata, documents and
	// exit permits.
	RoleDataProcessing Role = "data-processing"
	// RoleTeamLeader does everything, plus assignment and approving
	// bookings (the four-eyes check).
	RoleTeamLeader Role = "team-leader"
	// RoleViewer reads only.
	RoleViewer Role = "viewer"
	// RoleOfficeAdmin manages the office's users at the hub; at a desk it
	// reads only.
	RoleOfficeAdmin Role = "office-admin"
)

// Roles lists every role, in the order the table shows them.
var Roles = []Role{RoleAssociate, RoleDataProcessing, RoleTeamLeader, RoleViewer, RoleOfficeAdmin}

// ParseRole checks s names a role.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(Roles, r) {
		names := make([]string, len(Roles))
		for i, x := range Roles {
			names[i] = string(x)
		}
		return "", Errorf(EINVALID, "role", "unknown role %q (roles: %s)", s, strings.Join(names, ", "))
	}
	return r, nil
}

// RoleAction is one kind of write a user can make: each method of the use-case
// layer checks one or more, and the hub maps every op it receives to them
// (ActionsForOp).
type RoleAction string

// Actions.
const (
	ActCreateCase      RoleAction = "case.create"
	ActEditCase        RoleAction = "case.edit"
	ActEditTraveller   RoleAction = "traveller.edit"
	ActEditDocument    RoleAction = "document.edit"
	ActMoveStatus      RoleAction = "case.status"
	ActAssign          RoleAction = "case.assign"
	ActBook            RoleAction = "booking.book"
	ActIssueABN        RoleAction = "abn.issue"
	ActSendABN         RoleAction = "abn.send"
	ActCancelABN       RoleAction = "abn.cancel"
	ActDepartABN       RoleAction = "abn.depart"
	ActChecklist       RoleAction = "checklist.tick"
	ActCounselling     RoleAction = "counselling.record"
	ActPermit          RoleAction = "permit.record"
	ActCustody         RoleAction = "custody.record"
	ActEscortPool      RoleAction = "escort.pool"
	ActAssignEscort    RoleAction = "escort.assign"
	ActResolveConflict RoleAction = "conflict.resolve"
	ActImport          RoleAction = "import"
	ActTariffs         RoleAction = "tariffs.activate"
	ActReview          RoleAction = "booking.review"
	ActContacts        RoleAction = "contacts.edit"
	// ActReadAudit is reading the desk's access log (a read, not a write:
	// who opened which case's personal data is itself sensitive).
	ActReadAudit RoleAction = "audit.read"
)

// Permission is one row of the role table: an action, what it is in
// words, and the roles that may take it.
type Permission struct {
	Action RoleAction
	What   string
	Roles  []Role
}

var (
	intake    = []Role{RoleDataProcessing, RoleAssociate, RoleTeamLeader}
	movements = []Role{RoleAssociate, RoleTeamLeader}
	dataOnly  = []Role{RoleDataProcessing, RoleTeamLeader}
	leader    = []Role{RoleTeamLeader}
)

// RoleTable is what each role may do: the one place it is written. The
// use-case layer checks it for every action from the app and the CLI, the
// hub again for every op a desk pushes. A viewer and an office admin
// appear in no row: at a desk they only read.
var RoleTable = []Permission{
	{ActCreateCase, "open a case (intake)", intake},
	{ActEditCase, "edit a case's fields", intake},
	{ActEditTraveller, "edit a traveller's biodata", intake},
	{ActEditDocument, "edit a travel document", intake},
	{ActPermit, "record an exit permit", dataOnly},
	{ActMoveStatus, "move a case's status", movements},
	{ActBook, "book a case", movements},
	{ActIssueABN, "issue an ABN", movements},
	{ActSendABN, "mark an ABN sent", movements},
	{ActCancelABN, "cancel with an ABN", movements},
	{ActDepartABN, "issue a departure notice", movements},
	{ActChecklist, "tick a checklist item", movements},
	{ActCounselling, "record counselling and action items", movements},
	{ActCustody, "record a document's custody", movements},
	{ActEscortPool, "add an escort to the desk's pool", movements},
	{ActAssignEscort, "assign an escort", movements},
	{ActContacts, "edit contacts and log communication", intake},
	{ActResolveConflict, "resolve a sync conflict (and write the field it takes)", intake},
	{ActAssign, "assign cases", leader},
	{ActReview, "approve or reject bookings", leader},
	{ActImport, "import records (JSON Lines)", leader},
	{ActTariffs, "import or activate a tariff version", leader},
	{ActReadAudit, "read the desk's access log (who opened which case)", leader},
}

// Permitted returns the table's row for action a.
func Permitted(a RoleAction) (Permission, bool) {
	for _, p := range RoleTable {
		if p.Action == a {
			return p, true
		}
	}
	return Permission{}, false
}

// May reports whether role r may take action a.
func (r Role) May(a RoleAction) bool {
	p, ok := Permitted(a)
	return ok && slices.Contains(p.Roles, r)
}

// KindUser is the record kind of an office's user (~user/<office>/<name>).
const KindUser = "user"

// UserKeyPrefix is where the users of office o are kept ("" for every
// office's).
func UserKeyPrefix(office string) string {
	if office == "" {
		return "~" + KindUser + "/"
	}
	return "~" + KindUser + "/" + office + "/"
}

// UserKey is the key of user name of office o.
func UserKey(office, name string) string { return UserKeyPrefix(office) + name }

// UserOffice returns the office of a user record's key, or "" when key is
// not one: the hub sends a user only to the desks of its office.
func UserOffice(key string) string {
	rest, ok := strings.CutPrefix(key, UserKeyPrefix(""))
	if !ok {
		return ""
	}
	o, _, _ := strings.Cut(rest, "/")
	return o
}

var userNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// User is one person of an office, with a role. Users are published at
// the hub; a desk holds its office's.
type User struct {
	Name     string `json:"name"`
	Office   string `json:"office"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled,omitempty"`
	// Credential is the public part of the user's passphrase (salt, cost
	// and public key; see package auth): enough to sign in offline and to
	// wrap a desk's data key for the user, never to recover the passphrase
	// or a desk's key.
	Credential string    `json:"credential,omitempty"`
	By         string    `json:"by,omitempty"`
	At         time.Time `json:"at,omitzero"`
}

// Kind implements Record.
func (u *User) Kind() string { return KindUser }

// Key implements Record.
func (u *User) Key() string { return UserKey(u.Office, u.Name) }

// CaseNumber implements Record: users are shared records.
func (u *User) CaseNumber() string { return "" }

// Validate implements Record.
func (u *User) Validate() error {
	switch {
	case !userNameRE.MatchString(u.Name):
		return Errorf(EINVALID, "name", "user name %q must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", u.Name)
	case !officeRE.MatchString(u.Office):
		return Errorf(EINVALID, "office", "office %q must be a 3-letter code", u.Office)
	case !slices.Contains(Roles, u.Role):
		_, err := ParseRole(string(u.Role))
		return err
	case len(u.Credential) > 300 || !credentialRE.MatchString(u.Credential):
		return Errorf(EINVALID, "credential", "user %s: the credential is not an argon2id-x25519 credential", u.Name)
	}
	return nil
}

var credentialRE = regexp.MustCompile(`^(|argon2id-x25519\$[a-z0-9=,]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+)$`)

// Authorize judges whether actor may take every action of acts, given
// the users an office has published (users, by name). With none published
// yet (a fresh install, the demo) anyone acts as a team leader. The error
// is a domain error with code EFORBIDDEN.
func Authorize(users map[string]User, actor string, acts ...RoleAction) error {
	if len(users) == 0 {
		return nil
	}
	u, ok := users[actor]
	if !ok {
		return Errorf(EFORBIDDEN, "user", "%q is not a user of this office (the office's users are published at the hub: movedesk hub user list)", actor)
	}
	if u.Disabled {
		return Errorf(EFORBIDDEN, "user", "user %s is disabled", u.Name)
	}
	for _, a := range acts {
		if !u.Role.May(a) {
			p, _ := Permitted(a)
			what := p.What
			if what == "" {
				what = string(a)
			}
			who := make([]string, len(p.Roles))
			for i, r := range p.Roles {
				who[i] = string(r)
			}
			allowed := "no role"
			if len(who) > 0 {
				allowed = strings.Join(who, ", ")
			}
			return Errorf(EFORBIDDEN, "user", "user %s (%s) may not %s (%s: %s)", u.Name, u.Role, what, a, allowed)
		}
	}
	return nil
}

// FieldActions returns the actions a change of field of a record of kind
// needs: the same mapping at the desk (field paths) and the hub (ops).
func FieldActions(kind, field string) []RoleAction {
	switch kind {
	case KindCase:
		switch field {
		case "assignee":
			return []RoleAction{ActAssign}
		case "status", "held_from", "status_reason", "travel_ready", "departure":
			return []RoleAction{ActMoveStatus}
		case "abn_number":
			return []RoleAction{ActIssueABN}
		}
		return []RoleAction{ActEditCase}
	case KindTraveller:
		return []RoleAction{ActEditTraveller}
	case KindDocument:
		return []RoleAction{ActEditDocument}
	case KindBooking:
		return []RoleAction{ActBook}
	case KindABN:
		if field == "sent" || field == "sent_by" || field == "sent_at" {
			return []RoleAction{ActSendABN}
		}
		return []RoleAction{ActIssueABN}
	case KindEscortTrip:
		return []RoleAction{ActAssignEscort}
	case KindEscort:
		return []RoleAction{ActEscortPool}
	case KindVerification, KindTravelBag:
		return []RoleAction{ActChecklist}
	case KindCounselling, KindAction:
		return []RoleAction{ActCounselling}
	case KindPermit:
		return []RoleAction{ActPermit}
	case KindCustody:
		return []RoleAction{ActCustody}
	case KindReview:
		return []RoleAction{ActReview}
	case KindContact, KindComm:
		return []RoleAction{ActContacts}
	case "conflict":
		if field == "resolution" || field == "resolved_by" || field == "resolved_at" {
			return []RoleAction{ActResolveConflict}
		}
		// A clash a desk found and published: sync's own bookkeeping.
		return nil
	}
	// A record kind without a row: only what an import may write.
	return []RoleAction{ActImport}
}

// ActionsForOp returns the actions a change of fields of the record at key
// needs, without repeats. A new case (its number among the fields) is
// opening one; an ABN version is issued, cancelled or departed by its type.
func ActionsForOp(key string, fields map[string]json.RawMessage) []RoleAction {
	_, kind := SplitKey(key)
	var out []RoleAction
	add := func(as ...RoleAction) {
		for _, a := range as {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	if kind == KindCase {
		if _, ok := fields["number"]; ok {
			add(ActCreateCase)
			return out
		}
	}
	if kind == KindABN {
		if raw, ok := fields["type"]; ok {
			var t ABNType
			_ = json.Unmarshal(raw, &t)
			switch t {
			case ABNCancellation:
				add(ActCancelABN)
			case ABNDeparture:
				add(ActDepartABN)
			default:
				add(ActIssueABN)
			}
			return out
		}
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		add(FieldActions(kind, f)...)
	}
	return out
}

// String renders a permission row for messages and help.
func (p Permission) String() string {
	who := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		who[i] = string(r)
	}
	return fmt.Sprintf("%s (%s): %s", p.Action, p.What, strings.Join(who, ", "))
}
