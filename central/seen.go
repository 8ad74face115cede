package central

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// SeenFile records when each desk last synced and how far behind it is, so
// the central office sees which desks have gone quiet. The running hub
// writes it every few seconds when something changed (never per request:
// an idle sync stays free of disk writes); `hub desk list` reads it.
const SeenFile = "desks-seen.json"

// Seen is one desk's last successful sync as the hub saw it.
type Seen struct {
	At    time.Time `json:"at"`
	Store string    `json:"store"`
	// Behind is how many hub log entries the desk had still to pull (0:
	// up to date; other offices' entries count too).
	Behind uint64 `json:"behind"`
	Pushed int    `json:"pushed"`
}

type seenBook struct {
	mu    sync.Mutex
	desks map[string]Seen
	dirty bool
}

func (b *seenBook) note(desk string, s Seen) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.desks == nil {
		b.desks = map[string]Seen{}
	}
	b.desks[desk] = s
	b.dirty = true
}

// flush writes the book if it changed, merged over the file (a desk not
// seen since the hub started keeps its old entry).
func (b *seenBook) flush(dir string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.dirty {
		return nil
	}
	all, err := ReadSeen(dir)
	if err != nil {
		return err
	}
	for k, v := range b.desks {
		all[k] = v
	}
	data, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(dir, SeenFile, append(data, '\n')); err != nil {
		return err
	}
	b.dirty = false
	return nil
}

// ReadSeen returns the last sync of each desk by name.
func ReadSeen(dir string) (map[string]Seen, error) {
	out := map[string]Seen{}
	data, err := os.ReadFile(filepath.Join(dir, SeenFile))
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, SeenFile), err)
	}
	return out, nil
}

// FlushSeen writes what the hub saw of the desks since the last flush.
func (h *Server) FlushSeen() error { return h.seen.flush(h.reg.dir) }
