package booking

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The write invariants: what must hold for any record of a case whoever
// writes it (the app, the CLI, an import, a desk merging the hub's changes,
// the hub merging a desk's). The store checks every write with CheckWrite,
// so each rule lives here once and fails with the same error on every path.

// WriteRules are the settings of the write invariants.
type WriteRules struct {
	// Today returns the desk's date (nil: the system clock's UTC date).
	Today func() Date
	// DepartureToleranceDays lets a departure be recorded this many days
	// before the first flight's date (a notice typed the evening before).
	DepartureToleranceDays int
}

func (r WriteRules) today() Date {
	if r.Today != nil {
		return r.Today()
	}
	return DateOf(time.Now().UTC())
}

// Write is one record write to judge.
type Write struct {
	// Key is where the record is written.
	Key string
	// Old is the record as stored before this write, nil when it is new.
	Old Record
	// New is the record to store; nil deletes.
	New Record
	// File returns the case file as it stands in the writing transaction,
	// before this write (an ENOTFOUND error when the case does not exist);
	// it needs to hold only the case, its bookings and its ABN versions.
	File func() (*CaseFile, error)
	// Has reports whether a record is stored under key (in the writing
	// transaction, before this write).
	Has func(key string) bool
	// Snapshot loads a record as it was elsewhere (a restore of an export,
	// the demo generator): values are checked, status moves are not.
	Snapshot bool
	// FourEyes returns an office's four-eyes policy (nil: none). Unset, the
	// four-eyes rule is not judged (a desk merging the hub's answer).
	FourEyes func(office string) (*FourEyes, error)
}

// WriteRule is one named invariant.
type WriteRule struct {
	Name  string
	Check func(w Write, r WriteRules) error
}

// WriteRuleSet lists the invariants in the order CheckWrite applies them.
var WriteRuleSet = []WriteRule{
	{"no-delete", ruleNoDelete},
	{"record-key", ruleRecordKey},
	{"valid-fields", func(w Write, _ WriteRules) error { return w.New.Validate() }},
	{"printable-text", func(w Write, _ WriteRules) error { return CheckRecordText(w.New) }},
	{"belongs-to-case", ruleBelongsToCase},
	{"case-identity", ruleCaseIdentity},
	{"status-move", ruleStatusMove},
	{"four-eyes", ruleFourEyes},
	{"log-append-only", ruleAppendOnly},
}

// CheckWrite judges one write of a case's record against every invariant
// and returns the first broken one as a domain error naming the field.
func CheckWrite(w Write, r WriteRules) error {
	for _, rule := range WriteRuleSet {
		if w.New == nil && rule.Name != "no-delete" {
			break
		}
		if err := rule.Check(w, r); err != nil {
			return err
		}
	}
	return nil
}

// ruleNoDelete: a case's records are never deleted (a case is cancelled,
// a booking replaced, a permit denied); the history stays whole.
func ruleNoDelete(w Write, _ WriteRules) error {
	if w.New != nil {
		return nil
	}
	no, kind := SplitKey(w.Key)
	if kind == KindCase {
		return Errorf(ECONFLICT, "case", "case %s cannot be deleted; cancel it with a reason instead", no)
	}
	return Errorf(ECONFLICT, kind, "%s of case %s cannot be deleted", kind, no)
}

// ruleRecordKey: a record is stored under its own key, so an edit can never
// renumber a case or move a record to another case or traveller.
func ruleRecordKey(w Write, _ WriteRules) error {
	if k := w.New.Key(); k != w.Key {
		field := "key"
		if w.New.Kind() == KindCase {
			field = "number"
		}
		return Errorf(EINVALID, field, "record %s cannot become %s: numbers and keys never change", w.Key, k)
	}
	return nil
}

// memberScoped are records that belong to one traveller of a case.
func memberOf(rec Record) int {
	switch r := rec.(type) {
	case *Document:
		return r.Member
	case *ExitPermit:
		return r.Member
	case *Verification:
		return r.Member
	case *Custody:
		return r.Member
	case *Contact:
		return r.Traveller
	}
	return 0
}

// CheckBelongs applies the belongs-to-case rule alone (a snapshot judges it
// once all its records are written).
func CheckBelongs(w Write) error { return ruleBelongsToCase(w, WriteRules{}) }

// ruleBelongsToCase: every record of a case needs its case, and a
// traveller's record needs the traveller.
func ruleBelongsToCase(w Write, _ WriteRules) error {
	if w.New.Kind() == KindCase || w.Has == nil {
		return nil
	}
	no := w.New.CaseNumber()
	if !w.Has(no) {
		return Errorf(ENOTFOUND, "case", "case %s does not exist; its %s cannot be recorded", no, w.New.Kind())
	}
	if m := memberOf(w.New); m > 0 && !w.Has(TravellerKey(no, m)) {
		return Errorf(ENOTFOUND, "member", "case %s has no traveller %d", no, m)
	}
	return nil
}

