package booking

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Tick records who ticked a checklist item and when.
type Tick struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// Checklist names.
const (
	ChecklistVerification = "verification"
	ChecklistCounselling  = "counselling"
	ChecklistEscort       = "escort"
	ChecklistTravelBag    = "travel-bag"
)

// ChecklistNames lists the checklists in the order a desk works through them.
var ChecklistNames = []string{ChecklistVerification, ChecklistCounselling, ChecklistEscort, ChecklistTravelBag}

// ChecklistItem is one line of a checklist as screens and the CLI show it.
type ChecklistItem struct {
	// Key is unique within the checklist ("02/photo", "E0001/briefed").
	Key       string    `json:"key"`
	Label     string    `json:"label"`
	Group     string    `json:"group,omitempty"`
	Traveller int       `json:"traveller,omitempty"`
	Done      bool      `json:"done"`
	By        string    `json:"by,omitempty"`
	At        time.Time `json:"at,omitzero"`
	// Gate marks items that must be done before the case may depart.
	Gate bool `json:"gate"`
}

// Checklist is one named checklist of a case.
type Checklist struct {
	Name  string          `json:"name"`
	Title string          `json:"title"`
	Items []ChecklistItem `json:"items"`
}

// Open returns the gate items not done.
func (c *Checklist) Open() []ChecklistItem {
	var out []ChecklistItem
	for _, it := range c.Items {
		if it.Gate && !it.Done {
			out = append(out, it)
		}
	}
	return out
}

// Record kinds of the checklist records.
const (
	KindVerification = "verification"
	KindCounselling  = "counselling"
	KindTravelBag    = "travelbag"
)

// VerificationKey is the key of member m's verification in case c.
func VerificationKey(c string, m int) string {
	return fmt.Sprintf("%s/%s/%02d", c, KindVerification, m)
}

// CounsellingKey is the key of case c's counselling session.
func CounsellingKey(c string) string { return c + "/" + KindCounselling }

// TravelBagKey is the key of case c's travel bag.
func TravelBagKey(c string) string { return c + "/" + KindTravelBag }

// Verification items of each traveller.
const (
	VerifyBiodata  = "biodata"
	VerifyPhoto    = "photo"
	VerifyDocument = "document"
)

// Verification records a traveller's identity and document check, done
// before any document is handed over.
type Verification struct {
	Case   string `json:"case"`
	Member int    `json:"member"`
	// DocumentID and DocumentNumber are the travel document checked.
	DocumentID     string          `json:"document_id,omitempty"`
	DocumentNumber string          `json:"document_number,omitempty"`
	Ticks          map[string]Tick `json:"ticks,omitempty"`
}

// Kind implements Record.
func (v *Verification) Kind() string { return KindVerification }

// Key implements Record.
func (v *Verification) Key() string { return VerificationKey(v.Case, v.Member) }

// CaseNumber implements Record.
func (v *Verification) CaseNumber() string { return v.Case }

// Validate implements Record.
func (v *Verification) Validate() error {
	switch {
	case !ValidCaseNumber(v.Case):
		return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", v.Case)
	case v.Member < 1 || v.Member > 99:
		return Errorf(EINVALID, "member", "member id %d must be 1 to 99", v.Member)
	case v.Ticks[VerifyDocument] != (Tick{}) && v.DocumentNumber == "":
		return Errorf(EINVALID, "document_number", "the document check is ticked but no document number is recorded")
	}
	for k := range v.Ticks {
		if !slices.Contains([]string{VerifyBiodata, VerifyPhoto, VerifyDocument}, k) {
			return Errorf(EINVALID, "ticks", "unknown verification item %q (known: biodata, photo, document)", k)
		}
	}
	return validTicks(v.Ticks)
}

