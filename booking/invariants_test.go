package booking

import (
	"strings"
	"testing"
)

func invCase(st Status) *Case {
	return &Case{Number: "RBA-2026-000001", Programme: "USRAP", Office: "RBA", Priority: 3, Status: st}
}

func TestCheckTextRefusesWhatCouldDriveATerminal(t *testing.T) {
	for _, tc := range []struct {
		in    string
		block bool
		ok    bool
	}{
		{"Amina Haddad", false, true},
		{"Ramírez Núñez 李", false, true},
		{"line one\nline two\tend", true, true},
		{"line one\nline two", false, false},
		{"EVIL\x1b[2J", false, false},
		{"bell\x07", true, false},
		{"c1 \u0085 next line", true, false},
		{"del \x7f", false, false},
		{"paid \u202e0001", true, false},
		{"isolate \u2066x\u2069", false, false},
		{"mark \u200f", false, false},
		{"bad \xff utf8", false, false},
		{"replacement \uFFFD is a character", false, true},
		{strings.Repeat("a", MaxLineRunes), false, true},
		{strings.Repeat("a", MaxLineRunes+1), false, false},
		{strings.Repeat("é", MaxBlockRunes), true, true},
		{strings.Repeat("é", MaxBlockRunes+1), true, false},
	} {
		err := CheckText("f", tc.in, tc.block)
		if (err == nil) != tc.ok {
			t.Errorf("CheckText(%q, block=%v) = %v, want ok=%v", tc.in, tc.block, err, tc.ok)
		}
		if err != nil && (ErrorCode(err) != EINVALID || ErrorField(err) != "f") {
			t.Errorf("CheckText(%q): %v: want invalid on field f", tc.in, err)
		}
	}
}

func TestCheckRecordTextNamesThePath(t *testing.T) {
	b := &Booking{Case: "RBA-2026-000001", ID: "b1", Segments: []Segment{{Carrier: "AT"}, {Carrier: "A\x1bT"}}}
	err := CheckRecordText(b)
	if ErrorField(err) != "segments[1].carrier" {
		t.Fatalf("%v: want the field segments[1].carrier", err)
	}
	v := &Verification{Case: "RBA-2026-000001", Member: 1, Ticks: map[string]Tick{"photo\n": {}}}
	if err := CheckRecordText(v); err == nil || !strings.HasPrefix(ErrorField(err), "ticks[") {
		t.Fatalf("map key: %v", err)
	}
}

