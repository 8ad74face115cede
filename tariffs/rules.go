package tariffs

import (
	"fmt"
	"slices"
	"time"

	"movedesk/booking"
)

// Severity says whether a finding stops a booking.
type Severity string

// Severities. SeverityOff is only used in Rules.Severity, to silence a rule.
const (
	Blocking    Severity = "blocking"
	Warning     Severity = "warning"
	SeverityOff Severity = "off"
)

// Finding codes, one per named rule outcome.
const (
	// Tariff rule.
	CodeNoTariffSet     = "no-tariff-set"     // no table set to quote against
	CodeNoTariffRoute   = "no-tariff-route"   // no fare for the origin, destination and routing
	CodeNoTariffCarrier = "no-tariff-carrier" // the route has fares, not on this carrier
	CodeNoTariffCabin   = "no-tariff-cabin"   // carrier fares exist, not in this cabin
	CodeNoTariffPax     = "no-tariff-pax"     // no fare for the passenger type
	CodeNoTariffDate    = "no-tariff-date"    // no fare valid on the travel date
	CodeTariffProgramme = "tariff-programme"  // the only fares are restricted to another programme
	// Itinerary rule.
	CodeItinerary          = "itinerary"           // segments unknown, disconnected or arriving before departing
	CodeScheduleIncomplete = "schedule-incomplete" // a time is missing, so a connection cannot be checked
	// Infant rule.
	CodeInfantUnaccompanied = "infant-unaccompanied" // lap infant with no adult travelling
	CodeLapInfants          = "lap-infants"          // more lap infants than adults
	CodeInfantTurnsTwo      = "infant-turns-two"     // child fare and own seat for the whole trip
	CodeBirthDateMissing    = "birth-date-missing"   // priced as ADT
	// Connection rule.
	CodeMCT         = "mct"          // connection shorter than the airport's MCT
	CodeMCTAssisted = "mct-assisted" // shorter than MCT plus the assisted-traveller margin
	// Pregnancy rule.
	CodePregnancyCertificate = "pregnancy-certificate" // fitness certificate needed
	CodePregnancyNoTravel    = "pregnancy-no-travel"   // too late in pregnancy to fly
	CodeInfantTooYoung       = "infant-too-young"      // younger than the carrier carries
	// Unaccompanied minor rule: a child with no adult nor escort seat.
	CodeUMNRConnection = "umnr-connection" // an UMNR on a connection the carrier refuses
	CodeUMNRNeeded     = "umnr-needed"     // a child of UMNR age alone without the UMNR service
	CodeMinorAlone     = "minor-alone"     // a child too young to fly alone
	// MEDIF rule.
	CodeMEDIFLate = "medif-late"
	// Special handling rules.
	CodeStretcherSeats          = "stretcher-seats"           // a stretcher priced as several seats
	CodeWheelchairBattery       = "wheelchair-battery"        // wet-cell battery not carried
	CodeWheelchairBatteryNotice = "wheelchair-battery-notice" // battery chair booked too late
	// Booking rules.
	CodeDeparturePast       = "departure-past"        // the first flight left before the booking
	CodeItineraryDest       = "itinerary-destination" // the itinerary does not end at the case's destination
	CodeMemberLeftOff       = "member-left-off"       // a case member is not on the booking
	CodeDOCSIncomplete      = "docs-incomplete"       // passenger data (DOCS) missing for a US/Canada flight
	CodeICRCEntryVisa       = "icrc-entry-visa"       // ICRC travel document without the entry visa
	CodeICRCOneJourney      = "icrc-one-journey"      // ICRC travel document on a return or onward journey
	CodeTransitVisa         = "transit-visa"          // airport transit (or entry) visa missing at a connection
	CodeLayoverLong         = "layover-long"          // connection longer than max_layover
	CodeTransitOvernight    = "transit-overnight"     // overnight connection: transit assistance needed
	CodeAirportChange       = "airport-change"        // connection changes airport within a city
	CodeProgrammeABNNotice  = "programme-abn-notice"  // fewer working days before arrival than the programme asks
	CodeProgrammeArrivalDay = "programme-arrival-day" // arrival on a weekday or holiday the programme refuses
	CodeProgrammeFlightCap  = "programme-flight-cap"  // more of the programme's travellers on one flight than allowed
	// Document rules.
	CodeTravelDocumentMissing = "travel-document-missing"
	CodeTravelDocumentExpired = "travel-document-expired"
	CodeDocumentExpired       = "document-expired" // visa or exit permit
	CodeMedicalMissing        = "medical-clearance-missing"
	CodeMedicalExpired        = "medical-clearance-expired"
)

