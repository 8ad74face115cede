package booking

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// KindABN is the record kind of an Advance Booking Notification version.
const KindABN = "abn"

// ABNType says what an ABN version notifies.
type ABNType string

// ABN types: the first notice, a re-issue after a change, a cancellation
// notice and the departure notification.
const (
	ABNIssue        ABNType = "issue"
	ABNUpdate       ABNType = "update"
	ABNCancellation ABNType = "cancellation"
	ABNDeparture    ABNType = "departure"
)

// ABNTypes lists the ABN types.
var ABNTypes = []ABNType{ABNIssue, ABNUpdate, ABNCancellation, ABNDeparture}

// ABNTraveller is one traveller as the receiving side sees them: who, the
// passenger type and the special needs, never diagnoses.
type ABNTraveller struct {
	Member      int      `json:"member"`
	Name        string   `json:"name"`
	Principal   bool     `json:"principal,omitempty"`
	BirthDate   Date     `json:"birth_date,omitzero"`
	Sex         string   `json:"sex,omitempty"`
	Nationality string   `json:"nationality,omitempty"`
	PaxType     PaxType  `json:"pax_type"`
	SSR         []string `json:"ssr,omitempty"`
	MEDIF       bool     `json:"medif,omitempty"`
}

// ABNLeftOff is a case member who does not travel on the booking, with the
// reason the booking records: the receiving side must know who is not
// coming and why.
type ABNLeftOff struct {
	Member int    `json:"member"`
	Name   string `json:"name"`
	Reason string `json:"reason,omitempty"`
}

// ABNFare is one traveller's (or escort seat's) fare in US cents. Where the
// fare was priced in another currency, Currency, Amount (hundredths of it,
// fare and taxes) and RateUSDMicros (the USD value of one unit, in
// millionths) record the conversion, so reports can show the rate used.
// Taxes (in Currency, when set) and TaxesUSDCents say how much of it is
// taxes, and FareIDs name the tariff rows it was priced from, so a version
// says what each fare was made of.
type ABNFare struct {
	Traveller     int     `json:"traveller,omitempty"`
	Escort        int     `json:"escort,omitempty"`
	Name          string  `json:"name"`
	PaxType       PaxType `json:"pax_type"`
	USDCents      int64   `json:"usd_cents"`
	Currency      string  `json:"currency,omitempty"`
	Amount        int64   `json:"amount,omitempty"`
	RateUSDMicros int64   `json:"rate_usd_micros,omitempty"`
	// Taxes is the taxes part of Amount (hundredths of Currency).
	Taxes int64 `json:"taxes,omitempty"`
	// TaxesUSDCents is the taxes part of USDCents, each tax line converted
	// at its own rate and rounded.
	TaxesUSDCents int64 `json:"taxes_usd_cents,omitempty"`
	// FareIDs are the tariff rows (fares.csv ids) priced, in component
	// order.
	FareIDs []string `json:"fare_ids,omitempty"`
}

// ABNEscort is an escort travelling with the case on the ABN's booking.
type ABNEscort struct {
	ID   string     `json:"id"`
	Name string     `json:"name,omitempty"`
	Type EscortType `json:"type,omitempty"`
	// Segments are the 1-based booking segments flown; empty: all.
	Segments []int `json:"segments,omitempty"`
}

