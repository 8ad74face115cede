package booking

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// LocalTimeLayout is the text form of a LocalTime.
const LocalTimeLayout = "2006-01-02T15:04"

// LocalTime is a wall-clock time at an airport, without zone: schedules are
// printed in the local time of the airport they concern.
type LocalTime struct{ t time.Time }

// ParseLocalTime parses "2006-01-02T15:04" (also with a space instead of T).
func ParseLocalTime(s string) (LocalTime, error) {
	if s == "" {
		return LocalTime{}, nil
	}
	t, err := time.Parse(LocalTimeLayout, strings.Replace(strings.TrimSpace(s), " ", "T", 1))
	if err != nil {
		why := whyBadDate(strings.TrimSpace(s))
		if why == "" {
			why = whyBadClock(strings.TrimSpace(s))
		}
		if why != "" {
			return LocalTime{}, Errorf(EINVALID, "", "%q: %s (want YYYY-MM-DD HH:MM)", s, why)
		}
		return LocalTime{}, Errorf(EINVALID, "", "%q is not a local date and time (want YYYY-MM-DD HH:MM)", s)
	}
	return LocalTime{t}, nil
}

// whyBadClock says what is out of range in the HH:MM of a local time of the
// right shape, or nothing.
func whyBadClock(s string) string {
	if len(s) != 16 || s[13] != ':' {
		return ""
	}
	h, m := digits(s[11:13]), digits(s[14:16])
	switch {
	case h > 23:
		return fmt.Sprintf("hour %d does not exist (00 to 23)", h)
	case m > 59:
		return fmt.Sprintf("minute %d does not exist (00 to 59)", m)
	}
	return ""
}

// MustLocalTime parses s or panics; for tests and tables.
func MustLocalTime(s string) LocalTime {
	l, err := ParseLocalTime(s)
	if err != nil {
		panic(err)
	}
	return l
}

// IsZero reports whether l is unset.
func (l LocalTime) IsZero() bool { return l.t.IsZero() }

// Date returns the calendar day of l.
func (l LocalTime) Date() Date { return DateOf(l.t) }

// Wall returns l as a time.Time in UTC with the same wall clock.
func (l LocalTime) Wall() time.Time { return l.t }

// In returns the instant of l at an airport in location loc.
func (l LocalTime) In(loc *time.Location) time.Time {
	y, m, d := l.t.Date()
	return time.Date(y, m, d, l.t.Hour(), l.t.Minute(), 0, 0, loc)
}

// String returns "2006-01-02T15:04" or "".
func (l LocalTime) String() string {
	if l.t.IsZero() {
		return ""
	}
	return l.t.Format(LocalTimeLayout)
}

