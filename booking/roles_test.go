package booking

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestActionsForOp(t *testing.T) {
	raw := func(kv ...string) map[string]json.RawMessage {
		m := map[string]json.RawMessage{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = json.RawMessage(kv[i+1])
		}
		return m
	}
	no := "RBA-2026-000001"
	for _, c := range []struct {
		key    string
		fields map[string]json.RawMessage
		want   []RoleAction
	}{
		{no, raw("number", `"x"`, "status", `"received"`), []RoleAction{ActCreateCase}},
		{no, raw("notes", `"x"`), []RoleAction{ActEditCase}},
		{no, raw("assignee", `"x"`, "notes", `"y"`), []RoleAction{ActAssign, ActEditCase}},
		{no, raw("status", `"booked"`), []RoleAction{ActMoveStatus}},
		{TravellerKey(no, 1), raw("family_name", `"x"`), []RoleAction{ActEditTraveller}},
		{DocumentKey(no, 1, "p1"), raw("number", `"x"`), []RoleAction{ActEditDocument}},
		{BookingKey(no, "b1"), raw("status", `"active"`), []RoleAction{ActBook}},
		{no + "/abn/001", raw("type", `"issue"`, "version", `1`), []RoleAction{ActIssueABN}},
		{no + "/abn/002", raw("type", `"cancellation"`), []RoleAction{ActCancelABN}},
		{no + "/abn/003", raw("type", `"departure"`), []RoleAction{ActDepartABN}},
		{no + "/abn/001", raw("sent", `true`, "sent_by", `"x"`), []RoleAction{ActSendABN}},
		{EscortTripKey(no, "E1"), raw("segments", `[1]`), []RoleAction{ActAssignEscort}},
		{no + "/permit/P1", raw("status", `"pending"`), []RoleAction{ActPermit}},
		{no + "/custody/01/p1", raw("events", `[]`), []RoleAction{ActCustody}},
		{no + "/counselling", raw("date", `"2026-01-01"`), []RoleAction{ActCounselling}},
		{no + "/verification/01", raw("ticks", `{}`), []RoleAction{ActChecklist}},
		{ContactKey(no, "c1-d1"), raw("phone", `"+212612345678"`), []RoleAction{ActContacts}},
		{CommKey(no, "m1-d1"), raw("text", `"documents requested by phone"`), []RoleAction{ActContacts}},
		{no + "/conflict/k1", raw("field", `"notes"`), nil},
		{no + "/conflict/k1", raw("resolution", `"winner"`), []RoleAction{ActResolveConflict}},
		{no + "/mystery/1", raw("x", `1`), []RoleAction{ActImport}},
	} {
		if got := ActionsForOp(c.key, c.fields); !slices.Equal(got, c.want) {
			t.Errorf("%s %v: %v, want %v", c.key, c.fields, got, c.want)
		}
	}
}

func TestRoleTable(t *testing.T) {
	seen := map[RoleAction]bool{}
	for _, p := range RoleTable {
		if seen[p.Action] {
			t.Errorf("%s twice in the table", p.Action)
		}
		seen[p.Action] = true
		if !slices.Contains(p.Roles, RoleTeamLeader) {
			t.Errorf("a team leader may not %s", p.Action)
		}
		if slices.Contains(p.Roles, RoleViewer) || slices.Contains(p.Roles, RoleOfficeAdmin) {
			t.Errorf("%s allowed to a role that only reads", p.Action)
		}
	}
	for _, a := range []RoleAction{ActAssign, ActImport, ActTariffs} {
		if RoleAssociate.May(a) || RoleDataProcessing.May(a) {
			t.Errorf("%s is a team leader's alone", a)
		}
	}
	if RoleAssociate.May(ActPermit) || !RoleDataProcessing.May(ActPermit) || RoleDataProcessing.May(ActBook) {
		t.Error("permits are data processing's, bookings an associate's")
	}
}

func TestAuthorize(t *testing.T) {
	if err := Authorize(nil, "anyone", ActAssign); err != nil {
		t.Errorf("no users published: %v", err)
	}
	us := map[string]User{"a": {Name: "a", Office: "RBA", Role: RoleAssociate}, "d": {Name: "d", Office: "RBA", Role: RoleTeamLeader, Disabled: true}}
	for _, c := range []struct {
		actor string
		act   RoleAction
		ok    bool
	}{{"a", ActBook, true}, {"a", ActAssign, false}, {"d", ActBook, false}, {"x", ActBook, false}} {
		err := Authorize(us, c.actor, c.act)
		if (err == nil) != c.ok || err != nil && ErrorCode(err) != EFORBIDDEN {
			t.Errorf("%s %s: %v", c.actor, c.act, err)
		}
	}
	if err := (&User{Name: "a", Office: "RBA", Role: "boss"}).Validate(); ErrorField(err) != "role" {
		t.Errorf("unknown role: %v", err)
	}
	if UserOffice(UserKey("RBA", "a")) != "RBA" || UserOffice(EscortKey("E1")) != "" {
		t.Error("UserOffice")
	}
}
