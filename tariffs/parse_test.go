package tariffs

import (
	"errors"
	"strings"
	"testing"
)

func TestParseEmbeddedRoundTrip(t *testing.T) {
	s := embeddedSet(t)
	again, err := Parse(s.Texts())
	if err != nil {
		t.Fatal(err)
	}
	if again.Len() != s.Len() || again.Version != s.Version || len(again.Airports()) != len(s.Airports()) {
		t.Errorf("re-parse differs: %d/%d fares", again.Len(), s.Len())
	}
}

// wantErr is one expected error: file, line, field and a message fragment.
type wantErr struct {
	file  string
	line  int
	field string
	msg   string
}

func checkErrors(t *testing.T, err error, want []wantErr) {
	t.Helper()
	var te TableErrors
	if !errors.As(err, &te) {
		t.Fatalf("error %v is not TableErrors", err)
	}
	for _, w := range want {
		found := false
		for _, e := range te {
			if e.File == w.file && e.Line == w.line && e.Field == w.field && strings.Contains(e.Message, w.msg) {
				found = true
				if e.Line > 1 && e.Field != "" && e.Column == 0 {
					t.Errorf("%v has no column", e)
				}
			}
		}
		if !found {
			t.Errorf("missing error %s:%d %s %q in:\n%v", w.file, w.line, w.field, w.msg, err)
		}
	}
	if len(te) != len(want) {
		t.Errorf("%d errors, want %d:\n%v", len(te), len(want), err)
	}
}

func TestParseReportsAllErrors(t *testing.T) {
	files := fixtureFiles()
	files[FileAirports] += "XX1,Nowhere,Z1,Mars/Olympus\nCDG,Paris again,FR,Europe/Paris\n"
	files[FileRates] += "EURO,2026-06-01,1.1\nGBP,2026-06-01,-1\n"
	files[FileMCT] += "QQQ,30,40\nJFK,10,20\n"
	header := strings.SplitN(files[FileFares], "\n", 2)[0]
	files[FileFares] = header + `
B1,AF,RBA,XXX,,Y,RHIT,ADT,100.00,10.00,EUR,1,23,2026-06-01,2026-12-31,,
B2,AF,RBA,CDG,,Y,RHIT,ADT,-5.00,10.00,EUR,1,23,2026-06-01,2026-12-31,,
B3,AF,RBA,CDG,,Y,RHIT,ADT,5.00,10.00,EUR,1,23,2026-12-31,2026-06-01,,
B4,AF,RBA,CDG,,Y,RHIT,CHD,5.00,10.00,EU,1,23,2026-06-01,2026-12-31,,
B5,AF,RBA,CDG,,Y,RHIT,CHD,5.00,10.00,CHF,1,23,2027-01-01,2027-12-31,,
B6,AF,RBA,CDG,,Y,RHIT,INF,5.00,10.00,EUR,1,23,2026-06-01,2026-12-31,,
B7,AF,RBA,CDG,,Y,RHIT,INF,5.00,10.00,EUR,1,23,2026-12-31,2027-03-31,,
B7,AF,RBA,CDG,,Y,RHIT,ADT,5.00,10.00,EUR,1,23,2028-01-01,2028-03-31,,
B9,AF,RBA,CDG,CDG,Y,RHIT,ADT,5.123,10.00,EUR,x,23,2028-06-01,2028-13-01,,
B10,AF,RBA,CDG,,Y,RHIT,KID,5.00,10.00,EUR,1,23,2029-01-01,2029-01-31,,
B11,AF,RBA,CDG
`
	_, err := Parse(files)
	checkErrors(t, err, []wantErr{
		{FileAirports, 8, "code", "must be 3 letters"},
		{FileAirports, 8, "country", "must be 2 letters"},
		{FileAirports, 8, "tz", "unknown time zone"},
		{FileAirports, 9, "code", "already defined on line 3"},
		{FileMCT, 6, "airport", "unknown airport QQQ"},
		{FileMCT, 7, "airport", "already has a row on line 4"},
		{FileRates, 5, "currency", "must be 3 letters"},
		{FileRates, 6, "usd", "must be positive"},
		{FileFares, 2, "destination", "unknown airport XXX"},
		{FileFares, 3, "fare", "negative"},
		{FileFares, 4, "valid_to", "before valid_from"},
		{FileFares, 5, "currency", "must be 3 letters"},
		{FileFares, 6, "currency", "no USD rate for CHF"},
		{FileFares, 8, "valid_from", "overlaps fare B6 on line 7"},
		{FileFares, 9, "id", "already used on line 8"},
		{FileFares, 10, "via", "repeats an airport"},
		{FileFares, 10, "fare", "at most 2 places"},
		{FileFares, 10, "bag_pieces", "whole number"},
		{FileFares, 10, "valid_to", "month 13 does not exist"},
		{FileFares, 11, "pax", "must be ADT, CHD or INF"},
		{FileFares, 12, "", "row has 4 fields, the header has 17"},
	})
}

func TestParseStructuralErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(f map[string]string)
		want []wantErr
	}{
		{"missing file", func(f map[string]string) { delete(f, FileMCT) }, []wantErr{{FileMCT, 0, "", "missing"}}},
		{"unknown file", func(f map[string]string) { f["fare.csv"] = "x\n" }, []wantErr{{"fare.csv", 0, "", "unknown table file"}}},
		{"empty file", func(f map[string]string) { f[FileRates] = "" }, []wantErr{{FileRates, 1, "", "file is empty"}}},
		{"unknown column", func(f map[string]string) {
			f[FileAirports] = strings.Replace(f[FileAirports], "code,city,country,tz", "code,city,country,tz,elevation", 1)
			f[FileAirports] = strings.ReplaceAll(f[FileAirports], "\n", ",0\n")
			f[FileAirports] = strings.Replace(f[FileAirports], "tz,elevation,0", "tz,elevation", 1)
		}, []wantErr{{FileAirports, 1, "elevation", "unknown column"}}},
		{"missing column", func(f map[string]string) {
			f[FileRates] = "currency,effective\nEUR,2026-06-01\n"
		}, []wantErr{{FileRates, 1, "usd", "required column"}}},
		{"csv syntax", func(f map[string]string) {
			f[FileMCT] = "airport,domestic,international\nCDG,\"60,90\n"
		}, []wantErr{{FileMCT, 2, "", "CSV syntax"}}},
		{"two version rows", func(f map[string]string) {
			f[FileVersion] += "t2,2026-07-01,\n"
		}, []wantErr{{FileVersion, 2, "", "exactly one row"}}},
		{"bad version", func(f map[string]string) {
			f[FileVersion] = "version,effective\nbad version!,2026-06-01\n"
		}, []wantErr{{FileVersion, 2, "version", "must be 1 to 40"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := fixtureFiles()
			tc.edit(files)
			s, err := Parse(files)
			if s != nil {
				t.Fatal("a set with errors must not be returned")
			}
			checkErrors(t, err, tc.want)
		})
	}
}

func TestParseSpreadsheetExport(t *testing.T) {
	files := fixtureFiles()
	// BOM, CRLF, comments, blank lines, spaces, lower case and reordered columns.
	files[FileAirports] = "\ufeff# exported\r\ntz , code,city,country\r\n\r\nEurope/Paris, cdg ,Paris,fr\r\n" +
		"Africa/Casablanca,RBA,Rabat,MA\r\nAmerica/New_York,JFK,New York,US\r\nAmerica/New_York,IAD,Washington,US\r\n" +
		"America/Chicago,ORD,Chicago,US\r\nEurope/Berlin,FRA,Frankfurt,DE\r\n"
	s, err := Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := s.Airport("CDG"); !ok || a.Country != "FR" || a.TZName != "Europe/Paris" {
		t.Errorf("CDG = %+v", a)
	}
}

func TestTableErrorText(t *testing.T) {
	e := &TableError{File: FileFares, Line: 12, Column: 34, Field: "valid_to", Message: "bad"}
	if got := e.Error(); got != "fares.csv:12:34: valid_to: bad" {
		t.Errorf("got %q", got)
	}
	es := TableErrors{e, e}
	if !strings.HasPrefix(es.Error(), "2 error(s)") {
		t.Errorf("got %q", es.Error())
	}
}

func TestRateLookup(t *testing.T) {
	s := fixture(t)
	for day, want := range map[string]int64{"2026-06-01": 1_080_000, "2026-12-31": 1_080_000, "2027-01-01": 1_100_000, "2030-01-01": 1_100_000} {
		r, ok := s.Rate("EUR", mustDate(day))
		if !ok || r.USDMicros != want {
			t.Errorf("EUR on %s = %v %v, want %d", day, r, ok, want)
		}
	}
	if _, ok := s.Rate("EUR", mustDate("2026-05-31")); ok {
		t.Error("no EUR rate before 2026-06-01")
	}
	if r, ok := s.Rate("USD", mustDate("1999-01-01")); !ok || r.Convert(12345) != 12345 {
		t.Error("USD is always 1")
	}
	if got := (Rate{USDMicros: 1_080_000}).Convert(99999); got != 107999 {
		t.Errorf("999.99 at 1.08 = %d cents, want 107999 (rounded half up)", got)
	}
}
