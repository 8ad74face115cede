package tariffs

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"movedesk/booking"
)

// QuoteRequest is what the booking form has typed so far. Every field may be
// incomplete: Quote reports what it cannot judge as findings.
type QuoteRequest struct {
	// Segments in travel order; times are local to each airport. A segment
	// without Arrive is priced but its connection is not checked.
	Segments []booking.Segment
	// Travellers on the booking; Member identifies them in findings.
	Travellers []booking.Traveller
	// Documents by member. A nil map means documents are not checked (the
	// form may not have loaded them); a member with no entry has none.
	Documents map[int][]booking.Document
	// Programme selects programme-restricted fares (e.g. "AVRR").
	Programme string
	// BookingDate and BookedAt (more precise, preferred when set) date the
	// booking for the MEDIF notice rule. A bare date counts as its last
	// moment at the origin, so the rule errs on the safe side.
	BookingDate booking.Date
	BookedAt    time.Time
	// EscortSeats are priced as adults and can hold lap infants; a child
	// on a booking with an escort seat is escorted, not an UMNR.
	EscortSeats int
	// Destination is the case's destination airport: the itinerary must end
	// there or at another airport of its city. Empty: not checked.
	Destination string
	// Others are the case's travellers left off this booking: each is a
	// warning whose reason the booking must record.
	Others []booking.Traveller
	// FlightLoads are the other cases booked on these flights, for the
	// programme's cap per flight. Nil: the cap is not checked (the caller
	// could not count); empty: nobody else is on them.
	FlightLoads []FlightLoad
	// Rules are the thresholds; nil means DefaultRules.
	Rules *Rules
}

// FlightLoad is another case's party on one flight.
type FlightLoad struct {
	Carrier    string       `json:"carrier"`
	Flight     string       `json:"flight"`
	Date       booking.Date `json:"date"`
	Case       string       `json:"case"`
	Programme  string       `json:"programme"`
	Travellers int          `json:"travellers"`
}

// Component is one fare component: consecutive segments priced by one fare.
type Component struct {
	// First and Last are 1-based segment numbers.
	First       int          `json:"first"`
	Last        int          `json:"last"`
	Carrier     string       `json:"carrier"`
	Origin      string       `json:"origin"`
	Destination string       `json:"destination"`
	Via         []string     `json:"via,omitempty"`
	Cabin       string       `json:"cabin"`
	Date        booking.Date `json:"date"`
}

// Line is one traveller (or escort seat) on one segment. A through fare's
// amounts are on the component's first segment; its other segments carry
// Through and zero amounts, so the lines add up to the total.
type Line struct {
	Traveller int `json:"traveller,omitempty"`
	Escort    int `json:"escort,omitempty"`
	Segment   int `json:"segment"`
	// Component is the 1-based component number, 0 when unpriced.
	Component int `json:"component,omitempty"`
	// PaxType is the passenger type on the segment's date; FarePax the type
	// priced, which holds for the whole trip.
	PaxType booking.PaxType `json:"pax_type"`
	FarePax booking.PaxType `json:"fare_pax"`
	// Seats is how many seats the fare is charged for when more than one
	// (a stretcher); taxes are charged once.
	Seats     int    `json:"seats,omitempty"`
	FareID    string `json:"fare_id,omitempty"`
	FareBasis string `json:"fare_basis,omitempty"`
	Fare      Money  `json:"fare"`
	Taxes     Money  `json:"taxes"`
	Through   bool   `json:"through,omitempty"`
	Rate      Rate   `json:"rate"`
	// USD is Fare plus Taxes in US cents at Rate.
	USD       int64   `json:"usd_cents"`
	Baggage   Baggage `json:"baggage"`
	Programme string  `json:"programme,omitempty"`
	Notes     string  `json:"notes,omitempty"`
}

// PassengerTotal is one traveller's or escort seat's total.
type PassengerTotal struct {
	Traveller int             `json:"traveller,omitempty"`
	Escort    int             `json:"escort,omitempty"`
	Name      string          `json:"name"`
	FarePax   booking.PaxType `json:"fare_pax"`
	USD       int64           `json:"usd_cents"`
	Priced    bool            `json:"priced"`
}

// QuoteResult is the priced itinerary and every finding.
type QuoteResult struct {
	Version    string           `json:"version"`
	Programme  string           `json:"programme,omitempty"`
	Components []Component      `json:"components"`
	Lines      []Line           `json:"lines"`
	Passengers []PassengerTotal `json:"passengers"`
	// TotalUSD is the sum of the lines in US cents.
	TotalUSD int64     `json:"total_usd_cents"`
	Findings []Finding `json:"findings"`
}

