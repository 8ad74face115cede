package demo

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"movedesk/booking"
)

// Duties adds the duties before departure to demo cases: an escort pool,
// escort trips, verifications, custody trails, counselling, travel-bag ticks
// and exit permits, matching each case's status. Ready-to-depart and
// departed cases have every duty done (they pass the duty rules of the
// gate); some abn-sent cases still have open items; some earlier cases have
// exit permits denied with reason codes, for the reports.
//
// Use: d := NewDuties(seed); emit d.Pool() once; then for each generated
// case, append d.For(recs) to its records. For is deterministic per case
// and seed, and never books one escort on two overlapping trips.
type Duties struct {
	// Today caps every date the duties carry (ticks, custody events,
	// escort assignments): nothing is dated after it. Zero: no cap.
	Today booking.Date
	seed  uint64
	tpl   *booking.Templates
	pool  []booking.Escort
	trips map[string][]booking.EscortTrip // by escort id
}

// NewDuties returns a duty generator with the default templates.
func NewDuties(seed uint64) *Duties {
	d := &Duties{seed: seed, tpl: booking.DefaultTemplates(), trips: map[string][]booking.EscortTrip{}}
	names := []struct {
		name, sex string
		typ       booking.EscortType
		langs     []string
	}{
		{"Karim Tazi", "M", booking.EscortOperational, []string{"ar", "fr", "en"}},
		{"Nadia El Fassi", "F", booking.EscortMedical, []string{"ar", "fr"}},
		{"Petra Hoffmann", "F", booking.EscortMedical, []string{"de", "en"}},
		{"Ahmad Rahimi", "M", booking.EscortOperational, []string{"fa", "ps", "en"}},
		{"Lucía Herrera", "F", booking.EscortOperational, []string{"es", "en"}},
		{"José Ramírez", "M", booking.EscortMedical, []string{"es"}},
		{"Samuel Tesfaye", "M", booking.EscortOperational, []string{"ti", "am", "en"}},
		{"Grace Mensah", "F", booking.EscortMedical, []string{"en", "fr"}},
		{"Omar Suleiman", "M", booking.EscortOperational, []string{"ar", "en"}},
		{"Marie Dubois", "F", booking.EscortOperational, []string{"fr", "en"}},
		{"Yusuf Karimi", "M", booking.EscortMedical, []string{"fa", "ar", "en"}},
		{"Ana Flores", "F", booking.EscortOperational, []string{"es", "en"}},
	}
	for i, n := range names {
		d.pool = append(d.pool, booking.Escort{
			ID: fmt.Sprintf("E%04d", i+1), Name: n.name, Type: n.typ, Languages: n.langs, Sex: n.sex,
			PassportNumber: fmt.Sprintf("X%07d", 1000000+i*7919), PassportExpiry: booking.NewDate(2029+i%4, time.Month(1+i%12), 15),
			Qualifications: map[booking.EscortType][]string{booking.EscortMedical: {"nurse", "first aid"}, booking.EscortOperational: {"first aid"}}[n.typ],
		})
	}
	return d
}

// Pool returns the escort pool as records to store once.
func (d *Duties) Pool() []booking.Record {
	out := make([]booking.Record, len(d.pool))
	for i := range d.pool {
		e := d.pool[i]
		out[i] = &e
	}
	return out
}

// For returns the duty records of the case whose records are recs.
func (d *Duties) For(recs []booking.Record) []booking.Record {
	f := &booking.CaseFile{}
	for _, r := range recs {
		switch v := r.(type) {
		case *booking.Case:
			f.Case = *v
		case *booking.Traveller:
			f.Travellers = append(f.Travellers, *v)
		case *booking.Document:
			f.Documents = append(f.Documents, *v)
		case *booking.Booking:
			f.Bookings = append(f.Bookings, *v)
		}
	}
	if f.Case.Number == "" {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(f.Case.Number))
	r := rand.New(rand.NewPCG(d.seed, h.Sum64()))
	g := &dutyGen{d: d, f: f, r: r, pt: d.tpl.For(f.Case.Programme), dep: f.DepartureDate()}
	return g.run()
}

type dutyGen struct {
	d   *Duties
	f   *booking.CaseFile
	r   *rand.Rand
	pt  booking.ProgrammeTemplate
	dep booking.Date
	out []booking.Record
	// index maps a key to its place in out.
	index map[string]int
}

func (g *dutyGen) put(rec booking.Record) {
	g.f.Apply(rec)
	k := rec.Key()
	if i, ok := g.index[k]; ok {
		g.out[i] = rec
		return
	}
	if g.index == nil {
		g.index = map[string]int{}
	}
	g.index[k] = len(g.out)
	g.out = append(g.out, rec)
}

