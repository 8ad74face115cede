package booking

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Record kinds of a case's contacts and its communication log.
const (
	KindContact = "contact"
	KindComm    = "comm"
)

// ContactKey is the key of contact id of case c.
func ContactKey(c, id string) string { return c + "/" + KindContact + "/" + id }

// CommKey is the key of communication-log entry id of case c.
func CommKey(c, id string) string { return c + "/" + KindComm + "/" + id }

// ContactRelations are who a contact may be when it is not a traveller.
var ContactRelations = []string{"sponsor", "relative", "caseworker", "other"}

// Contact is a way to reach a traveller of a case, or someone about it (a
// sponsor, a relative): a phone, an e-mail address, a postal address. A
// contact is never deleted: one found wrong is removed as a correction
// (Removed with a reason) and stays in the history.
type Contact struct {
	Case string `json:"case"`
	ID   string `json:"id"`
	// Traveller is the member reached; 0 for someone else, named by Name
	// with their Relation to the case.
	Traveller     int       `json:"traveller,omitempty"`
	Name          string    `json:"name,omitempty"`
	Relation      string    `json:"relation,omitempty"`
	Phone         string    `json:"phone,omitempty"`
	Email         string    `json:"email,omitempty"`
	Address       string    `json:"address,omitempty"`
	Removed       bool      `json:"removed,omitempty"`
	RemovedReason string    `json:"removed_reason,omitempty"`
	By            string    `json:"by,omitempty"`
	At            time.Time `json:"at,omitzero"`
}

// Kind implements Record.
func (c *Contact) Kind() string { return KindContact }

// Key implements Record.
func (c *Contact) Key() string { return ContactKey(c.Case, c.ID) }

// CaseNumber implements Record.
func (c *Contact) CaseNumber() string { return c.Case }

// ContactRule is one named check of a contact.
type ContactRule struct {
	Name  string
	Check func(c *Contact) error
}

// ContactRules are the checks Contact.Validate applies, in order.
var ContactRules = []ContactRule{
	{"contact-record", func(c *Contact) error {
		switch {
		case !ValidCaseNumber(c.Case):
			return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", c.Case)
		case !validID(c.ID):
			return Errorf(EINVALID, "id", "contact id %q must be non-empty without spaces or slashes", c.ID)
		}
		return nil
	}},
	{"contact-whom", func(c *Contact) error {
		switch {
		case c.Traveller < 0 || c.Traveller > 99:
			return Errorf(EINVALID, "traveller", "traveller %d must be 1 to 99, or 0 for someone else", c.Traveller)
		case c.Traveller == 0 && strings.TrimSpace(c.Name) == "":
			return Errorf(EINVALID, "name", "with whom: a traveller, or the name of a sponsor or relative")
		case c.Traveller == 0 && !slices.Contains(ContactRelations, c.Relation):
			return Errorf(EINVALID, "relation", "relation %q must be one of %s", c.Relation, strings.Join(ContactRelations, ", "))
		case c.Traveller > 0 && c.Relation != "":
			return Errorf(EINVALID, "relation", "a traveller's own contact has no relation")
		case utf8.RuneCountInString(c.Name) > 120:
			return Errorf(EINVALID, "name", "name is limited to 120 characters")
		}
		return nil
	}},
	{"contact-reachable", func(c *Contact) error {
		if strings.TrimSpace(c.Phone+c.Email+c.Address) == "" {
			return Errorf(EINVALID, "phone", "a contact needs a phone, an e-mail or an address")
		}
		if utf8.RuneCountInString(c.Address) > 400 {
			return Errorf(EINVALID, "address", "address is limited to 400 characters")
		}
		return nil
	}},
	{"phone-shape", func(c *Contact) error { return CheckPhone("phone", c.Phone) }},
	{"email-shape", func(c *Contact) error { return CheckEmail("email", c.Email) }},
	{"removal-reason", func(c *Contact) error {
		if c.Removed && strings.TrimSpace(c.RemovedReason) == "" {
			return Errorf(EINVALID, "removed_reason", "removing a contact needs a reason (it stays in the history)")
		}
		if !c.Removed && c.RemovedReason != "" {
			return Errorf(EINVALID, "removed_reason", "a reason for removal on a contact in use")
		}
		return nil
	}},
}

