package booking

import (
	"testing"
	"time"
)

// TestFourEyesRule: the rule "four-eyes" as every path judges it.
func TestFourEyesRule(t *testing.T) {
	no := "RBA-2026-000001"
	b := Booking{Case: no, ID: "b1", Status: BookingActive, Travellers: []int{1}, BookedBy: "amina",
		Segments: []Segment{{Carrier: "AT", Flight: "200", From: "CMN", To: "JFK",
			Depart: MustLocalTime("2026-12-10T10:05"), Arrive: MustLocalTime("2026-12-10T13:20")}}}
	changed := b
	changed.PNR = "ABC123"
	approved := &Review{Case: no, Booking: "b1", Hash: BookingHash(&b), Decision: ReviewApproved, By: "tara", At: time.Now()}
	rejected := &Review{Case: no, Booking: "b1", Hash: BookingHash(&b), Decision: ReviewRejected, Reason: "fare", By: "tara"}
	file := func(bk Booking, r *Review, abns ...ABN) func() (*CaseFile, error) {
		return func() (*CaseFile, error) {
			c := invCase(StatusBooked)
			c.Programme = "USRAP"
			return &CaseFile{Case: *c, Bookings: []Booking{bk}, Review: r, ABNs: abns}, nil
		}
	}
	on := func(string) (*FourEyes, error) { return &FourEyes{Office: "RBA", Programmes: []string{"USRAP"}}, nil }
	other := func(string) (*FourEyes, error) { return &FourEyes{Office: "RBA", Programmes: []string{"CA-GAR"}}, nil }
	unsent := ABN{Case: no, Number: "ABN-" + no, Version: 1, Type: ABNIssue}
	sent := unsent
	sent.Sent, sent.SentBy = true, "amina"
	cancel := ABN{Case: no, Number: "ABN-" + no, Version: 2, Type: ABNCancellation, Sent: true}
	for _, tc := range []struct {
		name string
		w    Write
		code string
	}{
		{"sent without a decision", Write{Key: sent.Key(), New: &sent, File: file(b, nil, unsent), FourEyes: on}, ECONFLICT},
		{"sent with an approval", Write{Key: sent.Key(), New: &sent, File: file(b, approved, unsent), FourEyes: on}, ""},
		{"sent after a rejection", Write{Key: sent.Key(), New: &sent, File: file(b, rejected, unsent), FourEyes: on}, ECONFLICT},
		{"sent after the booking changed", Write{Key: sent.Key(), New: &sent, File: file(changed, approved, unsent), FourEyes: on}, ECONFLICT},
		{"another programme", Write{Key: sent.Key(), New: &sent, File: file(b, nil, unsent), FourEyes: other}, ""},
		{"no policy", Write{Key: sent.Key(), New: &sent, File: file(b, nil, unsent), FourEyes: func(string) (*FourEyes, error) { return nil, nil }}, ""},
		{"not judged (a desk merging the hub's answer)", Write{Key: sent.Key(), New: &sent, File: file(b, nil, unsent)}, ""},
		{"a snapshot takes it as it was", Write{Key: sent.Key(), New: &sent, File: file(b, nil, unsent), FourEyes: on, Snapshot: true}, ""},
		{"sent before: rewritten", Write{Key: sent.Key(), New: &sent, File: file(b, nil, sent), FourEyes: on}, ""},
		{"a cancellation is not held", Write{Key: cancel.Key(), New: &cancel, File: file(b, nil, unsent), FourEyes: on}, ""},
		{"an approval by the booking's author", Write{Key: ReviewKey(no), New: &Review{Case: no, Booking: "b1", Hash: "x", Decision: ReviewApproved, By: "amina"},
			File: file(b, nil), FourEyes: on}, EFORBIDDEN},
		{"a rejection by the booking's author", Write{Key: ReviewKey(no), New: &Review{Case: no, Booking: "b1", Hash: "x", Decision: ReviewRejected, Reason: "r", By: "amina"},
			File: file(b, nil), FourEyes: on}, ""},
		{"an approval of no booking", Write{Key: ReviewKey(no), New: &Review{Case: no, Booking: "b9", Hash: "x", Decision: ReviewApproved, By: "tara"},
			File: file(b, nil), FourEyes: on}, ENOTFOUND},
		{"a rejection without a reason", Write{Key: ReviewKey(no), New: &Review{Case: no, Booking: "b1", Hash: "x", Decision: ReviewRejected, By: "tara"},
			File: file(b, nil), FourEyes: on}, EINVALID},
	} {
		err := ruleFourEyes(tc.w, WriteRules{})
		if r, ok := tc.w.New.(*Review); ok && err == nil {
			err = r.Validate()
		}
		if ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.code)
		}
	}
	if BookingHash(&b) == BookingHash(&changed) {
		t.Error("a PNR does not change the booking's hash")
	}
	active, replaced := b, b
	replaced.Status = BookingReplaced
	if BookingHash(&active) != BookingHash(&replaced) {
		t.Error("the status changes the hash")
	}
}
