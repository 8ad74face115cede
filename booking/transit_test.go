package booking

import (
	"strings"
	"testing"
	"time"
)

// TestOvernightAddsTransitAssistance: a connection across local midnight
// of at least the overnight layover adds a transit-assistance item to
// counselling (a gate item); a short connection after midnight or a long
// one within the day does not; the threshold comes from the templates.
func TestOvernightAddsTransitAssistance(t *testing.T) {
	leg := func(from, to, dep, arr string) Segment {
		return Segment{Carrier: "AF", Flight: "1", From: from, To: to, Depart: MustLocalTime(dep), Arrive: MustLocalTime(arr)}
	}
	for _, c := range []struct {
		name    string
		arrive  string // at CDG
		leave   string
		min     time.Duration
		want    bool
		wantSeg int
	}{
		{"ten hours over midnight", "2026-09-01T22:00", "2026-09-02T08:00", 0, true, 2},
		{"exactly four hours over midnight", "2026-09-01T22:00", "2026-09-02T02:00", 0, true, 2},
		{"a short connection after midnight", "2026-09-01T23:50", "2026-09-02T01:30", 0, false, 0},
		{"twelve hours in one day", "2026-09-01T06:00", "2026-09-01T18:00", 0, false, 0},
		{"one minute before midnight to after", "2026-09-01T23:59", "2026-09-02T00:01", time.Minute, true, 2},
		{"a longer threshold from the rules", "2026-09-01T22:00", "2026-09-02T08:00", 11 * time.Hour, false, 0},
	} {
		f := &CaseFile{Case: Case{Number: "RBA-2026-000001", Programme: "EU-REL"},
			Travellers: []Traveller{{Case: "RBA-2026-000001", Member: 1, FamilyName: "A", GivenNames: "B", BirthDate: MustDate("1980-01-01")}},
			Bookings: []Booking{{Case: "RBA-2026-000001", ID: "B1", Status: BookingActive, Travellers: []int{1},
				Segments: []Segment{leg("RBA", "CDG", "2026-09-01T06:00", c.arrive), leg("CDG", "YUL", c.leave, "2026-09-02T20:00")}}}}
		tpl := DefaultTemplates()
		tpl.OvernightMinLayover = c.min
		cl, err := f.Checklist(ChecklistCounselling, tpl.For("EU-REL"), MustDate("2026-09-01"))
		if err != nil {
			t.Fatal(err)
		}
		var got *ChecklistItem
		for i := range cl.Items {
			if strings.HasPrefix(cl.Items[i].Key, "transit-assistance/") {
				got = &cl.Items[i]
			}
		}
		switch {
		case c.want && (got == nil || !got.Gate || got.Key != "transit-assistance/2" || !strings.Contains(got.Label, "overnight at CDG")):
			t.Errorf("%s: item %+v", c.name, got)
		case !c.want && got != nil:
			t.Errorf("%s: unexpected %+v", c.name, got)
		}
	}
}
