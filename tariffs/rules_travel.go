package tariffs

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"movedesk/booking"
)

// stretcher reports whether traveller pi travels on a stretcher.
func (q *quoter) stretcher(pi int) bool {
	for _, s := range q.req.Travellers[pi].SSR {
		if strings.EqualFold(s, "STCR") {
			return true
		}
	}
	return false
}

func hasSSR(t *booking.Traveller, code string) bool {
	for _, s := range t.SSR {
		if strings.EqualFold(s, code) {
			return true
		}
	}
	return false
}

// sameCity reports whether airports a and b are distinct airports of one
// city (same city name and country in airports.csv).
func (q *quoter) sameCity(a, b string) bool {
	x, y := q.set.airports[a], q.set.airports[b]
	return x != nil && y != nil && a != b && x.Country == y.Country && strings.EqualFold(x.City, y.City)
}

func (q *quoter) country(code string) string {
	if a := q.set.airports[code]; a != nil {
		return a.Country
	}
	return ""
}

// ruleMinors: a child with no adult (of the carrier's lap-holder age) nor
// an escort seat on a flight is, for the airline, an unaccompanied minor
// (UMNR ages) or too young to fly alone. A child with an escort seat on the
// booking is escorted, not an UMNR, even when UMNR was typed. Judged by the
// age on each flight.
func ruleMinors(q *quoter) {
	if q.req.EscortSeats > 0 {
		return
	}
	segs := q.req.Segments
	for i := range q.req.Travellers {
		t := &q.req.Travellers[i]
		if t.BirthDate.IsZero() {
			continue
		}
		typed := hasSSR(t, "UMNR")
		var refused, needed, connect bool
		for s, d := range q.dates {
			if d.IsZero() {
				continue
			}
			p := &q.pol[s]
			age := t.BirthDate.Age(d)
			if age >= p.LapAdultMinAge || q.adultOn(s, i) {
				continue
			}
			umnr := typed || age >= p.UMNRMinAge && age <= p.UMNRMaxAge
			switch {
			case age < p.UMNRMinAge && !refused:
				refused = true
				q.add(CodeMinorAlone, Blocking, t.Member, 0, s+1,
					"%s is %d on %s and travels without an adult (%d or older) or an escort: %s carries no child under %d alone",
					q.names[i], age, d, p.LapAdultMinAge, segs[s].Carrier, p.UMNRMinAge)
			case umnr && !typed && !needed:
				needed = true
				q.add(CodeUMNRNeeded, Blocking, t.Member, 0, s+1,
					"%s is %d on %s and travels without an adult or an escort: book the UMNR service (SSR UMNR) or an escort seat",
					q.names[i], age, d)
			}
			if umnr && len(segs) > 1 && !p.UMNRConnections && !connect {
				connect = true
				seg := s + 1
				if s == 0 {
					seg = 2 // the first connection
				}
				q.add(CodeUMNRConnection, Blocking, t.Member, 0, seg,
					"%s travels as an unaccompanied minor (UMNR) on an itinerary with %d connection(s); %s takes no UMNR on a connection: book a nonstop or an escort seat",
					q.names[i], len(segs)-1, segs[s].Carrier)
			}
		}
	}
}

// adultOn reports whether a traveller other than ti is of the lap-holder
// age of segment s's carrier on its date (a missing birth date counts as an
// adult, as it is priced).
func (q *quoter) adultOn(s, ti int) bool {
	d, min := q.dates[s], q.pol[s].LapAdultMinAge
	for j := range q.req.Travellers {
		if j == ti {
			continue
		}
		if t := &q.req.Travellers[j]; t.BirthDate.IsZero() || t.BirthDate.Age(d) >= min {
			return true
		}
	}
	return false
}

