package tariffs

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"movedesk/booking"
)

// Rule table files. They are optional in a set (a version imported before
// they existed has none): a missing file is an empty table, and Rules then
// decide alone.
const (
	FileCarriers   = "carriers.csv"
	FileTransit    = "transit.csv"
	FileHolidays   = "holidays.csv"
	FileProgrammes = "programmes.csv"
)

// OptionalFiles are the table files a set may leave out.
var OptionalFiles = []string{FileCarriers, FileTransit, FileHolidays, FileProgrammes}

// CarrierRule is one row of carriers.csv: one carrier's special-handling
// policy. A field left empty in the file is unset (its Has bit is clear) and
// the configured Rules decide for it.
type CarrierRule struct {
	Carrier string `json:"carrier"`
	// Pregnancy limits in completed weeks.
	PregnancyCertificateWeek      int `json:"pregnancy_certificate_week,omitempty"`
	PregnancyNoTravelWeek         int `json:"pregnancy_no_travel_week,omitempty"`
	PregnancyNoTravelWeekMultiple int `json:"pregnancy_no_travel_week_multiple,omitempty"`
	// LapAdultMinAge is the age from which a traveller may hold a lap infant
	// or accompany a child.
	LapAdultMinAge int `json:"lap_adult_min_age,omitempty"`
	// InfantMinAgeDays is the youngest infant carried, in days.
	InfantMinAgeDays int `json:"infant_min_age_days,omitempty"`
	// UMNR ages (inclusive) and whether an UMNR may connect.
	UMNRMinAge      int  `json:"umnr_min_age,omitempty"`
	UMNRMaxAge      int  `json:"umnr_max_age,omitempty"`
	UMNRConnections bool `json:"umnr_connections,omitempty"`
	// MEDIF notice by need.
	MEDIFNotice          time.Duration `json:"medif_notice,omitempty"`
	MEDIFOxygenNotice    time.Duration `json:"medif_oxygen_notice,omitempty"`
	MEDIFStretcherNotice time.Duration `json:"medif_stretcher_notice,omitempty"`
	// StretcherSeats is how many seats a stretcher takes (and is priced).
	StretcherSeats int `json:"stretcher_seats,omitempty"`
	// WetBattery says whether wet-cell wheelchairs (WCBW) are carried;
	// BatteryNotice is the notice for any battery wheelchair.
	WetBattery    bool          `json:"wet_battery,omitempty"`
	BatteryNotice time.Duration `json:"battery_notice,omitempty"`
	Notes         string        `json:"notes,omitempty"`
	// Has names the columns the row sets.
	Has map[string]bool `json:"-"`
	// Line is the carriers.csv line of the row.
	Line int `json:"line"`
}

// carrierColumns are the columns of carriers.csv besides carrier and notes.
var carrierColumns = []string{
	"pregnancy_certificate_week", "pregnancy_no_travel_week", "pregnancy_no_travel_week_multiple",
	"lap_adult_min_age", "infant_min_age_days", "umnr_min_age", "umnr_max_age", "umnr_connections",
	"medif_notice_hours", "medif_oxygen_notice_hours", "medif_stretcher_notice_hours",
	"stretcher_seats", "wet_battery", "battery_notice_hours",
}

// TransitRule is one row of transit.csv: whether a traveller of a
// nationality (or "*") on a travel document type (or "*") needs an airport
// transit visa (ATV) to connect airside in Country. The most specific row
// applies: nationality and document, then document (an ICRC travel document
// row outranks a nationality row), then nationality, then "*" for both.
type TransitRule struct {
	Country     string          `json:"country"`
	Nationality string          `json:"nationality"`
	Document    booking.DocType `json:"document"`
	// Required: an ATV is needed; false makes the row an exemption.
	Required bool `json:"required"`
	// DestinationVisaExempts: a valid visa for the final destination's
	// country exempts (e.g. Schengen states for US, CA, GB visa holders).
	DestinationVisaExempts bool   `json:"destination_visa_exempts,omitempty"`
	Notes                  string `json:"notes,omitempty"`
	Line                   int    `json:"line"`
}

// Holiday is one row of holidays.csv: a public holiday in a country.
type Holiday struct {
	Country string       `json:"country"`
	Date    booking.Date `json:"date"`
	Name    string       `json:"name"`
}

