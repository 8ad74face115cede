package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOutFilesArePrivate: files written with --out (export, abn export)
// are created 0600, and an existing file keeps nothing of its old mode.
func TestOutFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, e := cli(t, "demo", "--no-users", "--data", dir, "--cases", "2"); code != 0 {
		t.Fatalf("demo: %s", e)
	}
	out := t.TempDir()
	fresh, old := filepath.Join(out, "new.jsonl"), filepath.Join(out, "old.jsonl")
	if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(old, 0o4755)
	for _, f := range []string{fresh, old} {
		if code, _, e := cli(t, "export", "--data", dir, "--out", f); code != 0 {
			t.Fatalf("export --out %s: %s", f, e)
		}
		if fi, err := os.Stat(f); err != nil || fi.Mode()&(os.ModePerm|os.ModeSetuid) != 0o600 {
			t.Fatalf("%s: mode %v %v", f, fi.Mode(), err)
		}
	}
	abn := filepath.Join(out, "abn.txt")
	os.WriteFile(abn, []byte("old"), 0o666)
	os.Chmod(abn, 0o666)
	if err := writePrivate(abn, []byte("ABN")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(abn); fi.Mode().Perm() != 0o600 {
		t.Fatalf("abn export mode %v", fi.Mode())
	}
}
