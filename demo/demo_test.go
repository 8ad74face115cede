package demo

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"movedesk/booking"
)

func generate(t *testing.T, o Options) []booking.Record {
	t.Helper()
	var all []booking.Record
	if err := Generate(o, func(recs []booking.Record) error { all = append(all, recs...); return nil }); err != nil {
		t.Fatal(err)
	}
	return all
}

func direct(from, to string) []Itinerary { return []Itinerary{{Carrier: "XX"}} }

func TestSameSeedSameData(t *testing.T) {
	o := Options{Cases: 200, Seed: 7, Today: booking.MustDate("2026-11-22"), Routes: direct}
	a, _ := json.Marshal(generate(t, o))
	b, _ := json.Marshal(generate(t, o))
	if string(a) != string(b) {
		t.Fatal("same seed gave different data")
	}
	o.Seed = 8
	c, _ := json.Marshal(generate(t, o))
	if string(a) == string(c) {
		t.Fatal("different seeds gave the same data")
	}
}

func TestDemoIsValidAndVaried(t *testing.T) {
	recs := generate(t, Options{Cases: 2000, Seed: 1, Today: booking.MustDate("2026-11-22"), Routes: direct})
	statuses := map[booking.Status]int{}
	programmes := map[string]int{}
	offices := map[string]int{}
	ssr := map[string]int{}
	sizes := map[int]int{}
	var pregnant, infants, elderly, expiring int
	members := map[string]int{}
	for _, r := range recs {
		if err := r.Validate(); err != nil {
			t.Fatalf("%s: %v", r.Key(), err)
		}
		switch v := r.(type) {
		case *booking.Case:
			statuses[v.Status]++
			programmes[v.Programme]++
			offices[v.Office]++
		case *booking.Traveller:
			members[v.Case]++
			for _, c := range v.SSR {
				ssr[c]++
			}
			if v.PregnancyWeeks > 0 {
				pregnant++
			}
			age := v.BirthDate.Age(booking.MustDate("2026-11-22"))
			if age < 2 {
				infants++
			}
			if age >= 70 {
				elderly++
			}
		case *booking.Document:
			if v.ExpiresBefore(booking.MustDate("2027-01-22")) && v.Type.IsTravelDocument() {
				expiring++
			}
		}
	}
	for _, n := range members {
		sizes[n]++
	}
	if len(statuses) != len(booking.Statuses) || len(programmes) != 5 || len(offices) != 4 {
		t.Fatalf("statuses %v programmes %v offices %v", statuses, programmes, offices)
	}
	for _, code := range []string{"WCHR", "WCHC", "MEDA", "UMNR", "MOML", "BBML"} {
		if ssr[code] == 0 {
			t.Errorf("no traveller with %s in 2000 cases", code)
		}
	}
	if sizes[1] == 0 || sizes[9] == 0 || pregnant == 0 || infants == 0 || elderly == 0 || expiring == 0 {
		t.Errorf("sizes %v pregnant %d infants %d elderly %d expiring %d", sizes, pregnant, infants, elderly, expiring)
	}
}

func TestOfficeOption(t *testing.T) {
	for _, r := range generate(t, Options{Cases: 50, Seed: 1, Office: "SAL", Routes: direct}) {
		if c, ok := r.(*booking.Case); ok && c.Office != "SAL" {
			t.Fatalf("case %s in office %s", c.Number, c.Office)
		}
	}
	if err := Generate(Options{Cases: 1, Office: "XYZ"}, func([]booking.Record) error { return nil }); err == nil {
		t.Fatal("unknown office accepted")
	}
}

func TestClearedCasesPassTheGate(t *testing.T) {
	var files []*booking.CaseFile
	err := Generate(Options{Cases: 600, Seed: 3, Today: booking.MustDate("2026-11-22"), Routes: direct}, func(recs []booking.Record) error {
		f := &booking.CaseFile{}
		for _, r := range recs {
			b, _ := json.Marshal(r)
			if err := f.Add(r.Key(), b); err != nil {
				return err
			}
		}
		if f.Case.Status == booking.StatusReadyToDepart {
			files = append(files, f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no ready-to-depart case in 600")
	}
	in := booking.GateInput{Templates: booking.DefaultTemplates(), FindingsChecked: true}
	for _, f := range files {
		if items := f.GateWith(in); len(items) > 0 {
			t.Errorf("%s is ready to depart with open items: %+v", f.Case.Number, items)
		}
	}
}

// The demo obeys the rules a report would check: nothing is dated after
// today (ABNs, bookings, ticks, custody events, escort assignments),
// custody events come in an order Custody.Log accepts, and no two
// travellers of one family share their given names.
func TestDemoObeysTheRules(t *testing.T) {
	today := booking.MustDate("2026-11-22")
	recs := generate(t, Options{Cases: 1500, Seed: 5, Today: today, Routes: direct})
	dated := map[string]bool{"at": true, "issued_at": true, "sent_at": true, "booked_on": true, "assigned_at": true}
	var walk func(key string, v any, path string)
	walk = func(key string, v any, path string) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(k, x, path+"."+k)
			}
		case []any:
			for i, x := range v {
				walk(key, x, fmt.Sprintf("%s[%d]", path, i))
			}
		case string:
			if !dated[key] || len(v) < 10 {
				return
			}
			d, err := booking.ParseDate(v[:10])
			if err == nil && d.After(today) {
				t.Errorf("%s = %s, after today %s", path, v, today)
			}
		}
	}
	given := map[string][]string{}
	custody := 0
	for _, r := range recs {
		raw, _ := json.Marshal(r)
		var m any
		json.Unmarshal(raw, &m)
		walk("", m, r.Key())
		switch v := r.(type) {
		case *booking.Traveller:
			if slices.Contains(given[v.Case], v.GivenNames) {
				t.Errorf("%s: two travellers named %s %s", v.Case, v.GivenNames, v.FamilyName)
			}
			given[v.Case] = append(given[v.Case], v.GivenNames)
		case *booking.Custody:
			custody++
			for i, e := range v.Events {
				if err := e.Validate(i); err != nil {
					t.Errorf("%s event %d: %v", v.Key(), i, err)
				}
				if i > 0 && e.At.Before(v.Events[i-1].At) {
					t.Errorf("%s: %s at %s is before %s at %s", v.Key(), e.Action, e.At, v.Events[i-1].Action, v.Events[i-1].At)
				}
			}
		}
	}
	if custody == 0 {
		t.Fatal("no custody records generated")
	}
}
