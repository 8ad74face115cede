package store

import (
	"bytes"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/demo"

	bolt "go.etcd.io/bbolt"
)

// TestTypedRefreshMatchesDecoding fills two stores with the same generated
// cases, one taking the records a transaction wrote as they were and one
// decoding them from the file: every row, index and report entry made
// from them must be the same byte for byte.
func TestTypedRefreshMatchesDecoding(t *testing.T) {
	fill := func(typed bool) *Store {
		noTyped = !typed
		defer func() { noTyped = false }()
		s, err := Open(t.TempDir(), Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fillGenerated(t, s, demo.Options{Cases: 600, Seed: 7, Today: booking.DateOf(time.Now())}, 150, true)
		return s
	}
	before := typedHits.Load()
	a := fill(true)
	if hits := typedHits.Load() - before; hits < 600*5 {
		t.Fatalf("the typed records were taken %d times for 600 cases: the test compares nothing", hits)
	}
	mid := typedHits.Load()
	b := fill(false)
	if typedHits.Load() != mid {
		t.Fatal("typed records taken while turned off")
	}
	for _, name := range [][]byte{bRows, bIdx, bReportRows, bReportGates, bIdentities, bFlights, bRecords} {
		da, db := dumpBucket(t, a, name), dumpBucket(t, b, name)
		// Gates and flights may be empty over a small store (few cases
		// depart within days; the flight index is made by a migration).
		if len(da) == 0 && !bytes.Equal(name, bReportGates) && !bytes.Equal(name, bFlights) {
			t.Fatalf("bucket %s is empty", name)
		}
		if len(da) != len(db) {
			t.Fatalf("bucket %s: %d entries typed, %d decoded", name, len(da), len(db))
		}
		for i := range da {
			if !bytes.Equal(da[i], db[i]) {
				t.Fatalf("bucket %s, entry %d differs:\n typed   %q\n decoded %q", name, i, da[i], db[i])
			}
		}
	}
}

// dumpBucket lists every key and value of a bucket and the buckets in it,
// as "path\x00key\x00value" entries in order.
func dumpBucket(t *testing.T, s *Store, name []byte) [][]byte {
	t.Helper()
	var out [][]byte
	var walk func(path []byte, b *bolt.Bucket) error
	walk = func(path []byte, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				return walk(append(append(append([]byte(nil), path...), '/'), k...), b.Bucket(k))
			}
			e := append(append(append(append([]byte(nil), path...), 0), k...), 0)
			out = append(out, append(e, v...))
			return nil
		})
	}
	if err := s.db.View(func(btx *bolt.Tx) error {
		b := btx.Bucket(name)
		if b == nil {
			t.Fatalf("no bucket %s", name)
		}
		return walk(name, b)
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
