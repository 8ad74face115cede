package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// Defects found in a day's work (issue 12), each pinned by what the user saw.
func TestCLIDayDefects(t *testing.T) {
	dir := demoStore(t, "40")
	no := "RBA-2026-000002"

	// A typo in a member number made a ninth, half-empty traveller priced
	// as an infant of age 0.
	code, _, e := cli(t, "case", "set", no, "traveller.9.family_name=Ghost", "--data", dir)
	if code != 1 || !strings.Contains(e, "has no traveller 9; a new traveller is member") {
		t.Fatalf("traveller.9: %d %q", code, e)
	}
	_, out, _ := cli(t, "case", "show", no, "--data", dir)
	if strings.Contains(out, "Ghost") {
		t.Fatalf("a ghost traveller was stored:\n%s", out)
	}
	// The next member number with a name only is refused for the missing
	// birth date; with it, it is added.
	_, _, e = cli(t, "case", "set", no, "traveller.9.family_name=Ghost", "--data", dir)
	m := e[strings.Index(e, "member ")+len("member "):]
	m = m[:strings.IndexByte(m, ',')]
	code, _, e = cli(t, "case", "set", no, "traveller."+m+".family_name=Ghost", "--data", dir)
	if code != 1 || !strings.Contains(e, "birth date is required") {
		t.Fatalf("new member without birth date: %d %q", code, e)
	}
	if code, _, e := cli(t, "case", "set", no, "traveller."+m+".family_name=Haddad", "traveller."+m+".given_names=Rami", "traveller."+m+".birth_date=2019-03-04", "traveller."+m+".sex=M", "--data", dir); code != 0 {
		t.Fatalf("adding member %s: %s", m, e)
	}

	// "Allowed next: [booked on-hold cancelled]" read like Go, not words.
	_, out, _ = cli(t, "case", "show", no, "--data", dir)
	if !strings.Contains(out, "Allowed next: ") || strings.Contains(out, "Allowed next: [") {
		t.Fatalf("allowed next:\n%s", out)
	}

	// conflicts list printed a bare header when there were none.
	_, out, _ = cli(t, "conflicts", "list", "--data", dir)
	if strings.TrimSpace(out) != "No open conflicts." {
		t.Fatalf("conflicts list with none: %q", out)
	}

	// checklist toggle flips, so a script run twice undid itself; tick and
	// untick leave the item as asked.
	for i, want := range []string{"ticked by tester", "already ticked by tester (no change)"} {
		code, out, e := cli(t, "checklist", "tick", no, "verification", "01/biodata", "--data", dir)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("tick #%d: %d %q %q, want %q", i+1, code, out, e, want)
		}
	}
	for i, want := range []string{": Biodata", "already unticked (no change)"} {
		code, out, e := cli(t, "checklist", "untick", no, "verification", "01/biodata", "--data", dir)
		if code != 0 || !strings.Contains(out, want) || (i == 0 && strings.Contains(out, "already")) {
			t.Fatalf("untick #%d: %d %q %q, want %q", i+1, code, out, e, want)
		}
	}
	if code, _, e := cli(t, "checklist", "tick", no, "verification", "01/nothing", "--data", dir); code != 1 || !strings.Contains(e, "has no item") {
		t.Fatalf("tick of an unknown item: %d %q", code, e)
	}
}

// The timeline showed which fields changed but not from what to what.
func TestTimelineShowsOldAndNewValues(t *testing.T) {
	dir := demoStore(t, "20")
	no := "RBA-2026-000003"
	_, out, _ := cli(t, "case", "show", no, "--json", "--data", dir)
	var f booking.CaseFile
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatal(err)
	}
	old := f.Travellers[0].BirthDate
	if code, _, e := cli(t, "case", "set", no, "traveller.1.birth_date=1979-02-03", "notes=sponsor called back", "--data", dir); code != 0 {
		t.Fatal(e)
	}
	s, m := openApp(t, dir, nil)
	defer s.Close()
	press(t, m, tea.Key{Code: ':', Text: ":"})
	typeKeys(t, m, "open "+no)
	press(t, m, kEnter, tea.Key{Code: 't', Text: "t"})
	fr := frame(m)
	flat := strings.Join(strings.Fields(fr), " ") // changes wrap under their column
	if !strings.Contains(flat, "birth_date: "+old.String()+" ⇒ 1979-02-03") {
		t.Fatalf("timeline lacks the old and new birth date:\n%s", fr)
	}
	if !strings.Contains(flat, "notes: — ⇒ sponsor called back") {
		t.Fatalf("timeline lacks the new note:\n%s", fr)
	}
	for i, l := range strings.Split(fr, "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Fatalf("line %d is %d cells wide: %q", i, ansi.StringWidth(l), l)
		}
	}
}

