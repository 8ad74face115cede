// Package change defines movedesk's change-log entry, the unit that the store
// appends on every write and that sync ships between desks and the hub: a set
// of changed top-level fields of one record, stamped with a hybrid logical
// clock. It is pure: no I/O.
package change

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Op is one change-log entry: the fields of one record changed by one write.
type Op struct {
	// Desk and Seq identify the op everywhere: the desk that made it and its
	// sequence number there. ID() joins them.
	Desk  string `json:"desk"`
	Seq   uint64 `json:"seq"`
	Actor string `json:"actor"`
	HLC   HLC    `json:"hlc"`
	Kind  string `json:"kind"`
	Key   string `json:"key"`
	// Case and Office route the op: sync sends a desk only its office's ops.
	Case   string `json:"case,omitempty"`
	Office string `json:"office,omitempty"`
	// Fields maps each changed field to its new JSON value; null removes it.
	Fields map[string]json.RawMessage `json:"fields"`
}

// ID returns "desk:seq", unique across all desks.
func (o *Op) ID() string { return o.Desk + ":" + strconv.FormatUint(o.Seq, 10) }

// FieldNames returns the changed field names, sorted.
func (o *Op) FieldNames() []string { return slices.Sorted(maps.Keys(o.Fields)) }

// Summary renders the changed fields as "name=value, ..." for history views.
func (o *Op) Summary(max int) string {
	var b strings.Builder
	for i, f := range o.FieldNames() {
		if i > 0 {
			b.WriteString(", ")
		}
		v := string(o.Fields[f])
		if max > 0 && len(v) > max {
			v = v[:max] + "…"
		}
		fmt.Fprintf(&b, "%s=%s", f, v)
	}
	return b.String()
}

// Object is a record as its top-level JSON fields.
type Object map[string]json.RawMessage

// ToObject splits an encoded JSON object into its fields.
func ToObject(data []byte) (Object, error) {
	if len(data) == 0 {
		return Object{}, nil
	}
	var o Object
	if err := json.Unmarshal(data, &o); err != nil {
		return nil, err
	}
	if o == nil {
		o = Object{}
	}
	return o, nil
}

// Encode encodes o as a JSON object with sorted keys.
func (o Object) Encode() []byte {
	b, _ := json.Marshal(map[string]json.RawMessage(o))
	return b
}

// Diff returns the fields that differ from old to new: new values, and JSON
// null for fields new no longer has. An empty map means no change.
func Diff(old, new Object) map[string]json.RawMessage {
	d := map[string]json.RawMessage{}
	for k, nv := range new {
		if ov, ok := old[k]; !ok || !bytes.Equal(ov, nv) {
			d[k] = nv
		}
	}
	for k := range old {
		if _, ok := new[k]; !ok {
			d[k] = json.RawMessage("null")
		}
	}
	return d
}

// Apply sets fields on o; a null value removes the field.
func (o Object) Apply(fields map[string]json.RawMessage) {
	for k, v := range fields {
		if string(v) == "null" {
			delete(o, k)
		} else {
			o[k] = v
		}
	}
}