// ABN is one version of an Advance Booking Notification. All versions are
// kept in the case's movement file under <case>/abn/<number>/<version>.
type ABN struct {
	Case       string         `json:"case"`
	Number     string         `json:"number"`
	Version    int            `json:"version"`
	Type       ABNType        `json:"type"`
	Booking    string         `json:"booking,omitempty"`
	Programme  string         `json:"programme,omitempty"`
	Office     string         `json:"office,omitempty"`
	Travellers []ABNTraveller `json:"travellers,omitempty"`
	// LeftOff are the case's members not on the booking.
	LeftOff     []ABNLeftOff `json:"left_off,omitempty"`
	Itinerary   []Segment    `json:"itinerary,omitempty"`
	EscortSeats int          `json:"escort_seats,omitempty"`
	// Escorts name who fills the escort seats, so the receiving side knows
	// who to expect.
	Escorts       []ABNEscort `json:"escorts,omitempty"`
	Sponsor       string      `json:"sponsor,omitempty"`
	FinalCity     string      `json:"final_city,omitempty"`
	FinalAirport  string      `json:"final_airport,omitempty"`
	Fares         []ABNFare   `json:"fares,omitempty"`
	TotalUSDCents int64       `json:"total_usd_cents,omitempty"`
	TariffVersion string      `json:"tariff_version,omitempty"`
	Reason        string      `json:"reason,omitempty"`
	// Changes lists, for an update, what differs from the previous version.
	Changes  []string  `json:"changes,omitempty"`
	IssuedBy string    `json:"issued_by,omitempty"`
	IssuedAt time.Time `json:"issued_at,omitzero"`
	Sent     bool      `json:"sent,omitempty"`
	SentBy   string    `json:"sent_by,omitempty"`
	SentAt   time.Time `json:"sent_at,omitzero"`
	// Desk is the tag of the desk that issued the version (see NewID). It
	// is part of the key, so two desks that issue the same version while
	// offline keep two records; versions from before it have none.
	Desk string `json:"desk,omitempty"`
}

// ABNKey is the key of version v of ABN number n of case c; versions sort
// numerically because they are zero-padded. A version issued at a desk
// adds the desk's tag: "<case>/abn/<n>/002-d3fa91c02".
func ABNKey(c, n string, v int) string { return fmt.Sprintf("%s/%s/%s/%03d", c, KindABN, n, v) }

// Kind implements Record.
func (a *ABN) Kind() string { return KindABN }

// Key implements Record.
func (a *ABN) Key() string {
	k := ABNKey(a.Case, a.Number, a.Version)
	if a.Desk != "" {
		k += "-" + a.Desk
	}
	return k
}

// CaseNumber implements Record.
func (a *ABN) CaseNumber() string { return a.Case }

// Validate implements Record.
func (a *ABN) Validate() error {
	switch {
	case !ValidCaseNumber(a.Case):
		return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", a.Case)
	case a.Number == "" || strings.ContainsAny(a.Number, "/ "):
		return Errorf(EINVALID, "number", "ABN number %q must be non-empty without spaces or slashes", a.Number)
	case a.Version < 1 || a.Version > 999:
		return Errorf(EINVALID, "version", "ABN version %d must be 1 to 999", a.Version)
	case a.Desk != DeskTag(a.Desk):
		return Errorf(EINVALID, "desk", "desk tag %q must be letters, digits or '-'", a.Desk)
	case !slices.Contains(ABNTypes, a.Type):
		return Errorf(EINVALID, "type", "unknown ABN type %q (valid: issue, update, cancellation, departure)", a.Type)
	case a.Type == ABNCancellation && strings.TrimSpace(a.Reason) == "":
		return Errorf(EINVALID, "reason", "a cancellation notice needs a reason")
	case (a.Type == ABNIssue || a.Type == ABNUpdate) && len(a.Travellers) == 0:
		return Errorf(EINVALID, "travellers", "an ABN needs at least one traveller")
	case (a.Type == ABNIssue || a.Type == ABNUpdate) && len(a.Itinerary) == 0:
		return Errorf(EINVALID, "itinerary", "an ABN needs an itinerary")
	}
	for i := range a.Itinerary {
		if err := a.Itinerary[i].Validate(i); err != nil {
			return err
		}
	}
	return nil
}

// CompareABN orders versions of one ABN: by version number, then (two desks
// that issued the same version offline) by issue time, then by desk tag.
// Every desk orders them alike; the last is the version in force.
func CompareABN(a, b *ABN) int {
	if a.Version != b.Version {
		return a.Version - b.Version
	}
	if c := a.IssuedAt.Compare(b.IssuedAt); c != 0 {
		return c
	}
	return strings.Compare(a.Desk, b.Desk)
}

