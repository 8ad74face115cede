package desk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/store"
)

// FieldEdit is one field of one record as a write left it: its value
// before (nil: the field was absent) and the value written.
type FieldEdit struct {
	Key, Field string
	Old, New   json.RawMessage
}

// Change is what one write by one user did to one case, kept so that the
// user can undo it: the fields it changed with their values before and
// after. A checklist tick is kept as the item ticked, since a checklist is
// one record of many items and undoing the record would undo other ticks.
type Change struct {
	Actor, Case string
	Edits       []FieldEdit
	// List and Item name a checklist item the write ticked (Done true) or
	// unticked; Label is what the checklist calls it.
	List, Item, Label string
	Done              bool
	// Created lists records the write created: undoing would delete them,
	// and records of a case are never deleted, so such a change is kept.
	Created []string
}

// Empty reports whether the write changed nothing.
func (c *Change) Empty() bool { return len(c.Edits) == 0 && c.Item == "" }

// Track runs write, a write of case no by actor through this Service, and
// returns what it changed: the fields of the ops it logged, with their
// values read before it. Ops another desk's sync applies meanwhile are not
// the write's: only this desk's ops by actor count.
func (d *Service) Track(actor, no string, write func() error) (*Change, error) {
	before, err := d.objects(no)
	if err != nil {
		return nil, err
	}
	pos := d.s.LogLen()
	if err := write(); err != nil {
		return nil, err
	}
	ents, err := d.s.Log(pos, 0)
	if err != nil {
		return nil, err
	}
	c := &Change{Actor: actor, Case: no}
	at := map[string]int{} // key+field -> index in Edits
	for _, e := range ents {
		op := e.Op
		if op.Desk != d.s.Desk() || op.Actor != actor || op.Case != no {
			continue
		}
		for _, f := range op.FieldNames() {
			if f == store.DeletedField {
				continue
			}
			id := op.Key + "\x00" + f
			if i, ok := at[id]; ok {
				c.Edits[i].New = op.Fields[f]
				continue
			}
			at[id] = len(c.Edits)
			var old json.RawMessage
			if o, ok := before[op.Key]; ok {
				old = o[f]
			} else if !slices.Contains(c.Created, op.Key) {
				c.Created = append(c.Created, op.Key)
			}
			c.Edits = append(c.Edits, FieldEdit{Key: op.Key, Field: f, Old: old, New: op.Fields[f]})
		}
	}
	// A field written back to what it was is no change.
	c.Edits = slices.DeleteFunc(c.Edits, func(e FieldEdit) bool { return sameJSON(e.Old, e.New) })
	return c, nil
}

// TrackToggle is ToggleItem, tracked: the item and how it now stands.
func (d *Service) TrackToggle(actor, no, list, key string) (*Change, booking.ChecklistItem, booking.Record, error) {
	it, rec, err := d.ToggleItem(actor, no, list, key)
	if err != nil {
		return nil, it, rec, err
	}
	return &Change{Actor: actor, Case: no, List: list, Item: key, Label: it.Label, Done: it.Done}, it, rec, nil
}

// objects reads case no's records as fields, by key.
func (d *Service) objects(no string) (map[string]change.Object, error) {
	out := map[string]change.Object{}
	err := d.s.View(func(tx *store.Tx) error {
		raw, ok, err := tx.GetRaw(no)
		if err != nil || !ok {
			return err
		}
		if out[no], err = change.ToObject(raw); err != nil {
			return err
		}
		return tx.Scan(no+"/", func(k string, data []byte) error {
			o, err := change.ToObject(data)
			out[k] = o
			return err
		})
	})
	return out, err
}