// Blocking reports whether any finding stops the booking.
func (r *QuoteResult) Blocking() bool {
	for _, f := range r.Findings {
		if f.Severity == Blocking {
			return true
		}
	}
	return false
}

// FindingsFor returns the findings about one traveller (member id).
func (r *QuoteResult) FindingsFor(member int) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Traveller == member {
			out = append(out, f)
		}
	}
	return out
}

// Priced reports whether every line has a fare.
func (r *QuoteResult) Priced() bool {
	for _, l := range r.Lines {
		if l.Component == 0 {
			return false
		}
	}
	return len(r.Lines) > 0
}

// quoter carries one Quote call's state.
type quoter struct {
	set   *Set
	req   *QuoteRequest
	rules *Rules
	res   *QuoteResult
	// per segment
	dates []booking.Date
	cabin []string
	known []bool          // both airports known
	pol   []CarrierPolicy // the carrier's policy
	// per passenger: travellers then escort seats
	pax     []booking.PaxType
	names   []string
	members []int
	escorts []int
}

// rule is one named travel rule; quoteRules run in order.
type rule struct {
	name  string
	check func(q *quoter)
}

var quoteRules = []rule{
	{"itinerary", ruleItinerary},
	{"tariff", rulePrice},
	{"infant", ruleInfants},
	{"connection", ruleConnections},
	{"pregnancy", rulePregnancy},
	{"umnr", ruleMinors},
	{"medif", ruleMEDIF},
	{"special-handling", ruleSpecialHandling},
	{"documents", ruleDocuments},
	{"medical", ruleMedical},
	{"booking", ruleBooking},
	{"docs", ruleDOCS},
	{"icrc", ruleICRC},
	{"transit", ruleTransit},
	{"programme", ruleProgramme},
}

// Quote prices req against set and checks every travel rule. It never
// fails: what it cannot price or judge becomes a finding, so a form can call
// it on every keystroke and show the findings next to the fields.
func Quote(set *Set, req QuoteRequest) QuoteResult { return quoteWith(set, req, quoteRules) }

// quoteWith is Quote with the given rules (tests leave some out).
func quoteWith(set *Set, req QuoteRequest, checks []rule) QuoteResult {
	res := QuoteResult{Programme: req.Programme}
	rules := req.Rules
	if rules == nil {
		def := DefaultRules()
		rules = &def
	}
	q := &quoter{set: set, req: &req, rules: rules, res: &res}
	if set == nil {
		q.add(CodeNoTariffSet, Blocking, 0, 0, 0, "no tariff table set is loaded")
		return res
	}
	res.Version = set.Version
	if len(req.Segments) == 0 {
		q.add(CodeItinerary, Blocking, 0, 0, 0, "no flight entered yet: add the first segment")
		return res
	}
	q.prepare()
	for _, r := range checks {
		r.check(q)
	}
	if len(rules.Severity) > 0 {
		res.Findings = slices.DeleteFunc(res.Findings, func(f Finding) bool {
			if s, ok := rules.Severity[f.Code]; ok {
				if s == SeverityOff {
					return true
				}
			}
			return false
		})
		for i := range res.Findings {
			if s, ok := rules.Severity[res.Findings[i].Code]; ok {
				res.Findings[i].Severity = s
			}
		}
	}
	return res
}

func (q *quoter) add(code string, sev Severity, traveller, escort, segment int, format string, args ...any) {
	q.res.Findings = append(q.res.Findings, Finding{Code: code, Severity: sev, Traveller: traveller,
		Escort: escort, Segment: segment, Message: fmt.Sprintf(format, args...)})
}

// prepare computes per-segment dates and per-passenger fare types.
func (q *quoter) prepare() {
	segs := q.req.Segments
	q.dates = make([]booking.Date, len(segs))
	q.cabin = make([]string, len(segs))
	q.known = make([]bool, len(segs))
	q.pol = make([]CarrierPolicy, len(segs))
	for i := range segs {
		if i > 0 && segs[i].Carrier == segs[i-1].Carrier {
			q.pol[i] = q.pol[i-1]
		} else {
			q.pol[i] = q.rules.Policy(q.set, segs[i].Carrier)
		}
		q.dates[i] = segs[i].Depart.Date()
		c := strings.ToUpper(strings.TrimSpace(segs[i].Cabin))
		if c == "" {
			c = "Y"
		}
		q.cabin[i] = c
		_, okf := q.set.airports[segs[i].From]
		_, okt := q.set.airports[segs[i].To]
		q.known[i] = okf && okt
	}
	n := len(q.req.Travellers) + max(q.req.EscortSeats, 0)
	q.pax = make([]booking.PaxType, 0, n)
	q.names = make([]string, 0, n)
	q.members = make([]int, 0, n)
	q.escorts = make([]int, 0, n)
	for i := range q.req.Travellers {
		t := &q.req.Travellers[i]
		p := booking.ADT
		if !t.BirthDate.IsZero() {
			p = booking.TripPassengerType(t.BirthDate, q.dates...)
		}
		q.pax = append(q.pax, p)
		q.names = append(q.names, travellerName(t))
		q.members = append(q.members, t.Member)
		q.escorts = append(q.escorts, 0)
	}
	for e := 1; e <= q.req.EscortSeats; e++ {
		q.pax = append(q.pax, booking.ADT)
		q.names = append(q.names, fmt.Sprintf("escort seat %d", e))
		q.members = append(q.members, 0)
		q.escorts = append(q.escorts, e)
	}
}

