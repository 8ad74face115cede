package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/store"
)

const (
	evilName  = "EVIL\x1b]0;pwned\x07\nFAKE, ROW"
	evilNotes = "first line\nabc\u202edcba \x1b[2J\u0085"
)

// plantEvil writes a hostile family name (principal of case no) and hostile
// notes with PutObject, which skips validation: what an old store, an
// import or sync could hold.
func plantEvil(t *testing.T, dir, no string) {
	t.Helper()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	put := func(tx *store.Tx, rec booking.Record) error {
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		obj, err := change.ToObject(b)
		if err != nil {
			return err
		}
		_, kind := booking.SplitKey(rec.Key())
		return tx.PutObject(rec.Key(), kind, obj)
	}
	err = s.Update("old-desk", func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		c := f.Case
		c.Notes = evilNotes
		c.Sponsor = "Sponsor\u202eX"
		if err := put(tx, &c); err != nil {
			return err
		}
		for i := range f.Travellers {
			if f.Travellers[i].Principal {
				f.Travellers[i].FamilyName = evilName
				return put(tx, &f.Travellers[i])
			}
		}
		t.Fatal("no principal")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// assertInert fails if out holds a rune that drives a terminal (other than
// the newlines of its own layout).
func assertInert(t *testing.T, what, out string) {
	t.Helper()
	for _, r := range out {
		if r != '\n' && booking.Unprintable(r) {
			t.Errorf("%s output holds %U:\n%s", what, r, out)
			return
		}
	}
	if strings.Contains(out, "\nFAKE, ROW") {
		t.Errorf("%s: a newline in a name forged a row:\n%s", what, out)
	}
}

func TestStoredTextCannotDriveTheTerminal(t *testing.T) {
	dir := demoStore(t, "12")
	no := "RBA-2026-000003"
	_, before, _ := cli(t, "case", "list", "--data", dir)
	_, showBefore, _ := cli(t, "case", "show", no, "--data", dir)
	_, clBefore, _ := cli(t, "checklist", "show", no, "--data", dir)
	plantEvil(t, dir, no)

	const escaped = `evil\x1b]0;pwned\a\nfake, row`
	lines := func(s string) int { return strings.Count(s, "\n") }
	for _, c := range []struct {
		args      []string
		wantLines int // -1: not compared
		shows     string
	}{
		{[]string{"case", "list"}, lines(before), escaped},
		{[]string{"case", "show", no}, lines(showBefore) + 1, escaped}, // + the notes line
		{[]string{"case", "history", no}, -1, `evil\u001b]0;pwned\u0007\nfake, row`},
		{[]string{"checklist", "show", no}, lines(clBefore), escaped},
	} {
		code, out, errOut := cli(t, append(c.args, "--data", dir)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errOut)
		}
		what := strings.Join(c.args, " ")
		assertInert(t, what, out)
		assertInert(t, what+" (stderr)", errOut)
		if c.wantLines >= 0 && lines(out) != c.wantLines {
			t.Errorf("%s: %d lines, want %d:\n%s", what, lines(out), c.wantLines, out)
		}
		if !strings.Contains(strings.ToLower(out), c.shows) {
			t.Errorf("%s does not show the name escaped:\n%s", what, out)
		}
	}
	_, show, _ := cli(t, "case", "show", no, "--data", dir)
	if !strings.Contains(show, `abc\u202edcba \x1b[2J\u0085`) {
		t.Errorf("case show does not show the notes escaped:\n%s", show)
	}
}

func TestJSONOutputEscapesBidiAndC1(t *testing.T) {
	dir := demoStore(t, "12")
	no := "RBA-2026-000003"
	plantEvil(t, dir, no)
	for _, args := range [][]string{{"case", "show", no, "--json"}, {"case", "list", "--json"}, {"case", "history", no, "--json"}} {
		code, out, e := cli(t, append(args, "--data", dir)...)
		if code != 0 {
			t.Fatalf("%v: %d %s", args, code, e)
		}
		assertInert(t, strings.Join(args, " "), out)
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%v: not JSON: %v", args, err)
		}
	}
	_, out, _ := cli(t, "case", "show", no, "--json", "--data", dir)
	var f booking.CaseFile
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatal(err)
	}
	if f.Case.Notes != evilNotes || f.Case.Sponsor != "Sponsor\u202eX" {
		t.Errorf("JSON does not decode to the stored values: %q %q", f.Case.Notes, f.Case.Sponsor)
	}
}

// TestExportOfHostileTextIsInertAndNotReimported: export escapes bidi and
// C1 controls too, and importing it refuses the hostile values (the write
// invariants hold on import), naming line and field, importing nothing.
func TestExportOfHostileTextIsInertAndNotReimported(t *testing.T) {
	dir := demoStore(t, "12")
	plantEvil(t, dir, "RBA-2026-000003")
	exp := filepath.Join(t.TempDir(), "x.jsonl")
	if code, _, e := cli(t, "export", "--data", dir, "--out", exp); code != 0 {
		t.Fatal(e)
	}
	b, _ := os.ReadFile(exp)
	assertInert(t, "export", string(b))
	fresh := filepath.Join(t.TempDir(), "fresh")
	code, _, e := cli(t, "import", "--restore", exp, "--data", fresh)
	if code != 1 || !strings.Contains(e, "(RBA-2026-000003") || !strings.Contains(e, "field ") || !strings.Contains(e, "nothing imported") {
		t.Fatalf("import of hostile text: %d %q", code, e)
	}
	assertInert(t, "import error", e)
}

func TestJSONEscapeControlsSplitWrites(t *testing.T) {
	in := []byte(`{"a":"x` + "\u202e\u0085\u2067李" + `"}`)
	want := `{"a":"x\u202e\u0085\u2067李"}`
	for cut := 0; cut <= len(in); cut++ {
		var out bytes.Buffer
		w := &jsonControlWriter{w: &out}
		w.Write(in[:cut])
		w.Write(in[cut:])
		w.Close()
		if out.String() != want {
			t.Fatalf("cut %d: %q, want %q", cut, out.String(), want)
		}
	}
}
