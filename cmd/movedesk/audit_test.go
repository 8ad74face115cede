package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/store"
)

// flipMarker changes one byte of marker wherever it is in the store file
// of dir (the op that wrote it, and the record holding it).
func flipMarker(t *testing.T, dir, marker string) {
	t.Helper()
	path := filepath.Join(dir, store.FileName)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(marker)) {
		t.Fatalf("%s not in %s", marker, path)
	}
	changed := marker[:len(marker)-1] + "X"
	if err := os.WriteFile(path, bytes.ReplaceAll(raw, []byte(marker), []byte(changed)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestAuditVerifyCatchesAChangedByte: one byte of one op changed inside
// the bbolt file, at a desk and at the hub, is named by audit verify
// (desk, op number, record, what differs) with exit 1.
func TestAuditVerifyCatchesAChangedByte(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub")
	tok := addDesk(t, hubDir, "RBA", "rba-1")
	deskDir := filepath.Join(t.TempDir(), "desk")
	t.Setenv("MOVEDESK_DESK", "dchain01")
	if code, _, e := cli(t, "demo", "--no-users", "--data", deskDir, "--cases", "5", "--office", "RBA", "--today", "2026-11-22"); code != 0 {
		t.Fatalf("demo: %s", e)
	}
	no := "RBA-2026-000002"
	if code, _, e := cli(t, "case", "set", no, "notes=desk marker 4711", "--data", deskDir); code != 0 {
		t.Fatalf("case set: %s", e)
	}
	hs, err := store.Open(hubDir, store.Options{Desk: "hub"})
	if err != nil {
		t.Fatal(err)
	}
	h := central.New(hs, hubDir)
	h.Log = func(string, ...any) {}
	srv := httptest.NewServer(h.Handler())
	if code, _, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok); code != 0 {
		t.Fatalf("sync: %s", e)
	}
	if code, _, e := cli(t, "case", "set", no, "notes=hub marker 4712", "--data", deskDir); code != 0 {
		t.Fatalf("case set: %s", e)
	}
	if code, _, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok); code != 0 {
		t.Fatalf("sync: %s", e)
	}
	srv.Close()
	hs.Close()

	code, out, e := cli(t, "audit", "verify", "--data", deskDir)
	if code != 0 || !strings.Contains(out, "ops link") || !strings.Contains(out, "ok: nothing in the history was changed") {
		t.Fatalf("intact desk: %d %q %q", code, out, e)
	}
	code, out, e = cli(t, "audit", "verify", "--hub", "--data", hubDir)
	if code != 0 || !strings.Contains(out, "chain of desk dchain01 as received:") {
		t.Fatalf("intact hub: %d %q %q", code, out, e)
	}
	if code, _, e := cli(t, "audit", "verify", "--hub", "--data", deskDir); code != 1 || !strings.Contains(e, "not a hub's data directory") {
		t.Fatalf("--hub on a desk: %d %q", code, e)
	}

	flipMarker(t, deskDir, "desk marker 4711")
	code, _, e = cli(t, "audit", "verify", "--data", deskDir)
	if code != 1 || !strings.Contains(e, "breaks at op dchain01:") || !strings.Contains(e, "record "+no) || !strings.Contains(e, "bytes differ from what was chained") {
		t.Fatalf("changed byte at the desk: %d %q", code, e)
	}
	code, out, _ = cli(t, "audit", "verify", "--json", "--data", deskDir)
	var res chainResult
	if code != 1 || json.Unmarshal([]byte(out), &res) != nil || res.OK || res.Break == nil || res.Break.Desk != "dchain01" || res.Break.Key != no || res.Break.Seq == 0 {
		t.Fatalf("--json: %d %q", code, out)
	}

	flipMarker(t, hubDir, "hub marker 4712")
	code, _, e = cli(t, "audit", "verify", "--hub", "--data", hubDir)
	if code != 1 || !strings.Contains(e, "breaks at op dchain01:") || !strings.Contains(e, "record "+no) {
		t.Fatalf("changed byte at the hub: %d %q", code, e)
	}
}

// putUsers publishes users to a desk's store as its sync would.
func putUsers(t *testing.T, dir string, users map[string]booking.Role) {
	t.Helper()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var recs []booking.Record
	for n, r := range users {
		recs = append(recs, &booking.User{Name: n, Office: "RBA", Role: r})
	}
	if err := s.PutRecords("hub", recs...); err != nil {
		t.Fatal(err)
	}
}

