package booking

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// KindCustody is the record kind of a document's custody trail.
const KindCustody = "custody"

// CustodyKey is the key of the custody trail of document id of member m.
// Each event recorded at a desk is a record of its own under it:
// CustodyKey(...)+"/"+event id.
func CustodyKey(c string, m int, id string) string {
	return fmt.Sprintf("%s/%s/%02d/%s", c, KindCustody, m, id)
}

// Custody actions.
const (
	CustodyReceived   = "received"    // the office receives the document (from)
	CustodyStored     = "stored"      // put away (where)
	CustodyHandedOver = "handed-over" // given to someone (to): needs verification
	CustodyReturned   = "returned"    // given back to the issuer or sender (to)
)

// CustodyActions lists the accepted custody actions.
var CustodyActions = []string{CustodyReceived, CustodyStored, CustodyHandedOver, CustodyReturned}

// CustodyEvent is one step of a document's custody trail.
type CustodyEvent struct {
	Action   string    `json:"action"`
	From     string    `json:"from,omitempty"`
	To       string    `json:"to,omitempty"`
	Location string    `json:"location,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Note     string    `json:"note,omitempty"`
}

// Validate checks one event; field names are prefixed with "events.N.".
func (e *CustodyEvent) Validate(i int) error {
	f := func(n string) string { return "events." + strconv.Itoa(i+1) + "." + n }
	switch {
	case !slices.Contains(CustodyActions, e.Action):
		return Errorf(EINVALID, f("action"), "custody action %q must be one of %s", e.Action, strings.Join(CustodyActions, ", "))
	case strings.TrimSpace(e.By) == "":
		return Errorf(EINVALID, f("by"), "who recorded the step is required")
	case e.At.IsZero():
		return Errorf(EINVALID, f("at"), "when is required")
	case e.Action == CustodyReceived && strings.TrimSpace(e.From) == "":
		return Errorf(EINVALID, f("from"), "received from whom is required")
	case e.Action == CustodyStored && strings.TrimSpace(e.Location) == "":
		return Errorf(EINVALID, f("location"), "stored where is required")
	case (e.Action == CustodyHandedOver || e.Action == CustodyReturned) && strings.TrimSpace(e.To) == "":
		return Errorf(EINVALID, f("to"), "%s to whom is required", e.Action)
	}
	return nil
}

// Custody is the custody trail of one document: who had it, from receipt
// to hand-over. As a record it is one event made at a desk (ID set, see
// LogCustody), so two desks that record a step of the same document while
// offline both keep theirs; a record without ID is a whole trail as stores
// kept it before. CaseFile.CustodyOf joins them into the trail.
type Custody struct {
	Case     string         `json:"case"`
	Member   int            `json:"member"`
	Document string         `json:"document"`
	ID       string         `json:"id,omitempty"`
	Events   []CustodyEvent `json:"events"`
}

// Kind implements Record.
func (c *Custody) Kind() string { return KindCustody }

// Key implements Record.
func (c *Custody) Key() string {
	k := CustodyKey(c.Case, c.Member, c.Document)
	if c.ID != "" {
		k += "/" + c.ID
	}
	return k
}

// CaseNumber implements Record.
func (c *Custody) CaseNumber() string { return c.Case }

// Validate implements Record.
func (c *Custody) Validate() error {
	switch {
	case !ValidCaseNumber(c.Case):
		return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", c.Case)
	case c.Member < 1 || c.Member > 99:
		return Errorf(EINVALID, "member", "member id %d must be 1 to 99", c.Member)
	case c.Document == "" || strings.ContainsAny(c.Document, "/ "):
		return Errorf(EINVALID, "document", "document id %q must be non-empty without spaces or slashes", c.Document)
	case strings.ContainsAny(c.ID, "/ "):
		return Errorf(EINVALID, "id", "custody event id %q must be without spaces or slashes", c.ID)
	case len(c.Events) == 0:
		return Errorf(EINVALID, "events", "a custody trail needs at least one event")
	}
	for i := range c.Events {
		if err := c.Events[i].Validate(i); err != nil {
			return err
		}
	}
	return nil
}

// Holder describes who holds the document after the last event.
func (c *Custody) Holder() string {
	if len(c.Events) == 0 {
		return ""
	}
	e := c.Events[len(c.Events)-1]
	switch e.Action {
	case CustodyReceived:
		return "office (received from " + e.From + ")"
	case CustodyStored:
		return "office: " + e.Location
	}
	return e.To
}

// InCustody reports whether the trail shows the document held for the
// journey: received, and not returned to its issuer since.
func (c *Custody) InCustody() bool {
	return c != nil && len(c.Events) > 0 && c.Events[len(c.Events)-1].Action != CustodyReturned
}

// Log appends event e to the trail of document d. A hand-over is refused
// until the document holder's verification (v) is complete: no document
// leaves the office to an unverified person.
func (c *Custody) Log(e CustodyEvent, v *Verification) error {
	e.At = e.At.UTC().Truncate(time.Second)
	if err := e.Validate(len(c.Events)); err != nil {
		return err
	}
	if e.Action == CustodyHandedOver && !v.Verified() {
		return Errorf(ECONFLICT, "action", "document %s of traveller %d cannot be handed over: the traveller's identity and document verification is not recorded", c.Document, c.Member)
	}
	if n := len(c.Events); n > 0 && e.At.Before(c.Events[n-1].At) {
		return Errorf(EINVALID, "at", "event at %s is before the last one (%s)", e.At.Format(time.RFC3339), c.Events[n-1].At.Format(time.RFC3339))
	}
	c.Events = append(c.Events, e)
	return nil
}

// CustodyOf returns the custody trail of document id of member m: the
// events of all its records in time order (a new copy), or nil.
func (f *CaseFile) CustodyOf(m int, id string) *Custody {
	var c *Custody
	for _, r := range f.Custody {
		if r.Member != m || r.Document != id {
			continue
		}
		if c == nil {
			c = &Custody{Case: r.Case, Member: m, Document: id}
		}
		c.Events = append(c.Events, r.Events...)
	}
	if c != nil {
		slices.SortStableFunc(c.Events, func(a, b CustodyEvent) int { return a.At.Compare(b.At) })
	}
	return c
}

// CustodyTrails returns the custody trail of every document that has one,
// by traveller and document.
func (f *CaseFile) CustodyTrails() []Custody {
	var out []Custody
	seen := map[string]bool{}
	for _, r := range f.Custody {
		k := CustodyKey(r.Case, r.Member, r.Document)
		if !seen[k] {
			seen[k] = true
			out = append(out, *f.CustodyOf(r.Member, r.Document))
		}
	}
	slices.SortFunc(out, func(a, b Custody) int {
		if a.Member != b.Member {
			return a.Member - b.Member
		}
		return strings.Compare(a.Document, b.Document)
	})
	return out
}

// LogCustody checks event e against the trail of document id of member m
// and returns the record to write: the event alone, with an id made at desk
// (see NewID), so that events two desks record offline both survive a sync.
// The record's Holder is the document's holder after e. f is not changed.
func (f *CaseFile) LogCustody(m int, id string, e CustodyEvent, desk string) (*Custody, error) {
	found := false
	for _, d := range f.DocumentsOf(m) {
		found = found || d.ID == id
	}
	if !found {
		return nil, Errorf(ENOTFOUND, "document", "case %s has no document %s of traveller %d", f.Case.Number, id, m)
	}
	trail := Custody{Case: f.Case.Number, Member: m, Document: id}
	if cur := f.CustodyOf(m, id); cur != nil {
		trail = *cur
	}
	if err := trail.Log(e, f.Verification(m)); err != nil {
		return nil, err
	}
	rec := &Custody{Case: f.Case.Number, Member: m, Document: id, Events: trail.Events[len(trail.Events)-1:]}
	rec.ID = NewID("e", len(trail.Events), desk, func(eid string) bool {
		return slices.ContainsFunc(f.Custody, func(r Custody) bool { return r.Member == m && r.Document == id && r.ID == eid })
	})
	return rec, nil
}
