package booking

import (
	"strings"
	"testing"
)

func TestBookingPNRAndTickets(t *testing.T) {
	base := func() Booking {
		return Booking{Case: "RBA-2026-000001", ID: "b1", Status: BookingActive, Travellers: []int{1, 2},
			Segments: []Segment{{Carrier: "AC", Flight: "837", From: "CDG", To: "YUL",
				Depart: MustLocalTime("2027-01-17T10:00"), Arrive: MustLocalTime("2027-01-17T12:00")}}}
	}
	for _, tc := range []struct {
		name    string
		pnr     string
		tickets []Ticket
		want    string
	}{
		{"none", "", nil, ""},
		{"pnr and tickets", "ABC123", []Ticket{{1, "0142345678901"}, {2, "0142345678902"}}, ""},
		{"pnr lower case", "abc123", nil, "pnr"},
		{"pnr too short", "ABC12", nil, "pnr"},
		{"pnr too long", "ABC1234", nil, "pnr"},
		{"pnr punctuation", "AB-123", nil, "pnr"},
		{"ticket 12 digits", "", []Ticket{{1, "014234567890"}}, "13 digits"},
		{"ticket letters", "", []Ticket{{1, "01423456789AB"}}, "13 digits"},
		{"ticket for a member off the booking", "", []Ticket{{3, "0142345678901"}}, "not on the booking"},
		{"two tickets one member", "", []Ticket{{1, "0142345678901"}, {1, "0142345678902"}}, "two ticket numbers"},
		{"one ticket two members", "", []Ticket{{1, "0142345678901"}, {2, "0142345678901"}}, "two members"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := base()
			b.PNR, b.Tickets = tc.pnr, tc.tickets
			err := b.Validate()
			if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
	b := base()
	b.Tickets = []Ticket{{2, "0142345678902"}}
	if b.Ticket(2) != "0142345678902" || b.Ticket(1) != "" {
		t.Fatal("Ticket lookup")
	}
}
