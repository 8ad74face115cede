package booking

// PaxType is an airline passenger type.
type PaxType string

// Passenger types: ADT from the 12th birthday, CHD from the 2nd, INF under 2.
const (
	ADT PaxType = "ADT"
	CHD PaxType = "CHD"
	INF PaxType = "INF"
)

// PassengerType returns the passenger type of someone born on dob, judged on
// the flight date on. A birthday on the flight date counts as reached.
func PassengerType(dob, on Date) PaxType {
	switch age := dob.Age(on); {
	case age >= 12:
		return ADT
	case age >= 2:
		return CHD
	default:
		return INF
	}
}

// TripPassengerType returns the fare type for a whole trip whose flights are
// on the given dates (in travel order): the type on the first flight, since
// fares follow the age at the start of travel (a child who turns 12 on the
// second leg keeps the child fare). One exception, the conservative choice
// airlines make: an infant who turns 2 before the last flight needs a seat
// from that flight on, so it pays a child fare for the whole trip.
func TripPassengerType(dob Date, flights ...Date) PaxType {
	var first Date
	for _, d := range flights {
		if !d.IsZero() {
			first = d
			break
		}
	}
	if first.IsZero() {
		return ADT
	}
	p := PassengerType(dob, first)
	if p == INF {
		for _, d := range flights {
			if !d.IsZero() && PassengerType(dob, d) != INF {
				return CHD
			}
		}
	}
	return p
}