// Undo writes back what change c did, as a new change by actor in one
// transaction, with the same role checks and write rules as any write. A
// field that changed since (another desk's sync, another command) is not
// overwritten: the undo is refused naming its value now. It returns what
// was undone, for the user to read.
func (d *Service) Undo(actor string, c *Change) (string, error) {
	if c == nil || c.Empty() {
		return "", booking.Errorf(booking.EINVALID, "", "nothing to undo")
	}
	if c.Item != "" {
		return d.undoTick(actor, c)
	}
	if len(c.Created) > 0 {
		return "", booking.Errorf(booking.EINVALID, "", "cannot undo: it added %s, and records of a case are never deleted",
			RecordLabel(c.Case, c.Created[0]))
	}
	if err := d.undoEdits(actor, []*Change{c}); err != nil {
		return "", err
	}
	return c.Describe(), nil
}

// undoTick ticks or unticks the item back, if it still stands as c left it.
func (d *Service) undoTick(actor string, c *Change) (string, error) {
	f, err := d.s.CaseFile(c.Case)
	if err != nil {
		return "", err
	}
	tpl, err := d.templates()
	if err != nil {
		return "", err
	}
	cl, err := f.Checklist(c.List, tpl.For(f.Case.Programme), f.DepartureDate())
	if err != nil {
		return "", err
	}
	for _, it := range cl.Items {
		if it.Key != c.Item {
			continue
		}
		if it.Done != c.Done {
			by := ""
			if it.By != "" {
				by = " by " + booking.Printable(it.By)
			}
			return "", booking.Errorf(booking.ECONFLICT, "", "not undone: %s %q is now %s%s (changed since)",
				c.List, booking.Printable(c.Label), tickWord(it.Done), by)
		}
		if _, _, err := d.ToggleItem(actor, c.Case, c.List, c.Item); err != nil {
			return "", err
		}
		return c.Describe(), nil
	}
	return "", booking.Errorf(booking.ENOTFOUND, "", "cannot undo: the %s checklist of %s no longer has %q", c.List, c.Case, booking.Printable(c.Label))
}

func tickWord(done bool) string {
	if done {
		return "ticked"
	}
	return "unticked"
}

// Describe says what c changed, one part per field, escaped for the
// terminal: "OFF-2026-010023 traveller 2 birth date 1990-05-01 ⇒ 1990-05-10".
func (c *Change) Describe() string {
	if c.Item != "" {
		return fmt.Sprintf("%s %s %q %s", c.Case, c.List, booking.Printable(c.Label), tickWord(c.Done))
	}
	parts := make([]string, len(c.Edits))
	for i, e := range c.Edits {
		parts[i] = FieldLabel("", e.Key, e.Field) + " " + ShowJSON(e.Old) + " ⇒ " + ShowJSON(e.New)
	}
	return c.Case + " " + strings.Join(parts, "; ")
}

// FieldLabel names field of record key for a person: "traveller 2 birth
// date", "traveller 1 document d1 expiry date", "permit P1 status",
// "priority" (a case field); no, if set, comes first.
func FieldLabel(no, key, field string) string {
	parts := []string{}
	if r := RecordLabel(no, key); r != "" {
		parts = append(parts, r)
	}
	return strings.Join(append(parts, booking.Printable(strings.ReplaceAll(field, "_", " "))), " ")
}

// RecordLabel names record key for a person ("traveller 2", "traveller 1
// document d1", "counselling"; "" for the case itself), after no if set.
func RecordLabel(no, key string) string {
	var where string
	if _, kind := booking.SplitKey(key); kind != booking.KindCase {
		rest := key
		if i := strings.Index(key, "/"); i >= 0 {
			rest = key[i+1:]
		}
		parts := strings.Split(rest, "/")
		member := ""
		if len(parts) >= 2 {
			member = strings.TrimLeft(parts[1], "0")
		}
		switch {
		case len(parts) >= 3 && member != "":
			// case/document/02/d1, case/permit/02/P1
			where = "traveller " + member + " " + parts[0] + " " + parts[len(parts)-1]
		case len(parts) >= 3:
			where = parts[0] + " " + parts[len(parts)-1]
		case len(parts) == 2 && member != "":
			where = parts[0] + " " + member
		default:
			where = strings.Join(parts, " ")
		}
	}
	switch {
	case no == "":
		return booking.Printable(where)
	case where == "":
		return no
	}
	return no + " " + booking.Printable(where)
}

