package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"movedesk/booking"
)

// bareDemoStore makes a demo store without duties, so tests start clean.
func bareDemoStore(t *testing.T, n string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, e := cli(t, "demo", "--no-users", "--data", dir, "--cases", n, "--today", "2026-11-22", "--no-duties"); code != 0 {
		t.Fatalf("demo: %d %s", code, e)
	}
	return dir
}

// firstCase returns a case of the demo store in status st.
func firstCase(t testing.TB, dir string, st booking.Status) string {
	t.Helper()
	code, out, e := cli(t, "case", "list", "--status", string(st), "--json", "--data", dir)
	var rows []booking.Summary
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) == 0 {
		t.Fatalf("no %s case: %d %s", st, code, e)
	}
	return rows[0].Number
}

func TestChecklistCLIClosesTheGate(t *testing.T) {
	dir := bareDemoStore(t, "60")
	no := firstCase(t, dir, booking.StatusABNSent)
	show := func() checklistReport {
		t.Helper()
		code, out, e := cli(t, "checklist", "show", no, "--json", "--data", dir)
		var r checklistReport
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
			t.Fatalf("show: %d %s %.300s", code, e, out)
		}
		return r
	}
	r := show()
	if r.GateOpen || len(r.Checklists) != 4 {
		t.Fatalf("fresh abn-sent case: %+v", r)
	}
	code, _, e := cli(t, "checklist", "ready", no, "--data", dir)
	if code != 1 || !strings.Contains(e, "open item(s)") || !strings.Contains(e, "not verified") {
		t.Fatalf("ready with open items: %d %s", code, e)
	}
	// Hand-over before verification is refused.
	code, _, e = cli(t, "custody", "add", no, "1", "d1", "--action", "handed-over", "--to", "the traveller", "--data", dir)
	if code != 1 || !strings.Contains(e, "verification is not recorded") {
		t.Fatalf("hand-over before verification: %d %s", code, e)
	}
	f := caseFile(t, dir, no)
	for _, tr := range f.Travellers {
		for _, d := range f.DocumentsOf(tr.Member) {
			if d.Type.IsTravelDocument() {
				if code, _, e := cli(t, "custody", "add", no, itoa(tr.Member), d.ID, "--action", "received", "--from", "embassy", "--data", dir); code != 0 {
					t.Fatalf("custody: %s", e)
				}
			}
		}
	}
	if code, _, e := cli(t, "counselling", "set", no, "--language", "ar", "--interpreter", "Samir", "--data", dir); code != 0 {
		t.Fatalf("counselling set: %s", e)
	}
	code, out, e := cli(t, "counselling", "action", no, "confirm wheelchair at transit", "--traveller", "1", "--data", dir)
	if code != 0 || !regexp.MustCompile(`^action/a1-d[0-9a-f]+ noted on `).MatchString(out) {
		t.Fatalf("counselling action: %d %s %s", code, out, e)
	}
	if !slices.ContainsFunc(show().Gate, func(it booking.GateItem) bool {
		return it.Message == "counselling action item open: confirm wheelchair at transit"
	}) {
		t.Fatal("the action item does not hold the gate")
	}
	for _, cl := range show().Checklists {
		for _, it := range cl.Items {
			if it.Gate && !it.Done {
				if code, _, e := cli(t, "checklist", "toggle", no, cl.Name, it.Key, "--data", dir); code != 0 {
					t.Fatalf("toggle %s %s: %s", cl.Name, it.Key, e)
				}
			}
		}
	}
	r = show()
	for _, it := range r.Gate {
		// Demo data may leave medical or escort gaps; anything else is ours.
		if it.Code != "medical-clearance" && it.Code != "escort" && it.Code != "travel-document" && it.Code != "booking-findings" && it.Code != "custody" {
			t.Errorf("open after ticking everything: %+v", it)
		}
	}
	if it := r.Checklists[0].Items[0]; !it.Done || it.By != "tester" || it.At.IsZero() {
		t.Fatalf("tick does not say who and when: %+v", it)
	}
	code, out, _ = cli(t, "case", "history", no, "--data", dir)
	if code != 0 || !strings.Contains(out, "verification") || !strings.Contains(out, "ticks=") {
		t.Fatalf("history lacks the toggles: %.500s", out)
	}
	code, out, _ = cli(t, "custody", "log", no, "--data", dir)
	if code != 0 || !strings.Contains(out, "received") || !strings.Contains(out, "embassy") {
		t.Fatalf("custody log: %s", out)
	}
	if code, _, e := cli(t, "custody", "add", no, "1", "d1", "--action", "handed-over", "--to", "the traveller", "--data", dir); code != 0 {
		t.Fatalf("hand-over after verification: %s", e)
	}
	if len(r.Gate) == 0 {
		if code, _, e := cli(t, "checklist", "ready", no, "--data", dir); code != 0 {
			t.Fatalf("ready: %s", e)
		}
	}
}