// ruleSpecialHandling: a stretcher takes several seats (priced so, see
// line) and wheelchair batteries follow the carrier's policy.
func ruleSpecialHandling(q *quoter) {
	segs := q.req.Segments
	for i := range q.req.Travellers {
		t := &q.req.Travellers[i]
		stcr := q.stretcher(i)
		wet, battery := hasSSR(t, "WCBW"), hasSSR(t, "WCBD") || hasSSR(t, "WCBW")
		if !stcr && !battery {
			continue
		}
		lastCarrier := ""
		noticeDone, wetDone := false, false
		for s := range segs {
			p := &q.pol[s]
			if stcr && segs[s].Carrier != lastCarrier {
				q.add(CodeStretcherSeats, Warning, t.Member, 0, s+1,
					"%s travels on a stretcher (STCR), which takes %d seats on %s: priced as %d seats from segment %d; the MEDIF needs %s notice",
					q.names[i], max(p.StretcherSeats, 1), segs[s].Carrier, max(p.StretcherSeats, 1), s+1, fmtDur(p.MEDIFStretcherNotice))
			}
			lastCarrier = segs[s].Carrier
			if wet && !p.WetBattery && !wetDone {
				wetDone = true
				q.add(CodeWheelchairBattery, Blocking, t.Member, 0, s+1,
					"%s's wheelchair has a wet-cell battery (WCBW), which %s does not carry", q.names[i], segs[s].Carrier)
			}
			if battery && !noticeDone && !segs[s].Depart.IsZero() {
				loc := q.zone(segs[s].From)
				if booked, ok := q.bookedBy(loc); ok {
					if lead := segs[s].Depart.In(loc).Sub(booked); lead < p.BatteryNotice {
						noticeDone = true
						q.add(CodeWheelchairBatteryNotice, Warning, t.Member, 0, s+1,
							"%s's battery wheelchair must be announced to %s %s before departure; segment %d leaves %s after booking",
							q.names[i], segs[s].Carrier, fmtDur(p.BatteryNotice), s+1, fmtDur(max(lead, 0)))
					}
				}
			}
		}
	}
}

// ruleBooking: the first flight must not have left before the booking, the
// itinerary must end at the case's destination, and a member of the case
// left off the booking needs a recorded reason.
func ruleBooking(q *quoter) {
	segs := q.req.Segments
	first := &segs[0]
	if !first.Depart.IsZero() {
		loc := q.zone(first.From)
		past := false
		switch {
		case !q.req.BookedAt.IsZero():
			past = first.Depart.In(loc).Before(q.req.BookedAt)
		case !q.req.BookingDate.IsZero():
			past = first.Depart.Date().Before(q.req.BookingDate)
		}
		if past {
			when := q.req.BookingDate.String()
			if !q.req.BookedAt.IsZero() {
				when = q.req.BookedAt.In(loc).Format("2006-01-02T15:04")
			}
			q.add(CodeDeparturePast, Blocking, 0, 0, 1, "segment 1 (%s%s) departed %s %s, before the booking (%s)",
				first.Carrier, first.Flight, first.From, first.Depart, when)
		}
	}
	if dest := strings.ToUpper(strings.TrimSpace(q.req.Destination)); dest != "" {
		last := &segs[len(segs)-1]
		if last.To != dest && !q.sameCity(last.To, dest) {
			q.add(CodeItineraryDest, Blocking, 0, 0, len(segs), "the itinerary ends at %s but the case's destination is %s", last.To, dest)
		}
	}
	for i := range q.req.Others {
		t := &q.req.Others[i]
		who := travellerName(t)
		if t.Relationship != "" {
			who += " (" + t.Relationship + ")"
		}
		q.add(CodeMemberLeftOff, Warning, t.Member, 0, 0,
			"%s is on the case but not on this booking: the family travels apart; record the reason on the booking (it goes into the ABN)", who)
	}
}

