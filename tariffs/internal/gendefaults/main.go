// Command gendefaults writes movedesk's embedded, illustrative HIT tables to
// tariffs/defaults. The network is a hand-written sketch of real carriers'
// hubs; the amounts come from a distance formula and are illustrative only.
//
// Run it from the tariffs directory: go generate ./tariffs/
package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

type airport struct {
	code, city, country, tz string
	lat, lon                float64
	dom, intl               int // MCT minutes
}

var airports = []airport{
	{"RBA", "Rabat", "MA", "Africa/Casablanca", 34.05, -6.75, 40, 60},
	{"CMN", "Casablanca", "MA", "Africa/Casablanca", 33.37, -7.59, 45, 60},
	{"FRA", "Frankfurt", "DE", "Europe/Berlin", 50.03, 8.57, 45, 45},
	{"SAL", "San Salvador", "SV", "America/El_Salvador", 13.44, -89.06, 45, 60},
	{"IAD", "Washington", "US", "America/New_York", 38.95, -77.46, 45, 60},
	{"JFK", "New York", "US", "America/New_York", 40.64, -73.78, 60, 90},
	{"ORD", "Chicago", "US", "America/Chicago", 41.98, -87.90, 50, 90},
	{"IAH", "Houston", "US", "America/Chicago", 29.98, -95.34, 45, 60},
	{"LAX", "Los Angeles", "US", "America/Los_Angeles", 33.94, -118.41, 60, 90},
	{"SEA", "Seattle", "US", "America/Los_Angeles", 47.45, -122.31, 45, 60},
	{"ATL", "Atlanta", "US", "America/New_York", 33.64, -84.43, 45, 60},
	{"SFO", "San Francisco", "US", "America/Los_Angeles", 37.62, -122.38, 45, 75},
	{"MIA", "Miami", "US", "America/New_York", 25.79, -80.29, 60, 90},
	{"DFW", "Dallas", "US", "America/Chicago", 32.90, -97.04, 45, 60},
	{"YYZ", "Toronto", "CA", "America/Toronto", 43.68, -79.63, 45, 90},
	{"YUL", "Montreal", "CA", "America/Toronto", 45.47, -73.74, 45, 75},
	{"YVR", "Vancouver", "CA", "America/Vancouver", 49.19, -123.18, 45, 75},
	{"SYD", "Sydney", "AU", "Australia/Sydney", -33.95, 151.18, 60, 90},
	{"MEL", "Melbourne", "AU", "Australia/Melbourne", -37.67, 144.84, 45, 90},
	{"LHR", "London", "GB", "Europe/London", 51.47, -0.45, 60, 90},
	{"CDG", "Paris", "FR", "Europe/Paris", 49.01, 2.55, 60, 90},
	{"AMS", "Amsterdam", "NL", "Europe/Amsterdam", 52.31, 4.76, 40, 50},
	{"ARN", "Stockholm", "SE", "Europe/Stockholm", 59.65, 17.92, 35, 45},
	{"OSL", "Oslo", "NO", "Europe/Oslo", 60.19, 11.10, 35, 60},
	{"HEL", "Helsinki", "FI", "Europe/Helsinki", 60.32, 24.96, 35, 35},
	{"CPH", "Copenhagen", "DK", "Europe/Copenhagen", 55.62, 12.65, 30, 45},
	{"IST", "Istanbul", "TR", "Europe/Istanbul", 41.26, 28.74, 60, 75},
	{"DOH", "Doha", "QA", "Asia/Qatar", 25.27, 51.61, 45, 60},
	{"DXB", "Dubai", "AE", "Asia/Dubai", 25.25, 55.36, 60, 75},
	{"MAD", "Madrid", "ES", "Europe/Madrid", 40.49, -3.57, 45, 60},
	{"SIN", "Singapore", "SG", "Asia/Singapore", 1.36, 103.99, 60, 60},
	{"PTY", "Panama City", "PA", "America/Panama", 9.07, -79.38, 45, 45},
}

type carrier struct {
	code, currency, basis string
	factor                float64
	notes                 string
	edges                 map[string][]string // hub -> spokes (both directions)
}

func spokes(s string) []string { return strings.Fields(s) }