// Validate implements Record: every rule of ContactRules.
func (c *Contact) Validate() error {
	for _, r := range ContactRules {
		if err := r.Check(c); err != nil {
			return err
		}
	}
	return nil
}

func validID(id string) bool { return id != "" && len(id) <= 40 && !strings.ContainsAny(id, "/ ") }

// CheckPhone judges a phone number: an optional leading +, then digits,
// with spaces, dashes, dots or parentheses between them; 6 to 15 digits
// (the international maximum). Empty is no phone.
func CheckPhone(field, s string) error {
	if s == "" {
		return nil
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return Errorf(EINVALID, field, "phone %q: only digits, a leading + and spaces, dashes or parentheses (not %q)", s, r)
		}
	}
	if digits < 6 || digits > 15 {
		return Errorf(EINVALID, field, "phone %q has %d digits; a number has 6 to 15", s, digits)
	}
	return nil
}

// CheckEmail judges the shape of an e-mail address: one @, something
// before it, a domain with a dot after it, no spaces. Empty is no e-mail.
func CheckEmail(field, s string) error {
	if s == "" {
		return nil
	}
	local, domain, ok := strings.Cut(s, "@")
	switch {
	case !ok || strings.Contains(domain, "@"):
		return Errorf(EINVALID, field, "e-mail %q needs exactly one @", s)
	case strings.ContainsAny(s, " \t,;<>"):
		return Errorf(EINVALID, field, "e-mail %q has a space or separator in it", s)
	case local == "" || len(s) > 254:
		return Errorf(EINVALID, field, "e-mail %q needs a name before the @", s)
	case !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, ".."):
		return Errorf(EINVALID, field, "e-mail %q needs a domain such as example.org after the @", s)
	}
	return nil
}

// Communication channels and directions of a log entry.
var (
	CommChannels   = []string{"phone", "e-mail", "visit", "letter", "sms"}
	CommDirections = []string{"in", "out"}
)

// CommEntry is one entry of a case's communication log: who was reached
// or reached the desk, how, when and what about ("documents requested by
// phone"). The log is append-only: an entry is never changed; a wrong one
// is corrected by a later entry naming it (Corrects), which either
// replaces what it says or, with Void, withdraws it.
type CommEntry struct {
	Case      string    `json:"case"`
	ID        string    `json:"id"`
	When      LocalTime `json:"when"`
	Channel   string    `json:"channel"`
	Direction string    `json:"direction"`
	Who       string    `json:"who"`
	Text      string    `json:"text"`
	Corrects  string    `json:"corrects,omitempty"`
	Void      bool      `json:"void,omitempty"`
	By        string    `json:"by"`
	Logged    time.Time `json:"logged"`
}

// Kind implements Record.
func (e *CommEntry) Kind() string { return KindComm }

// Key implements Record.
func (e *CommEntry) Key() string { return CommKey(e.Case, e.ID) }

// CaseNumber implements Record.
func (e *CommEntry) CaseNumber() string { return e.Case }

// CommRule is one named check of a communication-log entry.
type CommRule struct {
	Name  string
	Check func(e *CommEntry) error
}

