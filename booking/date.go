package booking

import (
	"encoding/json"
	"fmt"
	"time"
)

// DateLayout is the text form of a Date.
const DateLayout = "2006-01-02"

// Date is a calendar date without time of day or zone. The zero Date means
// "not set" and encodes as an empty string.
type Date struct{ t time.Time }

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date { return NewDate(t.Date()) }

// ParseDate parses YYYY-MM-DD; the empty string is the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	// Fast path for the canonical form: stores and rows hold many dates.
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, m, d := digits(s[0:4]), digits(s[5:7]), digits(s[8:10])
		if y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(time.Month(m), y) {
			return NewDate(y, time.Month(m), d), nil
		}
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		if why := whyBadDate(s); why != "" {
			return Date{}, fmt.Errorf("%q: %s (want YYYY-MM-DD)", s, why)
		}
		return Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	return Date{t}, nil
}

// whyBadDate says what is out of range in a date of the right shape
// ("month 13 does not exist"), or nothing.
func whyBadDate(s string) string {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return ""
	}
	y, m, d := digits(s[0:4]), digits(s[5:7]), digits(s[8:10])
	switch {
	case y <= 0 || m < 0 || d < 0:
		return ""
	case m < 1 || m > 12:
		return fmt.Sprintf("month %d does not exist", m)
	case d < 1 || d > daysIn(time.Month(m), y):
		return fmt.Sprintf("%s %d has %d days", time.Month(m), y, daysIn(time.Month(m), y))
	}
	return ""
}

// MustDate parses s and panics on error; for tests and tables.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return d.t }

// String returns YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format(DateLayout)
}

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// Equal reports whether d and o are the same day.
func (d Date) Equal(o Date) bool { return d.t.Equal(o.t) }

// AddDays returns d plus n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// DaysUntil returns the number of days from d to o (negative if o is earlier).
func (d Date) DaysUntil(o Date) int { return int(o.t.Sub(d.t).Hours() / 24) }

// Age returns the completed years of someone born on d, on day on. A person
// born on 29 February completes a year on 1 March in common years.
func (d Date) Age(on Date) int {
	if d.IsZero() || on.IsZero() {
		return 0
	}
	y1, m1, d1 := d.t.Date()
	y2, m2, d2 := on.t.Date()
	age := y2 - y1
	if m2 < m1 || (m2 == m1 && d2 < d1) {
		age--
	}
	return age
}

// MarshalJSON encodes d as "YYYY-MM-DD" (or "").
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON decodes "YYYY-MM-DD" or "".
func (d *Date) UnmarshalJSON(b []byte) error {
	// Fast path for the canonical form: reports decode every date of a store.
	if len(b) == 12 && b[0] == '"' && b[11] == '"' {
		if v, err := ParseDate(string(b[1:11])); err == nil {
			*d = v
			return nil
		}
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText encodes d as YYYY-MM-DD (or "").
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes "YYYY-MM-DD" or "".
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// digits parses a run of ASCII digits, or returns -1.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
