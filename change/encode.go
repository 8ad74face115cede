package change

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends o's JSON encoding to b. It is the same document
// encoding/json produces (fields sorted), without re-validating the field
// values, which come from encoding/json already: the change log is written
// once per record write and this is the hot path of bulk loads.
func (o *Op) AppendJSON(b []byte) []byte { return o.appendJSON(b, nil) }

// AppendJSONWithFields is AppendJSON with the fields given as an encoded JSON
// object instead of o.Fields: a new record's op carries the record itself,
// so the store can splice it in without splitting it into fields first.
func (o *Op) AppendJSONWithFields(b, fields []byte) []byte { return o.appendJSON(b, fields) }

func (o *Op) appendJSON(b, raw []byte) []byte {
	b = append(b, `{"desk":`...)
	b = appendString(b, o.Desk)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, o.Seq, 10)
	b = append(b, `,"actor":`...)
	b = appendString(b, o.Actor)
	b = append(b, `,"hlc":"`...)
	b = strconv.AppendUint(b, uint64(o.HLC), 10)
	b = append(b, `","kind":`...)
	b = appendString(b, o.Kind)
	b = append(b, `,"key":`...)
	b = appendString(b, o.Key)
	if o.Case != "" {
		b = append(b, `,"case":`...)
		b = appendString(b, o.Case)
	}
	if o.Office != "" {
		b = append(b, `,"office":`...)
		b = appendString(b, o.Office)
	}
	if raw != nil {
		b = append(b, `,"fields":`...)
		b = append(b, raw...)
		return append(b, '}')
	}
	b = append(b, `,"fields":{`...)
	keys := make([]string, 0, len(o.Fields))
	for k := range o.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = append(b, o.Fields[k]...)
	}
	return append(b, "}}"...)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping as encoding/json does
// (including <, > and & for HTML safety, and invalid UTF-8 as U+FFFD).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
