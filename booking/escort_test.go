package booking

import (
	"strings"
	"testing"
)

func escortPool() []Escort {
	return []Escort{
		{ID: "E0001", Name: "Karim Tazi", Type: EscortOperational, Languages: []string{"ar", "fr"}, PassportExpiry: MustDate("2030-01-01")},
		{ID: "E0002", Name: "Anna Berg", Type: EscortMedical, Languages: []string{"en"}, PassportExpiry: MustDate("2030-01-01")},
		{ID: "E0003", Name: "Sara Haddou", Type: EscortOperational, Languages: []string{"AR"}, PassportExpiry: MustDate("2030-01-01")},
		{ID: "E0004", Name: "Leila Amrani", Type: EscortMedical, Languages: []string{"ar", "fr"}, PassportExpiry: MustDate("2026-12-04")},
	}
}

func TestEscortRules(t *testing.T) {
	dep := MustDate("2026-12-03")
	rules := DefaultTemplates().Default.EscortRules
	byName := map[string]EscortRule{}
	for _, r := range rules {
		byName[r.Name] = r
	}
	tests := []struct {
		rule   string
		t      Traveller
		adults int
		want   bool
	}{
		{"unaccompanied-minor", Traveller{SSR: []string{"UMNR"}, BirthDate: MustDate("2016-01-01")}, 0, true},
		{"unaccompanied-minor", Traveller{BirthDate: MustDate("2016-01-01")}, 0, false},
		{"stretcher", Traveller{SSR: []string{"STCR"}}, 2, true},
		{"carried-wheelchair", Traveller{SSR: []string{"WCHC"}}, 2, true},
		{"carried-wheelchair", Traveller{SSR: []string{"WCHR"}}, 2, false},
		{"medical-advised", Traveller{SSR: []string{"MEDA"}, EscortAdvised: true}, 1, true},
		{"medical-advised", Traveller{SSR: []string{"MEDA"}}, 1, false},
		{"medical-advised", Traveller{EscortAdvised: true}, 1, false},
		{"elderly-alone", Traveller{BirthDate: MustDate("1951-12-03")}, 1, true},  // 75 on the day, the only adult (herself)
		{"elderly-alone", Traveller{BirthDate: MustDate("1951-12-04")}, 1, false}, // 74 on the day
		{"elderly-alone", Traveller{BirthDate: MustDate("1940-01-01")}, 2, false}, // another adult travels
		{"elderly-alone", Traveller{}, 0, false},                                  // unknown age
	}
	for _, tt := range tests {
		r := byName[tt.rule]
		if got := r.Matches(&tt.t, dep, tt.adults); got != tt.want {
			t.Errorf("%s on %+v with %d adults = %v, want %v", tt.rule, tt.t, tt.adults, got, tt.want)
		}
	}
}

func TestEscortNeedsPreferMedical(t *testing.T) {
	f := dutyFixture()
	f.Travellers[1].SSR = []string{"STCR", "WCHC"}
	needs := f.EscortNeeds(DefaultTemplates().For("USRAP"), f.DepartureDate())
	if len(needs) != 1 || needs[0].Traveller != 2 || needs[0].Type != EscortMedical || needs[0].Rule != "stretcher" {
		t.Fatalf("needs = %+v", needs)
	}
	f.Bookings[0].Travellers = []int{2} // Layla alone at 80
	f.Travellers[1].SSR = nil
	needs = f.EscortNeeds(DefaultTemplates().For("USRAP"), f.DepartureDate())
	if len(needs) != 1 || needs[0].Rule != "elderly-alone" {
		t.Fatalf("alone: needs = %+v", needs)
	}
}

func trip(t *testing.T, e *Escort, c string, ret bool) *EscortTrip {
	t.Helper()
	b := &Booking{Case: c, ID: "B1", Status: BookingActive, Travellers: []int{1},
		Segments: []Segment{
			{Carrier: "AT", Flight: "200", From: "RBA", To: "CMN", Depart: MustLocalTime("2026-12-03T10:00"), Arrive: MustLocalTime("2026-12-03T11:00")},
			{Carrier: "AT", Flight: "202", From: "CMN", To: "JFK", Depart: MustLocalTime("2026-12-03T14:00"), Arrive: MustLocalTime("2026-12-03T18:00")},
		}}
	var r []Segment
	if ret {
		r = []Segment{{Carrier: "AT", Flight: "201", From: "JFK", To: "CMN", Depart: MustLocalTime("2026-12-05T18:00"), Arrive: MustLocalTime("2026-12-06T07:00")}}
	}
	tr, err := NewEscortTrip(c, e, b, nil, nil, r)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func codes(ps []EscortProblem) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return strings.Join(out, ",")
}

