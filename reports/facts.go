package reports

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"movedesk/booking"
)

// FactsVersion changes whenever Facts reads a case differently: a store
// keeping facts rebuilds them when the version it wrote them with differs.
const FactsVersion = 2

// CaseFacts is everything the reports read of one case, computed from its
// case file by Facts: small enough that a store keeps one per case beside
// the queue row (updated with every write to the case), so a report over
// 100k cases reads these instead of the case files. Whatever depends on
// the report's parameters (period, grouping, today, targets, loan items)
// is left to the report; whatever does not is worked out here once.
type CaseFacts struct {
	Number, Office, Programme, Assignee string
	Status                              booking.Status
	Received                            booking.Date
	// Departure is the case's own departure date.
	Departure  booking.Date
	Travellers int
	Milestones Milestones
	// People are the travellers, by member.
	People []PersonFacts
	// Bookings are the active bookings in file order; the last is the
	// case's active booking (CaseFile.ActiveBooking).
	Bookings []BookingFacts
	// ABN says what is on file for the active booking's ABN, as the
	// workload report lists it: "" when one went out for it.
	ABN      string
	Permits  []PermitFacts
	Findings []FactFinding
	// Docs are the documents of the active booking's travellers that the
	// expiry checks judge, for an open case whose booking has a date.
	Docs []DocFacts
	// Gate is the ready-to-depart gate as judged when the row was written
	// (Facts leaves it empty: the store's writer judges it, see GateJudged).
	Gate GateFacts
}

// GateFacts is a case's open gate items judged under the templates, tariffs
// and rules that Stamp names (0: not judged). The gate does not depend on
// the day it is judged, only on the file and those inputs, so a report
// whose inputs have the same stamp takes these instead of reading the file.
// The binary form holds only the stamp: the items (long sentences, for
// half the cases) are kept apart and read for the few cases a report
// asks for (Loaded says they were).
type GateFacts struct {
	Stamp  uint64
	Items  []booking.GateItem
	Loaded bool
}

// GateJudged reports whether the quality report may judge the gate of the
// case of facts x (an open case, not on hold, whose active booking has a
// date): the cases whose gate a store keeps in their rows.
func GateJudged(x *CaseFacts) bool {
	b := x.Active()
	return b != nil && !x.Status.Terminal() && x.Status != booking.StatusOnHold && !b.Departure.IsZero()
}

// PersonFacts is one traveller.
type PersonFacts struct {
	Member    int
	Name      string
	BirthDate booking.Date
	// Dup identifies the names and birth date (0: too little to compare):
	// two travellers of different cases with the same Dup are likely
	// duplicates.
	Dup uint64
	// NoteBy and NoteOn: who took the promissory note and when (NoteOn
	// zero: not signed).
	NoteBy string
	NoteOn booking.Date
	Signed bool
}

// BookingFacts is one active booking.
type BookingFacts struct {
	ID       string
	BookedOn booking.Date
	// Members are the travellers on the booking, in order.
	Members []int
	// Departure is the first flight's day, else the case's departure.
	Departure booking.Date
	Carriers  string
	Route     string
	TotalUSD  int64
	// Source says where Fares came from (SourceBooking, ...).
	Source string
	Fares  []FareFacts
}

// FareFacts is one seat's fare.
type FareFacts struct {
	Traveller, Escort int
	PaxType           booking.PaxType
	USDCents          int64
	Currency          string
	RateUSDMicros     int64
}

// PermitFacts is one exit-permit application.
type PermitFacts struct {
	Authority, Country, ReasonCode, Status string
	Submitted, Decided                     booking.Date
}

// FactFinding is a data-quality finding that depends on nothing but the
// case: the quality report adds the case's number, office and status.
type FactFinding struct {
	Check     string
	Traveller int
	Detail    string
}

// DocFacts is a document the expiry checks judge.
type DocFacts struct {
	Member      int
	Description string
	Expiry      booking.Date
}

