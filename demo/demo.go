// Package demo makes seeded, reproducible, realistic demo cases: the four
// offices, families of 1 to 9, ages from infants to the elderly, special
// needs, every programme and every status. Same seed and day, same data.
package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"movedesk/booking"
)

// Office is one of the agency's movement offices.
type Office struct {
	Code, City string
	Airports   []string // where its cases fly from
	// Nationalities of its caseload, by weight.
	Nationalities []string
	Programmes    []string
}

// Offices are the four demo offices.
var Offices = []Office{
	{"RBA", "Rabat", []string{"RBA", "CMN"}, []string{"SYR", "SYR", "SDN", "SDN", "YEM", "COD", "CMR", "CAF"}, []string{"USRAP", "USRAP", "CA-GAR", "AU-HUM", "EU-REL", "EU-REL"}},
	{"KLT", "Kaiserslautern", []string{"FRA"}, []string{"AFG", "AFG", "AFG", "SYR", "IRQ", "ERI", "ETH"}, []string{"USRAP", "USRAP", "USRAP", "CA-GAR", "AU-HUM", "AVRR"}},
	{"SAL", "San Salvador", []string{"SAL"}, []string{"SLV", "SLV", "HND", "GTM", "NIC"}, []string{"USRAP", "USRAP", "USRAP", "CA-GAR", "AU-HUM"}},
	{"WAS", "Washington", []string{"IAD"}, []string{"AFG", "VEN", "HTI", "CUB", "SLV", "ERI"}, []string{"USRAP", "USRAP", "USRAP", "USRAP", "AVRR"}},
}

// Destinations per programme: airport and city.
var Destinations = map[string][][2]string{
	"USRAP":  {{"JFK", "New York"}, {"ORD", "Chicago"}, {"IAH", "Houston"}, {"LAX", "Los Angeles"}, {"SEA", "Seattle"}, {"ATL", "Atlanta"}},
	"CA-GAR": {{"YYZ", "Toronto"}, {"YUL", "Montréal"}, {"YVR", "Vancouver"}},
	"AU-HUM": {{"SYD", "Sydney"}, {"MEL", "Melbourne"}},
	"EU-REL": {{"LHR", "London"}, {"CDG", "Paris"}, {"AMS", "Amsterdam"}, {"ARN", "Stockholm"}, {"OSL", "Oslo"}, {"HEL", "Helsinki"}},
}

// avrr are the return routes: origin airport to home airport and nationality.
var avrr = map[string][][3]string{
	"FRA": {{"CMN", "Casablanca", "MAR"}, {"RBA", "Rabat", "MAR"}, {"SAL", "San Salvador", "SLV"}},
	"IAD": {{"SAL", "San Salvador", "SLV"}},
}

// euSponsors receive EU relocation cases at each destination.
var euSponsors = map[string]string{"LHR": "Refugee Council UK", "CDG": "France terre d'asile", "AMS": "COA Netherlands",
	"ARN": "Migrationsverket", "OSL": "IMDi Norway", "HEL": "Finnish Immigration Service"}

var sponsors = map[string][]string{
	"USRAP":  {"IRC New York", "HIAS", "USCCB Chicago", "Church World Service", "Lutheran Immigration and Refugee Service", "World Relief Seattle", "YMCA International Services Houston"},
	"CA-GAR": {"COSTI Immigrant Services", "CSAI Montréal", "ISSofBC Vancouver"},
	"AU-HUM": {"AMES Australia", "SSI Sydney", "Life Without Barriers"},
	"EU-REL": {"Refugee Council UK", "France terre d'asile", "COA Netherlands", "Migrationsverket", "IMDi Norway", "Finnish Immigration Service"},
	"AVRR":   {"OIM Maroc reception", "OIM El Salvador reception"},
}

// Itinerary is one way to fly a route: a carrier and the hubs on the way.
type Itinerary struct {
	Carrier string
	Via     []string
}

