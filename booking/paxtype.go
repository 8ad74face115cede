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

// TripPassengerType returns the passenger type for a whole trip whose flights
// are on the given dates: the oldest type reached on any flight applies to the
// whole trip, so an infant who turns 2 during the trip pays a child fare
// throughout.
func TripPassengerType(dob Date, flights ...Date) PaxType {
	rank := map[PaxType]int{INF: 0, CHD: 1, ADT: 2}
	best := INF
	for _, d := range flights {
		if p := PassengerType(dob, d); rank[p] > rank[best] {
			best = p
		}
	}
	return best
}
