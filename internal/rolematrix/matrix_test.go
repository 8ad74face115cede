package rolematrix

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/change"
	"movedesk/desk"
	"movedesk/desksync"
	"movedesk/store"
	"movedesk/tariffs"
)

// roles are the matrix's columns, in this order.
var roles = []string{"associate", "data-processing", "team-leader", "viewer", "office-admin"}

// want is the role table as the office agreed it, written out by hand:
// y may, . refused, one letter per role in the order of roles.
var want = []struct {
	act booking.RoleAction
	may string
}{
	{"case.create", "yyy.."},
	{"case.edit", "yyy.."},
	{"traveller.edit", "yyy.."},
	{"document.edit", "yyy.."},
	{"permit.record", ".yy.."},
	{"case.status", "y.y.."},
	{"booking.book", "y.y.."},
	{"abn.issue", "y.y.."},
	{"abn.send", "y.y.."},
	{"abn.cancel", "y.y.."},
	{"abn.depart", "y.y.."},
	{"checklist.tick", "y.y.."},
	{"counselling.record", "y.y.."},
	{"custody.record", "y.y.."},
	{"escort.pool", "y.y.."},
	{"escort.assign", "y.y.."},
	{"conflict.resolve", "yyy.."},
	{"case.assign", "..y.."},
	{"import", "..y.."},
	{"tariffs.activate", "..y.."},
	{"audit.read", "..y.."},
	{"booking.review", "..y.."},
	{"contacts.edit", "yyy.."},
}

// notOnThePath are the actions a path cannot take, and why: written out so
// that a path losing an action fails too.
var notOnThePath = map[string]map[booking.RoleAction]string{
	"cli": {"case.create": "a new case is opened in the app (n, :new) or by import"},
	"hub": {
		"escort.pool":      "a desk's own escorts stay on the desk; the pool is published at the hub",
		"tariffs.activate": "tariff versions are published at the hub",
		"audit.read":       "the access log is read at the desk, never sent",
	},
}

func may(i int, r int) bool { return want[i].may[r] == 'y' }

// TestMatrixIsTheRoleTable: the hand-written matrix names every action of
// booking.RoleTable and no other, and agrees with it.
func TestMatrixIsTheRoleTable(t *testing.T) {
	if len(want) != len(booking.RoleTable) {
		t.Errorf("the matrix has %d actions, the role table %d", len(want), len(booking.RoleTable))
	}
	for i, w := range want {
		if _, ok := booking.Permitted(w.act); !ok {
			t.Errorf("%s is not in the role table", w.act)
			continue
		}
		for r, name := range roles {
			if got := booking.Role(name).May(w.act); got != may(i, r) {
				t.Errorf("%s as %s: the role table says %v, the matrix %v", w.act, name, got, may(i, r))
			}
		}
	}
}

// fixture is one desk store holding a travel-ready case, a second case to
// book and issue on, and the office's users (one per role, named after it).
type fixture struct {
	dir string
	s   *store.Store
	d   *desk.Service
	no  string // travel-ready, booked with an ABN issued
	seg booking.Segment
}

const office = "RBA"

func pricedNonstop(t *testing.T, today booking.Date) (carrier, from, to string, day booking.Date) {
	t.Helper()
	set, err := tariffs.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range set.Pairs() {
		for _, r := range set.Routings(p[0], p[1]) {
			if len(r.Via) > 0 {
				continue
			}
			for d := 30; d < 200; d += 10 {
				day := today.AddDays(d)
				for _, f := range set.FaresBetween(p[0], p[1], day) {
					if f.Carrier == r.Carrier && f.Programme == "" && f.Pax == booking.ADT && len(f.Via) == 0 {
						return r.Carrier, p[0], p[1], day
					}
				}
			}
		}
	}
	t.Fatal("the embedded tables price no nonstop")
	return
}

