package main

import (
	"time"

	"movedesk/booking"

	"movedesk/demo"
	"movedesk/tariffs"
)

// demoRouting gives the demo the itineraries, time zones and prices of the
// embedded tariff tables, so every demo booking is one the tables can price.
func demoRouting(o *demo.Options) error {
	set, err := tariffs.Embedded()
	if err != nil {
		return err
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
	o.Routes, o.Zone = routes, zone
	o.Price = func(c *booking.Case, b *booking.Booking, ts []booking.Traveller) {
		q := tariffs.Quote(set, tariffs.QuoteRequest{Segments: b.Segments, Travellers: ts, Programme: c.Programme,
			BookingDate: b.BookedOn, EscortSeats: b.EscortSeats})
		b.TotalUSDCents, b.TariffVersion = q.TotalUSD, q.Version
		b.Fares = q.Fares()
	}
	return nil
}

// demoFares turns a quote into the booking's per-traveller fares, with the
// currency, amount and rate where all of a passenger's lines share them.