// ruleCaseIdentity: a case number carries its office's code, and a case
// never changes office.
func ruleCaseIdentity(w Write, _ WriteRules) error {
	c, ok := w.New.(*Case)
	if !ok {
		return nil
	}
	if prefix, _, _ := strings.Cut(c.Number, "-"); prefix != c.Office {
		return Errorf(EINVALID, "number", "case number %s does not carry its office's code %s", c.Number, c.Office)
	}
	if old, ok := w.Old.(*Case); ok && old.Office != c.Office {
		return Errorf(ECONFLICT, "office", "case %s belongs to office %s and cannot move to %s", c.Number, old.Office, c.Office)
	}
	return nil
}

// IntakeStatuses are the statuses a case may be created in.
var IntakeStatuses = []Status{StatusReceived, StatusDataEntry, StatusTravelReady}

// reopen are the backward moves of a rebooking; a chain of them may be
// written at once (a new booking steps ready-to-depart back to booked).
var reopen = map[Status]Status{StatusBooked: StatusTravelReady, StatusABNSent: StatusBooked, StatusReadyToDepart: StatusABNSent}

// ruleStatusMove: status changes only through the state machine, with the
// evidence each step needs: an active booking for booked, a sent ABN for
// abn-sent, a departure notice and
// a first flight no later than today (within the tolerance) for departed.
// The ready-to-depart gate needs the desk's templates and tariffs; the
// use-case layer judges it before it writes.
func ruleStatusMove(w Write, r WriteRules) error {
	c, ok := w.New.(*Case)
	if !ok || w.Snapshot {
		return nil
	}
	old, _ := w.Old.(*Case)
	if old == nil {
		if !slices.Contains(IntakeStatuses, c.Status) || c.HeldFrom != "" {
			return Errorf(ECONFLICT, "status", "a new case starts as %s, not %s", joinStatuses(IntakeStatuses), c.Status)
		}
		return nil
	}
	if old.Status == c.Status {
		if c.Status == StatusOnHold && c.HeldFrom != old.HeldFrom {
			return Errorf(ECONFLICT, "held_from", "case %s: held_from changes only with a move to on-hold", c.Number)
		}
		return nil
	}
	if !reachable(old, c.Status) {
		allowed := Allowed(old.Status, old.HeldFrom)
		if len(allowed) == 0 {
			return Errorf(ECONFLICT, "status", "case %s is %s; no further status change is possible", c.Number, old.Status)
		}
		return Errorf(ECONFLICT, "status", "cannot move case %s from %s to %s (allowed: %s)", c.Number, old.Status, c.Status, joinStatuses(allowed))
	}
	switch c.Status {
	case StatusOnHold, StatusCancelled:
		if strings.TrimSpace(c.StatusReason) == "" {
			return Errorf(EINVALID, "reason", "moving case %s to %s needs a reason", c.Number, c.Status)
		}
	}
	if c.Status == StatusOnHold && c.HeldFrom != old.Status {
		return Errorf(EINVALID, "held_from", "case %s put on hold from %s must record held_from %s", c.Number, old.Status, old.Status)
	}
	if w.File == nil {
		return nil
	}
	switch {
	case c.Status == StatusBooked && old.Status == StatusTravelReady:
		f, err := w.File()
		if err != nil {
			return err
		}
		if f.ActiveBooking() == nil {
			return Errorf(ECONFLICT, "status", "case %s cannot be booked without an active booking: book its itinerary", c.Number)
		}
	case c.Status == StatusABNSent && old.Status == StatusBooked:
		f, err := w.File()
		if err != nil {
			return err
		}
		a := latestABNOf(f, ABNNumberFor(c))
		if a == nil || (a.Type != ABNIssue && a.Type != ABNUpdate) || !a.Sent {
			return Errorf(ECONFLICT, "status", "case %s cannot be abn-sent: no ABN issue or update of it is marked sent", c.Number)
		}
	case c.Status == StatusDeparted:
		f, err := w.File()
		if err != nil {
			return err
		}
		a := latestABNOf(f, ABNNumberFor(c))
		if a == nil || a.Type != ABNDeparture {
			return Errorf(ECONFLICT, "status", "case %s cannot be departed without a departure notice", c.Number)
		}
		g := *f
		g.Case = *c
		if err := g.DepartureDue(r.today(), r.DepartureToleranceDays); err != nil {
			return err
		}
	}
	return nil
}

// FirstFlight is the date of the case's first flight: the active booking's
// first segment, else the departure date on the case.
func (f *CaseFile) FirstFlight() Date {
	if b := f.ActiveBooking(); b != nil && len(b.Segments) > 0 {
		return b.Segments[0].Depart.Date()
	}
	return f.Case.Departure
}