var carriers = []carrier{
	{"AT", "MAD", "VHIT", 0.95, "free rebooking", map[string][]string{
		"CMN": spokes("RBA JFK IAD YUL CDG LHR AMS FRA MAD"), "RBA": spokes("CDG")}},
	{"AF", "EUR", "RHIT", 1.05, "free rebooking; extra bag 23 kg", map[string][]string{
		"CDG": spokes("RBA CMN FRA JFK ORD IAH LAX SEA ATL IAD YYZ YUL YVR LHR AMS ARN OSL HEL SIN MAD SFO MIA")}},
	{"KL", "EUR", "RHIT", 1.0, "free rebooking; extra bag 23 kg", map[string][]string{
		"AMS": spokes("CMN FRA JFK ORD IAH LAX SEA ATL IAD YYZ YUL YVR LHR CDG ARN OSL HEL SIN MAD SFO")}},
	{"LH", "EUR", "QHIT", 1.08, "free rebooking", map[string][]string{
		"FRA": spokes("CMN JFK ORD IAH LAX SEA ATL IAD YYZ YUL YVR LHR CDG AMS ARN OSL HEL SIN MAD SFO MIA")}},
	{"TK", "USD", "VHIT", 0.9, "extra bag 23 kg", map[string][]string{
		"IST": spokes("RBA CMN FRA IAD JFK ORD IAH LAX SEA ATL YYZ YUL YVR LHR CDG AMS ARN OSL HEL MAD SIN SFO MIA"),
		"SIN": spokes("SYD MEL")}},
	{"QR", "USD", "NHIT", 1.0, "free rebooking; extra bag 23 kg", map[string][]string{
		"DOH": spokes("RBA CMN FRA IAD JFK ORD IAH LAX SEA ATL YUL SYD MEL LHR CDG AMS ARN OSL HEL MAD SIN SFO MIA")}},
	{"EK", "USD", "THIT", 1.05, "free rebooking", map[string][]string{
		"DXB": spokes("CMN FRA IAD JFK ORD IAH LAX SEA YYZ SYD MEL LHR CDG AMS ARN OSL MAD SIN SFO MIA")}},
	{"IB", "EUR", "SHIT", 0.95, "", map[string][]string{
		"MAD": spokes("RBA CMN FRA SAL JFK ORD LAX IAD MIA LHR CDG AMS ARN OSL HEL")}},
	{"BA", "GBP", "OHIT", 1.1, "extra bag 23 kg", map[string][]string{
		"LHR": spokes("FRA JFK ORD IAH LAX SEA ATL IAD YYZ YUL YVR CDG AMS ARN OSL HEL SIN MAD SFO MIA"),
		"SIN": spokes("SYD")}},
	{"UA", "USD", "LHIT", 1.0, "free rebooking", map[string][]string{
		"IAD": spokes("SAL FRA CDG AMS LHR ORD IAH LAX SEA ATL YYZ YUL SFO"),
		"IAH": spokes("SAL ORD LAX SEA SFO YYZ SYD"),
		"ORD": spokes("LAX SEA ATL YYZ YUL YVR SFO"),
		"SFO": spokes("SYD MEL YVR")}},
	{"AA", "USD", "OHIT", 1.0, "", map[string][]string{
		"MIA": spokes("SAL JFK ORD LAX ATL IAD YYZ YUL MAD LHR"),
		"DFW": spokes("SAL JFK ORD IAH LAX SEA ATL IAD YYZ YVR LHR MAD CDG FRA MIA HEL"),
		"JFK": spokes("IAD")}},
	{"DL", "USD", "UHIT", 1.0, "free rebooking", map[string][]string{
		"ATL": spokes("SAL IAD JFK ORD IAH LAX SEA YYZ YUL CDG AMS LHR FRA"),
		"JFK": spokes("IAD CDG AMS LHR ARN OSL LAX SEA ORD"),
		"LAX": spokes("SYD SEA"),
		"SEA": spokes("LHR CDG AMS YVR")}},
	{"AC", "CAD", "KHIT", 1.0, "free rebooking; extra bag 23 kg", map[string][]string{
		"YYZ": spokes("FRA LHR CDG IAD SAL JFK ORD IAH LAX SEA ATL YUL YVR"),
		"YUL": spokes("CMN FRA LHR CDG IAD YVR"),
		"YVR": spokes("SYD MEL SEA LAX")}},
	{"AV", "USD", "WHIT", 0.95, "", map[string][]string{
		"SAL": spokes("IAD JFK LAX IAH YYZ MAD MIA")}},
	{"CM", "USD", "MHIT", 0.95, "extra bag 23 kg", map[string][]string{
		"PTY": spokes("SAL JFK ORD IAD LAX YYZ YUL MAD MIA")}},
	{"QF", "AUD", "SHIT", 1.1, "free rebooking", map[string][]string{
		"SYD": spokes("LAX DFW SIN MEL"), "MEL": spokes("LAX DFW SIN"), "SIN": spokes("LHR")}},
	{"SQ", "USD", "KHIT", 1.05, "free rebooking", map[string][]string{
		"SIN": spokes("FRA CDG AMS LHR IST SEA LAX SFO SYD MEL")}},
	{"SK", "EUR", "MHIT", 1.0, "", map[string][]string{
		"CPH": spokes("IAD ORD LAX ARN OSL HEL FRA CDG AMS LHR")}},
	{"AY", "EUR", "NHIT", 1.0, "extra bag 23 kg", map[string][]string{
		"HEL": spokes("JFK ORD LAX SEA DFW MIA ARN OSL LHR CDG AMS FRA SIN")}},
}