// Verified reports whether biodata, photo and document are all checked.
func (v *Verification) Verified() bool {
	if v == nil {
		return false
	}
	_, b := v.Ticks[VerifyBiodata]
	_, p := v.Ticks[VerifyPhoto]
	_, d := v.Ticks[VerifyDocument]
	return b && p && d && v.DocumentNumber != ""
}

// ActionItem is a vulnerability noted during counselling that needs doing
// before departure.
type ActionItem struct {
	ID        int    `json:"id"`
	Traveller int    `json:"traveller,omitempty"`
	Note      string `json:"note"`
	NotedBy   string `json:"noted_by,omitempty"`
}

// Counselling is a case's pre-departure counselling session and its topic
// checklist.
type Counselling struct {
	Case        string          `json:"case"`
	Date        Date            `json:"date,omitzero"`
	Counsellor  string          `json:"counsellor,omitempty"`
	Language    string          `json:"language,omitempty"`
	Interpreter string          `json:"interpreter,omitempty"`
	Ticks       map[string]Tick `json:"ticks,omitempty"`
	Actions     []ActionItem    `json:"actions,omitempty"`
}

// Kind implements Record.
func (c *Counselling) Kind() string { return KindCounselling }

// Key implements Record.
func (c *Counselling) Key() string { return CounsellingKey(c.Case) }

// CaseNumber implements Record.
func (c *Counselling) CaseNumber() string { return c.Case }

// Validate implements Record.
func (c *Counselling) Validate() error {
	if !ValidCaseNumber(c.Case) {
		return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", c.Case)
	}
	ids := map[int]bool{}
	for i, a := range c.Actions {
		f := "actions." + strconv.Itoa(i+1)
		switch {
		case a.ID < 1 || ids[a.ID]:
			return Errorf(EINVALID, f+".id", "action id %d must be positive and unique", a.ID)
		case strings.TrimSpace(a.Note) == "":
			return Errorf(EINVALID, f+".note", "an action item needs a note")
		case a.Traveller < 0 || a.Traveller > 99:
			return Errorf(EINVALID, f+".traveller", "traveller %d must be 0 (whole case) to 99", a.Traveller)
		}
		ids[a.ID] = true
	}
	return validTicks(c.Ticks)
}

// Recorded reports whether the session itself (date and counsellor) is on
// record.
func (c *Counselling) Recorded() bool { return c != nil && !c.Date.IsZero() && c.Counsellor != "" }

// KindAction is the record kind of a counselling action item noted at a
// desk.
const KindAction = "action"

// ActionKey is the key of action item id of case c.
func ActionKey(c, id string) string { return c + "/" + KindAction + "/" + id }

// Action is a counselling action item as a record of its own, with an id
// made at the desk that noted it (see NewID), so that items two desks note
// while offline both survive a sync. Items noted before are in
// Counselling.Actions. Its checklist key is "action/<id>".
type Action struct {
	Case      string `json:"case"`
	ID        string `json:"id"`
	Traveller int    `json:"traveller,omitempty"`
	Note      string `json:"note"`
	NotedBy   string `json:"noted_by,omitempty"`
}

// Kind implements Record.
func (a *Action) Kind() string { return KindAction }

// Key implements Record.
func (a *Action) Key() string { return ActionKey(a.Case, a.ID) }

// CaseNumber implements Record.
func (a *Action) CaseNumber() string { return a.Case }

// Validate implements Record.
func (a *Action) Validate() error {
	switch {
	case !ValidCaseNumber(a.Case):
		return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", a.Case)
	case a.ID == "" || strings.ContainsAny(a.ID, "/ "):
		return Errorf(EINVALID, "id", "action id %q must be non-empty without spaces or slashes", a.ID)
	case strings.TrimSpace(a.Note) == "":
		return Errorf(EINVALID, "note", "an action item needs a note")
	case a.Traveller < 0 || a.Traveller > 99:
		return Errorf(EINVALID, "traveller", "traveller %d must be 0 (whole case) to 99", a.Traveller)
	}
	return nil
}