// Facts computes the facts of case file f.
func Facts(f *booking.CaseFile) CaseFacts {
	c := &f.Case
	x := CaseFacts{Number: c.Number, Office: c.Office, Programme: c.Programme, Assignee: c.Assignee, Status: c.Status,
		Received: c.Received, Departure: c.Departure, Travellers: len(f.Travellers), Milestones: CaseMilestones(f)}
	for _, t := range f.Travellers {
		p := PersonFacts{Member: t.Member, Name: t.FullName(), BirthDate: t.BirthDate, Dup: dupKey(&t)}
		if f.Counselling != nil {
			if tk, ok := f.Counselling.Ticks[fmt.Sprintf("%02d/promissory-note", t.Member)]; ok {
				p.Signed, p.NoteBy, p.NoteOn = true, tk.By, booking.DateOf(tk.At)
			}
		}
		x.People = append(x.People, p)
	}
	for i := range f.Bookings {
		b := &f.Bookings[i]
		if b.Status != booking.BookingActive {
			continue
		}
		fares, src := BookingFares(f, b)
		bf := BookingFacts{ID: b.ID, BookedOn: b.BookedOn, Members: sortedMembers(b.Travellers), Departure: bookingDeparture(f, b), Carriers: Carriers(b),
			Route: Route(b), TotalUSD: b.TotalUSDCents, Source: src}
		for _, fa := range fares {
			bf.Fares = append(bf.Fares, FareFacts{Traveller: fa.Traveller, Escort: fa.Escort, PaxType: fa.PaxType,
				USDCents: fa.USDCents, Currency: fa.Currency, RateUSDMicros: fa.RateUSDMicros})
		}
		x.Bookings = append(x.Bookings, bf)
	}
	for _, p := range f.Permits {
		x.Permits = append(x.Permits, PermitFacts{Authority: p.Authority, Country: p.Country, ReasonCode: p.ReasonCode,
			Status: p.Status, Submitted: p.Submitted, Decided: p.Decided})
	}
	b := f.ActiveBooking()
	if b != nil {
		x.ABN = abnState(f, b)
	}
	add := func(check string, member int, format string, args ...any) {
		x.Findings = append(x.Findings, FactFinding{Check: check, Traveller: member, Detail: fmt.Sprintf(format, args...)})
	}
	biodataChecks(f, add)
	if b != nil && c.Status != booking.StatusCancelled {
		paxChecks(f, b, add)
	}
	if b != nil && !c.Status.Terminal() {
		if dep := bookingDeparture(f, b); !dep.IsZero() {
			x.Docs = expiryDocs(f, b)
			ssrChecks(f, b, add)
		}
	}
	custodyChecks(f, add)
	return x
}

// Active returns the case's active booking, or nil.
func (x *CaseFacts) Active() *BookingFacts {
	if len(x.Bookings) == 0 {
		return nil
	}
	return &x.Bookings[len(x.Bookings)-1]
}

// Person returns member m, or nil.
func (x *CaseFacts) Person(m int) *PersonFacts {
	for i := range x.People {
		if x.People[i].Member == m {
			return &x.People[i]
		}
	}
	return nil
}

func (x *CaseFacts) keep(p *Params) bool {
	return (p.Office == "" || x.Office == p.Office) && (p.Programme == "" || x.Programme == p.Programme)
}

// dupKey hashes a traveller's names (upper case, spaces folded) and birth
// date with a hash that is the same in every process, so stored keys
// compare.
func dupKey(t *booking.Traveller) uint64 {
	if t.BirthDate.IsZero() || strings.TrimSpace(t.FamilyName) == "" {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(strings.ToUpper(strings.Join(strings.Fields(t.FamilyName), " "))))
	h.Write([]byte{0})
	h.Write([]byte(strings.ToUpper(strings.Join(strings.Fields(t.GivenNames), " "))))
	h.Write([]byte{0})
	h.Write([]byte(t.BirthDate.String()))
	if k := h.Sum64(); k != 0 {
		return k
	}
	return 1
}

// abnState says what is on file for the ABN of active booking b: "" when
// one went out for it.
func abnState(f *booking.CaseFile, b *booking.Booking) string {
	switch a := f.LatestABN(); {
	case a == nil:
		return "none"
	case a.Type == booking.ABNCancellation:
		return fmt.Sprintf("v%d is a cancellation", a.Version)
	case a.Booking != "" && a.Booking != b.ID:
		return fmt.Sprintf("v%d is for booking %s", a.Version, a.Booking)
	case !a.Sent:
		return fmt.Sprintf("v%d not sent", a.Version)
	}
	return ""
}

type addFunc func(check string, member int, format string, args ...any)

// biodataChecks finds missing and inconsistent biodata.
func biodataChecks(f *booking.CaseFile, add addFunc) {
	principals := 0
	var paBorn booking.Date
	if pa := f.Principal(); pa != nil {
		paBorn = pa.BirthDate
	}
	for _, t := range f.Travellers {
		var miss []string
		if t.BirthDate.IsZero() {
			miss = append(miss, "birth date")
		}
		if t.Sex == "" {
			miss = append(miss, "sex")
		}
		if t.Nationality == "" {
			miss = append(miss, "nationality")
		}
		if strings.TrimSpace(t.GivenNames) == "" {
			miss = append(miss, "given names")
		}
		if len(miss) > 0 {
			add("missing-biodata", t.Member, "%s has no %s", t.FullName(), strings.Join(miss, ", "))
		}
		if t.Principal {
			principals++
		}
		if t.Relationship == "PA" && !t.Principal {
			add("inconsistent-biodata", t.Member, "%s is recorded as PA but is not the principal applicant", t.FullName())
		}
		if t.Relationship == "child" && !t.BirthDate.IsZero() && !paBorn.IsZero() && !t.BirthDate.After(paBorn) {
			add("inconsistent-biodata", t.Member, "%s is recorded as a child of the principal applicant but was born on %s, not after them (%s)",
				t.FullName(), t.BirthDate, paBorn)
		}
	}
	if len(f.Travellers) > 0 && principals != 1 {
		add("inconsistent-biodata", 0, "the case has %d principal applicants (want 1)", principals)
	}
}