// Rules holds the thresholds of the travel rules. The zero value is not
// useful: start from DefaultRules. Field tags are the config keys.
type Rules struct {
	// AssistedMargin is added to the MCT for travellers with one of
	// AssistedSSRs or an escort advised.
	AssistedMargin time.Duration `mapstructure:"assisted_mct_margin" yaml:"assisted_mct_margin" json:"assisted_mct_margin"`
	AssistedSSRs   []string      `mapstructure:"assisted_ssrs" yaml:"assisted_ssrs" json:"assisted_ssrs"`
	// LapAdultMinAge is the age from which a traveller can hold a lap
	// infant (model: most carriers ask 16).
	LapAdultMinAge int `mapstructure:"lap_adult_min_age" yaml:"lap_adult_min_age" json:"lap_adult_min_age"`
	// Pregnancy thresholds in completed weeks, judged on the travel date.
	PregnancyCertificateWeek      int `mapstructure:"pregnancy_certificate_week" yaml:"pregnancy_certificate_week" json:"pregnancy_certificate_week"`
	PregnancyCertificateMaxDays   int `mapstructure:"pregnancy_certificate_max_days" yaml:"pregnancy_certificate_max_days" json:"pregnancy_certificate_max_days"`
	PregnancyNoTravelWeek         int `mapstructure:"pregnancy_no_travel_week" yaml:"pregnancy_no_travel_week" json:"pregnancy_no_travel_week"`
	PregnancyNoTravelWeekMultiple int `mapstructure:"pregnancy_no_travel_week_multiple" yaml:"pregnancy_no_travel_week_multiple" json:"pregnancy_no_travel_week_multiple"`
	// MEDIFNotice is how long before departure the MEDIF must reach the
	// airline; MEDIFSSRs need one even when MEDIFNeeded is not set.
	MEDIFNotice time.Duration `mapstructure:"medif_notice" yaml:"medif_notice" json:"medif_notice"`
	MEDIFSSRs   []string      `mapstructure:"medif_ssrs" yaml:"medif_ssrs" json:"medif_ssrs"`
	// MEDIFOxygenNotice and MEDIFStretcherNotice replace MEDIFNotice for
	// oxygen (OXYG, POCS) and stretcher (STCR) travellers.
	MEDIFOxygenNotice    time.Duration `mapstructure:"medif_oxygen_notice" yaml:"medif_oxygen_notice" json:"medif_oxygen_notice"`
	MEDIFStretcherNotice time.Duration `mapstructure:"medif_stretcher_notice" yaml:"medif_stretcher_notice" json:"medif_stretcher_notice"`
	// InfantMinAgeDays is the youngest infant carried, in days on the
	// flight date.
	InfantMinAgeDays int `mapstructure:"infant_min_age_days" yaml:"infant_min_age_days" json:"infant_min_age_days"`
	// UMNRMinAge and UMNRMaxAge bound the unaccompanied-minor service: a
	// younger child cannot fly without an adult, an older one flies alone.
	// UMNRConnections says whether an UMNR may connect.
	UMNRMinAge      int  `mapstructure:"umnr_min_age" yaml:"umnr_min_age" json:"umnr_min_age"`
	UMNRMaxAge      int  `mapstructure:"umnr_max_age" yaml:"umnr_max_age" json:"umnr_max_age"`
	UMNRConnections bool `mapstructure:"umnr_connections" yaml:"umnr_connections" json:"umnr_connections"`
	// StretcherSeats is how many seats a stretcher takes and is priced.
	StretcherSeats int `mapstructure:"stretcher_seats" yaml:"stretcher_seats" json:"stretcher_seats"`
	// WetBattery says whether wet-cell wheelchairs (WCBW) are carried;
	// BatteryNotice is the notice any battery wheelchair needs.
	WetBattery    bool          `mapstructure:"wet_battery" yaml:"wet_battery" json:"wet_battery"`
	BatteryNotice time.Duration `mapstructure:"battery_notice" yaml:"battery_notice" json:"battery_notice"`
	// MaxLayover is the longest connection without a finding;
	// OvernightMinLayover the shortest connection across local midnight
	// that counts as an overnight (transit assistance, a place to stay).
	MaxLayover          time.Duration `mapstructure:"max_layover" yaml:"max_layover" json:"max_layover"`
	OvernightMinLayover time.Duration `mapstructure:"overnight_min_layover" yaml:"overnight_min_layover" json:"overnight_min_layover"`
	// DOCSCountries are the countries whose flights (to or from) need
	// complete passenger data (SSR DOCS / APIS).
	DOCSCountries []string `mapstructure:"docs_countries" yaml:"docs_countries" json:"docs_countries"`
	// DocumentMarginDays is how many days past the travel date documents
	// must stay valid.
	DocumentMarginDays int `mapstructure:"document_margin_days" yaml:"document_margin_days" json:"document_margin_days"`
	// DepartureToleranceDays is how many days before the first flight's
	// date the departure notice may be issued (a desk may send it the
	// evening before an early flight).
	DepartureToleranceDays int `mapstructure:"departure_tolerance_days" yaml:"departure_tolerance_days" json:"departure_tolerance_days"`
	// Severity overrides the severity of finding codes; "off" drops them.
	Severity map[string]Severity `mapstructure:"severity" yaml:"severity" json:"severity,omitempty"`
}

