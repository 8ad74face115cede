package flights

import (
	"slices"
	"strconv"
	"strings"

	"movedesk/booking"
)

// Recipient is who a manifest is for.
type Recipient string

// Recipients of manifests.
const (
	// Airline: names, passenger types, seats, SSR codes, PNR, tickets and
	// MEDIF flags; no case numbers, programmes or anything medical beyond
	// the codes.
	Airline Recipient = "airline"
	// Airport: the assistance list (wheelchairs, meet and assist and the
	// other assistance codes) with the escorts of each party.
	Airport Recipient = "airport"
	// Agency: every party with case, programme, PNR, tickets, SSR codes,
	// escorts, the totals and the programme caps.
	Agency Recipient = "agency"
)

// Recipients lists them in the order help shows them.
var Recipients = []Recipient{Airline, Airport, Agency}

// ParseRecipient reads airline, airport or agency.
func ParseRecipient(s string) (Recipient, error) {
	r := Recipient(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(Recipients, r) {
		return "", booking.Errorf(booking.EINVALID, "for", "unknown recipient %q (airline, airport or agency)", s)
	}
	return r, nil
}

// ManifestRow is one line of a manifest: a traveller or an escort seat.
// Fields a recipient does not get stay empty.
type ManifestRow struct {
	Case      string          `json:"case,omitempty"`
	Programme string          `json:"programme,omitempty"`
	PNR       string          `json:"pnr,omitempty"`
	Name      string          `json:"name"`
	PaxType   booking.PaxType `json:"pax_type"`
	Seats     int             `json:"seats"`
	SSR       []string        `json:"ssr,omitempty"`
	Ticket    string          `json:"ticket,omitempty"`
	MEDIF     bool            `json:"medif,omitempty"`
	// MEDIFStatus is where the MEDIF stands with the flight's carrier.
	MEDIFStatus string `json:"medif_status,omitempty"`
	// Escort marks an escort's seat; Escorts is, on airport rows, how many
	// escorts travel with the passenger's party.
	Escort  bool `json:"escort,omitempty"`
	Escorts int  `json:"escorts,omitempty"`
}

// Manifest is the list one recipient gets for one flight.
type Manifest struct {
	Recipient Recipient         `json:"recipient"`
	Flight    Key               `json:"flight"`
	From      string            `json:"from,omitempty"`
	To        string            `json:"to,omitempty"`
	Depart    booking.LocalTime `json:"depart"`
	Arrive    booking.LocalTime `json:"arrive"`
	Rows      []ManifestRow     `json:"passengers"`
	// Totals for the airline and the agency; Caps for the agency.
	Totals *Totals    `json:"totals,omitempty"`
	Caps   []CapCount `json:"caps,omitempty"`
	Groups []PNRGroup `json:"groups,omitempty"`
	Assist []SSRCount `json:"assist,omitempty"`
}

// PNRGroup is a record locator that holds several cases on the flight.
type PNRGroup struct {
	PNR   string   `json:"pnr"`
	Cases []string `json:"cases"`
}

// airlineName is the name as reservation systems write it: FAMILY/GIVEN.
func airlineName(family, given string) string {
	return strings.ToUpper(strings.TrimSpace(family)) + "/" + strings.ToUpper(strings.TrimSpace(given))
}

// Manifest returns fl's manifest for r.
func (fl *Flight) Manifest(r Recipient) Manifest {
	m := Manifest{Recipient: r, Flight: fl.Key, From: fl.From, To: fl.To, Depart: fl.Depart, Arrive: fl.Arrive, Rows: []ManifestRow{}}
	for _, p := range fl.Parties {
		escorts := max(p.EscortSeats, len(p.Escorts))
		for _, x := range p.Passengers {
			switch r {
			case Airline:
				m.Rows = append(m.Rows, ManifestRow{PNR: p.PNR, Name: airlineName(x.Family, x.Given), PaxType: x.PaxType,
					Seats: x.Seats, SSR: slices.Clone(x.SSR), Ticket: x.Ticket, MEDIF: x.MEDIF, MEDIFStatus: x.MEDIFStatus})
			case Airport:
				var as []string
				for _, c := range x.SSR {
					if slices.Contains(AssistSSR, c) {
						as = append(as, c)
					}
				}
				if len(as) > 0 {
					m.Rows = append(m.Rows, ManifestRow{PNR: p.PNR, Name: airlineName(x.Family, x.Given), PaxType: x.PaxType,
						Seats: x.Seats, SSR: as, Escorts: escorts})
				}
			case Agency:
				m.Rows = append(m.Rows, ManifestRow{Case: p.Case, Programme: p.Programme, PNR: p.PNR, Name: x.Name(),
					PaxType: x.PaxType, Seats: x.Seats, SSR: slices.Clone(x.SSR), Ticket: x.Ticket, MEDIF: x.MEDIF, MEDIFStatus: x.MEDIFStatus})
			}
		}
		if r == Airport {
			continue
		}
		for i := range p.EscortSeats {
			name := "ESCORT SEAT " + strconv.Itoa(i+1)
			if i < len(p.Escorts) {
				name = p.Escorts[i]
			}
			if r == Airline {
				name = strings.ToUpper(name)
			}
			row := ManifestRow{PNR: p.PNR, Name: name, PaxType: booking.ADT, Seats: 1, Escort: true}
			if r == Agency {
				row.Case, row.Programme = p.Case, p.Programme
			}
			m.Rows = append(m.Rows, row)
		}
	}
	switch r {
	case Airline:
		t := fl.Totals
		m.Totals = &t
	case Airport:
		n := map[string]int{}
		for _, row := range m.Rows {
			for _, c := range row.SSR {
				n[c]++
			}
		}
		for _, c := range AssistSSR {
			if n[c] > 0 {
				m.Assist = append(m.Assist, SSRCount{c, n[c]})
			}
		}
	case Agency:
		t := fl.Totals
		m.Totals, m.Caps, m.Groups = &t, slices.Clone(fl.Caps), fl.Groups()
	}
	return m
}

// Groups returns the record locators that hold more than one case on the
// flight.
func (fl *Flight) Groups() []PNRGroup {
	var out []PNRGroup
	for _, p := range fl.Parties {
		if len(p.Group) == 0 || slices.ContainsFunc(out, func(g PNRGroup) bool { return g.PNR == p.PNR }) {
			continue
		}
		cs := append([]string{p.Case}, p.Group...)
		slices.Sort(cs)
		out = append(out, PNRGroup{PNR: p.PNR, Cases: cs})
	}
	return out
}

// Columns are the manifest's column heads, for text and CSV.
func (m *Manifest) Columns() []string {
	switch m.Recipient {
	case Airline:
		return []string{"PNR", "NAME", "PAX", "SEATS", "SSR", "TICKET", "MEDIF"}
	case Airport:
		return []string{"PNR", "NAME", "PAX", "ASSIST", "ESCORTS"}
	default:
		return []string{"CASE", "PROGRAMME", "PNR", "NAME", "PAX", "SEATS", "SSR", "TICKET", "MEDIF"}
	}
}

// Record returns row i as the cells of Columns.
func (m *Manifest) Record(i int) []string {
	r := &m.Rows[i]
	ssr := strings.Join(r.SSR, " ")
	medif := ""
	if r.MEDIF {
		medif = "yes"
		if r.MEDIFStatus != "" {
			medif += " (" + r.MEDIFStatus + ")"
		}
	}
	pax := string(r.PaxType)
	if r.Escort {
		pax += " (escort)"
	}
	switch m.Recipient {
	case Airline:
		return []string{r.PNR, r.Name, pax, strconv.Itoa(r.Seats), ssr, r.Ticket, medif}
	case Airport:
		return []string{r.PNR, r.Name, pax, ssr, strconv.Itoa(r.Escorts)}
	default:
		return []string{r.Case, r.Programme, r.PNR, r.Name, pax, strconv.Itoa(r.Seats), ssr, r.Ticket, medif}
	}
}
