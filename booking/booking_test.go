package booking

import (
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	for s, ok := range map[string]bool{"2024-02-29": true, "2023-02-29": false, "2026-13-01": false, "2026-00-10": false,
		"2026-1-01": false, "": true, "2026-12-31": true, "abcd-ef-gh": false, "2026-04-31": false} {
		d, err := ParseDate(s)
		if (err == nil) != ok {
			t.Errorf("ParseDate(%q) err = %v, want ok=%v", s, err, ok)
		}
		if ok && d.String() != s {
			t.Errorf("ParseDate(%q) = %s", s, d)
		}
	}
}

func TestPassengerType(t *testing.T) {
	cases := []struct {
		dob, on string
		want    PaxType
	}{
		{"2024-12-03", "2026-12-03", CHD}, // 2nd birthday on the travel date
		{"2024-12-04", "2026-12-03", INF}, // one day short of 2
		{"2014-12-03", "2026-12-03", ADT}, // 12th birthday on the travel date
		{"2014-12-04", "2026-12-03", CHD},
		{"2026-11-01", "2026-12-03", INF},
		{"1950-01-01", "2026-12-03", ADT},
		{"2024-02-29", "2026-02-28", INF}, // leap-day baby: not 2 until 1 March in a common year
		{"2024-02-29", "2026-03-01", CHD},
		{"2024-02-29", "2028-02-29", CHD},
	}
	for _, c := range cases {
		if c.on == "" {
			continue
		}
		if got := PassengerType(MustDate(c.dob), MustDate(c.on)); got != c.want {
			t.Errorf("PassengerType(%s on %s) = %s, want %s", c.dob, c.on, got, c.want)
		}
	}
}

func TestTripPassengerTypeInfantTurningTwo(t *testing.T) {
	dob := MustDate("2024-12-05")
	if got := TripPassengerType(dob, MustDate("2026-12-03"), MustDate("2026-12-06")); got != CHD {
		t.Fatalf("infant turning 2 mid-trip pays %s, want CHD for the whole trip", got)
	}
	if got := TripPassengerType(dob, MustDate("2026-12-03"), MustDate("2026-12-04")); got != INF {
		t.Fatalf("infant still under 2 on the last flight = %s", got)
	}
}

