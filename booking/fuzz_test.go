package booking

import (
	"encoding/json"
	"testing"
)

// FuzzParseTemplates parses arbitrary templates maps (as JSON): an error
// naming the key, never a panic; accepted templates are complete.
func FuzzParseTemplates(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"default":{"counselling":[{"id":"x","label":"Medical check"}]}}`))
	f.Add([]byte(`{"USRAP":{"travel_loan":true,"counselling":[{"label":"a"},{"label":"b","lable":"c"}]}}`))
	f.Add([]byte(`{"XX":{}}`))
	f.Add([]byte(`{"default":[1,2,{"a":null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var raw map[string]any
		if json.Unmarshal(data, &raw) != nil {
			return
		}
		tpl, err := ParseTemplates(raw, []string{"USRAP", "CA-GAR", "AVRR"})
		if err != nil {
			return
		}
		if tpl == nil || tpl.Programmes == nil {
			t.Fatal("accepted templates are incomplete")
		}
	})
}