// ShowJSON renders a stored field value for a person: strings unquoted,
// absent or empty as "(none)", escaped for the terminal.
func ShowJSON(v json.RawMessage) string {
	if len(v) == 0 || string(v) == "null" || string(v) == `""` || string(v) == "[]" || string(v) == "{}" {
		return "(none)"
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return booking.Printable(s)
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		return booking.Printable(strings.Join(list, ","))
	}
	return booking.Printable(string(v))
}

func sameJSON(a, b json.RawMessage) bool {
	if string(a) == "null" {
		a = nil
	}
	if string(b) == "null" {
		b = nil
	}
	return bytes.Equal(a, b)
}

// decodeRecord decodes the record at key from its JSON.
func decodeRecord(key string, data []byte) (booking.Record, error) {
	_, kind := booking.SplitKey(key)
	rec := booking.NewRecord(kind)
	if rec == nil {
		return nil, booking.Errorf(booking.EINVALID, "", "cannot undo a change of %s", key)
	}
	if err := json.Unmarshal(data, rec); err != nil {
		return nil, fmt.Errorf("record %s: %w", key, err)
	}
	if rec.Key() != key {
		return nil, booking.Errorf(booking.EINVALID, "", "cannot undo a change of %s", key)
	}
	return rec, nil
}

// undoEdits writes back the fields changes cs changed, in one transaction
// as actor, checked like any write: all of them or none (a field changed
// since refuses the whole).
func (d *Service) undoEdits(actor string, cs []*Change) error {
	var acts []booking.RoleAction
	for _, c := range cs {
		for _, e := range c.Edits {
			_, kind := booking.SplitKey(e.Key)
			for _, a := range booking.FieldActions(kind, e.Field) {
				if !slices.Contains(acts, a) {
					acts = append(acts, a)
				}
			}
		}
	}
	if err := d.allow(actor, acts...); err != nil {
		return err
	}
	return d.s.Update(actor, func(tx *store.Tx) error {
		objs := map[string]change.Object{}
		var order []string
		for _, c := range cs {
			for _, e := range c.Edits {
				o, ok := objs[e.Key]
				if !ok {
					raw, found, err := tx.GetRaw(e.Key)
					if err != nil {
						return err
					}
					if !found {
						return booking.Errorf(booking.ENOTFOUND, "", "cannot undo: %s no longer exists", FieldLabel(c.Case, e.Key, e.Field))
					}
					if o, err = change.ToObject(raw); err != nil {
						return err
					}
					objs[e.Key] = o
					order = append(order, e.Key)
				}
				if !sameJSON(o[e.Field], e.New) {
					return booking.Errorf(booking.ECONFLICT, "", "not undone: %s is now %s (changed since)",
						FieldLabel(c.Case, e.Key, e.Field), ShowJSON(o[e.Field]))
				}
				if e.Old == nil {
					delete(o, e.Field)
				} else {
					o[e.Field] = e.Old
				}
			}
		}
		for _, k := range order {
			rec, err := decodeRecord(k, objs[k].Encode())
			if err != nil {
				return err
			}
			if err := tx.Put(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// UndoAll undoes several changes of actor at once, in one transaction
// (a bulk assignment): all of them or none. It returns what was undone.
func (d *Service) UndoAll(actor string, cs []*Change) (string, error) {
	if len(cs) == 1 {
		return d.Undo(actor, cs[0])
	}
	for _, c := range cs {
		if c == nil || c.Empty() || c.Item != "" || len(c.Created) > 0 {
			return "", booking.Errorf(booking.EINVALID, "", "cannot undo these changes together")
		}
	}
	if err := d.undoEdits(actor, cs); err != nil {
		return "", err
	}
	var fields []string
	for _, c := range cs {
		for _, e := range c.Edits {
			if f := FieldLabel("", e.Key, e.Field); !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	return fmt.Sprintf("%s of %d cases (%s …)", strings.Join(fields, ", "), len(cs), cs[0].Describe()), nil
}
