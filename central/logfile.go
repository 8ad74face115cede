package central

import (
	"fmt"
	"os"
	"sync"
)

// LogFile is the hub's log on disk, capped: when a write would take it past
// Max bytes it is rotated (hub.log becomes hub.log.1, hub.log.1 hub.log.2,
// and so on up to Keep files; the oldest is dropped), so however many errors
// desks or strangers provoke, the log holds at most (Keep+1) × Max bytes.
type LogFile struct {
	Path string
	Max  int64
	Keep int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// DefaultLogMax and DefaultLogKeep bound the hub's log file by default:
// 4 files of 16 MiB.
const (
	DefaultLogMax  = 16 << 20
	DefaultLogKeep = 3
)

// OpenLogFile opens (or creates, mode 0600) the log at path.
func OpenLogFile(path string, max int64, keep int) (*LogFile, error) {
	if max <= 0 {
		max = DefaultLogMax
	}
	if keep < 0 {
		keep = 0
	}
	l := &LogFile{Path: path, Max: max, Keep: keep}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *LogFile) open() error {
	f, err := os.OpenFile(l.Path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	l.f, l.size = f, fi.Size()
	return nil
}

// Write appends p (one log line), rotating first if p would take the file
// past Max. A line longer than Max is cut to Max.
func (l *LogFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(p)
	if int64(len(p)) > l.Max {
		p = p[:l.Max]
	}
	if l.size > 0 && l.size+int64(len(p)) > l.Max {
		if err := l.rotate(); err != nil {
			return 0, err
		}
	}
	w, err := l.f.Write(p)
	l.size += int64(w)
	if err != nil {
		return w, err
	}
	return n, nil
}

func (l *LogFile) rotate() error {
	l.f.Close()
	if l.Keep == 0 {
		if err := os.Truncate(l.Path, 0); err != nil {
			return err
		}
		return l.open()
	}
	for i := l.Keep - 1; i >= 1; i-- {
		_ = os.Rename(fmt.Sprintf("%s.%d", l.Path, i), fmt.Sprintf("%s.%d", l.Path, i+1))
	}
	if err := os.Rename(l.Path, l.Path+".1"); err != nil {
		return err
	}
	return l.open()
}

// Close closes the file.
func (l *LogFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}