func travellerName(t *booking.Traveller) string {
	if strings.TrimSpace(t.FamilyName) == "" && strings.TrimSpace(t.GivenNames) == "" {
		return fmt.Sprintf("member %d", t.Member)
	}
	return t.FullName()
}

// travelDate is the first departure; lastDate the last departure.
func (q *quoter) travelDate() booking.Date { return q.dates[0] }
func (q *quoter) lastDate() booking.Date   { return q.dates[len(q.dates)-1] }

func (q *quoter) zone(code string) *time.Location {
	if a := q.set.airports[code]; a != nil {
		return a.TZ
	}
	return time.UTC
}

// ruleItinerary checks the segments chain and are known to the tables.
func ruleItinerary(q *quoter) {
	segs := q.req.Segments
	for i := range segs {
		s := &segs[i]
		for _, code := range []string{s.From, s.To} {
			if _, ok := q.set.airports[code]; !ok {
				q.add(CodeItinerary, Blocking, 0, 0, i+1, "airport %q is not in tariff tables %s", code, q.set.Version)
			}
		}
		if s.From == s.To {
			q.add(CodeItinerary, Blocking, 0, 0, i+1, "segment %d goes from %s to itself", i+1, s.From)
		}
		if s.Depart.IsZero() {
			q.add(CodeItinerary, Blocking, 0, 0, i+1, "segment %d has no departure date", i+1)
		}
		if i > 0 && segs[i-1].To != s.From && !q.sameCity(segs[i-1].To, s.From) {
			q.add(CodeItinerary, Blocking, 0, 0, i+1, "segment %d starts at %s but segment %d ends at %s", i+1, s.From, i, segs[i-1].To)
		}
		if q.known[i] && !s.Depart.IsZero() && !s.Arrive.IsZero() {
			dep, arr := s.Depart.In(q.zone(s.From)), s.Arrive.In(q.zone(s.To))
			if !arr.After(dep) {
				q.add(CodeItinerary, Blocking, 0, 0, i+1, "segment %d arrives at %s %s, not after it departs %s %s (local times)",
					i+1, s.To, s.Arrive, s.From, s.Depart)
			}
		}
	}
}

// rulePrice splits the segments into fare components, preferring the
// longest through fare that prices every passenger type, and prices each
// passenger on each segment.
func rulePrice(q *quoter) {
	segs := q.req.Segments
	n := len(segs)
	// Distinct fare types needed, at most three.
	var need []booking.PaxType
	for _, p := range q.pax {
		if !slices.Contains(need, p) {
			need = append(need, p)
		}
	}
	if len(need) == 0 {
		need = []booking.PaxType{booking.ADT} // price an empty party as one adult, for display
	}
	q.res.Lines = make([]Line, 0, len(q.pax)*n)
	fares := make([]*Fare, len(need))
	best := make([]*Fare, len(need))
	for i := 0; i < n; {
		runEnd := i
		for runEnd+1 < n && segs[runEnd+1].Carrier == segs[i].Carrier && segs[runEnd+1].From == segs[runEnd].To &&
			q.cabin[runEnd+1] == q.cabin[i] {
			runEnd++
		}
		bestJ, bestScore := -1, 0
		if !q.dates[i].IsZero() {
			for j := runEnd; j >= i; j-- {
				k := q.key(i, j)
				score := 0
				for pi, p := range need {
					k.pax = p
					fares[pi] = q.set.lookup(k, q.dates[i], q.req.Programme)
					if fares[pi] != nil {
						score++
					}
				}
				if score > bestScore {
					bestJ, bestScore = j, score
					copy(best, fares)
				}
				if score == len(need) {
					break
				}
			}
		}
		if bestJ < 0 {
			i = q.unpriced(i, runEnd, need[0]) + 1
			continue
		}
		comp := Component{First: i + 1, Last: bestJ + 1, Carrier: segs[i].Carrier, Origin: segs[i].From,
			Destination: segs[bestJ].To, Cabin: q.cabin[i], Date: q.dates[i]}
		for h := i; h < bestJ; h++ {
			comp.Via = append(comp.Via, segs[h].To)
		}
		q.res.Components = append(q.res.Components, comp)
		ci := len(q.res.Components)
		if bestScore < len(need) {
			for pi, p := range need {
				if best[pi] == nil {
					q.unpricedPax(i, bestJ, p)
				}
			}
		}
		for pi := range q.pax {
			f := best[slices.Index(need, q.pax[pi])]
			for s := i; s <= bestJ; s++ {
				q.line(pi, s, ci, f, s > i, q.dates[i])
			}
		}
		i = bestJ + 1
	}
	// Lines were built component by component; show them by passenger then
	// segment, as a form lists them.
	slices.SortStableFunc(q.res.Lines, func(a, b Line) int {
		if c := passengerOrder(q, a) - passengerOrder(q, b); c != 0 {
			return c
		}
		return a.Segment - b.Segment
	})
	for pi := range q.pax {
		pt := PassengerTotal{Traveller: q.members[pi], Escort: q.escorts[pi], Name: q.names[pi], FarePax: q.pax[pi], Priced: true}
		for _, l := range q.res.Lines {
			if l.Traveller == pt.Traveller && l.Escort == pt.Escort {
				pt.USD += l.USD
				pt.Priced = pt.Priced && l.Component != 0
			}
		}
		q.res.Passengers = append(q.res.Passengers, pt)
		q.res.TotalUSD += pt.USD
	}
}

