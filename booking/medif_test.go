package booking

import (
	"strings"
	"testing"
)

func TestBookingMEDIFsValidate(t *testing.T) {
	seg := func(c, from, to string) Segment {
		return Segment{Carrier: c, Flight: "1", From: from, To: to, Depart: MustLocalTime("2027-01-17T10:00"), Arrive: MustLocalTime("2027-01-17T12:00")}
	}
	on := MustDate("2027-01-05")
	for _, c := range []struct {
		name string
		ms   []MEDIF
		want string
	}{
		{"each carrier its own", []MEDIF{{1, "AT", MEDIFSent, on}, {1, "AC", MEDIFApproved, on}}, ""},
		{"refused", []MEDIF{{2, "AC", MEDIFRefused, on}}, ""},
		{"member off the booking", []MEDIF{{3, "AC", MEDIFSent, on}}, "not on the booking"},
		{"carrier off the booking", []MEDIF{{1, "LH", MEDIFSent, on}}, "flies no segment"},
		{"unknown status", []MEDIF{{1, "AC", "pending", on}}, "must be one of"},
		{"no date", []MEDIF{{1, "AC", MEDIFSent, Date{}}}, "needs the date"},
		{"twice with one carrier", []MEDIF{{1, "AC", MEDIFSent, on}, {1, "AC", MEDIFApproved, on}}, "two MEDIF entries"},
	} {
		b := Booking{Case: "RBA-2026-000001", ID: "B1", Status: BookingActive, Travellers: []int{1, 2},
			Segments: []Segment{seg("AT", "RBA", "CDG"), seg("AC", "CDG", "YUL")}, MEDIFs: c.ms}
		err := b.Validate()
		if (c.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