// ABNVersions returns the case's ABN versions by number, then in version
// order (CompareABN).
func (f *CaseFile) ABNVersions() []ABN {
	out := slices.Clone(f.ABNs)
	slices.SortFunc(out, func(a, b ABN) int {
		if c := strings.Compare(a.Number, b.Number); c != 0 {
			return c
		}
		return CompareABN(&a, &b)
	})
	return out
}

// LatestABN returns the newest version of the case's current ABN, or nil.
func (f *CaseFile) LatestABN() *ABN {
	var best *ABN
	for i := range f.ABNs {
		a := &f.ABNs[i]
		if f.Case.ABNNumber != "" && a.Number != f.Case.ABNNumber {
			continue
		}
		if best == nil || CompareABN(best, a) < 0 {
			best = a
		}
	}
	return best
}

// ABNVersion returns version v of the case's current ABN: when two desks
// issued it, the later one (CompareABN). Nil if there is none.
func (f *CaseFile) ABNVersion(v int) *ABN {
	num := ABNNumberFor(&f.Case)
	var best *ABN
	for i := range f.ABNs {
		a := &f.ABNs[i]
		if a.Number == num && a.Version == v && (best == nil || CompareABN(best, a) < 0) {
			best = a
		}
	}
	return best
}

// ABNNumberFor returns the ABN number of a case: the one on file, or one
// derived from the case number (unique because case numbers are).
func ABNNumberFor(c *Case) string {
	if c.ABNNumber != "" {
		return c.ABNNumber
	}
	return "ABN-" + c.Number
}

// NextABNType is the type an "issue" action produces now: the first notice,
// or an update when a notice already went out for the current number.
func (f *CaseFile) NextABNType() ABNType {
	if last := f.LatestABN(); last != nil && last.Type != ABNCancellation {
		return ABNUpdate
	}
	return ABNIssue
}

// ABNRequest is what issuing an ABN version needs besides the case file.
type ABNRequest struct {
	Type ABNType
	// Reason is required for a cancellation; optional otherwise.
	Reason string
	// Fares are the per-traveller fares of the active booking (from a quote).
	Fares []ABNFare
	By    string
	At    time.Time
	// Desk is the id of the desk issuing the version (see ABN.Desk).
	Desk string
	// EscortNames maps escort ids of the pool to their names.
	EscortNames map[string]string
}

// DraftABN builds the next ABN version of type req.Type from the case file,
// without changing it. Updates carry a readable diff against the previous
// version and are refused when nothing changed.
func (f *CaseFile) DraftABN(req ABNRequest) (*ABN, error) {
	c := &f.Case
	prev := f.LatestABN()
	a := &ABN{Case: c.Number, Number: ABNNumberFor(c), Version: 1, Type: req.Type, Programme: c.Programme,
		Office: c.Office, Sponsor: c.Sponsor, FinalCity: c.DestCity, FinalAirport: c.DestAirport,
		Reason: strings.TrimSpace(req.Reason), IssuedBy: req.By, IssuedAt: req.At.UTC().Truncate(time.Second), Desk: DeskTag(req.Desk)}
	if prev != nil {
		a.Version = prev.Version + 1
	}
	b := f.ActiveBooking()
	switch req.Type {
	case ABNIssue, ABNUpdate:
		if b == nil {
			return nil, Errorf(ECONFLICT, "booking", "case %s has no active booking to notify", c.Number)
		}
		if req.Type == ABNIssue && prev != nil && prev.Type != ABNCancellation {
			return nil, Errorf(ECONFLICT, "type", "ABN %s was already issued (version %d); issue an update", a.Number, prev.Version)
		}
		if req.Type == ABNUpdate && (prev == nil || prev.Type == ABNCancellation) {
			return nil, Errorf(ECONFLICT, "type", "case %s has no ABN to update; issue one first", c.Number)
		}
		a.fromBooking(f, b, req.Fares, req.EscortNames)
		if req.Type == ABNUpdate {
			a.Changes = DiffABN(prev, a)
			if len(a.Changes) == 0 {
				return nil, Errorf(ECONFLICT, "type", "nothing changed since ABN %s version %d", a.Number, prev.Version)
			}
		}
	case ABNCancellation:
		if prev == nil || prev.Type == ABNCancellation {
			return nil, Errorf(ECONFLICT, "type", "case %s has no ABN in force to cancel", c.Number)
		}
		if a.Reason == "" {
			return nil, Errorf(EINVALID, "reason", "a cancellation notice needs a reason")
		}
		a.copyContent(prev)
	case ABNDeparture:
		if c.Status != StatusReadyToDepart && c.Status != StatusDeparted {
			return nil, Errorf(ECONFLICT, "status", "case %s is %s; a departure notification needs ready-to-depart or departed", c.Number, c.Status)
		}
		if prev == nil || prev.Type == ABNCancellation {
			return nil, Errorf(ECONFLICT, "type", "case %s has no ABN in force", c.Number)
		}
		if prev.Type == ABNDeparture {
			return nil, Errorf(ECONFLICT, "type", "the departure of case %s was already notified (version %d)", c.Number, prev.Version)
		}
		a.copyContent(prev)
		if b != nil {
			a.fromBooking(f, b, req.Fares, req.EscortNames)
			if len(req.Fares) == 0 {
				a.Fares, a.TotalUSDCents = prev.Fares, prev.TotalUSDCents
			}
		}
	default:
		return nil, Errorf(EINVALID, "type", "unknown ABN type %q", req.Type)
	}
	return a, a.Validate()
}

