package booking

import (
	"math/rand/v2"
	"testing"
	"time"
)

// A Date counts days; its answers are time.Time's, for every day of years
// 1 to 9999 and for dates to normalize (month 13, day 0, day 40).
func TestDateMatchesTime(t *testing.T) {
	ref := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	for day := 0; ; day++ {
		tt := ref.AddDate(0, 0, day)
		if tt.Year() > 9999 {
			break
		}
		d := DateOf(tt)
		if got, want := d.String(), tt.Format(DateLayout); got != want && !(day == 0 && got == "") {
			t.Fatalf("day %d: %q, want %q", day, got, want)
		}
		if !d.Time().Equal(tt) || d.IsZero() != tt.IsZero() {
			t.Fatalf("%s: Time %v, want %v", tt.Format(DateLayout), d.Time(), tt)
		}
		if p, err := ParseDate(tt.Format(DateLayout)); err != nil || p != d {
			t.Fatalf("parse %s: %v %v", tt.Format(DateLayout), p, err)
		}
		y, m, dd := d.YMD()
		if wy, wm, wd := tt.Date(); y != wy || m != wm || dd != wd {
			t.Fatalf("%s: YMD %d %d %d", tt.Format(DateLayout), y, m, dd)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		y, m, dd := r.IntN(2400)-100, time.Month(r.IntN(40)-10), r.IntN(800)-400
		want := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		if got := NewDate(y, m, dd); !got.Time().Equal(want) {
			t.Fatalf("NewDate(%d, %d, %d) = %v, want %v", y, m, dd, got.Time(), want)
		}
		a, b := NewDate(y, m, dd), NewDate(r.IntN(2400)+1, time.Month(r.IntN(12)+1), r.IntN(28)+1)
		if got, want := a.DaysUntil(b), int(b.Time().Sub(a.Time()).Hours()/24); b.Time().Sub(a.Time()) < 290*365*24*time.Hour && b.Time().Sub(a.Time()) > -290*365*24*time.Hour && got != want {
			t.Fatalf("%v until %v = %d, want %d", a, b, got, want)
		}
		if a.Before(b) != a.Time().Before(b.Time()) || a.After(b) != a.Time().After(b.Time()) || a.Equal(b) != a.Time().Equal(b.Time()) {
			t.Fatalf("%v and %v compare unlike their times", a, b)
		}
		n := r.IntN(20000) - 10000
		if got, want := a.AddDays(n).Time(), a.Time().AddDate(0, 0, n); !got.Equal(want) {
			t.Fatalf("%v + %d days = %v, want %v", a, n, got, want)
		}
	}
}

func TestDateAge(t *testing.T) {
	for _, c := range []struct {
		born, on string
		want     int
	}{
		{"2008-12-05", "2026-12-05", 18}, // turns 18 on the day
		{"2008-12-06", "2026-12-05", 17},
		{"2008-02-29", "2026-02-28", 17}, // a leap-day birthday
		{"2008-02-29", "2026-03-01", 18},
		{"2008-02-29", "2028-02-29", 20},
		{"", "2026-12-05", 0},
	} {
		if got := MustDate(c.born).Age(MustDate(c.on)); got != c.want {
			t.Errorf("born %s on %s: %d, want %d", c.born, c.on, got, c.want)
		}
	}
}

func TestDateZero(t *testing.T) {
	var z Date
	if !z.IsZero() || z.String() != "" || !z.Time().IsZero() || DateOf(time.Time{}) != z {
		t.Fatalf("the zero Date is not unset: %q %v", z.String(), z.Time())
	}
	if d, err := ParseDate(""); err != nil || d != z {
		t.Fatalf("empty: %v %v", d, err)
	}
	if DateOfUnixDays(0).String() != "1970-01-01" || MustDate("1970-01-02").UnixDays() != 1 {
		t.Fatal("unix days")
	}
}