func TestEscortAndPermitCLI(t *testing.T) {
	dir := bareDemoStore(t, "60")
	no := firstCase(t, dir, booking.StatusABNSent)
	if code, _, e := cli(t, "escort", "add", "e0001", "--name", "Karim Tazi", "--type", "medical", "--languages", "ar,fr",
		"--passport", "X1", "--passport-expiry", "2031-01-01", "--data", dir); code != 0 {
		t.Fatalf("escort add: %s", e)
	}
	if code, _, e := cli(t, "escort", "add", "E0002", "--name", "Old Passport", "--type", "operational",
		"--passport-expiry", "2026-01-01", "--data", dir); code != 0 {
		t.Fatalf("escort add: %s", e)
	}
	code, _, e := cli(t, "escort", "add", "E0003", "--name", "X", "--type", "pilot", "--data", dir)
	if code != 2 || !strings.Contains(e, "medical or operational") {
		t.Fatalf("bad type: %d %s", code, e)
	}
	code, out, _ := cli(t, "escort", "list", "--case", no, "--json", "--data", dir)
	var ranked []booking.EscortCandidate
	if code != 0 || json.Unmarshal([]byte(out), &ranked) != nil || len(ranked) != 2 || ranked[0].Escort.ID != "E0001" || ranked[1].Usable() {
		t.Fatalf("ranked: %d %s", code, out)
	}
	code, _, e = cli(t, "escort", "assign", no, "E0002", "--data", dir)
	if code != 1 || !strings.Contains(e, "passport expires") {
		t.Fatalf("expired passport assign: %d %s", code, e)
	}
	f := caseFile(t, dir, no)
	b := f.ActiveBooking()
	last := b.Segments[len(b.Segments)-1]
	depDay := last.Arrive.Date().AddDays(2).String()
	retSeg := last.Carrier + ",999," + last.To + "," + b.Segments[0].From + "," + depDay + "T10:00," + depDay + "T22:00"
	code, out, e = cli(t, "escort", "assign", no, "E0001", "--return", retSeg, "--data", dir)
	if code != 0 || !strings.Contains(out, "E0001 escorts case "+no) {
		t.Fatalf("assign: %d %s %s", code, out, e)
	}
	if nb := caseFile(t, dir, no).ActiveBooking(); nb.EscortSeats != b.EscortSeats+1 || (b.TotalUSDCents > 0 && nb.TotalUSDCents <= b.TotalUSDCents) {
		t.Fatalf("escort seat not priced: before %+v after %+v", b, nb)
	}
	code, _, e = cli(t, "permit", "set", no, "--member", "1", "--authority", "DGSN", "--status", "denied", "--data", dir)
	if code != 1 || !strings.Contains(e, "reason_code") {
		t.Fatalf("denial without reason: %d %s", code, e)
	}
	if code, _, e := cli(t, "permit", "set", no, "--member", "1", "--authority", "DGSN", "--status", "denied", "--reason-code", "military-service", "--data", dir); code != 0 {
		t.Fatalf("deny: %s", e)
	}
	_, out, _ = cli(t, "checklist", "show", no, "--data", dir)
	if !regexp.MustCompile(`P1-d[0-9a-f]+ traveller 1 \(DGSN\): denied \(military-service\)`).MatchString(out) || !strings.Contains(out, "[exit-permit]") {
		t.Fatalf("show: %s", out)
	}
	if code, _, e := cli(t, "permit", "set", no, "--member", "1", "--status", "approved", "--valid-until", "2030-01-01", "--data", dir); code != 0 {
		t.Fatalf("approve: %s", e)
	}
	if _, out, _ = cli(t, "checklist", "show", no, "--data", dir); strings.Contains(out, "[exit-permit]") {
		t.Fatalf("approved permit still open: %s", out)
	}
	// A second application gets its own id; then which one must be said.
	code, out, e = cli(t, "permit", "set", no, "--member", "1", "--new", "--authority", "DGSN", "--data", dir)
	if code != 0 || !regexp.MustCompile(`permit P2-d[0-9a-f]+ of `).MatchString(out) {
		t.Fatalf("new application: %d %s %s", code, out, e)
	}
	if code, _, e = cli(t, "permit", "set", no, "--member", "1", "--status", "pending", "--data", dir); code != 1 || !strings.Contains(e, "has 2 permits") {
		t.Fatalf("ambiguous permit: %d %s", code, e)
	}
	if code, _, e = cli(t, "permit", "set", no, "--member", "1", "--id", "P7", "--status", "pending", "--data", dir); code != 1 || !strings.Contains(e, "has no permit P7") {
		t.Fatalf("unknown id: %d %s", code, e)
	}
}

func TestTemplatesConfigUnknownKey(t *testing.T) {
	dir := demoStore(t, "5")
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(cfg, []byte("templates:\n  USRAP:\n    travel_lone: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, e := cli(t, "checklist", "show", "RBA-2026-000001", "--config", cfg, "--data", dir)
	if code != 1 || !strings.Contains(e, `templates.USRAP.travel_lone: unknown template key "travel_lone"`) {
		t.Fatalf("unknown template key: %d %s", code, e)
	}
}

func caseFile(t *testing.T, dir, no string) *booking.CaseFile {
	t.Helper()
	code, out, e := cli(t, "case", "show", no, "--json", "--data", dir)
	var f booking.CaseFile
	if code != 0 || json.Unmarshal([]byte(out), &f) != nil {
		t.Fatalf("case show: %d %s", code, e)
	}
	return &f
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
