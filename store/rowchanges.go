package store

import "sync"

// Row changes: which cases' queue rows this Store changed, so a screen that
// holds every row reloads only those after a sync or another command,
// instead of all 100k. Kept in memory (a screen reads the Store it was
// given), numbered by a generation that grows with every committed change.

// rowRing is how many row changes are remembered; a reader further behind
// reads every row again.
const rowRing = 4096

type rowChanges struct {
	mu   sync.Mutex
	gen  uint64   // generation of the newest change
	ring []string // the last changes, ring[i] at generation gen-len(ring)+1+i
}

// note records committed row changes; many means more than the ring holds.
func (r *rowChanges) note(cases []string, many bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if many {
		r.gen += rowRing + 1
		r.ring = r.ring[:0]
		return
	}
	for _, no := range cases {
		r.gen++
		if len(r.ring) == rowRing {
			r.ring = r.ring[1:]
		}
		r.ring = append(r.ring, no)
	}
}

// RowGen returns the generation of queue-row changes now: pass it to
// RowsChangedSince later.
func (s *Store) RowGen() uint64 {
	s.rows.mu.Lock()
	defer s.rows.mu.Unlock()
	return s.rows.gen
}

// RowsChangedSince returns the cases whose queue row this Store changed,
// created or removed after generation gen (each once), and the generation
// now. all is set when more changed than are remembered: read every row.
func (s *Store) RowsChangedSince(gen uint64) (cases []string, now uint64, all bool) {
	r := &s.rows
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen > r.gen {
		return nil, r.gen, true // another Store's generation
	}
	n := r.gen - gen
	if n > uint64(len(r.ring)) {
		return nil, r.gen, true
	}
	seen := map[string]bool{}
	for _, no := range r.ring[uint64(len(r.ring))-n:] {
		if !seen[no] {
			seen[no] = true
			cases = append(cases, no)
		}
	}
	return cases, r.gen, false
}
