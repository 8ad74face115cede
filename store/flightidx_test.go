package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/flights"
)

func flightSeg(carrier, flight, from, to, dep, arr string) booking.Segment {
	return booking.Segment{Carrier: carrier, Flight: flight, From: from, To: to,
		Depart: booking.MustLocalTime(dep), Arrive: booking.MustLocalTime(arr)}
}

func activeBooking(no, id string, segs ...booking.Segment) *booking.Booking {
	return &booking.Booking{Case: no, ID: id, Status: booking.BookingActive, Segments: segs, Travellers: []int{1}}
}

var (
	ac837    = flightSeg("AC", "837", "CDG", "YUL", "2027-01-17T13:00", "2027-01-17T15:00")
	at700    = flightSeg("AT", "700", "RBA", "CDG", "2027-01-16T09:00", "2027-01-16T12:00")
	ac837k   = flights.Key{Carrier: "AC", Flight: "837", Date: booking.MustDate("2027-01-17")}
	at700k   = flights.Key{Carrier: "AT", Flight: "700", Date: booking.MustDate("2027-01-16")}
	flightNo = []string{"RBA-2026-000001", "RBA-2026-000002"}
)

// indexCases returns "case:travellers" of flight k's index entries.
func indexCases(t *testing.T, s *Store, k flights.Key) []string {
	t.Helper()
	var out []string
	err := s.View(func(tx *Tx) error {
		es, err := tx.FlightEntriesOf(k)
		for _, e := range es {
			out = append(out, fmt.Sprintf("%s:%d", e.Case, e.Counts.Travellers))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFlightIndexFollowsEveryWrite: a booking puts its case on each of its
// flights, a second traveller updates the counts, a rebooking moves the
// case off the old flight in the same write, and a cancelled booking
// takes it off.
func TestFlightIndexFollowsEveryWrite(t *testing.T) {
	s := openTemp(t)
	for _, no := range flightNo {
		if err := s.PutRecords("a", sampleCase(no)...); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutRecords("a", activeBooking(flightNo[0], "b1", at700, ac837), activeBooking(flightNo[1], "b1", ac837)); err != nil {
		t.Fatal(err)
	}
	if got := indexCases(t, s, ac837k); !slices.Equal(got, []string{flightNo[0] + ":1", flightNo[1] + ":1"}) {
		t.Fatalf("AC837 index %v", got)
	}
	if got := indexCases(t, s, at700k); !slices.Equal(got, []string{flightNo[0] + ":1"}) {
		t.Fatalf("AT700 index %v", got)
	}

	// A second traveller on case 2 and an SSR: the entry's counts follow.
	t2 := &booking.Traveller{Case: flightNo[1], Member: 2, FamilyName: "Haddad", GivenNames: "Lina",
		BirthDate: booking.MustDate("2026-03-01"), Sex: "F", SSR: []string{"BSCT"}}
	b2 := activeBooking(flightNo[1], "b1", ac837)
	b2.Travellers = []int{1, 2}
	if err := s.PutRecords("a", t2, b2); err != nil {
		t.Fatal(err)
	}
	es, err := s.FlightEntries(ac837k.Date, ac837k.Date)
	if err != nil || len(es) != 2 {
		t.Fatalf("entries %v, %v", es, err)
	}
	c := es[1].Counts
	if es[1].Case != flightNo[1] || c.Travellers != 2 || c.ADT != 1 || c.INF != 1 || c.Seats != 1 || c.Wheelchairs != 1 ||
		!slices.Equal(c.SSR, []flights.SSRCount{{Code: "BSCT", Count: 1}, {Code: "WCHR", Count: 1}}) {
		t.Fatalf("case 2 counts %+v", c)
	}

	// Rebooked from AC837 to AC839: off the old flight in the same write.
	ac839 := flightSeg("AC", "839", "CDG", "YUL", "2027-01-18T13:00", "2027-01-18T15:00")
	old := activeBooking(flightNo[0], "b1", at700, ac837)
	old.Status = booking.BookingCancelled
	if err := s.PutRecords("a", old, activeBooking(flightNo[0], "b2", at700, ac839)); err != nil {
		t.Fatal(err)
	}
	if got := indexCases(t, s, ac837k); !slices.Equal(got, []string{flightNo[1] + ":2"}) {
		t.Fatalf("AC837 after the rebooking %v", got)
	}
	k839 := flights.Key{Carrier: "AC", Flight: "839", Date: booking.MustDate("2027-01-18")}
	if got := indexCases(t, s, k839); !slices.Equal(got, []string{flightNo[0] + ":1"}) {
		t.Fatalf("AC839 after the rebooking %v", got)
	}

	// Cancelled: case 2 leaves AC837, and nothing is left of it in bycase.
	b2.Status = booking.BookingCancelled
	if err := s.PutRecords("a", b2); err != nil {
		t.Fatal(err)
	}
	if got := indexCases(t, s, ac837k); len(got) != 0 {
		t.Fatalf("AC837 after cancelling %v", got)
	}
	s.View(func(tx *Tx) error {
		if v := tx.btx.Bucket(bFlights).Bucket(bByCase).Get([]byte(flightNo[1])); v != nil {
			t.Errorf("bycase keeps %q for a case without flights", v)
		}
		return nil
	})
}

// TestFlightIndexOnSyncMerge: a booking that arrives from the hub puts its
// case on the flight.
func TestFlightIndexOnSyncMerge(t *testing.T) {
	s := openTemp(t)
	if err := s.PutRecords("a", sampleCase(flightNo[0])...); err != nil {
		t.Fatal(err)
	}
	b := activeBooking(flightNo[0], "b1-d9", ac837)
	raw, _ := json.Marshal(b)
	var fields map[string]json.RawMessage
	json.Unmarshal(raw, &fields)
	err := s.Update("sync", func(tx *Tx) error {
		return tx.ApplyRemote(change.Op{Desk: "d9", Seq: 1, HLC: tx.s.clock.Now(), Kind: booking.KindBooking,
			Key: b.Key(), Case: flightNo[0], Office: "RBA", Fields: fields})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := indexCases(t, s, ac837k); !slices.Equal(got, []string{flightNo[0] + ":1"}) {
		t.Fatalf("AC837 after the merge %v", got)
	}
}

// TestMigrationFlightIndex: a store from before the flight index gets one
// with the same entries as writes would have made, and FlightFiles reads
// the cases on a flight.
func TestMigrationFlightIndex(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Desk: "dmig"})
	if err != nil {
		t.Fatal(err)
	}
	for _, no := range flightNo {
		if err := s.PutRecords("a", sampleCase(no)...); err != nil {
			t.Fatal(err)
		}
	}
	s.PutRecords("a", activeBooking(flightNo[0], "b1", at700, ac837), activeBooking(flightNo[1], "b1", ac837))
	want, _ := s.FlightEntries(at700k.Date, ac837k.Date)
	at := slices.IndexFunc(migrations, func(m migration) bool { return m.name == migrationFlightIndex })
	if at < 0 {
		t.Fatal("no flight index migration")
	}
	err = s.db.Update(func(btx *bolt.Tx) error {
		if err := btx.DeleteBucket(bFlights); err != nil {
			return err
		}
		return btx.Bucket(bMeta).Put(kSchema, u64(uint64(at)))
	})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !Behind(dir) {
		t.Fatal("a store before the flight index is not behind")
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if Behind(dir) {
		t.Fatal("still behind after the migration")
	}
	s, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, _ := s.FlightEntries(at700k.Date, ac837k.Date)
	if len(want) != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the migration %v, want %v", got, want)
	}
	files, err := s.FlightFiles(ac837k)
	if err != nil || len(files) != 2 || files[1].Case.Number != flightNo[1] || len(files[1].Travellers) != 1 || len(files[1].Bookings) != 1 {
		t.Fatalf("flight files %v, %v", files, err)
	}
}

// TestFlightIndexSealed: with encryption at rest the index values (the
// programme and counts of a party) are sealed; a rewrite of an unchanged
// entry is skipped, so a write that does not touch the booking or its
// travellers leaves the index alone.
func TestFlightIndexSealed(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Codec: testCipher(t, 3)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs := sampleCase(flightNo[0])
	recs[0].(*booking.Case).Programme = "CA-GAR"
	if err := s.PutRecords("a", append(recs, activeBooking(flightNo[0], "b1", ac837))...); err != nil {
		t.Fatal(err)
	}
	var before []byte
	s.View(func(tx *Tx) error {
		v := tx.btx.Bucket(bFlights).Bucket(bByFlight).Get(flightIdxKey(ac837k.IndexKey(), flightNo[0]))
		if v == nil || bytes.Contains(v, []byte("CA-GAR")) || bytes.Contains(v, []byte("CDG")) {
			t.Errorf("index value %q is not sealed", v)
		}
		before = bytes.Clone(v)
		return nil
	})
	if err := s.SetFields("a", flightNo[0], []Assignment{{"notes", "called the sponsor"}}); err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *Tx) error {
		if v := tx.btx.Bucket(bFlights).Bucket(bByFlight).Get(flightIdxKey(ac837k.IndexKey(), flightNo[0])); !bytes.Equal(v, before) {
			t.Error("an edit of the notes rewrote the flight index entry")
		}
		return nil
	})
	if got := indexCases(t, s, ac837k); !slices.Equal(got, []string{flightNo[0] + ":1"}) {
		t.Fatalf("AC837 %v", got)
	}
}
