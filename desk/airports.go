package desk

import (
	"movedesk/booking"
	"movedesk/store"
)

// checkAirports applies booking.CheckKnownAirport to the airport fields
// a user sets (path: value); without usable tariff tables nothing is
// judged, as the booking form will say why it cannot price.
func (d *Service) checkAirports(fields map[string]string) error {
	if fields["origin_airport"] == "" && fields["dest_airport"] == "" {
		return nil
	}
	set, err := d.Tariffs()
	if err != nil || set == nil {
		return nil
	}
	known := func(code string) bool { _, ok := set.Airport(code); return ok }
	for _, f := range []string{"origin_airport", "dest_airport"} {
		if err := booking.CheckKnownAirport(f, fields[f], known, set.Version); err != nil {
			return err
		}
	}
	return nil
}

func (d *Service) checkCaseAirports(c *booking.Case) error {
	return d.checkAirports(map[string]string{"origin_airport": c.OriginAirport, "dest_airport": c.DestAirport})
}

// airportAssignments picks the case airport fields out of assignments.
func airportAssignments(as []store.Assignment) map[string]string {
	m := map[string]string{}
	for _, a := range as {
		if a.Path == "origin_airport" || a.Path == "dest_airport" {
			m[a.Path] = a.Value
		}
	}
	return m
}
