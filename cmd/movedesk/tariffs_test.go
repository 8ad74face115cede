package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"movedesk/tariffs"
)

// writeTables writes the embedded tables to a directory, with edits.
func writeTables(t *testing.T, edit func(files map[string]string)) string {
	t.Helper()
	set, err := tariffs.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	files := set.Texts()
	edit(files)
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestTariffsQuoteCLI(t *testing.T) {
	data := filepath.Join(t.TempDir(), "none")
	code, out, e := cli(t, "tariffs", "quote", "--from", "RBA", "--to", "JFK", "--date", "2026-12-03", "--pax", "ADT,ADT,CHD,INF", "--via", "CDG", "--data", data)
	if code != 0 || !strings.Contains(out, "AF via CDG") || !strings.Contains(out, "ILLUSTRATIVE") || !strings.Contains(out, "Total USD") {
		t.Fatalf("quote: %d\n%s\n%s", code, out, e)
	}
	// Two lap infants, one adult: blocking, exit 1.
	code, out, _ = cli(t, "tariffs", "quote", "--from", "RBA", "--to", "JFK", "--date", "2026-12-03", "--pax", "ADT,INF,INF", "--data", data)
	if code != 1 || !strings.Contains(out, "lap-infants") {
		t.Errorf("lap infants: exit %d\n%s", code, out)
	}
	code, out, _ = cli(t, "tariffs", "quote", "--from", "FRA", "--to", "CMN", "--date", "2027-01-01", "--carrier", "LH", "--programme", "AVRR", "--json", "--data", data)
	var q struct {
		Quote tariffs.QuoteResult `json:"quote"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &q) != nil || q.Quote.Lines[0].Programme != "AVRR" || q.Quote.Lines[0].FareID != "LH-FRACMN-AVRR-ADT-27" {
		t.Errorf("json quote: %d %s", code, out)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"tariffs", "quote", "--from", "RBA", "--to", "JFK"}, 2, "--date is required"},
		{[]string{"tariffs", "quote", "--from", "RBA", "--to", "JFK", "--date", "2026-12-03", "--pax", "ADT,KID"}, 2, "KID"},
		{[]string{"tariffs", "quote", "--from", "RBA", "--to", "XYZ", "--date", "2026-12-03"}, 1, "no tariff from RBA to XYZ"},
		{[]string{"tariffs", "quote", "--from", "RBA", "--to", "JFK", "--date", "2029-12-03", "--carrier", "AF", "--via", "CDG"}, 1, "blocking"},
		{[]string{"tariffs", "show", "--from", "RBA", "--to", "JFK", "--date", "2030-01-01"}, 1, "no fares"},
		{[]string{"tariffs", "list", "--version", "nope"}, 1, "no tariff version"},
	} {
		code, _, e := cli(t, append(c.args, "--data", data)...)
		if code != c.code || !strings.Contains(e, c.msg) {
			t.Errorf("%v: exit %d (%q), want %d with %q", c.args, code, e, c.code, c.msg)
		}
	}
}

func TestTariffsImportCLI(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	// A broken set: every error listed, nothing stored, embedded stays active.
	bad := writeTables(t, func(f map[string]string) {
		f[tariffs.FileVersion] = "version,effective\n2026-11a,2026-11-01\n"
		lines := strings.Split(f[tariffs.FileFares], "\n")
		lines[2] = strings.Replace(lines[2], ",RBA,", ",QQQ,", 1)
		lines[3] = strings.Replace(lines[3], ",MAD,", ",MADX,", 1)
		f[tariffs.FileFares] = strings.Join(lines, "\n")
	})
	code, _, e := cli(t, "tariffs", "import", bad, "--data", data)
	if code != 1 || !strings.Contains(e, "fares.csv:3:") || !strings.Contains(e, "unknown airport QQQ") || !strings.Contains(e, "fares.csv:4:") || !strings.Contains(e, "nothing imported") {
		t.Fatalf("bad import: %d %s", code, e)
	}
	// A good set becomes active; the embedded one stays listed.
	good := writeTables(t, func(f map[string]string) {
		f[tariffs.FileVersion] = "version,effective,description\n2026-11a,2026-11-01,office tables\n"
		f[tariffs.FileFares] = strings.Replace(f[tariffs.FileFares], "6801.00", "7001.00", 1)
	})
	code, out, e := cli(t, "tariffs", "import", good, "--data", data)
	if code != 0 || !strings.Contains(out, "2026-11a") || !strings.Contains(out, "previous: embedded-2026") {
		t.Fatalf("import: %d %s %s", code, out, e)
	}
	code, out, _ = cli(t, "tariffs", "show", "--from", "RBA", "--to", "JFK", "--date", "2026-12-03", "--data", data)
	if code != 0 || !strings.Contains(out, "MAD 7001.00") || strings.Contains(out, "ILLUSTRATIVE") {
		t.Errorf("show after import: %d\n%s", code, out)
	}
	// The same version again is refused.
	if code, _, e = cli(t, "tariffs", "import", good, "--data", data); code != 1 || !strings.Contains(e, "already imported") {
		t.Errorf("re-import: %d %s", code, e)
	}
	// One table file makes a new version from the active one.
	one := filepath.Join(t.TempDir(), "mct.csv")
	os.WriteFile(one, []byte("airport,domestic,international\n*,70,100\n"), 0o600)
	if code, out, e = cli(t, "tariffs", "import", one, "--version", "2026-11b", "--effective", "2026-11-15", "--data", data); code != 0 {
		t.Fatalf("single-file import: %d %s %s", code, out, e)
	}
	code, out, _ = cli(t, "tariffs", "list", "--json", "--data", data)
	var l struct {
		Versions []struct {
			Version string `json:"version"`
			Active  bool   `json:"active"`
		} `json:"versions"`
		Version      string `json:"version"`
		Illustrative bool   `json:"illustrative"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &l) != nil || len(l.Versions) != 3 || l.Version != "2026-11b" || l.Illustrative || !l.Versions[2].Active {
		t.Errorf("list: %d %+v", code, l)
	}
	// The previous version stays readable, and can be activated again.
	if code, out, _ = cli(t, "tariffs", "show", "--from", "RBA", "--to", "JFK", "--version", "2026-11a", "--data", data); code != 0 || !strings.Contains(out, "7001.00") {
		t.Errorf("old version: %d %s", code, out)
	}
	if code, _, e = cli(t, "tariffs", "activate", "embedded-2026", "--data", data); code != 0 {
		t.Errorf("activate: %d %s", code, e)
	}
	if code, out, _ = cli(t, "tariffs", "list", "--data", data); code != 0 || !strings.Contains(out, "ILLUSTRATIVE") {
		t.Errorf("list after activate: %d %s", code, out)
	}
}