func (a *ABN) copyContent(p *ABN) {
	a.Booking, a.Travellers, a.Itinerary, a.EscortSeats, a.Escorts = p.Booking, p.Travellers, p.Itinerary, p.EscortSeats, p.Escorts
	a.LeftOff = p.LeftOff
	a.Fares, a.TotalUSDCents, a.TariffVersion = p.Fares, p.TotalUSDCents, p.TariffVersion
}

func (a *ABN) fromBooking(f *CaseFile, b *Booking, fares []ABNFare, escortNames map[string]string) {
	a.Booking, a.Itinerary, a.EscortSeats, a.TariffVersion = b.ID, slices.Clone(b.Segments), b.EscortSeats, b.TariffVersion
	a.Escorts = nil
	for _, t := range f.EscortTrips {
		if t.Booking == b.ID {
			a.Escorts = append(a.Escorts, ABNEscort{ID: t.Escort, Name: escortNames[t.Escort], Type: t.Type, Segments: slices.Clone(t.Segments)})
		}
	}
	var dates []Date
	for _, s := range b.Segments {
		dates = append(dates, s.Depart.Date())
	}
	a.Travellers = nil
	for _, m := range b.Travellers {
		t := f.Traveller(m)
		if t == nil {
			continue
		}
		a.Travellers = append(a.Travellers, ABNTraveller{Member: t.Member, Name: t.FullName(), Principal: t.Principal,
			BirthDate: t.BirthDate, Sex: t.Sex, Nationality: t.Nationality, PaxType: TripPassengerType(t.BirthDate, dates...),
			SSR: slices.Clone(t.SSR), MEDIF: t.MEDIFNeeded})
	}
	a.LeftOff = nil
	for _, t := range f.Travellers {
		if !slices.Contains(b.Travellers, t.Member) {
			a.LeftOff = append(a.LeftOff, ABNLeftOff{Member: t.Member, Name: t.FullName(), Reason: strings.TrimSpace(b.Reason)})
		}
	}
	if len(fares) == 0 {
		fares = b.Fares // priced when booked
	}
	a.Fares = slices.Clone(fares)
	a.TotalUSDCents = b.TotalUSDCents
	if len(fares) > 0 {
		var sum int64
		for _, fa := range fares {
			sum += fa.USDCents
		}
		a.TotalUSDCents = sum
	}
}

