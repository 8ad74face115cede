package booking

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// CaseFile is a case with everything recorded about it: what the store
// returns for one case, and what the domain rules judge.
type CaseFile struct {
	Case       Case        `json:"case"`
	Travellers []Traveller `json:"travellers"`
	Documents  []Document  `json:"documents"`
	Bookings   []Booking   `json:"bookings"`
	// Duties before departure (see gate_rules.go).
	EscortTrips   []EscortTrip   `json:"escort_trips,omitempty"`
	Verifications []Verification `json:"verifications,omitempty"`
	Custody       []Custody      `json:"custody,omitempty"`
	Permits       []ExitPermit   `json:"permits,omitempty"`
	Counselling   *Counselling   `json:"counselling,omitempty"`
	Actions       []Action       `json:"actions,omitempty"`
	TravelBag     *TravelBag     `json:"travel_bag,omitempty"`
	ABNs          []ABN          `json:"abns,omitempty"`
	// Review is the latest four-eyes decision on the case's booking.
	Review *Review `json:"review,omitempty"`
	// Contacts and the communication log (contacts.go).
	Contacts []Contact   `json:"contacts,omitempty"`
	Comms    []CommEntry `json:"comms,omitempty"`
	// Other keeps records of kinds this version does not know, by kind, so a
	// newer desk's data survives an older reader.
	Other map[string][]json.RawMessage `json:"other,omitempty"`

	// staleActive are bookings stored as active that another active booking
	// outranks (see settleBooking): they read as replaced, and the next
	// write that changes the active booking stores them so.
	staleActive []string
}

// Add decodes one stored record into the file, by the kind its key names.
func (f *CaseFile) Add(key string, data []byte) error {
	_, kind := SplitKey(key)
	if r := NewRecord(kind); r != nil && holdsTyped(r) {
		if err := json.Unmarshal(data, r); err != nil {
			return fmt.Errorf("record %s: %w", key, err)
		}
		f.AddRecord(r)
		return nil
	}
	if f.Other == nil {
		f.Other = map[string][]json.RawMessage{}
	}
	f.Other[kind] = append(f.Other[kind], append(json.RawMessage(nil), data...))
	return nil
}

// holdsTyped reports whether a case file keeps records like r in a field
// of their own (AddRecord takes them).
func holdsTyped(r Record) bool {
	switch r.(type) {
	case *Case, *Traveller, *Document, *Booking, *ABN, *Review, *EscortTrip, *Verification,
		*Custody, *ExitPermit, *Counselling, *TravelBag, *Action, *Contact, *CommEntry:
		return true
	}
	return false
}

// AddRecord adds a record already decoded, as Add does from its JSON (a
// writer that holds the very record it stored need not decode it again).
// It reports false, adding nothing, for a kind the file does not hold typed.
func (f *CaseFile) AddRecord(r Record) bool {
	switch r := r.(type) {
	case *Case:
		f.Case = *r
	case *Traveller:
		f.Travellers = append(f.Travellers, *r)
	case *Document:
		f.Documents = append(f.Documents, *r)
	case *Booking:
		f.Bookings = append(f.Bookings, *r)
		f.settleBooking(len(f.Bookings) - 1)
	case *ABN:
		f.ABNs = append(f.ABNs, *r)
	case *Review:
		v := *r
		f.Review = &v
	case *EscortTrip:
		f.EscortTrips = append(f.EscortTrips, *r)
	case *Verification:
		f.Verifications = append(f.Verifications, *r)
	case *Custody:
		f.Custody = append(f.Custody, *r)
	case *ExitPermit:
		f.Permits = append(f.Permits, *r)
	case *Counselling:
		v := *r
		f.Counselling = &v
	case *TravelBag:
		v := *r
		f.TravelBag = &v
	case *Action:
		f.Actions = append(f.Actions, *r)
	case *Contact:
		f.Contacts = append(f.Contacts, *r)
	case *CommEntry:
		f.Comms = append(f.Comms, *r)
	default:
		return false
	}
	return true
}

// Traveller returns member m, or nil.
func (f *CaseFile) Traveller(m int) *Traveller {
	for i := range f.Travellers {
		if f.Travellers[i].Member == m {
			return &f.Travellers[i]
		}
	}
	return nil
}

// Principal returns the principal applicant, or the first traveller, or nil.
func (f *CaseFile) Principal() *Traveller {
	for i := range f.Travellers {
		if f.Travellers[i].Principal {
			return &f.Travellers[i]
		}
	}
	if len(f.Travellers) > 0 {
		return &f.Travellers[0]
	}
	return nil
}

// DocumentsOf returns the documents of member m.
func (f *CaseFile) DocumentsOf(m int) []Document {
	var out []Document
	for _, d := range f.Documents {
		if d.Member == m {
			out = append(out, d)
		}
	}
	return out
}

// settleBooking keeps one booking active when booking i, just added, is
// active too: two desks that booked the case while offline each stored
// theirs as active, and sync brings both to every desk. The later one
// (booked on, then the number of its id, then its id) stays active on every
// desk alike; the other reads as replaced.
func (f *CaseFile) settleBooking(i int) {
	b := &f.Bookings[i]
	if b.Status != BookingActive {
		return
	}
	for j := range f.Bookings {
		o := &f.Bookings[j]
		if j == i || o.Status != BookingActive {
			continue
		}
		loser := o
		if !bookingBefore(o, b) {
			loser = b
		}
		loser.Status = BookingReplaced
		f.staleActive = append(f.staleActive, loser.ID)
		return
	}
}