func passengerOrder(q *quoter, l Line) int {
	if l.Escort != 0 {
		return len(q.req.Travellers) + l.Escort
	}
	for i, m := range q.members[:len(q.req.Travellers)] {
		if m == l.Traveller {
			return i
		}
	}
	return 0
}

// key builds the index key for the component of segments i..j.
func (q *quoter) key(i, j int) fareKey {
	segs := q.req.Segments
	via := ""
	switch {
	case j == i+1:
		via = segs[i].To
	case j > i+1:
		parts := make([]string, 0, j-i)
		for h := i; h < j; h++ {
			parts = append(parts, segs[h].To)
		}
		via = strings.Join(parts, "/")
	}
	return fareKey{carrier: segs[i].Carrier, origin: segs[i].From, dest: segs[j].To, via: via, cabin: q.cabin[i]}
}

// line adds passenger pi's line for segment s of component ci.
func (q *quoter) line(pi, s, ci int, f *Fare, through bool, day booking.Date) {
	l := Line{Traveller: q.members[pi], Escort: q.escorts[pi], Segment: s + 1, FarePax: q.pax[pi], PaxType: q.pax[pi]}
	if pi < len(q.req.Travellers) {
		if t := &q.req.Travellers[pi]; !t.BirthDate.IsZero() && !q.dates[s].IsZero() {
			l.PaxType = booking.PassengerType(t.BirthDate, q.dates[s])
		}
	}
	if f != nil {
		l.Component = ci
		l.FareID, l.FareBasis, l.Baggage, l.Through = f.ID, f.FareBasis, f.Baggage, through
		l.Programme, l.Notes = f.Programme, f.Notes
		l.Fare.Currency, l.Taxes.Currency = f.Currency, f.Currency
		// The rate in effect on the component's travel date. Import checks a
		// rate exists on each fare's first day, so one exists on any day the
		// fare is valid.
		l.Rate, _ = q.set.Rate(f.Currency, day)
		if !through {
			seats := int64(1)
			if pi < len(q.req.Travellers) && q.stretcher(pi) {
				seats = int64(max(q.pol[s].StretcherSeats, 1))
				l.Seats = int(seats)
			}
			l.Fare.Amount, l.Taxes.Amount = f.Fare*seats, f.Taxes
			l.USD = l.Rate.Convert(f.Fare*seats + f.Taxes)
		}
	}
	q.res.Lines = append(q.res.Lines, l)
}

// unpriced explains why no fare matched from segment i, for the candidate
// component that came closest (the longest on a tie), adds lines without
// fares for its segments and returns its last segment.
func (q *quoter) unpriced(i, runEnd int, pax booking.PaxType) int {
	last := i
	if !q.dates[i].IsZero() && q.known[i] {
		bestStage, bestCode, bestMsg := -1, "", ""
		for j := i; j <= runEnd; j++ {
			if !q.known[j] {
				break
			}
			k := q.key(i, j)
			k.pax = pax
			stage, code, msg := q.diagnose(k, q.dates[i])
			if stage >= bestStage {
				bestStage, bestCode, bestMsg, last = stage, code, msg, j
			}
		}
		q.add(bestCode, Blocking, 0, 0, i+1, "%s", bestMsg)
	}
	for s := i; s <= last; s++ {
		for pi := range q.pax {
			q.line(pi, s, 0, nil, false, q.dates[i])
		}
	}
	return last
}