// DiffABN lists, readably, what differs from version a to version b, each
// change as "field: old ⇒ new" ("->" is kept for routes in a segment): the
// lines a recipient needs to see in an update.
func DiffABN(a, b *ABN) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	n := max(len(a.Itinerary), len(b.Itinerary))
	for i := 0; i < n; i++ {
		switch {
		case i >= len(a.Itinerary):
			add("segment %d added: %s", i+1, SegmentLine(b.Itinerary[i]))
		case i >= len(b.Itinerary):
			add("segment %d removed: %s", i+1, SegmentLine(a.Itinerary[i]))
		case SegmentLine(a.Itinerary[i]) != SegmentLine(b.Itinerary[i]):
			add("segment %d: %s ⇒ %s", i+1, SegmentLine(a.Itinerary[i]), SegmentLine(b.Itinerary[i]))
		}
	}
	old := map[int]ABNTraveller{}
	for _, t := range a.Travellers {
		old[t.Member] = t
	}
	cur := map[int]bool{}
	for _, t := range b.Travellers {
		cur[t.Member] = true
		o, ok := old[t.Member]
		switch {
		case !ok:
			add("traveller %d added: %s (%s)", t.Member, t.Name, t.PaxType)
		default:
			if o.Name != t.Name {
				add("traveller %d name: %s ⇒ %s", t.Member, o.Name, t.Name)
			}
			if o.PaxType != t.PaxType {
				add("traveller %d passenger type: %s ⇒ %s", t.Member, o.PaxType, t.PaxType)
			}
			if strings.Join(o.SSR, ",") != strings.Join(t.SSR, ",") {
				add("traveller %d special needs: %s ⇒ %s", t.Member, orNone(o.SSR), orNone(t.SSR))
			}
		}
	}
	for _, t := range a.Travellers {
		if !cur[t.Member] {
			if i := slices.IndexFunc(b.LeftOff, func(l ABNLeftOff) bool { return l.Member == t.Member }); i >= 0 && b.LeftOff[i].Reason != "" {
				add("traveller %d removed: %s, left off the booking: %s", t.Member, t.Name, b.LeftOff[i].Reason)
			} else {
				add("traveller %d removed: %s", t.Member, t.Name)
			}
		}
	}
	if a.EscortSeats != b.EscortSeats {
		add("escort seats: %d ⇒ %d", a.EscortSeats, b.EscortSeats)
	}
	was := map[string]ABNEscort{}
	for _, e := range a.Escorts {
		was[e.ID] = e
	}
	is := map[string]bool{}
	for _, e := range b.Escorts {
		is[e.ID] = true
		if o, ok := was[e.ID]; !ok {
			add("escort added: %s", e.Describe())
		} else if o.Describe() != e.Describe() {
			add("escort %s: %s ⇒ %s", e.ID, o.Describe(), e.Describe())
		}
	}
	for _, e := range a.Escorts {
		if !is[e.ID] {
			add("escort removed: %s", e.Describe())
		}
	}
	if a.Sponsor != b.Sponsor {
		add("sponsor: %s ⇒ %s", orDash(a.Sponsor), orDash(b.Sponsor))
	}
	if a.FinalCity != b.FinalCity || a.FinalAirport != b.FinalAirport {
		add("final destination: %s ⇒ %s", place(a.FinalCity, a.FinalAirport), place(b.FinalCity, b.FinalAirport))
	}
	if a.TotalUSDCents != b.TotalUSDCents {
		add("total: %s ⇒ %s", USD(a.TotalUSDCents), USD(b.TotalUSDCents))
	}
	return out
}

// Describe prints an escort as "E0001 Karima BENALI (medical, segments 1, 2)".
func (e ABNEscort) Describe() string {
	var bits []string
	if e.Type != "" {
		bits = append(bits, string(e.Type))
	}
	if len(e.Segments) > 0 {
		segs := make([]string, len(e.Segments))
		for i, n := range e.Segments {
			segs[i] = strconv.Itoa(n)
		}
		bits = append(bits, "segments "+strings.Join(segs, ", "))
	} else {
		bits = append(bits, "whole trip")
	}
	name := e.ID
	if e.Name != "" {
		name += " " + e.Name
	}
	return name + " (" + strings.Join(bits, ", ") + ")"
}

