package booking

import (
	"slices"
	"strings"
)

// SSR describes one IATA special service request code.
type SSR struct {
	Code  string
	Group string // wheelchair, assistance, medical, minor, infant, meal
	Name  string
}

// SSRCodes are the special service request codes movedesk accepts.
var SSRCodes = []SSR{
	{"WCHR", "wheelchair", "wheelchair: can do steps, not distance"},
	{"WCHS", "wheelchair", "wheelchair: no steps, can reach seat"},
	{"WCHC", "wheelchair", "wheelchair: immobile, carried to seat"},
	{"WCOB", "wheelchair", "on-board wheelchair"},
	{"WCMP", "wheelchair", "own manual wheelchair"},
	{"WCBD", "wheelchair", "own wheelchair, dry battery"},
	{"WCBW", "wheelchair", "own wheelchair, wet battery"},
	{"BLND", "assistance", "blind"},
	{"DEAF", "assistance", "deaf"},
	{"DPNA", "assistance", "disabled, needs assistance"},
	{"MAAS", "assistance", "meet and assist"},
	{"EXST", "assistance", "extra seat (for comfort or size)"},
	{"LANG", "assistance", "language assistance (speaks only the language named)"},
	{"STCR", "medical", "stretcher"},
	{"MEDA", "medical", "medical case"},
	{"OXYG", "medical", "oxygen (MEDIF)"},
	{"MEQT", "medical", "medical equipment carried on board"},
	{"POCS", "medical", "portable oxygen concentrator"},
	{"UMNR", "minor", "unaccompanied minor"},
	{"BSCT", "infant", "bassinet (infant cot)"},
	{"VGML", "meal", "vegan meal"},
	{"VLML", "meal", "lacto-ovo vegetarian meal"},
	{"AVML", "meal", "Asian vegetarian meal"},
	{"MOML", "meal", "Muslim meal"},
	{"KSML", "meal", "kosher meal"},
	{"HNML", "meal", "Hindu meal"},
	{"DBML", "meal", "diabetic meal"},
	{"BLML", "meal", "bland meal"},
	{"BBML", "meal", "baby meal"},
	{"CHML", "meal", "child meal"},
	{"GFML", "meal", "gluten-free meal"},
	{"LSML", "meal", "low-salt meal"},
}

// LookupSSR returns the SSR with the given code (case-insensitive).
func LookupSSR(code string) (SSR, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	for _, s := range SSRCodes {
		if s.Code == code {
			return s, true
		}
	}
	return SSR{}, false
}

// ValidateSSRs checks every code is known and returns them upper-cased,
// sorted and without duplicates.
func ValidateSSRs(field string, codes []string) ([]string, error) {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		s, ok := LookupSSR(c)
		if !ok {
			return nil, Errorf(EINVALID, field, "unknown SSR code %q (known: %s)", c, knownSSRList())
		}
		out = append(out, s.Code)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// MealSSRs returns the meal codes among codes.
func MealSSRs(codes []string) []string {
	var out []string
	for _, c := range codes {
		if s, ok := LookupSSR(c); ok && s.Group == "meal" {
			out = append(out, s.Code)
		}
	}
	return out
}

// HasSSR reports whether codes contains code.
func HasSSR(codes []string, code string) bool { return slices.Contains(codes, code) }

func knownSSRList() string {
	names := make([]string, len(SSRCodes))
	for i, s := range SSRCodes {
		names[i] = s.Code
	}
	return strings.Join(names, " ")
}
