package main

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHubUsersAndAssignment: users added at the hub reach the office's desk
// by sync; from then on the CLI lets each do what the role table allows (a
// viewer is refused, a team leader assigns, an associate may not), and
// case list --assignee finds the assigned cases.
func TestHubUsersAndAssignment(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub")
	tok := addDesk(t, hubDir, "RBA", "rba-1")
	deskDir := filepath.Join(t.TempDir(), "desk")
	if code, _, e := cli(t, "demo", "--no-users", "--data", deskDir, "--cases", "5", "--office", "RBA", "--today", "2026-11-22"); code != 0 {
		t.Fatalf("demo: %s", e)
	}
	// The desk's work so far reaches the hub before the office has users.
	h := openHub(t, hubDir)
	done, watched := make(chan struct{}), make(chan struct{})
	go func() { h.Background(done, 50*time.Millisecond); close(watched) }()
	defer func() { close(done); <-watched }()
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	// With no users published the configured user is a team leader.
	if code, out, e := cli(t, "case", "assign", "RBA-2026-000001", "--to", "whoever", "--data", deskDir); code != 0 || !strings.Contains(out, "1 case(s) assigned to whoever") {
		t.Fatalf("assign before users: %d %q %q", code, out, e)
	}
	if code, _, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok); code != 0 || strings.Contains(e, "refused") {
		t.Fatalf("first sync: %d %q", code, e)
	}
	for _, u := range [][]string{{"lead", "team-leader"}, {"vic", "viewer"}, {"asa", "associate"}} {
		if code, out, e := cli(t, "hub", "user", "add", u[0], "--office", "RBA", "--role", u[1], "--data", hubDir); code != 0 || !strings.Contains(out, "added as "+u[1]) {
			t.Fatalf("user add %v: %d %q %q", u, code, out, e)
		}
	}
	if code, _, e := cli(t, "hub", "user", "add", "bob", "--office", "RBA", "--role", "boss", "--data", hubDir); code != 2 || !strings.Contains(e, `unknown role "boss"`) {
		t.Fatalf("unknown role: %d %q", code, e)
	}
	if code, _, e := cli(t, "hub", "user", "role", "nobody", "--office", "RBA", "--role", "viewer", "--data", hubDir); code != 1 || !strings.Contains(e, "no user nobody of office RBA") {
		t.Fatalf("role of an unknown user: %d %q", code, e)
	}
	code, out, _ := cli(t, "hub", "user", "list", "--office", "RBA", "--data", hubDir)
	if code != 0 || !strings.Contains(out, "lead") || !strings.Contains(out, "viewer") || !strings.Contains(out, "active") {
		t.Fatalf("user list: %d %q", code, out)
	}

	// Users come to the desk with its next sync.
	if code, out, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok); code != 0 || strings.Contains(e, "refused") {
		t.Fatalf("sync: %d %q %q", code, out, e)
	}

	no := "RBA-2026-000002"
	code, _, e := cli(t, "case", "set", no, "notes=a viewer writes", "--user", "vic", "--data", deskDir)
	if code != 1 || !strings.Contains(e, "user vic (viewer) may not edit a case's fields") {
		t.Fatalf("viewer set: %d %q", code, e)
	}
	code, _, e = cli(t, "case", "assign", no, "--to", "asa", "--user", "asa", "--data", deskDir)
	if code != 1 || !strings.Contains(e, "user asa (associate) may not assign cases") {
		t.Fatalf("associate assigns: %d %q", code, e)
	}
	code, _, e = cli(t, "case", "set", no, "notes=x", "--user", "stranger", "--data", deskDir)
	if code != 1 || !strings.Contains(e, `"stranger" is not a user of this office`) {
		t.Fatalf("unknown user: %d %q", code, e)
	}
	code, out, e = cli(t, "case", "assign", no, "RBA-2026-000003", "--to", "asa", "--user", "lead", "--data", deskDir)
	if code != 0 || !strings.Contains(out, "2 case(s) assigned to asa") {
		t.Fatalf("team leader assigns: %d %q %q", code, out, e)
	}
	code, out, e = cli(t, "case", "assign", "RBA-2026-000004", "--to", "vic", "--user", "lead", "--data", deskDir)
	if code != 1 || !strings.Contains(e, "does not work cases") {
		t.Fatalf("assign to a viewer: %d %q %q", code, out, e)
	}
	code, out, _ = cli(t, "case", "list", "--assignee", "asa", "--data", deskDir)
	if code != 0 || !strings.Contains(out, no) || !strings.Contains(out, "RBA-2026-000003") || strings.Contains(out, "RBA-2026-000001") {
		t.Fatalf("case list --assignee: %d %q", code, out)
	}
	if code, out, e := cli(t, "case", "assign", no, "--data", deskDir); code != 2 {
		t.Fatalf("assign without --to: %d %q %q", code, out, e)
	}
	// The assignment reaches the hub: a team leader's op.
	if code, out, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok); code != 0 || strings.Contains(out+e, "refused") {
		t.Fatalf("sync after assigning: %d %q %q", code, out, e)
	}
}
