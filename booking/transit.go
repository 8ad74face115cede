package booking

import (
	"fmt"
	"time"
)

// DefaultOvernightMinLayover is the shortest connection across local
// midnight that counts as an overnight when the templates carry no
// setting (rules.overnight_min_layover, which desk copies into them).
const DefaultOvernightMinLayover = 4 * time.Hour

// Overnight is a connection of a booking across local midnight: travellers
// need transit assistance and a place to rest.
type Overnight struct {
	// Segment is the 1-based segment that leaves after the night.
	Segment int
	Airport string
	Arrive  LocalTime
	Depart  LocalTime
}

// Overnights returns the booking's connections that cross local midnight
// and last at least min (zero: DefaultOvernightMinLayover). Arrival and
// departure are local times at the same airport (or city), so their wall
// clocks compare.
func (b *Booking) Overnights(min time.Duration) []Overnight {
	if min <= 0 {
		min = DefaultOvernightMinLayover
	}
	var out []Overnight
	for i := 1; i < len(b.Segments); i++ {
		in, next := &b.Segments[i-1], &b.Segments[i]
		if in.Arrive.IsZero() || next.Depart.IsZero() {
			continue
		}
		if next.Depart.Wall().Sub(in.Arrive.Wall()) >= min && next.Depart.Date().After(in.Arrive.Date()) {
			out = append(out, Overnight{Segment: i + 1, Airport: next.From, Arrive: in.Arrive, Depart: next.Depart})
		}
	}
	return out
}

// transitItems are the counselling items an overnight connection adds:
// transit assistance and a place to rest, one per connection.
func (f *CaseFile) transitItems(pt ProgrammeTemplate, ts map[string]Tick) []ChecklistItem {
	b := f.ActiveBooking()
	if b == nil {
		return nil
	}
	var out []ChecklistItem
	for _, o := range b.Overnights(pt.OvernightMinLayover) {
		k := fmt.Sprintf("transit-assistance/%d", o.Segment)
		out = append(out, itemFrom(ts, k, ChecklistItem{Key: k, Group: "transit", Gate: true,
			Label: fmt.Sprintf("Transit assistance and a place to rest arranged: overnight at %s (arrives %s, leaves %s)", o.Airport, o.Arrive, o.Depart)}))
	}
	return out
}
