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
