package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// TestCLIRefusesWhatEveryPathRefuses: the bad changes of the sync table
// (desksync/invariants_test.go) made from the command line are refused
// with the same field and message as every other path, exit 1, and leave
// the store as it was.
func TestCLIRefusesWhatEveryPathRefuses(t *testing.T) {
	dir := demoStore(t, "60")
	var rows []struct {
		Number    string `json:"number"`
		Status    string `json:"status"`
		ABNNumber string `json:"abn_number"`
	}
	pick := func(status string, noABN bool) string {
		for _, r := range rows {
			if r.Status == status && (!noABN || r.ABNNumber == "") {
				return r.Number
			}
		}
		t.Fatalf("no %s case in the demo", status)
		return ""
	}
	_, out, _ := cli(t, "case", "list", "--json", "--data", dir)
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	ready, booked := pick("travel-ready", false), pick("booked", true)
	_, before, _ := cli(t, "export", "--data", dir)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"case", "status", ready, "departed"}, "status: cannot move case " + ready + " from travel-ready to departed"},
		{[]string{"case", "status", booked, "abn-sent"}, "status: case " + booked + " cannot be abn-sent: no ABN issue or update of it is marked sent"},
		{[]string{"case", "status", ready, "on-hold"}, "reason: moving case " + ready + " to on-hold needs a reason"},
		{[]string{"case", "set", ready, "priority=7"}, "priority: priority 7 must be 1 (urgent), 2 (high) or 3 (normal)"},
		{[]string{"case", "set", ready, "dest_airport=ZZZZ"}, "dest_airport:"},
		{[]string{"case", "set", ready, "notes=" + strings.Repeat("n", 5000)}, "notes: notes are limited to 4000 characters"},
		{[]string{"case", "set", ready, "traveller.1.family_name=EVIL\x1b]0;pwned\x07"}, "family_name: control character U+001B"},
		{[]string{"case", "set", ready, "traveller.1.given_names=Lina\nRBA-2026-999999"}, "given_names: control character U+000A"},
		{[]string{"case", "set", ready, "notes=paid \u202e0001 USD"}, "notes: bidirectional control U+202E"},
		{[]string{"case", "set", ready, "traveller.99.document.d1.type=passport"}, "has no traveller 99"},
		{[]string{"case", "set", ready, "number=RBA-2026-000002"}, "number: field number cannot be set"},
		{[]string{"case", "set", ready, "office=SAL"}, "office: field office cannot be set"},
	} {
		code, _, e := cli(t, append(tc.args, "--data", dir)...)
		if code != 1 || !strings.Contains(e, tc.want) {
			t.Errorf("%q: exit %d %q, want 1 and %q", tc.args, code, e, tc.want)
		}
		if strings.ContainsAny(e, "\x1b\x07\u202e") {
			t.Errorf("%q: the error echoes a control character raw: %q", tc.args, e)
		}
	}
	if _, after, _ := cli(t, "export", "--data", dir); after != before {
		t.Fatal("a refused change was stored")
	}
}

// TestAppRefusesWhatEveryPathRefuses drives the app on a real store: moving
// a travel-ready case to booked with m (without a booking) and to on-hold
// without a reason are refused with the rule's words in the footer, and
// nothing is stored.
func TestAppRefusesWhatEveryPathRefuses(t *testing.T) {
	dir := demoStore(t, "60")
	var rows []struct{ Number, Status string }
	_, out, _ := cli(t, "case", "list", "--status", "travel-ready", "--json", "--data", dir)
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("%v %d", err, len(rows))
	}
	no := rows[0].Number
	_, before, _ := cli(t, "export", "--data", dir)
	s, m := openApp(t, dir, time.Now)
	press(t, m, tea.Key{Code: ':', Text: ":"})
	typeKeys(t, m, "open "+no)
	press(t, m, tea.Key{Code: tea.KeyEnter})
	// m, then the first move offered: booked.
	press(t, m, tea.Key{Code: 'm', Text: "m"})
	if fr := frame(m); !strings.Contains(fr, "▸ booked") {
		t.Fatalf("move menu:\n%s", fr)
	}
	press(t, m, tea.Key{Code: tea.KeyEnter})
	if fr := frame(m); !strings.Contains(fr, "without an active booking") {
		t.Fatalf("booked without a booking not refused in the footer:\n%s", fr)
	}
	s.Close()
	if _, after, _ := cli(t, "export", "--data", dir); after != before {
		t.Fatal("the refused move was stored")
	}
}