// NoteAction notes a vulnerability as a new action item of traveller (0:
// the whole case) and returns the record to write, its id made at desk.
func (f *CaseFile) NoteAction(traveller int, note, by, desk string) (*Action, error) {
	if traveller > 0 && f.Traveller(traveller) == nil {
		return nil, Errorf(ENOTFOUND, "traveller", "case %s has no traveller %d", f.Case.Number, traveller)
	}
	taken := map[string]bool{}
	if f.Counselling != nil {
		for _, a := range f.Counselling.Actions {
			taken[strconv.Itoa(a.ID)] = true
		}
	}
	for _, a := range f.Actions {
		taken[a.ID] = true
	}
	a := &Action{Case: f.Case.Number, Traveller: traveller, Note: strings.TrimSpace(note), NotedBy: by}
	a.ID = NewID("a", len(taken)+1, desk, func(id string) bool { return taken[id] })
	return a, a.Validate()
}

// AddAction notes a vulnerability as a new action item and returns its id.
// It is for records made whole (the demo); a desk uses CaseFile.NoteAction.
func (c *Counselling) AddAction(traveller int, note, by string) int {
	id := 1
	for _, a := range c.Actions {
		id = max(id, a.ID+1)
	}
	c.Actions = append(c.Actions, ActionItem{ID: id, Traveller: traveller, Note: strings.TrimSpace(note), NotedBy: by})
	return id
}

// TravelBag holds the ticks of a case's travel-bag checklist.
type TravelBag struct {
	Case  string          `json:"case"`
	Ticks map[string]Tick `json:"ticks,omitempty"`
}

// Kind implements Record.
func (b *TravelBag) Kind() string { return KindTravelBag }

// Key implements Record.
func (b *TravelBag) Key() string { return TravelBagKey(b.Case) }

// CaseNumber implements Record.
func (b *TravelBag) CaseNumber() string { return b.Case }

// Validate implements Record.
func (b *TravelBag) Validate() error {
	if !ValidCaseNumber(b.Case) {
		return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", b.Case)
	}
	return validTicks(b.Ticks)
}

func validTicks(ts map[string]Tick) error {
	for k, t := range ts {
		if strings.TrimSpace(t.By) == "" || t.At.IsZero() {
			return Errorf(EINVALID, "ticks."+k, "a tick needs who and when")
		}
	}
	return nil
}

// toggle flips key in *ts, returning whether it is now ticked.
func toggle(ts *map[string]Tick, key, by string, at time.Time) bool {
	if _, ok := (*ts)[key]; ok {
		delete(*ts, key)
		if len(*ts) == 0 {
			*ts = nil
		}
		return false
	}
	if *ts == nil {
		*ts = map[string]Tick{}
	}
	(*ts)[key] = Tick{By: by, At: at.UTC().Truncate(time.Second)}
	return true
}

func itemFrom(ts map[string]Tick, tickKey string, it ChecklistItem) ChecklistItem {
	if t, ok := ts[tickKey]; ok {
		it.Done, it.By, it.At = true, t.By, t.At
	}
	return it
}

// travellerGroup heads a traveller's items: "2 HADDAD, Layla" (families
// reuse names, so the member id tells them apart).
func travellerGroup(t *Traveller) string { return strconv.Itoa(t.Member) + " " + t.FullName() }

func memberKey(m int, item string) string { return fmt.Sprintf("%02d/%s", m, item) }

// splitMemberKey parses "02/photo".
func splitMemberKey(k string) (int, string, bool) {
	a, b, ok := strings.Cut(k, "/")
	if !ok || len(a) != 2 {
		return 0, "", false
	}
	m, err := strconv.Atoi(a)
	return m, b, err == nil && m >= 1
}

// adult reports whether t is 18 or older on dep; an unknown birth date
// counts as adult, so a loan paper is asked for rather than forgotten.
func adult(t *Traveller, dep Date) bool { return t.BirthDate.IsZero() || t.BirthDate.Age(dep) >= 18 }