// Options configure Generate.
type Options struct {
	Cases  int
	Seed   uint64
	Office string // "" spreads cases over all offices
	Today  booking.Date
	// Routes returns the itineraries that the tariff tables price.
	Routes func(from, to string) []Itinerary
	// Zone returns an airport's time zone (nil for UTC).
	Zone func(airport string) *time.Location
	// NoDuties leaves out escorts, checklists, permits and custody: a clean
	// slate for training or tests.
	NoDuties bool
	// Price fills in a booking's total and tariff version (optional).
	Price func(c *booking.Case, b *booking.Booking, ts []booking.Traveller)
}

// requestSenders send requests for travel, by programme.
var requestSenders = map[string][]string{
	"USRAP":  {"RSC MENA (Resettlement Support Center)", "UNHCR resettlement unit", "RSC Africa"},
	"CA-GAR": {"IRCC migration office", "UNHCR resettlement unit"},
	"AU-HUM": {"Australian Department of Home Affairs", "UNHCR resettlement unit"},
	"AVRR":   {"AVRR counselling desk", "national referral partner"},
	"EU-REL": {"EUAA relocation desk", "UNHCR resettlement unit"},
}

// Assignees are the demo associates.
var Assignees = []string{"amina.benali", "youssef.idrissi", "petra.schulz", "jonas.weber", "carmen.flores", "diego.martinez", "grace.kim", "samuel.osei"}

var statusWeights = []struct {
	s booking.Status
	w int
}{
	{booking.StatusReceived, 8}, {booking.StatusDataEntry, 10}, {booking.StatusTravelReady, 18},
	{booking.StatusBooked, 12}, {booking.StatusABNSent, 10}, {booking.StatusReadyToDepart, 8},
	{booking.StatusDeparted, 22}, {booking.StatusOnHold, 6}, {booking.StatusCancelled, 6},
}

// Generate calls emit with the records of each case in turn.
func Generate(o Options, emit func(recs []booking.Record) error) error {
	if o.Today.IsZero() {
		o.Today = booking.DateOf(time.Now())
	}
	offices := Offices
	if o.Office != "" {
		offices = nil
		for _, of := range Offices {
			if of.Code == o.Office {
				offices = []Office{of}
			}
		}
		if offices == nil {
			return fmt.Errorf("unknown demo office %q (known: RBA, KLT, SAL, WAS)", o.Office)
		}
	}
	g := &gen{o: o, r: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), seq: map[string]int{}}
	var duties *Duties
	if !o.NoDuties {
		duties = NewDuties(o.Seed)
		duties.Today = o.Today
		if err := emit(duties.Pool()); err != nil {
			return err
		}
	}
	for i := range o.Cases {
		of := offices[i%len(offices)]
		recs, err := g.caseOf(of)
		if err != nil {
			return err
		}
		if err := emit(inOrder(g.withABNs(g.withDuties(duties, recs)))); err != nil {
			return err
		}
	}
	return nil
}

// withABNs adds the ABN versions a case at its stage has: issued and sent
// once the ABN went out, a departure notice once it left. Some booked cases
// were rebooked after their ABN went out (an update is due) and some
// cancelled ones still await their cancellation notice: the "changes to
// notify" queue.
func (g *gen) withABNs(recs []booking.Record) []booking.Record {
	var c *booking.Case
	var b *booking.Booking
	for _, r := range recs {
		switch v := r.(type) {
		case *booking.Case:
			c = v
		case *booking.Booking:
			b = v
		}
	}
	if c == nil || b == nil || c.ABNNumber == "" && (c.Status != booking.StatusBooked || !g.chance(0.15)) {
		return recs
	}
	// What an ABN draws on: the case, its travellers and the booking.
	f := &booking.CaseFile{Case: *c, Bookings: []booking.Booking{*b}}
	for _, r := range recs {
		if t, ok := r.(*booking.Traveller); ok {
			f.Travellers = append(f.Travellers, *t)
		}
	}
	at := b.BookedOn.Time().Add(time.Duration(9+g.r.IntN(8)) * time.Hour)
	a, err := f.DraftABN(booking.ABNRequest{Type: booking.ABNIssue, By: b.BookedBy, At: at})
	if err != nil {
		return recs
	}
	a.Sent, a.SentBy, a.SentAt = true, b.BookedBy, at.Add(time.Duration(10+g.r.IntN(120))*time.Minute)
	recs = append(recs, a)
	c.ABNNumber = a.Number
	switch {
	case c.Status == booking.StatusBooked:
		// Rebooked two days later after the ABN went out.
		for i := range b.Segments {
			s := &b.Segments[i]
			s.Depart = localOf(s.Depart.Wall().AddDate(0, 0, 2))
			s.Arrive = localOf(s.Arrive.Wall().AddDate(0, 0, 2))
		}
		c.Departure = c.Departure.AddDays(2)
	case c.Status == booking.StatusDeparted:
		f.ABNs = append(f.ABNs, *a)
		d, err := f.DraftABN(booking.ABNRequest{Type: booking.ABNDeparture, By: b.BookedBy, At: c.Departure.Time().Add(20 * time.Hour)})
		if err == nil {
			d.Sent, d.SentBy, d.SentAt = true, b.BookedBy, d.IssuedAt.Add(time.Hour)
			recs = append(recs, d)
		}
	}
	return recs
}

