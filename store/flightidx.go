package store

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"movedesk/booking"
	"movedesk/flights"
)

// The flight index: which cases fly each carrier-flight-date, with each
// party's counts, kept by refresh in the transaction of every write of a
// case (a booking, a traveller, a merge from the hub), so a flight, its
// manifest and a month of flights read no other case.
//
//	flights/
//	  byflight/ <YYYY-MM-DD> 0x00 <carrier><flight> 0x00 <case>  codec(flights.Entry.Encode)
//	  bycase/   <case>   the case's byflight keys without the case, joined by 0x1e
var (
	bFlights  = []byte("flights")
	bByFlight = []byte("byflight")
	bByCase   = []byte("bycase")
)

const flightKeySep = "\x1e"

// migrationFlightIndex names the migration that builds the index.
const migrationFlightIndex = "flight index: cases per carrier-flight-date with each party's counts (flights/)"

func flightIdxKey(flight, no string) []byte { return []byte(flight + "\x00" + no) }

// reindexFlights replaces case no's entries with those of f (nil: the case
// is gone). An unchanged entry is not rewritten, so an edit that does not
// touch the booking or its travellers writes nothing here.
func (tx *Tx) reindexFlights(no string, f *booking.CaseFile) error {
	root := tx.btx.Bucket(bFlights)
	if root == nil {
		return nil // before the migration that creates it has run
	}
	return reindexFlights(root, tx.s.codec, no, f)
}

func reindexFlights(root *bolt.Bucket, codec Codec, no string, f *booking.CaseFile) error {
	byFlight, byCase := root.Bucket(bByFlight), root.Bucket(bByCase)
	var es []flights.Entry
	if f != nil {
		es = flights.Entries(f)
	}
	cur := make(map[string][]byte, len(es))
	keys := make([]string, 0, len(es))
	for i := range es {
		k := es[i].Key.IndexKey()
		cur[k] = es[i].Encode()
		keys = append(keys, k)
	}
	if old := byCase.Get([]byte(no)); len(old) > 0 {
		for _, k := range strings.Split(string(old), flightKeySep) {
			if _, keep := cur[k]; !keep {
				if err := byFlight.Delete(flightIdxKey(k, no)); err != nil {
					return err
				}
			}
		}
	}
	for _, k := range keys {
		ik := flightIdxKey(k, no)
		if v := byFlight.Get(ik); v != nil {
			if plain, err := codec.Open(v); err == nil && bytes.Equal(plain, cur[k]) {
				continue
			}
		}
		sealed, err := codec.Seal(cur[k])
		if err != nil {
			return err
		}
		if err := byFlight.Put(ik, sealed); err != nil {
			return err
		}
	}
	joined := []byte(strings.Join(keys, flightKeySep))
	if bytes.Equal(byCase.Get([]byte(no)), joined) {
		return nil
	}
	if len(keys) == 0 {
		return byCase.Delete([]byte(no))
	}
	return byCase.Put([]byte(no), joined)
}

// migrateFlightIndex creates the flight index and fills it from every
// case's active booking: one walk over the records, in key order, where a
// case's records follow the case.
func migrateFlightIndex(tx *bolt.Tx, _ string, codec Codec) error {
	root, err := tx.CreateBucketIfNotExists(bFlights)
	if err != nil {
		return err
	}
	for _, name := range [][]byte{bByFlight, bByCase} {
		if _, err := root.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	recs := tx.Bucket(bRecords)
	if recs == nil {
		return nil
	}
	var f *booking.CaseFile
	flush := func() error {
		if f == nil || f.Case.Number == "" {
			return nil
		}
		return reindexFlights(root, codec, f.Case.Number, f)
	}
	c := recs.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		no, kind := booking.SplitKey(string(k))
		if no == "" {
			continue
		}
		if kind == booking.KindCase {
			if err := flush(); err != nil {
				return err
			}
			f = &booking.CaseFile{}
		} else if f == nil || f.Case.Number != no || kind != booking.KindTraveller && kind != booking.KindBooking {
			continue
		}
		plain, err := codec.Open(v)
		if err != nil {
			return err
		}
		// A record this build cannot read is left out rather than keeping
		// the store shut; the case's next write indexes it again.
		_ = f.Add(string(k), plain)
	}
	return flush()
}

