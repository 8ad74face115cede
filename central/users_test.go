package central_test

import (
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/central"
)

// TestUserPublications: add, role and disable; once an office has an
// office admin only one of its admins changes its users, and the last one
// stays; a change refused changes nothing.
func TestUserPublications(t *testing.T) {
	dir, s := openHub(t)
	apply := func(actor string, u central.UserChange) (string, bool) {
		t.Helper()
		if err := central.QueuePublication(dir, &central.Publication{Actor: actor, Users: []central.UserChange{u}}); err != nil {
			t.Fatal(err)
		}
		rs, err := central.ApplyPublications(s, dir)
		if err != nil || len(rs) != 1 {
			t.Fatalf("apply: %v %+v", err, rs)
		}
		return rs[0].Message, rs[0].OK
	}
	add := func(name string, r booking.Role) central.UserChange {
		return central.UserChange{Op: central.UserAdd, Name: name, Office: "RBA", Role: r}
	}
	steps := []struct {
		actor string
		u     central.UserChange
		ok    bool
		msg   string
	}{
		{"root", add("amina", booking.RoleAssociate), true, "added as associate"},
		{"root", add("amina", booking.RoleViewer), false, "exists"},
		{"root", add("olga", booking.RoleOfficeAdmin), true, "added as office-admin"},
		{"root", add("tom", booking.RoleTeamLeader), false, "only an office admin of RBA"},
		{"olga", add("tom", booking.RoleTeamLeader), true, "added as team-leader"},
		{"olga", central.UserChange{Op: central.UserRole, Name: "amina", Office: "RBA", Role: booking.RoleTeamLeader}, true, "now team-leader (was associate)"},
		{"olga", central.UserChange{Op: central.UserDisable, Name: "olga", Office: "RBA"}, false, "last office admin"},
		{"olga", central.UserChange{Op: central.UserDisable, Name: "nobody", Office: "RBA"}, false, "no user nobody"},
		{"olga", central.UserChange{Op: central.UserDisable, Name: "amina", Office: "RBA"}, true, "disabled"},
		{"olga", add("amina", booking.RoleAssociate), true, "enabled again as associate"},
		// Another office has no admin yet: set up from the hub's directory.
		{"root", central.UserChange{Op: central.UserAdd, Name: "karl", Office: "KLT", Role: booking.RoleViewer}, true, "added"},
	}
	for i, st := range steps {
		msg, ok := apply(st.actor, st.u)
		if ok != st.ok || !strings.Contains(msg, st.msg) {
			t.Errorf("step %d (%s %s %s): ok %v %q, want %v %q", i, st.actor, st.u.Op, st.u.Name, ok, msg, st.ok, st.msg)
		}
	}
	us, err := s.Users("RBA")
	if err != nil {
		t.Fatal(err)
	}
	if u := us["amina"]; u.Role != booking.RoleAssociate || u.Disabled || u.By != "olga" {
		t.Errorf("amina: %+v", u)
	}
	if len(us) != 3 {
		t.Errorf("RBA users %v", us)
	}
	if err := central.QueuePublication(dir, &central.Publication{Actor: "x", Users: []central.UserChange{{Op: "add", Name: "a b", Office: "RBA", Role: "associate"}}}); err == nil {
		t.Error("a bad user name was queued")
	}
	if err := central.QueuePublication(dir, &central.Publication{Actor: "x", Users: []central.UserChange{{Op: "add", Name: "ab", Office: "RBA", Role: "boss"}}}); err == nil {
		t.Error("an unknown role was queued")
	}
}

// TestFourEyesPublications: an office's four-eyes policy is set by its
// office admin once it has one (before, from the hub's directory), and a
// bad programme is refused before it is queued.
func TestFourEyesPublications(t *testing.T) {
	dir, s := openHub(t)
	apply := func(p *central.Publication) (string, bool) {
		t.Helper()
		if err := central.QueuePublication(dir, p); err != nil {
			t.Fatal(err)
		}
		rs, err := central.ApplyPublications(s, dir)
		if err != nil || len(rs) != 1 {
			t.Fatalf("apply: %v %+v", err, rs)
		}
		return rs[0].Message, rs[0].OK
	}
	fe := func(progs ...string) []booking.FourEyes {
		return []booking.FourEyes{{Office: "RBA", Programmes: progs}}
	}
	if msg, ok := apply(&central.Publication{Actor: "root", FourEyes: fe("USRAP")}); !ok || !strings.Contains(msg, "four-eyes check of RBA on for USRAP") {
		t.Fatalf("before an admin: %v %q", ok, msg)
	}
	apply(&central.Publication{Actor: "root", Users: []central.UserChange{{Op: central.UserAdd, Name: "olga", Office: "RBA", Role: booking.RoleOfficeAdmin}}})
	if msg, ok := apply(&central.Publication{Actor: "root", FourEyes: fe()}); ok || !strings.Contains(msg, "only an office admin of RBA sets its four-eyes check") {
		t.Fatalf("a non-admin: %v %q", ok, msg)
	}
	if msg, ok := apply(&central.Publication{Actor: "olga", FourEyes: fe(booking.FourEyesAll)}); !ok || !strings.Contains(msg, "every programme") {
		t.Fatalf("the admin: %v %q", ok, msg)
	}
	p, err := s.FourEyes("RBA")
	if err != nil || !p.Requires("CA-GAR") || p.By != "olga" {
		t.Fatalf("policy %+v %v", p, err)
	}
	if err := central.QueuePublication(dir, &central.Publication{Actor: "olga", FourEyes: fe("US RAP")}); err == nil {
		t.Fatal("a programme with a space was queued")
	}
}
