package demo

import (
	"testing"

	"movedesk/booking"
)

// TestInOrderKeepsEveryRecord: a booked case whose sent ABN comes after its
// last status step keeps the ABN, and its last case record is the case as
// drawn.
func TestInOrderKeepsEveryRecord(t *testing.T) {
	no := "RBA-2026-000001"
	c := &booking.Case{Number: no, Office: "RBA", Programme: "USRAP", Status: booking.StatusBooked, TravelReady: booking.MustDate("2026-11-01"), Notes: "drawn"}
	b := &booking.Booking{Case: no, ID: "B1", Status: booking.BookingActive}
	a := &booking.ABN{Case: no, Number: "ABN-" + no, Version: 1, Type: booking.ABNIssue, Sent: true}
	tr := &booking.Traveller{Case: no, Member: 1}
	out := inOrder([]booking.Record{c, tr, b, a})
	keys := map[string]bool{}
	var last *booking.Case
	for _, r := range out {
		keys[r.Key()] = true
		if x, ok := r.(*booking.Case); ok {
			last = x
		}
	}
	for _, r := range []booking.Record{c, tr, b, a} {
		if !keys[r.Key()] {
			t.Errorf("%s lost", r.Key())
		}
	}
	if last == nil || *last != *c {
		t.Fatalf("last case record %+v, want the drawn one", last)
	}
	if first, ok := out[0].(*booking.Case); !ok || first.Status != booking.StatusTravelReady {
		t.Fatalf("first record %+v, want the case at travel-ready", out[0])
	}
}
