package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportWarnsAndCaseDuplicatesLists: a traveller imported into a new
// case under another spelling of a stored traveller's name, with the same
// birth date, is imported with a warning, and `case duplicates` lists the
// pair (text and JSON, all and per case).
func TestImportWarnsAndCaseDuplicatesLists(t *testing.T) {
	dir := demoStore(t, "20")
	code, out, _ := cli(t, "case", "show", "RBA-2026-000001", "--json", "--data", dir)
	if code != 0 {
		t.Fatal(out)
	}
	var f struct {
		Travellers []struct {
			Member     int    `json:"member"`
			FamilyName string `json:"family_name"`
			GivenNames string `json:"given_names"`
			BirthDate  string `json:"birth_date"`
		} `json:"travellers"`
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil || len(f.Travellers) == 0 {
		t.Fatalf("case show: %v %s", err, out)
	}
	pa := f.Travellers[0]
	rec := map[string]any{"case": "RBA-2026-000900", "member": 1, "principal": true,
		"family_name": strings.ToUpper(pa.FamilyName), "given_names": pa.GivenNames, "birth_date": pa.BirthDate}
	line, _ := json.Marshal(map[string]any{"key": "RBA-2026-000900/traveller/01", "record": rec})
	in := `{"key":"RBA-2026-000900","record":{"number":"RBA-2026-000900","programme":"USRAP","office":"RBA","status":"received","priority":3}}` + "\n" + string(line) + "\n"
	file := filepath.Join(t.TempDir(), "in.jsonl")
	os.WriteFile(file, []byte(in), 0o600)
	code, out, e := cli(t, "import", file, "--data", dir)
	if code != 0 || !strings.Contains(out, "imported 2 record(s)") ||
		!strings.Contains(out, "warning: RBA-2026-000900 traveller 1") || !strings.Contains(out, "may be RBA-2026-000001 traveller 1") {
		t.Fatalf("import: %d %s %s", code, out, e)
	}
	code, out, _ = cli(t, "case", "duplicates", "RBA-2026-000900", "--data", dir)
	if code != 0 || !strings.Contains(out, "~ RBA-2026-000001 traveller 1") || !strings.Contains(out, "1 likely duplicate pair(s)") {
		t.Fatalf("case duplicates CASE: %d %s", code, out)
	}
	code, out, _ = cli(t, "case", "duplicates", "--json", "--data", dir)
	var pairs []dupPairJSON
	if code != 0 || json.Unmarshal([]byte(out), &pairs) != nil || len(pairs) == 0 {
		t.Fatalf("case duplicates --json: %d %s", code, out)
	}
	found := false
	for _, p := range pairs {
		found = found || p.A.Case == "RBA-2026-000001" && p.B.Case == "RBA-2026-000900" && p.Score >= 90
	}
	if !found {
		t.Errorf("the imported pair is not in %+v", pairs)
	}
	if code, _, e := cli(t, "case", "duplicates", "RBA-2026-009999", "--data", dir); code != 1 || !strings.Contains(e, "no case RBA-2026-009999") {
		t.Errorf("unknown case: %d %s", code, e)
	}
	if code, _, _ := cli(t, "case", "duplicates", "A", "B", "--data", dir); code != 2 {
		t.Errorf("two cases: exit %d, want 2", code)
	}
}
