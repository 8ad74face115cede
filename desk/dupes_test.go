package desk

import (
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/store"
)

// TestDuplicatesFollowTheStore: the check sees a traveller entered in
// another case at once, and a change of birth date takes the match away.
func TestDuplicatesFollowTheStore(t *testing.T) {
	fx := newFixture(t)
	typed := booking.Traveller{FamilyName: "El-Haddad", GivenNames: "Umar", BirthDate: booking.MustDate("1980-05-05")}
	ms, err := fx.d.FindDuplicates(typed, nil, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Other.Case != fx.no || ms[0].Reason != "name ~ and same birth date" {
		t.Fatalf("matches %+v, want %s traveller 1 (name ~ and same birth date)", ms, fx.no)
	}
	// The same traveller typed in the case itself is no duplicate.
	typed.Case = fx.no
	if ms, _ := fx.d.FindDuplicates(typed, nil, 5); len(ms) != 0 {
		t.Fatalf("a traveller matches its own case: %+v", ms)
	}

	no, err := fx.d.NewCase("amina", "RBA", booking.Case{Programme: "USRAP"},
		booking.Traveller{FamilyName: "Haddad", GivenNames: "Omar", BirthDate: booking.MustDate("1980-05-05")})
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := fx.d.DuplicatePairs("")
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 1 || pairs[0].B.Case != no || pairs[0].Reason != "same name and birth date" {
		t.Fatalf("pairs after a new case: %+v", pairs)
	}
	if err := fx.d.SetFields("amina", no, []store.Assignment{{Path: "traveller.1.birth_date", Value: "1981-05-05"}}); err != nil {
		t.Fatal(err)
	}
	if pairs, _ := fx.d.DuplicatePairs(""); len(pairs) != 0 {
		t.Fatalf("pairs after the birth date changed: %+v", pairs)
	}
	// A document number is enough on its own.
	if err := fx.d.SetFields("amina", fx.no, []store.Assignment{{Path: "traveller.1.document.p1.number", Value: "N0001234"}}); err != nil {
		t.Fatal(err)
	}
	if err := fx.d.SetFields("amina", no, []store.Assignment{{Path: "traveller.1.document.p1.type", Value: "passport"},
		{Path: "traveller.1.document.p1.number", Value: "n 0001-234"}}); err != nil {
		t.Fatal(err)
	}
	if pairs, _ := fx.d.DuplicatePairs(no); len(pairs) != 1 || pairs[0].Reason != "same passport number" || pairs[0].A.Case != no {
		t.Fatalf("pairs of %s after the same passport number: %+v", no, pairs)
	}
	if _, err := fx.d.DuplicatePairs("NOPE-1"); err == nil {
		t.Error("pairs of a case that does not exist: no error")
	}
}

// TestImportWarnsOfDuplicates: an imported traveller who likely duplicates
// a traveller of another case is imported and named in the result.
func TestImportWarnsOfDuplicates(t *testing.T) {
	fx := newFixture(t)
	in := strings.Join([]string{
		`{"key":"RBA-2026-000900","record":{"number":"RBA-2026-000900","programme":"USRAP","office":"RBA","status":"received","priority":3}}`,
		`{"key":"RBA-2026-000900/traveller/01","record":{"case":"RBA-2026-000900","member":1,"principal":true,"family_name":"HADDAD","given_names":"Omar","birth_date":"1980-05-05"}}`,
		`{"key":"RBA-2026-000900/traveller/02","record":{"case":"RBA-2026-000900","member":2,"family_name":"Haddad","given_names":"Sara","birth_date":"2010-01-01"}}`,
	}, "\n")
	res, err := fx.d.Import("setup", strings.NewReader(in), false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 3 || len(res.Duplicates) != 1 {
		t.Fatalf("import result %+v, want 3 records and one duplicate", res)
	}
	dp := res.Duplicates[0]
	if dp.Traveller.Case != "RBA-2026-000900" || dp.Traveller.Member != 1 || dp.Match.Other.Case != fx.no || dp.Match.Reason != "same name and birth date" {
		t.Errorf("duplicate %+v", dp)
	}
	// A line that changes something else of that traveller warns no more.
	res, err = fx.d.Import("setup", strings.NewReader(`{"key":"RBA-2026-000900/traveller/01","record":{"sex":"M"}}`), false)
	if err != nil || len(res.Duplicates) != 0 {
		t.Errorf("second import: %+v %v", res, err)
	}
}
