package main

import (
	"time"

	"movedesk/demo"
	"movedesk/tariffs"
)

// demoRouting gives the demo the itineraries and time zones of the embedded
// tariff tables, so every demo booking is one the tables can price.
func demoRouting() (func(from, to string) []demo.Itinerary, func(string) *time.Location, error) {
	set, err := tariffs.Embedded()
	if err != nil {
		return nil, nil, err
	}
	routes := func(from, to string) []demo.Itinerary {
		var out []demo.Itinerary
		for _, r := range set.Routings(from, to) {
			out = append(out, demo.Itinerary{Carrier: r.Carrier, Via: r.Via})
		}
		return out
	}
	zone := func(code string) *time.Location {
		if a, ok := set.Airport(code); ok {
			return a.TZ
		}
		return nil
	}
	return routes, zone, nil
}
