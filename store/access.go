package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The access log records who opened which case's personal data at this
// desk (the case screen, case show, abn show, exports). It stays on the
// desk: it is not in the change log, so sync never sends it, and writing
// it wakes nothing. It is bounded: past AccessCap entries the oldest go.
//
//	access/  <n uint64 BE>  codec(JSON AccessEntry), n counting up
var bAccess = []byte("access")

// AccessCap is how many entries the access log keeps (the oldest beyond
// it are dropped as new ones come): about a year of a busy desk's
// openings at a few hundred a day, in under 10 MB.
const AccessCap = 100_000

// accessCap is AccessCap, smaller in tests.
var accessCap uint64 = AccessCap

// AccessEntry is one opening of a case's personal data.
type AccessEntry struct {
	At   time.Time `json:"at"`
	User string    `json:"user"`
	Case string    `json:"case"`
	// What opened it: "case screen", "abn screen", "case show", "abn show",
	// "export", ...
	What string `json:"what"`
}

func migrateAccess(tx *bolt.Tx, _ string, _ Codec) error {
	_, err := tx.CreateBucketIfNotExists(bAccess)
	return err
}

// NoteAccess appends e to the access log, dropping the oldest entry past
// AccessCap. It writes no op and notifies no one.
func (s *Store) NoteAccess(e AccessEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	sealed, err := s.codec.Seal(b)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		ab := tx.Bucket(bAccess)
		if ab == nil {
			return fmt.Errorf("this store has no access log (open it with this movedesk for writing to migrate it)")
		}
		ab.FillPercent = 1
		n, err := ab.NextSequence()
		if err != nil {
			return err
		}
		if n > accessCap {
			if err := ab.Delete(u64(n - accessCap)); err != nil {
				return err
			}
		}
		return ab.Put(u64(n), sealed)
	})
}

// AccessAllCases is the case of an entry covering every case (an export).
const AccessAllCases = "*"

// AccessFilter selects access log entries; zero fields match all (a
// Case matches the entries of every case too).
type AccessFilter struct {
	Case, User string
	From, To   time.Time // To is exclusive
	Limit      int       // newest first, at most Limit (0: all)
}

// AccessLog returns the entries f selects, newest first.
func (s *Store) AccessLog(f AccessFilter) ([]AccessEntry, error) {
	var out []AccessEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		ab := tx.Bucket(bAccess)
		if ab == nil {
			return nil
		}
		c := ab.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			p, err := s.codec.Open(v)
			if err != nil {
				return fmt.Errorf("access entry %d: %w", be64(k), err)
			}
			var e AccessEntry
			if err := json.Unmarshal(p, &e); err != nil {
				return fmt.Errorf("access entry %d: %w", be64(k), err)
			}
			if !f.From.IsZero() && e.At.Before(f.From) {
				break // older entries only from here
			}
			if (f.Case != "" && e.Case != f.Case && e.Case != AccessAllCases) || (f.User != "" && e.User != f.User) || (!f.To.IsZero() && !e.At.Before(f.To)) {
				continue
			}
			out = append(out, e)
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
		}
		return nil
	})
	return out, err
}
