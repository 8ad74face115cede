package booking

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Templates are the per-programme duty templates: counselling topics, the
// rules that flag who needs an escort, the escort checklist and what the
// travel bag must hold. Offices and programmes differ, so they come from the
// configuration ("templates" key); DefaultTemplates covers the agency's
// usual practice.
//
// The configuration form is a map: "default" holds a full ProgrammeTemplate
// and each programme name may override any of its keys:
//
//	templates:
//	  default: {counselling: [...], escort_rules: [...], ...}
//	  USRAP: {travel_loan: true}
type Templates struct {
	// Default applies to programmes without their own entry, and fills in
	// the keys a programme entry leaves out.
	Default ProgrammeTemplate
	// Programmes are the per-programme overrides, already merged over Default.
	Programmes map[string]ProgrammeTemplate
	// OvernightMinLayover is rules.overnight_min_layover, set by the
	// use-case layer so checklists and the quote's transit-overnight
	// finding agree; every programme's template carries it.
	OvernightMinLayover time.Duration
}

// ProgrammeTemplate is the set of templates that applies to one programme.
type ProgrammeTemplate struct {
	// Counselling are the pre-departure counselling topics.
	Counselling []Topic
	// TravelLoan adds the loan topic and a promissory note per adult (18 or
	// older on the departure date) to counselling, and loan papers to the bag.
	TravelLoan bool
	// ExitPermitRequired makes an approved exit permit a gate item for every
	// traveller even when none has been recorded yet.
	ExitPermitRequired bool
	// EscortRules flag the travellers who must travel with an escort.
	EscortRules []EscortRule
	// EscortChecklist are the items of each escort's checklist.
	EscortChecklist []Topic
	// TravelBag is what the travel bag must hold.
	TravelBag []BagItem
	// OvernightMinLayover is the shortest connection across local midnight
	// that adds a transit-assistance item to counselling (from
	// Templates.OvernightMinLayover; zero: DefaultOvernightMinLayover).
	OvernightMinLayover time.Duration
}

// Topic is one item of a counselling or escort checklist.
type Topic struct {
	Key   string
	Label string
	// Group heads related topics ("pre-embarkation", "special needs").
	Group string
	// When limits the topic to cases it applies to; see TopicConditions.
	When string
	// PreDeparture marks an escort checklist item the gate requires before
	// departure (hand-overs happen during the trip and do not block).
	PreDeparture bool
}

// TopicConditions are the values of Topic.When: "" always; meal,
// wheelchair, medical when a traveller on the booking has an SSR of that
// group (the meal topic lists the meal codes); loan when the programme has a
// travel loan; medical-escort for escort items that apply only to medical
// escorts.
var TopicConditions = []string{"", "meal", "wheelchair", "medical", "loan", "medical-escort"}

// EscortRule flags travellers who need an escort. Every condition set must
// hold (they are ANDed); a rule needs at least one condition.
type EscortRule struct {
	Name string
	// SSR is a special service request the traveller has (e.g. UMNR).
	SSR string
	// EscortAdvised requires the examining physician's escort recommendation.
	EscortAdvised bool
	// MinAge is the age (on the departure date) from which the rule applies.
	MinAge int
	// Alone requires that no other traveller on the booking is 18 or older.
	Alone bool
	// EscortType is the type of escort the traveller needs.
	EscortType EscortType
}

// BagItem is one thing the travel bag must hold.
type BagItem struct {
	Key   string
	Label string
	// Per is traveller (one per traveller on the booking), adult (18 or
	// older on the departure date) or case (one for the whole case).
	Per string
	// When limits the item: "" always; loan (programme has a travel loan);
	// exit-permit (the traveller has an exit permit recorded); visa (the
	// traveller has a visa recorded).
	When string
}

// BagPers and BagConditions are the accepted BagItem.Per and BagItem.When.
var (
	BagPers       = []string{"traveller", "adult", "case"}
	BagConditions = []string{"", "loan", "exit-permit", "visa"}
)

// For returns the template of programme p (Default when p has no entry).
func (t *Templates) For(p string) ProgrammeTemplate {
	if t == nil {
		return DefaultTemplates().For(p)
	}
	pt, ok := t.Programmes[p]
	if !ok {
		pt = t.Default
	}
	pt.OvernightMinLayover = t.OvernightMinLayover
	return pt
}