// docsSegment returns the first segment to or from a DOCS country, or -1.
func (q *quoter) docsSegment() int {
	for s := range q.req.Segments {
		if slices.Contains(q.rules.DOCSCountries, q.country(q.req.Segments[s].To)) ||
			slices.Contains(q.rules.DOCSCountries, q.country(q.req.Segments[s].From)) {
			return s
		}
	}
	return -1
}

// docsCountry names the DOCS country segment s goes to or from.
func (q *quoter) docsCountry(s int) string {
	if c := q.country(q.req.Segments[s].To); slices.Contains(q.rules.DOCSCountries, c) {
		return c
	}
	return q.country(q.req.Segments[s].From)
}

// validTravelDocument returns the member's travel document valid through
// need (a passport before any substitute), or nil.
func validTravelDocument(docs []booking.Document, need booking.Date) *booking.Document {
	var best *booking.Document
	for i := range docs {
		d := &docs[i]
		if !d.Type.IsTravelDocument() || d.ExpiresBefore(need) {
			continue
		}
		if best == nil || d.Type == booking.DocPassport && best.Type != booking.DocPassport {
			best = d
		}
	}
	return best
}

// ruleDOCS: flights to or from the DOCS countries (US, Canada) need every
// traveller's full name, birth date, sex, nationality and travel document
// number and expiry (document fields only when documents are loaded).
func ruleDOCS(q *quoter) {
	s := q.docsSegment()
	if s < 0 {
		return
	}
	need := q.lastDate()
	for i := range q.req.Travellers {
		t := &q.req.Travellers[i]
		var missing []string
		if strings.TrimSpace(t.FamilyName) == "" || strings.TrimSpace(t.GivenNames) == "" {
			missing = append(missing, "full name")
		}
		if t.BirthDate.IsZero() {
			missing = append(missing, "birth date")
		}
		if t.Sex == "" {
			missing = append(missing, "sex")
		}
		if t.Nationality == "" {
			missing = append(missing, "nationality")
		}
		if q.req.Documents != nil {
			docs := q.req.Documents[t.Member]
			d := validTravelDocument(docs, need)
			if d == nil {
				for j := range docs {
					if docs[j].Type.IsTravelDocument() {
						d = &docs[j]
					}
				}
			}
			switch {
			case d == nil:
				missing = append(missing, "travel document")
			default:
				if strings.TrimSpace(d.Number) == "" {
					missing = append(missing, "document number")
				}
				if d.ExpiryDate.IsZero() {
					missing = append(missing, "document expiry")
				}
			}
		}
		if len(missing) > 0 {
			q.add(CodeDOCSIncomplete, Blocking, t.Member, 0, s+1,
				"%s: segment %d goes to or from %s, whose border agencies need passenger data (DOCS) before departure; missing: %s",
				q.names[i], s+1, q.docsCountry(s), strings.Join(missing, ", "))
		}
	}
}

// hasVisa reports whether docs hold a visa of country valid through need.
func hasVisa(docs []booking.Document, country string, need booking.Date) bool {
	for i := range docs {
		d := &docs[i]
		if d.Type == booking.DocVisa && booking.SameCountry(d.IssuingCountry, country) && !d.ExpiresBefore(need) {
			return true
		}
	}
	return false
}

// destCountry is the country of the itinerary's last arrival airport.
func (q *quoter) destCountry() string { return q.country(q.req.Segments[len(q.req.Segments)-1].To) }

