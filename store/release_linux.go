package store

import (
	"os"
	"syscall"
)

// ReleaseMemory drops the store file's pages from this process's resident
// set. bbolt reads through a shared read-only mapping, so a bulk read (every
// queue row) leaves tens of megabytes of file pages counted against the app;
// they stay in the OS page cache and fault back in cheaply when read again.
func (s *Store) ReleaseMemory() error {
	fi, err := os.Stat(s.db.Path())
	if err != nil {
		return err
	}
	size := uintptr(fi.Size())
	if size == 0 {
		return nil
	}
	// The mapping is at least as long as the file; bbolt maps whole pages.
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, s.db.Info().Data, size, syscall.MADV_DONTNEED)
	if errno != 0 {
		return errno
	}
	return nil
}
