package store

import (
	"os"
	"path/filepath"
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

func TestReleaseNeverReachesPastTheMapping(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("madvise release is Linux-only")
	}
	s := openTemp(t)
	fillDemo(t, s, 200)
	path := filepath.Join(s.Dir(), FileName)
	fi, _ := os.Stat(path)
	// Grow the file behind bbolt's back: the mapping stays as it was.
	if err := os.Truncate(path, fi.Size()+256<<20); err != nil {
		t.Fatal(err)
	}
	_, length, err := s.fileMapping()
	if err != nil || length == 0 {
		t.Fatalf("no mapping found: %v", err)
	}
	if grown, _ := os.Stat(path); uint64(length) >= uint64(grown.Size()) {
		t.Fatalf("release length %d covers the grown file (%d bytes), past the mapping", length, grown.Size())
	}
	if err := s.ReleaseMemory(); err != nil {
		t.Fatal(err)
	}
}

func TestReleaseMemoryWhileWritingKeepsTheHeapIntact(t *testing.T) {
	// A read-write store whose file has grown past its first mapping: the
	// release must touch only the mapping (it once advised past it, into the
	// Go heap, and crashed the runtime).
	s := openTemp(t)
	fillDemo(t, s, 1500)
	keep := make([][]byte, 0, 2000)
	for i := range 2000 {
		keep = append(keep, []byte(strings.Repeat(strconv.Itoa(i%10), 512)))
	}
	for round := range 5 {
		if _, err := s.AllRows(); err != nil {
			t.Fatal(err)
		}
		if err := s.SetFields("t", "RBA-2026-000001", []Assignment{{"notes", "round " + strconv.Itoa(round)}}); err != nil {
			t.Fatal(err)
		}
		runtime.GC()
	}
	for i, b := range keep {
		if string(b) != strings.Repeat(strconv.Itoa(i%10), 512) {
			t.Fatalf("heap buffer %d was changed by the release", i)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms) // the crash happened here
}