// DefaultRules returns the thresholds of the HIT handbook and airline
// practice (see DOMAIN.md).
func DefaultRules() Rules {
	return Rules{
		AssistedMargin:                30 * time.Minute,
		AssistedSSRs:                  []string{"WCHC", "STCR"},
		LapAdultMinAge:                16,
		PregnancyCertificateWeek:      28,
		PregnancyCertificateMaxDays:   10,
		PregnancyNoTravelWeek:         36,
		PregnancyNoTravelWeekMultiple: 32,
		MEDIFNotice:                   48 * time.Hour,
		MEDIFSSRs:                     []string{"OXYG", "POCS", "STCR", "MEDA"},
		MEDIFOxygenNotice:             72 * time.Hour,
		MEDIFStretcherNotice:          72 * time.Hour,
		InfantMinAgeDays:              7,
		UMNRMinAge:                    5,
		UMNRMaxAge:                    11,
		StretcherSeats:                6,
		WetBattery:                    true,
		BatteryNotice:                 48 * time.Hour,
		MaxLayover:                    24 * time.Hour,
		OvernightMinLayover:           4 * time.Hour,
		DOCSCountries:                 []string{"US", "CA"},
		DepartureToleranceDays:        1,
	}
}

// Validate checks the thresholds and names the first bad key.
func (r *Rules) Validate() error {
	switch {
	case r.AssistedMargin < 0 || r.AssistedMargin > 24*time.Hour:
		return booking.Errorf(booking.EINVALID, "assisted_mct_margin", "margin %v must be 0 to 24h", r.AssistedMargin)
	case r.LapAdultMinAge < 12 || r.LapAdultMinAge > 21:
		return booking.Errorf(booking.EINVALID, "lap_adult_min_age", "age %d must be 12 to 21", r.LapAdultMinAge)
	case r.PregnancyCertificateWeek < 1 || r.PregnancyCertificateWeek > 45:
		return booking.Errorf(booking.EINVALID, "pregnancy_certificate_week", "week %d must be 1 to 45", r.PregnancyCertificateWeek)
	case r.PregnancyNoTravelWeek < r.PregnancyCertificateWeek || r.PregnancyNoTravelWeek > 45:
		return booking.Errorf(booking.EINVALID, "pregnancy_no_travel_week", "week %d must be from pregnancy_certificate_week (%d) to 45", r.PregnancyNoTravelWeek, r.PregnancyCertificateWeek)
	case r.PregnancyNoTravelWeekMultiple < 1 || r.PregnancyNoTravelWeekMultiple > r.PregnancyNoTravelWeek:
		return booking.Errorf(booking.EINVALID, "pregnancy_no_travel_week_multiple", "week %d must be 1 to pregnancy_no_travel_week (%d)", r.PregnancyNoTravelWeekMultiple, r.PregnancyNoTravelWeek)
	case r.PregnancyCertificateMaxDays < 0:
		return booking.Errorf(booking.EINVALID, "pregnancy_certificate_max_days", "days %d must not be negative", r.PregnancyCertificateMaxDays)
	case r.MEDIFNotice < 0:
		return booking.Errorf(booking.EINVALID, "medif_notice", "notice %v must not be negative", r.MEDIFNotice)
	case r.MEDIFOxygenNotice < 0:
		return booking.Errorf(booking.EINVALID, "medif_oxygen_notice", "notice %v must not be negative", r.MEDIFOxygenNotice)
	case r.MEDIFStretcherNotice < 0:
		return booking.Errorf(booking.EINVALID, "medif_stretcher_notice", "notice %v must not be negative", r.MEDIFStretcherNotice)
	case r.InfantMinAgeDays < 0 || r.InfantMinAgeDays > 365:
		return booking.Errorf(booking.EINVALID, "infant_min_age_days", "days %d must be 0 to 365", r.InfantMinAgeDays)
	case r.UMNRMinAge < 0 || r.UMNRMinAge > 17:
		return booking.Errorf(booking.EINVALID, "umnr_min_age", "age %d must be 0 to 17", r.UMNRMinAge)
	case r.UMNRMaxAge < r.UMNRMinAge || r.UMNRMaxAge > 17:
		return booking.Errorf(booking.EINVALID, "umnr_max_age", "age %d must be from umnr_min_age (%d) to 17", r.UMNRMaxAge, r.UMNRMinAge)
	case r.StretcherSeats < 1 || r.StretcherSeats > 9:
		return booking.Errorf(booking.EINVALID, "stretcher_seats", "seats %d must be 1 to 9", r.StretcherSeats)
	case r.BatteryNotice < 0:
		return booking.Errorf(booking.EINVALID, "battery_notice", "notice %v must not be negative", r.BatteryNotice)
	case r.MaxLayover <= 0:
		return booking.Errorf(booking.EINVALID, "max_layover", "layover %v must be positive", r.MaxLayover)
	case r.OvernightMinLayover < 0 || r.OvernightMinLayover > 24*time.Hour:
		return booking.Errorf(booking.EINVALID, "overnight_min_layover", "layover %v must be 0 to 24h", r.OvernightMinLayover)
	case r.DocumentMarginDays < 0:
		return booking.Errorf(booking.EINVALID, "document_margin_days", "days %d must not be negative", r.DocumentMarginDays)
	case r.DepartureToleranceDays < 0 || r.DepartureToleranceDays > 30:
		return booking.Errorf(booking.EINVALID, "departure_tolerance_days", "days %d must be 0 to 30", r.DepartureToleranceDays)
	}
	for _, list := range []struct {
		key   string
		codes []string
	}{{"assisted_ssrs", r.AssistedSSRs}, {"medif_ssrs", r.MEDIFSSRs}} {
		if _, err := booking.ValidateSSRs(list.key, list.codes); err != nil {
			return err
		}
	}
	for i, c := range r.DOCSCountries {
		if !isCode(c, 2, false) {
			return booking.Errorf(booking.EINVALID, fmt.Sprintf("docs_countries.%d", i), "%q must be a 2-letter country code", c)
		}
	}
	for code, sev := range r.Severity {
		if !slices.Contains(AllCodes, code) {
			return booking.Errorf(booking.EINVALID, "severity."+code, "unknown finding code %q", code)
		}
		if sev != Blocking && sev != Warning && sev != SeverityOff {
			return booking.Errorf(booking.EINVALID, "severity."+code, "severity %q must be blocking, warning or off", sev)
		}
	}
	return nil
}

