package booking

import (
	"fmt"
	"strings"
)

// GateInput is what the gate needs from outside the case file.
//
// Templates come from the configuration (nil: DefaultTemplates).
//
// Findings are the blocking findings of the quote engine (package tariffs)
// for the active booking. booking cannot import tariffs, and findings
// depend on the tariff tables and rules in force, so they are computed
// fresh by the caller when the gate is judged rather than stored with the
// booking: a booking saved before a table or rule change is judged by
// today's rules. FindingsChecked says the caller did so; without it the
// booking-findings rule reports the booking as unchecked, so a caller that
// forgot to quote can never open the gate.
type GateInput struct {
	Templates       *Templates
	Findings        []BookingFinding
	FindingsChecked bool
	// Today is the day of the move; a move to travel-ready stamps it as
	// the case's travel-ready date when none is recorded (the timeliness
	// report measures from it).
	Today Date
}

// BookingFinding is one blocking finding of the quote engine.
type BookingFinding struct {
	Code      string `json:"code"`
	Traveller int    `json:"traveller,omitempty"`
	Message   string `json:"message"`
}

// GateContext is what each gate rule judges a case file against.
type GateContext struct {
	// Departure is the active booking's first departure date (else the
	// case's planned departure).
	Departure Date
	// Template is the case's programme template.
	Template ProgrammeTemplate
	Input    GateInput
}

func (f *CaseFile) gateContext(in GateInput) *GateContext {
	return &GateContext{Departure: f.DepartureDate(), Template: in.Templates.For(f.Case.Programme), Input: in}
}

// DepartureDate is the date the gate and checklists judge the case on: the
// active booking's first departure, else the case's planned departure.
func (f *CaseFile) DepartureDate() Date {
	if b := f.ActiveBooking(); b != nil {
		return b.Departure().Date()
	}
	return f.Case.Departure
}

// GateRuleNames lists the names of the ready-to-depart rules, in order.
func GateRuleNames() []string {
	out := make([]string, len(gateRules))
	for i, r := range gateRules {
		out[i] = r.Name
	}
	return out
}

// gateVerification: every traveller on the booking has biodata, photo and
// document number verified.
func gateVerification(f *CaseFile, _ *GateContext) []GateItem {
	var items []GateItem
	for _, t := range f.travellersOnBooking() {
		v := f.Verification(t.Member)
		if v.Verified() {
			continue
		}
		var missing []string
		for _, k := range []string{VerifyBiodata, VerifyPhoto, VerifyDocument} {
			if v == nil || v.Ticks[k] == (Tick{}) {
				missing = append(missing, k)
			}
		}
		items = append(items, GateItem{Code: "verification", Traveller: t.Member,
			Message: fmt.Sprintf("%s is not verified (%s not checked)", t.FullName(), strings.Join(missing, ", "))})
	}
	return items
}

// gateCustody: each traveller's travel document valid on departure has a
// custody trail showing it held for the journey.
func gateCustody(f *CaseFile, g *GateContext) []GateItem {
	var items []GateItem
	for _, t := range f.travellersOnBooking() {
		d := f.travelDocument(t.Member, g.Departure)
		if d == nil {
			continue // the travel-document rule reports it
		}
		if c := f.CustodyOf(t.Member, d.ID); !c.InCustody() {
			what := "has no custody record"
			if c != nil {
				what = "was returned (" + c.Holder() + ")"
			}
			items = append(items, GateItem{Code: "custody", Traveller: t.Member,
				Message: fmt.Sprintf("%s of %s %s", d.Describe(), t.FullName(), what)})
		}
	}
	return items
}

// gateExitPermits: every exit permit recorded for a traveller (or the case)
// is approved and valid on departure; where the programme requires a
// permit, a traveller without one is open too.
func gateExitPermits(f *CaseFile, g *GateContext) []GateItem {
	var items []GateItem
	for _, t := range f.travellersOnBooking() {
		ps := f.PermitsOf(t.Member)
		ok := false
		var states []string
		for i := range ps {
			if ps[i].ValidOn(g.Departure) {
				ok = true
			}
			st := ps[i].Describe()
			if ps[i].Status == PermitApproved {
				st = "approved but not valid on " + g.Departure.String()
			}
			states = append(states, ps[i].ID+" "+st)
		}
		switch {
		case ok:
		case len(ps) == 0 && g.Template.ExitPermitRequired:
			items = append(items, GateItem{Code: "exit-permit", Traveller: t.Member,
				Message: fmt.Sprintf("%s has no exit permit recorded", t.FullName())})
		case len(ps) > 0:
			items = append(items, GateItem{Code: "exit-permit", Traveller: t.Member,
				Message: fmt.Sprintf("%s has no exit permit approved and valid on %s (%s)", t.FullName(), g.Departure, strings.Join(states, "; "))})
		}
	}
	return items
}

