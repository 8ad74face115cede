package booking

import (
	"strings"
	"testing"
)

var progs = []string{"USRAP", "CA-GAR", "AU-HUM", "AVRR", "EU-REL"}

func TestParseTemplatesDefaults(t *testing.T) {
	tpl, err := ParseTemplates(nil, progs)
	if err != nil {
		t.Fatal(err)
	}
	if !tpl.For("USRAP").TravelLoan || tpl.For("EU-REL").TravelLoan || len(tpl.For("AVRR").EscortRules) != 5 {
		t.Fatalf("defaults: %+v", tpl)
	}
}

func TestParseTemplatesOverrides(t *testing.T) {
	// As viper hands it over: keys lower-cased, lists of maps.
	raw := map[string]any{
		"default": map[string]any{
			"escort_rules": []any{
				map[string]any{"name": "minor", "ssr": "umnr", "escort_type": "operational"},
				map[string]any{"name": "very-old-alone", "min_age": 80, "alone": true, "escort_type": "operational"},
			},
		},
		"eu-rel": map[string]any{"travel_loan": true, "exit_permit_required": "yes",
			"counselling": []any{map[string]any{"key": "check-in", "label": "Check-in", "group": "pre-embarkation"}}},
	}
	tpl, err := ParseTemplates(raw, progs)
	if err != nil {
		t.Fatal(err)
	}
	eu := tpl.For("EU-REL")
	if !eu.TravelLoan || !eu.ExitPermitRequired || len(eu.Counselling) != 1 || len(eu.EscortRules) != 2 || eu.EscortRules[0].SSR != "UMNR" {
		t.Fatalf("EU-REL: %+v", eu)
	}
	if us := tpl.For("USRAP"); !us.TravelLoan || len(us.EscortRules) != 2 || len(us.Counselling) != 11 {
		t.Fatalf("USRAP keeps its loan and takes the new default rules: %+v", us)
	}
	if av := tpl.For("AVRR"); av.TravelLoan || av.EscortRules[1].MinAge != 80 {
		t.Fatalf("AVRR: %+v", av)
	}
}

func TestParseTemplatesErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		raw  map[string]any
		want string
	}{
		{map[string]any{"usrsp": map[string]any{}}, `templates.usrsp: unknown template key "usrsp"`},
		{map[string]any{"default": map[string]any{"counseling": []any{}}}, `templates.default.counseling: unknown template key "counseling"`},
		{map[string]any{"usrap": map[string]any{"counselling": []any{map[string]any{"key": "x", "lable": "X"}}}}, `templates.USRAP.counselling[0].lable: unknown template key "lable"`},
		{map[string]any{"default": map[string]any{"escort_rules": []any{map[string]any{"name": "r", "ssr": "ZZZZ", "escort_type": "medical"}}}}, `templates.default.escort_rules[0].ssr: unknown SSR code "ZZZZ"`},
		{map[string]any{"default": map[string]any{"escort_rules": []any{map[string]any{"name": "r", "escort_type": "medical"}}}}, `has no condition`},
		{map[string]any{"default": map[string]any{"escort_rules": []any{map[string]any{"name": "r", "alone": true, "escort_type": "pilot"}}}}, `templates.default.escort_rules[0].escort_type`},
		{map[string]any{"default": map[string]any{"escort_rules": []any{map[string]any{"name": "r", "alone": true, "escort_type": "medical", "colour": "red"}}}}, `escort_rules[0].colour: unknown template key`},
		{map[string]any{"default": map[string]any{"travel_bag": []any{map[string]any{"key": "x", "label": "X", "per": "family"}}}}, `templates.default.travel_bag[0].per`},
		{map[string]any{"default": map[string]any{"travel_bag": []any{map[string]any{"key": "x", "label": "X", "per": "case", "size": 2}}}}, `travel_bag[0].size: unknown template key`},
		{map[string]any{"default": map[string]any{"counselling": []any{map[string]any{"key": "a", "label": "A"}, map[string]any{"key": "a", "label": "B"}}}}, `counselling[1].key: key "a" is listed twice`},
		{map[string]any{"default": map[string]any{"counselling": []any{map[string]any{"key": "a", "label": "A", "when": "rainy"}}}}, `counselling[0].when`},
		{map[string]any{"default": map[string]any{"travel_loan": "maybe"}}, `templates.default.travel_loan: want true or false`},
		{map[string]any{"default": "all"}, `templates.default: want a map`},
	}
	for _, tt := range tests {
		_, err := ParseTemplates(tt.raw, progs)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err %v, want %q", tt.raw, err, tt.want)
		}
	}
}