// unpricedPax explains a component priced for some passenger types only,
// once per traveller of the missing type.
func (q *quoter) unpricedPax(i, j int, pax booking.PaxType) {
	k := q.key(i, j)
	k.pax = pax
	_, code, msg := q.diagnose(k, q.dates[i])
	for pi, p := range q.pax {
		if p == pax {
			q.add(code, Blocking, q.members[pi], q.escorts[pi], i+1, "%s: %s", q.names[pi], msg)
		}
	}
}

// diagnose says why no fare matches k on d, and how far matching got.
func (q *quoter) diagnose(k fareKey, d booking.Date) (int, string, string) {
	route := k.origin + "-" + k.dest
	if k.via != "" {
		route = k.origin + "-" + strings.ReplaceAll(k.via, "/", "-") + "-" + k.dest
	}
	rows := q.set.byOD[odKey{k.origin, k.dest, k.via}]
	if len(rows) == 0 {
		return 0, CodeNoTariffRoute, fmt.Sprintf("no tariff for %s in tables %s", route, q.set.Version)
	}
	var carriers, cabins []string
	var stage1, stage2, stage3 []*Fare
	for _, i := range rows {
		f := &q.set.fares[i]
		if !slices.Contains(carriers, f.Carrier) {
			carriers = append(carriers, f.Carrier)
		}
		if f.Carrier != k.carrier {
			continue
		}
		stage1 = append(stage1, f)
		if !slices.Contains(cabins, f.Cabin) {
			cabins = append(cabins, f.Cabin)
		}
		if f.Cabin != k.cabin {
			continue
		}
		stage2 = append(stage2, f)
		if f.Pax == k.pax {
			stage3 = append(stage3, f)
		}
	}
	switch {
	case len(stage1) == 0:
		slices.Sort(carriers)
		return 1, CodeNoTariffCarrier, fmt.Sprintf("no %s tariff for %s (carriers with tariffs: %s)", k.carrier, route, strings.Join(carriers, ", "))
	case len(stage2) == 0:
		return 2, CodeNoTariffCabin, fmt.Sprintf("no %s %s tariff in cabin %s (cabins: %s)", k.carrier, route, k.cabin, strings.Join(cabins, ", "))
	case len(stage3) == 0:
		return 3, CodeNoTariffPax, fmt.Sprintf("no %s %s tariff for passenger type %s", k.carrier, route, k.pax)
	}
	var dated []*Fare
	lo, hi := stage3[0].ValidFrom, stage3[0].ValidTo
	for _, f := range stage3 {
		if f.ValidFrom.Before(lo) {
			lo = f.ValidFrom
		}
		if f.ValidTo.After(hi) {
			hi = f.ValidTo
		}
		if f.ValidOn(d) {
			dated = append(dated, f)
		}
	}
	if len(dated) == 0 {
		return 4, CodeNoTariffDate, fmt.Sprintf("no %s %s %s tariff valid on %s (tariffs cover %s to %s)", k.carrier, route, k.pax, d, lo, hi)
	}
	var progs []string
	for _, f := range dated {
		if !slices.Contains(progs, f.Programme) {
			progs = append(progs, f.Programme)
		}
	}
	prog := q.req.Programme
	if prog == "" {
		prog = "none given"
	}
	return 5, CodeTariffProgramme, fmt.Sprintf("the %s %s %s tariff on %s is restricted to programme %s (booking programme: %s)",
		k.carrier, route, k.pax, d, strings.Join(progs, ", "), prog)
}