// paxChecks compares the passenger types fares were priced at (stored on
// the booking or the ABN) with the birth dates on the flight dates.
func paxChecks(f *booking.CaseFile, b *booking.Booking, add addFunc) {
	fares, src := BookingFares(f, b)
	if src != SourceBooking && src != SourceABN {
		return
	}
	var dates []booking.Date
	for _, s := range b.Segments {
		dates = append(dates, s.Depart.Date())
	}
	for _, fa := range fares {
		t := f.Traveller(fa.Traveller)
		if fa.Escort > 0 || t == nil || t.BirthDate.IsZero() || len(dates) == 0 {
			continue
		}
		if want := booking.TripPassengerType(t.BirthDate, dates...); fa.PaxType != want {
			add("pax-type", t.Member, "%s is priced as %s but is %s on the flight dates (born %s)", t.FullName(), fa.PaxType, want, t.BirthDate)
		}
	}
}

// expiryDocs lists, for each traveller on booking b, their visas and the
// travel document that expires last.
func expiryDocs(f *booking.CaseFile, b *booking.Booking) []DocFacts {
	var out []DocFacts
	for _, m := range b.Travellers {
		t := f.Traveller(m)
		if t == nil {
			continue
		}
		var best *booking.Document
		for i := range f.Documents {
			d := &f.Documents[i]
			if d.Member != m || d.ExpiryDate.IsZero() {
				continue
			}
			if d.Type == booking.DocVisa {
				out = append(out, DocFacts{Member: m, Description: d.Describe(), Expiry: d.ExpiryDate})
			} else if d.Type.IsTravelDocument() && (best == nil || d.ExpiryDate.After(best.ExpiryDate)) {
				best = d
			}
		}
		if best != nil {
			out = append(out, DocFacts{Member: m, Description: best.Describe(), Expiry: best.ExpiryDate})
		}
	}
	return out
}

// ssrChecks finds non-meal SSR codes without a counselling action item on
// a booked case.
func ssrChecks(f *booking.CaseFile, b *booking.Booking, add addFunc) {
	switch f.Case.Status {
	case booking.StatusBooked, booking.StatusABNSent, booking.StatusReadyToDepart:
	default:
		return
	}
	for _, m := range b.Travellers {
		t := f.Traveller(m)
		if t == nil {
			continue
		}
		var codes []string
		for _, code := range t.SSR {
			if s, ok := booking.LookupSSR(code); ok && s.Group != "meal" {
				codes = append(codes, code)
			}
		}
		if len(codes) > 0 && !noted(f.Counselling, m) {
			add("ssr-no-counselling", m, "%s has %s but no counselling action item", t.FullName(), strings.Join(codes, " "))
		}
	}
}

// custodyChecks finds custody events dated before the one they follow.
func custodyChecks(f *booking.CaseFile, add addFunc) {
	for _, cu := range f.Custody {
		for i := 1; i < len(cu.Events); i++ {
			if cu.Events[i].At.Before(cu.Events[i-1].At) {
				add("custody-order", cu.Member, "document %s: %s at %s is before the %s at %s", cu.Document, cu.Events[i].Action,
					cu.Events[i].At.UTC().Format(time.DateTime), cu.Events[i-1].Action, cu.Events[i-1].At.UTC().Format(time.DateTime))
			}
		}
	}
}

// sortedMembers returns members in order.
func sortedMembers(ms []int) []int {
	out := slices.Clone(ms)
	slices.Sort(out)
	return out
}

// Clone returns a copy of x that shares nothing it could reuse (a caller
// keeping facts a reader hands out reused).
func (x *CaseFacts) Clone() *CaseFacts {
	c := *x
	c.People = slices.Clone(x.People)
	c.Bookings = slices.Clone(x.Bookings)
	for i := range c.Bookings {
		c.Bookings[i].Members = slices.Clone(c.Bookings[i].Members)
		c.Bookings[i].Fares = slices.Clone(c.Bookings[i].Fares)
	}
	c.Permits = slices.Clone(x.Permits)
	c.Findings = slices.Clone(x.Findings)
	c.Docs = slices.Clone(x.Docs)
	c.Gate.Items = slices.Clone(x.Gate.Items)
	return &c
}