func TestTripPassengerTypeByStartOfTravel(t *testing.T) {
	cases := []struct {
		name, dob string
		flights   []string
		want      PaxType
	}{
		{"turns 12 on the second leg stays CHD", "2014-12-05", []string{"2026-12-04", "2026-12-05"}, CHD},
		{"turns 12 on the first leg is ADT", "2014-12-04", []string{"2026-12-04", "2026-12-05"}, ADT},
		{"turns 12 the day after the last leg", "2014-12-06", []string{"2026-12-04", "2026-12-05"}, CHD},
		{"turns 2 on the last leg pays CHD", "2024-12-05", []string{"2026-12-04", "2026-12-05"}, CHD},
		{"turns 2 on the first leg", "2024-12-04", []string{"2026-12-04"}, CHD},
		{"stays INF", "2024-12-06", []string{"2026-12-04", "2026-12-05"}, INF},
		{"adult", "1990-01-01", []string{"2026-12-04"}, ADT},
		{"first date missing: judged on the next", "2014-12-05", []string{"", "2026-12-05"}, ADT},
	}
	for _, c := range cases {
		var ds []Date
		for _, f := range c.flights {
			if f != "" {
				ds = append(ds, MustDate(f))
			} else {
				ds = append(ds, Date{})
			}
		}
		if got := TripPassengerType(MustDate(c.dob), ds...); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestTransitions(t *testing.T) {
	c := &Case{Number: "RBA-2026-000001", Status: StatusReceived}
	steps := []Status{StatusDataEntry, StatusTravelReady, StatusBooked, StatusABNSent}
	for _, s := range steps {
		if err := c.Transition(s, ""); err != nil {
			t.Fatalf("to %s: %v", s, err)
		}
	}
	err := c.Transition(StatusDeparted, "")
	if err == nil || err.Error() != "status: cannot move case RBA-2026-000001 from abn-sent to departed (allowed: ready-to-depart, booked, on-hold, cancelled)" {
		t.Fatalf("invalid transition error = %v", err)
	}
	if ErrorCode(err) != ECONFLICT || ErrorField(err) != "status" {
		t.Fatalf("code/field = %s/%s", ErrorCode(err), ErrorField(err))
	}
	if err := c.Transition(StatusOnHold, ""); ErrorField(err) != "reason" {
		t.Fatalf("hold without reason: %v", err)
	}
	if err := c.Transition(StatusOnHold, "exit permit pending"); err != nil {
		t.Fatal(err)
	}
	if got := Allowed(c.Status, c.HeldFrom); len(got) != 2 || got[0] != StatusABNSent || got[1] != StatusCancelled {
		t.Fatalf("allowed from hold = %v", got)
	}
	if err := c.Transition(StatusBooked, ""); err == nil {
		t.Fatal("a held case jumped to a status it was not held from")
	}
	if err := c.Transition(StatusABNSent, ""); err != nil || c.HeldFrom != "" {
		t.Fatalf("back from hold: %v held=%s", err, c.HeldFrom)
	}
	if err := c.Transition(StatusCancelled, "sponsor withdrew"); err != nil {
		t.Fatal(err)
	}
	if err := c.Transition(StatusTravelReady, ""); err == nil || !strings.Contains(err.Error(), "no further status change") {
		t.Fatalf("cancelled case moved: %v", err)
	}
	if _, err := ParseStatus("flying"); err == nil || !strings.Contains(err.Error(), "valid: received, data-entry") {
		t.Fatalf("ParseStatus error = %v", err)
	}
}

func TestSetFieldValidates(t *testing.T) {
	tr := &Traveller{Case: "RBA-2026-000001", Member: 1, FamilyName: "Haddad", BirthDate: MustDate("1980-01-02")}
	if err := SetField(tr, "ssr", "wchr, moml,WCHR"); err != nil || strings.Join(tr.SSR, ",") != "MOML,WCHR" {
		t.Fatalf("ssr = %v, %v", tr.SSR, err)
	}
	for field, val := range map[string]string{"ssr": "WCHR,ZZZZ", "birth_date": "2026-02-30", "sex": "Q",
		"pregnancy_weeks": "many", "medif_needed": "perhaps", "member": "3", "shoe_size": "42"} {
		fresh := &Traveller{Case: "RBA-2026-000001", Member: 1, FamilyName: "Haddad", BirthDate: MustDate("1980-01-02")}
		if err := SetField(fresh, field, val); err == nil || ErrorField(err) != field {
			t.Errorf("%s=%s: err %v, want one naming the field", field, val, err)
		}
	}
}

func TestGateBlocksWithoutBookingDocumentsOrMedical(t *testing.T) {
	f := &CaseFile{Case: Case{Number: "RBA-2026-000001", Status: StatusABNSent, Programme: "USRAP", Office: "RBA"},
		Travellers: []Traveller{{Case: "RBA-2026-000001", Member: 1, FamilyName: "Haddad", GivenNames: "Omar"}}}
	err := f.MoveTo(StatusReadyToDepart, "")
	if err == nil || !strings.Contains(err.Error(), "no active booking") || !strings.Contains(err.Error(), "no medical clearance") {
		t.Fatalf("gate error = %v", err)
	}
	f.Bookings = []Booking{{Case: f.Case.Number, ID: "B1", Status: BookingActive, Travellers: []int{1},
		Segments: []Segment{{Carrier: "AT", Flight: "200", From: "RBA", To: "JFK", Depart: MustLocalTime("2026-12-03T10:00"), Arrive: MustLocalTime("2026-12-03T14:00")}}}}
	f.Documents = []Document{{Case: f.Case.Number, Member: 1, ID: "d1", Type: DocPassport, ExpiryDate: MustDate("2026-12-02")}}
	f.Travellers[0].MedicalValidUntil = MustDate("2027-01-01")
	in := completeDuties(f) // the duties before departure; see gate_rules_test.go
	if items := f.GateWith(in); len(items) != 1 || items[0].Code != "travel-document" {
		t.Fatalf("passport expiring the day before departure: items %v", items)
	}
	f.Documents[0].ExpiryDate = MustDate("2027-06-01")
	if err := f.MoveToWith(StatusReadyToDepart, "", in); err != nil {
		t.Fatalf("gate should be open: %v", err)
	}
}

// TestSetDocumentNumber: "number" is read-only on a case (its identity),
// settable on a document (its passport number).
func TestSetDocumentNumber(t *testing.T) {
	d := &Document{Case: "RBA-2026-000001", Member: 1, ID: "p1", Type: DocPassport}
	if err := SetField(d, "number", "N123"); err != nil || d.Number != "N123" {
		t.Fatalf("document number: %v %q", err, d.Number)
	}
	c := &Case{Number: "RBA-2026-000001"}
	if err := SetField(c, "number", "RBA-2026-000002"); err == nil {
		t.Fatal("case number set")
	}
}

func TestDateJSONFastPathMatchesParse(t *testing.T) {
	for _, s := range []string{`"2026-02-28"`, `"2024-02-29"`, `"2026-02-30"`, `""`, `"2026-1-01"`} {
		var a Date
		errA := a.UnmarshalJSON([]byte(s))
		b, errB := ParseDate(s[1 : len(s)-1])
		if (errA == nil) != (errB == nil) || (errA == nil && !a.Equal(b)) {
			t.Errorf("%s: %v %v / %v %v", s, a, errA, b, errB)
		}
	}
	for _, s := range []string{`"2026-11-22T23:59"`, `"2026-11-22T24:00"`, `"2026-11-22 10:00"`, `"2026-02-29T10:00"`} {
		var a LocalTime
		errA := a.UnmarshalJSON([]byte(s))
		b, errB := ParseLocalTime(s[1 : len(s)-1])
		if (errA == nil) != (errB == nil) || (errA == nil && a != b) {
			t.Errorf("%s: %v %v / %v %v", s, a, errA, b, errB)
		}
	}
}

func TestCountry2(t *testing.T) {
	for in, want := range map[string]string{"USA": "US", "us": "US", "AFG": "AF", "SY": "SY", " syr ": "SY", "XQZ": "XQZ", "": ""} {
		if got := Country2(in); got != want {
			t.Errorf("Country2(%q) = %q, want %q", in, got, want)
		}
	}
	if !SameCountry("USA", "US") || SameCountry("", "") || SameCountry("FRA", "DE") {
		t.Error("SameCountry")
	}
}
