package booking

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Printable returns s with everything that could drive a terminal made
// visible: C0 controls (newline and tab included), DEL, C1 controls, the
// bidirectional overrides, isolates and marks, the Unicode line and
// paragraph separators, and bytes that are not UTF-8. Each is written as a
// Go-style escape a reader can see (\x1b, \n, \t, \u202e, \xff), the way git
// and strconv quote unusual bytes. A backslash stays as it is.
//
// Stored text (names, notes, reasons) arrives from users, imports, sync and
// stores older than validation, so anything printed by the CLI or drawn by
// the app goes through Printable. A clean s is returned as it is, without
// allocating.
func Printable(s string) string { return printable(s, false) }

// PrintableLines is Printable for multi-line free text shown as a block (a
// case's notes): it keeps newlines and escapes everything else.
func PrintableLines(s string) string { return printable(s, true) }

// Unprintable reports whether r is a rune Printable escapes.
func Unprintable(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true // C0, DEL, C1
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
		r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidi embeddings, overrides, isolates and marks
	case r == 0x2028, r == 0x2029:
		return true // line and paragraph separators
	}
	return false
}

func printable(s string, lines bool) string {
	i := firstUnprintable(s, lines)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			writeHex(&b, 'x', uint32(s[i]), 2)
		case lines && r == '\n':
			b.WriteByte('\n')
		case Unprintable(r):
			writeEscape(&b, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// firstUnprintable returns the index of the first byte Printable must
// escape, or -1.
func firstUnprintable(s string, lines bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && !(lines && c == '\n') {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || Unprintable(r) {
			return i
		}
		i += n
	}
	return -1
}

func writeEscape(b *strings.Builder, r rune) {
	switch r {
	case '\a':
		b.WriteString(`\a`)
	case '\b':
		b.WriteString(`\b`)
	case '\f':
		b.WriteString(`\f`)
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	case '\v':
		b.WriteString(`\v`)
	default:
		if r < 0x80 {
			writeHex(b, 'x', uint32(r), 2)
		} else {
			writeHex(b, 'u', uint32(r), 4)
		}
	}
}

func writeHex(b *strings.Builder, kind byte, v uint32, digits int) {
	const hex = "0123456789abcdef"
	b.WriteByte('\\')
	b.WriteByte(kind)
	for d := digits - 1; d >= 0; d-- {
		b.WriteByte(hex[(v>>(4*d))&0xf])
	}
}

// PrintableArg returns v as a fmt operand that prints escaped. Operands that
// format as text (strings, errors, Stringers, slices and structs of them) are
// wrapped: fmt formats them with the directive's verb and flags as usual, the
// result is escaped with Printable and then padded to the directive's width.
// Numbers and booleans cannot carry control characters and are returned as
// they are.
func PrintableArg(v any) any {
	switch v.(type) {
	case nil, int, int64, int32, uint, uint64, bool, float64:
		return v
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Bool:
		if _, ok := v.(fmt.Stringer); !ok {
			return v
		}
	}
	return printableOperand{v}
}

// printableOperand formats its value as fmt would, escapes the result, and
// pads it to the directive's width (counted in runes, like fmt).
type printableOperand struct{ v any }

func (p printableOperand) Format(f fmt.State, verb rune) {
	dir := []byte{'%'}
	for _, c := range "+-# 0" {
		if c != '-' && f.Flag(int(c)) {
			dir = append(dir, byte(c))
		}
	}
	w, hasWidth := f.Width()
	if hasWidth && f.Flag('0') {
		dir = fmt.Appendf(dir, "%d", w) // zero padding belongs to the number
		hasWidth = false
	}
	if prec, ok := f.Precision(); ok {
		dir = fmt.Appendf(dir, ".%d", prec)
	}
	dir = utf8.AppendRune(dir, verb)
	s := Printable(fmt.Sprintf(string(dir), p.v))
	if hasWidth {
		if pad := w - utf8.RuneCountInString(s); pad > 0 {
			sp := strings.Repeat(" ", pad)
			if f.Flag('-') {
				s += sp
			} else {
				s = sp + s
			}
		}
	}
	io.WriteString(f, s)
}