// FlightEntries returns the index entries of the flights departing (local
// day) from from to to, inclusive, in key order.
func (tx *Tx) FlightEntries(from, to booking.Date) ([]flights.Entry, error) {
	return tx.flightEntries([]byte(from.String()+"\x00"), []byte(to.String()+"\x01"))
}

// FlightEntriesOf returns the index entries of flight k, in case order.
func (tx *Tx) FlightEntriesOf(k flights.Key) ([]flights.Entry, error) {
	p := k.IndexKey() + "\x00"
	return tx.flightEntries([]byte(p), []byte(k.IndexKey()+"\x01"))
}

func (tx *Tx) flightEntries(lo, hi []byte) ([]flights.Entry, error) {
	var out []flights.Entry
	err := tx.eachFlightEntry(lo, hi, func(e *flights.Entry) error {
		out = append(out, *e)
		out[len(out)-1].Counts.SSR = slices.Clone(e.Counts.SSR)
		return nil
	})
	return out, err
}

// FlightList returns the flights departing from from to to with their
// counts and the caps cs, summed as the index is walked.
func (tx *Tx) FlightList(from, to booking.Date, cs []flights.Cap) ([]flights.Summary, error) {
	l := flights.NewLister(cs)
	err := tx.eachFlightEntry([]byte(from.String()+"\x00"), []byte(to.String()+"\x01"), func(e *flights.Entry) error {
		l.Add(e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l.List(), nil
}

// eachFlightEntry calls fn with each entry from lo to hi, decoded into one
// Entry reused for every call.
func (tx *Tx) eachFlightEntry(lo, hi []byte, fn func(*flights.Entry) error) error {
	root := tx.btx.Bucket(bFlights)
	if root == nil {
		return nil
	}
	var e flights.Entry
	var prev []byte // the flight part of the previous key
	var fk flights.Key
	c := root.Bucket(bByFlight).Cursor()
	for k, v := c.Seek(lo); k != nil && bytes.Compare(k, hi) < 0; k, v = c.Next() {
		i := bytes.LastIndexByte(k, 0)
		if i < 0 {
			return fmt.Errorf("flight index: bad key %q", k)
		}
		if !bytes.Equal(prev, k[:i]) {
			var err error
			if fk, err = flights.ParseIndexKey(string(k[:i])); err != nil {
				return err
			}
			prev = append(prev[:0], k[:i]...)
		}
		plain, err := tx.s.codec.Open(v)
		if err != nil {
			return err
		}
		if err := flights.DecodeEntryInto(&e, fk, string(k[i+1:]), plain); err != nil {
			return err
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return nil
}

// FlightFiles returns the files of the cases on flight k (from the flight
// index) with only the case, travellers, bookings and escort trips decoded:
// what a flight and its manifests read.
func (tx *Tx) FlightFiles(k flights.Key) ([]*booking.CaseFile, error) {
	es, err := tx.FlightEntriesOf(k)
	if err != nil {
		return nil, err
	}
	out := make([]*booking.CaseFile, 0, len(es))
	for _, e := range es {
		f, err := tx.caseFile(e.Case, flightKinds)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

var flightKinds = map[string]bool{booking.KindCase: true, booking.KindTraveller: true,
	booking.KindBooking: true, booking.KindEscortTrip: true}

// FlightFiles is Tx.FlightFiles in one read transaction.
func (s *Store) FlightFiles(k flights.Key) ([]*booking.CaseFile, error) {
	var out []*booking.CaseFile
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = tx.FlightFiles(k)
		return err
	})
	return out, err
}

// FlightList is Tx.FlightList in one read transaction.
func (s *Store) FlightList(from, to booking.Date, cs []flights.Cap) ([]flights.Summary, error) {
	var out []flights.Summary
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = tx.FlightList(from, to, cs)
		return err
	})
	return out, err
}

// FlightEntries is Tx.FlightEntries in one read transaction.
func (s *Store) FlightEntries(from, to booking.Date) ([]flights.Entry, error) {
	var out []flights.Entry
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = tx.FlightEntries(from, to)
		return err
	})
	return out, err
}
