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

// FilesDeparting returns, for each case whose indexed departure date is
// from to to (inclusive) and whose active booking passes keep (nil: any),
// its file with only the case, travellers, bookings and escort trips
// decoded: what a flight and its manifests read. It walks the departure
// index and reads a case's bookings first, the rest only when kept.
func (tx *Tx) FilesDeparting(from, to booking.Date, keep func(*booking.Booking) bool) ([]*booking.CaseFile, error) {
	var out []*booking.CaseFile
	c := tx.btx.Bucket(bIdx).Bucket([]byte("departure")).Cursor()
	end := []byte(to.String() + "\x01")
	for k, _ := c.Seek([]byte(from.String() + "\x00")); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		no := caseOfIdxKey(k)
		f := &booking.CaseFile{}
		if err := tx.Scan(no+"/"+booking.KindBooking+"/", f.Add); err != nil {
			return nil, err
		}
		b := f.ActiveBooking()
		if b == nil || keep != nil && !keep(b) {
			continue
		}
		v := tx.btx.Bucket(bRecords).Get([]byte(no))
		if v == nil {
			continue
		}
		plain, err := tx.s.codec.Open(v)
		if err != nil {
			return nil, err
		}
		if err := f.Add(no, plain); err != nil {
			return nil, err
		}
		for _, kind := range []string{booking.KindTraveller, booking.KindEscortTrip} {
			if err := tx.Scan(no+"/"+kind+"/", f.Add); err != nil {
				return nil, err
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// FilesDeparting is Tx.FilesDeparting in one read transaction.
func (s *Store) FilesDeparting(from, to booking.Date, keep func(*booking.Booking) bool) ([]*booking.CaseFile, error) {
	var out []*booking.CaseFile
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = tx.FilesDeparting(from, to, keep)
		return err
	})
	return out, err
}