// CommRules are the checks CommEntry.Validate applies, in order.
var CommRules = []CommRule{
	{"comm-record", func(e *CommEntry) error {
		switch {
		case !ValidCaseNumber(e.Case):
			return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", e.Case)
		case !validID(e.ID):
			return Errorf(EINVALID, "id", "entry id %q must be non-empty without spaces or slashes", e.ID)
		case e.By == "" || e.Logged.IsZero():
			return Errorf(EINVALID, "by", "who logged the entry, and when, are required")
		}
		return nil
	}},
	{"comm-when", func(e *CommEntry) error {
		switch {
		case e.When.IsZero():
			return Errorf(EINVALID, "when", "when it happened is required (YYYY-MM-DD HH:MM)")
		case e.When.Date().After(DateOf(e.Logged).AddDays(1)):
			return Errorf(EINVALID, "when", "%s is after the day it was logged (%s): the log records what happened", e.When, DateOf(e.Logged))
		}
		return nil
	}},
	{"comm-channel", func(e *CommEntry) error {
		if !slices.Contains(CommChannels, e.Channel) {
			return Errorf(EINVALID, "channel", "channel %q must be one of %s", e.Channel, strings.Join(CommChannels, ", "))
		}
		return nil
	}},
	{"comm-direction", func(e *CommEntry) error {
		if !slices.Contains(CommDirections, e.Direction) {
			return Errorf(EINVALID, "direction", "direction %q must be in (they reached us) or out (we reached them)", e.Direction)
		}
		return nil
	}},
	{"comm-who", func(e *CommEntry) error {
		if strings.TrimSpace(e.Who) == "" {
			return Errorf(EINVALID, "who", "with whom is required")
		}
		return nil
	}},
	{"comm-text", func(e *CommEntry) error {
		switch {
		case strings.TrimSpace(e.Text) == "":
			return Errorf(EINVALID, "text", "what was said or done is required")
		case e.Void && e.Corrects == "":
			return Errorf(EINVALID, "void", "only a correction withdraws an entry")
		}
		return nil
	}},
}

// Validate implements Record: every rule of CommRules.
func (e *CommEntry) Validate() error {
	for _, r := range CommRules {
		if err := r.Check(e); err != nil {
			return err
		}
	}
	return nil
}

// ruleAppendOnly: a communication-log entry, once written, never changes
// (a correction is a new entry), here or arriving by sync.
func ruleAppendOnly(w Write, _ WriteRules) error {
	if w.Old == nil || w.New.Kind() != KindComm || reflect.DeepEqual(w.Old, w.New) {
		return nil
	}
	no, _ := SplitKey(w.Key)
	return Errorf(ECONFLICT, "comm", "communication-log entry %s of case %s cannot be changed; log a correction of it", w.New.(*CommEntry).ID, no)
}

// NewContact checks c as a new contact of the case and gives it an id
// made at desk.
func (f *CaseFile) NewContact(c Contact, by, desk string, at time.Time) (*Contact, error) {
	taken := map[string]bool{}
	for _, x := range f.Contacts {
		taken[x.ID] = true
	}
	c.Case, c.By, c.At, c.Removed, c.RemovedReason = f.Case.Number, by, at.UTC(), false, ""
	c.ID = NewID("c", len(taken)+1, desk, func(id string) bool { return taken[id] })
	return &c, f.checkContact(&c)
}

// ChangeContact is contact id with the fields of c (a correction of its
// phone, e-mail, address or whom).
func (f *CaseFile) ChangeContact(id string, c Contact, by string, at time.Time) (*Contact, error) {
	old := f.Contact(id)
	if old == nil {
		return nil, Errorf(ENOTFOUND, "contact", "case %s has no contact %s", f.Case.Number, id)
	}
	if old.Removed {
		return nil, Errorf(ECONFLICT, "contact", "contact %s of %s was removed (%s); add a new one", id, f.Case.Number, old.RemovedReason)
	}
	c.Case, c.ID, c.By, c.At, c.Removed, c.RemovedReason = f.Case.Number, id, by, at.UTC(), false, ""
	return &c, f.checkContact(&c)
}