func TestCheckEscortTrip(t *testing.T) {
	pool := escortPool()
	karim, anna, leila := &pool[0], &pool[1], &pool[3]
	other := *trip(t, karim, "RBA-2026-000099", true)
	later := other
	later.Start, later.End = MustLocalTime("2026-12-07T09:00"), MustLocalTime("2026-12-09T09:00")
	tests := []struct {
		name   string
		e      *Escort
		ret    bool
		others []EscortTrip
		need   EscortType
		langs  []string
		want   string
	}{
		{"fine", karim, true, nil, EscortOperational, []string{"ar"}, ""},
		{"double-booked", karim, true, []EscortTrip{other}, EscortOperational, []string{"ar"}, EscortDoubleBooked},
		{"later trip does not clash", karim, true, []EscortTrip{later}, EscortOperational, []string{"ar"}, ""},
		{"own trip is not a clash", karim, true, []EscortTrip{*trip(t, karim, "RBA-2026-000001", true)}, EscortOperational, nil, ""},
		{"passport expires mid-trip", leila, true, nil, EscortMedical, []string{"ar"}, EscortPassport},
		{"passport fine without return but return missing", leila, false, nil, EscortMedical, []string{"ar"}, EscortNoReturn},
		{"no return", karim, false, nil, EscortOperational, []string{"ar"}, EscortNoReturn},
		{"operational cannot do medical", karim, true, nil, EscortMedical, []string{"ar"}, EscortWrongType},
		{"medical can do operational", anna, true, nil, EscortOperational, []string{"en"}, ""},
		{"no shared language warns", anna, true, nil, EscortOperational, []string{"ar"}, EscortNoLanguage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := trip(t, tt.e, "RBA-2026-000001", tt.ret)
			if got := codes(CheckEscortTrip(tt.e, tr, tt.others, tt.need, tt.langs)); got != tt.want {
				t.Fatalf("problems %q, want %q", got, tt.want)
			}
		})
	}
	unavailable := *karim
	unavailable.Available = []Window{{From: MustDate("2026-12-01"), To: MustDate("2026-12-04")}}
	if got := codes(CheckEscortTrip(&unavailable, trip(t, &unavailable, "RBA-2026-000001", true), nil, "", nil)); got != EscortUnavailable {
		t.Fatalf("availability: %q", got)
	}
}

func TestRankEscortsPrefersSharedLanguages(t *testing.T) {
	pool := escortPool()
	base := *trip(t, &pool[0], "RBA-2026-000001", true)
	busy := *trip(t, &pool[2], "RBA-2026-000050", true) // Sara is away then
	got := RankEscorts(pool, base, []EscortTrip{busy}, EscortOperational, []string{"ar", "fr"})
	var ids []string
	for _, c := range got {
		ids = append(ids, c.Escort.ID)
	}
	// Karim: usable, ar+fr. Anna: usable, no shared language. Sara: double
	// booked. Leila: passport expires mid-trip.
	if strings.Join(ids, " ") != "E0001 E0002 E0003 E0004" && strings.Join(ids, " ") != "E0001 E0002 E0004 E0003" {
		t.Fatalf("order %v", ids)
	}
	if got[0].Escort.ID != "E0001" || strings.Join(got[0].Shared, ",") != "ar,fr" || !got[0].Usable() || got[2].Usable() {
		t.Fatalf("ranking %+v", got)
	}
	// With no conflicts, more shared languages come first, then the right type.
	pool[3].PassportExpiry = MustDate("2031-01-01")
	got = RankEscorts(pool, base, nil, EscortOperational, []string{"ar", "fr"})
	if got[0].Escort.ID != "E0001" || got[1].Escort.ID != "E0004" || got[2].Escort.ID != "E0003" || got[3].Escort.ID != "E0002" {
		t.Fatalf("order without conflicts: %s %s %s %s", got[0].Escort.ID, got[1].Escort.ID, got[2].Escort.ID, got[3].Escort.ID)
	}
}

func TestEscortValidate(t *testing.T) {
	for field, e := range map[string]Escort{
		"id":          {ID: "e 1", Name: "X", Type: EscortMedical},
		"name":        {ID: "E1", Type: EscortMedical},
		"type":        {ID: "E1", Name: "X", Type: "pilot"},
		"available.1": {ID: "E1", Name: "X", Type: EscortMedical, Available: []Window{{From: MustDate("2026-02-02"), To: MustDate("2026-02-01")}}},
	} {
		if err := e.Validate(); ErrorField(err) != field {
			t.Errorf("%s: err %v", field, err)
		}
	}
	e := Escort{ID: "E1", Name: "X", Type: EscortMedical, Languages: []string{" AR", "ar", "Fr"}}
	if err := e.Validate(); err != nil || strings.Join(e.Languages, ",") != "ar,fr" {
		t.Fatalf("languages %v %v", e.Languages, err)
	}
}