// MarshalJSON implements json.Marshaler.
func (l LocalTime) MarshalJSON() ([]byte, error) { return json.Marshal(l.String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (l *LocalTime) UnmarshalJSON(b []byte) error {
	// Fast path for the canonical form "2006-01-02T15:04".
	if len(b) == 18 && b[0] == '"' && b[17] == '"' && b[11] == 'T' && b[14] == ':' {
		if d, err := ParseDate(string(b[1:11])); err == nil {
			h, m := digits(string(b[12:14])), digits(string(b[15:17]))
			if h >= 0 && h < 24 && m >= 0 && m < 60 {
				l.t = d.Time().Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
				return nil
			}
		}
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseLocalTime(s)
	if err != nil {
		return err
	}
	*l = v
	return nil
}

var (
	carrierRE = regexp.MustCompile(`^[A-Z0-9]{2}$`)
	flightRE  = regexp.MustCompile(`^[0-9]{1,4}[A-Z]?$`)
)

// Segment is one flight of an itinerary; times are local to each airport.
type Segment struct {
	Carrier string    `json:"carrier"`
	Flight  string    `json:"flight"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Depart  LocalTime `json:"depart"`
	Arrive  LocalTime `json:"arrive"`
	Cabin   string    `json:"cabin,omitempty"`
}

// Validate checks one segment; field names are prefixed with "segments.N.".
func (s *Segment) Validate(i int) error {
	f := func(name string) string { return "segments." + strconv.Itoa(i+1) + "." + name }
	switch {
	case !carrierRE.MatchString(s.Carrier):
		return Errorf(EINVALID, f("carrier"), "carrier %q must be a 2-character IATA code", s.Carrier)
	case !flightRE.MatchString(s.Flight):
		return Errorf(EINVALID, f("flight"), "flight number %q must be 1 to 4 digits", s.Flight)
	case !airportRE.MatchString(s.From):
		return Errorf(EINVALID, f("from"), "%q is not a 3-letter IATA airport code", s.From)
	case !airportRE.MatchString(s.To):
		return Errorf(EINVALID, f("to"), "%q is not a 3-letter IATA airport code", s.To)
	case s.From == s.To:
		return Errorf(EINVALID, f("to"), "segment goes from %s to itself", s.From)
	case s.Depart.IsZero():
		return Errorf(EINVALID, f("depart"), "departure time is required")
	case s.Arrive.IsZero():
		return Errorf(EINVALID, f("arrive"), "arrival time is required")
	}
	return nil
}

// Booking statuses.
const (
	BookingActive    = "active"
	BookingCancelled = "cancelled"
	BookingReplaced  = "replaced"
)

// Booking is an itinerary booked for some or all travellers of a case.
type Booking struct {
	Case          string    `json:"case"`
	ID            string    `json:"id"`
	Status        string    `json:"status"`
	Segments      []Segment `json:"segments"`
	Travellers    []int     `json:"travellers"`
	EscortSeats   int       `json:"escort_seats,omitempty"`
	TariffVersion string    `json:"tariff_version,omitempty"`
	TotalUSDCents int64     `json:"total_usd_cents,omitempty"`
	// Fares are the per-traveller (and escort seat) fares the total was
	// priced from, when known; reports read costs from them.
	Fares     []ABNFare `json:"fares,omitempty"`
	Confirmed []string  `json:"confirmed_warnings,omitempty"`
	BookedBy  string    `json:"booked_by,omitempty"`
	BookedOn  Date      `json:"booked_on,omitzero"`
	Reason    string    `json:"reason,omitempty"`
	// PNR is the airline record locator, when known; several cases may
	// share one (a group booking).
	PNR string `json:"pnr,omitempty"`
	// Tickets are the travellers' ticket numbers, when issued.
	Tickets []Ticket `json:"tickets,omitempty"`
	// MEDIFs are where each traveller's MEDIF stands with each operating
	// carrier (sent, approved, refused).
	MEDIFs []MEDIF `json:"medifs,omitempty"`
}

// Ticket is one traveller's ticket number on a booking.
type Ticket struct {
	Member int    `json:"member"`
	Number string `json:"number"`
}

var (
	pnrRE    = regexp.MustCompile(`^[A-Z0-9]{6}$`)
	ticketRE = regexp.MustCompile(`^[0-9]{13}$`)
)

// ValidPNR reports whether s is a record locator: 6 letters or digits
// (upper case).
func ValidPNR(s string) bool { return pnrRE.MatchString(s) }

// ValidTicketNumber reports whether s is a 13-digit ticket number (the
// airline's 3-digit code and a 10-digit serial).
func ValidTicketNumber(s string) bool { return ticketRE.MatchString(s) }

// Ticket returns the ticket number of member m, or "".
func (b *Booking) Ticket(m int) string {
	for _, t := range b.Tickets {
		if t.Member == m {
			return t.Number
		}
	}
	return ""
}

// Kind implements Record.
func (b *Booking) Kind() string { return KindBooking }

// Key implements Record.
func (b *Booking) Key() string { return BookingKey(b.Case, b.ID) }

// CaseNumber implements Record.
func (b *Booking) CaseNumber() string { return b.Case }

// Validate implements Record.
func (b *Booking) Validate() error {
	switch {
	case !ValidCaseNumber(b.Case):
		return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", b.Case)
	case b.ID == "" || strings.ContainsAny(b.ID, "/ "):
		return Errorf(EINVALID, "id", "booking id %q must be non-empty without spaces or slashes", b.ID)
	case !slices.Contains([]string{BookingActive, BookingCancelled, BookingReplaced}, b.Status):
		return Errorf(EINVALID, "status", "booking status %q must be active, cancelled or replaced", b.Status)
	case len(b.Segments) == 0:
		return Errorf(EINVALID, "segments", "a booking needs at least one segment")
	case len(b.Travellers) == 0 && b.EscortSeats == 0:
		return Errorf(EINVALID, "travellers", "a booking needs at least one traveller")
	case b.EscortSeats < 0 || b.EscortSeats > 9:
		return Errorf(EINVALID, "escort_seats", "escort seats %d must be 0 to 9", b.EscortSeats)
	case b.PNR != "" && !ValidPNR(b.PNR):
		return Errorf(EINVALID, "pnr", "PNR %q must be 6 letters or digits (like ABC123)", b.PNR)
	}
	for i, t := range b.Tickets {
		switch {
		case !slices.Contains(b.Travellers, t.Member):
			return Errorf(EINVALID, "tickets", "ticket %s is for member %d, who is not on the booking", t.Number, t.Member)
		case !ValidTicketNumber(t.Number):
			return Errorf(EINVALID, "tickets", "ticket number %q of member %d must be 13 digits", t.Number, t.Member)
		case slices.ContainsFunc(b.Tickets[:i], func(o Ticket) bool { return o.Member == t.Member }):
			return Errorf(EINVALID, "tickets", "member %d has two ticket numbers", t.Member)
		case slices.ContainsFunc(b.Tickets[:i], func(o Ticket) bool { return o.Number == t.Number }):
			return Errorf(EINVALID, "tickets", "ticket number %s is given to two members", t.Number)
		}
	}
	if err := b.validateMEDIFs(); err != nil {
		return err
	}
	for i := range b.Segments {
		if err := b.Segments[i].Validate(i); err != nil {
			return err
		}
		if i > 0 {
			prev := b.Segments[i-1]
			if prev.To != b.Segments[i].From {
				return Errorf(EINVALID, "segments."+strconv.Itoa(i+1)+".from", "segment %d starts at %s but segment %d ends at %s", i+1, b.Segments[i].From, i, prev.To)
			}
		}
	}
	return nil
}

// Departure returns the local departure of the first segment.
func (b *Booking) Departure() LocalTime {
	if len(b.Segments) == 0 {
		return LocalTime{}
	}
	return b.Segments[0].Depart
}