// Verification returns member m's verification, or nil.
func (f *CaseFile) Verification(m int) *Verification {
	for i := range f.Verifications {
		if f.Verifications[i].Member == m {
			return &f.Verifications[i]
		}
	}
	return nil
}

// ssrGroups returns the SSR groups (and meal codes) of the booking's travellers.
func (f *CaseFile) ssrGroups() (map[string]bool, []string) {
	groups := map[string]bool{}
	var meals []string
	for _, t := range f.travellersOnBooking() {
		for _, c := range t.SSR {
			if s, ok := LookupSSR(c); ok {
				groups[s.Group] = true
				if s.Group == "meal" && !slices.Contains(meals, s.Code) {
					meals = append(meals, s.Code)
				}
			}
		}
	}
	slices.Sort(meals)
	return groups, meals
}

// Checklists returns every checklist of the case under template pt, judged
// on departure date dep.
func (f *CaseFile) Checklists(pt ProgrammeTemplate, dep Date) []Checklist {
	out := make([]Checklist, 0, len(ChecklistNames))
	for _, n := range ChecklistNames {
		c, _ := f.Checklist(n, pt, dep)
		out = append(out, c)
	}
	return out
}

// Checklist returns checklist name of the case.
func (f *CaseFile) Checklist(name string, pt ProgrammeTemplate, dep Date) (Checklist, error) {
	switch name {
	case ChecklistVerification:
		return f.verificationList(), nil
	case ChecklistCounselling:
		return f.counsellingList(pt, dep), nil
	case ChecklistEscort:
		return f.escortList(pt), nil
	case ChecklistTravelBag:
		return f.bagList(pt, dep), nil
	}
	return Checklist{}, Errorf(EINVALID, "checklist", "unknown checklist %q (known: %s)", name, strings.Join(ChecklistNames, ", "))
}

func (f *CaseFile) verificationList() Checklist {
	c := Checklist{Name: ChecklistVerification, Title: "Identity and document verification"}
	for _, t := range f.travellersOnBooking() {
		v := f.Verification(t.Member)
		var ts map[string]Tick
		doc := "Document number recorded"
		if v != nil {
			ts = v.Ticks
			if v.DocumentNumber != "" {
				doc += ": " + v.DocumentNumber
			}
		}
		g := travellerGroup(&t)
		c.Items = append(c.Items,
			itemFrom(ts, VerifyBiodata, ChecklistItem{Key: memberKey(t.Member, VerifyBiodata), Label: "Biodata matches", Group: g, Traveller: t.Member, Gate: true}),
			itemFrom(ts, VerifyPhoto, ChecklistItem{Key: memberKey(t.Member, VerifyPhoto), Label: "Photo matches", Group: g, Traveller: t.Member, Gate: true}),
			itemFrom(ts, VerifyDocument, ChecklistItem{Key: memberKey(t.Member, VerifyDocument), Label: doc, Group: g, Traveller: t.Member, Gate: true}))
	}
	return c
}

