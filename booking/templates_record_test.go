package booking

import (
	"encoding/json"
	"strings"
	"testing"
)

func published(t *testing.T, m map[string]any, progs ...string) *TemplatesRecord {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return &TemplatesRecord{Version: 1, Templates: b, Programmes: progs}
}

func topicKeys(ts []Topic) string {
	var ks []string
	for _, t := range ts {
		ks = append(ks, t.Key)
	}
	return strings.Join(ks, ",")
}

func TestEffectiveTemplatesLayers(t *testing.T) {
	pub := published(t, map[string]any{
		"default": map[string]any{
			"counselling": []any{map[string]any{"key": "hub-topic", "label": "From the hub"}},
			"travel_bag":  []any{map[string]any{"key": "hub-bag", "label": "Hub bag item", "per": "case"}},
		},
		"SIV": map[string]any{"exit_permit_required": true},
	}, "USRAP", "SIV")
	// The desk's configuration replaces the bag but keeps the hub's topics.
	cfg := map[string]any{
		"default": map[string]any{
			"travel_bag": []any{map[string]any{"key": "desk-bag", "label": "Desk bag item", "per": "case"}},
		},
	}
	tpl, err := EffectiveTemplates(pub, cfg, []string{"USRAP"})
	if err != nil {
		t.Fatal(err)
	}
	d := tpl.For("UNKNOWN")
	if got := topicKeys(d.Counselling); got != "hub-topic" {
		t.Errorf("counselling = %s, want the hub's", got)
	}
	if len(d.TravelBag) != 1 || d.TravelBag[0].Key != "desk-bag" {
		t.Errorf("travel bag = %+v, want the desk's", d.TravelBag)
	}
	// SIV is known from the published record though the desk does not list it.
	if siv := tpl.For("SIV"); !siv.ExitPermitRequired || topicKeys(siv.Counselling) != "hub-topic" {
		t.Errorf("SIV = %+v, want exit permit required over the hub default", siv)
	}
	// The embedded loan flag survives for USRAP.
	if !tpl.For("USRAP").TravelLoan {
		t.Error("USRAP lost its travel loan")
	}
}

func TestEffectiveTemplatesWithoutPublished(t *testing.T) {
	tpl, err := EffectiveTemplates(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := topicKeys(tpl.For("X").Counselling), topicKeys(DefaultTemplates().Default.Counselling); got != want {
		t.Errorf("counselling = %s, want defaults %s", got, want)
	}
}

func TestTemplatesRecordValidate(t *testing.T) {
	bad := published(t, map[string]any{"default": map[string]any{"counseling": []any{}}})
	err := bad.Validate()
	if err == nil || !strings.Contains(err.Error(), "templates.default.counseling") {
		t.Fatalf("err = %v, want the bad key named", err)
	}
	if err := (&TemplatesRecord{Version: 0}).Validate(); err == nil {
		t.Error("version 0 accepted")
	}
	// Keys differing only in case are one entry.
	m, err := LayerTemplates(map[string]any{"USRAP": map[string]any{"travel_loan": true}},
		map[string]any{"usrap": map[string]any{"Travel_Loan": false}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 || len(m["USRAP"].(map[string]any)) != 1 || m["USRAP"].(map[string]any)["Travel_Loan"] != false {
		t.Errorf("layered = %v", m)
	}
}
