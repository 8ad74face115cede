package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/store"
)

// cli runs movedesk in-process with an isolated config and returns exit
// code, stdout and stderr.
func cli(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("MOVEDESK_USER", "tester")
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// demoStore makes a small demo store once per test.
func demoStore(t testing.TB, n string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, e := cli(t, "demo", "--no-users", "--data", dir, "--cases", n, "--today", "2026-11-22"); code != 0 {
		t.Fatalf("demo: %d %s", code, e)
	}
	return dir
}

// openReadOnly opens the store in dir for reading, closed when the test ends.
func openReadOnly(t testing.TB, dir string) *store.Store {
	t.Helper()
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestExitCodes(t *testing.T) {
	dir := demoStore(t, "40")
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"case", "list", "--data", dir}, 0, ""},
		{[]string{"case", "lst", "--data", dir}, 2, ""},
		{[]string{"case", "list", "--bogus"}, 2, "unknown flag"},
		{[]string{"case", "show", "--data", dir}, 2, "usage: movedesk case show CASE"},
		{[]string{"case", "show", "RBA-2026-999999", "--data", dir}, 1, "no case RBA-2026-999999"},
		{[]string{"case", "list", "--status", "flying", "--data", dir}, 2, "unknown status \"flying\""},
		{[]string{"case", "list", "--data", filepath.Join(dir, "nope")}, 1, "no movedesk store in"},
	} {
		code, _, e := cli(t, c.args...)
		if code != c.code || !strings.Contains(e, c.msg) {
			t.Errorf("%v: exit %d (%q), want %d with %q", c.args, code, e, c.code, c.msg)
		}
	}
}

func TestCaseSetStatusHistory(t *testing.T) {
	dir := demoStore(t, "40")
	no := "RBA-2026-000002"
	if code, _, e := cli(t, "case", "set", no, "notes=call the sponsor", "traveller.1.ssr=WCHR,MOML", "--data", dir); code != 0 {
		t.Fatalf("case set: %s", e)
	}
	code, _, e := cli(t, "case", "set", no, "traveller.1.ssr=WCHR,XXXX", "--data", dir)
	if code != 1 || !strings.Contains(e, `traveller.1.ssr: unknown SSR code "XXXX"`) {
		t.Fatalf("bad SSR: %d %s", code, e)
	}
	code, _, e = cli(t, "case", "set", no, "hair_colour=red", "--data", dir)
	if code != 1 || !strings.Contains(e, `unknown case field "hair_colour"`) {
		t.Fatalf("unknown field: %d %s", code, e)
	}
	code, _, e = cli(t, "case", "set", no, "notes", "--data", dir)
	if code != 2 || !strings.Contains(e, "want FIELD=VALUE") {
		t.Fatalf("no =: %d %s", code, e)
	}
	code, out, _ := cli(t, "case", "history", no, "--data", dir)
	if code != 0 || !strings.Contains(out, "tester") || !strings.Contains(out, `notes="call the sponsor"`) || !strings.Contains(out, `ssr=["MOML","WCHR"]`) {
		t.Fatalf("history: %s", out)
	}
	_, out, _ = cli(t, "case", "show", no, "--json", "--data", dir)
	var f booking.CaseFile
	if err := json.Unmarshal([]byte(out), &f); err != nil || f.Case.Notes != "call the sponsor" {
		t.Fatalf("show --json: %v %+v", err, f.Case)
	}
	_, out, _ = cli(t, "case", "list", "--status", "travel-ready", "--json", "--data", dir)
	var rows []booking.Summary
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("no travel-ready case in the demo: %v", err)
	}
	ready := rows[0].Number
	code, _, e = cli(t, "case", "status", ready, "departed", "--data", dir)
	if code != 1 || !strings.Contains(e, "cannot move case "+ready+" from travel-ready to departed (allowed: booked, on-hold, cancelled)") {
		t.Fatalf("invalid transition: %d %s", code, e)
	}
	if code, _, e := cli(t, "case", "status", ready, "cancelled", "--data", dir); code != 1 || !strings.Contains(e, "needs a reason") {
		t.Fatalf("cancel without reason: %d %s", code, e)
	}
	if code, _, e := cli(t, "case", "status", ready, "cancelled", "--reason", "duplicate", "--data", dir); code != 0 {
		t.Fatalf("cancel: %s", e)
	}
	if _, out, _ := cli(t, "case", "history", ready, "--data", dir); !strings.Contains(out, `status="cancelled"`) || !strings.Contains(out, `status_reason="duplicate"`) {
		t.Fatalf("history lacks the cancellation: %s", out)
	}
}

