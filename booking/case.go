package booking

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Programmes movedesk knows by default; offices may configure their own list.
var Programmes = []string{"USRAP", "CA-GAR", "AU-HUM", "AVRR", "EU-REL"}

// Priorities, 1 the most urgent.
const (
	PriorityUrgent = 1
	PriorityHigh   = 2
	PriorityNormal = 3
)

// PriorityName returns "urgent", "high" or "normal".
func PriorityName(p int) string {
	switch p {
	case PriorityUrgent:
		return "urgent"
	case PriorityHigh:
		return "high"
	default:
		return "normal"
	}
}

var (
	caseNumberRE = regexp.MustCompile(`^[A-Z]{3}-[0-9]{4}-[0-9]{6}$`)
	airportRE    = regexp.MustCompile(`^[A-Z]{3}$`)
	countryRE    = regexp.MustCompile(`^[A-Z]{2,3}$`)
	officeRE     = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Case is one movement case: a family travelling together under one programme.
type Case struct {
	Number        string `json:"number"`
	Programme     string `json:"programme"`
	Office        string `json:"office"`
	OriginCity    string `json:"origin_city,omitempty"`
	OriginAirport string `json:"origin_airport,omitempty"`
	DestCity      string `json:"dest_city,omitempty"`
	DestAirport   string `json:"dest_airport,omitempty"`
	Sponsor       string `json:"sponsor,omitempty"`
	Priority      int    `json:"priority,omitempty"`
	Received      Date   `json:"received,omitzero"`
	TravelReady   Date   `json:"travel_ready,omitzero"`
	Departure     Date   `json:"departure,omitzero"`
	Assignee      string `json:"assignee,omitempty"`
	Status        Status `json:"status"`
	HeldFrom      Status `json:"held_from,omitempty"`
	StatusReason  string `json:"status_reason,omitempty"`
	ABNNumber     string `json:"abn_number,omitempty"`
	Notes         string `json:"notes,omitempty"`
	// RequestFrom is who sent the request for travel (a referring office
	// or partner) and RequestRef their reference; the request is the
	// case's Received day. Its receipt must be confirmed to the sender:
	// ReceiptConfirmed and ReceiptConfirmedBy track that.
	RequestFrom        string `json:"request_from,omitempty"`
	RequestRef         string `json:"request_ref,omitempty"`
	ReceiptConfirmed   Date   `json:"receipt_confirmed,omitzero"`
	ReceiptConfirmedBy string `json:"receipt_confirmed_by,omitempty"`
}

// ReceiptPending reports whether a request was received from someone and
// its receipt not yet confirmed to them.
func (c *Case) ReceiptPending() bool {
	return c.RequestFrom != "" && c.ReceiptConfirmed.IsZero()
}

// ConfirmReceipt records that the receipt of the request was confirmed to
// its sender by by on day on.
func (c *Case) ConfirmReceipt(by string, on Date) error {
	switch {
	case c.RequestFrom == "":
		return Errorf(EINVALID, "request_from", "case %s records no sender of the request: set request_from first", c.Number)
	case !c.ReceiptConfirmed.IsZero():
		return Errorf(ECONFLICT, "receipt_confirmed", "the receipt of the request from %s was confirmed on %s by %s", c.RequestFrom, c.ReceiptConfirmed, c.ReceiptConfirmedBy)
	case strings.TrimSpace(by) == "":
		return Errorf(EINVALID, "receipt_confirmed_by", "who confirms the receipt is required")
	}
	c.ReceiptConfirmed, c.ReceiptConfirmedBy = on, by
	return nil
}

// Kind implements Record.
func (c *Case) Kind() string { return KindCase }

// Key implements Record.
func (c *Case) Key() string { return c.Number }

// CaseNumber implements Record.
func (c *Case) CaseNumber() string { return c.Number }

// ValidCaseNumber reports whether s looks like OFF-YYYY-NNNNNN.
func ValidCaseNumber(s string) bool { return caseNumberRE.MatchString(s) }

// Validate implements Record.
func (c *Case) Validate() error {
	switch {
	case !ValidCaseNumber(c.Number):
		return Errorf(EINVALID, "number", "case number %q must look like RBA-2026-000123", c.Number)
	case !slices.Contains(Programmes, c.Programme):
		return Errorf(EINVALID, "programme", "unknown programme %q (known: %s)", c.Programme, strings.Join(Programmes, ", "))
	case !officeRE.MatchString(c.Office):
		return Errorf(EINVALID, "office", "office %q must be a 3-letter code", c.Office)
	case c.OriginAirport != "" && !airportRE.MatchString(c.OriginAirport):
		return Errorf(EINVALID, "origin_airport", "%q is not a 3-letter IATA airport code", c.OriginAirport)
	case c.DestAirport != "" && !airportRE.MatchString(c.DestAirport):
		return Errorf(EINVALID, "dest_airport", "%q is not a 3-letter IATA airport code", c.DestAirport)
	case c.Priority < 0 || c.Priority > PriorityNormal:
		return Errorf(EINVALID, "priority", "priority %d must be 1 (urgent), 2 (high) or 3 (normal)", c.Priority)
	case !slices.Contains(Statuses, c.Status):
		return Errorf(EINVALID, "status", "unknown status %q (valid: %s)", c.Status, joinStatuses(Statuses))
	case !c.TravelReady.IsZero() && !c.Received.IsZero() && c.TravelReady.Before(c.Received):
		return Errorf(EINVALID, "travel_ready", "travel-ready date %s is before the received date %s", c.TravelReady, c.Received)
	case utf8.RuneCountInString(c.Notes) > 4000:
		return Errorf(EINVALID, "notes", "notes are limited to 4000 characters")
	case utf8.RuneCountInString(c.RequestFrom) > 120 || utf8.RuneCountInString(c.RequestRef) > 60:
		return Errorf(EINVALID, "request_from", "request sender is limited to 120 characters and its reference to 60")
	case !c.ReceiptConfirmed.IsZero() && c.ReceiptConfirmedBy == "":
		return Errorf(EINVALID, "receipt_confirmed_by", "who confirmed the receipt is required with its date")
	case !c.ReceiptConfirmed.IsZero() && !c.Received.IsZero() && c.ReceiptConfirmed.Before(c.Received):
		return Errorf(EINVALID, "receipt_confirmed", "receipt confirmed on %s, before the request was received on %s", c.ReceiptConfirmed, c.Received)
	}
	return nil
}

// Sexes accepted on a traveller.
var Sexes = []string{"F", "M", "X"}

// Relationships of a traveller to the principal applicant.
var Relationships = []string{"PA", "spouse", "child", "parent", "sibling", "grandchild", "grandparent", "in-law", "other"}

// Traveller is one member of a case.
type Traveller struct {
	Case              string   `json:"case"`
	Member            int      `json:"member"`
	Principal         bool     `json:"principal,omitempty"`
	FamilyName        string   `json:"family_name"`
	GivenNames        string   `json:"given_names"`
	BirthDate         Date     `json:"birth_date,omitzero"`
	Sex               string   `json:"sex,omitempty"`
	Nationality       string   `json:"nationality,omitempty"`
	Languages         []string `json:"languages,omitempty"`
	Relationship      string   `json:"relationship,omitempty"`
	SSR               []string `json:"ssr,omitempty"`
	Vulnerabilities   []string `json:"vulnerabilities,omitempty"`
	PregnancyWeeks    int      `json:"pregnancy_weeks,omitempty"`
	PregnancyMultiple bool     `json:"pregnancy_multiple,omitempty"`
	MedicalDate       Date     `json:"medical_date,omitzero"`
	MedicalValidUntil Date     `json:"medical_valid_until,omitzero"`
	MEDIFNeeded       bool     `json:"medif_needed,omitempty"`
	EscortAdvised     bool     `json:"escort_advised,omitempty"`
}

// Kind implements Record.
func (t *Traveller) Kind() string { return KindTraveller }

// Key implements Record.
func (t *Traveller) Key() string { return TravellerKey(t.Case, t.Member) }

// CaseNumber implements Record.
func (t *Traveller) CaseNumber() string { return t.Case }

// FullName returns "FAMILY, Given".
func (t *Traveller) FullName() string { return strings.ToUpper(t.FamilyName) + ", " + t.GivenNames }

// Validate implements Record. It also normalises SSR codes.
func (t *Traveller) Validate() error {
	switch {
	case !ValidCaseNumber(t.Case):
		return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", t.Case)
	case t.Member < 1 || t.Member > 99:
		return Errorf(EINVALID, "member", "member id %d must be 1 to 99", t.Member)
	case strings.TrimSpace(t.FamilyName) == "":
		return Errorf(EINVALID, "family_name", "family name is required")
	case t.BirthDate.IsZero():
		// Without it the traveller is priced and seated as an infant of
		// age 0 (a ghost made by setting one field of a new member).
		return Errorf(EINVALID, "birth_date", "birth date is required")
	case t.Sex != "" && !slices.Contains(Sexes, t.Sex):
		return Errorf(EINVALID, "sex", "sex %q must be F, M or X", t.Sex)
	case t.Nationality != "" && !countryRE.MatchString(t.Nationality):
		return Errorf(EINVALID, "nationality", "nationality %q must be a 2- or 3-letter country code", t.Nationality)
	case t.Relationship != "" && !slices.Contains(Relationships, t.Relationship):
		return Errorf(EINVALID, "relationship", "unknown relationship %q (known: %s)", t.Relationship, strings.Join(Relationships, ", "))
	case t.PregnancyWeeks < 0 || t.PregnancyWeeks > 45:
		return Errorf(EINVALID, "pregnancy_weeks", "pregnancy weeks %d must be 0 to 45", t.PregnancyWeeks)
	case t.PregnancyWeeks > 0 && t.Sex == "M":
		return Errorf(EINVALID, "pregnancy_weeks", "pregnancy recorded for a traveller of sex M")
	case !t.BirthDate.IsZero() && t.BirthDate.After(DateOf(time.Now()).AddDays(1)):
		return Errorf(EINVALID, "birth_date", "birth date %s is in the future", t.BirthDate)
	case !t.MedicalValidUntil.IsZero() && !t.MedicalDate.IsZero() && t.MedicalValidUntil.Before(t.MedicalDate):
		return Errorf(EINVALID, "medical_valid_until", "medical clearance valid-until %s is before its date %s", t.MedicalValidUntil, t.MedicalDate)
	}
	ssr, err := ValidateSSRs("ssr", t.SSR)
	if err != nil {
		return err
	}
	if len(ssr) == 0 {
		ssr = nil
	}
	t.SSR = ssr
	return nil
}

// DocType is the kind of a travel document.
type DocType string

// Travel document types.
const (
	DocPassport       DocType = "passport"
	DocICRC           DocType = "icrc-travel-document"
	DocLaissezPasser  DocType = "laissez-passer"
	DocRefugeeTravel  DocType = "refugee-travel-document"
	DocVisa           DocType = "visa"
	DocExitPermit     DocType = "exit-permit"
	DocMedicalRecords DocType = "medical-records"
)

// DocTypes lists the accepted document types.
var DocTypes = []DocType{DocPassport, DocICRC, DocLaissezPasser, DocRefugeeTravel, DocVisa, DocExitPermit, DocMedicalRecords}

// IsTravelDocument reports whether t lets its holder board (passport or a
// passport substitute).
func (t DocType) IsTravelDocument() bool {
	return t == DocPassport || t == DocICRC || t == DocLaissezPasser || t == DocRefugeeTravel
}

// Document is one document of one traveller.
type Document struct {
	Case           string  `json:"case"`
	Member         int     `json:"member"`
	ID             string  `json:"id"`
	Type           DocType `json:"type"`
	Number         string  `json:"number,omitempty"`
	IssuingCountry string  `json:"issuing_country,omitempty"`
	IssueDate      Date    `json:"issue_date,omitzero"`
	ExpiryDate     Date    `json:"expiry_date,omitzero"`
}

// Kind implements Record.
func (d *Document) Kind() string { return KindDocument }

// Key implements Record.
func (d *Document) Key() string { return DocumentKey(d.Case, d.Member, d.ID) }

// CaseNumber implements Record.
func (d *Document) CaseNumber() string { return d.Case }

// Validate implements Record.
func (d *Document) Validate() error {
	switch {
	case !ValidCaseNumber(d.Case):
		return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", d.Case)
	case d.Member < 1 || d.Member > 99:
		return Errorf(EINVALID, "member", "member id %d must be 1 to 99", d.Member)
	case d.ID == "" || strings.ContainsAny(d.ID, "/ "):
		return Errorf(EINVALID, "id", "document id %q must be non-empty without spaces or slashes", d.ID)
	case !slices.Contains(DocTypes, d.Type):
		return Errorf(EINVALID, "type", "unknown document type %q", d.Type)
	case d.IssuingCountry != "" && !countryRE.MatchString(d.IssuingCountry):
		return Errorf(EINVALID, "issuing_country", "issuing country %q must be a 2- or 3-letter code", d.IssuingCountry)
	case !d.IssueDate.IsZero() && !d.ExpiryDate.IsZero() && d.ExpiryDate.Before(d.IssueDate):
		return Errorf(EINVALID, "expiry_date", "expiry %s is before issue %s", d.ExpiryDate, d.IssueDate)
	}
	return nil
}

// ExpiresBefore reports whether d expires before day on (a zero expiry never does).
func (d *Document) ExpiresBefore(on Date) bool {
	return !d.ExpiryDate.IsZero() && d.ExpiryDate.Before(on)
}

// Describe returns "passport P1234567 (SYR)".
func (d *Document) Describe() string {
	s := string(d.Type)
	if d.Number != "" {
		s += " " + d.Number
	}
	if d.IssuingCountry != "" {
		s += fmt.Sprintf(" (%s)", d.IssuingCountry)
	}
	return s
}

// RuleKnownAirport: a case's origin or destination airport typed by a
// user must be one of the active tariff tables' airports, or the case can
// never be priced (a typo such as ZZZ is caught at entry, not at booking).
// known reports whether the tables hold a code; tables names them.
func CheckKnownAirport(field, code string, known func(string) bool, tables string) error {
	if code == "" || known == nil || known(code) {
		return nil
	}
	return Errorf(EINVALID, field, "airport %q is not in tariff tables %s: check the code (or import tables that have it)", code, tables)
}
