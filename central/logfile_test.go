package central_test

import (
	"log"
	"os"
	"path/filepath"
	"testing"

	"movedesk/central"
)

// TestLogFileIsCapped: a flood of log lines leaves at most Keep+1 files of
// at most Max bytes each, the newest lines in hub.log.
func TestLogFileIsCapped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.log")
	lf, err := central.OpenLogFile(path, 4096, 2)
	if err != nil {
		t.Fatal(err)
	}
	lg := log.New(lf, "", 0)
	for i := range 10000 {
		lg.Printf("sync 127.0.0.1:%d: 413 a string in the request is longer than 65536 bytes", i)
	}
	lg.Printf("last line")
	lf.Close()
	var total int64
	for _, n := range []string{"hub.log", "hub.log.1", "hub.log.2"} {
		fi, err := os.Stat(filepath.Join(filepath.Dir(path), n))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 4096 || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %d bytes, mode %v", n, fi.Size(), fi.Mode().Perm())
		}
		total += fi.Size()
	}
	if _, err := os.Stat(path + ".3"); err == nil {
		t.Fatal("a fourth file was kept")
	}
	b, _ := os.ReadFile(path)
	if want := "last line\n"; len(b) < len(want) || string(b[len(b)-len(want):]) != want {
		t.Fatalf("hub.log ends %q", b[max(0, len(b)-40):])
	}
}
