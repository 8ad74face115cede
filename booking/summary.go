package booking

import (
	"slices"
	"strings"
)

// Summary is what a queue row shows of a case. The store keeps one per case,
// updated with the case, so listing never decodes whole case files.
type Summary struct {
	Number      string `json:"number"`
	Office      string `json:"office"`
	Programme   string `json:"programme"`
	Status      Status `json:"status"`
	Priority    int    `json:"priority"`
	Principal   string `json:"principal"`
	Size        int    `json:"size"`
	DestAirport string `json:"dest_airport"`
	DestCity    string `json:"dest_city"`
	Received    Date   `json:"received,omitzero"`
	TravelReady Date   `json:"travel_ready,omitzero"`
	Departure   Date   `json:"departure,omitzero"`
	Assignee    string `json:"assignee,omitempty"`
	ABNNumber   string `json:"abn_number,omitempty"`
	// Names holds every traveller's names, lower case, for filtering.
	Names string `json:"-"`
	// Needs is the union of the travellers' SSR codes.
	Needs []string `json:"needs,omitempty"`
}

// Summarize computes the queue row of a case file.
func Summarize(f *CaseFile) Summary {
	c := &f.Case
	s := Summary{
		Number: c.Number, Office: c.Office, Programme: c.Programme, Status: c.Status,
		Priority: c.Priority, Size: len(f.Travellers), DestAirport: c.DestAirport,
		DestCity: c.DestCity, Received: c.Received, TravelReady: c.TravelReady,
		Departure: c.Departure, Assignee: c.Assignee, ABNNumber: c.ABNNumber,
	}
	if b := f.ActiveBooking(); b != nil && s.Departure.IsZero() {
		s.Departure = b.Departure().Date()
	}
	if p := f.Principal(); p != nil {
		s.Principal = p.FullName()
	}
	var names []string
	for _, t := range f.Travellers {
		names = append(names, strings.ToLower(t.FamilyName+" "+t.GivenNames))
		s.Needs = append(s.Needs, t.SSR...)
	}
	slices.Sort(s.Needs)
	s.Needs = slices.Compact(s.Needs)
	s.Names = strings.Join(names, " ")
	return s
}
