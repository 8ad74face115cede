package store

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ReleaseMemory drops the store file's pages from this process's resident
// set. bbolt reads through a shared read-only mapping, so a bulk read (every
// queue row) leaves tens of megabytes of file pages counted against the app;
// they stay in the OS page cache and fault back in cheaply when read again.
func (s *Store) ReleaseMemory() error {
	start, length, err := s.fileMapping()
	if err != nil || length == 0 {
		return err
	}
	// Only ever the file mapping itself: its exact extent comes from the
	// kernel, because in read-write mode the file can outgrow the mapping,
	// and advising past it would discard whatever memory lies beyond.
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, start, length, syscall.MADV_DONTNEED); errno != 0 {
		return errno
	}
	return nil
}

// fileMapping returns where the store file is mapped and for how long.
func (s *Store) fileMapping() (uintptr, uintptr, error) {
	start := s.db.Info().Data
	path, err := filepath.Abs(s.db.Path())
	if err != nil {
		return 0, 0, err
	}
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p
	}
	length, err := mappingLength(start, path)
	return start, length, err
}

// mappingLength returns the length of the mapping of path that starts at
// start, from /proc/self/maps; 0 if there is none.
func mappingLength(start uintptr, path string) (uintptr, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, nil // no procfs: nothing to release
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	want := fmt.Sprintf("%x-", start)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, want) {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 6 || fields[len(fields)-1] != path {
			return 0, nil
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			return 0, nil
		}
		a, err1 := strconv.ParseUint(lo, 16, 64)
		b, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || b <= a || uintptr(a) != start {
			return 0, nil
		}
		return uintptr(b - a), nil
	}
	return 0, sc.Err()
}