// ruleInfants checks birth dates, the youngest age carried, an infant
// turning 2 during the trip, and lap infants against the adults who can
// hold them, by the age on each flight and each carrier's policy.
func ruleInfants(q *quoter) {
	first := q.travelDate()
	var infants []int // traveller indexes priced INF
	for i := range q.req.Travellers {
		t := &q.req.Travellers[i]
		if t.BirthDate.IsZero() {
			q.add(CodeBirthDateMissing, Warning, t.Member, 0, 0, "%s has no birth date; priced as an adult", q.names[i])
			continue
		}
		switch {
		case q.pax[i] == booking.INF:
			infants = append(infants, i)
		case q.pax[i] == booking.CHD && booking.PassengerType(t.BirthDate, first) == booking.INF:
			turns := booking.DateOf(t.BirthDate.Time().AddDate(2, 0, 0))
			seg := 0
			for s, d := range q.dates {
				if !d.IsZero() && !d.Before(turns) {
					seg = s + 1
					break
				}
			}
			q.add(CodeInfantTurnsTwo, Warning, t.Member, 0, seg,
				"%s turns 2 on %s, before segment %d: priced as a child (CHD) with its own seat for the whole trip, "+
					"the conservative choice (one fare type per ticket, and a seat is needed from that flight on)", q.names[i], turns, seg)
		}
		for s, d := range q.dates {
			if d.IsZero() {
				continue
			}
			if days := t.BirthDate.DaysUntil(d); days >= 0 && days < q.pol[s].InfantMinAgeDays {
				q.add(CodeInfantTooYoung, Blocking, t.Member, 0, s+1, "%s is %d day(s) old on %s; %s carries infants from %d days of age",
					q.names[i], days, d, q.req.Segments[s].Carrier, q.pol[s].InfantMinAgeDays)
				break
			}
		}
	}
	if len(infants) == 0 {
		return
	}
	for s, d := range q.dates {
		if d.IsZero() {
			continue
		}
		min := q.pol[s].LapAdultMinAge
		adults := max(q.req.EscortSeats, 0)
		for i := range q.req.Travellers {
			if t := &q.req.Travellers[i]; t.BirthDate.IsZero() || t.BirthDate.Age(d) >= min {
				adults++
			}
		}
		switch {
		case adults == 0:
			for _, i := range infants {
				q.add(CodeInfantUnaccompanied, Blocking, q.req.Travellers[i].Member, 0, s+1,
					"%s travels as a lap infant with no accompanying adult (%d or older on %s)", q.names[i], min, q.req.Segments[s].Carrier)
			}
		case len(infants) > adults:
			for _, i := range infants[adults:] {
				q.add(CodeLapInfants, Blocking, q.req.Travellers[i].Member, 0, s+1,
					"%d lap infants but %d adult(s) of %d or older to hold them on segment %d: %s needs a seat (book a child fare) or another adult",
					len(infants), adults, min, s+1, q.names[i])
			}
		default:
			continue
		}
		return // once, at the first segment short of adults
	}
}

// assisted reports whether traveller t needs the assisted connection margin.
func (q *quoter) assisted(t *booking.Traveller) bool {
	if t.EscortAdvised {
		return true
	}
	for _, s := range t.SSR {
		if slices.Contains(q.rules.AssistedSSRs, strings.ToUpper(s)) {
			return true
		}
	}
	return false
}

// ruleConnections checks every connection against the airport's MCT, plus
// a margin for assisted travellers.
func ruleConnections(q *quoter) {
	segs := q.req.Segments
	for i := 1; i < len(segs); i++ {
		in, out := &segs[i-1], &segs[i]
		if in.To != out.From || !q.known[i-1] || !q.known[i] {
			continue // reported by the itinerary rule
		}
		if in.Arrive.IsZero() || out.Depart.IsZero() {
			q.add(CodeScheduleIncomplete, Warning, 0, 0, i+1, "connection at %s not checked: segment %d has no arrival time", out.From, i)
			continue
		}
		loc := q.zone(out.From)
		conn := out.Depart.In(loc).Sub(in.Arrive.In(loc))
		a, b, c := q.set.airports[in.From], q.set.airports[out.From], q.set.airports[out.To]
		intl := a.Country != b.Country || b.Country != c.Country
		kind := "domestic"
		if intl {
			kind = "international"
		}
		mct := q.set.MCT(out.From, intl)
		if conn < 0 {
			// A negative "connection" is a typo or a wrong order, not a
			// tight connection: say so in words.
			q.add(CodeMCT, Blocking, 0, 0, i+1, "segment %d leaves %s at %s, %s before segment %d arrives (%s): check the dates and times",
				i+1, out.From, out.Depart, fmtDur(-conn), i, in.Arrive)
			continue
		}
		if conn < mct {
			q.add(CodeMCT, Blocking, 0, 0, i+1, "connection at %s from segment %d to %d is %s; the %s minimum is %s",
				out.From, i, i+1, fmtDur(conn), kind, fmtDur(mct))
			continue
		}
		need := mct + q.rules.AssistedMargin
		if conn >= need {
			continue
		}
		for ti := range q.req.Travellers {
			if t := &q.req.Travellers[ti]; q.assisted(t) {
				q.add(CodeMCTAssisted, Blocking, t.Member, 0, i+1,
					"connection at %s is %s; %s needs at least %s (%s minimum %s plus %s assistance margin)",
					out.From, fmtDur(conn), q.names[ti], fmtDur(need), kind, fmtDur(mct), fmtDur(q.rules.AssistedMargin))
			}
		}
	}
}

