package tariffs

import (
	"strings"
	"testing"
)

// FuzzParseCSV feeds arbitrary text as fares.csv and airports.csv: Parse
// must never panic, and a set it accepts must be consistent.
func FuzzParseCSV(f *testing.F) {
	base := fixtureFiles()
	f.Add(base[FileFares], base[FileAirports])
	f.Add(strings.SplitN(base[FileFares], "\n", 3)[0]+"\n"+strings.SplitN(base[FileFares], "\n", 3)[1]+"\n", base[FileAirports])
	f.Add("id,carrier\n\"unterminated", "code,city,country,tz\nCDG,Paris,FR,Europe/Paris\n")
	f.Add("\ufeffid,carrier,origin,destination,via,cabin,fare_basis,pax,fare,taxes,currency,bag_pieces,bag_kg,valid_from,valid_to\n"+
		"X,AF,RBA,CDG,JFK/JFK,y,R,adt,-0.00,1.,EUR,99,-1,2026-02-30,2026-01-01\n", "code,city,country,tz\n,,,\n")
	f.Add("", "")
	f.Add("id,id,id\n1,2,3\n", "code,city,country,tz,tz\nRBA,Rabat,MA,Local,UTC\n")
	f.Add(base[FileFares]+"Z9,AF,RBA,JFK,CDG,Y,RHIT26,ADT,1.00,1.00,EUR,2,23,2026-12-31,2027-01-01,,\n", base[FileAirports])
	f.Fuzz(func(t *testing.T, fares, airports string) {
		files := fixtureFiles()
		files[FileFares], files[FileAirports] = fares, airports
		s, err := Parse(files)
		if err != nil {
			if s != nil {
				t.Fatal("a set with errors was returned")
			}
			if _, ok := err.(TableErrors); !ok {
				t.Fatalf("error %T is not TableErrors", err)
			}
			for _, e := range err.(TableErrors) {
				if e.File == "" || e.Message == "" {
					t.Fatalf("error without file or message: %+v", e)
				}
			}
			return
		}
		for _, fa := range s.Fares() {
			for _, c := range append([]string{fa.Origin, fa.Destination}, fa.Via...) {
				if _, ok := s.Airport(c); !ok {
					t.Fatalf("fare %s uses unknown airport %s", fa.ID, c)
				}
			}
			if fa.Fare < 0 || fa.Taxes < 0 || fa.ValidFrom.After(fa.ValidTo) {
				t.Fatalf("invalid fare accepted: %+v", fa)
			}
			if _, ok := s.Rate(fa.Currency, fa.ValidFrom); !ok {
				t.Fatalf("fare %s has no rate", fa.ID)
			}
		}
		// Quoting against whatever was accepted must not panic either.
		Quote(s, QuoteRequest{Segments: rbaJFK("2026-12-03")})
	})
}