// ProgrammeRule is one row of programmes.csv: what a programme's receiving
// side asks for arrivals in a country ("*" for any).
type ProgrammeRule struct {
	Programme string `json:"programme"`
	Country   string `json:"country"`
	// ABNWorkingDays: full working days (not weekends nor the country's
	// holidays) between the ABN and the arrival day; 0 for no rule.
	ABNWorkingDays int `json:"abn_working_days,omitempty"`
	// ArrivalDays are the weekdays arrivals are accepted; empty for any.
	ArrivalDays []time.Weekday `json:"arrival_days,omitempty"`
	// HolidayArrivals: arrivals on the country's public holidays accepted.
	HolidayArrivals bool `json:"holiday_arrivals"`
	// MaxPerFlight caps the programme's travellers on one flight, counted
	// across cases; 0 for no cap.
	MaxPerFlight int    `json:"max_per_flight,omitempty"`
	Notes        string `json:"notes,omitempty"`
	Line         int    `json:"line"`
}

// Carrier returns carrier's row of carriers.csv.
func (s *Set) Carrier(code string) (CarrierRule, bool) {
	c, ok := s.carriers[code]
	if !ok {
		return CarrierRule{}, false
	}
	return *c, true
}

// CarrierRules returns the rows of carriers.csv, sorted by carrier.
func (s *Set) CarrierRules() []CarrierRule {
	out := make([]CarrierRule, 0, len(s.carriers))
	for _, k := range slices.Sorted(maps.Keys(s.carriers)) {
		out = append(out, *s.carriers[k])
	}
	return out
}

// TransitRules returns the rows of transit.csv in file order.
func (s *Set) TransitRules() []TransitRule { return slices.Clone(s.transit) }

// Holidays returns the rows of holidays.csv, by country then date.
func (s *Set) Holidays() []Holiday {
	out := slices.Collect(maps.Values(s.holidays))
	slices.SortFunc(out, func(a, b Holiday) int {
		if c := strings.Compare(a.Country, b.Country); c != 0 {
			return c
		}
		return a.Date.Time().Compare(b.Date.Time())
	})
	return out
}

// IsHoliday reports whether d is a public holiday in country.
func (s *Set) IsHoliday(country string, d booking.Date) bool {
	_, ok := s.holidays[holidayKey{country, d}]
	return ok
}

// ProgrammeRules returns the rows of programmes.csv in file order.
func (s *Set) ProgrammeRules() []ProgrammeRule { return slices.Clone(s.programmes) }

// programmeRule returns the row for programme arriving in country: the
// country's own, else the programme's "*" row.
func (s *Set) programmeRule(programme, country string) *ProgrammeRule {
	var any *ProgrammeRule
	for i := range s.programmes {
		p := &s.programmes[i]
		if p.Programme != programme {
			continue
		}
		if p.Country == country {
			return p
		}
		if p.Country == "*" {
			any = p
		}
	}
	return any
}

// transitRule returns the most specific transit.csv row for a traveller of
// nationality on a document of type doc connecting in country, or nil.
func (s *Set) transitRule(country, nationality string, doc booking.DocType) *TransitRule {
	var best *TransitRule
	bestScore := -1
	for i := range s.transit {
		r := &s.transit[i]
		if r.Country != country {
			continue
		}
		score := 0
		switch {
		case r.Nationality == nationality && nationality != "":
			score++
		case r.Nationality != "*":
			continue
		}
		switch {
		case r.Document == doc && doc != "":
			score += 2
		case r.Document != "*":
			continue
		}
		if score > bestScore {
			best, bestScore = r, score
		}
	}
	return best
}

type holidayKey struct {
	country string
	date    booking.Date
}

// yesNo reads yes/no (also true/false, y/n, 1/0); empty is unset.
func (r *row) yesNo(name string) (v, set, ok bool) {
	switch strings.ToLower(r.get(name)) {
	case "":
		return false, false, true
	case "yes", "y", "true", "1":
		return true, true, true
	case "no", "n", "false", "0":
		return false, true, true
	}
	r.errf(name, "%q must be yes or no", r.get(name))
	return false, false, false
}