func fmtDur(d time.Duration) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	h, m := int(d.Hours()), int(d.Minutes())%60
	if h == 0 {
		return fmt.Sprintf("%s%dm", neg, m)
	}
	return fmt.Sprintf("%s%dh%02dm", neg, h, m)
}

// rulePregnancy judges pregnancy on each flight's date under its carrier's
// limits. PregnancyWeeks is taken as recorded on the medical exam date (or,
// without one, the booking date) and advanced to the flight date.
func rulePregnancy(q *quoter) {
	for i := range q.req.Travellers {
		t := &q.req.Travellers[i]
		if t.PregnancyWeeks <= 0 {
			continue
		}
		asOf := t.MedicalDate
		if asOf.IsZero() {
			asOf = q.bookingDay()
		}
		cert := 0
		certWeeks, certDay := 0, booking.Date{}
		blocked := false
		for s, d := range q.dates {
			if d.IsZero() {
				continue
			}
			weeks := t.PregnancyWeeks
			if !asOf.IsZero() && asOf.Before(d) {
				weeks += asOf.DaysUntil(d) / 7
			}
			p := &q.pol[s]
			limit, kind := p.PregnancyNoTravelWeek, "single"
			if t.PregnancyMultiple {
				limit, kind = p.PregnancyNoTravelWeekMultiple, "multiple"
			}
			if weeks >= limit {
				q.add(CodePregnancyNoTravel, Blocking, t.Member, 0, s+1,
					"%s will be %d weeks pregnant on %s: %s carries no one from week %d (%s pregnancy)", q.names[i], weeks, d, q.req.Segments[s].Carrier, limit, kind)
				blocked = true
				break
			}
			if weeks >= p.PregnancyCertificateWeek && cert == 0 {
				cert, certWeeks, certDay = s+1, weeks, d
			}
		}
		if !blocked && cert > 0 {
			q.add(CodePregnancyCertificate, Warning, t.Member, 0, cert,
				"%s will be %d weeks pregnant on %s: a fitness-to-fly certificate dated within %d days of travel is needed",
				q.names[i], certWeeks, certDay, q.rules.PregnancyCertificateMaxDays)
		}
	}
}

// bookingDay is the booking's date from BookedAt or BookingDate.
func (q *quoter) bookingDay() booking.Date {
	if !q.req.BookedAt.IsZero() {
		return booking.DateOf(q.req.BookedAt)
	}
	return q.req.BookingDate
}

// bookedBy returns the moment of booking at an airport in loc: BookedAt, or
// the last moment of BookingDate there (the safe side for notice rules).
func (q *quoter) bookedBy(loc *time.Location) (time.Time, bool) {
	if !q.req.BookedAt.IsZero() {
		return q.req.BookedAt, true
	}
	if q.req.BookingDate.IsZero() {
		return time.Time{}, false
	}
	d := q.req.BookingDate.AddDays(1).Time()
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc), true
}

// medifNeed returns the MEDIF notice traveller t needs under policy p and
// why, or 0 and "" when t needs no MEDIF. Oxygen and stretchers need the
// longer notices.
func (q *quoter) medifNeed(t *booking.Traveller, p *CarrierPolicy) (time.Duration, string) {
	var need time.Duration
	why := ""
	if t.MEDIFNeeded {
		need, why = p.MEDIFNotice, "MEDIF needed"
	}
	for _, s := range t.SSR {
		s = strings.ToUpper(s)
		if !slices.Contains(q.rules.MEDIFSSRs, s) {
			continue
		}
		n := p.MEDIFNotice
		switch s {
		case "OXYG", "POCS":
			n = p.MEDIFOxygenNotice
		case "STCR":
			n = p.MEDIFStretcherNotice
		}
		if why == "" || n > need {
			need, why = n, "SSR "+s+" needs a MEDIF"
		}
	}
	return need, why
}

// ruleMEDIF: the MEDIF must reach each operating carrier its notice (by
// need: oxygen and stretchers longer) before that carrier's flight.
func ruleMEDIF(q *quoter) {
	for i := range q.req.Travellers {
		t := &q.req.Travellers[i]
		for s := range q.req.Segments {
			seg := &q.req.Segments[s]
			if seg.Depart.IsZero() {
				continue
			}
			need, why := q.medifNeed(t, &q.pol[s])
			if why == "" {
				break
			}
			loc := q.zone(seg.From)
			booked, ok := q.bookedBy(loc)
			if !ok {
				break
			}
			dep := seg.Depart.In(loc)
			if lead := dep.Sub(booked); lead < need {
				q.add(CodeMEDIFLate, Blocking, t.Member, 0, s+1,
					"%s: %s, which must reach %s %s before departure; departure %s %s is only %s after booking",
					q.names[i], why, seg.Carrier, fmtDur(need), seg.From, seg.Depart, fmtDur(max(lead, 0)))
				break
			}
		}
	}
}

