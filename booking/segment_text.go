package booking

import (
	"fmt"
	"strings"
)

// ParseSegment reads a segment written "CARRIER,FLIGHT,FROM,TO,DEPART,ARRIVE"
// (AT,201,JFK,RBA,2026-12-05T18:00,2026-12-06T08:00), the form the command
// line and the app's escort return prompt take.
func ParseSegment(s string) (Segment, error) {
	p := strings.Split(s, ",")
	if len(p) != 6 {
		return Segment{}, fmt.Errorf("%q: want CARRIER,FLIGHT,FROM,TO,DEPART,ARRIVE (AT,201,JFK,RBA,2026-12-05T18:00,2026-12-06T08:00)", s)
	}
	dep, err := ParseLocalTime(p[4])
	if err != nil {
		return Segment{}, err
	}
	arr, err := ParseLocalTime(p[5])
	if err != nil {
		return Segment{}, err
	}
	return Segment{Carrier: strings.ToUpper(p[0]), Flight: p[1], From: strings.ToUpper(p[2]), To: strings.ToUpper(p[3]), Depart: dep, Arrive: arr}, nil
}

// ParseSegments reads segments in ParseSegment's form separated by ";"
// (blank parts are skipped).
func ParseSegments(s string) ([]Segment, error) {
	var out []Segment
	for _, r := range strings.Split(s, ";") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		sg, err := ParseSegment(r)
		if err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, nil
}