// DepartureDue is the rule on when a departure may be recorded: not before
// the first flight's date less tolerance days (a notice typed the evening
// before). The app asks it before it offers the departure notice.
func (f *CaseFile) DepartureDue(today Date, tolerance int) error {
	dep := f.FirstFlight()
	if dep.IsZero() {
		return nil
	}
	if from := dep.AddDays(-tolerance); today.Before(from) {
		return Errorf(ECONFLICT, "departure", "first flight departs %s: departed from %s, not %s (case %s)",
			dep, from, today, f.Case.Number)
	}
	return nil
}

// reachable reports whether a case in old's status may be written as to:
// one move of the state machine, or a chain of reopening moves.
func reachable(old *Case, to Status) bool {
	if slices.Contains(Allowed(old.Status, old.HeldFrom), to) {
		return true
	}
	for s, ok := reopen[old.Status]; ok; s, ok = reopen[s] {
		if s == to {
			return true
		}
	}
	return false
}

func latestABNOf(f *CaseFile, number string) *ABN {
	var last *ABN
	for i := range f.ABNs {
		a := &f.ABNs[i]
		if a.Number == number && (last == nil || CompareABN(last, a) < 0) {
			last = a
		}
	}
	return last
}

// Text limits: one line of a name, code or place; a block of free text.
const (
	MaxLineRunes  = 500
	MaxBlockRunes = 4000
)

// blockFields may hold several lines.
var blockFields = map[string]bool{"notes": true, "note": true, "reason": true, "reason_text": true, "status_reason": true, "text": true}

// CheckText judges one stored string: valid UTF-8, no control characters
// (a block keeps newlines and tabs), no bidi overrides, within the limit.
func CheckText(field, s string, block bool) error {
	if err := checkText(field, s, block); err != nil {
		return err
	}
	return nil
}

func checkText(field, s string, block bool) *Error {
	limit := MaxLineRunes
	if block {
		limit = MaxBlockRunes
	}
	if len(s) <= limit {
		// Most text is short printable ASCII: one pass over the bytes.
		i := 0
		for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
			i++
		}
		if i == len(s) {
			return nil
		}
	}
	if len(s) > limit*utf8.UTFMax || utf8.RuneCountInString(s) > limit {
		return Errorf(EINVALID, field, "text of %d characters is over the limit of %d", utf8.RuneCountInString(s), limit)
	}
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return Errorf(EINVALID, field, "invalid UTF-8 at byte %d", i)
		case block && (r == '\n' || r == '\t'):
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			return Errorf(EINVALID, field, "control character U+%04X at byte %d is not allowed", r, i)
		case isBidiControl(r):
			return Errorf(EINVALID, field, "bidirectional control U+%04X at byte %d is not allowed", r, i)
		}
	}
	return nil
}

func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// CheckRecordText applies CheckText to every string of a record, naming the
// field by its JSON path ("segments[1].carrier").
func CheckRecordText(rec Record) error {
	if err := walkText(reflect.ValueOf(rec), false); err != nil {
		return err
	}
	return nil
}

// under names the field of e within a parent: "name" then ".child" or
// "[i]"; paths are built only for an error, while it returns.
func under(e *Error, part string) *Error {
	switch {
	case e.Field == "":
		e.Field = part
	case e.Field[0] == '[':
		e.Field = part + e.Field
	default:
		e.Field = part + "." + e.Field
	}
	return e
}

// textField is one exported field of a struct as walkText sees it.
type textField struct {
	index int
	name  string
	block bool
}

var textPlans sync.Map // reflect.Type -> []textField

func textPlan(t reflect.Type) []textField {
	if p, ok := textPlans.Load(t); ok {
		return p.([]textField)
	}
	var plan []textField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		if !hasText(sf.Type, 0) {
			continue
		}
		plan = append(plan, textField{index: i, name: name, block: blockFields[name]})
	}
	textPlans.Store(t, plan)
	return plan
}

// hasText reports whether values of t can hold a string.
func hasText(t reflect.Type, depth int) bool {
	if depth > 8 {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return hasText(t.Elem(), depth+1)
	case reflect.Map:
		return hasText(t.Key(), depth+1) || hasText(t.Elem(), depth+1)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() && hasText(t.Field(i).Type, depth+1) {
				return true
			}
		}
	}
	return false
}

func walkText(v reflect.Value, block bool) *Error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return walkText(v.Elem(), block)
	case reflect.String:
		return checkText("", v.String(), block)
	case reflect.Struct:
		for _, f := range textPlan(v.Type()) {
			if err := walkText(v.Field(f.index), f.block); err != nil {
				return under(err, f.name)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if err := walkText(v.Index(i), block); err != nil {
				return under(err, fmt.Sprintf("[%d]", i))
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			var err *Error
			if k.Kind() == reflect.String {
				err = checkText("", k.String(), false)
			}
			if err == nil {
				err = walkText(iter.Value(), block)
			}
			if err != nil {
				return under(err, fmt.Sprintf("[%v]", k.Interface()))
			}
		}
	}
	return nil
}