// DefaultTemplates returns the embedded templates: the counselling topics,
// escort rules, escort checklist and travel bag described in the domain
// notes, with a travel loan for USRAP and CA-GAR.
func DefaultTemplates() *Templates {
	d := ProgrammeTemplate{
		Counselling: []Topic{
			{Key: "check-in", Label: "Check-in procedure", Group: "pre-embarkation"},
			{Key: "security", Label: "Airport security screening", Group: "pre-embarkation"},
			{Key: "transit", Label: "Transit and connections", Group: "pre-embarkation"},
			{Key: "document-bag", Label: "The document bag: keep it, show it", Group: "pre-embarkation"},
			{Key: "arrival", Label: "What to expect on arrival", Group: "pre-embarkation"},
			{Key: "meals", Label: "Meals on board", Group: "special needs", When: "meal"},
			{Key: "medication", Label: "Medication carried in the cabin", Group: "special needs"},
			{Key: "wheelchair", Label: "Wheelchair assistance", Group: "special needs", When: "wheelchair"},
			{Key: "medical-conditions", Label: "Medical conditions during travel", Group: "special needs", When: "medical"},
			{Key: "baggage", Label: "Baggage allowance", Group: "baggage"},
			{Key: "loan", Label: "Travel loan explained (interest-free)", Group: "travel loan", When: "loan"},
		},
		EscortRules: []EscortRule{
			{Name: "unaccompanied-minor", SSR: "UMNR", EscortType: EscortOperational},
			{Name: "stretcher", SSR: "STCR", EscortType: EscortMedical},
			{Name: "carried-wheelchair", SSR: "WCHC", EscortType: EscortOperational},
			{Name: "medical-advised", SSR: "MEDA", EscortAdvised: true, EscortType: EscortMedical},
			{Name: "elderly-alone", MinAge: 75, Alone: true, EscortType: EscortOperational},
		},
		EscortChecklist: []Topic{
			{Key: "briefed", Label: "Escort briefed on the case", PreDeparture: true},
			{Key: "medical-kit", Label: "Medical kit checked", When: "medical-escort", PreDeparture: true},
			{Key: "return-booked", Label: "Return trip booked", PreDeparture: true},
			{Key: "handover-transit", Label: "Hand-over at transit"},
			{Key: "handover-destination", Label: "Hand-over at destination"},
		},
		TravelBag: []BagItem{
			{Key: "travel-document", Label: "Travel document", Per: "traveller"},
			{Key: "visa", Label: "Visa", Per: "traveller", When: "visa"},
			{Key: "exit-permit", Label: "Exit permit", Per: "traveller", When: "exit-permit"},
			{Key: "medical-records", Label: "Medical records", Per: "traveller"},
			{Key: "arrival-forms", Label: "Arrival forms", Per: "case"},
			{Key: "loan-papers", Label: "Loan papers (promissory note copy)", Per: "adult", When: "loan"},
		},
	}
	loan := d
	loan.TravelLoan = true
	return &Templates{Default: d, Programmes: map[string]ProgrammeTemplate{"USRAP": loan, "CA-GAR": loan}}
}

// ParseTemplates builds templates from the raw "templates" configuration
// map, over DefaultTemplates: a key present replaces the default's. Unknown
// keys, programmes not in programmes, and bad values are errors naming the
// key path (templates.USRAP.counselling[2].lable). A nil or empty map gives
// the defaults.
func ParseTemplates(raw map[string]any, programmes []string) (*Templates, error) {
	def := DefaultTemplates()
	out := &Templates{Default: def.Default, Programmes: map[string]ProgrammeTemplate{}}
	if d, ok := lookupFold(raw, "default"); ok {
		m, err := asMap("templates.default", d)
		if err != nil {
			return nil, err
		}
		if err := parseProgramme("templates.default", m, &out.Default); err != nil {
			return nil, err
		}
	}
	// Programmes keep their embedded overrides (the loan flag) unless the
	// configuration says otherwise.
	for p, pt := range def.Programmes {
		merged := out.Default
		merged.TravelLoan = pt.TravelLoan
		out.Programmes[p] = merged
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.EqualFold(k, "default") {
			continue
		}
		p := matchFold(programmes, k)
		if p == "" {
			return nil, Errorf(EINVALID, "templates."+k, "unknown template key %q: want default or a programme (%s)", k, strings.Join(programmes, ", "))
		}
		m, err := asMap("templates."+k, raw[k])
		if err != nil {
			return nil, err
		}
		pt, ok := out.Programmes[p]
		if !ok {
			pt = out.Default
		}
		if err := parseProgramme("templates."+p, m, &pt); err != nil {
			return nil, err
		}
		out.Programmes[p] = pt
	}
	return out, nil
}