// ruleICRC: an ICRC emergency travel document covers one journey to one
// destination and does not replace the entry visa.
func ruleICRC(q *quoter) {
	if q.req.Documents == nil || q.lastDate().IsZero() {
		return
	}
	segs := q.req.Segments
	need := q.lastDate().AddDays(q.rules.DocumentMarginDays)
	dest, origin := q.destCountry(), q.country(segs[0].From)
	for i := range q.req.Travellers {
		t := &q.req.Travellers[i]
		docs := q.req.Documents[t.Member]
		d := validTravelDocument(docs, need)
		if d == nil || d.Type != booking.DocICRC {
			continue
		}
		if dest != "" && !hasVisa(docs, dest, need) {
			q.add(CodeICRCEntryVisa, Blocking, t.Member, 0, len(segs),
				"%s travels on an ICRC travel document, which needs the entry visa of the destination (%s): none valid through %s is recorded",
				q.names[i], dest, need)
		}
		if origin != "" && origin == dest || len(segs) > 1 && q.country(segs[len(segs)-1].To) == q.country(segs[0].From) {
			q.add(CodeICRCOneJourney, Blocking, t.Member, 0, len(segs),
				"%s travels on an ICRC travel document, valid for one journey to one destination: the itinerary returns to %s", q.names[i], origin)
		}
	}
}

// ruleTransit checks every connection: an airport transit visa where the
// transit table asks for one (or an entry visa where the airport changes),
// a layover over max_layover, an overnight connection and a change of
// airport within a city.
func ruleTransit(q *quoter) {
	segs := q.req.Segments
	dest, origin := q.destCountry(), q.country(segs[0].From)
	need := q.lastDate().AddDays(q.rules.DocumentMarginDays)
	for i := 1; i < len(segs); i++ {
		in, out := &segs[i-1], &segs[i]
		change := in.To != out.From
		if change && !q.sameCity(in.To, out.From) {
			continue // the itinerary rule reports it
		}
		if change {
			q.add(CodeAirportChange, Warning, 0, 0, i+1,
				"the connection changes airport from %s to %s (%s): travellers pass immigration and need a transfer, their bags re-checked",
				in.To, out.From, q.set.airports[in.To].City)
		}
		country := q.country(out.From)
		if !in.Arrive.IsZero() && !out.Depart.IsZero() && q.known[i-1] && q.known[i] {
			arr, dep := in.Arrive.In(q.zone(in.To)), out.Depart.In(q.zone(out.From))
			conn := dep.Sub(arr)
			switch {
			case q.rules.MaxLayover > 0 && conn > q.rules.MaxLayover:
				q.add(CodeLayoverLong, Warning, 0, 0, i+1, "the layover at %s is %s, over the %s allowed: a stopover needs a visa, a place to stay and assistance",
					out.From, fmtDur(conn), fmtDur(q.rules.MaxLayover))
			case conn >= q.rules.OvernightMinLayover && out.Depart.Date().After(in.Arrive.Date()):
				q.add(CodeTransitOvernight, Warning, 0, 0, i+1,
					"the connection at %s is overnight (arrives %s, leaves %s): add transit assistance and a place to rest to the case's checklist",
					out.From, in.Arrive, out.Depart)
			}
		}
		if q.req.Documents == nil || need.IsZero() || country == "" || country == dest || country == origin {
			continue
		}
		for ti := range q.req.Travellers {
			t := &q.req.Travellers[ti]
			docs := q.req.Documents[t.Member]
			if hasVisa(docs, country, need) {
				continue
			}
			if change {
				q.add(CodeTransitVisa, Blocking, t.Member, 0, i+1,
					"%s changes airport in %s and so enters %s: a visa of %s is needed and none is recorded", q.names[ti], q.set.airports[in.To].City, country, country)
				continue
			}
			var docType booking.DocType
			if d := validTravelDocument(docs, need); d != nil {
				docType = d.Type
			}
			r := q.set.transitRule(country, booking.Country2(t.Nationality), docType)
			if r == nil || !r.Required {
				continue
			}
			if r.DestinationVisaExempts && dest != "" && hasVisa(docs, dest, need) {
				continue
			}
			what := "nationality " + t.Nationality
			if r.Nationality == "*" && r.Document != "*" {
				what = string(r.Document)
			}
			q.add(CodeTransitVisa, Blocking, t.Member, 0, i+1,
				"%s connects at %s (%s): %s needs an airport transit visa for %s (transit.csv line %d) and none is recorded",
				q.names[ti], out.From, country, what, country, r.Line)
		}
	}
}

