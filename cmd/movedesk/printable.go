package main

import (
	"fmt"
	"io"
	"unicode/utf8"

	"movedesk/booking"
)

// Terminal output is data: stored values (names, notes, reasons) come from
// users, imports, sync and old stores, so every text output of them goes
// through printf or printLine, which escape control characters, bidi
// controls and invalid UTF-8 in each operand (booking.Printable). The format
// string is ours and keeps its newlines and tabs; a newline inside a value
// shows as \n and cannot forge a row, a tab as \t and cannot forge a column.

// printf is fmt.Fprintf with every text operand made printable.
func printf(w io.Writer, format string, args ...any) {
	for i := range args {
		args[i] = booking.PrintableArg(args[i])
	}
	fmt.Fprintf(w, format, args...)
}

// printLine is fmt.Fprintln with every text operand made printable.
func printLine(w io.Writer, args ...any) {
	for i := range args {
		args[i] = booking.PrintableArg(args[i])
	}
	fmt.Fprintln(w, args...)
}

// jsonEscapeControls rewrites, in JSON text, the runes encoding/json leaves
// raw but a terminal obeys: C1 controls (U+0080-U+009F) and the bidi
// embeddings, overrides, isolates and marks, as \uXXXX escapes. Such runes
// can only occur inside JSON strings, so the result is valid JSON that
// decodes to the same values. Invalid UTF-8 is left to encoding/json (which
// writes U+FFFD for it).
func jsonEscapeControls(b []byte) []byte {
	i := firstJSONControl(b)
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i >= 0 {
		out = append(out, b[:i]...)
		r, n := utf8.DecodeRune(b[i:])
		out = fmt.Appendf(out, `\u%04x`, r)
		b = b[i+n:]
		i = firstJSONControl(b)
	}
	return append(out, b...)
}

func firstJSONControl(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r >= 0x80 && booking.Unprintable(r) {
			return i
		}
		i += n
	}
	return -1
}

// jsonControlWriter applies jsonEscapeControls to a stream of JSON text,
// holding back a rune split between two writes.
type jsonControlWriter struct {
	w    io.Writer
	tail []byte
	buf  []byte // reused: megabytes pass through
}

func (j *jsonControlWriter) Write(p []byte) (int, error) {
	j.buf = append(append(j.buf[:0], j.tail...), p...)
	b := j.buf
	cut := len(b)
	for k := len(b) - 1; k >= 0 && k >= len(b)-utf8.UTFMax; k-- {
		if utf8.RuneStart(b[k]) {
			if !utf8.FullRune(b[k:]) {
				cut = k
			}
			break
		}
	}
	j.tail = append(j.tail[:0], b[cut:]...)
	if _, err := j.w.Write(jsonEscapeControls(b[:cut])); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes what is held back.
func (j *jsonControlWriter) Close() error {
	_, err := j.w.Write(j.tail)
	j.tail = nil
	return err
}
