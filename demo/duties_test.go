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

// TestDemoContacts: every demo case can be reached through its principal
// (a phone of the office's country), many have a relative or sponsor on
// the receiving side, and the communication log follows the case's
// progress, in order and never after today.
func TestDemoContacts(t *testing.T) {
	today := booking.MustDate("2026-11-22")
	d := NewDuties(5)
	d.Today = today
	dial := map[string]string{"RBA": "+212 ", "KLT": "+49 ", "SAL": "+503 ", "WAS": "+1 202 "}
	var cases, others int
	logged := map[booking.Status]int{}
	err := Generate(Options{Cases: 400, Seed: 5, Today: today, Routes: direct}, func(recs []booking.Record) error {
		var cf *booking.Case
		var pa *booking.Traveller
		for _, r := range recs {
			switch v := r.(type) {
			case *booking.Case:
				cf = v
			case *booking.Traveller:
				if v.Principal {
					pa = v
				}
			}
		}
		if cf == nil {
			return nil // the escort pool
		}
		cases++
		own, entries := 0, 0
		var last booking.LocalTime
		for _, r := range d.For(recs) {
			switch v := r.(type) {
			case *booking.Contact:
				if err := v.Validate(); err != nil {
					t.Fatalf("%s: %v", v.Key(), err)
				}
				if v.Traveller == 0 {
					others++
					continue
				}
				own++
				if v.Traveller != pa.Member || !strings.HasPrefix(v.Phone, dial[cf.Office]) {
					t.Errorf("%s: contact %+v, principal %d, office %s", cf.Number, v, pa.Member, cf.Office)
				}
			case *booking.CommEntry:
				if err := v.Validate(); err != nil {
					t.Fatalf("%s: %v", v.Key(), err)
				}
				entries++
				if v.When.Date().After(today) || (!last.IsZero() && v.When.Wall().Before(last.Wall())) {
					t.Errorf("%s: entry %s at %s (after %s, today %s)", cf.Number, v.ID, v.When, last, today)
				}
				last = v.When
			}
		}
		if own != 1 {
			t.Errorf("%s has %d contacts of its principal", cf.Number, own)
		}
		if cf.Status == booking.StatusDeparted && entries < 3 {
			t.Errorf("departed %s has %d log entries", cf.Number, entries)
		}
		logged[cf.Status] += entries
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if others < cases/5 || others > cases/2 {
		t.Errorf("%d of %d cases have a relative or sponsor", others, cases)
	}
	if logged[booking.StatusDataEntry] == 0 || logged[booking.StatusDeparted] == 0 {
		t.Errorf("log entries by status: %v", logged)
	}
}
