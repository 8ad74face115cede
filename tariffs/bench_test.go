package tariffs

import (
	"fmt"
	"strings"
	"testing"

	"movedesk/booking"
)

// bigFiles returns the fixture tables with a fares.csv of n rows: 120
// airports, 12 carriers, nonstop and one-stop routings, three pax types
// and two validity periods, so keys repeat as in a real table.
func bigFiles(n int) map[string]string {
	files := fixtureFiles()
	var ap strings.Builder
	ap.WriteString(files[FileAirports])
	var codes []string
	for i := 0; len(codes) < 120; i++ {
		c := fmt.Sprintf("%c%c%c", 'K'+i/400%10, 'A'+i/20%20, 'A'+i%20)
		codes = append(codes, c)
		fmt.Fprintf(&ap, "%s,City %d,XA,Europe/Paris\n", c, i)
	}
	files[FileAirports] = ap.String()
	carriers := []string{"AF", "KL", "LH", "TK", "QR", "EK", "IB", "BA", "UA", "AA", "DL", "AC"}
	var b strings.Builder
	b.Grow(n * 110)
	b.WriteString("id,carrier,origin,destination,via,cabin,fare_basis,pax,fare,taxes,currency,bag_pieces,bag_kg,valid_from,valid_to,programme,notes\n")
	pax := []string{"ADT", "CHD", "INF"}
	periods := [2][2]string{{"2026-06-01", "2026-12-31"}, {"2027-01-01", "2027-12-31"}}
	for i := 0; i < n; i++ {
		g := i / 6 // six rows per key group: 3 pax x 2 periods
		o, d := codes[g%120], codes[(g/120+1+g%120)%120]
		if o == d {
			d = codes[(g+7)%120]
		}
		via := ""
		if g%3 == 0 {
			via = codes[(g/7+3)%120]
			if via == o || via == d {
				via = ""
			}
		}
		c := carriers[(g/14400)%len(carriers)]
		p, per := pax[i%3], periods[(i/3)%2]
		fmt.Fprintf(&b, "F%d,%s,%s,%s,%s,Y,YHIT,%s,%d.00,%d.50,EUR,2,23,%s,%s,,\n", i, c, o, d, via, p, 100+i%900, 10+i%90, per[0], per[1])
	}
	files[FileFares] = b.String()
	return files
}

func TestBigFilesParse(t *testing.T) {
	s, err := Parse(bigFiles(3000))
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3000 {
		t.Errorf("%d fares", s.Len())
	}
}

func BenchmarkImport50k(b *testing.B) {
	files := bigFiles(50_000)
	b.SetBytes(int64(len(files[FileFares])))
	b.ResetTimer()
	for b.Loop() {
		s, err := Parse(files)
		if err != nil {
			b.Fatal(err)
		}
		if s.Len() != 50_000 {
			b.Fatalf("%d rows", s.Len())
		}
	}
}

// BenchmarkQuote prices 6 travellers over 3 segments against the fixture
// routes merged into a 50,000-row table, with every rule running.
func BenchmarkQuote(b *testing.B) {
	files := bigFiles(50_000)
	files[FileFares] += strings.SplitN(fixtureFiles()[FileFares], "\n", 2)[1] +
		"AF9A,AF,JFK,IAD,,Y,RHIT26,ADT,90.00,20.00,EUR,1,23,2026-06-01,2026-12-31,,\n" +
		"AF9C,AF,JFK,IAD,,Y,RHIT26CH,CHD,70.00,20.00,EUR,1,23,2026-06-01,2026-12-31,,\n" +
		"AF9I,AF,JFK,IAD,,Y,RHIT26IN,INF,9.00,5.00,EUR,1,10,2026-06-01,2026-12-31,,\n"
	rf := ruleFiles("AF,16,7,no,48,72,6,yes\nUA,16,7,no,48,72,6,yes\n")
	for _, f := range OptionalFiles {
		files[f] = rf[f]
	}
	files[FileProgrammes] += "USRAP,US,10,Mon-Fri,no,75\n"
	s, err := Parse(files)
	if err != nil {
		b.Fatal(err)
	}
	// The through fare covers segments 1-2; segment 3 has its own fare.
	req := QuoteRequest{
		Segments: []booking.Segment{
			seg("AF", "RBA", "CDG", "2026-12-03T07:00", "2026-12-03T11:00"),
			seg("AF", "CDG", "JFK", "2026-12-03T14:00", "2026-12-03T16:30"),
			seg("AF", "JFK", "IAD", "2026-12-03T19:00", "2026-12-03T20:30"),
		},
		Travellers: []booking.Traveller{
			trav(1, "1980-01-01"), trav(2, "1982-01-01"), trav(3, "2010-01-01"),
			trav(4, "2018-01-01"), trav(5, "2020-06-01", "VGML"), trav(6, "2026-01-01"),
		},
		Documents:   map[int][]booking.Document{},
		Programme:   "USRAP",
		BookingDate: booking.MustDate("2026-11-10"),
		Destination: "IAD",
		Others:      []booking.Traveller{},
		FlightLoads: []FlightLoad{},
	}
	for i := 0; i < 20; i++ {
		req.FlightLoads = append(req.FlightLoads, FlightLoad{Carrier: "AF", Flight: "100", Date: booking.MustDate("2026-12-03"),
			Case: fmt.Sprintf("RBA-2026-%06d", i+2), Programme: []string{"USRAP", "CA-GAR"}[i%2], Travellers: 3})
	}
	for m := 1; m <= 6; m++ {
		req.Documents[m] = []booking.Document{{Member: m, Type: booking.DocPassport, Number: "P" + itoa(m), ExpiryDate: booking.MustDate("2030-01-01")}}
	}
	res := Quote(s, req)
	if len(res.Findings) > 0 {
		b.Logf("findings: %v", res.Findings)
	}
	if res.Blocking() || !res.Priced() || len(res.Lines) != 18 || len(res.Components) != 2 {
		b.Fatalf("benchmark quote is not clean: %d components, findings %v", len(res.Components), res.Findings)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Quote(s, req)
	}
}
