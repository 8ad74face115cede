package store

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func rssFileKB(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc")
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "RssFile:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}

func TestReleaseMemoryDropsFilePages(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("madvise release is Linux-only")
	}
	dir := t.TempDir()
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	fillDemo(t, s, 3000)
	s.Close()
	s, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := rssFileKB(t)
	if err := s.View(func(tx *Tx) error { return tx.Scan("", func(string, []byte) error { return nil }) }); err != nil {
		t.Fatal(err)
	}
	touched := rssFileKB(t)
	if err := s.ReleaseMemory(); err != nil {
		t.Fatal(err)
	}
	after := rssFileKB(t)
	if touched-before < 1000 || after > before+(touched-before)/4 {
		t.Fatalf("file RSS: %d kB before, %d after reading every record, %d after release", before, touched, after)
	}
	if rows, err := s.AllRows(); err != nil || len(rows) != 3000 {
		t.Fatalf("reading after release: %d rows, %v", len(rows), err)
	}
}