// AllCodes lists every finding code.
var AllCodes = []string{
	CodeNoTariffSet, CodeNoTariffRoute, CodeNoTariffCarrier, CodeNoTariffCabin, CodeNoTariffPax,
	CodeNoTariffDate, CodeTariffProgramme, CodeItinerary, CodeScheduleIncomplete,
	CodeInfantUnaccompanied, CodeLapInfants, CodeInfantTurnsTwo, CodeBirthDateMissing,
	CodeMCT, CodeMCTAssisted, CodePregnancyCertificate, CodePregnancyNoTravel,
	CodeUMNRConnection, CodeMEDIFLate, CodeTravelDocumentMissing, CodeTravelDocumentExpired,
	CodeDocumentExpired, CodeMedicalMissing, CodeMedicalExpired,
	CodeInfantTooYoung, CodeUMNRNeeded, CodeMinorAlone, CodeStretcherSeats, CodeWheelchairBattery,
	CodeWheelchairBatteryNotice, CodeDeparturePast, CodeItineraryDest, CodeMemberLeftOff, CodeDOCSIncomplete,
	CodeICRCEntryVisa, CodeICRCOneJourney, CodeTransitVisa, CodeLayoverLong, CodeTransitOvernight,
	CodeAirportChange, CodeProgrammeABNNotice, CodeProgrammeArrivalDay, CodeProgrammeFlightCap,
}