func (f *CaseFile) counsellingList(pt ProgrammeTemplate, dep Date) Checklist {
	c := Checklist{Name: ChecklistCounselling, Title: "Pre-departure counselling"}
	var ts map[string]Tick
	if f.Counselling != nil {
		ts = f.Counselling.Ticks
	}
	groups, meals := f.ssrGroups()
	for _, t := range pt.Counselling {
		switch t.When {
		case "meal", "wheelchair", "medical":
			if !groups[t.When] {
				continue
			}
		case "loan":
			if !pt.TravelLoan {
				continue
			}
		case "medical-escort":
			continue
		}
		label := t.Label
		if t.When == "meal" && len(meals) > 0 {
			label += " (" + strings.Join(meals, ", ") + ")"
		}
		c.Items = append(c.Items, itemFrom(ts, t.Key, ChecklistItem{Key: t.Key, Label: label, Group: t.Group, Gate: true}))
	}
	c.Items = append(c.Items, f.transitItems(pt, ts)...)
	if pt.TravelLoan {
		for _, t := range f.travellersOnBooking() {
			if adult(&t, dep) {
				k := memberKey(t.Member, "promissory-note")
				c.Items = append(c.Items, itemFrom(ts, k, ChecklistItem{Key: k, Label: "Promissory note signed: " + t.FullName(),
					Group: "travel loan", Traveller: t.Member, Gate: true}))
			}
		}
	}
	if f.Counselling != nil {
		for _, a := range f.Counselling.Actions {
			k := "action/" + strconv.Itoa(a.ID)
			c.Items = append(c.Items, itemFrom(ts, k, ChecklistItem{Key: k, Label: a.Note, Group: "action items", Traveller: a.Traveller, Gate: true}))
		}
	}
	for _, a := range f.Actions {
		k := "action/" + a.ID
		c.Items = append(c.Items, itemFrom(ts, k, ChecklistItem{Key: k, Label: a.Note, Group: "action items", Traveller: a.Traveller, Gate: true}))
	}
	return c
}

func (f *CaseFile) escortList(pt ProgrammeTemplate) Checklist {
	c := Checklist{Name: ChecklistEscort, Title: "Escorts"}
	b := f.ActiveBooking()
	if b == nil {
		return c
	}
	for _, tr := range f.TripsOn(b.ID) {
		for _, t := range pt.EscortChecklist {
			if t.When == "medical-escort" && tr.Type != EscortMedical {
				continue
			}
			k := tr.Escort + "/" + t.Key
			c.Items = append(c.Items, itemFrom(tr.Ticks, t.Key, ChecklistItem{Key: k, Label: t.Label,
				Group: "escort " + tr.Escort + " (" + string(tr.Type) + ")", Gate: t.PreDeparture}))
		}
	}
	return c
}

func (f *CaseFile) bagList(pt ProgrammeTemplate, dep Date) Checklist {
	c := Checklist{Name: ChecklistTravelBag, Title: "Travel bag"}
	var ts map[string]Tick
	if f.TravelBag != nil {
		ts = f.TravelBag.Ticks
	}
	for _, it := range pt.TravelBag {
		if it.Per == "case" {
			if it.When != "loan" || pt.TravelLoan {
				c.Items = append(c.Items, itemFrom(ts, it.Key, ChecklistItem{Key: it.Key, Label: it.Label, Group: "case", Gate: true}))
			}
		}
	}
	for _, t := range f.travellersOnBooking() {
		for _, it := range pt.TravelBag {
			if it.Per == "case" || (it.Per == "adult" && !adult(&t, dep)) {
				continue
			}
			switch it.When {
			case "loan":
				if !pt.TravelLoan {
					continue
				}
			case "visa":
				if !f.hasDocType(t.Member, DocVisa) {
					continue
				}
			case "exit-permit":
				if len(f.PermitsOf(t.Member)) == 0 && !f.hasDocType(t.Member, DocExitPermit) {
					continue
				}
			}
			k := memberKey(t.Member, it.Key)
			c.Items = append(c.Items, itemFrom(ts, k, ChecklistItem{Key: k, Label: it.Label, Group: travellerGroup(&t), Traveller: t.Member, Gate: true}))
		}
	}
	return c
}

func (f *CaseFile) hasDocType(m int, t DocType) bool {
	for _, d := range f.DocumentsOf(m) {
		if d.Type == t {
			return true
		}
	}
	return false
}

// Toggle ticks or unticks item key of checklist name and returns the one
// record to write (a copy; f is not changed). Ticking a traveller's document
// check records the number of their travel document valid on dep.
func (f *CaseFile) Toggle(name, key string, pt ProgrammeTemplate, dep Date, by string, at time.Time) (Record, error) {
	cl, err := f.Checklist(name, pt, dep)
	if err != nil {
		return nil, err
	}
	return f.ToggleIn(cl, key, dep, by, at)
}