func newFixture(t *testing.T, users bool) *fixture {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{dir: dir, s: s, no: "RBA-2026-000777"}
	fx.d = desk.New(s, desk.Config{Rules: tariffs.DefaultRules()})
	carrier, from, to, day := pricedNonstop(t, booking.DateOf(time.Now()))
	f := &booking.CaseFile{
		Case: booking.Case{Number: fx.no, Programme: "USRAP", Office: office, OriginCity: "Origin", OriginAirport: from,
			DestCity: "Destination", DestAirport: to, Sponsor: "IRC", Priority: 2, Received: booking.MustDate("2026-01-10"),
			TravelReady: booking.MustDate("2026-02-01"), Status: booking.StatusTravelReady},
		Travellers: []booking.Traveller{{Case: fx.no, Member: 1, Principal: true, FamilyName: "Haddad", GivenNames: "Omar",
			BirthDate: booking.MustDate("1980-05-05"), Sex: "M", Nationality: "SYR", Relationship: "PA",
			MedicalDate: booking.DateOf(time.Now()), MedicalValidUntil: day.AddDays(90)}},
		Documents: []booking.Document{{Case: fx.no, Member: 1, ID: "p1", Type: booking.DocPassport, Number: "N1",
			IssuingCountry: "SYR", ExpiryDate: day.AddDays(2000)}},
	}
	if err := fx.d.CreateCase("setup", f); err != nil {
		t.Fatal(err)
	}
	fx.seg = booking.Segment{Carrier: carrier, Flight: "100", From: from, To: to,
		Depart: booking.MustLocalTime(day.String() + "T10:00"), Arrive: booking.MustLocalTime(day.String() + "T23:00")}
	if users {
		if err := s.Update("hub", func(tx *store.Tx) error {
			for _, r := range roles {
				if err := tx.Put(&booking.User{Name: r, Office: office, Role: booking.Role(r)}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	return fx
}

// appCalls take each action through the use-case layer the app's screens
// call (cmd/movedesk adapts it to the tui's interfaces, nothing more).
func appCalls(t *testing.T) map[booking.RoleAction]func(fx *fixture, u string) error {
	set, err := tariffs.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	set.Version = "T-MATRIX"
	as := func(path, v string) []store.Assignment { return []store.Assignment{{Path: path, Value: v}} }
	return map[booking.RoleAction]func(fx *fixture, u string) error{
		"case.create": func(fx *fixture, u string) error {
			_, err := fx.d.NewCase(u, office, booking.Case{Programme: "USRAP"}, booking.Traveller{FamilyName: "Nour", GivenNames: "Lina",
				BirthDate: booking.MustDate("1990-01-01"), Sex: "F", Nationality: "SYR"})
			return err
		},
		"case.edit": func(fx *fixture, u string) error { return fx.d.SetFields(u, fx.no, as("notes", "by "+u)) },
		"traveller.edit": func(fx *fixture, u string) error {
			return fx.d.SetFields(u, fx.no, as("traveller.1.given_names", "Omar "+u))
		},
		"document.edit": func(fx *fixture, u string) error {
			return fx.d.SetFields(u, fx.no, as("traveller.1.document.p1.number", "N"+strings.ToUpper(u[:3])))
		},
		"permit.record": func(fx *fixture, u string) error {
			c := "MA"
			_, err := fx.d.SetPermit(u, fx.no, 1, "", desk.PermitPatch{Country: &c, Authority: &c})
			return err
		},
		"case.status": func(fx *fixture, u string) error {
			return fx.d.MoveStatus(u, fx.no, booking.StatusOnHold, "waiting "+u)
		},
		"booking.book": func(fx *fixture, u string) error {
			_, err := fx.d.Book(u, fx.no, booking.Booking{Segments: []booking.Segment{fx.seg}}, true)
			return err
		},
		"abn.issue":  func(fx *fixture, u string) error { _, err := fx.d.IssueABN(u, fx.no); return err },
		"abn.send":   func(fx *fixture, u string) error { _, err := fx.d.MarkABNSent(u, fx.no, 0); return err },
		"abn.cancel": func(fx *fixture, u string) error { _, err := fx.d.CancelABN(u, fx.no, "r"); return err },
		"abn.depart": func(fx *fixture, u string) error { _, err := fx.d.DepartABN(u, fx.no); return err },
		"checklist.tick": func(fx *fixture, u string) error {
			_, _, err := fx.d.ToggleItem(u, fx.no, booking.ChecklistVerification, "01/biodata")
			return err
		},
		"counselling.record": func(fx *fixture, u string) error {
			_, err := fx.d.AddCounsellingAction(u, fx.no, 1, "needs a wheelchair at transit")
			return err
		},
		"custody.record": func(fx *fixture, u string) error {
			_, err := fx.d.AddCustody(u, fx.no, 1, "p1", booking.CustodyEvent{Action: "received", From: "applicant"})
			return err
		},
		"escort.pool": func(fx *fixture, u string) error {
			return fx.d.AddEscort(u, &booking.Escort{ID: "E-" + strings.ToUpper(u[:3]), Name: "Esc " + u, Type: booking.EscortOperational})
		},
		"escort.assign": func(fx *fixture, u string) error {
			_, _, err := fx.d.AssignEscort(u, desk.EscortRequest{Case: fx.no, Escort: "E-" + strings.ToUpper(u[:3])})
			return err
		},
		"conflict.resolve": func(fx *fixture, u string) error {
			_, err := fx.d.ResolveConflict(u, "no-such-conflict", "winner")
			return err
		},
		"case.assign":      func(fx *fixture, u string) error { _, err := fx.d.AssignCases(u, "associate", fx.no); return err },
		"import":           func(fx *fixture, u string) error { _, err := fx.d.Import(u, strings.NewReader(""), false); return err },
		"tariffs.activate": func(fx *fixture, u string) error { _, err := fx.d.ImportTariffs(u, set, "matrix"); return err },
		"audit.read":       func(fx *fixture, u string) error { _, err := fx.d.AccessLog(u, store.AccessFilter{}); return err },
		"booking.review":   func(fx *fixture, u string) error { _, err := fx.d.RejectBooking(u, fx.no, "fare too high"); return err },
		"contacts.edit": func(fx *fixture, u string) error {
			_, err := fx.d.AddContact(u, fx.no, booking.Contact{Traveller: 1, Phone: "+212 600 000 000"})
			return err
		},
	}
}

// refusedFor reports whether err is a refusal of role r by the role table.
func refusedFor(err error, r string) bool {
	return err != nil && booking.ErrorCode(err) == booking.EFORBIDDEN && strings.Contains(err.Error(), "("+r+") may not")
}

// TestAppPath: every action of every role through the use-case layer the
// app calls; a refusal names the role and writes nothing.
func TestAppPath(t *testing.T) {
	calls := appCalls(t)
	for r, role := range roles {
		t.Run(role, func(t *testing.T) {
			fx := newFixture(t, true)
			defer fx.s.Close()
			for i, w := range want {
				call, ok := calls[w.act]
				if !ok {
					t.Errorf("no app call for %s", w.act)
					continue
				}
				before := fx.s.LogLen()
				err := call(fx, role)
				refused := refusedFor(err, role)
				switch {
				case may(i, r) && refused:
					t.Errorf("%s as %s: refused: %v", w.act, role, err)
				case !may(i, r) && !refused:
					t.Errorf("%s as %s: want refused by role, got %v", w.act, role, err)
				case !may(i, r) && fx.s.LogLen() != before:
					t.Errorf("%s as %s: refused but wrote %d op(s)", w.act, role, fx.s.LogLen()-before)
				}
			}
		})
	}
}

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rolematrix")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "movedesk")
	out, err := exec.Command("go", "build", "-o", binary, "movedesk/cmd/movedesk").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build movedesk: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cliArgs are the real commands taking each action.
func cliArgs(fx *fixture, role string, importFile string) map[booking.RoleAction][]string {
	no := fx.no
	seg := strings.Join([]string{fx.seg.Carrier, fx.seg.Flight, fx.seg.From, fx.seg.To, fx.seg.Depart.String(), fx.seg.Arrive.String()}, ",")
	esc := "E-" + strings.ToUpper(role[:3])
	return map[booking.RoleAction][]string{
		"case.edit":          {"case", "set", no, "notes=by " + role},
		"traveller.edit":     {"case", "set", no, "traveller.1.given_names=Omar " + role},
		"document.edit":      {"case", "set", no, "traveller.1.document.p1.number=N" + strings.ToUpper(role[:3])},
		"permit.record":      {"permit", "set", no, "--member", "1", "--country", "MA", "--authority", "DGSN"},
		"case.status":        {"case", "status", no, "on-hold", "--reason", "waiting"},
		"booking.book":       {"book", no, "--segment", seg, "--confirm-warnings"},
		"abn.issue":          {"abn", "issue", no},
		"abn.send":           {"abn", "send", no},
		"abn.cancel":         {"abn", "cancel", no, "--reason", "withdrawn"},
		"abn.depart":         {"abn", "depart", no, "--yes"},
		"checklist.tick":     {"checklist", "toggle", no, "verification", "01/biodata"},
		"counselling.record": {"counselling", "action", no, "needs a wheelchair at transit"},
		"custody.record":     {"custody", "add", no, "1", "p1", "--action", "received", "--from", "applicant"},
		"escort.pool":        {"escort", "add", esc, "--name", "Esc " + role, "--type", "operational"},
		"escort.assign":      {"escort", "assign", no, esc},
		"conflict.resolve":   {"conflicts", "resolve", "cnope", "--take", "winner"},
		"case.assign":        {"case", "assign", no, "--to", "associate"},
		"import":             {"import", importFile},
		"tariffs.activate":   {"tariffs", "activate", tariffs.EmbeddedVersion},
		"audit.read":         {"audit", "access"},
		"booking.review":     {"review", "reject", no, "--reason", "fare too high"},
		"contacts.edit":      {"case", "contact", "add", no, "--traveller", "1", "--phone", "+212 600 000 000"},
	}
}

// TestCLIPath: every action of every role through real runs of the
// movedesk binary, as that user.
func TestCLIPath(t *testing.T) {
	cfgHome := t.TempDir()
	empty := filepath.Join(t.TempDir(), "empty.jsonl")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for r, role := range roles {
		t.Run(role, func(t *testing.T) {
			fx := newFixture(t, true)
			fx.s.Close()
			args := cliArgs(fx, role, empty)
			for i, w := range want {
				a, ok := args[w.act]
				if why, skip := notOnThePath["cli"][w.act]; skip {
					if ok {
						t.Errorf("%s has a command now (%v): take it off notOnThePath (%s)", w.act, a, why)
					}
					continue
				}
				if !ok {
					t.Errorf("no command for %s", w.act)
					continue
				}
				cmd := exec.Command(binary, append(a, "--data", fx.dir, "--user", role)...)
				cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+cfgHome, "MOVEDESK_USER=", "NO_COLOR=1")
				var stderr strings.Builder
				cmd.Stderr = &stderr
				err := cmd.Run()
				msg := stderr.String()
				refused := err != nil && strings.Contains(msg, "("+role+") may not")
				switch {
				case may(i, r) && strings.Contains(msg, "may not"):
					t.Errorf("%s as %s (%v): refused: %s", w.act, role, a, msg)
				case !may(i, r) && !refused:
					t.Errorf("%s as %s (%v): want refused by role, got %v %s", w.act, role, a, err, msg)
				case !may(i, r):
					if code := cmd.ProcessState.ExitCode(); code != 1 {
						t.Errorf("%s as %s: refused with exit %d, want 1", w.act, role, code)
					}
				}
			}
		})
	}
}

// hubOp is an op of action act written at a desk as if its author's own
// desk had let it through (an older or altered desk): the hub must judge it.
type hubOp struct {
	key, kind string
	fields    map[string]any
}

func hubOps(fx *fixture, role string, n int) map[booking.RoleAction]hubOp {
	no := fx.no
	tag := strings.ToUpper(role[:3])
	return map[booking.RoleAction]hubOp{
		"case.create": {fmt.Sprintf("RBA-2026-%06d", 900+n), booking.KindCase, map[string]any{
			"number": fmt.Sprintf("RBA-2026-%06d", 900+n), "office": office, "programme": "USRAP", "status": "received", "priority": 3}},
		"case.edit":          {no, booking.KindCase, map[string]any{"notes": "by " + role}},
		"traveller.edit":     {no + "/traveller/01", booking.KindTraveller, map[string]any{"given_names": "Omar " + role}},
		"document.edit":      {no + "/document/01/p1", booking.KindDocument, map[string]any{"number": "N" + tag}},
		"permit.record":      {no + "/permit/P-" + tag, booking.KindPermit, map[string]any{"country": "MA"}},
		"case.status":        {no, booking.KindCase, map[string]any{"status_reason": "why " + role}},
		"booking.book":       {no + "/booking/b-" + tag, booking.KindBooking, map[string]any{"pnr": "PNR" + tag}},
		"abn.issue":          {no + "/abn/1/00" + fmt.Sprint(n), booking.KindABN, map[string]any{"type": "issue", "version": n}},
		"abn.send":           {no + "/abn/1/00" + fmt.Sprint(n), booking.KindABN, map[string]any{"sent": true}},
		"abn.cancel":         {no + "/abn/1/10" + fmt.Sprint(n), booking.KindABN, map[string]any{"type": "cancellation"}},
		"abn.depart":         {no + "/abn/1/20" + fmt.Sprint(n), booking.KindABN, map[string]any{"type": "departure"}},
		"checklist.tick":     {no + "/verification/v-" + tag, booking.KindVerification, map[string]any{"by": role}},
		"counselling.record": {no + "/counselling/c-" + tag, booking.KindCounselling, map[string]any{"by": role}},
		"custody.record":     {no + "/custody/01/p1/e-" + tag, booking.KindCustody, map[string]any{"action": "received"}},
		"escort.assign":      {no + "/escorttrip/t-" + tag, booking.KindEscortTrip, map[string]any{"escort": "E-" + tag}},
		"conflict.resolve":   {no + "/conflict/c-" + tag, "conflict", map[string]any{"resolution": "winner"}},
		"case.assign":        {no, booking.KindCase, map[string]any{"assignee": "to-" + role}},
		"import":             {no + "/imported/i-" + tag, "imported", map[string]any{"x": role}},
		"booking.review":     {booking.ReviewKey(no), booking.KindReview, map[string]any{"decision": "rejected", "reason": "by " + role}},
		"contacts.edit":      {booking.ContactKey(no, "k-"+tag), booking.KindContact, map[string]any{"phone": "+212600000000"}},
	}
}

// TestHubPath: ops of every action authored by a user of each role reach
// a real hub on 127.0.0.1 from a desk that did not judge them; the hub
// refuses alone exactly those the matrix refuses, naming the role.
func TestHubPath(t *testing.T) {
	hubDir := t.TempDir()
	hs, err := store.Open(hubDir, store.Options{Desk: "hub"})
	if err != nil {
		t.Fatal(err)
	}
	defer hs.Close()
	h := central.New(hs, hubDir)
	h.Log = func(string, ...any) {}
	srv := newServer(t, h)
	tok, err := central.AddDesk(hubDir, office, "rba-1")
	if err != nil {
		t.Fatal(err)
	}
	fx := newFixture(t, false)
	defer fx.s.Close()
	syncOnce := func() desksync.Result {
		t.Helper()
		res, err := desksync.Sync(context.Background(), fx.s, srv, tok, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	syncOnce() // the case reaches the hub before the office has users
	var us []central.UserChange
	for _, r := range roles {
		us = append(us, central.UserChange{Op: central.UserAdd, Name: r, Office: office, Role: booking.Role(r)})
	}
	if err := central.QueuePublication(hubDir, &central.Publication{Actor: "admin", Users: us}); err != nil {
		t.Fatal(err)
	}
	if rs, err := central.ApplyPublications(hs, hubDir); err != nil || len(rs) != 1 || !rs[0].OK {
		t.Fatalf("publish users: %+v %v", rs, err)
	}
	syncOnce()

	type cell struct {
		r   int
		row int
	}
	sent := map[string]cell{} // op id -> matrix cell
	for r, role := range roles {
		ops := hubOps(fx, role, r+1)
		for i, w := range want {
			op, ok := ops[w.act]
			if why, skip := notOnThePath["hub"][w.act]; skip {
				if ok {
					t.Errorf("%s travels to the hub now: take it off notOnThePath (%s)", w.act, why)
				}
				continue
			}
			if !ok {
				t.Errorf("no op for %s", w.act)
				continue
			}
			if err := fx.s.Update(role, func(tx *store.Tx) error {
				obj := change.Object{}
				if raw, ok, err := tx.GetRaw(op.key); err != nil {
					return err
				} else if ok {
					if obj, err = change.ToObject(raw); err != nil {
						return err
					}
				}
				for f, v := range op.fields {
					b, _ := json.Marshal(v)
					obj[f] = b
				}
				return tx.PutObject(op.key, op.kind, obj)
			}); err != nil {
				t.Fatalf("write %s as %s: %v", w.act, role, err)
			}
			sent[fx.s.Desk()+":"+fmt.Sprint(fx.s.LogLen())] = cell{r, i}
		}
	}
	if len(sent) != len(roles)*(len(want)-len(notOnThePath["hub"])) {
		t.Fatalf("%d ops written for the matrix", len(sent))
	}
	syncOnce()
	refs, err := fx.s.Refusals()
	if err != nil {
		t.Fatal(err)
	}
	byRole := map[cell]string{}
	for _, rf := range refs {
		if c, ok := sent[rf.Op]; ok && strings.Contains(rf.Reason, "may not") {
			byRole[c] = rf.Reason
		}
	}
	for _, c := range sent {
		role, w := roles[c.r], want[c.row]
		why, refused := byRole[c]
		switch {
		case may(c.row, c.r) && refused:
			t.Errorf("%s as %s: the hub refused it: %s", w.act, role, why)
		case !may(c.row, c.r) && !refused:
			t.Errorf("%s as %s: the hub did not refuse it by role", w.act, role)
		case refused && !strings.Contains(why, "("+role+") may not"):
			t.Errorf("%s as %s: the refusal does not name the role: %s", w.act, role, why)
		}
	}
}