// CarrierPolicy is what one carrier's special-handling rules come to: its
// carriers.csv row where it sets a value, the configured Rules elsewhere.
type CarrierPolicy struct {
	Carrier                       string
	FromTable                     bool // the carrier has a row
	PregnancyCertificateWeek      int
	PregnancyNoTravelWeek         int
	PregnancyNoTravelWeekMultiple int
	LapAdultMinAge                int
	InfantMinAgeDays              int
	UMNRMinAge, UMNRMaxAge        int
	UMNRConnections               bool
	MEDIFNotice                   time.Duration
	MEDIFOxygenNotice             time.Duration
	MEDIFStretcherNotice          time.Duration
	StretcherSeats                int
	WetBattery                    bool
	BatteryNotice                 time.Duration
}

// Policy returns the policy of carrier under r and the carriers table of
// set (nil: r alone).
func (r *Rules) Policy(set *Set, carrier string) CarrierPolicy {
	p := CarrierPolicy{Carrier: carrier,
		PregnancyCertificateWeek: r.PregnancyCertificateWeek, PregnancyNoTravelWeek: r.PregnancyNoTravelWeek,
		PregnancyNoTravelWeekMultiple: r.PregnancyNoTravelWeekMultiple, LapAdultMinAge: r.LapAdultMinAge,
		InfantMinAgeDays: r.InfantMinAgeDays, UMNRMinAge: r.UMNRMinAge, UMNRMaxAge: r.UMNRMaxAge,
		UMNRConnections: r.UMNRConnections, MEDIFNotice: r.MEDIFNotice, MEDIFOxygenNotice: r.MEDIFOxygenNotice,
		MEDIFStretcherNotice: r.MEDIFStretcherNotice, StretcherSeats: r.StretcherSeats, WetBattery: r.WetBattery,
		BatteryNotice: r.BatteryNotice}
	if set == nil {
		return p
	}
	c := set.carriers[carrier]
	if c == nil {
		return p
	}
	p.FromTable = true
	setInt := func(col string, dst *int, v int) {
		if c.Has[col] {
			*dst = v
		}
	}
	setInt("pregnancy_certificate_week", &p.PregnancyCertificateWeek, c.PregnancyCertificateWeek)
	setInt("pregnancy_no_travel_week", &p.PregnancyNoTravelWeek, c.PregnancyNoTravelWeek)
	setInt("pregnancy_no_travel_week_multiple", &p.PregnancyNoTravelWeekMultiple, c.PregnancyNoTravelWeekMultiple)
	setInt("lap_adult_min_age", &p.LapAdultMinAge, c.LapAdultMinAge)
	setInt("infant_min_age_days", &p.InfantMinAgeDays, c.InfantMinAgeDays)
	setInt("umnr_min_age", &p.UMNRMinAge, c.UMNRMinAge)
	setInt("umnr_max_age", &p.UMNRMaxAge, c.UMNRMaxAge)
	setInt("stretcher_seats", &p.StretcherSeats, c.StretcherSeats)
	setDur := func(col string, dst *time.Duration, v time.Duration) {
		if c.Has[col] {
			*dst = v
		}
	}
	setDur("medif_notice_hours", &p.MEDIFNotice, c.MEDIFNotice)
	setDur("medif_oxygen_notice_hours", &p.MEDIFOxygenNotice, c.MEDIFOxygenNotice)
	setDur("medif_stretcher_notice_hours", &p.MEDIFStretcherNotice, c.MEDIFStretcherNotice)
	setDur("battery_notice_hours", &p.BatteryNotice, c.BatteryNotice)
	if c.Has["umnr_connections"] {
		p.UMNRConnections = c.UMNRConnections
	}
	if c.Has["wet_battery"] {
		p.WetBattery = c.WetBattery
	}
	return p
}

// Finding is one rule outcome. Traveller is a member id and Segment a
// 1-based segment number (as in booking's "segments.N" fields); either is 0
// when the finding does not concern one. Escort is a 1-based escort seat.
type Finding struct {
	Code      string   `json:"code"`
	Severity  Severity `json:"severity"`
	Traveller int      `json:"traveller,omitempty"`
	Escort    int      `json:"escort,omitempty"`
	Segment   int      `json:"segment,omitempty"`
	Message   string   `json:"message"`
}

// String returns "blocking mct (segment 2): message".
func (f Finding) String() string {
	s := string(f.Severity) + " " + f.Code
	var at []string
	if f.Traveller != 0 {
		at = append(at, fmt.Sprintf("traveller %d", f.Traveller))
	}
	if f.Escort != 0 {
		at = append(at, fmt.Sprintf("escort %d", f.Escort))
	}
	if f.Segment != 0 {
		at = append(at, fmt.Sprintf("segment %d", f.Segment))
	}
	if len(at) > 0 {
		s += " (" + joinComma(at) + ")"
	}
	return s + ": " + f.Message
}

func joinComma(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