// at returns a plausible time n days before departure.
func (g *dutyGen) at(n int) time.Time { return g.atWith(g.r, n) }

// atWith is at drawing the time of day from r.
func (g *dutyGen) atWith(r *rand.Rand, n int) time.Time {
	base := g.dep
	if base.IsZero() {
		base = g.f.Case.TravelReady
	}
	if today := g.d.Today; !today.IsZero() && (base.IsZero() || base.After(today)) {
		// Work on a case that departs later was done by today.
		base = today
	}
	if base.IsZero() {
		base = booking.DateOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	}
	return base.AddDays(-n).Time().Add(time.Duration(8+r.IntN(9))*time.Hour + time.Duration(r.IntN(60))*time.Minute)
}

var denialReasons = []struct{ code, text string }{
	{"security", "security check not cleared"},
	{"incomplete-documents", "birth certificate missing"},
	{"military-service", "military service not completed"},
	{"debts-or-fines", "unpaid fines"},
	{"court-order", "pending court case"},
	{"minor-consent", "consent of the other parent missing"},
}

func (g *dutyGen) run() []booking.Record {
	st := g.f.Case.Status
	if st == booking.StatusOnHold || st == booking.StatusCancelled {
		st = g.f.Case.HeldFrom
	}
	stage := map[booking.Status]int{booking.StatusBooked: 1, booking.StatusABNSent: 2, booking.StatusReadyToDepart: 3, booking.StatusDeparted: 4}[st]
	g.contacts(stage)
	g.permits(stage)
	if stage == 0 || g.f.ActiveBooking() == nil {
		return g.out
	}
	// Every case from booked on has its documents received into custody.
	by := Assignees[g.r.IntN(len(Assignees))]
	for _, t := range g.f.Travellers {
		for _, doc := range g.f.DocumentsOf(t.Member) {
			if doc.Type.IsTravelDocument() {
				// Both events go through Custody.Log, in its order:
				// received, then stored an hour later.
				at := g.at(20)
				c, err := g.f.LogCustody(t.Member, doc.ID, booking.CustodyEvent{Action: booking.CustodyReceived, From: "embassy", By: by, At: at}, "")
				if err != nil {
					continue
				}
				g.put(c)
				c, err = g.f.LogCustody(t.Member, doc.ID, booking.CustodyEvent{Action: booking.CustodyStored,
					Location: fmt.Sprintf("safe %d, shelf %c", 1+g.r.IntN(3), 'A'+rune(g.r.IntN(6))), By: by, At: at.Add(time.Hour)}, "")
				if err == nil {
					g.put(c)
				}
			}
		}
	}
	if stage >= 2 {
		g.escorts(stage)
	}
	// Everything ticked for ready and departed; most of it for abn-sent;
	// the verification only, often partly, for booked cases.
	lists := []string{booking.ChecklistVerification}
	if stage >= 2 {
		lists = booking.ChecklistNames
	}
	counsellor := Assignees[g.r.IntN(len(Assignees))]
	for _, name := range lists {
		cl, err := g.f.Checklist(name, g.pt, g.dep)
		if err != nil {
			continue
		}
		for _, it := range cl.Items {
			if it.Done || (stage == 1 && g.r.Float64() < 0.5) || (stage == 2 && g.r.Float64() < 0.04) {
				continue
			}
			who := by
			if name == booking.ChecklistCounselling {
				who = counsellor
			}
			rec, err := g.f.ToggleIn(cl, it.Key, g.dep, who, g.at(10-len(g.out)%7))
			if err == nil {
				g.put(rec)
			}
		}
	}
	if g.f.Counselling != nil {
		c := *g.f.Counselling
		c.Language = "en"
		if p := g.f.Principal(); p != nil && len(p.Languages) > 0 {
			c.Language = p.Languages[0]
			if c.Language != "en" && c.Language != "fr" && c.Language != "es" {
				c.Interpreter = "interpreter (" + c.Language + ")"
			}
		}
		if stage == 2 && g.r.Float64() < 0.25 {
			c.AddAction(0, "confirm wheelchair assistance at transit with the airline", counsellor)
		}
		g.put(&c)
	}
	if stage == 4 {
		g.handOver(by)
	}
	return g.out
}