// withDuties adds the case's duty records. A record the duties change (the
// booking, when an escort seat is added) replaces the original, re-priced.
func (g *gen) withDuties(d *Duties, recs []booking.Record) []booking.Record {
	if d == nil {
		return recs
	}
	at := map[string]int{}
	for i, r := range recs {
		at[r.Key()] = i
	}
	var c *booking.Case
	var ts []booking.Traveller
	for _, r := range recs {
		switch v := r.(type) {
		case *booking.Case:
			c = v
		case *booking.Traveller:
			ts = append(ts, *v)
		}
	}
	for _, r := range d.For(recs) {
		i, ok := at[r.Key()]
		if !ok {
			recs = append(recs, r)
			continue
		}
		recs[i] = r
		if b, isBooking := r.(*booking.Booking); isBooking && g.o.Price != nil && c != nil {
			g.o.Price(c, b, ts)
		}
	}
	return recs
}

type gen struct {
	o   Options
	r   *rand.Rand
	seq map[string]int
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool   { return g.r.Float64() < p }

func (g *gen) status() booking.Status {
	n := g.r.IntN(100)
	for _, sw := range statusWeights {
		if n < sw.w {
			return sw.s
		}
		n -= sw.w
	}
	return booking.StatusReceived
}

func (g *gen) familySize() int {
	// Mostly small families, a long tail up to 9.
	w := []int{22, 18, 16, 14, 11, 8, 5, 4, 2}
	n := g.r.IntN(100)
	for i, x := range w {
		if n < x {
			return i + 1
		}
		n -= x
	}
	return 1
}

func (g *gen) caseOf(of Office) ([]booking.Record, error) {
	today := g.o.Today
	year := today.Time().Year()
	g.seq[of.Code]++
	no := fmt.Sprintf("%s-%d-%06d", of.Code, year, g.seq[of.Code])
	prog := g.pick(of.Programmes)
	origin := g.pick(of.Airports)
	nat := g.pick(of.Nationalities)
	var dest, destCity string
	if prog == "AVRR" {
		routes := avrr[origin]
		if len(routes) == 0 {
			prog = "USRAP"
		} else {
			rt := routes[g.r.IntN(len(routes))]
			dest, destCity, nat = rt[0], rt[1], rt[2]
		}
	}
	if prog != "AVRR" {
		d := Destinations[prog][g.r.IntN(len(Destinations[prog]))]
		dest, destCity = d[0], d[1]
	}
	st := g.status()
	sponsor := g.pick(sponsors[prog])
	if s, ok := euSponsors[dest]; ok && prog == "EU-REL" {
		sponsor = s
	}
	c := &booking.Case{
		Number: no, Programme: prog, Office: of.Code, OriginCity: of.City, OriginAirport: origin,
		DestCity: destCity, DestAirport: dest, Sponsor: sponsor,
		Priority: []int{1, 2, 2, 3, 3, 3, 3, 3, 3, 3}[g.r.IntN(10)],
		Assignee: g.pick(Assignees), Status: st,
	}
	if origin == "CMN" {
		c.OriginCity = "Casablanca"
	}
	reached := st
	if st == booking.StatusOnHold || st == booking.StatusCancelled {
		reached = []booking.Status{booking.StatusDataEntry, booking.StatusTravelReady, booking.StatusBooked, booking.StatusABNSent}[g.r.IntN(4)]
		c.StatusReason = g.pick([]string{"exit permit pending", "medical re-examination", "family member added", "security check re-opened", "sponsor withdrew", "case closed by processing centre"})
		if st == booking.StatusOnHold {
			c.HeldFrom = reached
		}
	}
	stage := map[booking.Status]int{booking.StatusReceived: 0, booking.StatusDataEntry: 1, booking.StatusTravelReady: 2,
		booking.StatusBooked: 3, booking.StatusABNSent: 4, booking.StatusReadyToDepart: 5, booking.StatusDeparted: 6}[reached]
	// Dates run backwards from where the case stands today: a departed case
	// left in the last four months, a booked one leaves within seven weeks,
	// and nothing sits travel-ready for long.
	var dep booking.Date
	switch {
	case stage == 6:
		dep = today.AddDays(-1 - g.r.IntN(120))
		c.TravelReady = dep.AddDays(-14 - g.r.IntN(46))
	case stage >= 3:
		dep = today.AddDays(3 + g.r.IntN(50))
		c.TravelReady = today.AddDays(-3 - g.r.IntN(38))
	case stage == 2:
		c.TravelReady = today.AddDays(-g.r.IntN(31))
	}
	if stage >= 2 {
		c.Received = c.TravelReady.AddDays(-30 - g.r.IntN(120))
	} else {
		c.Received = today.AddDays(-g.r.IntN(61))
	}
	// Who sent the request, and its receipt confirmed to them within two
	// days; some new requests still wait for it. Derived from the number,
	// not drawn, so the rest of the demo stays as it was.
	n := g.seq[of.Code]
	c.RequestFrom = requestSenders[prog][n%len(requestSenders[prog])]
	c.RequestRef = fmt.Sprintf("%s-%s-%05d", of.Code, today.String()[2:4], n)
	if stage > 0 || n%3 != 0 {
		on := c.Received.AddDays(n % 3)
		if today.Before(on) {
			on = today
		}
		c.ReceiptConfirmed, c.ReceiptConfirmedBy = on, c.Assignee
	}
	if stage >= 4 {
		c.ABNNumber = fmt.Sprintf("ABN-%s-%07d", of.Code, g.seq[of.Code])
	}
	travellers, docs := g.family(no, nat, prog, c, stage)
	if stage >= 5 {
		// Cases cleared to travel hold documents and clearances valid on the day.
		for i := range docs {
			if docs[i].ExpiresBefore(dep.AddDays(30)) {
				docs[i].ExpiryDate = dep.AddDays(365 + g.r.IntN(1000))
			}
		}
		for i := range travellers {
			if travellers[i].MedicalValidUntil.Before(dep.AddDays(1)) {
				travellers[i].MedicalValidUntil = dep.AddDays(30 + g.r.IntN(60))
			}
		}
	}
	recs := []booking.Record{c}
	for i := range travellers {
		recs = append(recs, &travellers[i])
	}
	for i := range docs {
		recs = append(recs, &docs[i])
	}
	if stage >= 3 && g.o.Routes != nil {
		b, err := g.booking(c, travellers, dep)
		if err != nil {
			return nil, err
		}
		if b != nil {
			if g.o.Price != nil {
				g.o.Price(c, b, travellers)
			}
			recs = append(recs, b)
			c.Departure = dep
		}
	}
	return recs, nil
}

func (g *gen) family(no, nat, prog string, c *booking.Case, stage int) ([]booking.Traveller, []booking.Document) {
	pool := pools[nationalityPool[nat]]
	langs := poolLanguages[nationalityPool[nat]]
	today := g.o.Today
	size := g.familySize()
	fam := g.pick(pool.family)
	var ts []booking.Traveller
	var docs []booking.Document
	unaccompanied := size == 1 && g.chance(0.04)
	paSex := []string{"M", "F"}[g.r.IntN(2)]
	paAge := 22 + g.r.IntN(45)
	if unaccompanied {
		paAge = 6 + g.r.IntN(6)
	}
	var given []string // the given names of the family so far
	for m := 1; m <= size; m++ {
		t := booking.Traveller{Case: no, Member: m, FamilyName: fam, Nationality: nat, Languages: langs}
		var age int
		switch {
		case m == 1:
			t.Principal, t.Relationship, t.Sex, age = true, "PA", paSex, paAge
		case m == 2 && size > 2 && !unaccompanied:
			t.Relationship, t.Sex = "spouse", map[string]string{"M": "F", "F": "M"}[paSex]
			age = max(18, paAge+g.r.IntN(9)-4)
		case m == size && size >= 4 && g.chance(0.3):
			t.Relationship, t.Sex, age = "parent", g.pick([]string{"M", "F"}), min(95, paAge+22+g.r.IntN(12))
		default:
			t.Relationship, t.Sex = "child", g.pick([]string{"M", "F"})
			age = g.r.IntN(max(1, min(paAge-16, 20)))
		}
		names := pool.female
		if t.Sex == "M" {
			names = pool.male
		}
		// Distinct given names within a family (a few tries, then a
		// second name to tell them apart).
		t.GivenNames = g.pick(names)
		for try := 0; try < 8 && slices.Contains(given, t.GivenNames); try++ {
			t.GivenNames = g.pick(names)
		}
		if slices.Contains(given, t.GivenNames) {
			t.GivenNames += " " + g.pick(names)
		}
		given = append(given, t.GivenNames)
		t.BirthDate = today.AddDays(-age*365 - g.r.IntN(365))
		if age == 0 {
			t.BirthDate = today.AddDays(-30 - g.r.IntN(300))
		}
		// Special needs.
		switch {
		case unaccompanied:
			t.SSR = append(t.SSR, "UMNR")
			t.EscortAdvised = true
		case age >= 70 && g.chance(0.5):
			t.SSR = append(t.SSR, g.pick([]string{"WCHR", "WCHR", "WCHS", "WCHC"}))
		case g.chance(0.04):
			t.SSR = append(t.SSR, g.pick([]string{"WCHR", "WCHS", "WCHC", "BLND", "DEAF", "DPNA"}))
		}
		if g.chance(0.03) && age >= 12 {
			t.SSR = append(t.SSR, "MEDA")
			t.MEDIFNeeded = true
			t.EscortAdvised = g.chance(0.4)
			t.Vulnerabilities = append(t.Vulnerabilities, g.pick([]string{"chronic heart condition", "post-operative care", "dialysis", "epilepsy"}))
			if g.chance(0.3) {
				t.SSR = append(t.SSR, "OXYG")
			}
		}
		if t.Sex == "F" && age >= 18 && age <= 40 && g.chance(0.06) {
			t.PregnancyWeeks = 8 + g.r.IntN(28)
			t.PregnancyMultiple = g.chance(0.1)
		}
		switch {
		case age < 2:
			t.SSR = append(t.SSR, "BBML")
		case age < 12 && g.chance(0.3):
			t.SSR = append(t.SSR, "CHML")
		case moml[nationalityPool[nat]] && g.chance(0.35):
			t.SSR = append(t.SSR, "MOML")
		case g.chance(0.05):
			t.SSR = append(t.SSR, g.pick([]string{"VGML", "DBML", "GFML", "LSML"}))
		}
		if g.chance(0.05) {
			t.Vulnerabilities = append(t.Vulnerabilities, g.pick([]string{"survivor of torture", "woman at risk", "serious medical condition", "legal and physical protection needs"}))
		}
		if stage >= 2 {
			t.MedicalDate = c.TravelReady.AddDays(-g.r.IntN(40))
			t.MedicalValidUntil = t.MedicalDate.AddDays(180)
			if g.chance(0.05) {
				t.MedicalValidUntil = today.AddDays(g.r.IntN(30))
			}
		}
		_ = t.Validate() // normalise SSR codes
		ts = append(ts, t)
		// Documents: a passport or an ICRC travel document, and a visa.
		doc := booking.Document{Case: no, Member: m, ID: "d1", IssuingCountry: nat}
		if prog != "AVRR" && g.chance(0.35) {
			doc.Type, doc.Number, doc.IssuingCountry = booking.DocICRC, fmt.Sprintf("ICRC%07d", g.r.IntN(1e7)), "CHE"
			doc.IssueDate = today.AddDays(-g.r.IntN(200))
			doc.ExpiryDate = doc.IssueDate.AddDays(365)
		} else {
			doc.Type, doc.Number = booking.DocPassport, fmt.Sprintf("%c%08d", 'A'+rune(g.r.IntN(26)), g.r.IntN(1e8))
			doc.IssueDate = today.AddDays(-g.r.IntN(3000))
			doc.ExpiryDate = doc.IssueDate.AddDays(365 * 10)
		}
		if g.chance(0.06) {
			doc.ExpiryDate = today.AddDays(g.r.IntN(80) - 20) // expiring soon or lately expired
			if doc.ExpiryDate.Before(doc.IssueDate) {
				doc.IssueDate = doc.ExpiryDate.AddDays(-3650)
			}
		}
		docs = append(docs, doc)
		if stage >= 2 && prog != "AVRR" {
			visa := booking.Document{Case: no, Member: m, ID: "d2", Type: booking.DocVisa,
				Number: fmt.Sprintf("V%08d", g.r.IntN(1e8)), IssuingCountry: visaCountry(prog, c.DestAirport),
				IssueDate: c.TravelReady, ExpiryDate: c.TravelReady.AddDays(180)}
			docs = append(docs, visa)
		}
	}
	return ts, docs
}

func visaCountry(prog, dest string) string {
	switch prog {
	case "USRAP":
		return "USA"
	case "CA-GAR":
		return "CAN"
	case "AU-HUM":
		return "AUS"
	}
	return map[string]string{"LHR": "GBR", "CDG": "FRA", "AMS": "NLD", "ARN": "SWE", "OSL": "NOR", "HEL": "FIN"}[dest]
}

// booking builds an itinerary the tariff tables price, departing on dep.
func (g *gen) booking(c *booking.Case, ts []booking.Traveller, dep booking.Date) (*booking.Booking, error) {
	its := g.o.Routes(c.OriginAirport, c.DestAirport)
	if len(its) == 0 {
		return nil, fmt.Errorf("demo: the tariff tables price no route %s-%s", c.OriginAirport, c.DestAirport)
	}
	it := its[g.r.IntN(len(its))]
	stops := append(append([]string{c.OriginAirport}, it.Via...), c.DestAirport)
	zone := func(a string) *time.Location {
		if g.o.Zone != nil {
			if l := g.o.Zone(a); l != nil {
				return l
			}
		}
		return time.UTC
	}
	at := time.Date(dep.Time().Year(), dep.Time().Month(), dep.Time().Day(), 6+g.r.IntN(15), 5*g.r.IntN(12), 0, 0, zone(stops[0]))
	var segs []booking.Segment
	for i := 0; i+1 < len(stops); i++ {
		dur := time.Duration(90+g.r.IntN(540)) * time.Minute
		arr := at.Add(dur)
		segs = append(segs, booking.Segment{
			Carrier: it.Carrier, Flight: fmt.Sprint(100 + g.r.IntN(899)), From: stops[i], To: stops[i+1],
			Depart: localOf(at.In(zone(stops[i]))), Arrive: localOf(arr.In(zone(stops[i+1]))), Cabin: "Y",
		})
		at = arr.Add(time.Duration(150+g.r.IntN(180)) * time.Minute)
	}
	b := &booking.Booking{Case: c.Number, ID: "B1", Status: booking.BookingActive, Segments: segs,
		BookedBy: c.Assignee, BookedOn: dep.AddDays(-14 - g.r.IntN(20))}
	if b.BookedOn.After(g.o.Today) {
		// Booked (and its ABN issued) by today, never later.
		b.BookedOn = g.o.Today.AddDays(-g.r.IntN(3))
	}
	for _, t := range ts {
		b.Travellers = append(b.Travellers, t.Member)
	}
	if booking.HasSSR(ts[0].SSR, "UMNR") {
		b.EscortSeats = 1
	}
	return b, nil
}

func localOf(t time.Time) booking.LocalTime {
	l, _ := booking.ParseLocalTime(t.Format(booking.LocalTimeLayout))
	return l
}