// TestAuditAccessLog: opening a case's personal data from the CLI is noted
// in the desk's access log; a team leader reads it (filtered), others are
// refused with the role's reason; it never enters the change log.
func TestAuditAccessLog(t *testing.T) {
	dir := demoStore(t, "10")
	logLen := func() uint64 {
		s, err := store.Open(dir, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		return s.LogLen()
	}
	before := logLen()
	a, b := "RBA-2026-000001", "RBA-2026-000002"
	if code, _, e := cli(t, "case", "show", a, "--data", dir, "--user", "amina"); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := cli(t, "case", "show", b, "--json", "--data", dir, "--user", "karim"); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := cli(t, "export", "--out", filepath.Join(t.TempDir(), "x.jsonl"), "--data", dir, "--user", "amina"); code != 0 {
		t.Fatal(e)
	}
	if logLen() != before {
		t.Fatal("opening cases wrote to the change log (it would sync)")
	}
	code, out, e := cli(t, "audit", "access", "--data", dir)
	if code != 0 || !strings.Contains(out, "amina") || !strings.Contains(out, "case show") || !strings.Contains(out, "(all cases)") || !strings.Contains(out, b) {
		t.Fatalf("access: %d %q %q", code, out, e)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.Contains(lines[1], "export") || !strings.Contains(lines[3], a) {
		t.Fatalf("not newest first: %q", out)
	}
	code, out, _ = cli(t, "audit", "access", "--case", a, "--json", "--data", dir)
	var ents []store.AccessEntry
	if code != 0 || json.Unmarshal([]byte(out), &ents) != nil || len(ents) != 2 || ents[1].Case != a || ents[1].User != "amina" || ents[0].Case != store.AccessAllCases {
		t.Fatalf("--case --json: %d %q", code, out)
	}
	if _, out, _ := cli(t, "audit", "access", "--by", "karim", "--data", dir); strings.Contains(out, a) || !strings.Contains(out, b) {
		t.Fatalf("--by: %q", out)
	}
	if _, out, _ := cli(t, "audit", "access", "--from", "2099-01-01", "--data", dir); !strings.Contains(out, "No openings") {
		t.Fatalf("--from: %q", out)
	}
	if code, _, e := cli(t, "audit", "access", "--from", "2026-13-01", "--data", dir); code != 2 {
		t.Fatalf("bad --from: %d %q", code, e)
	}

	putUsers(t, dir, map[string]booking.Role{"lead": booking.RoleTeamLeader, "asa": booking.RoleAssociate, "vic": booking.RoleViewer})
	for _, u := range []string{"asa", "vic"} {
		code, _, e := cli(t, "audit", "access", "--data", dir, "--user", u)
		if code != 1 || !strings.Contains(e, "may not read the desk's access log") || !strings.Contains(e, "audit.read: team-leader") {
			t.Fatalf("%s reads the access log: %d %q", u, code, e)
		}
	}
	if code, out, e := cli(t, "audit", "access", "--data", dir, "--user", "lead"); code != 0 || !strings.Contains(out, "amina") {
		t.Fatalf("team leader: %d %q %q", code, out, e)
	}
}

// TestAppNotesCaseOpenings: the app over a real store notes the case screen
// in the desk's access log, which audit access then lists.
func TestAppNotesCaseOpenings(t *testing.T) {
	dir := demoStore(t, "5")
	s, m := openApp(t, dir, nil)
	press(t, m, tea.Key{Code: ':', Text: ":"})
	typeKeys(t, m, "open RBA-2026-000003")
	press(t, m, kEnter)
	if f := frame(m); !strings.Contains(f, "RBA-2026-000003") {
		t.Fatalf("case not open:\n%s", f)
	}
	s.Close()
	code, out, e := cli(t, "audit", "access", "--case", "RBA-2026-000003", "--data", dir)
	if code != 0 || !strings.Contains(out, "amina.idrissi") || !strings.Contains(out, "case screen") {
		t.Fatalf("access after the app: %d %q %q", code, out, e)
	}

	// Once the office's users are published, only a team leader reads it.
	putUsers(t, dir, map[string]booking.Role{"amina.idrissi": booking.RoleAssociate})
	s, m = openApp(t, dir, nil)
	defer s.Close()
	press(t, m, tea.Key{Code: ':', Text: ":"})
	typeKeys(t, m, "access")
	press(t, m, kEnter)
	if f := frame(m); !strings.Contains(f, "amina.idrissi (associate) may not read the desk's access log") || strings.Contains(f, "case screen") {
		t.Fatalf("an associate's :access:\n%s", f)
	}
}

// TestManifestIsNotedPerCase: a flight manifest carries its travellers'
// names off the desk; the access log names each case on it and for whom.
func TestManifestIsNotedPerCase(t *testing.T) {
	dir := flightStore(t)
	if code, _, e := cli(t, "flight", "manifest", "AC", "837", "2027-01-17", "--for", "airline", "--data", dir, "--user", "amina"); code != 0 {
		t.Fatal(e)
	}
	code, out, _ := cli(t, "audit", "access", "--json", "--data", dir)
	var ents []store.AccessEntry
	if code != 0 || json.Unmarshal([]byte(out), &ents) != nil || len(ents) < 2 {
		t.Fatalf("access: %d %s", code, out)
	}
	seen := map[string]bool{}
	for _, e := range ents {
		if e.User != "amina" || e.What != "flight manifest for airline" || !strings.HasPrefix(e.Case, "RBA-2026-") {
			t.Fatalf("entry %+v", e)
		}
		seen[e.Case] = true
	}
	if len(seen) != len(ents) {
		t.Fatalf("a case noted twice: %+v", ents)
	}
}
