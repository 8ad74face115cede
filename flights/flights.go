// Package flights gathers what is booked on one carrier-flight-date from
// the cases' active bookings: the parties and their travellers, totals by
// passenger type, SSR counts, escorts, MEDIFs and programme caps, and the
// manifest each recipient gets. It is pure (it imports only booking); the
// store reads the case files, the command prints.
//
// Nothing here carries what a recipient must not see: a Passenger has a
// name, a passenger type, a seat, SSR codes, the MEDIF flag and a ticket
// number, never vulnerabilities, notes or reasons, so no manifest can
// print them.
package flights

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"movedesk/booking"
)

var (
	carrierRE = regexp.MustCompile(`^[A-Z0-9]{2}$`)
	flightRE  = regexp.MustCompile(`^[0-9]{1,4}[A-Z]?$`)
)

// Key names one carrier-flight-date: the date is the local departure day.
type Key struct {
	Carrier string       `json:"carrier"`
	Flight  string       `json:"flight"`
	Date    booking.Date `json:"date"`
}

// ParseKey reads CARRIER FLIGHT DATE ("AC", "837", "2027-01-17"); the
// carrier may carry the flight number ("AC837") when flight is empty.
func ParseKey(carrier, flight, date string) (Key, error) {
	carrier = strings.ToUpper(strings.TrimSpace(carrier))
	if flight == "" && len(carrier) > 2 {
		carrier, flight = carrier[:2], carrier[2:]
	}
	flight = strings.TrimLeft(strings.ToUpper(strings.TrimSpace(flight)), "0")
	k := Key{Carrier: carrier, Flight: flight}
	switch {
	case !carrierRE.MatchString(carrier):
		return k, booking.Errorf(booking.EINVALID, "carrier", "carrier %q must be a 2-character IATA code", carrier)
	case !flightRE.MatchString(flight):
		return k, booking.Errorf(booking.EINVALID, "flight", "flight number %q must be 1 to 4 digits", flight)
	}
	d, err := booking.ParseDate(date)
	if err != nil || d.IsZero() {
		return k, booking.Errorf(booking.EINVALID, "date", "flight date %q must be YYYY-MM-DD", date)
	}
	k.Date = d
	return k, nil
}

// String returns "AC837 2027-01-17".
func (k Key) String() string { return k.Carrier + k.Flight + " " + k.Date.String() }

// on reports whether segment s is this flight.
func (k Key) on(s *booking.Segment) bool {
	return s.Carrier == k.Carrier && strings.TrimLeft(s.Flight, "0") == k.Flight && s.Depart.Date().Equal(k.Date)
}

// Cap is a programme's maximum of travellers on one flight (programmes.csv
// of the active tariff version); Country is the destination country it
// applies to, "*" for any.
type Cap struct {
	Programme string `json:"programme"`
	Country   string `json:"country"`
	Max       int    `json:"max"`
}

// CapCount is a cap with the programme's travellers on the flight.
type CapCount struct {
	Cap
	Travellers int  `json:"travellers"`
	Over       bool `json:"over,omitempty"`
}

// Options are what Build needs beyond the case files.
type Options struct {
	// Caps are the programmes' caps per flight.
	Caps []Cap
	// EscortNames names assigned escorts by id (the escort records).
	EscortNames map[string]string
}

// Passenger is one traveller of a party on the flight: what manifests may
// show, and nothing more.
type Passenger struct {
	Member  int             `json:"member"`
	Family  string          `json:"family_name"`
	Given   string          `json:"given_names"`
	PaxType booking.PaxType `json:"pax_type"`
	// Seats is 0 for an infant on a lap, else 1.
	Seats int      `json:"seats"`
	SSR   []string `json:"ssr,omitempty"`
	MEDIF bool     `json:"medif,omitempty"`
	// MEDIFStatus is where the MEDIF stands with this flight's carrier
	// (sent, approved, refused; "" none recorded).
	MEDIFStatus string `json:"medif_status,omitempty"`
	Ticket      string `json:"ticket,omitempty"`
}

// Name returns "FAMILY, Given".
func (p *Passenger) Name() string { return strings.ToUpper(p.Family) + ", " + p.Given }