// Validate checks a programme template (keys unique, conditions known).
func (pt *ProgrammeTemplate) Validate(path string) error {
	if err := validateTopics(path+".counselling", pt.Counselling); err != nil {
		return err
	}
	if err := validateTopics(path+".escort_checklist", pt.EscortChecklist); err != nil {
		return err
	}
	names := map[string]bool{}
	for i, r := range pt.EscortRules {
		f := fmt.Sprintf("%s.escort_rules[%d]", path, i)
		switch {
		case r.Name == "":
			return Errorf(EINVALID, f+".name", "an escort rule needs a name")
		case names[r.Name]:
			return Errorf(EINVALID, f+".name", "escort rule %q is listed twice", r.Name)
		case r.SSR == "" && !r.EscortAdvised && r.MinAge == 0 && !r.Alone:
			return Errorf(EINVALID, f, "escort rule %q has no condition (ssr, escort_advised, min_age or alone)", r.Name)
		case r.MinAge < 0 || r.MinAge > 120:
			return Errorf(EINVALID, f+".min_age", "min_age %d must be 0 to 120", r.MinAge)
		case r.EscortType != EscortMedical && r.EscortType != EscortOperational:
			return Errorf(EINVALID, f+".escort_type", "escort type %q must be medical or operational", r.EscortType)
		}
		if r.SSR != "" {
			if _, ok := LookupSSR(r.SSR); !ok {
				return Errorf(EINVALID, f+".ssr", "unknown SSR code %q", r.SSR)
			}
		}
		names[r.Name] = true
	}
	keys := map[string]bool{}
	for i, b := range pt.TravelBag {
		f := fmt.Sprintf("%s.travel_bag[%d]", path, i)
		switch {
		case !validItemKey(b.Key):
			return Errorf(EINVALID, f+".key", "key %q must be lower-case letters, digits and '-'", b.Key)
		case keys[b.Key]:
			return Errorf(EINVALID, f+".key", "key %q is listed twice", b.Key)
		case b.Label == "":
			return Errorf(EINVALID, f+".label", "label is required")
		case !slices.Contains(BagPers, b.Per):
			return Errorf(EINVALID, f+".per", "per %q must be one of %s", b.Per, strings.Join(BagPers, ", "))
		case !slices.Contains(BagConditions, b.When):
			return Errorf(EINVALID, f+".when", "when %q must be one of %s", b.When, strings.Join(BagConditions[1:], ", "))
		}
		keys[b.Key] = true
	}
	return nil
}

func validateTopics(path string, ts []Topic) error {
	keys := map[string]bool{}
	for i, t := range ts {
		f := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !validItemKey(t.Key):
			return Errorf(EINVALID, f+".key", "key %q must be lower-case letters, digits and '-'", t.Key)
		case keys[t.Key]:
			return Errorf(EINVALID, f+".key", "key %q is listed twice", t.Key)
		case t.Label == "":
			return Errorf(EINVALID, f+".label", "label is required")
		case !slices.Contains(TopicConditions, t.When):
			return Errorf(EINVALID, f+".when", "when %q must be one of %s", t.When, strings.Join(TopicConditions[1:], ", "))
		}
		keys[t.Key] = true
	}
	return nil
}

