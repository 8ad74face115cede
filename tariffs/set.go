package tariffs

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"movedesk/booking"
)

// Table file names, in the order they are parsed.
const (
	FileVersion  = "version.csv"
	FileAirports = "airports.csv"
	FileMCT      = "mct.csv"
	FileRates    = "rates.csv"
	FileFares    = "fares.csv"
)

// RequiredFiles are the table files every set has.
var RequiredFiles = []string{FileVersion, FileAirports, FileMCT, FileRates, FileFares}

// Files lists the table files of a set: the required ones, then the rule
// tables (OptionalFiles).
var Files = append(slices.Clone(RequiredFiles), OptionalFiles...)

// Airport is one row of airports.csv.
type Airport struct {
	Code    string `json:"code"`
	City    string `json:"city"`
	Country string `json:"country"`
	// TZName is the IANA time zone name, TZ the loaded location.
	TZName string         `json:"tz"`
	TZ     *time.Location `json:"-"`
}

// MCT is one row of mct.csv.
type MCT struct {
	Airport       string        `json:"airport"`
	Domestic      time.Duration `json:"domestic"`
	International time.Duration `json:"international"`
}

// Rate is one row of rates.csv: the USD value of one unit of Currency from
// Effective on, in millionths of a dollar so that conversion is exact.
type Rate struct {
	Currency  string       `json:"currency"`
	Effective booking.Date `json:"effective"`
	USDMicros int64        `json:"usd_micros"`
}

// String returns the rate as "1 EUR = 1.08 USD (from 2026-06-01)".
func (r Rate) String() string {
	s := "1 " + r.Currency + " = " + formatMicros(r.USDMicros) + " USD"
	if !r.Effective.IsZero() {
		s += " (from " + r.Effective.String() + ")"
	}
	return s
}

// Convert returns amount (hundredths of the rate's currency) in US cents,
// rounded half up.
func (r Rate) Convert(amount int64) int64 {
	return (amount*r.USDMicros + 500_000) / 1_000_000
}

// usdRate is the identity rate.
var usdRate = Rate{Currency: "USD", USDMicros: 1_000_000}

// Money is an amount in hundredths of a currency unit.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// String returns "EUR 123.45".
func (m Money) String() string { return m.Currency + " " + FormatAmount(m.Amount) }

// FormatAmount formats hundredths as a decimal with two places.
func FormatAmount(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	c := strconv.FormatInt(v%100, 10)
	if len(c) == 1 {
		c = "0" + c
	}
	return sign + strconv.FormatInt(v/100, 10) + "." + c
}

func formatMicros(v int64) string {
	s := strconv.FormatInt(v/1_000_000, 10) + "." + strconv.FormatInt(1_000_000+v%1_000_000, 10)[1:]
	s = strings.TrimRight(s, "0")
	if strings.HasSuffix(s, ".") {
		s += "00"
	}
	return s
}

// Baggage is a free baggage allowance.
type Baggage struct {
	Pieces int `json:"pieces"`
	Kg     int `json:"kg"`
}

// String returns "2PC 23KG".
func (b Baggage) String() string {
	return strconv.Itoa(b.Pieces) + "PC " + strconv.Itoa(b.Kg) + "KG"
}

// Fare is one row of fares.csv. Amounts are in hundredths of Currency.
type Fare struct {
	ID          string          `json:"id"`
	Carrier     string          `json:"carrier"`
	Origin      string          `json:"origin"`
	Destination string          `json:"destination"`
	Via         []string        `json:"via,omitempty"`
	Cabin       string          `json:"cabin"`
	FareBasis   string          `json:"fare_basis"`
	Pax         booking.PaxType `json:"pax"`
	Fare        int64           `json:"fare"`
	Taxes       int64           `json:"taxes"`
	Currency    string          `json:"currency"`
	Baggage     Baggage         `json:"baggage"`
	ValidFrom   booking.Date    `json:"valid_from"`
	ValidTo     booking.Date    `json:"valid_to"`
	Programme   string          `json:"programme,omitempty"`
	Notes       string          `json:"notes,omitempty"`
	// Line is the fares.csv line the row came from.
	Line int `json:"line"`
}

// ValidOn reports whether travel on d falls in the fare's validity.
func (f *Fare) ValidOn(d booking.Date) bool {
	return !d.Before(f.ValidFrom) && !d.After(f.ValidTo)
}

// Route returns "RBA-CDG-JFK".
func (f *Fare) Route() string {
	parts := append([]string{f.Origin}, f.Via...)
	return strings.Join(append(parts, f.Destination), "-")
}

// Routing is one itinerary shape the tables price: a carrier and the hubs
// between origin and destination (none for a nonstop).
type Routing struct {
	Carrier string   `json:"carrier"`
	Via     []string `json:"via,omitempty"`
}

// String returns "AF via CDG" or "AT nonstop".
func (r Routing) String() string {
	if len(r.Via) == 0 {
		return r.Carrier + " nonstop"
	}
	return r.Carrier + " via " + strings.Join(r.Via, "/")
}

// fareKey indexes fares by everything a segment chain determines.
type fareKey struct {
	carrier, origin, dest, via, cabin string
	pax                               booking.PaxType
}

// odKey indexes fares by route only, to explain why nothing matched.
type odKey struct{ origin, dest, via string }

// Set is one parsed, validated version of the tables. It is immutable and
// safe for concurrent use.
type Set struct {
	// Version and Effective come from version.csv.
	Version     string
	Effective   booking.Date
	Description string

	airports map[string]*Airport
	mct      map[string]MCT
	mctDef   MCT
	rates    map[string][]Rate // sorted by Effective
	fares    []Fare
	byKey    map[fareKey][]int32 // sorted by ValidFrom
	byOD     map[odKey][]int32
	byPair   map[[2]string][]int32 // origin, destination
	texts    map[string]string
	// Rule tables.
	carriers   map[string]*CarrierRule
	transit    []TransitRule
	holidays   map[holidayKey]Holiday
	programmes []ProgrammeRule
}

