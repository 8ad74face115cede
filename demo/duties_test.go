package demo

import (
	"strings"
	"testing"

	"movedesk/booking"
)

func TestDutiesFollowStatus(t *testing.T) {
	d := NewDuties(3)
	for _, r := range d.Pool() {
		if err := r.Validate(); err != nil {
			t.Fatalf("pool %s: %v", r.Key(), err)
		}
	}
	var ready, abnOpen, abn, denials, trips int
	codes := map[string]bool{}
	err := Generate(Options{Cases: 600, Seed: 3, Today: booking.MustDate("2026-11-22"), Routes: direct}, func(recs []booking.Record) error {
		duties := d.For(recs)
		f := &booking.CaseFile{}
		for _, r := range append(recs, duties...) {
			if err := r.Validate(); err != nil {
				t.Fatalf("%s: %v", r.Key(), err)
			}
			switch v := r.(type) {
			case *booking.Case:
				f.Case = *v
			case *booking.Traveller:
				f.Travellers = append(f.Travellers, *v)
			case *booking.Document:
				f.Documents = append(f.Documents, *v)
			case *booking.Booking:
				f.Bookings = append(f.Bookings[:0:0], *v) // the duty copy replaces the generated one
			default:
				f.Apply(r)
			}
			if p, ok := r.(*booking.ExitPermit); ok && p.Status == booking.PermitDenied {
				denials++
				codes[p.ReasonCode] = true
			}
			if _, ok := r.(*booking.EscortTrip); ok {
				trips++
			}
		}
		// Duty rules only: documents, medical and findings are demo.go's.
		var open []string
		gate := f.GateWith(booking.GateInput{FindingsChecked: true})
		for _, it := range gate {
			if it.Code == "travel-document" {
				// No travel document to verify: demo.go's gap, reported by its own rule.
				return nil
			}
		}
		for _, it := range gate {
			switch it.Code {
			case "verification", "custody", "exit-permit", "counselling", "escort", "travel-bag":
				open = append(open, it.Code+": "+it.Message)
			}
		}
		switch f.Case.Status {
		case booking.StatusReadyToDepart, booking.StatusDeparted:
			ready++
			if len(open) > 0 {
				t.Errorf("%s %s has open duties:\n%s", f.Case.Number, f.Case.Status, strings.Join(open, "\n"))
			}
		case booking.StatusABNSent:
			abn++
			if len(open) > 0 {
				abnOpen++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ready == 0 || abnOpen == 0 || abnOpen == abn || denials == 0 || len(codes) < 3 || trips == 0 {
		t.Fatalf("ready %d, abn-sent %d (%d open), denials %d (%v), escort trips %d", ready, abn, abnOpen, denials, codes, trips)
	}
}
