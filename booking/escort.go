package booking

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// EscortType is medical (serious conditions, on the examining physician's
// advice) or operational (transit help, groups, minors).
type EscortType string

// Escort types.
const (
	EscortMedical     EscortType = "medical"
	EscortOperational EscortType = "operational"
)

// ParseEscortType checks s names an escort type.
func ParseEscortType(s string) (EscortType, error) {
	t := EscortType(strings.ToLower(strings.TrimSpace(s)))
	if t != EscortMedical && t != EscortOperational {
		return "", Errorf(EINVALID, "type", "escort type %q must be medical or operational", s)
	}
	return t, nil
}

// Satisfies reports whether an escort of type t can serve a need of type
// need: a medical escort can also do an operational escort's work.
func (t EscortType) Satisfies(need EscortType) bool {
	return t == need || t == EscortMedical
}

// Record kinds of the escort records.
const (
	// KindEscort is a member of the shared escort pool (~escort/<id>).
	KindEscort = "escort"
	// KindEscortTrip is an escort's assignment to a case's booking
	// (<case>/escorttrip/<escort id>).
	KindEscortTrip = "escorttrip"
)

var escortIDRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,19}$`)

// EscortKey is the key of escort id in the shared pool.
func EscortKey(id string) string { return "~" + KindEscort + "/" + id }

// EscortTripKey is the key of escort id's trip with case c.
func EscortTripKey(c, id string) string { return c + "/" + KindEscortTrip + "/" + id }

// Window is a span of days, both ends included.
type Window struct {
	From Date `json:"from"`
	To   Date `json:"to"`
}

// Contains reports whether every day from a to b lies in w.
func (w Window) Contains(a, b Date) bool { return !a.Before(w.From) && !b.After(w.To) }

// Escort is one person in the escort pool, shared by every case.
type Escort struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Type           EscortType `json:"type"`
	Languages      []string   `json:"languages,omitempty"`
	Sex            string     `json:"sex,omitempty"`
	PassportNumber string     `json:"passport_number,omitempty"`
	PassportExpiry Date       `json:"passport_expiry,omitzero"`
	Qualifications []string   `json:"qualifications,omitempty"`
	// Available are the windows the escort can travel in; none means any time.
	Available []Window `json:"available,omitempty"`
}

// Kind implements Record.
func (e *Escort) Kind() string { return KindEscort }

// Key implements Record.
func (e *Escort) Key() string { return EscortKey(e.ID) }

// CaseNumber implements Record: the pool is shared.
func (e *Escort) CaseNumber() string { return "" }

// Validate implements Record. It normalises languages to lower case.
func (e *Escort) Validate() error {
	switch {
	case !escortIDRE.MatchString(e.ID):
		return Errorf(EINVALID, "id", "escort id %q must be 1 to 20 upper-case letters, digits or '-'", e.ID)
	case strings.TrimSpace(e.Name) == "":
		return Errorf(EINVALID, "name", "escort name is required")
	case e.Type != EscortMedical && e.Type != EscortOperational:
		return Errorf(EINVALID, "type", "escort type %q must be medical or operational", e.Type)
	case e.Sex != "" && !slices.Contains(Sexes, e.Sex):
		return Errorf(EINVALID, "sex", "sex %q must be F, M or X", e.Sex)
	}
	for i, w := range e.Available {
		if w.From.IsZero() || w.To.IsZero() || w.To.Before(w.From) {
			return Errorf(EINVALID, "available."+strconv.Itoa(i+1), "availability window %s to %s must have both ends, in order", w.From, w.To)
		}
	}
	e.Languages = normLanguages(e.Languages)
	return nil
}

// AvailableFor reports whether the escort can travel from a to b.
func (e *Escort) AvailableFor(a, b Date) bool {
	if len(e.Available) == 0 {
		return true
	}
	for _, w := range e.Available {
		if w.Contains(a, b) {
			return true
		}
	}
	return false
}

func normLanguages(ls []string) []string {
	var out []string
	for _, l := range ls {
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// EscortTrip assigns one escort to a case's booking: which segments they
// fly, whom they escort, their return, and their checklist.
type EscortTrip struct {
	Case    string     `json:"case"`
	Escort  string     `json:"escort"`
	Booking string     `json:"booking"`
	Type    EscortType `json:"type"`
	// Segments are the 1-based booking segments the escort flies; empty
	// means all of them.
	Segments []int `json:"segments,omitempty"`
	// Travellers are the members escorted; empty means the whole case.
	Travellers []int `json:"travellers,omitempty"`
	// Return is the escort's own return itinerary.
	Return []Segment `json:"return,omitempty"`
	// Start and End bound the trip (first departure, return arrival), kept
	// on the record so double-booking checks need not read every booking.
	Start      LocalTime       `json:"start"`
	End        LocalTime       `json:"end"`
	AssignedBy string          `json:"assigned_by,omitempty"`
	AssignedAt time.Time       `json:"assigned_at,omitzero"`
	Ticks      map[string]Tick `json:"ticks,omitempty"`
}

// Kind implements Record.
func (t *EscortTrip) Kind() string { return KindEscortTrip }

// Key implements Record.
func (t *EscortTrip) Key() string { return EscortTripKey(t.Case, t.Escort) }

// CaseNumber implements Record.
func (t *EscortTrip) CaseNumber() string { return t.Case }

// Validate implements Record.
func (t *EscortTrip) Validate() error {
	switch {
	case !ValidCaseNumber(t.Case):
		return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", t.Case)
	case !escortIDRE.MatchString(t.Escort):
		return Errorf(EINVALID, "escort", "escort id %q must be 1 to 20 upper-case letters, digits or '-'", t.Escort)
	case t.Booking == "":
		return Errorf(EINVALID, "booking", "the booking the escort flies on is required")
	case t.Type != EscortMedical && t.Type != EscortOperational:
		return Errorf(EINVALID, "type", "escort type %q must be medical or operational", t.Type)
	case t.Start.IsZero() || t.End.IsZero():
		return Errorf(EINVALID, "start", "trip start and end are required")
	case t.End.Wall().Before(t.Start.Wall()):
		return Errorf(EINVALID, "end", "trip ends %s before it starts %s", t.End, t.Start)
	}
	for i := range t.Return {
		if err := t.Return[i].Validate(i); err != nil {
			return Errorf(EINVALID, "return."+strings.TrimPrefix(ErrorField(err), "segments."), "%s", err.(*Error).Message)
		}
	}
	return nil
}

// HasReturn reports whether the escort's return trip is planned.
func (t *EscortTrip) HasReturn() bool { return len(t.Return) > 0 }

// Escorts reports whether the trip covers member m.
func (t *EscortTrip) Escorts(m int) bool {
	return len(t.Travellers) == 0 || slices.Contains(t.Travellers, m)
}

// Overlaps reports whether two trips share any moment.
func (t *EscortTrip) Overlaps(o *EscortTrip) bool {
	return !t.End.Wall().Before(o.Start.Wall()) && !o.End.Wall().Before(t.Start.Wall())
}

// NewEscortTrip builds escort e's trip on booking b of case c. segs are
// 1-based segment numbers (empty: all); ret is the escort's return.
func NewEscortTrip(c string, e *Escort, b *Booking, segs, travellers []int, ret []Segment) (*EscortTrip, error) {
	t := &EscortTrip{Case: c, Escort: e.ID, Booking: b.ID, Type: e.Type, Segments: segs, Travellers: travellers, Return: ret}
	out, err := t.outbound(b)
	if err != nil {
		return nil, err
	}
	t.Start = out[0].Depart
	t.End = out[len(out)-1].Arrive
	if len(ret) > 0 {
		if end := ret[len(ret)-1].Arrive; !end.IsZero() {
			t.End = end
		}
	}
	return t, t.Validate()
}

// outbound returns the booking segments the escort flies.
func (t *EscortTrip) outbound(b *Booking) ([]Segment, error) {
	if len(t.Segments) == 0 {
		if len(b.Segments) == 0 {
			return nil, Errorf(EINVALID, "booking", "booking %s has no segments", b.ID)
		}
		return b.Segments, nil
	}
	out := make([]Segment, 0, len(t.Segments))
	for _, n := range t.Segments {
		if n < 1 || n > len(b.Segments) {
			return nil, Errorf(EINVALID, "segments", "booking %s has no segment %d (it has %d)", b.ID, n, len(b.Segments))
		}
		out = append(out, b.Segments[n-1])
	}
	return out, nil
}

// EscortProblem is one reason an assignment is wrong.
type EscortProblem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Blocking problems refuse the assignment; the others are warnings.
	Blocking bool `json:"blocking"`
}

// Escort problem codes.
const (
	EscortDoubleBooked = "escort-double-booked"
	EscortPassport     = "escort-passport"
	EscortNoReturn     = "escort-no-return"
	EscortUnavailable  = "escort-unavailable"
	EscortWrongType    = "escort-type"
	EscortNoLanguage   = "escort-language"
)

// CheckEscortTrip judges trip for escort e: others are e's other trips
// (any case); need is the escort type the case requires ("" if none);
// langs are the languages of the escorted travellers.
func CheckEscortTrip(e *Escort, trip *EscortTrip, others []EscortTrip, need EscortType, langs []string) []EscortProblem {
	var out []EscortProblem
	for i := range others {
		o := &others[i]
		if o.Escort != e.ID || (o.Case == trip.Case && o.Booking == trip.Booking) {
			continue
		}
		if trip.Overlaps(o) {
			out = append(out, EscortProblem{EscortDoubleBooked, fmt.Sprintf("%s is already escorting case %s from %s to %s", e.Name, o.Case, o.Start, o.End), true})
		}
	}
	end := trip.End.Date()
	switch {
	case e.PassportExpiry.IsZero():
		out = append(out, EscortProblem{EscortPassport, fmt.Sprintf("%s has no passport expiry recorded", e.Name), true})
	case e.PassportExpiry.Before(end):
		out = append(out, EscortProblem{EscortPassport, fmt.Sprintf("%s's passport expires %s, before the trip ends %s", e.Name, e.PassportExpiry, end), true})
	}
	if !e.AvailableFor(trip.Start.Date(), end) {
		out = append(out, EscortProblem{EscortUnavailable, fmt.Sprintf("%s is not available from %s to %s", e.Name, trip.Start.Date(), end), true})
	}
	if need != "" && !e.Type.Satisfies(need) {
		out = append(out, EscortProblem{EscortWrongType, fmt.Sprintf("the case needs a %s escort; %s is %s", need, e.Name, e.Type), true})
	}
	if !trip.HasReturn() {
		out = append(out, EscortProblem{EscortNoReturn, fmt.Sprintf("no return trip is planned for %s", e.Name), false})
	}
	if len(langs) > 0 && len(SharedLanguages(e.Languages, langs)) == 0 {
		out = append(out, EscortProblem{EscortNoLanguage, fmt.Sprintf("%s speaks none of the travellers' languages (%s)", e.Name, strings.Join(langs, ", ")), false})
	}
	return out
}

// SharedLanguages returns the languages in both lists (case-insensitive),
// in the order of b.
func SharedLanguages(a, b []string) []string {
	var out []string
	for _, l := range normLanguages(b) {
		if slices.Contains(normLanguages(a), l) {
			out = append(out, l)
		}
	}
	return out
}

// EscortCandidate is an escort ranked for a trip.
type EscortCandidate struct {
	Escort   Escort          `json:"escort"`
	Shared   []string        `json:"shared_languages"`
	Problems []EscortProblem `json:"problems,omitempty"`
}

// Usable reports whether no blocking problem stands against the candidate.
func (c *EscortCandidate) Usable() bool {
	for _, p := range c.Problems {
		if p.Blocking {
			return false
		}
	}
	return true
}

// RankEscorts proposes escorts for trip (its Escort field is ignored):
// usable ones first, then by the number of languages shared with the
// travellers, then by the right type, then by id. trips holds every
// escort's trips.
func RankEscorts(pool []Escort, trip EscortTrip, trips []EscortTrip, need EscortType, langs []string) []EscortCandidate {
	out := make([]EscortCandidate, 0, len(pool))
	for i := range pool {
		e := &pool[i]
		t := trip
		t.Escort, t.Type = e.ID, e.Type
		out = append(out, EscortCandidate{Escort: *e, Shared: SharedLanguages(e.Languages, langs),
			Problems: CheckEscortTrip(e, &t, trips, need, langs)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.Usable() != b.Usable() {
			return a.Usable()
		}
		if len(a.Shared) != len(b.Shared) {
			return len(a.Shared) > len(b.Shared)
		}
		if am, bm := a.Escort.Type == need, b.Escort.Type == need; am != bm {
			return am
		}
		return a.Escort.ID < b.Escort.ID
	})
	return out
}

// EscortNeed is a traveller flagged by an escort rule.
type EscortNeed struct {
	Traveller int        `json:"traveller"`
	Rule      string     `json:"rule"`
	Type      EscortType `json:"type"`
}

// Matches reports whether rule r flags traveller t on the departure date;
// adults is the number of travellers on the booking aged 18 or older.
func (r *EscortRule) Matches(t *Traveller, dep Date, adults int) bool {
	if r.SSR != "" && !HasSSR(t.SSR, r.SSR) {
		return false
	}
	if r.EscortAdvised && !t.EscortAdvised {
		return false
	}
	age := t.BirthDate.Age(dep)
	if r.MinAge > 0 && (t.BirthDate.IsZero() || age < r.MinAge) {
		return false
	}
	if r.Alone {
		self := 0
		if !t.BirthDate.IsZero() && age >= 18 {
			self = 1
		}
		if adults-self > 0 {
			return false
		}
	}
	return true
}

// EscortNeeds returns the travellers on the booking that pt's escort rules
// flag, one entry per traveller (the first matching rule; a medical need
// wins over an operational one).
func (f *CaseFile) EscortNeeds(pt ProgrammeTemplate, dep Date) []EscortNeed {
	ts := f.travellersOnBooking()
	adults := 0
	for _, t := range ts {
		if !t.BirthDate.IsZero() && t.BirthDate.Age(dep) >= 18 {
			adults++
		}
	}
	var out []EscortNeed
	for i := range ts {
		var need *EscortNeed
		for _, r := range pt.EscortRules {
			if r.Matches(&ts[i], dep, adults) && (need == nil || (need.Type != EscortMedical && r.EscortType == EscortMedical)) {
				need = &EscortNeed{Traveller: ts[i].Member, Rule: r.Name, Type: r.EscortType}
			}
		}
		if need != nil {
			out = append(out, *need)
		}
	}
	return out
}

// TripsOn returns the case's escort trips on booking id.
func (f *CaseFile) TripsOn(id string) []EscortTrip {
	var out []EscortTrip
	for _, t := range f.EscortTrips {
		if t.Booking == id {
			out = append(out, t)
		}
	}
	return out
}

// Languages returns the languages of the travellers on the booking, most
// common first.
func (f *CaseFile) Languages() []string {
	count := map[string]int{}
	var order []string
	for _, t := range f.travellersOnBooking() {
		for _, l := range normLanguages(t.Languages) {
			if count[l] == 0 {
				order = append(order, l)
			}
			count[l]++
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return count[order[i]] > count[order[j]] })
	return order
}