func (p *parser) parseCarriers(text string, files map[string]string) {
	if _, ok := files[FileCarriers]; !ok {
		return
	}
	t := p.read(FileCarriers, text, []string{"carrier"}, append(slices.Clone(carrierColumns), "notes"))
	lines := map[string]int{}
	for i := range t.rows {
		r := &t.rows[i]
		c := &CarrierRule{Line: r.line, Has: map[string]bool{}}
		code, ok := r.code("carrier", 2, true)
		if ok && lines[code] != 0 {
			r.errf("carrier", "carrier %s already has a row on line %d", code, lines[code])
			ok = false
		}
		if code != "" && lines[code] == 0 {
			lines[code] = r.line
		}
		c.Carrier = code
		ints := []struct {
			col    string
			lo, hi int
			dst    *int
		}{
			{"pregnancy_certificate_week", 1, 45, &c.PregnancyCertificateWeek},
			{"pregnancy_no_travel_week", 1, 45, &c.PregnancyNoTravelWeek},
			{"pregnancy_no_travel_week_multiple", 1, 45, &c.PregnancyNoTravelWeekMultiple},
			{"lap_adult_min_age", 12, 21, &c.LapAdultMinAge},
			{"infant_min_age_days", 0, 365, &c.InfantMinAgeDays},
			{"umnr_min_age", 0, 17, &c.UMNRMinAge},
			{"umnr_max_age", 0, 17, &c.UMNRMaxAge},
			{"stretcher_seats", 1, 9, &c.StretcherSeats},
		}
		for _, f := range ints {
			if r.get(f.col) == "" {
				continue
			}
			v, b := r.intIn(f.col, f.lo, f.hi, 0)
			if !b {
				ok = false
				continue
			}
			*f.dst, c.Has[f.col] = v, true
		}
		durs := []struct {
			col string
			dst *time.Duration
		}{
			{"medif_notice_hours", &c.MEDIFNotice},
			{"medif_oxygen_notice_hours", &c.MEDIFOxygenNotice},
			{"medif_stretcher_notice_hours", &c.MEDIFStretcherNotice},
			{"battery_notice_hours", &c.BatteryNotice},
		}
		for _, f := range durs {
			if r.get(f.col) == "" {
				continue
			}
			v, b := r.intIn(f.col, 0, 720, 0)
			if !b {
				ok = false
				continue
			}
			*f.dst, c.Has[f.col] = time.Duration(v)*time.Hour, true
		}
		for _, f := range []struct {
			col string
			dst *bool
		}{{"umnr_connections", &c.UMNRConnections}, {"wet_battery", &c.WetBattery}} {
			v, set, b := r.yesNo(f.col)
			if !b {
				ok = false
			}
			if set {
				*f.dst, c.Has[f.col] = v, true
			}
		}
		if c.Has["pregnancy_certificate_week"] && c.Has["pregnancy_no_travel_week"] && c.PregnancyNoTravelWeek < c.PregnancyCertificateWeek {
			r.errf("pregnancy_no_travel_week", "week %d is before pregnancy_certificate_week %d", c.PregnancyNoTravelWeek, c.PregnancyCertificateWeek)
			ok = false
		}
		if c.Has["pregnancy_no_travel_week"] && c.Has["pregnancy_no_travel_week_multiple"] && c.PregnancyNoTravelWeekMultiple > c.PregnancyNoTravelWeek {
			r.errf("pregnancy_no_travel_week_multiple", "week %d is after pregnancy_no_travel_week %d", c.PregnancyNoTravelWeekMultiple, c.PregnancyNoTravelWeek)
			ok = false
		}
		if c.Has["umnr_min_age"] && c.Has["umnr_max_age"] && c.UMNRMaxAge < c.UMNRMinAge {
			r.errf("umnr_max_age", "age %d is below umnr_min_age %d", c.UMNRMaxAge, c.UMNRMinAge)
			ok = false
		}
		c.Notes = r.get("notes")
		if len(c.Notes) > 200 {
			r.errf("notes", "notes are limited to 200 characters")
			ok = false
		}
		if ok {
			p.s.carriers[code] = c
		}
	}
}

// nationalityCode reports whether v is a 2- or 3-letter country code.
func nationalityCode(v string) bool { return isCode(v, 2, false) || isCode(v, 3, false) }

func (p *parser) parseTransit(text string, files map[string]string) {
	if _, ok := files[FileTransit]; !ok {
		return
	}
	t := p.read(FileTransit, text, []string{"country", "nationality", "document", "atv"}, []string{"destination_visa_exempts", "notes"})
	lines := map[[3]string]int{}
	p.s.transit = make([]TransitRule, 0, len(t.rows))
	for i := range t.rows {
		r := &t.rows[i]
		tr := TransitRule{Line: r.line}
		var ok bool
		tr.Country, ok = r.code("country", 2, false)
		tr.Nationality = strings.ToUpper(r.get("nationality"))
		if tr.Nationality != "*" && !nationalityCode(tr.Nationality) {
			r.errf("nationality", "%q must be a 2- or 3-letter country code or *", tr.Nationality)
			ok = false
		}
		tr.Document = booking.DocType(strings.ToLower(r.get("document")))
		if tr.Document != "*" && !tr.Document.IsTravelDocument() {
			r.errf("document", "%q must be a travel document type (passport, icrc-travel-document, laissez-passer, refugee-travel-document) or *", tr.Document)
			ok = false
		}
		switch strings.ToLower(r.get("atv")) {
		case "required":
			tr.Required = true
		case "exempt":
		default:
			r.errf("atv", "%q must be required or exempt", r.get("atv"))
			ok = false
		}
		v, _, b := r.yesNo("destination_visa_exempts")
		tr.DestinationVisaExempts = v
		tr.Notes = r.get("notes")
		if len(tr.Notes) > 200 {
			r.errf("notes", "notes are limited to 200 characters")
			ok = false
		}
		k := [3]string{tr.Country, tr.Nationality, string(tr.Document)}
		if ok && lines[k] != 0 {
			r.errf("nationality", "%s %s %s already has a row on line %d", tr.Country, tr.Nationality, tr.Document, lines[k])
			continue
		}
		if ok && b {
			lines[k] = r.line
			p.s.transit = append(p.s.transit, tr)
		}
	}
}

