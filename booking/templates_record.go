package booking

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Templates published at the hub travel to every desk as one shared record.
const (
	KindTemplates = "templates"
	// TemplatesKey is the key of the published templates.
	TemplatesKey = "~" + KindTemplates + "/current"
)

// TemplatesRecord holds the duty templates the central office published: the
// same map as the configuration's "templates" key, as JSON. A desk applies
// its own configuration over it, and both over DefaultTemplates.
type TemplatesRecord struct {
	// Version counts publications at the hub (1, 2, ...).
	Version int `json:"version"`
	// Templates is the templates map: {"default": {...}, "USRAP": {...}}.
	Templates json.RawMessage `json:"templates"`
	// Programmes are the programme names the hub checked the map against.
	Programmes  []string  `json:"programmes,omitempty"`
	PublishedBy string    `json:"published_by"`
	PublishedAt time.Time `json:"published_at"`
	Source      string    `json:"source,omitempty"`
}

// Kind implements Record.
func (r *TemplatesRecord) Kind() string { return KindTemplates }

// Key implements Record.
func (r *TemplatesRecord) Key() string { return TemplatesKey }

// CaseNumber implements Record: the templates are shared.
func (r *TemplatesRecord) CaseNumber() string { return "" }

// Validate implements Record: the map must parse over the defaults.
func (r *TemplatesRecord) Validate() error {
	if r.Version < 1 {
		return Errorf(EINVALID, "version", "version %d must be 1 or more", r.Version)
	}
	raw, err := r.Raw()
	if err != nil {
		return err
	}
	_, err = ParseTemplates(raw, r.Programmes)
	return err
}

// Raw decodes the templates map.
func (r *TemplatesRecord) Raw() (map[string]any, error) {
	if len(r.Templates) == 0 {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(r.Templates, &m); err != nil {
		return nil, Errorf(EINVALID, "templates", "templates must be a map of keys: %v", err)
	}
	return m, nil
}

// LayerTemplates merges template maps, later layers over earlier ones: for
// each programme entry (and "default"), a key a later layer sets replaces
// the earlier layer's. Names match ignoring case, as the configuration
// loader lower-cases keys.
func LayerTemplates(layers ...map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for _, l := range layers {
		for _, k := range sortedKeys(l) {
			m, err := asMap("templates."+k, l[k])
			if err != nil {
				return nil, err
			}
			name := k
			for have := range out {
				if strings.EqualFold(have, k) {
					name = have
				}
			}
			cur, _ := out[name].(map[string]any)
			merged := make(map[string]any, len(cur)+len(m))
			for ck, cv := range cur {
				merged[ck] = cv
			}
			for mk, mv := range m {
				for ck := range merged {
					if strings.EqualFold(ck, mk) {
						delete(merged, ck)
					}
				}
				merged[mk] = mv
			}
			out[name] = merged
		}
	}
	return out, nil
}

// EffectiveTemplates returns the templates a desk works with: the defaults,
// then the published record (nil: none), then the desk's configuration.
// Programmes the hub published for are known here even when the desk's
// configuration does not list them.
func EffectiveTemplates(published *TemplatesRecord, config map[string]any, programmes []string) (*Templates, error) {
	var pub map[string]any
	progs := programmes
	if published != nil {
		var err error
		if pub, err = published.Raw(); err != nil {
			return nil, err
		}
		progs = slices.Clone(programmes)
		for _, p := range published.Programmes {
			if matchFold(progs, p) == "" {
				progs = append(progs, p)
			}
		}
	}
	merged, err := LayerTemplates(pub, config)
	if err != nil {
		return nil, err
	}
	return ParseTemplates(merged, progs)
}