// A case opened from a request records who sent it; confirming its
// receipt to them is tracked (issue 12: intake).
func TestCaseReceiptIsTracked(t *testing.T) {
	dir := demoStore(t, "10")
	_, list, _ := cli(t, "case", "list", "--json", "--data", dir)
	var rows []booking.Summary
	if err := json.Unmarshal([]byte(list), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("case list: %v", err)
	}
	no := rows[0].Number
	// The demo records senders and receipts: start from a case without.
	if code, _, e := cli(t, "case", "set", no, "request_from=", "request_ref=", "receipt_confirmed=", "receipt_confirmed_by=", "--data", dir); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := cli(t, "case", "receipt", no, "--data", dir); code != 1 || !strings.Contains(e, "records no sender of the request: set request_from first") {
		t.Fatalf("receipt without a sender: %d %q", code, e)
	}
	if code, _, e := cli(t, "case", "set", no, "request_from=UNHCR Rabat", "request_ref=MAR-26-77", "--data", dir); code != 0 {
		t.Fatal(e)
	}
	if _, out, _ := cli(t, "case", "show", no, "--data", dir); !strings.Contains(out, "request from UNHCR Rabat (ref MAR-26-77): receipt NOT yet confirmed") {
		t.Fatalf("case show:\n%s", out)
	}
	code, out, e := cli(t, "case", "receipt", no, "--data", dir)
	if code != 0 || !strings.Contains(out, no+": receipt of the request from UNHCR Rabat (ref MAR-26-77) confirmed on ") || !strings.Contains(out, " by tester") {
		t.Fatalf("receipt: %d %q %q", code, out, e)
	}
	if code, _, e := cli(t, "case", "receipt", no, "--data", dir); code != 1 || !strings.Contains(e, "was confirmed on") {
		t.Fatalf("second receipt: %d %q", code, e)
	}
	if _, out, _ := cli(t, "case", "show", no, "--data", dir); !strings.Contains(out, "receipt confirmed ") {
		t.Fatalf("case show after:\n%s", out)
	}
}

// An airport typo (ZZZ) was stored on a case and only surfaced when no
// fare could be found; the same entry rule now refuses it from the CLI,
// an import and the app's new-case form, naming the field.
func TestUnknownAirportRefusedOnEveryPath(t *testing.T) {
	dir := demoStore(t, "10")
	no := "RBA-2026-000002"
	code, _, e := cli(t, "case", "set", no, "dest_airport=ZZZ", "--data", dir)
	if code != 1 || !strings.Contains(e, `airport "ZZZ" is not in tariff tables`) || !strings.Contains(e, "dest_airport") {
		t.Fatalf("case set: %d %q", code, e)
	}
	if code, _, e := cli(t, "case", "set", no, "dest_airport=YYZ", "--data", dir); code != 0 {
		t.Fatalf("a known airport refused: %s", e)
	}
	in := filepath.Join(t.TempDir(), "in.jsonl")
	os.WriteFile(in, []byte(`{"key":"`+no+`","record":{"notes":"ok"}}`+"\n"+`{"key":"`+no+`","record":{"origin_airport":"ZZZ"}}`+"\n"), 0o600)
	code, _, e = cli(t, "import", in, "--data", dir)
	if code != 1 || !strings.Contains(e, "line 2 ("+no+"): field origin_airport") || !strings.Contains(e, `"ZZZ"`) {
		t.Fatalf("import: %d %q", code, e)
	}
	_, out, _ := cli(t, "case", "show", no, "--json", "--data", dir)
	if strings.Contains(out, "ZZZ") || strings.Contains(out, `"notes": "ok"`) {
		t.Fatalf("a refused import wrote something:\n%s", out)
	}

	s, m := openApp(t, dir, nil)
	defer s.Close()
	press(t, m, tea.Key{Code: 'n', Text: "n"})
	for range 4 {
		press(t, m, tea.Key{Code: tea.KeyTab})
	}
	typeKeys(t, m, "ZZZ")
	for range 8 {
		press(t, m, tea.Key{Code: tea.KeyTab})
	}
	typeKeys(t, m, "Haddad")
	press(t, m, tea.Key{Code: tea.KeyTab})
	typeKeys(t, m, "Omar")
	press(t, m, tea.Key{Code: tea.KeyTab})
	typeKeys(t, m, "1990-02-03")
	press(t, m, tea.Key{Code: 's', Mod: tea.ModCtrl})
	f := ansi.Strip(frame(m))
	if !strings.Contains(f, `airport "ZZZ" is not in tariff tables`) || !strings.Contains(f, "origin airport ZZZ") {
		t.Fatalf("app: no error beside the airport, or the input was lost:\n%s", f)
	}
}