// bookingBefore reports whether booking a was made before b.
func bookingBefore(a, b *Booking) bool {
	if a.BookedOn != b.BookedOn {
		return a.BookedOn.Before(b.BookedOn)
	}
	if na, nb := idNumber(a.ID), idNumber(b.ID); na != nb {
		return na < nb
	}
	return a.ID < b.ID
}

// settledBookings returns the bookings stored as active that read as
// replaced, as records to write: a write that changes the active booking
// stores them replaced, so the one left active stays so.
func (f *CaseFile) settledBookings() []Record {
	var recs []Record
	for _, id := range f.staleActive {
		for _, b := range f.Bookings {
			if b.ID == id && b.Status == BookingReplaced {
				recs = append(recs, &b)
			}
		}
	}
	return recs
}

// ActiveBooking returns the case's active booking, or nil.
func (f *CaseFile) ActiveBooking() *Booking {
	for i := len(f.Bookings) - 1; i >= 0; i-- {
		if f.Bookings[i].Status == BookingActive {
			return &f.Bookings[i]
		}
	}
	return nil
}

// GateItem is one open item that keeps a case from departing.
type GateItem struct {
	Code      string `json:"code"`
	Traveller int    `json:"traveller,omitempty"`
	Message   string `json:"message"`
}

// GateRule adds open items for a case file judged on the departure date.
// Rules are registered in gateRules; each is named and tested on its own.
type GateRule struct {
	Name  string
	Check func(f *CaseFile, g *GateContext) []GateItem
}

// gateRules are the ready-to-depart rules.
var gateRules = []GateRule{
	{"booking", func(f *CaseFile, g *GateContext) []GateItem { return gateBooking(f, g.Departure) }},
	{"travel-document", func(f *CaseFile, g *GateContext) []GateItem { return gateTravelDocuments(f, g.Departure) }},
	{"medical-clearance", func(f *CaseFile, g *GateContext) []GateItem { return gateMedical(f, g.Departure) }},
	{"verification", gateVerification},
	{"custody", gateCustody},
	{"exit-permit", gateExitPermits},
	{"counselling", gateCounselling},
	{"escort", gateEscorts},
	{"travel-bag", gateTravelBag},
	{"booking-findings", gateBookingFindings},
}

// Gate lists every open item that keeps the case from moving to
// ready-to-depart, with the default templates and no quote-engine findings
// (so the booking-findings rule reports the booking as unchecked). An empty
// list means the gate is open. Callers that know the configuration and can
// quote use GateWith.
func (f *CaseFile) Gate() []GateItem { return f.GateWith(GateInput{}) }

// GateWith lists every open item under the templates and findings in in.
func (f *CaseFile) GateWith(in GateInput) []GateItem {
	g := f.gateContext(in)
	var items []GateItem
	for _, r := range gateRules {
		items = append(items, r.Check(f, g)...)
	}
	return items
}

func gateBooking(f *CaseFile, _ Date) []GateItem {
	if f.ActiveBooking() == nil {
		return []GateItem{{Code: "booking", Message: "no active booking"}}
	}
	return nil
}

func gateTravelDocuments(f *CaseFile, dep Date) []GateItem {
	var items []GateItem
	for _, t := range f.travellersOnBooking() {
		has := false
		for _, d := range f.DocumentsOf(t.Member) {
			if d.Type.IsTravelDocument() && !d.ExpiresBefore(dep) {
				has = true
			}
		}
		if !has {
			items = append(items, GateItem{Code: "travel-document", Traveller: t.Member,
				Message: fmt.Sprintf("%s has no travel document valid on %s", t.FullName(), dep)})
		}
	}
	return items
}

func gateMedical(f *CaseFile, dep Date) []GateItem {
	var items []GateItem
	for _, t := range f.travellersOnBooking() {
		if t.MedicalValidUntil.IsZero() || t.MedicalValidUntil.Before(dep) {
			items = append(items, GateItem{Code: "medical-clearance", Traveller: t.Member,
				Message: fmt.Sprintf("%s has no medical clearance valid on %s", t.FullName(), dep)})
		}
	}
	return items
}

// travellersOnBooking returns the travellers of the active booking, or all.
func (f *CaseFile) travellersOnBooking() []Traveller {
	b := f.ActiveBooking()
	if b == nil {
		return f.Travellers
	}
	var out []Traveller
	for _, t := range f.Travellers {
		if slices.Contains(b.Travellers, t.Member) {
			out = append(out, t)
		}
	}
	return out
}

// MoveTo changes the case status, checking the state machine and, for
// ready-to-depart, the gate. The error lists every open item.
func (f *CaseFile) MoveTo(to Status, reason string) error {
	return f.MoveToWith(to, reason, GateInput{})
}

// MoveToWith is MoveTo judging the gate with the templates and quote-engine
// findings in in.
func (f *CaseFile) MoveToWith(to Status, reason string, in GateInput) error {
	if to == StatusReadyToDepart && slices.Contains(Allowed(f.Case.Status, f.Case.HeldFrom), to) {
		if items := f.GateWith(in); len(items) > 0 {
			msgs := make([]string, len(items))
			for i, it := range items {
				msgs[i] = "  - " + it.Message
			}
			return Errorf(ECONFLICT, "status", "case %s cannot be ready to depart; %d open item(s):\n%s",
				f.Case.Number, len(items), strings.Join(msgs, "\n"))
		}
	}
	if err := f.Case.Transition(to, reason); err != nil {
		return err
	}
	if to == StatusTravelReady && f.Case.TravelReady.IsZero() && !in.Today.IsZero() {
		f.Case.TravelReady = in.Today
	}
	return nil
}