// permits records exit permits for a share of cases; denials for earlier
// cases carry reason codes.
func (g *dutyGen) permits(stage int) {
	if g.r.Float64() > 0.35 {
		return
	}
	submitted := booking.DateOf(g.at(60))
	p := &booking.ExitPermit{Case: g.f.Case.Number, ID: "P1", Authority: "Directorate of Migration", Submitted: submitted, Status: booking.PermitPending}
	switch {
	case stage >= 3 || (stage == 2 && g.r.Float64() < 0.7):
		p.Status, p.Decided = booking.PermitApproved, submitted.AddDays(10+g.r.IntN(20))
		p.ValidFrom, p.ValidUntil = p.Decided, g.dep.AddDays(30+g.r.IntN(60))
		if g.dep.IsZero() {
			p.ValidUntil = p.Decided.AddDays(90)
		}
	case g.r.Float64() < 0.4:
		d := denialReasons[g.r.IntN(len(denialReasons))]
		p.Status, p.Decided, p.ReasonCode, p.ReasonText = booking.PermitDenied, submitted.AddDays(10+g.r.IntN(30)), d.code, d.text
		// A traveller's own permit, so reports can show who was denied.
		if len(g.f.Travellers) > 1 {
			p.Member = g.f.Travellers[g.r.IntN(len(g.f.Travellers))].Member
		}
	}
	g.put(p)
}

// escorts assigns an escort to every traveller who needs one, picking the
// best-ranked free escort, with a return trip two days after arrival.
func (g *dutyGen) escorts(stage int) {
	b := g.f.ActiveBooking()
	needs := g.f.EscortNeeds(g.pt, g.dep)
	if len(needs) == 0 || (stage == 2 && g.r.Float64() < 0.2) {
		return
	}
	need := needs[0].Type
	var travellers []int
	for _, n := range needs {
		travellers = append(travellers, n.Traveller)
		if n.Type == booking.EscortMedical {
			need = n.Type
		}
	}
	last := b.Segments[len(b.Segments)-1]
	back := last.Arrive.Date().AddDays(2).Time()
	ret := []booking.Segment{{Carrier: last.Carrier, Flight: fmt.Sprint(1000 + g.r.IntN(8000)), From: last.To, To: b.Segments[0].From,
		Depart: localAt(back.Add(18 * time.Hour)), Arrive: localAt(back.Add(32 * time.Hour))}}
	probe, err := booking.NewEscortTrip(g.f.Case.Number, &g.d.pool[0], b, nil, travellers, ret)
	if err != nil {
		return
	}
	var all []booking.EscortTrip
	for _, ts := range g.d.trips {
		all = append(all, ts...)
	}
	for _, c := range booking.RankEscorts(g.d.pool, *probe, all, need, g.f.Languages()) {
		if !c.Usable() {
			continue
		}
		trip, err := booking.NewEscortTrip(g.f.Case.Number, &c.Escort, b, nil, travellers, ret)
		if err != nil {
			return
		}
		trip.AssignedBy, trip.AssignedAt = Assignees[g.r.IntN(len(Assignees))], g.at(14).UTC()
		g.d.trips[c.Escort.ID] = append(g.d.trips[c.Escort.ID], *trip)
		g.put(trip)
		if b.EscortSeats < len(g.f.TripsOn(b.ID)) {
			nb := *b
			nb.EscortSeats = len(g.f.TripsOn(b.ID))
			g.f.Bookings[len(g.f.Bookings)-1] = nb
			for i, r := range g.out {
				if r.Key() == nb.Key() {
					g.out = append(g.out[:i], g.out[i+1:]...)
				}
			}
			g.out = append(g.out, &nb)
		}
		return
	}
}

// handOver records the hand-over of each travel document to its holder at
// the airport, for departed cases.
func (g *dutyGen) handOver(by string) {
	for _, c := range g.f.CustodyTrails() {
		t := g.f.Traveller(c.Member)
		if t == nil {
			continue
		}
		rec, err := g.f.LogCustody(c.Member, c.Document, booking.CustodyEvent{Action: booking.CustodyHandedOver,
			To: t.GivenNames + " " + t.FamilyName, Location: "airport", By: by, At: g.at(0).Add(-6 * time.Hour)}, "")
		if err == nil {
			g.put(rec)
		}
	}
}

func localAt(t time.Time) booking.LocalTime {
	l, _ := booking.ParseLocalTime(t.Format(booking.LocalTimeLayout))
	return l
}