// ToggleIn is Toggle on checklist cl, already built with f.Checklist (whose
// items ticking does not change): bulk ticks build the list once.
func (f *CaseFile) ToggleIn(cl Checklist, key string, dep Date, by string, at time.Time) (Record, error) {
	name := cl.Name
	if !slices.ContainsFunc(cl.Items, func(it ChecklistItem) bool { return it.Key == key }) {
		keys := make([]string, len(cl.Items))
		for i, it := range cl.Items {
			keys[i] = it.Key
		}
		if len(keys) == 0 {
			return nil, Errorf(ENOTFOUND, "item", "the %s checklist of case %s has no items", name, f.Case.Number)
		}
		return nil, Errorf(ENOTFOUND, "item", "the %s checklist of case %s has no item %q (items: %s)", name, f.Case.Number, key, strings.Join(keys, ", "))
	}
	if strings.TrimSpace(by) == "" {
		return nil, Errorf(EINVALID, "by", "who ticks the item is required")
	}
	no := f.Case.Number
	switch name {
	case ChecklistVerification:
		m, item, _ := splitMemberKey(key)
		v := Verification{Case: no, Member: m}
		if cur := f.Verification(m); cur != nil {
			v = *cur
			v.Ticks = cloneTicks(cur.Ticks)
		}
		if toggle(&v.Ticks, item, by, at) && item == VerifyDocument {
			d := f.travelDocument(m, dep)
			if d == nil || d.Number == "" {
				delete(v.Ticks, item)
				return nil, Errorf(EINVALID, "document", "traveller %d has no numbered travel document valid on %s to record", m, dep)
			}
			v.DocumentID, v.DocumentNumber = d.ID, d.Number
		} else if item == VerifyDocument {
			v.DocumentID, v.DocumentNumber = "", ""
		}
		return &v, nil
	case ChecklistCounselling:
		c := Counselling{Case: no}
		if f.Counselling != nil {
			c = *f.Counselling
			c.Ticks = cloneTicks(c.Ticks)
		}
		if c.Date.IsZero() {
			c.Date = DateOf(at)
		}
		if c.Counsellor == "" {
			c.Counsellor = by
		}
		toggle(&c.Ticks, key, by, at)
		return &c, nil
	case ChecklistEscort:
		id, item, _ := strings.Cut(key, "/")
		for _, tr := range f.EscortTrips {
			if tr.Escort == id {
				tr.Ticks = cloneTicks(tr.Ticks)
				toggle(&tr.Ticks, item, by, at)
				return &tr, nil
			}
		}
	case ChecklistTravelBag:
		b := TravelBag{Case: no}
		if f.TravelBag != nil {
			b.Ticks = cloneTicks(f.TravelBag.Ticks)
		}
		toggle(&b.Ticks, key, by, at)
		return &b, nil
	}
	return nil, Errorf(ENOTFOUND, "item", "no record holds item %q", key)
}

func cloneTicks(ts map[string]Tick) map[string]Tick {
	if ts == nil {
		return nil
	}
	out := make(map[string]Tick, len(ts))
	for k, v := range ts {
		out[k] = v
	}
	return out
}

// travelDocument returns member m's travel document valid on dep (the one
// expiring last), or nil.
func (f *CaseFile) travelDocument(m int, dep Date) *Document {
	var best *Document
	for i := range f.Documents {
		d := &f.Documents[i]
		if d.Member != m || !d.Type.IsTravelDocument() || d.ExpiresBefore(dep) {
			continue
		}
		if best == nil || (!best.ExpiryDate.IsZero() && (d.ExpiryDate.IsZero() || d.ExpiryDate.After(best.ExpiryDate))) {
			best = d
		}
	}
	return best
}
