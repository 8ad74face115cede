package desksync_test

import (
	"encoding/json"
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/change"
	"movedesk/store"
)

// editAs changes one field of the record at key as actor, bypassing the
// use-case layer's role check: what an old or altered desk could push.
func editAs(t *testing.T, s *store.Store, actor, key, field string, value any) {
	t.Helper()
	v, _ := json.Marshal(value)
	if err := s.Update(actor, func(tx *store.Tx) error {
		raw, _, err := tx.GetRaw(key)
		if err != nil {
			return err
		}
		obj, err := change.ToObject(raw)
		if err != nil {
			return err
		}
		obj[field] = v
		_, kind := booking.SplitKey(key)
		return tx.PutObject(key, kind, obj)
	}); err != nil {
		t.Fatal(err)
	}
}

func publishUsers(t *testing.T, h *hub, us ...central.UserChange) {
	t.Helper()
	if err := central.QueuePublication(h.dir, &central.Publication{Actor: "admin", Users: us}); err != nil {
		t.Fatal(err)
	}
	rs, err := central.ApplyPublications(h.store, h.dir)
	if err != nil || len(rs) != 1 || !rs[0].OK {
		t.Fatalf("publish users: %+v %v", rs, err)
	}
}

// TestHubChecksAuthorsRoles: once an office's users are published, the hub
// refuses alone each pushed op whose author may not make it (a viewer, a
// data-processing user moving a status, another office's user), applies
// the rest, and sends each desk its own office's users only.
func TestHubChecksAuthorsRoles(t *testing.T) {
	h := newHub(t)
	r := newDesk(t, h, "RBA", "rba-1")
	k := newDesk(t, h, "KLT", "klt-1")
	cases := fill(t, r.s, 4, "RBA", 31)
	fill(t, k.s, 1, "KLT", 32)
	// No users yet: every author acts as a team leader.
	if res := r.sync(t); res.Refused != 0 {
		t.Fatalf("refused before any user was published: %+v", res)
	}
	k.sync(t)
	publishUsers(t, h,
		central.UserChange{Op: central.UserAdd, Name: "amina", Office: "RBA", Role: booking.RoleAssociate},
		central.UserChange{Op: central.UserAdd, Name: "vera", Office: "RBA", Role: booking.RoleViewer},
		central.UserChange{Op: central.UserAdd, Name: "dana", Office: "RBA", Role: booking.RoleDataProcessing},
		central.UserChange{Op: central.UserAdd, Name: "karl", Office: "KLT", Role: booking.RoleTeamLeader},
	)
	r.sync(t)
	k.sync(t)
	for _, x := range []struct {
		d    *desk
		want []string
	}{{r, []string{"amina", "dana", "vera"}}, {k, []string{"karl"}}} {
		us, err := x.d.s.Users("")
		if err != nil || len(us) != len(x.want) {
			t.Fatalf("%s holds users %v (%v), want %v", x.d.s.Desk(), us, err, x.want)
		}
		for _, n := range x.want {
			if _, ok := us[n]; !ok {
				t.Fatalf("%s lacks user %s: %v", x.d.s.Desk(), n, us)
			}
		}
	}

	editAs(t, r.s, "vera", cases[0], "notes", "a viewer's note")
	editAs(t, r.s, "karl", cases[1], "notes", "another office's user")
	editAs(t, r.s, "dana", cases[2], "status", "cancelled")
	editAs(t, r.s, "amina", cases[3], "notes", "an associate's note")
	editAs(t, r.s, "dana", cases[3], "sponsor", "IRC")
	res := r.sync(t)
	if res.Refused != 3 {
		t.Fatalf("refused %d, want 3: %+v", res.Refused, res)
	}
	refs, err := r.s.Refusals()
	if err != nil || len(refs) != 3 {
		t.Fatalf("refusals %+v %v", refs, err)
	}
	for i, want := range []string{"vera (viewer) may not edit a case's fields", `"karl" is not a user of this office`, "dana (data-processing) may not move a case's status"} {
		if !strings.Contains(refs[i].Reason, want) || !strings.Contains(refs[i].Reason, "forbidden") {
			t.Errorf("refusal %d: %q, want %q", i, refs[i].Reason, want)
		}
	}
	notes := func(s *store.Store, no string) booking.Case {
		f, err := s.CaseFile(no)
		if err != nil {
			t.Fatal(err)
		}
		return f.Case
	}
	if c := notes(h.store, cases[3]); c.Notes != "an associate's note" || c.Sponsor != "IRC" {
		t.Errorf("the allowed ops did not apply at the hub: %+v", c)
	}
	if c := notes(h.store, cases[0]); c.Notes == "a viewer's note" {
		t.Error("the hub applied the viewer's note")
	}
	// The desk takes the hub's values back.
	if c := notes(r.s, cases[0]); c.Notes == "a viewer's note" {
		t.Error("the desk kept the refused note")
	}

	// A disabled user's later change is refused too.
	publishUsers(t, h, central.UserChange{Op: central.UserDisable, Name: "amina", Office: "RBA"})
	editAs(t, r.s, "amina", cases[3], "notes", "after leaving")
	if res := r.sync(t); res.Refused != 1 {
		t.Fatalf("a disabled user's op: %+v", res)
	}
}
