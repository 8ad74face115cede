package tariffs

import (
	"strconv"
	"strings"
	"testing"

	"movedesk/booking"
)

// fixture is a small table set whose every row a test can reason about.
func fixtureFiles() map[string]string {
	return map[string]string{
		FileVersion: "version,effective,description\nt1,2026-06-01,test tables\n",
		FileAirports: `code,city,country,tz
RBA,Rabat,MA,Africa/Casablanca
CDG,Paris,FR,Europe/Paris
JFK,New York,US,America/New_York
IAD,Washington,US,America/New_York
ORD,Chicago,US,America/Chicago
FRA,Frankfurt,DE,Europe/Berlin
`,
		FileMCT:   "airport,domestic,international\n*,60,90\nCDG,60,90\nJFK,60,90\nIAD,45,60\n",
		FileRates: "currency,effective,usd\nEUR,2026-06-01,1.08\nEUR,2027-01-01,1.10\nMAD,2026-06-01,0.1\n",
		FileFares: `id,carrier,origin,destination,via,cabin,fare_basis,pax,fare,taxes,currency,bag_pieces,bag_kg,valid_from,valid_to,programme,notes
AF1A,AF,RBA,JFK,CDG,Y,RHIT26,ADT,800.00,100.00,EUR,2,23,2026-06-01,2026-12-31,,free rebooking
AF1C,AF,RBA,JFK,CDG,Y,RHIT26CH,CHD,600.00,90.00,EUR,2,23,2026-06-01,2026-12-31,,
AF1I,AF,RBA,JFK,CDG,Y,RHIT26IN,INF,80.00,30.00,EUR,1,10,2026-06-01,2026-12-31,,
AF2A,AF,RBA,JFK,CDG,Y,RHIT27,ADT,850.00,100.00,EUR,2,23,2027-01-01,2027-12-31,,
AF2C,AF,RBA,JFK,CDG,Y,RHIT27CH,CHD,640.00,90.00,EUR,2,23,2027-01-01,2027-12-31,,
AF2I,AF,RBA,JFK,CDG,Y,RHIT27IN,INF,85.00,30.00,EUR,1,10,2027-01-01,2027-12-31,,
AF3A,AF,RBA,CDG,,Y,RHIT26,ADT,200.00,40.00,EUR,1,23,2026-06-01,2026-12-31,,
AF4A,AF,CDG,JFK,,Y,RHIT26,ADT,700.00,80.00,EUR,2,23,2026-06-01,2026-12-31,,
AF4C,AF,CDG,JFK,,Y,RHIT26CH,CHD,520.00,70.00,EUR,2,23,2026-06-01,2026-12-31,,
AT1A,AT,RBA,CDG,,Y,VHIT26,ADT,1500.00,300.00,MAD,1,23,2026-06-01,2026-12-31,AVRR,
UA1A,UA,IAD,ORD,,Y,LHIT26,ADT,150.00,30.00,USD,1,23,2026-06-01,2027-12-31,,
LH1A,LH,FRA,JFK,,C,CHIT26,ADT,3000.00,100.00,EUR,2,32,2026-06-01,2026-12-31,,
`,
	}
}

func fixture(t testing.TB) *Set {
	t.Helper()
	s, err := Parse(fixtureFiles())
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return s
}

// seg builds a segment; times are local "2006-01-02T15:04" or "".
func seg(carrier, from, to, dep, arr string) booking.Segment {
	s := booking.Segment{Carrier: carrier, Flight: "100", From: from, To: to}
	if dep != "" {
		s.Depart = booking.MustLocalTime(dep)
	}
	if arr != "" {
		s.Arrive = booking.MustLocalTime(arr)
	}
	return s
}

// trav builds traveller m born on dob with SSR codes.
func trav(m int, dob string, ssr ...string) booking.Traveller {
	return booking.Traveller{Case: "RBA-2026-000001", Member: m, FamilyName: "Test", GivenNames: "M" + strings.Repeat("x", m),
		BirthDate: booking.MustDate(dob), SSR: ssr, Sex: "F", Nationality: "MA", MedicalValidUntil: booking.MustDate("2030-01-01")}
}

// rbaJFK is RBA-CDG-JFK on AF departing day (YYYY-MM-DD) with a 3h connection.
func rbaJFK(day string) []booking.Segment {
	return []booking.Segment{
		seg("AF", "RBA", "CDG", day+"T07:00", day+"T11:00"),
		seg("AF", "CDG", "JFK", day+"T14:00", day+"T16:30"),
	}
}

// codes returns "code/traveller/segment" of every finding, for comparisons.
func codes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		s := f.Code
		if f.Traveller != 0 {
			s += "/t" + itoa(f.Traveller)
		}
		if f.Escort != 0 {
			s += "/e" + itoa(f.Escort)
		}
		if f.Segment != 0 {
			s += "/s" + itoa(f.Segment)
		}
		out = append(out, s)
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// only keeps the findings with one of the given codes.
func only(fs []Finding, keep ...string) []Finding {
	var out []Finding
	for _, f := range fs {
		for _, k := range keep {
			if f.Code == k {
				out = append(out, f)
			}
		}
	}
	return out
}

func mustDate(s string) booking.Date { return booking.MustDate(s) }