func validItemKey(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	for _, c := range k {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// parseProgramme overlays the keys of m on pt.
func parseProgramme(path string, m map[string]any, pt *ProgrammeTemplate) error {
	for _, k := range sortedKeys(m) {
		f := path + "." + k
		v := m[k]
		var err error
		switch strings.ToLower(k) {
		case "counselling":
			pt.Counselling, err = parseTopics(f, v)
		case "escort_checklist":
			pt.EscortChecklist, err = parseTopics(f, v)
		case "travel_loan":
			pt.TravelLoan, err = asBool(f, v)
		case "exit_permit_required":
			pt.ExitPermitRequired, err = asBool(f, v)
		case "escort_rules":
			pt.EscortRules, err = parseEscortRules(f, v)
		case "travel_bag":
			pt.TravelBag, err = parseBag(f, v)
		default:
			return Errorf(EINVALID, f, "unknown template key %q (known: counselling, travel_loan, exit_permit_required, escort_rules, escort_checklist, travel_bag)", k)
		}
		if err != nil {
			return err
		}
	}
	return pt.Validate(path)
}

func parseTopics(path string, v any) ([]Topic, error) {
	list, err := asList(path, v)
	if err != nil {
		return nil, err
	}
	out := make([]Topic, 0, len(list))
	for i, it := range list {
		f := fmt.Sprintf("%s[%d]", path, i)
		m, err := asMap(f, it)
		if err != nil {
			return nil, err
		}
		var t Topic
		for _, k := range sortedKeys(m) {
			switch strings.ToLower(k) {
			case "key":
				t.Key, err = asString(f+"."+k, m[k])
			case "label":
				t.Label, err = asString(f+"."+k, m[k])
			case "group":
				t.Group, err = asString(f+"."+k, m[k])
			case "when":
				t.When, err = asString(f+"."+k, m[k])
			case "pre_departure":
				t.PreDeparture, err = asBool(f+"."+k, m[k])
			default:
				return nil, Errorf(EINVALID, f+"."+k, "unknown template key %q (known: key, label, group, when, pre_departure)", k)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, t)
	}
	return out, nil
}

func parseEscortRules(path string, v any) ([]EscortRule, error) {
	list, err := asList(path, v)
	if err != nil {
		return nil, err
	}
	out := make([]EscortRule, 0, len(list))
	for i, it := range list {
		f := fmt.Sprintf("%s[%d]", path, i)
		m, err := asMap(f, it)
		if err != nil {
			return nil, err
		}
		var r EscortRule
		for _, k := range sortedKeys(m) {
			var s string
			switch strings.ToLower(k) {
			case "name":
				r.Name, err = asString(f+"."+k, m[k])
			case "ssr":
				s, err = asString(f+"."+k, m[k])
				r.SSR = strings.ToUpper(s)
			case "escort_advised":
				r.EscortAdvised, err = asBool(f+"."+k, m[k])
			case "min_age":
				r.MinAge, err = asInt(f+"."+k, m[k])
			case "alone":
				r.Alone, err = asBool(f+"."+k, m[k])
			case "escort_type":
				s, err = asString(f+"."+k, m[k])
				r.EscortType = EscortType(s)
			default:
				return nil, Errorf(EINVALID, f+"."+k, "unknown template key %q (known: name, ssr, escort_advised, min_age, alone, escort_type)", k)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func parseBag(path string, v any) ([]BagItem, error) {
	list, err := asList(path, v)
	if err != nil {
		return nil, err
	}
	out := make([]BagItem, 0, len(list))
	for i, it := range list {
		f := fmt.Sprintf("%s[%d]", path, i)
		m, err := asMap(f, it)
		if err != nil {
			return nil, err
		}
		var b BagItem
		for _, k := range sortedKeys(m) {
			switch strings.ToLower(k) {
			case "key":
				b.Key, err = asString(f+"."+k, m[k])
			case "label":
				b.Label, err = asString(f+"."+k, m[k])
			case "per":
				b.Per, err = asString(f+"."+k, m[k])
			case "when":
				b.When, err = asString(f+"."+k, m[k])
			default:
				return nil, Errorf(EINVALID, f+"."+k, "unknown template key %q (known: key, label, per, when)", k)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, b)
	}
	return out, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func lookupFold(m map[string]any, key string) (any, bool) {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// matchFold returns the element of list equal to s ignoring case (the
// configuration loader lower-cases keys), or "".
func matchFold(list []string, s string) string {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return x
		}
	}
	return ""
}

func asMap(path string, v any) (map[string]any, error) {
	switch m := v.(type) {
	case map[string]any:
		return m, nil
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[fmt.Sprint(k)] = x
		}
		return out, nil
	case nil:
		return map[string]any{}, nil
	}
	return nil, Errorf(EINVALID, path, "want a map of keys, got %T", v)
}

func asList(path string, v any) ([]any, error) {
	switch l := v.(type) {
	case []any:
		return l, nil
	case []map[string]any:
		out := make([]any, len(l))
		for i := range l {
			out[i] = l[i]
		}
		return out, nil
	case nil:
		return nil, nil
	}
	return nil, Errorf(EINVALID, path, "want a list, got %T", v)
}

func asString(path string, v any) (string, error) {
	if s, ok := v.(string); ok {
		return strings.TrimSpace(s), nil
	}
	return "", Errorf(EINVALID, path, "want text, got %v", v)
}

func asBool(path string, v any) (bool, error) {
	switch b := v.(type) {
	case bool:
		return b, nil
	case string:
		switch strings.ToLower(b) {
		case "true", "yes":
			return true, nil
		case "false", "no":
			return false, nil
		}
	}
	return false, Errorf(EINVALID, path, "want true or false, got %v", v)
}

func asInt(path string, v any) (int, error) {
	switch n := v.(type) {
	case int:
		return n, nil
	case int64:
		return int(n), nil
	case float64:
		if n == float64(int(n)) {
			return int(n), nil
		}
	case string:
		var i int
		if _, err := fmt.Sscanf(n, "%d", &i); err == nil {
			return i, nil
		}
	}
	return 0, Errorf(EINVALID, path, "want a whole number, got %v", v)
}