// Party is one case's active booking on the flight.
type Party struct {
	Case      string `json:"case"`
	Programme string `json:"programme"`
	Booking   string `json:"booking"`
	PNR       string `json:"pnr,omitempty"`
	// Segment is the 1-based segment of the booking that is this flight.
	Segment    int               `json:"segment"`
	From       string            `json:"from"`
	To         string            `json:"to"`
	Depart     booking.LocalTime `json:"depart"`
	Arrive     booking.LocalTime `json:"arrive"`
	Passengers []Passenger       `json:"passengers"`
	// EscortSeats are the seats booked for escorts; Escorts the names of
	// the escorts assigned who fly this segment.
	EscortSeats int      `json:"escort_seats,omitempty"`
	Escorts     []string `json:"escorts,omitempty"`
	// Group lists the other cases on the flight under the same PNR.
	Group []string `json:"group,omitempty"`
}

// SSRCount is how many passengers carry one SSR code.
type SSRCount struct {
	Code  string `json:"code"`
	Count int    `json:"count"`
}

// Totals are the counts of a flight.
type Totals struct {
	Cases      int `json:"cases"`
	Travellers int `json:"travellers"`
	ADT        int `json:"adt"`
	CHD        int `json:"chd"`
	INF        int `json:"inf"`
	// Seats counts travellers' and escort seats (lap infants take none).
	Seats       int        `json:"seats"`
	Wheelchairs int        `json:"wheelchairs"`
	MeetAssist  int        `json:"meet_assist"`
	EscortSeats int        `json:"escort_seats"`
	MEDIFs      int        `json:"medifs"`
	SSR         []SSRCount `json:"ssr,omitempty"`
}

// Flight is everything booked on one carrier-flight-date.
type Flight struct {
	Key
	// From, To, Depart and Arrive are of the earliest party's segment.
	From    string            `json:"from,omitempty"`
	To      string            `json:"to,omitempty"`
	Depart  booking.LocalTime `json:"depart"`
	Arrive  booking.LocalTime `json:"arrive"`
	Parties []Party           `json:"parties"`
	Totals  Totals            `json:"totals"`
	Caps    []CapCount        `json:"caps,omitempty"`
}

// Wheelchair codes: assistance to and from the aircraft.
var wheelchairSSR = []string{"WCHR", "WCHS", "WCHC"}

// AssistSSR are the codes airport assistance acts on: wheelchairs and
// the passenger's own chair, meet and assist, stretcher, blind, deaf,
// disabled needing assistance, unaccompanied minor.
var AssistSSR = []string{"WCHR", "WCHS", "WCHC", "WCOB", "WCMP", "WCBD", "WCBW", "MAAS", "STCR", "BLND", "DEAF", "DPNA", "UMNR"}

// Build gathers the flight k from case files (each with its case,
// travellers, bookings and escort trips); files without an active booking
// on k are skipped. Parties come in departure then case order.
func Build(k Key, files []*booking.CaseFile, opt Options) *Flight {
	fl := &Flight{Key: k, Parties: []Party{}}
	for _, f := range files {
		if p, ok := party(k, f, opt); ok {
			fl.Parties = append(fl.Parties, p)
		}
	}
	slices.SortFunc(fl.Parties, func(a, b Party) int {
		return cmp.Or(a.Depart.Wall().Compare(b.Depart.Wall()), cmp.Compare(a.Case, b.Case))
	})
	if len(fl.Parties) > 0 {
		p := fl.Parties[0]
		fl.From, fl.To, fl.Depart, fl.Arrive = p.From, p.To, p.Depart, p.Arrive
	}
	byPNR := map[string][]string{}
	for _, p := range fl.Parties {
		if p.PNR != "" {
			byPNR[p.PNR] = append(byPNR[p.PNR], p.Case)
		}
	}
	for i := range fl.Parties {
		p := &fl.Parties[i]
		for _, c := range byPNR[p.PNR] {
			if c != p.Case {
				p.Group = append(p.Group, c)
			}
		}
	}
	fl.Totals = totals(fl.Parties)
	fl.Caps = caps(fl.Parties, opt.Caps)
	return fl
}