// gateCounselling: the session is recorded and every topic, promissory note
// and action item of the counselling checklist is done.
func gateCounselling(f *CaseFile, g *GateContext) []GateItem {
	var items []GateItem
	if !f.Counselling.Recorded() {
		items = append(items, GateItem{Code: "counselling", Message: "no counselling session recorded (date and counsellor)"})
	}
	cl := f.counsellingList(g.Template, g.Departure)
	for _, it := range cl.Open() {
		msg := "counselling topic not covered: " + it.Label
		if strings.HasPrefix(it.Key, "action/") {
			msg = "counselling action item open: " + it.Label
		}
		items = append(items, GateItem{Code: "counselling", Traveller: it.Traveller, Message: msg})
	}
	return items
}

// gateEscorts: every traveller an escort rule flags has an escort of the
// right type on the active booking, with a return trip planned and the
// escort checklist's pre-departure items done.
func gateEscorts(f *CaseFile, g *GateContext) []GateItem {
	b := f.ActiveBooking()
	if b == nil {
		return nil
	}
	var items []GateItem
	trips := f.TripsOn(b.ID)
	for _, n := range f.EscortNeeds(g.Template, g.Departure) {
		covered := false
		for _, tr := range trips {
			covered = covered || (tr.Escorts(n.Traveller) && tr.Type.Satisfies(n.Type))
		}
		if !covered {
			name := fmt.Sprint(n.Traveller)
			if t := f.Traveller(n.Traveller); t != nil {
				name = t.FullName()
			}
			items = append(items, GateItem{Code: "escort", Traveller: n.Traveller,
				Message: fmt.Sprintf("%s needs a %s escort (rule %s); none is assigned", name, n.Type, n.Rule)})
		}
	}
	for _, tr := range trips {
		if !tr.HasReturn() {
			items = append(items, GateItem{Code: "escort", Message: fmt.Sprintf("escort %s has no return trip planned", tr.Escort)})
		}
	}
	cl := f.escortList(g.Template)
	for _, it := range cl.Open() {
		items = append(items, GateItem{Code: "escort", Message: fmt.Sprintf("%s: %s not done", it.Group, it.Label)})
	}
	return items
}

// gateTravelBag: the travel bag holds everything the template lists.
func gateTravelBag(f *CaseFile, g *GateContext) []GateItem {
	var items []GateItem
	cl := f.bagList(g.Template, g.Departure)
	for _, it := range cl.Open() {
		who := "case"
		if it.Traveller > 0 {
			who = it.Group
		}
		items = append(items, GateItem{Code: "travel-bag", Traveller: it.Traveller,
			Message: fmt.Sprintf("travel bag lacks %s (%s)", strings.ToLower(it.Label[:1])+it.Label[1:], who)})
	}
	return items
}

// gateBookingFindings: the quote engine found nothing blocking in the
// active booking (see GateInput for why findings are passed in).
func gateBookingFindings(f *CaseFile, g *GateContext) []GateItem {
	b := f.ActiveBooking()
	if b == nil {
		return nil
	}
	if !g.Input.FindingsChecked {
		return []GateItem{{Code: "booking-findings", Message: fmt.Sprintf("booking %s has not been checked against the tariff tables and travel rules", b.ID)}}
	}
	items := make([]GateItem, 0, len(g.Input.Findings))
	for _, fd := range g.Input.Findings {
		items = append(items, GateItem{Code: "booking-findings", Traveller: fd.Traveller,
			Message: fmt.Sprintf("booking %s: %s (%s)", b.ID, fd.Message, fd.Code)})
	}
	return items
}

// Apply puts a duty record (escort trip, verification, custody, permit,
// counselling, travel bag, contact, log entry) into the file in memory,
// replacing the one with the same key: screens use it to show a save at
// once, and generators to build on what they made. It reports whether rec is such a record.
func (f *CaseFile) Apply(rec Record) bool {
	switch r := rec.(type) {
	case *EscortTrip:
		f.EscortTrips = replaceByKey(f.EscortTrips, *r)
	case *Verification:
		f.Verifications = replaceByKey(f.Verifications, *r)
	case *Custody:
		f.Custody = replaceByKey(f.Custody, *r)
	case *ExitPermit:
		f.Permits = replaceByKey(f.Permits, *r)
	case *Counselling:
		c := *r
		f.Counselling = &c
	case *TravelBag:
		b := *r
		f.TravelBag = &b
	case *Action:
		f.Actions = replaceByKey(f.Actions, *r)
	case *Contact:
		f.Contacts = replaceByKey(f.Contacts, *r)
	case *CommEntry:
		f.Comms = replaceByKey(f.Comms, *r)
	default:
		return false
	}
	return true
}

// replaceByKey replaces the element with rec's key, or appends rec.
func replaceByKey[T any, P interface {
	*T
	Record
}](list []T, rec T) []T {
	k := P(&rec).Key()
	for i := range list {
		if P(&list[i]).Key() == k {
			list[i] = rec
			return list
		}
	}
	return append(list, rec)
}
