package booking

import (
	"fmt"
	"strings"
)

// Record is anything the store keeps and the change log ships. Every record
// is a flat JSON object: its top-level keys are the fields a change names.
type Record interface {
	// Kind names the record type ("case", "traveller", ...).
	Kind() string
	// Key is the record's unique store key. Records of a case start with the
	// case number and a slash, so one prefix scan reads a whole case file.
	Key() string
	// CaseNumber is the case the record belongs to, or "" for shared records.
	CaseNumber() string
	// Validate checks the record and names the first bad field.
	Validate() error
}

// Record kinds.
const (
	KindCase      = "case"
	KindTraveller = "traveller"
	KindDocument  = "document"
	KindBooking   = "booking"
)

// TravellerKey is the key of member m of case c.
func TravellerKey(c string, m int) string { return fmt.Sprintf("%s/%s/%02d", c, KindTraveller, m) }

// DocumentKey is the key of document id of member m of case c.
func DocumentKey(c string, m int, id string) string {
	return fmt.Sprintf("%s/%s/%02d/%s", c, KindDocument, m, id)
}

// BookingKey is the key of booking id of case c.
func BookingKey(c, id string) string { return c + "/" + KindBooking + "/" + id }

// SplitKey returns the case number and the kind of a record key. A key with
// no slash is a case; shared records start with "~" and have no case.
func SplitKey(key string) (caseNo, kind string) {
	if strings.HasPrefix(key, "~") {
		k, _, _ := strings.Cut(key[1:], "/")
		return "", k
	}
	c, rest, ok := strings.Cut(key, "/")
	if !ok {
		return key, KindCase
	}
	k, _, _ := strings.Cut(rest, "/")
	return c, k
}

// NewRecord returns an empty record of a kind this package knows, or nil.
func NewRecord(kind string) Record {
	switch kind {
	case KindCase:
		return &Case{}
	case KindTraveller:
		return &Traveller{}
	case KindDocument:
		return &Document{}
	case KindBooking:
		return &Booking{}
	case KindABN:
		return &ABN{}
	case KindEscort:
		return &Escort{}
	case KindEscortTrip:
		return &EscortTrip{}
	case KindVerification:
		return &Verification{}
	case KindCustody:
		return &Custody{}
	case KindPermit:
		return &ExitPermit{}
	case KindCounselling:
		return &Counselling{}
	case KindTravelBag:
		return &TravelBag{}
	case KindTemplates:
		return &TemplatesRecord{}
	case KindAction:
		return &Action{}
	case KindUser:
		return &User{}
	case KindReview:
		return &Review{}
	case KindFourEyes:
		return &FourEyes{}
	case KindContact:
		return &Contact{}
	case KindComm:
		return &CommEntry{}
	}
	return nil
}