func TestListJSONUsesSnakeCaseAndFilters(t *testing.T) {
	dir := demoStore(t, "200")
	code, out, _ := cli(t, "case", "list", "--status", "travel-ready", "--json", "--data", dir)
	var rows []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) == 0 {
		t.Fatalf("list json: %d %.200s", code, out)
	}
	for _, r := range rows {
		if r["status"] != "travel-ready" || r["number"] == nil || r["dest_airport"] == nil || r["travel_ready"] == nil {
			t.Fatalf("row %v", r)
		}
	}
	_, out, _ = cli(t, "case", "list", "--office", "SAL", "--json", "--data", dir)
	json.Unmarshal([]byte(out), &rows)
	for _, r := range rows {
		if r["office"] != "SAL" {
			t.Fatalf("office filter leaked %v", r["office"])
		}
	}
}

func TestLockedStoreFailsFast(t *testing.T) {
	dir := demoStore(t, "10")
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	code, _, e := cli(t, "case", "set", "RBA-2026-000001", "notes=x", "--data", dir)
	if code != 1 || !strings.Contains(e, "is in use by another movedesk process") {
		t.Fatalf("locked: %d %s", code, e)
	}
}

func TestImportExportRoundTripAndBadLine(t *testing.T) {
	dir := demoStore(t, "60")
	exp := filepath.Join(t.TempDir(), "out.jsonl")
	if code, _, e := cli(t, "export", "--data", dir, "--out", exp); code != 0 {
		t.Fatal(e)
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if code, _, e := cli(t, "import", "--restore", exp, "--data", fresh); code != 0 {
		t.Fatal(e)
	}
	exp2 := filepath.Join(t.TempDir(), "out2.jsonl")
	cli(t, "export", "--data", fresh, "--out", exp2)
	a, _ := os.ReadFile(exp)
	b, _ := os.ReadFile(exp2)
	if !bytes.Equal(a, b) {
		t.Fatal("import of an export does not reproduce it")
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	lines := strings.SplitN(string(a), "\n", 4)
	os.WriteFile(bad, []byte(lines[0]+"\n"+lines[1]+"\n{\"key\":\"RBA-2026-000100\",\"record\":{\"number\":\"RBA-2026-000100\",\"programme\":\"MARS\",\"office\":\"RBA\",\"status\":\"received\"}}\n"), 0o600)
	empty := filepath.Join(t.TempDir(), "empty")
	code, _, e := cli(t, "import", "--restore", bad, "--data", empty)
	if code != 1 || !strings.Contains(e, "line 3 (RBA-2026-000100): field programme") || !strings.Contains(e, "nothing imported") {
		t.Fatalf("bad import: %d %s", code, e)
	}
	if _, out, _ := cli(t, "case", "list", "--json", "--data", empty); strings.Contains(out, "number") {
		t.Fatal("a failed import left cases behind")
	}
	// A restore over cases is refused; a plain import changes the fields it
	// names, through the rules, and lists every bad line.
	if code, _, e := cli(t, "import", "--restore", exp, "--data", fresh); code != 1 || !strings.Contains(e, "empty store") {
		t.Fatalf("restore over cases: %d %s", code, e)
	}
	var first struct {
		Key    string         `json:"key"`
		Record map[string]any `json:"record"`
	}
	json.Unmarshal([]byte(lines[0]), &first)
	edit := filepath.Join(t.TempDir(), "edit.jsonl")
	os.WriteFile(edit, []byte("\ufeff{\"key\":\""+first.Key+"\",\"record\":{\"notes\":\"checked\"}}\n"), 0o600)
	if code, out, e := cli(t, "import", edit, "--data", fresh); code != 0 || !strings.Contains(out, "imported 1 record") {
		t.Fatalf("edit import: %d %s %s", code, out, e)
	}
	code, out, _ := cli(t, "case", "show", first.Key, "--json", "--data", fresh)
	if code != 0 || !strings.Contains(out, `"notes": "checked"`) || !strings.Contains(out, `"programme": "`+first.Record["programme"].(string)) {
		t.Fatalf("after edit import: %s", out)
	}
	os.WriteFile(edit, []byte("{\"key\":\""+first.Key+"\",\"record\":{\"priority\":\"urgent\"}}\n{\"key\":\""+first.Key+"\",\"record\":{\"status\":\"flying\"}}\n"), 0o600)
	code, _, e = cli(t, "import", edit, "--data", fresh)
	if code != 1 || !strings.Contains(e, "2 line(s) failed") || !strings.Contains(e, "line 1 ("+first.Key+"): field priority") ||
		!strings.Contains(e, "line 2 ("+first.Key+"): field status") {
		t.Fatalf("bad edit import: %d %s", code, e)
	}
}

func TestDemoRefusesExistingStoreAndIsReproducible(t *testing.T) {
	dir := demoStore(t, "30")
	if code, _, e := cli(t, "demo", "--no-users", "--data", dir, "--cases", "5"); code != 1 || !strings.Contains(e, "already holds a store") {
		t.Fatalf("demo over a store: %d %s", code, e)
	}
	other := demoStore(t, "30")
	_, a, _ := cli(t, "export", "--data", dir)
	_, b, _ := cli(t, "export", "--data", other)
	if a != b || a == "" {
		t.Fatal("same seed and day gave different demo stores")
	}
}

func TestEncryptedStoreThroughConfig(t *testing.T) {
	keyDir := t.TempDir()
	key := filepath.Join(keyDir, "desk.key")
	if code, _, e := cli(t, "key", "new", "--out", key); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := cli(t, "key", "new", "--out", key); code != 1 || !strings.Contains(e, "never overwritten") {
		t.Fatalf("key overwrite: %d %s", code, e)
	}
	t.Setenv("MOVEDESK_KEY_FILE", key)
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, e := cli(t, "demo", "--no-users", "--data", dir, "--cases", "20"); code != 0 {
		t.Fatal(e)
	}
	if code, out, e := cli(t, "case", "show", "RBA-2026-000001", "--data", dir); code != 0 || !strings.Contains(out, "Travellers:") {
		t.Fatalf("show with key: %d %s", code, e)
	}
	t.Setenv("MOVEDESK_KEY_FILE", "")
	if code, _, e := cli(t, "case", "show", "RBA-2026-000001", "--data", dir); code != 1 || !strings.Contains(e, "is encrypted") {
		t.Fatalf("show without key: %d %s", code, e)
	}
}

func TestCaseStatusJudgesTheGateWithTheQuoteEngine(t *testing.T) {
	dir := demoStore(t, "120")
	_, out, _ := cli(t, "case", "list", "--status", "abn-sent", "--json", "--data", dir)
	var rows []booking.Summary
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("no abn-sent case: %v", err)
	}
	for _, r := range rows {
		code, _, e := cli(t, "case", "status", r.Number, "ready-to-depart", "--data", dir)
		if code == 0 {
			continue // this one's duties are all done
		}
		if !strings.Contains(e, "cannot be ready to depart") || strings.Contains(e, "has not been checked against the tariff tables") {
			t.Fatalf("%s: gate error without the quote engine's verdict: %s", r.Number, e)
		}
		return
	}
}
