package desk

import (
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/store"
	"movedesk/tariffs"
)

// publishUsers stores one user per role (named after it) for office RBA, as
// sync brings them from the hub, plus a disabled team leader.
func publishUsers(t *testing.T, s *store.Store) {
	t.Helper()
	err := s.Update("hub", func(tx *store.Tx) error {
		for _, r := range booking.Roles {
			if err := tx.Put(&booking.User{Name: string(r), Office: "RBA", Role: r}); err != nil {
				return err
			}
		}
		return tx.Put(&booking.User{Name: "gone", Office: "RBA", Role: booking.RoleTeamLeader, Disabled: true})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// roleCall is one desk method called as actor, with the actions it needs.
type roleCall struct {
	name string
	acts []booking.RoleAction
	call func(fx *fixture, actor string) error
}

func roleCalls(t *testing.T) []roleCall {
	set, err := tariffs.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	set.Version = "T-ROLES"
	as := func(path, v string) []store.Assignment { return []store.Assignment{{Path: path, Value: v}} }
	one := func(a booking.RoleAction) []booking.RoleAction { return []booking.RoleAction{a} }
	return []roleCall{
		{"SetFields case", one(booking.ActEditCase), func(fx *fixture, u string) error { return fx.d.SetFields(u, fx.no, as("notes", "n "+u)) }},
		{"SetFields assignee", one(booking.ActAssign), func(fx *fixture, u string) error { return fx.d.SetFields(u, fx.no, as("assignee", "x"+u)) }},
		{"SetFields status", one(booking.ActMoveStatus), func(fx *fixture, u string) error {
			return fx.d.SetFields(u, fx.no, as("status_reason", "r"+u))
		}},
		{"SetFields traveller", one(booking.ActEditTraveller), func(fx *fixture, u string) error {
			return fx.d.SetFields(u, fx.no, as("traveller.1.given_names", "Omar "+u))
		}},
		{"SetFields document", one(booking.ActEditDocument), func(fx *fixture, u string) error {
			return fx.d.SetFields(u, fx.no, as("traveller.1.document.p1.number", "N"+strings.ToUpper(u[:3])))
		}},
		{"CreateCase", one(booking.ActCreateCase), func(fx *fixture, u string) error {
			c := booking.Case{Number: "RBA-2026-000901", Programme: "USRAP", Office: "RBA", Status: booking.StatusReceived, Priority: 3}
			return fx.d.CreateCase(u, &booking.CaseFile{Case: c})
		}},
		{"NewCase", one(booking.ActCreateCase), func(fx *fixture, u string) error {
			_, err := fx.d.NewCase(u, "RBA", booking.Case{Programme: "USRAP"}, booking.Traveller{FamilyName: "Nour", GivenNames: "Lina",
				BirthDate: booking.MustDate("1990-01-01"), Sex: "F", Nationality: "SYR"})
			return err
		}},
		{"Book", one(booking.ActBook), func(fx *fixture, u string) error {
			_, err := fx.d.Book(u, fx.no, booking.Booking{Segments: []booking.Segment{fx.seg}}, true)
			return err
		}},
		{"IssueABN", one(booking.ActIssueABN), func(fx *fixture, u string) error { _, err := fx.d.IssueABN(u, fx.no); return err }},
		{"MarkABNSent", one(booking.ActSendABN), func(fx *fixture, u string) error { _, err := fx.d.MarkABNSent(u, fx.no, 0); return err }},
		{"ToggleItem", one(booking.ActChecklist), func(fx *fixture, u string) error {
			_, _, err := fx.d.ToggleItem(u, fx.no, booking.ChecklistVerification, "01/biodata")
			return err
		}},
		{"SetCounselling", one(booking.ActCounselling), func(fx *fixture, u string) error {
			_, err := fx.d.SetCounselling(u, fx.no, CounsellingPatch{})
			return err
		}},
		{"AddCounsellingAction", one(booking.ActCounselling), func(fx *fixture, u string) error {
			_, err := fx.d.AddCounsellingAction(u, fx.no, 1, "needs a wheelchair at transit")
			return err
		}},
		{"AddContact", one(booking.ActContacts), func(fx *fixture, u string) error {
			_, err := fx.d.AddContact(u, fx.no, booking.Contact{Traveller: 1, Phone: "+212612345678"})
			return err
		}},
		{"LogComm", one(booking.ActContacts), func(fx *fixture, u string) error {
			_, err := fx.d.LogComm(u, fx.no, booking.CommEntry{When: booking.MustLocalTime("2026-01-05T10:00"), Channel: "phone",
				Direction: "out", Who: "Omar", Text: "documents requested by phone"})
			return err
		}},
		{"SetPermit", one(booking.ActPermit), func(fx *fixture, u string) error {
			c := "MA"
			_, err := fx.d.SetPermit(u, fx.no, 1, "", PermitPatch{Country: &c, Authority: &c})
			return err
		}},
		{"AddCustody", one(booking.ActCustody), func(fx *fixture, u string) error {
			_, err := fx.d.AddCustody(u, fx.no, 1, "p1", booking.CustodyEvent{Action: "received", From: "applicant"})
			return err
		}},
		{"AddEscort", one(booking.ActEscortPool), func(fx *fixture, u string) error {
			return fx.d.AddEscort(u, &booking.Escort{ID: "E-" + strings.ToUpper(u[:3]), Name: "Esc " + u, Type: booking.EscortOperational})
		}},
		{"AssignEscort", one(booking.ActAssignEscort), func(fx *fixture, u string) error {
			_, _, err := fx.d.AssignEscort(u, EscortRequest{Case: fx.no, Escort: "E-" + strings.ToUpper(u[:3])})
			return err
		}},
		{"CancelABN", one(booking.ActCancelABN), func(fx *fixture, u string) error { _, err := fx.d.CancelABN(u, fx.no, "r"); return err }},
		{"DepartABN", one(booking.ActDepartABN), func(fx *fixture, u string) error { _, err := fx.d.DepartABN(u, fx.no); return err }},
		{"MoveStatus", one(booking.ActMoveStatus), func(fx *fixture, u string) error {
			return fx.d.MoveStatus(u, fx.no, booking.StatusOnHold, "waiting "+u)
		}},
		{"ResolveConflict", one(booking.ActResolveConflict), func(fx *fixture, u string) error {
			_, err := fx.d.ResolveConflict(u, "no-such-conflict", "winner")
			return err
		}},
		{"Import", one(booking.ActImport), func(fx *fixture, u string) error {
			_, err := fx.d.Import(u, strings.NewReader(""), false)
			return err
		}},
		{"ImportTariffs", one(booking.ActTariffs), func(fx *fixture, u string) error {
			_, err := fx.d.ImportTariffs(u, set, "test")
			return err
		}},
		{"ActivateTariff", one(booking.ActTariffs), func(fx *fixture, u string) error {
			return fx.d.ActivateTariff(u, tariffs.EmbeddedVersion)
		}},
		{"ApproveBooking", one(booking.ActReview), func(fx *fixture, u string) error { _, err := fx.d.ApproveBooking(u, fx.no); return err }},
		{"RejectBooking", one(booking.ActReview), func(fx *fixture, u string) error {
			_, err := fx.d.RejectBooking(u, fx.no, "fares "+u)
			return err
		}},
		{"AssignCases", one(booking.ActAssign), func(fx *fixture, u string) error {
			_, err := fx.d.AssignCases(u, "associate", fx.no)
			return err
		}},
		{"AccessLog", one(booking.ActReadAudit), func(fx *fixture, u string) error {
			_, err := fx.d.AccessLog(u, store.AccessFilter{})
			return err
		}},
	}
}

// TestRoleMatrix calls every write method of the desk as every role: a
// role the table does not allow is refused with code forbidden and writes
// nothing; a role it allows is never refused so (the call may still fail
// for its own reasons, such as an ABN without a booking).
func TestRoleMatrix(t *testing.T) {
	calls := roleCalls(t)
	for _, r := range booking.Roles {
		t.Run(string(r), func(t *testing.T) {
			fx := newFixture(t)
			publishUsers(t, fx.s)
			for _, c := range calls {
				may := true
				for _, a := range c.acts {
					may = may && r.May(a)
				}
				before := fx.s.LogLen()
				err := c.call(fx, string(r))
				forbidden := booking.ErrorCode(err) == booking.EFORBIDDEN
				switch {
				case may && forbidden:
					t.Errorf("%s as %s: refused: %v", c.name, r, err)
				case !may && !forbidden:
					t.Errorf("%s as %s: want forbidden, got %v", c.name, r, err)
				case !may && fx.s.LogLen() != before:
					t.Errorf("%s as %s: refused but wrote %d op(s)", c.name, r, fx.s.LogLen()-before)
				case !may && !strings.Contains(err.Error(), string(r)):
					t.Errorf("%s as %s: the refusal does not name the role: %v", c.name, r, err)
				}
			}
		})
	}
}

// TestRoleMatrixCoversTable: every action of the table is called above, so
// the matrix is every action of every role.
func TestRoleMatrixCoversTable(t *testing.T) {
	seen := map[booking.RoleAction]bool{}
	for _, c := range roleCalls(t) {
		for _, a := range c.acts {
			seen[a] = true
		}
	}
	for _, p := range booking.RoleTable {
		if !seen[p.Action] {
			t.Errorf("no desk call in the matrix takes %s", p.Action)
		}
	}
}

func TestUnknownAndDisabledUsersRefused(t *testing.T) {
	fx := newFixture(t)
	// Before any user is published the configured user is a team leader.
	if _, err := fx.d.AssignCases("anyone", "anyone", fx.no); err != nil {
		t.Fatalf("no users published: %v", err)
	}
	publishUsers(t, fx.s)
	for _, u := range []string{"anyone", "gone"} {
		err := fx.d.SetFields(u, fx.no, []store.Assignment{{Path: "notes", Value: "x"}})
		if booking.ErrorCode(err) != booking.EFORBIDDEN {
			t.Errorf("%s: want forbidden, got %v", u, err)
		}
	}
	if _, err := fx.d.AssignCases("team-leader", "viewer", fx.no); err == nil || !strings.Contains(err.Error(), "does not work cases") {
		t.Errorf("assigning to a viewer: %v", err)
	}
	if _, err := fx.d.AssignCases("team-leader", "nobody", fx.no); booking.ErrorCode(err) != booking.ENOTFOUND {
		t.Errorf("assigning to an unknown user: %v", err)
	}
}

func TestAssignCasesAllOrNone(t *testing.T) {
	fx := newFixture(t)
	publishUsers(t, fx.s)
	no2, err := fx.d.NewCase("associate", "RBA", booking.Case{Programme: "USRAP"}, booking.Traveller{FamilyName: "Nour", GivenNames: "Lina",
		BirthDate: booking.MustDate("1990-01-01"), Sex: "F", Nationality: "SYR"})
	if err != nil {
		t.Fatal(err)
	}
	before := fx.s.LogLen()
	if _, err := fx.d.AssignCases("team-leader", "associate", fx.no, "RBA-2026-999999", no2); booking.ErrorCode(err) != booking.ENOTFOUND {
		t.Fatalf("an unknown case among them: %v", err)
	}
	if fx.s.LogLen() != before {
		t.Fatal("a refused assignment wrote")
	}
	n, err := fx.d.AssignCases("team-leader", "associate", fx.no, no2, fx.no)
	if err != nil || n != 2 {
		t.Fatalf("assign: %d, %v", n, err)
	}
	rows, err := fx.s.List(store.Filter{Assignee: "associate"})
	if err != nil || len(rows) != 2 {
		t.Fatalf("list by assignee: %v %v", rows, err)
	}
	if n, err := fx.d.AssignCases("team-leader", "associate", fx.no); err != nil || n != 0 {
		t.Fatalf("again: %d %v", n, err)
	}
}