// RemoveContact removes contact id as a correction, with the reason; it
// stays in the history.
func (f *CaseFile) RemoveContact(id, reason, by string, at time.Time) (*Contact, error) {
	old := f.Contact(id)
	if old == nil {
		return nil, Errorf(ENOTFOUND, "contact", "case %s has no contact %s", f.Case.Number, id)
	}
	if old.Removed {
		return nil, Errorf(ECONFLICT, "contact", "contact %s of %s is already removed", id, f.Case.Number)
	}
	c := *old
	c.Removed, c.RemovedReason, c.By, c.At = true, strings.TrimSpace(reason), by, at.UTC()
	return &c, c.Validate()
}

// checkContact: the rules, and the traveller reached is one of the case.
func (f *CaseFile) checkContact(c *Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Traveller > 0 && f.Traveller(c.Traveller) == nil {
		return Errorf(ENOTFOUND, "traveller", "case %s has no traveller %d", f.Case.Number, c.Traveller)
	}
	return nil
}

// Contact returns contact id, or nil.
func (f *CaseFile) Contact(id string) *Contact {
	for i := range f.Contacts {
		if f.Contacts[i].ID == id {
			return &f.Contacts[i]
		}
	}
	return nil
}

// ContactWhom names whom a contact reaches: "traveller 2 HADDAD, Omar" or
// "Leila Haddad (relative)".
func (f *CaseFile) ContactWhom(c *Contact) string {
	if c.Traveller > 0 {
		if t := f.Traveller(c.Traveller); t != nil {
			return fmt.Sprintf("traveller %d %s", c.Traveller, t.FullName())
		}
		return fmt.Sprintf("traveller %d", c.Traveller)
	}
	return c.Name + " (" + c.Relation + ")"
}

// LogComm checks e as a new entry of the communication log (a correction
// when e.Corrects names an entry) and gives it an id made at desk.
func (f *CaseFile) LogComm(e CommEntry, by, desk string, at time.Time) (*CommEntry, error) {
	taken := map[string]bool{}
	for _, x := range f.Comms {
		taken[x.ID] = true
	}
	e.Case, e.By, e.Logged = f.Case.Number, by, at.UTC()
	e.ID = NewID("m", len(taken)+1, desk, func(id string) bool { return taken[id] })
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if e.Corrects != "" {
		old := f.CommEntry(e.Corrects)
		if old == nil {
			return nil, Errorf(ENOTFOUND, "corrects", "case %s has no log entry %s to correct", f.Case.Number, e.Corrects)
		}
		if by := f.CorrectedBy(old.ID); by != nil {
			return nil, Errorf(ECONFLICT, "corrects", "log entry %s was corrected by %s already; correct that one", old.ID, by.ID)
		}
	}
	return &e, nil
}

// CommEntry returns log entry id, or nil.
func (f *CaseFile) CommEntry(id string) *CommEntry {
	for i := range f.Comms {
		if f.Comms[i].ID == id {
			return &f.Comms[i]
		}
	}
	return nil
}

// CorrectedBy returns the entry that corrects entry id, or nil (the
// earliest logged, should two desks have corrected it offline).
func (f *CaseFile) CorrectedBy(id string) *CommEntry {
	var out *CommEntry
	for i := range f.Comms {
		if e := &f.Comms[i]; e.Corrects == id && (out == nil || e.Logged.Before(out.Logged)) {
			out = e
		}
	}
	return out
}

// CommLog returns the log in the order things happened (then logged).
func (f *CaseFile) CommLog() []CommEntry {
	out := slices.Clone(f.Comms)
	slices.SortStableFunc(out, func(a, b CommEntry) int {
		return cmp.Or(a.When.Wall().Compare(b.When.Wall()), a.Logged.Compare(b.Logged), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// ActiveContacts returns the contacts not removed, in id order.
func (f *CaseFile) ActiveContacts() []Contact {
	var out []Contact
	for _, c := range f.Contacts {
		if !c.Removed {
			out = append(out, c)
		}
	}
	return out
}
