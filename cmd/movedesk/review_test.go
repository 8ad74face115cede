package main

import (
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
	"movedesk/tui"
)

// TestReviewCLIWithHubPolicy: the four-eyes policy published at the hub
// reaches the office's desk; review list shows the booked cases; only a
// team leader other than the booking's author approves; a rejection needs
// a reason; abn send is refused until the booking is approved, and the
// approved send syncs without a refusal.
func TestReviewCLIWithHubPolicy(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub")
	tok := addDesk(t, hubDir, "RBA", "rba-1")
	deskDir := filepath.Join(t.TempDir(), "desk")
	if code, _, e := cli(t, "demo", "--no-users", "--data", deskDir, "--cases", "30", "--office", "RBA", "--today", "2026-11-22", "--no-duties"); code != 0 {
		t.Fatalf("demo: %s", e)
	}
	h := openHub(t, hubDir)
	done, watched := make(chan struct{}), make(chan struct{})
	go func() { h.Background(done, 50*time.Millisecond); close(watched) }()
	defer func() { close(done); <-watched }()
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	sync := func() string {
		t.Helper()
		code, out, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok)
		if code != 0 {
			t.Fatalf("sync: %d %q %q", code, out, e)
		}
		return out + e
	}
	sync()
	// The demo's authors become the office's users.
	var rows []booking.Summary
	code, out, _ := cli(t, "case", "list", "--status", "booked", "--json", "--data", deskDir)
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) < 2 {
		t.Fatalf("booked cases: %d %q", code, out)
	}
	authors := map[string]bool{}
	code, all, _ := cli(t, "case", "list", "--json", "--data", deskDir)
	var every []booking.Summary
	if code != 0 || json.Unmarshal([]byte(all), &every) != nil {
		t.Fatal("case list")
	}
	for _, r := range every {
		authors[r.Assignee] = true
	}
	for a := range authors {
		if a == "" {
			continue
		}
		if code, _, e := cli(t, "hub", "user", "add", a, "--office", "RBA", "--role", "associate", "--data", hubDir); code != 0 {
			t.Fatalf("user add %s: %s", a, e)
		}
	}
	for _, u := range []string{"demo", "lead"} {
		role := "team-leader"
		if code, _, e := cli(t, "hub", "user", "add", u, "--office", "RBA", "--role", role, "--data", hubDir); code != 0 {
			t.Fatalf("user add %s: %s", u, e)
		}
	}
	if code, _, e := cli(t, "hub", "publish", "four-eyes", "--office", "RBA", "--data", hubDir); code != 2 {
		t.Fatalf("four-eyes without programmes: %d %q", code, e)
	}
	code, out, e := cli(t, "hub", "publish", "four-eyes", "--office", "RBA", "--all", "--data", hubDir)
	if code != 0 || !strings.Contains(out, "four-eyes check of RBA on for every programme") {
		t.Fatalf("publish four-eyes: %d %q %q", code, out, e)
	}
	sync()
	if code, out, _ := cli(t, "hub", "publish", "status", "--data", hubDir); code != 0 || !strings.Contains(out, "four-eyes check of RBA: every programme (by ") {
		t.Fatalf("publish status: %d %q", code, out)
	}

	code, out, e = cli(t, "review", "list", "--json", "--data", deskDir)
	var list []reviewRow
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != len(rows) {
		t.Fatalf("review list: %d %q %q (booked %d)", code, out, e, len(rows))
	}
	one, two := list[0], list[1]
	if one.State != "awaiting" || one.BookedBy == "" {
		t.Fatalf("first: %+v", one)
	}
	assoc := one.BookedBy
	if code, _, e := cli(t, "abn", "issue", one.Case, "--user", assoc, "--data", deskDir); code != 0 {
		t.Fatalf("abn issue: %s", e)
	}
	if code, _, e := cli(t, "abn", "send", one.Case, "--user", assoc, "--data", deskDir); code != 1 || !strings.Contains(e, "awaits a team leader's approval") {
		t.Fatalf("send unapproved: %d %q", code, e)
	}
	if code, _, e := cli(t, "review", "approve", one.Case, "--user", assoc, "--data", deskDir); code != 1 || !strings.Contains(e, "may not approve or reject bookings") {
		t.Fatalf("associate approves: %d %q", code, e)
	}
	if code, _, e := cli(t, "review", "reject", two.Case, "--user", "lead", "--data", deskDir); code != 2 || !strings.Contains(e, "reason") {
		t.Fatalf("reject without reason: %d %q", code, e)
	}
	code, out, e = cli(t, "review", "reject", two.Case, "--reason", "wrong fare basis", "--user", "lead", "--data", deskDir)
	if code != 0 || !strings.Contains(out, "rejected by lead; back to "+two.BookedBy+": wrong fare basis") {
		t.Fatalf("reject: %d %q %q", code, out, e)
	}
	code, out, e = cli(t, "review", "approve", one.Case, "--user", "lead", "--data", deskDir)
	if code != 0 || !strings.Contains(out, "approved by lead") {
		t.Fatalf("approve: %d %q %q", code, out, e)
	}
	code, out, _ = cli(t, "review", "list", "--all", "--data", deskDir)
	if code != 0 || !strings.Contains(out, "rejected by lead: wrong fare basis") || !strings.Contains(out, one.Case+"  approved") {
		t.Fatalf("review list --all: %d %q", code, out)
	}
	if code, _, e := cli(t, "abn", "send", one.Case, "--user", assoc, "--data", deskDir); code != 0 {
		t.Fatalf("send approved: %d %q", code, e)
	}
	if got := sync(); strings.Contains(got, "refused") {
		t.Fatalf("sync of the approved send: %q", got)
	}
	if code, out, _ := cli(t, "case", "list", "--status", "abn-sent", "--data", deskDir); code != 0 || !strings.Contains(out, one.Case) {
		t.Fatalf("after the sync %s is not abn-sent: %q", one.Case, out)
	}
}

// TestAppBulkAssignUndo: a team leader marks cases in the app, assigns
// them with :assign in one transaction, and u undoes the whole assignment
// in one.
func TestAppBulkAssignUndo(t *testing.T) {
	dir := bareDemoStore(t, "12")
	s, m := openApp(t, dir, nil)
	defer s.Close()
	drive(t, m, tui.QueueMsg{Name: "all"})
	press(t, m, kSpaceBar, kSpaceBar, rk('x'))
	before := map[string]string{}
	rows, _ := s.AllRows()
	for _, r := range rows[:3] {
		before[r.Number] = r.Assignee
	}
	ops := s.LogLen()
	press(t, m, rk(':'))
	typeKeys(t, m, "assign lead.x")
	press(t, m, tea.Key{Code: tea.KeyEnter})
	if got := frame(m); !strings.Contains(got, "assigned 3 case(s) to lead.x") {
		t.Fatalf("after :assign:\n%s", got)
	}
	if ents, _ := s.Log(ops, 0); len(ents) != 3 {
		t.Fatalf("%d ops for 3 cases", len(ents))
	}
	for no := range before {
		if f, _ := s.CaseFile(no); f.Case.Assignee != "lead.x" {
			t.Fatalf("%s: %q", no, f.Case.Assignee)
		}
	}
	press(t, m, rk('u'))
	if got := frame(m); !strings.Contains(got, "undid: assignee of 3 cases") {
		t.Fatalf("after u:\n%s", got)
	}
	for no, was := range before {
		if f, _ := s.CaseFile(no); f.Case.Assignee != was {
			t.Fatalf("%s after undo: %q, want %q", no, f.Case.Assignee, was)
		}
	}
}
