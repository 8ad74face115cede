package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
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
	if _, out, _ = cli(t, "case", "contact", "list", no, "--data", dir); !strings.Contains(out, "has no contacts") {
		t.Errorf("list after remove: %s", out)
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
	lines := strings.Split(strings.TrimSpace(out), "\n")
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
