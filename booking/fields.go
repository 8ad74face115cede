package booking

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// readOnlyFields may not be changed with SetField: identity fields, and the
// status, which only moves through the state machine.
var readOnlyFields = []string{"number", "case", "member", "id", "office", "status", "held_from", "status_reason", "abn_number"}

// readOnly reports whether field name of rec cannot be set: "number" is the
// case's identity but a document's passport number.
func readOnly(rec Record, name string) bool {
	if name == "number" && rec.Kind() == KindDocument {
		return false
	}
	return slices.Contains(readOnlyFields, name)
}

// FieldNames lists the fields of rec that SetField accepts.
func FieldNames(rec Record) []string {
	var out []string
	t := reflect.TypeOf(rec).Elem()
	for i := range t.NumField() {
		name := jsonName(t.Field(i))
		if name != "" && !readOnly(rec, name) {
			out = append(out, name)
		}
	}
	return out
}

// SetField sets the field whose JSON name is name from its text form, then
// validates the record. Lists are comma-separated; an empty value clears.
// On error rec may be partly changed: callers set fields on a copy.
func SetField(rec Record, name, value string) error {
	if err := SetFieldValue(rec, name, value); err != nil {
		return err
	}
	return rec.Validate()
}

// SetFieldValue is SetField without the validation of the whole record, for
// a form or a command that sets several fields and then validates once (a
// record may pass through an invalid state between two of its fields).
func SetFieldValue(rec Record, name, value string) error {
	if readOnly(rec, name) {
		hint := ""
		if name == "status" {
			hint = " (use the status command)"
		}
		return Errorf(EINVALID, name, "field %s cannot be set%s", name, hint)
	}
	v := reflect.ValueOf(rec).Elem()
	t := v.Type()
	for i := range t.NumField() {
		if jsonName(t.Field(i)) != name {
			continue
		}
		return setValue(v.Field(i), name, value)
	}
	return Errorf(EINVALID, name, "unknown %s field %q (fields: %s)", rec.Kind(), name, strings.Join(FieldNames(rec), ", "))
}

func setValue(f reflect.Value, name, value string) error {
	value = strings.TrimSpace(value)
	switch f.Interface().(type) {
	case Date:
		d, err := ParseDate(value)
		if err != nil {
			return Errorf(EINVALID, name, "%v", err)
		}
		f.Set(reflect.ValueOf(d))
		return nil
	case LocalTime:
		l, err := ParseLocalTime(value)
		if err != nil {
			return Errorf(EINVALID, name, "%s", err.(*Error).Message)
		}
		f.Set(reflect.ValueOf(l))
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(value)
	case reflect.Int, reflect.Int64:
		if value == "" {
			f.SetInt(0)
			return nil
		}
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return Errorf(EINVALID, name, "%q is not a whole number", value)
		}
		f.SetInt(n)
	case reflect.Bool:
		if value == "" {
			f.SetBool(false)
			return nil
		}
		b, err := strconv.ParseBool(value)
		if err != nil {
			return Errorf(EINVALID, name, "%q is not true or false", value)
		}
		f.SetBool(b)
	case reflect.Slice:
		var parts []string
		for p := range strings.SplitSeq(value, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		switch f.Type().Elem().Kind() {
		case reflect.String:
			s := reflect.MakeSlice(f.Type(), len(parts), len(parts))
			for i, p := range parts {
				s.Index(i).SetString(p)
			}
			f.Set(s)
		case reflect.Int:
			s := reflect.MakeSlice(f.Type(), len(parts), len(parts))
			for i, p := range parts {
				n, err := strconv.Atoi(p)
				if err != nil {
					return Errorf(EINVALID, name, "%q is not a whole number", p)
				}
				s.Index(i).SetInt(int64(n))
			}
			f.Set(s)
		default:
			return Errorf(EINVALID, name, "field %s cannot be set from text", name)
		}
	default:
		return Errorf(EINVALID, name, "field %s cannot be set from text", name)
	}
	return nil
}

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	return name
}
