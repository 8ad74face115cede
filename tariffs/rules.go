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
	// Unaccompanied minor rule.
	CodeUMNRConnection = "umnr-connection"
	// MEDIF rule.
	CodeMEDIFLate = "medif-late"
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
		MEDIFSSRs:                     []string{"OXYG", "STCR", "MEDA"},
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