// usdPer is the illustrative USD value of one unit, per period.
var usdPer = map[string][2]float64{
	"EUR": {1.08, 1.10}, "GBP": {1.27, 1.29}, "MAD": {0.100, 0.102},
	"CAD": {0.73, 0.74}, "AUD": {0.66, 0.67},
}

var periods = [2][2]string{{"2026-06-01", "2026-12-31"}, {"2027-01-01", "2027-12-31"}}

type pair struct{ from, to, programme string }

func pairs() []pair {
	origins := spokes("RBA CMN FRA SAL IAD")
	dests := spokes("JFK ORD IAH LAX SEA ATL YYZ YUL YVR SYD MEL LHR CDG AMS ARN OSL HEL")
	var out []pair
	for _, o := range origins {
		for _, d := range dests {
			if o != d {
				out = append(out, pair{o, d, ""})
			}
		}
	}
	for _, p := range [][2]string{{"FRA", "CMN"}, {"FRA", "RBA"}, {"IAD", "SAL"}, {"FRA", "SAL"}} {
		out = append(out, pair{p[0], p[1], "AVRR"})
	}
	return out
}

func byCode(c string) airport {
	for _, a := range airports {
		if a.code == c {
			return a
		}
	}
	panic("unknown airport " + c)
}

func dist(a, b string) float64 {
	x, y := byCode(a), byCode(b)
	rad := math.Pi / 180
	dlat, dlon := (y.lat-x.lat)*rad, (y.lon-x.lon)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(x.lat*rad)*math.Cos(y.lat*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * 6371 * math.Asin(math.Sqrt(h))
}

func (c carrier) flies(a, b string) bool {
	for hub, sp := range c.edges {
		if (hub == a && slices.Contains(sp, b)) || (hub == b && slices.Contains(sp, a)) {
			return true
		}
	}
	return false
}

func (c carrier) nodes() []string {
	set := map[string]bool{}
	for hub, sp := range c.edges {
		set[hub] = true
		for _, s := range sp {
			set[s] = true
		}
	}
	var out []string
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

type routing struct {
	c    carrier
	path []string
	km   float64
}

// best returns the carrier's shortest sensible path from o to d with at most
// three legs, or false.
func (c carrier) best(o, d string) (routing, bool) {
	var found []routing
	var walk func(path []string)
	walk = func(path []string) {
		last := path[len(path)-1]
		if last == d {
			km := 0.0
			for i := 1; i < len(path); i++ {
				km += dist(path[i-1], path[i])
			}
			found = append(found, routing{c, slices.Clone(path), km})
			return
		}
		if len(path) == 4 {
			return
		}
		for _, n := range c.nodes() {
			if !slices.Contains(path, n) && c.flies(last, n) {
				walk(append(path, n))
			}
		}
	}
	walk([]string{o})
	gc := dist(o, d)
	var ok []routing
	for _, r := range found {
		if r.km <= 1.5*gc+2500 {
			ok = append(ok, r)
		}
	}
	if len(ok) == 0 {
		return routing{}, false
	}
	sort.Slice(ok, func(i, j int) bool {
		if len(ok[i].path) != len(ok[j].path) {
			return len(ok[i].path) < len(ok[j].path)
		}
		return ok[i].km < ok[j].km
	})
	return ok[0], true
}

func money(v float64) string { return strconv.FormatFloat(math.Round(v), 'f', 2, 64) }

func main() {
	dir := "defaults"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	write := func(name string, rows [][]string) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			panic(err)
		}
		w := csv.NewWriter(f)
		if err := w.WriteAll(rows); err != nil {
			panic(err)
		}
		if err := f.Close(); err != nil {
			panic(err)
		}
	}
	write("version.csv", [][]string{{"version", "effective", "description"},
		{"embedded-2026", "2026-06-01", "movedesk embedded defaults; ILLUSTRATIVE amounts, not negotiated fares"}})

	ap := [][]string{{"code", "city", "country", "tz"}}
	mct := [][]string{{"airport", "domestic", "international"}, {"*", "60", "90"}}
	for _, a := range airports {
		ap = append(ap, []string{a.code, a.city, a.country, a.tz})
		mct = append(mct, []string{a.code, strconv.Itoa(a.dom), strconv.Itoa(a.intl)})
	}
	write("airports.csv", ap)
	write("mct.csv", mct)

	rates := [][]string{{"currency", "effective", "usd"}}
	for _, cur := range []string{"AUD", "CAD", "EUR", "GBP", "MAD"} {
		for p := range 2 {
			rates = append(rates, []string{cur, periods[p][0], strconv.FormatFloat(usdPer[cur][p], 'f', -1, 64)})
		}
	}
	write("rates.csv", rates)

	fares := [][]string{{"id", "carrier", "origin", "destination", "via", "cabin", "fare_basis", "pax",
		"fare", "taxes", "currency", "bag_pieces", "bag_kg", "valid_from", "valid_to", "programme", "notes"}}
	short := 0
	for _, p := range pairs() {
		var rs []routing
		for _, c := range carriers {
			if r, ok := c.best(p.from, p.to); ok {
				rs = append(rs, r)
			}
		}
		sort.SliceStable(rs, func(i, j int) bool {
			if len(rs[i].path) != len(rs[j].path) {
				return len(rs[i].path) < len(rs[j].path)
			}
			return rs[i].km < rs[j].km
		})
		if len(rs) > 4 {
			rs = rs[:4]
		}
		if len(rs) < 2 {
			short++
			fmt.Fprintf(os.Stderr, "only %d carrier(s) for %s-%s\n", len(rs), p.from, p.to)
		}
		for _, r := range rs {
			via := strings.Join(r.path[1:len(r.path)-1], "/")
			legs := len(r.path) - 1
			progs := []string{""}
			if p.programme != "" {
				progs = append(progs, p.programme)
			}
			for _, prog := range progs {
				for per := range 2 {
					rate := 1.0
					if r.c.currency != "USD" {
						rate = usdPer[r.c.currency][per]
					}
					adt := (180 + 0.085*r.km) * r.c.factor * (1 + 0.05*float64(legs-1))
					tax := 35 + 25*float64(legs) + 0.004*r.km
					if per == 1 {
						adt *= 1.04
					}
					if prog != "" {
						adt *= 0.85
					}
					for _, pax := range []string{"ADT", "CHD", "INF"} {
						f, t, pcs, kg := adt, tax, 2, 23
						basis := r.c.basis + periods[per][0][2:4]
						switch pax {
						case "CHD":
							f, t, basis = adt*0.75, tax*0.9, basis+"CH"
						case "INF":
							f, t, pcs, kg, basis = adt*0.10, tax*0.3, 1, 10, basis+"IN"
						}
						if r.km < 3000 && pax != "INF" {
							pcs = 1
						}
						id := fmt.Sprintf("%s-%s%s", r.c.code, p.from, p.to)
						if via != "" {
							id += "-" + strings.ReplaceAll(via, "/", "")
						}
						if prog != "" {
							id += "-" + prog
						}
						id += fmt.Sprintf("-%s-%s", pax, periods[per][0][2:4])
						fares = append(fares, []string{id, r.c.code, p.from, p.to, via, "Y", basis, pax,
							money(f / rate), money(t / rate), r.c.currency, strconv.Itoa(pcs), strconv.Itoa(kg),
							periods[per][0], periods[per][1], prog, r.c.notes})
					}
				}
			}
		}
	}
	write("fares.csv", fares)
	fmt.Fprintf(os.Stderr, "%d fare rows, %d pairs with fewer than two carriers\n", len(fares)-1, short)
}