// ruleDocuments: a travel document valid through the last travel date (plus
// the margin); visas and exit permits, when held, too.
func ruleDocuments(q *quoter) {
	if q.req.Documents == nil || q.lastDate().IsZero() {
		return
	}
	need := q.lastDate().AddDays(q.rules.DocumentMarginDays)
	for i := range q.req.Travellers {
		t := &q.req.Travellers[i]
		docs := q.req.Documents[t.Member]
		var travel, latest *booking.Document
		byType := map[booking.DocType][]*booking.Document{}
		for di := range docs {
			d := &docs[di]
			if d.Type.IsTravelDocument() {
				if !d.ExpiresBefore(need) {
					travel = d
				} else if latest == nil || d.ExpiryDate.After(latest.ExpiryDate) {
					latest = d
				}
			} else if d.Type == booking.DocVisa || d.Type == booking.DocExitPermit {
				byType[d.Type] = append(byType[d.Type], d)
			}
		}
		switch {
		case travel == nil && latest == nil:
			q.add(CodeTravelDocumentMissing, Blocking, t.Member, 0, 0, "%s has no travel document (passport or substitute)", q.names[i])
		case travel == nil:
			q.add(CodeTravelDocumentExpired, Blocking, t.Member, 0, 0, "%s's %s expires on %s, before %s", q.names[i], latest.Describe(), latest.ExpiryDate, need)
		}
		for _, typ := range []booking.DocType{booking.DocVisa, booking.DocExitPermit} {
			ds := byType[typ]
			if len(ds) == 0 {
				continue
			}
			valid := slices.ContainsFunc(ds, func(d *booking.Document) bool { return !d.ExpiresBefore(need) })
			if !valid {
				last := ds[0]
				for _, d := range ds {
					if d.ExpiryDate.After(last.ExpiryDate) {
						last = d
					}
				}
				q.add(CodeDocumentExpired, Blocking, t.Member, 0, 0, "%s's %s expires on %s, before %s", q.names[i], last.Describe(), last.ExpiryDate, need)
			}
		}
	}
}

// ruleMedical: the medical clearance must be valid on the first departure.
func ruleMedical(q *quoter) {
	dep := q.travelDate()
	if dep.IsZero() {
		return
	}
	for i := range q.req.Travellers {
		t := &q.req.Travellers[i]
		switch {
		case t.MedicalValidUntil.IsZero():
			q.add(CodeMedicalMissing, Warning, t.Member, 0, 0, "%s has no medical clearance recorded", q.names[i])
		case t.MedicalValidUntil.Before(dep):
			q.add(CodeMedicalExpired, Blocking, t.Member, 0, 0, "%s's medical clearance expires on %s, before departure on %s", q.names[i], t.MedicalValidUntil, dep)
		}
	}
}

// Fares is what the quote charges each traveller and escort seat, as a
// booking and its ABN versions keep it: the USD amount and its taxes, the
// tariff rows priced, and the currency, amount, taxes and rate used when
// every component was priced in one other currency at one rate.
func (q *QuoteResult) Fares() []booking.ABNFare {
	out := make([]booking.ABNFare, 0, len(q.Passengers))
	for _, p := range q.Passengers {
		fa := booking.ABNFare{Traveller: p.Traveller, Escort: p.Escort, Name: p.Name, PaxType: p.FarePax, USDCents: p.USD}
		cur, amount, taxes, rate, mixed := "", int64(0), int64(0), int64(0), false
		for _, l := range q.Lines {
			if l.Traveller != p.Traveller || l.Escort != p.Escort || l.Component == 0 {
				continue
			}
			if cur == "" {
				cur, rate = l.Fare.Currency, l.Rate.USDMicros
			}
			mixed = mixed || l.Fare.Currency != cur || l.Taxes.Currency != cur || l.Rate.USDMicros != rate
			amount += l.Fare.Amount + l.Taxes.Amount
			taxes += l.Taxes.Amount
			if l.Taxes.Amount != 0 {
				fa.TaxesUSDCents += l.Rate.Convert(l.Taxes.Amount)
			}
			if l.FareID != "" && !slices.Contains(fa.FareIDs, l.FareID) {
				fa.FareIDs = append(fa.FareIDs, l.FareID)
			}
		}
		if !mixed && cur != "" && cur != "USD" {
			fa.Currency, fa.Amount, fa.Taxes, fa.RateUSDMicros = cur, amount, taxes, rate
		}
		out = append(out, fa)
	}
	return out
}