// SegmentLine prints a segment as "QR 1234 CMN 2026-12-01T10:05 -> DOH 2026-12-01T18:30".
func SegmentLine(s Segment) string {
	return fmt.Sprintf("%s %s %s %s -> %s %s", s.Carrier, s.Flight, s.From, s.Depart, s.To, s.Arrive)
}

// USD formats US cents as "USD 1,234.56".
func USD(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	s := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return fmt.Sprintf("%sUSD %s.%02d", sign, b.String(), cents%100)
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func place(city, airport string) string {
	switch {
	case city == "":
		return orDash(airport)
	case airport == "":
		return city
	}
	return city + " (" + airport + ")"
}

// Title returns "ABN ABN-RBA-2026-000123 v2 (update)".
func (a *ABN) Title() string {
	return fmt.Sprintf("ABN %s v%d (%s)", a.Number, a.Version, a.Type)
}

// Text renders the ABN as the plain document sent to the receiving side.
func (a *ABN) Text() string {
	var b strings.Builder
	p := func(format string, args ...any) {
		for i := range args {
			args[i] = PrintableArg(args[i]) // stored text must not drive the terminal it is printed on
		}
		fmt.Fprintf(&b, format+"\n", args...)
	}
	heading := map[ABNType]string{ABNIssue: "ADVANCE BOOKING NOTIFICATION", ABNUpdate: "ADVANCE BOOKING NOTIFICATION - UPDATE",
		ABNCancellation: "ADVANCE BOOKING NOTIFICATION - CANCELLATION", ABNDeparture: "DEPARTURE NOTIFICATION"}[a.Type]
	p("%s", heading)
	p("ABN %s  version %d  case %s", a.Number, a.Version, a.Case)
	p("Programme %s  office %s", orDash(a.Programme), orDash(a.Office))
	if !a.IssuedAt.IsZero() {
		p("Issued %s by %s", a.IssuedAt.Format("2006-01-02 15:04 MST"), orDash(a.IssuedBy))
	}
	if a.Sent {
		p("Sent %s by %s", a.SentAt.Format("2006-01-02 15:04 MST"), orDash(a.SentBy))
	} else {
		p("Not sent yet")
	}
	if a.Reason != "" {
		p("Reason: %s", a.Reason)
	}
	if len(a.Changes) > 0 {
		p("")
		p("CHANGES SINCE VERSION %d", a.Version-1)
		for _, c := range a.Changes {
			p("  * %s", c)
		}
	}
	p("")
	p("FINAL DESTINATION %s", place(a.FinalCity, a.FinalAirport))
	p("SPONSOR %s", orDash(a.Sponsor))
	p("")
	p("TRAVELLERS (%d)", len(a.Travellers))
	for _, t := range a.Travellers {
		pa := ""
		if t.Principal {
			pa = " PA"
		}
		medif := ""
		if t.MEDIF {
			medif = " MEDIF"
		}
		p("  %2d %-30s %s %s %s %s%s SSR: %s%s", t.Member, t.Name, t.PaxType, t.BirthDate, orDash(t.Sex), orDash(t.Nationality), pa, orNone(t.SSR), medif)
	}
	for _, l := range a.LeftOff {
		p("  %2d %-30s NOT TRAVELLING on this booking: %s", l.Member, l.Name, orDash(l.Reason))
	}
	if a.EscortSeats > 0 || len(a.Escorts) > 0 {
		p("  escorts: %d seat(s)", a.EscortSeats)
		for _, e := range a.Escorts {
			p("    %s", e.Describe())
		}
	}
	p("")
	p("ITINERARY (local times)")
	for i, s := range a.Itinerary {
		p("  %d. %s", i+1, SegmentLine(s))
	}
	if len(a.Fares) > 0 || a.TotalUSDCents != 0 {
		p("")
		p("FARES")
		for _, fa := range a.Fares {
			p("  %-34s %s %14s", fa.Name, fa.PaxType, USD(fa.USDCents))
		}
		p("  %-38s %14s", "TOTAL", USD(a.TotalUSDCents))
		if a.TariffVersion != "" {
			p("  tariff version %s", a.TariffVersion)
		}
	}
	return b.String()
}