func (p *parser) parseHolidays(text string, files map[string]string) {
	if _, ok := files[FileHolidays]; !ok {
		return
	}
	t := p.read(FileHolidays, text, []string{"country", "date"}, []string{"name"})
	lines := map[holidayKey]int{}
	for i := range t.rows {
		r := &t.rows[i]
		c, ok := r.code("country", 2, false)
		d, dok := r.date("date")
		name := r.get("name")
		if len(name) > 100 {
			r.errf("name", "name is limited to 100 characters")
			ok = false
		}
		if !ok || !dok {
			continue
		}
		k := holidayKey{c, d}
		if lines[k] != 0 {
			r.errf("date", "%s %s already listed on line %d", c, d, lines[k])
			continue
		}
		lines[k] = r.line
		p.s.holidays[k] = Holiday{Country: c, Date: d, Name: name}
	}
}

var weekdayNames = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// parseWeekdays reads "Mon/Tue/Wed" or a range "Mon-Thu".
func parseWeekdays(v string) ([]time.Weekday, error) {
	var out []time.Weekday
	for _, part := range strings.Split(v, "/") {
		part = strings.ToLower(strings.TrimSpace(part))
		lo, hi, isRange := strings.Cut(part, "-")
		a, ok := weekdayNames[lo]
		if !ok {
			return nil, fmt.Errorf("%q is not a weekday (Mon, Tue, ... Sun)", lo)
		}
		b := a
		if isRange {
			if b, ok = weekdayNames[hi]; !ok {
				return nil, fmt.Errorf("%q is not a weekday (Mon, Tue, ... Sun)", hi)
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
			if d == b {
				break
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

func (p *parser) parseProgrammes(text string, files map[string]string) {
	if _, ok := files[FileProgrammes]; !ok {
		return
	}
	t := p.read(FileProgrammes, text, []string{"programme", "country"},
		[]string{"abn_working_days", "arrival_days", "holiday_arrivals", "max_per_flight", "notes"})
	lines := map[[2]string]int{}
	for i := range t.rows {
		r := &t.rows[i]
		pr := ProgrammeRule{Line: r.line, HolidayArrivals: true}
		ok := true
		pr.Programme = strings.ToUpper(r.get("programme"))
		if !slices.Contains(booking.Programmes, pr.Programme) {
			r.errf("programme", "unknown programme %q (known: %s)", pr.Programme, strings.Join(booking.Programmes, ", "))
			ok = false
		}
		pr.Country = strings.ToUpper(r.get("country"))
		if pr.Country != "*" && !isCode(pr.Country, 2, false) {
			r.errf("country", "%q must be 2 letters or * (any country)", pr.Country)
			ok = false
		}
		var b bool
		pr.ABNWorkingDays, b = r.intIn("abn_working_days", 0, 60, 0)
		ok = ok && b
		pr.MaxPerFlight, b = r.intIn("max_per_flight", 0, 999, 0)
		ok = ok && b
		if v := r.get("arrival_days"); v != "" {
			days, err := parseWeekdays(v)
			if err != nil {
				r.errf("arrival_days", "%v", err)
				ok = false
			}
			pr.ArrivalDays = days
		}
		if v, set, b := r.yesNo("holiday_arrivals"); !b {
			ok = false
		} else if set {
			pr.HolidayArrivals = v
		}
		pr.Notes = r.get("notes")
		if len(pr.Notes) > 200 {
			r.errf("notes", "notes are limited to 200 characters")
			ok = false
		}
		k := [2]string{pr.Programme, pr.Country}
		if ok && lines[k] != 0 {
			r.errf("country", "programme %s already has a row for %s on line %d", pr.Programme, pr.Country, lines[k])
			continue
		}
		if ok {
			lines[k] = r.line
			p.s.programmes = append(p.s.programmes, pr)
		}
	}
}

// ParseProgrammeRules reads a programmes.csv alone (what a flight's caps
// need), without the rest of a version: errors as Parse gives them.
func ParseProgrammeRules(text string) ([]ProgrammeRule, error) {
	p := &parser{broken: map[string]bool{}, s: &Set{texts: map[string]string{}}}
	p.parseProgrammes(text, map[string]string{FileProgrammes: text})
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return slices.Clone(p.s.programmes), nil
}
