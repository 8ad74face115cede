package booking

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var dutyAt = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// completeDuties records every duty for f's travellers (verification,
// custody of their travel documents, counselling, escort checklist and
// travel bag ticks) under the default templates, and returns the gate input
// of a booking the quote engine found clean. Escort trips and permits are
// the test's own.
func completeDuties(f *CaseFile) GateInput {
	pt := DefaultTemplates().For(f.Case.Programme)
	dep := f.DepartureDate()
	tick := Tick{By: "amina", At: dutyAt}
	for _, t := range f.travellersOnBooking() {
		f.Apply(&Verification{Case: f.Case.Number, Member: t.Member, DocumentNumber: "N" + t.GivenNames,
			Ticks: map[string]Tick{VerifyBiodata: tick, VerifyPhoto: tick, VerifyDocument: tick}})
		for _, d := range f.DocumentsOf(t.Member) {
			if d.Type.IsTravelDocument() && f.CustodyOf(t.Member, d.ID) == nil {
				f.Apply(&Custody{Case: f.Case.Number, Member: t.Member, Document: d.ID,
					Events: []CustodyEvent{{Action: CustodyReceived, From: "embassy", By: "amina", At: dutyAt}}})
			}
		}
	}
	f.Apply(&Counselling{Case: f.Case.Number, Date: DateOf(dutyAt), Counsellor: "amina"})
	for _, name := range []string{ChecklistCounselling, ChecklistEscort, ChecklistTravelBag} {
		cl, _ := f.Checklist(name, pt, dep)
		for _, it := range cl.Items {
			if it.Done {
				continue
			}
			rec, err := f.Toggle(name, it.Key, pt, dep, "amina", dutyAt)
			if err != nil {
				panic(err)
			}
			f.Apply(rec)
		}
	}
	return GateInput{FindingsChecked: true}
}

// dutyFixture is a USRAP case of two: Omar (adult) and his mother Layla
// (80, carried-wheelchair WCHC), flying RBA-JFK on 2026-12-03, with every
// duty done and an operational escort for Layla.
func dutyFixture() *CaseFile {
	no := "RBA-2026-000001"
	f := &CaseFile{Case: Case{Number: no, Programme: "USRAP", Office: "RBA", Status: StatusABNSent},
		Travellers: []Traveller{
			{Case: no, Member: 1, Principal: true, FamilyName: "Haddad", GivenNames: "Omar", BirthDate: MustDate("1980-01-01"),
				Languages: []string{"ar"}, MedicalValidUntil: MustDate("2027-03-01")},
			{Case: no, Member: 2, FamilyName: "Haddad", GivenNames: "Layla", BirthDate: MustDate("1946-05-05"), SSR: []string{"WCHC"},
				Languages: []string{"ar", "fr"}, MedicalValidUntil: MustDate("2027-03-01")},
		},
		Documents: []Document{
			{Case: no, Member: 1, ID: "d1", Type: DocPassport, Number: "P100", ExpiryDate: MustDate("2030-01-01")},
			{Case: no, Member: 2, ID: "d1", Type: DocPassport, Number: "P200", ExpiryDate: MustDate("2030-01-01")},
		},
		Bookings: []Booking{{Case: no, ID: "B1", Status: BookingActive, Travellers: []int{1, 2}, EscortSeats: 1,
			Segments: []Segment{{Carrier: "AT", Flight: "200", From: "RBA", To: "JFK", Depart: MustLocalTime("2026-12-03T10:00"), Arrive: MustLocalTime("2026-12-03T14:00")}}}},
		Permits: []ExitPermit{{Case: no, Member: 0, ID: "P1", Authority: "DGSN", Status: PermitApproved, ValidUntil: MustDate("2027-01-31")}},
		EscortTrips: []EscortTrip{{Case: no, Escort: "E0001", Booking: "B1", Type: EscortOperational, Travellers: []int{2},
			Start: MustLocalTime("2026-12-03T10:00"), End: MustLocalTime("2026-12-06T08:00"),
			Return: []Segment{{Carrier: "AT", Flight: "201", From: "JFK", To: "RBA", Depart: MustLocalTime("2026-12-05T18:00"), Arrive: MustLocalTime("2026-12-06T08:00")}}}},
	}
	return f
}

func runRule(t *testing.T, name string, f *CaseFile, in GateInput) []GateItem {
	t.Helper()
	for _, r := range gateRules {
		if r.Name == name {
			return r.Check(f, f.gateContext(in))
		}
	}
	t.Fatalf("no gate rule %q (rules: %v)", name, GateRuleNames())
	return nil
}