// workingDaysBetween counts the working days after from and before to:
// not Saturday, Sunday or a public holiday of country.
func (q *quoter) workingDaysBetween(from, to booking.Date, country string) int {
	n := 0
	for d := from.AddDays(1); d.Before(to); d = d.AddDays(1) {
		if wd := d.Time().Weekday(); wd == time.Saturday || wd == time.Sunday || q.set.IsHoliday(country, d) {
			continue
		}
		n++
	}
	return n
}

// ruleProgramme applies the programme's rules for the destination country
// (programmes.csv): ABN lead time in working days, arrival weekdays and
// holidays, and the cap of its travellers per flight across cases.
func ruleProgramme(q *quoter) {
	if q.req.Programme == "" || len(q.set.programmes) == 0 {
		return
	}
	segs := q.req.Segments
	last := &segs[len(segs)-1]
	country := q.destCountry()
	pr := q.set.programmeRule(q.req.Programme, country)
	if pr == nil {
		return
	}
	arrival := last.Arrive.Date()
	if last.Arrive.IsZero() {
		arrival = last.Depart.Date()
	}
	if !arrival.IsZero() {
		wd := arrival.Time().Weekday()
		switch {
		case len(pr.ArrivalDays) > 0 && !slices.Contains(pr.ArrivalDays, wd):
			q.add(CodeProgrammeArrivalDay, Blocking, 0, 0, len(segs), "%s arrivals in %s are accepted on %s only: this one arrives on %s %s",
				pr.Programme, country, weekdayList(pr.ArrivalDays), wd, arrival)
		case !pr.HolidayArrivals && q.set.IsHoliday(country, arrival):
			q.add(CodeProgrammeArrivalDay, Blocking, 0, 0, len(segs), "%s arrivals in %s are not accepted on public holidays: %s is %s",
				pr.Programme, country, arrival, q.set.holidays[holidayKey{country, arrival}].Name)
		}
		if day := q.bookingDay(); pr.ABNWorkingDays > 0 && !day.IsZero() {
			if n := q.workingDaysBetween(day, arrival, country); n < pr.ABNWorkingDays {
				q.add(CodeProgrammeABNNotice, Warning, 0, 0, len(segs),
					"%s asks for the ABN %d working days before arrival in %s; from %s to the arrival on %s there are %d (weekends and %s holidays excluded)",
					pr.Programme, pr.ABNWorkingDays, country, day, arrival, n, country)
			}
		}
	}
	if pr.MaxPerFlight <= 0 || q.req.FlightLoads == nil {
		return
	}
	for s := range segs {
		seg := &segs[s]
		count := len(q.req.Travellers)
		on := func(l *FlightLoad) bool {
			return l.Carrier == seg.Carrier && l.Flight == seg.Flight && l.Date.Equal(q.dates[s]) && l.Programme == pr.Programme
		}
		for i := range q.req.FlightLoads {
			if l := &q.req.FlightLoads[i]; on(l) {
				count += l.Travellers
			}
		}
		if count <= pr.MaxPerFlight {
			continue
		}
		var others []string
		for i := range q.req.FlightLoads {
			if l := &q.req.FlightLoads[i]; on(l) {
				others = append(others, fmt.Sprintf("%s (%d)", l.Case, l.Travellers))
			}
		}
		q.add(CodeProgrammeFlightCap, Blocking, 0, 0, s+1,
			"%s takes at most %d of its travellers on one flight: %s%s on %s would carry %d (this booking %d; other cases: %s)",
			pr.Programme, pr.MaxPerFlight, seg.Carrier, seg.Flight, q.dates[s], count, len(q.req.Travellers), strings.Join(others, ", "))
	}
}

func weekdayList(ds []time.Weekday) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()[:3]
	}
	return strings.Join(out, ", ")
}
