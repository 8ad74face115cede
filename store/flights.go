package store

import (
	"bytes"

	"movedesk/booking"
)

// CaseBooking is a case's active booking with the case's programme.
type CaseBooking struct {
	Programme string
	Booking   booking.Booking
}

// ActiveBookingsDeparting returns the active bookings of the cases whose
// indexed departure date is from to to (inclusive), in date then case
// order. It walks the departure index, so it reads only those cases.
func (tx *Tx) ActiveBookingsDeparting(from, to booking.Date) ([]CaseBooking, error) {
	var out []CaseBooking
	c := tx.btx.Bucket(bIdx).Bucket([]byte("departure")).Cursor()
	end := []byte(to.String() + "\x01")
	kinds := map[string]bool{booking.KindCase: true, booking.KindBooking: true}
	for k, _ := c.Seek([]byte(from.String() + "\x00")); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		f, err := tx.caseFile(caseOfIdxKey(k), kinds)
		if err != nil {
			return nil, err
		}
		if b := f.ActiveBooking(); b != nil {
			out = append(out, CaseBooking{Programme: f.Case.Programme, Booking: *b})
		}
	}
	return out, nil
}

// flightKinds are the records a flight reads of a case.
var flightKinds = map[string]bool{booking.KindCase: true, booking.KindTraveller: true, booking.KindBooking: true, booking.KindEscortTrip: true}

// FilesDeparting returns, for each case whose indexed departure date is
// from to to (inclusive) and that has an active booking, its file with
// only the case, travellers, bookings and escort trips decoded: what a
// flight and its manifests read. It walks the departure index.
func (tx *Tx) FilesDeparting(from, to booking.Date) ([]*booking.CaseFile, error) {
	var out []*booking.CaseFile
	c := tx.btx.Bucket(bIdx).Bucket([]byte("departure")).Cursor()
	end := []byte(to.String() + "\x01")
	for k, _ := c.Seek([]byte(from.String() + "\x00")); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		f, err := tx.caseFile(caseOfIdxKey(k), flightKinds)
		if err != nil {
			return nil, err
		}
		if f.ActiveBooking() != nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// FilesDeparting is Tx.FilesDeparting in one read transaction.
func (s *Store) FilesDeparting(from, to booking.Date) ([]*booking.CaseFile, error) {
	var out []*booking.CaseFile
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = tx.FilesDeparting(from, to)
		return err
	})
	return out, err
}