func TestWriteRules(t *testing.T) {
	has := func(keys ...string) func(string) bool {
		return func(k string) bool {
			for _, x := range keys {
				if x == k {
					return true
				}
			}
			return false
		}
	}
	sent := &ABN{Case: "RBA-2026-000001", Number: "ABN-RBA-2026-000001", Version: 1, Type: ABNIssue, Sent: true}
	unsent := *sent
	unsent.Sent = false
	dep := &ABN{Case: "RBA-2026-000001", Number: "ABN-RBA-2026-000001", Version: 2, Type: ABNDeparture}
	file := func(abns ...*ABN) func() (*CaseFile, error) {
		return func() (*CaseFile, error) {
			f := &CaseFile{Case: *invCase(StatusBooked)}
			for _, a := range abns {
				f.ABNs = append(f.ABNs, *a)
			}
			return f, nil
		}
	}
	today := MustDate("2026-12-04")
	rules := WriteRules{Today: func() Date { return today }, DepartureToleranceDays: 1}
	with := func(c *Case, f func(*Case)) *Case { f(c); return c }
	for _, tc := range []struct {
		name        string
		w           Write
		code, field string // "" when the write is fine
	}{
		{"a new case at intake", Write{Key: "RBA-2026-000001", New: invCase(StatusReceived)}, "", ""},
		{"a new case already booked", Write{Key: "RBA-2026-000001", New: invCase(StatusBooked)}, ECONFLICT, "status"},
		{"a snapshot takes statuses as they are", Write{Key: "RBA-2026-000001", New: invCase(StatusDeparted), Snapshot: true}, "", ""},
		{"one move", Write{Key: "RBA-2026-000001", Old: invCase(StatusTravelReady), New: invCase(StatusBooked)}, "", ""},
		{"a jump", Write{Key: "RBA-2026-000001", Old: invCase(StatusTravelReady), New: invCase(StatusABNSent)}, ECONFLICT, "status"},
		{"reopening two steps at once", Write{Key: "RBA-2026-000001", Old: invCase(StatusReadyToDepart), New: invCase(StatusBooked)}, "", ""},
		{"leaving departed", Write{Key: "RBA-2026-000001", Old: invCase(StatusDeparted), New: invCase(StatusBooked)}, ECONFLICT, "status"},
		{"cancelled without a reason", Write{Key: "RBA-2026-000001", Old: invCase(StatusBooked), New: invCase(StatusCancelled)}, EINVALID, "reason"},
		{"on hold from the wrong status", Write{Key: "RBA-2026-000001", Old: invCase(StatusBooked),
			New: with(invCase(StatusOnHold), func(c *Case) { c.StatusReason, c.HeldFrom = "wait", StatusReceived })}, EINVALID, "held_from"},
		{"held_from rewritten while on hold", Write{Key: "RBA-2026-000001", Old: with(invCase(StatusOnHold), func(c *Case) { c.HeldFrom = StatusReceived }),
			New: with(invCase(StatusOnHold), func(c *Case) { c.HeldFrom = StatusReadyToDepart })}, ECONFLICT, "held_from"},
		{"abn-sent with a sent issue", Write{Key: "RBA-2026-000001", Old: invCase(StatusBooked), New: invCase(StatusABNSent), File: file(sent)}, "", ""},
		{"abn-sent with an unsent issue", Write{Key: "RBA-2026-000001", Old: invCase(StatusBooked), New: invCase(StatusABNSent), File: file(&unsent)}, ECONFLICT, "status"},
		{"departed without a notice", Write{Key: "RBA-2026-000001", Old: invCase(StatusReadyToDepart), New: invCase(StatusDeparted), File: file(sent)}, ECONFLICT, "status"},
		{"departed on the flight's eve", Write{Key: "RBA-2026-000001", Old: invCase(StatusReadyToDepart),
			New: with(invCase(StatusDeparted), func(c *Case) { c.Departure = today.AddDays(1) }), File: file(sent, dep)}, "", ""},
		{"departed days before the flight", Write{Key: "RBA-2026-000001", Old: invCase(StatusReadyToDepart),
			New: with(invCase(StatusDeparted), func(c *Case) { c.Departure = today.AddDays(3) }), File: file(sent, dep)}, ECONFLICT, "departure"},
		{"another office's prefix", Write{Key: "SAL-2026-000001", New: with(invCase(StatusReceived), func(c *Case) { c.Number = "SAL-2026-000001" })}, EINVALID, "number"},
		{"moving office", Write{Key: "RBA-2026-000001", Old: invCase(StatusReceived), New: with(invCase(StatusReceived), func(c *Case) { c.Office = "KLT" })}, EINVALID, "number"},
		{"renumbering", Write{Key: "RBA-2026-000001", Old: invCase(StatusReceived), New: with(invCase(StatusReceived), func(c *Case) { c.Number = "RBA-2026-000002" })}, EINVALID, "number"},
		{"deleting a case", Write{Key: "RBA-2026-000001", Old: invCase(StatusReceived)}, ECONFLICT, "case"},
		{"a traveller of an unknown case", Write{Key: TravellerKey("RBA-2026-000009", 1), New: &Traveller{Case: "RBA-2026-000009", Member: 1, FamilyName: "X", BirthDate: MustDate("1980-01-02")}, Has: has()}, ENOTFOUND, "case"},
		{"a document of an unknown traveller", Write{Key: DocumentKey("RBA-2026-000001", 2, "d1"), New: &Document{Case: "RBA-2026-000001", Member: 2, ID: "d1", Type: DocPassport},
			Has: has("RBA-2026-000001", TravellerKey("RBA-2026-000001", 1))}, ENOTFOUND, "member"},
		{"a document of a known traveller", Write{Key: DocumentKey("RBA-2026-000001", 1, "d1"), New: &Document{Case: "RBA-2026-000001", Member: 1, ID: "d1", Type: DocPassport},
			Has: has("RBA-2026-000001", TravellerKey("RBA-2026-000001", 1))}, "", ""},
		{"a control character", Write{Key: "RBA-2026-000001", Old: invCase(StatusReceived), New: with(invCase(StatusReceived), func(c *Case) { c.Sponsor = "x\x1b" })}, EINVALID, "sponsor"},
	} {
		err := CheckWrite(tc.w, rules)
		if tc.code == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if ErrorCode(err) != tc.code || ErrorField(err) != tc.field {
			t.Errorf("%s: %v (%s/%s), want %s/%s", tc.name, err, ErrorCode(err), ErrorField(err), tc.code, tc.field)
		}
	}
}