// Counts reports whether the case of facts x can count in report name
// under p; false means a reader may leave it out (a screen keeping the
// cases of a report keeps only these).
func Counts(name string, p Params, x *CaseFacts) bool {
	if !x.keep(&p) {
		return false
	}
	switch name {
	case "costs":
		return slices.ContainsFunc(x.Bookings, func(b BookingFacts) bool { return p.in(b.Departure) })
	case "loans":
		b := x.Active()
		return b != nil && p.in(b.Departure) && (p.TravelLoan == nil || p.TravelLoan(x.Programme))
	case "permits":
		return slices.ContainsFunc(x.Permits, func(pf PermitFacts) bool {
			day := pf.Submitted
			if day.IsZero() {
				day = pf.Decided
			}
			return p.in(day)
		})
	case "workload":
		return !x.Status.Terminal() && p.in(x.Received)
	case "quality":
		return p.in(x.Received)
	}
	return true
}

// Strings interns text: equal strings share one copy.
type Strings map[string]string

func (s Strings) in(v string) string {
	if v == "" {
		return ""
	}
	if w, ok := s[v]; ok {
		return w
	}
	w := strings.Clone(v) // never a part of a larger string kept alive by it
	s[w] = w
	return w
}

// For returns a copy of x with only what report name reads of it, the
// text cases repeat interned in s (a number, name or detail is shared with
// x: decoded rows hold their own copy of each, never a part of a larger
// buffer): a screen keeping the cases of a report over 100k cases keeps
// these, in a fraction of the memory.
func (x *CaseFacts) For(name string, s Strings) *CaseFacts {
	c := &CaseFacts{Number: x.Number, Office: s.in(x.Office), Programme: s.in(x.Programme),
		Assignee: s.in(x.Assignee), Status: booking.Status(s.in(string(x.Status))), Received: x.Received,
		Departure: x.Departure, Travellers: x.Travellers}
	// The active booking (the last), as the workload and quality reports
	// read it: no fares.
	active := func() {
		if b := x.Active(); b != nil {
			c.Bookings = []BookingFacts{{ID: s.in(b.ID), BookedOn: b.BookedOn, Departure: b.Departure}}
		}
	}
	people := func() {
		c.People = make([]PersonFacts, len(x.People))
		for i, p := range x.People {
			c.People[i] = PersonFacts{Member: p.Member, Name: p.Name, BirthDate: p.BirthDate, Dup: p.Dup,
				NoteBy: s.in(p.NoteBy), NoteOn: p.NoteOn, Signed: p.Signed}
		}
	}
	switch name {
	case "costs", "loans":
		bs := x.Bookings
		if name == "loans" && len(bs) > 0 {
			bs = bs[len(bs)-1:]
			people()
		}
		for _, b := range bs {
			nb := BookingFacts{ID: s.in(b.ID), BookedOn: b.BookedOn, Members: slices.Clone(b.Members), Departure: b.Departure,
				Carriers: s.in(b.Carriers), Route: s.in(b.Route), TotalUSD: b.TotalUSD, Source: s.in(b.Source)}
			nb.Fares = make([]FareFacts, len(b.Fares))
			for i, f := range b.Fares {
				nb.Fares[i] = FareFacts{Traveller: f.Traveller, Escort: f.Escort, PaxType: booking.PaxType(s.in(string(f.PaxType))),
					USDCents: f.USDCents, Currency: s.in(f.Currency), RateUSDMicros: f.RateUSDMicros}
			}
			c.Bookings = append(c.Bookings, nb)
		}
	case "timeliness":
		c.Milestones = x.Milestones
	case "permits":
		c.Permits = make([]PermitFacts, len(x.Permits))
		for i, p := range x.Permits {
			c.Permits[i] = PermitFacts{Authority: s.in(p.Authority), Country: s.in(p.Country), ReasonCode: s.in(p.ReasonCode),
				Status: s.in(p.Status), Submitted: p.Submitted, Decided: p.Decided}
		}
	case "workload":
		active()
		c.ABN = s.in(x.ABN)
	case "quality":
		active()
		people()
		c.Findings = make([]FactFinding, len(x.Findings))
		for i, f := range x.Findings {
			c.Findings[i] = FactFinding{Check: s.in(f.Check), Traveller: f.Traveller, Detail: f.Detail}
		}
		c.Docs = make([]DocFacts, len(x.Docs))
		for i, d := range x.Docs {
			c.Docs[i] = DocFacts{Member: d.Member, Description: d.Description, Expiry: d.Expiry}
		}
		c.Gate = GateFacts{Stamp: x.Gate.Stamp, Items: make([]booking.GateItem, len(x.Gate.Items)), Loaded: x.Gate.Loaded}
		for i, it := range x.Gate.Items {
			c.Gate.Items[i] = booking.GateItem{Code: s.in(it.Code), Traveller: it.Traveller, Message: it.Message}
		}
	default:
		c = x.Clone()
	}
	return c
}