func TestDutyFixturePassesGate(t *testing.T) {
	f := dutyFixture()
	in := completeDuties(f)
	if items := f.GateWith(in); len(items) != 0 {
		t.Fatalf("complete case has open items: %v", items)
	}
	if err := f.MoveToWith(StatusReadyToDepart, "", in); err != nil {
		t.Fatal(err)
	}
}

func TestGateRules(t *testing.T) {
	clean := GateInput{FindingsChecked: true}
	tests := []struct {
		rule   string
		name   string
		change func(f *CaseFile) GateInput
		want   string // substring of the one expected item; "" expects none
	}{
		{"verification", "complete", nil, ""},
		{"verification", "photo not checked", func(f *CaseFile) GateInput {
			delete(f.Verifications[1].Ticks, VerifyPhoto)
			return clean
		}, "HADDAD, Layla is not verified (photo not checked)"},
		{"verification", "no record", func(f *CaseFile) GateInput {
			f.Verifications = f.Verifications[:1]
			return clean
		}, "biodata, photo, document not checked"},
		{"verification", "traveller not on booking ignored", func(f *CaseFile) GateInput {
			f.Bookings[0].Travellers = []int{1}
			f.Verifications = f.Verifications[:1]
			f.EscortTrips = nil
			return clean
		}, ""},

		{"custody", "complete", nil, ""},
		{"custody", "no trail", func(f *CaseFile) GateInput {
			f.Custody = f.Custody[:1]
			return clean
		}, "passport P200 of HADDAD, Layla has no custody record"},
		{"custody", "returned to the embassy", func(f *CaseFile) GateInput {
			f.Custody[0].Events = append(f.Custody[0].Events, CustodyEvent{Action: CustodyReturned, To: "embassy", By: "amina", At: dutyAt})
			return clean
		}, "was returned (embassy)"},
		{"custody", "handed to the traveller still counts", func(f *CaseFile) GateInput {
			f.Custody[0].Events = append(f.Custody[0].Events, CustodyEvent{Action: CustodyHandedOver, To: "Omar", By: "amina", At: dutyAt})
			return clean
		}, ""},

		{"exit-permit", "case permit approved", nil, ""},
		{"exit-permit", "pending", func(f *CaseFile) GateInput {
			f.Permits[0].Status = PermitPending
			f.Bookings[0].Travellers = []int{1} // a case permit concerns everyone: one item each
			return clean
		}, "(P1 pending)"},
		{"exit-permit", "expires before departure", func(f *CaseFile) GateInput {
			f.Permits[0].ValidUntil = MustDate("2026-12-02")
			f.Bookings[0].Travellers = []int{1}
			return clean
		}, "approved but not valid on 2026-12-03"},
		{"exit-permit", "denied for one traveller, case permit still valid", func(f *CaseFile) GateInput {
			f.Permits = append(f.Permits, ExitPermit{Case: f.Case.Number, Member: 2, ID: "P2", Authority: "DGSN", Status: PermitDenied, ReasonCode: "security"})
			return clean
		}, ""},
		{"exit-permit", "denied, only permit", func(f *CaseFile) GateInput {
			f.Permits = []ExitPermit{{Case: f.Case.Number, Member: 2, ID: "P2", Authority: "DGSN", Status: PermitDenied, ReasonCode: "military-service"}}
			return clean
		}, "denied (military-service)"},
		{"exit-permit", "none recorded, not required", func(f *CaseFile) GateInput {
			f.Permits = nil
			return clean
		}, ""},
		{"exit-permit", "none recorded, programme requires", func(f *CaseFile) GateInput {
			f.Permits = nil
			tpl := DefaultTemplates()
			pt := tpl.Programmes["USRAP"]
			pt.ExitPermitRequired = true
			tpl.Programmes["USRAP"] = pt
			in := clean
			in.Templates = tpl
			f.Bookings[0].Travellers = []int{1}
			return in
		}, "HADDAD, Omar has no exit permit recorded"},

		{"counselling", "complete", nil, ""},
		{"counselling", "topic open", func(f *CaseFile) GateInput {
			delete(f.Counselling.Ticks, "transit")
			return clean
		}, "counselling topic not covered: Transit and connections"},
		{"counselling", "promissory note of an adult", func(f *CaseFile) GateInput {
			delete(f.Counselling.Ticks, "02/promissory-note")
			return clean
		}, "Promissory note signed: HADDAD, Layla"},
		{"counselling", "no loan outside loan programmes", func(f *CaseFile) GateInput {
			f.Case.Programme = "EU-REL"
			delete(f.Counselling.Ticks, "02/promissory-note")
			delete(f.Counselling.Ticks, "loan")
			return clean
		}, ""},
		{"counselling", "action item open", func(f *CaseFile) GateInput {
			f.Counselling.AddAction(2, "arrange oxygen at JFK", "amina")
			return clean
		}, "counselling action item open: arrange oxygen at JFK"},
		{"counselling", "wheelchair topic when a WCHC traveller", func(f *CaseFile) GateInput {
			delete(f.Counselling.Ticks, "wheelchair")
			return clean
		}, "Wheelchair assistance"},
		{"counselling", "no session", func(f *CaseFile) GateInput {
			f.Counselling.Counsellor = ""
			return clean
		}, "no counselling session recorded"},

		{"escort", "assigned", nil, ""},
		{"escort", "not assigned", func(f *CaseFile) GateInput {
			f.EscortTrips = nil
			return clean
		}, "HADDAD, Layla needs a operational escort (rule carried-wheelchair)"},
		{"escort", "escort covers someone else", func(f *CaseFile) GateInput {
			f.EscortTrips[0].Travellers = []int{1}
			return clean
		}, "none is assigned"},
		{"escort", "escort on a replaced booking", func(f *CaseFile) GateInput {
			f.EscortTrips[0].Booking = "B0"
			return clean
		}, "none is assigned"},
		{"escort", "no return", func(f *CaseFile) GateInput {
			f.EscortTrips[0].Return = nil
			return clean
		}, "escort E0001 has no return trip planned"},
		{"escort", "pre-departure item open", func(f *CaseFile) GateInput {
			delete(f.EscortTrips[0].Ticks, "briefed")
			return clean
		}, "escort E0001 (operational): Escort briefed on the case not done"},
		{"escort", "hand-over items do not block", func(f *CaseFile) GateInput {
			delete(f.EscortTrips[0].Ticks, "handover-destination")
			return clean
		}, ""},

		{"travel-bag", "complete", nil, ""},
		{"travel-bag", "arrival forms missing", func(f *CaseFile) GateInput {
			delete(f.TravelBag.Ticks, "arrival-forms")
			return clean
		}, "travel bag lacks arrival forms (case)"},
		{"travel-bag", "a visa recorded must be in the bag", func(f *CaseFile) GateInput {
			f.Documents = append(f.Documents, Document{Case: f.Case.Number, Member: 1, ID: "v1", Type: DocVisa})
			return clean
		}, "travel bag lacks visa (1 HADDAD, Omar)"},

		{"booking-findings", "checked and clean", nil, ""},
		{"booking-findings", "not checked", func(f *CaseFile) GateInput { return GateInput{} },
			"booking B1 has not been checked"},
		{"booking-findings", "blocking finding", func(f *CaseFile) GateInput {
			return GateInput{FindingsChecked: true, Findings: []BookingFinding{{Code: "mct", Message: "connection at FRA is 40m; the international minimum is 60m"}}}
		}, "booking B1: connection at FRA is 40m; the international minimum is 60m (mct)"},
		{"booking-findings", "no booking, nothing to check", func(f *CaseFile) GateInput {
			f.Bookings = nil
			return GateInput{}
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.name, func(t *testing.T) {
			f := dutyFixture()
			in := completeDuties(f)
			if tt.change != nil {
				in = tt.change(f)
			}
			items := runRule(t, tt.rule, f, in)
			if tt.want == "" {
				if len(items) != 0 {
					t.Fatalf("want no items, got %v", items)
				}
				return
			}
			if len(items) != 1 || !strings.Contains(items[0].Message, tt.want) || items[0].Code != tt.rule {
				t.Fatalf("want one %s item containing %q, got %v", tt.rule, tt.want, items)
			}
		})
	}
}

func TestGateListsEveryRule(t *testing.T) {
	want := []string{"booking", "travel-document", "medical-clearance", "verification", "custody", "exit-permit",
		"counselling", "escort", "travel-bag", "booking-findings"}
	if got := GateRuleNames(); !slices.Equal(got, want) {
		t.Fatalf("rules %v, want %v", got, want)
	}
}

func TestMoveToListsOpenItems(t *testing.T) {
	f := dutyFixture()
	in := completeDuties(f)
	delete(f.TravelBag.Ticks, "arrival-forms")
	err := f.MoveToWith(StatusReadyToDepart, "", in)
	if err == nil || ErrorCode(err) != ECONFLICT || !strings.Contains(err.Error(), "1 open item(s)") || !strings.Contains(err.Error(), "arrival forms") {
		t.Fatalf("err = %v", err)
	}
	if f.Case.Status != StatusABNSent {
		t.Fatalf("status moved to %s", f.Case.Status)
	}
	rec, err := f.Toggle(ChecklistTravelBag, "arrival-forms", DefaultTemplates().For("USRAP"), f.DepartureDate(), "amina", dutyAt)
	if err != nil {
		t.Fatal(err)
	}
	f.Apply(rec)
	if err := f.MoveToWith(StatusReadyToDepart, "", in); err != nil {
		t.Fatal(err)
	}
}