// party returns f's party on k, if its active booking flies it.
func party(k Key, f *booking.CaseFile, opt Options) (Party, bool) {
	b := f.ActiveBooking()
	if b == nil {
		return Party{}, false
	}
	si := slices.IndexFunc(b.Segments, func(s booking.Segment) bool { return k.on(&s) })
	if si < 0 {
		return Party{}, false
	}
	s := b.Segments[si]
	p := Party{Case: f.Case.Number, Programme: f.Case.Programme, Booking: b.ID, PNR: b.PNR, Segment: si + 1,
		From: s.From, To: s.To, Depart: s.Depart, Arrive: s.Arrive, EscortSeats: b.EscortSeats, Passengers: []Passenger{}}
	for _, m := range b.Travellers {
		t := f.Traveller(m)
		if t == nil {
			continue
		}
		pax := booking.PassengerType(t.BirthDate, k.Date)
		seats := 1
		if pax == booking.INF {
			seats = 0
		}
		p.Passengers = append(p.Passengers, Passenger{Member: m, Family: t.FamilyName, Given: t.GivenNames, PaxType: pax,
			Seats: seats, SSR: slices.Clone(t.SSR), MEDIF: t.MEDIFNeeded, MEDIFStatus: b.MEDIFStatus(m, k.Carrier), Ticket: b.Ticket(m)})
	}
	for _, tr := range f.EscortTrips {
		if tr.Booking != b.ID || (len(tr.Segments) > 0 && !slices.Contains(tr.Segments, si+1)) {
			continue
		}
		name := opt.EscortNames[tr.Escort]
		if name == "" {
			name = tr.Escort
		}
		p.Escorts = append(p.Escorts, name)
	}
	slices.Sort(p.Escorts)
	return p, true
}

func totals(ps []Party) Totals {
	var t Totals
	ssr := map[string]int{}
	for _, p := range ps {
		t.Cases++
		t.EscortSeats += p.EscortSeats
		t.Seats += p.EscortSeats
		for _, x := range p.Passengers {
			t.Travellers++
			t.Seats += x.Seats
			switch x.PaxType {
			case booking.ADT:
				t.ADT++
			case booking.CHD:
				t.CHD++
			case booking.INF:
				t.INF++
			}
			if x.MEDIF {
				t.MEDIFs++
			}
			if slices.ContainsFunc(x.SSR, func(c string) bool { return slices.Contains(wheelchairSSR, c) }) {
				t.Wheelchairs++
			}
			if slices.Contains(x.SSR, "MAAS") {
				t.MeetAssist++
			}
			for _, c := range x.SSR {
				ssr[c]++
			}
		}
	}
	for c, n := range ssr {
		t.SSR = append(t.SSR, SSRCount{c, n})
	}
	slices.SortFunc(t.SSR, func(a, b SSRCount) int { return cmp.Compare(a.Code, b.Code) })
	return t
}

// caps counts each programme's travellers against its caps (only the
// programmes on the flight).
func caps(ps []Party, cs []Cap) []CapCount {
	n := map[string]int{}
	for _, p := range ps {
		n[p.Programme] += len(p.Passengers)
	}
	var out []CapCount
	for _, c := range cs {
		if c.Max <= 0 || n[c.Programme] == 0 {
			continue
		}
		out = append(out, CapCount{Cap: c, Travellers: n[c.Programme], Over: n[c.Programme] > c.Max})
	}
	return out
}

// Summary is one flight in a list: its key, route and counts.
type Summary struct {
	Key
	From   string            `json:"from"`
	To     string            `json:"to"`
	Depart booking.LocalTime `json:"depart"`
	Totals Totals            `json:"totals"`
	// Caps are the programmes' caps with their travellers on the flight.
	Caps []CapCount `json:"caps,omitempty"`
}

// List returns every carrier-flight-date from from to to (inclusive, by
// local departure day) on the active bookings of files, in departure then
// flight order.
func List(files []*booking.CaseFile, from, to booking.Date) []Summary {
	var es []Entry
	for _, f := range files {
		for _, e := range Entries(f) {
			if !e.Date.Before(from) && !e.Date.After(to) {
				es = append(es, e)
			}
		}
	}
	return ListEntries(es, nil)
}

// PNRCases returns the cases other than self whose active booking has the
// record locator pnr, sorted.
func PNRCases(files []*booking.CaseFile, pnr, self string) []string {
	var out []string
	if pnr == "" {
		return out
	}
	for _, f := range files {
		if b := f.ActiveBooking(); b != nil && b.PNR == pnr && f.Case.Number != self {
			out = append(out, f.Case.Number)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