// Airport returns the airport with the given code.
func (s *Set) Airport(code string) (Airport, bool) {
	a, ok := s.airports[code]
	if !ok {
		return Airport{}, false
	}
	return *a, true
}

// Airports returns every airport, sorted by code.
func (s *Set) Airports() []Airport {
	out := make([]Airport, 0, len(s.airports))
	for _, k := range slices.Sorted(maps.Keys(s.airports)) {
		out = append(out, *s.airports[k])
	}
	return out
}

// MCT returns the minimum connection time at airport, from the airport's row
// or the "*" default row.
func (s *Set) MCT(airport string, international bool) time.Duration {
	m, ok := s.mct[airport]
	if !ok {
		m = s.mctDef
	}
	if international {
		return m.International
	}
	return m.Domestic
}

// MCTs returns the MCT rows, default row ("*") first.
func (s *Set) MCTs() []MCT {
	out := []MCT{s.mctDef}
	for _, k := range slices.Sorted(maps.Keys(s.mct)) {
		out = append(out, s.mct[k])
	}
	return out
}

// Rate returns the rate of currency in effect on d. USD always has rate 1.
func (s *Set) Rate(currency string, d booking.Date) (Rate, bool) {
	if currency == "USD" {
		return usdRate, true
	}
	rs := s.rates[currency]
	// Rates are sorted by date: the last one not after d applies.
	i, _ := slices.BinarySearchFunc(rs, d, func(r Rate, d booking.Date) int {
		if r.Effective.After(d) {
			return 1
		}
		return -1
	})
	if i == 0 {
		return Rate{}, false
	}
	return rs[i-1], true
}

// Rates returns every rate row, by currency then date.
func (s *Set) Rates() []Rate {
	var out []Rate
	for _, k := range slices.Sorted(maps.Keys(s.rates)) {
		out = append(out, s.rates[k]...)
	}
	return out
}

// Fares returns every fare row in file order. The slice must not be changed.
func (s *Set) Fares() []Fare { return s.fares }

// Len returns the number of fare rows.
func (s *Set) Len() int { return len(s.fares) }

// Text returns the CSV text of one table file, as parsed.
func (s *Set) Text(file string) string { return s.texts[file] }

// Texts returns the CSV text of every table file, by file name.
func (s *Set) Texts() map[string]string { return maps.Clone(s.texts) }

// FaresBetween returns the fares from origin to destination (any carrier or
// routing), valid on d unless d is zero, in file order.
func (s *Set) FaresBetween(origin, dest string, d booking.Date) []Fare {
	var out []Fare
	for _, i := range s.byPair[[2]string{origin, dest}] {
		if f := &s.fares[i]; d.IsZero() || f.ValidOn(d) {
			out = append(out, *f)
		}
	}
	return out
}

// Routings returns the itineraries the tables price from origin to
// destination, direct or over hubs, sorted by number of stops then carrier.
func (s *Set) Routings(from, to string) []Routing {
	seen := map[string]bool{}
	var out []Routing
	for _, i := range s.byPair[[2]string{from, to}] {
		f := &s.fares[i]
		k := f.Carrier + "|" + strings.Join(f.Via, "/")
		if !seen[k] {
			seen[k] = true
			out = append(out, Routing{Carrier: f.Carrier, Via: slices.Clone(f.Via)})
		}
	}
	slices.SortFunc(out, func(a, b Routing) int {
		if len(a.Via) != len(b.Via) {
			return len(a.Via) - len(b.Via)
		}
		if c := strings.Compare(a.Carrier, b.Carrier); c != 0 {
			return c
		}
		return strings.Compare(strings.Join(a.Via, "/"), strings.Join(b.Via, "/"))
	})
	return out
}

// Pairs returns every origin-destination pair with fares, sorted.
func (s *Set) Pairs() [][2]string {
	out := slices.Collect(maps.Keys(s.byPair))
	slices.SortFunc(out, func(a, b [2]string) int {
		return strings.Compare(a[0]+a[1], b[0]+b[1])
	})
	return out
}

// Carriers returns the carriers with fares, sorted.
func (s *Set) Carriers() []string {
	seen := map[string]bool{}
	for i := range s.fares {
		seen[s.fares[i].Carrier] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

// Periods returns the distinct validity periods of the fares, sorted.
func (s *Set) Periods() [][2]booking.Date {
	seen := map[[2]booking.Date]bool{}
	for i := range s.fares {
		seen[[2]booking.Date{s.fares[i].ValidFrom, s.fares[i].ValidTo}] = true
	}
	out := slices.Collect(maps.Keys(seen))
	slices.SortFunc(out, func(a, b [2]booking.Date) int {
		if c := a[0].Time().Compare(b[0].Time()); c != 0 {
			return c
		}
		return a[1].Time().Compare(b[1].Time())
	})
	return out
}

// lookup returns the fare for one fare component: the programme's own fare
// if there is one, else an unrestricted fare. It does not allocate.
func (s *Set) lookup(k fareKey, d booking.Date, programme string) *Fare {
	var general *Fare
	for _, i := range s.byKey[k] {
		f := &s.fares[i]
		if f.ValidFrom.After(d) {
			break
		}
		if d.After(f.ValidTo) {
			continue
		}
		switch f.Programme {
		case programme:
			if programme != "" {
				return f
			}
			general = f
		case "":
			general = f
		}
	}
	return general
}

func joinVia(via []string) string { return strings.Join(via, "/") }