// officeLocal makes a phone number and a street address where each demo
// office's families wait (numbers in ranges kept for fiction where a plan
// has one), and receivingDial is each programme's receiving side's
// country code, for a sponsor's or relative's phone.
var (
	officeLocal = map[string]struct {
		phone    func(r *rand.Rand) string
		quarters []string
		address  string // street number, street, quarter
	}{
		"RBA": {func(r *rand.Rand) string {
			return fmt.Sprintf("+212 6%02d %02d %02d %02d", r.IntN(100), r.IntN(100), r.IntN(100), r.IntN(100))
		}, []string{"Hay Riad", "Agdal", "Yacoub El Mansour", "Takaddoum", "Youssoufia", "Akkari"}, "%d rue %d, %s, Rabat"},
		"KLT": {func(r *rand.Rand) string { return fmt.Sprintf("+49 152 %04d %04d", r.IntN(10000), r.IntN(10000)) },
			[]string{"Innenstadt", "Betzenberg", "Kotten", "Grübentälchen", "Einsiedlerhof"}, "Hauptstraße %d, Haus %d, %s, Kaiserslautern"},
		"SAL": {func(r *rand.Rand) string { return fmt.Sprintf("+503 7%03d %04d", r.IntN(1000), r.IntN(10000)) },
			[]string{"Colonia Escalón", "Mejicanos", "Soyapango", "San Jacinto", "Ciudad Delgado"}, "Pasaje %d, casa %d, %s, San Salvador"},
		"WAS": {func(r *rand.Rand) string { return fmt.Sprintf("+1 202 555 %04d", 100+r.IntN(100)) },
			[]string{"Brightwood", "Columbia Heights", "Anacostia", "Petworth"}, "%d Kennedy St NW, apt %d, %s, Washington DC"},
	}
	receivingDial = map[string]string{"USRAP": "+1", "CA-GAR": "+1", "AU-HUM": "+61", "EU-REL": "+49", "AVRR": ""}
)

// contacts gives the case its principal's phone (and often an address),
// for some a relative or sponsor on the receiving side, and a
// communication log that follows the case as far as it has gone. It draws
// from a random source of its own, so the other duties of a seed stay as
// they were before the demo had contacts.
func (g *dutyGen) contacts(stage int) {
	h := fnv.New64a()
	h.Write([]byte("contacts " + g.f.Case.Number))
	r := rand.New(rand.NewPCG(g.d.seed, h.Sum64()))
	pa := g.f.Principal()
	if pa == nil {
		return
	}
	by := g.f.Case.Assignee
	if by == "" {
		by = Assignees[r.IntN(len(Assignees))]
	}
	first := g.atWith(r, 40)
	if rec := g.f.Case.Received; !rec.IsZero() && rec.Time().After(first.Add(-24*time.Hour)) {
		first = rec.Time().Add(time.Duration(9+r.IntN(6)) * time.Hour)
	}
	local, ok := officeLocal[g.f.Case.Office]
	if !ok {
		local = officeLocal["RBA"]
	}
	own := booking.Contact{Traveller: pa.Member, Phone: local.phone(r)}
	if r.Float64() < 0.6 {
		own.Address = fmt.Sprintf(local.address, 1+r.IntN(120), 1+r.IntN(40), local.quarters[r.IntN(len(local.quarters))])
	}
	if c, err := g.f.NewContact(own, by, "", first); err == nil {
		g.put(c)
	}
	if dial := receivingDial[g.f.Case.Programme]; dial != "" && r.Float64() < 0.4 {
		rel := booking.Contact{Name: relativeName(r, pa), Relation: "relative", Phone: fmt.Sprintf("%s %d %07d", dial, 30+r.IntN(60), r.IntN(10000000))}
		if dial == "+1" { // 555-01xx: the numbers North America keeps for fiction
			rel.Phone = fmt.Sprintf("+1 %03d 555 %04d", 201+r.IntN(700), 100+r.IntN(100))
		}
		if g.f.Case.Programme == "CA-GAR" || r.Float64() < 0.3 {
			rel.Relation = "sponsor"
		}
		if c, err := g.f.NewContact(rel, by, "", first); err == nil {
			g.put(c)
		}
	}
	who := pa.GivenNames + " " + pa.FamilyName
	steps := []struct {
		stage        int
		days         int
		channel, dir string
		text         string
	}{
		{0, 35, "phone", "out", "documents requested by phone: passports and birth certificates of every traveller; the family brought them a week later"},
		{1, 14, "phone", "out", "travel dates given to the family; asked to keep their phone on"},
		{3, 2, "phone", "out", "departure confirmed: meeting point and time at the airport"},
	}
	for i, st := range steps {
		if st.stage > stage {
			break
		}
		at := g.atWith(r, st.days)
		if at.Before(first) {
			at = first.Add(time.Duration(1+i) * time.Hour)
		}
		if today := g.d.Today; !today.IsZero() && booking.DateOf(at).After(today) {
			break
		}
		e, err := g.f.LogComm(booking.CommEntry{When: localAt(at), Channel: st.channel, Direction: st.dir, Who: who, Text: st.text}, by, "", at)
		if err == nil {
			g.put(e)
		}
	}
}

// relativeName is a relative of the principal on the receiving side, with
// a given name of the family's own name pool.
func relativeName(r *rand.Rand, pa *booking.Traveller) string {
	pool, ok := pools[nationalityPool[pa.Nationality]]
	if !ok {
		pool = pools["arabic"]
	}
	given := pool.male
	if r.IntN(2) == 0 {
		given = pool.female
	}
	return given[r.IntN(len(given))] + " " + pa.FamilyName
}
