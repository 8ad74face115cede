package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/tui"
)

func TestCaseContactAndLogCommands(t *testing.T) {
	dir := demoStore(t, "5")
	no := "RBA-2026-000001"
	code, out, e := cli(t, "case", "contact", "add", no, "--traveller", "1", "--phone", "+212 6 12 34 56 78", "--data", dir)
	if code != 0 {
		t.Fatalf("add: %d %s %s", code, out, e)
	}
	id := regexp.MustCompile(`contact (\S+) added`).FindStringSubmatch(out)[1]
	if code, _, e := cli(t, "case", "contact", "add", no, "--name", "Leila", "--relation", "cousin", "--phone", "+212600000000", "--data", dir); code != 1 ||
		!strings.Contains(e, "relation") {
		t.Errorf("unknown relation: %d %s", code, e)
	}
	if code, _, e := cli(t, "case", "contact", "add", no, "--name", "Leila", "--relation", "relative", "--email", "leila@", "--data", dir); code != 1 ||
		!strings.Contains(e, "email") {
		t.Errorf("bad e-mail: %d %s", code, e)
	}
	if code, _, e := cli(t, "case", "contact", "set", no, id, "--email", "omar@example.org", "--data", dir); code != 0 {
		t.Fatalf("set: %s", e)
	}
	_, out, _ = cli(t, "case", "contact", "list", no, "--data", dir)
	if !strings.Contains(out, "phone +212 6 12 34 56 78 · e-mail omar@example.org") {
		t.Fatalf("list after set: %s", out)
	}
	if code, _, _ := cli(t, "case", "contact", "remove", no, id, "--data", dir); code != 1 {
		t.Error("remove without a reason accepted")
	}
	cli(t, "case", "contact", "remove", no, id, "--reason", "number changed", "--data", dir)
	if _, out, _ = cli(t, "case", "contact", "list", no, "--data", dir); strings.Contains(out, id) || strings.Contains(out, "+212 6 12 34 56 78") {
		t.Errorf("list after remove: %s", out)
	}
	bare := bareDemoStore(t, "1") // no duties, no contacts
	if _, out, _ = cli(t, "case", "contact", "list", no, "--data", bare); !strings.Contains(out, no+" has no contacts (movedesk case contact add") {
		t.Errorf("an empty list: %q", out)
	}
	if _, out, _ = cli(t, "case", "contact", "list", no, "--all", "--json", "--data", dir); !strings.Contains(out, `"removed_reason": "number changed"`) {
		t.Errorf("list --all --json: %s", out)
	}

	code, out, e = cli(t, "case", "log", "add", no, "--channel", "phone", "--direction", "out", "--who", "Omar",
		"--text", "documents requested by phone", "--when", "2026-11-20 09:30", "--data", dir)
	if code != 0 {
		t.Fatalf("log add: %s %s", out, e)
	}
	mid := regexp.MustCompile(`log entry (\S+) added`).FindStringSubmatch(out)[1]
	if code, _, e := cli(t, "case", "log", "add", no, "--channel", "fax", "--direction", "out", "--who", "x", "--text", "y", "--data", dir); code != 1 ||
		!strings.Contains(e, "channel") {
		t.Errorf("fax: %d %s", code, e)
	}
	if code, out, e := cli(t, "case", "log", "correct", no, mid, "--direction", "in", "--data", dir); code != 0 || !strings.Contains(out, "corrects "+mid) {
		t.Fatalf("correct: %d %s %s", code, out, e)
	}
	if code, _, e := cli(t, "case", "log", "correct", no, mid, "--void", "--text", "twice", "--data", dir); code != 1 || !strings.Contains(e, "corrected by") {
		t.Errorf("a second correction of the same entry: %d %s", code, e)
	}
	_, out, _ = cli(t, "case", "log", "list", no, "--data", dir)
	var lines []string // the demo's entries aside
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.Contains(l, "(tester)") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 || !strings.Contains(lines[0], "2026-11-20T09:30 phone → Omar: documents requested by phone") ||
		!strings.Contains(lines[0], "[corrected by") || !strings.Contains(lines[1], "phone ← Omar") || !strings.Contains(lines[1], "[corrects "+mid+"]") {
		t.Fatalf("log list:\n%s", out)
	}
	_, out, _ = cli(t, "case", "history", no, "--json", "--data", dir)
	var hist []map[string]any
	if json.Unmarshal([]byte(out), &hist) != nil || !strings.Contains(out, `"kind": "comm"`) || !strings.Contains(out, `"kind": "contact"`) {
		t.Errorf("history lacks the contact and log records: %.400s", out)
	}
}

// TestContactsInTheApp: through the real app and store, L on a case adds
// a contact and logs a call; both are in the store, and u says it does not
// undo a log entry (and what to do instead) rather than undoing something
// older.
func TestContactsInTheApp(t *testing.T) {
	dir := bareDemoStore(t, "5")
	no := firstCase(t, dir, booking.StatusDataEntry)
	s, m := openApp(t, dir, nil)
	defer s.Close()
	drive(t, m, tui.OpenCaseMsg{Number: no})
	press(t, m, rk('L'), rk('a'), kTab)
	typeKeys(t, m, "+212 6 12 34 56 78")
	press(t, m, kSaveForm)
	if !strings.Contains(frame(m), "+212 6 12 34 56 78") {
		t.Fatalf("after adding a contact:\n%s", frame(m))
	}
	press(t, m, rk('n'), kTab, kTab, kTab)
	typeKeys(t, m, "Omar")
	press(t, m, kTab)
	typeKeys(t, m, "documents requested by phone")
	press(t, m, kSaveForm)
	f, err := s.CaseFile(no)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.ActiveContacts()) != 1 || f.ActiveContacts()[0].Phone != "+212 6 12 34 56 78" || len(f.Comms) != 1 ||
		f.Comms[0].Text != "documents requested by phone" || f.Comms[0].Channel != "phone" || f.Comms[0].Direction != "out" {
		t.Fatalf("stored: %+v %+v", f.Contacts, f.Comms)
	}
	press(t, m, rk('u'))
	if got := frame(m); !strings.Contains(got, "cannot undo log entry "+f.Comms[0].ID) {
		t.Fatalf("u after logging:\n%s", got)
	}
	if f2, _ := s.CaseFile(no); len(f2.Comms) != 1 || len(f2.ActiveContacts()) != 1 {
		t.Fatal("u changed the contacts or the log")
	}
}
