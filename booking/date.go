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
//
// It is a count of days (0 is 0001-01-01, as time.Time's zero), not a
// time.Time: four bytes without a pointer, which a report over every case
// of a store decodes, keeps and compares by the million.
type Date struct{ n int32 }

// unixDay is 1970-01-01 counted from 0001-01-01.
const unixDay = 719162

// NewDate returns the date y-m-d, normalized as time.Date does (month 13 is
// January of the next year, day 0 the last day of the month before).
func NewDate(y int, m time.Month, d int) Date {
	m0 := int(m) - 1
	y += floorDiv(m0, 12)
	m0 -= floorDiv(m0, 12) * 12
	return Date{int32(daysFromCivil(y, m0+1, 1) + int64(d) - 1 + unixDay)}
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date { return NewDate(t.Date()) }

// DateOfUnixDays returns the date n days after 1970-01-01.
func DateOfUnixDays(n int64) Date { return Date{int32(n + unixDay)} }

// UnixDays returns the days from 1970-01-01 to d.
func (d Date) UnixDays() int64 { return int64(d.n) - unixDay }

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
	return DateOf(t), nil
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
func (d Date) IsZero() bool { return d.n == 0 }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Unix(d.UnixDays()*86400, 0).UTC() }

// YMD returns d's year, month and day.
func (d Date) YMD() (int, time.Month, int) {
	y, m, dd := civilFromDays(d.UnixDays())
	return y, time.Month(m), dd
}

// String returns YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.n == 0 {
		return ""
	}
	y, m, dd := civilFromDays(d.UnixDays())
	if y < 0 || y > 9999 {
		return d.Time().Format(DateLayout)
	}
	b := [10]byte{
		byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-',
		byte('0' + dd/10), byte('0' + dd%10),
	}
	return string(b[:])
}

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.n < o.n }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.n > o.n }

// Equal reports whether d and o are the same day.
func (d Date) Equal(o Date) bool { return d.n == o.n }

// AddDays returns d plus n days.
func (d Date) AddDays(n int) Date { return Date{d.n + int32(n)} }

// DaysUntil returns the number of days from d to o (negative if o is earlier).
func (d Date) DaysUntil(o Date) int { return int(o.n) - int(d.n) }

// Age returns the completed years of someone born on d, on day on. A person
// born on 29 February completes a year on 1 March in common years.
func (d Date) Age(on Date) int {
	if d.IsZero() || on.IsZero() {
		return 0
	}
	y1, m1, d1 := civilFromDays(d.UnixDays())
	y2, m2, d2 := civilFromDays(on.UnixDays())
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
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil returns the days from 1970-01-01 to y-m-d of the proleptic
// Gregorian calendar, m in 1..12 (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := int64(m) + 9
	if m > 2 {
		mp = int64(m) - 3
	}
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (int, int, int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(d)
}
