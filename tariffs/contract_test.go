package tariffs

import (
	"slices"
	"testing"
	"time"

	"movedesk/booking"
)

// programmeDestinations are the routes the demo data books.
var (
	demoOrigins = []string{"RBA", "CMN", "FRA", "SAL", "IAD"}
	demoDests   = []string{"JFK", "ORD", "IAH", "LAX", "SEA", "ATL", "YYZ", "YUL", "YVR", "SYD", "MEL", "LHR", "CDG", "AMS", "ARN", "OSL", "HEL"}
	demoReturns = [][2]string{{"FRA", "CMN"}, {"FRA", "RBA"}, {"IAD", "SAL"}, {"FRA", "SAL"}}
)

func embeddedSet(t testing.TB) *Set {
	t.Helper()
	s, err := Embedded()
	if err != nil {
		t.Fatalf("Embedded: %v", err)
	}
	return s
}

func TestEmbeddedCoversDemoRoutes(t *testing.T) {
	s := embeddedSet(t)
	if s.Version != EmbeddedVersion {
		t.Errorf("version = %q, want %q", s.Version, EmbeddedVersion)
	}
	var pairs [][2]string
	for _, o := range demoOrigins {
		for _, d := range demoDests {
			pairs = append(pairs, [2]string{o, d})
		}
	}
	pairs = append(pairs, demoReturns...)
	days := []booking.Date{booking.MustDate("2026-06-01"), booking.MustDate("2026-12-31"), booking.MustDate("2027-01-01"), booking.MustDate("2027-12-31")}
	for _, p := range pairs {
		rs := s.Routings(p[0], p[1])
		carriers := map[string]bool{}
		for _, r := range rs {
			carriers[r.Carrier] = true
			// Every routing is priced for every pax type on both periods.
			for _, pax := range []booking.PaxType{booking.ADT, booking.CHD, booking.INF} {
				for _, d := range days {
					k := fareKey{r.Carrier, p[0], p[1], joinVia(r.Via), "Y", pax}
					if s.lookup(k, d, "") == nil {
						t.Errorf("%s-%s %v: no %s fare on %s", p[0], p[1], r, pax, d)
					}
				}
			}
			for _, h := range r.Via {
				if _, ok := s.Airport(h); !ok {
					t.Errorf("%s-%s %v: hub %s is not an airport", p[0], p[1], r, h)
				}
			}
		}
		if len(carriers) < 2 {
			t.Errorf("%s-%s: %d carrier(s) %v, want at least 2", p[0], p[1], len(carriers), rs)
		}
	}
}

func TestEmbeddedAirportsAndMCT(t *testing.T) {
	s := embeddedSet(t)
	a, ok := s.Airport("RBA")
	if !ok || a.City != "Rabat" || a.Country != "MA" || a.TZ == nil || a.TZ.String() != "Africa/Casablanca" {
		t.Fatalf("RBA = %+v, %v", a, ok)
	}
	if _, ok := s.Airport("XXX"); ok {
		t.Error("XXX should be unknown")
	}
	for _, ap := range s.Airports() {
		if ap.TZ == nil || ap.TZName == "" {
			t.Errorf("%s has no zone", ap.Code)
		}
		if s.MCT(ap.Code, true) <= 0 || s.MCT(ap.Code, false) <= 0 {
			t.Errorf("%s has no MCT", ap.Code)
		}
	}
	if got := s.MCT("JFK", true); got != 90*time.Minute {
		t.Errorf("JFK international MCT = %v, want 90m", got)
	}
	if got := s.MCT("ZZZ", false); got != 60*time.Minute {
		t.Errorf("default domestic MCT = %v, want 60m", got)
	}
}

func TestRoutingsSorted(t *testing.T) {
	s := embeddedSet(t)
	rs := s.Routings("RBA", "CDG")
	if len(rs) == 0 || len(rs[0].Via) != 0 {
		t.Fatalf("RBA-CDG routings %v: want a nonstop first", rs)
	}
	if !slices.IsSortedFunc(rs, func(a, b Routing) int { return len(a.Via) - len(b.Via) }) {
		t.Errorf("routings not sorted by stops: %v", rs)
	}
	if got := s.Routings("RBA", "XXX"); got != nil {
		t.Errorf("unknown route = %v, want nil", got)
	}
}
