package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// fit escapes s (printable; s must be plain text, not styled), truncates it
// to w terminal cells with an ellipsis and pads it to exactly w.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = printable(s)
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = ansi.StringWidth(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// fitStyled is fit for a line that already holds styles (and only text
// escaped before it was styled): it cuts and pads without escaping.
func fitStyled(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// fitRight is fit with the text aligned right.
func fitRight(s string, w int) string {
	s = printable(s)
	n := ansi.StringWidth(s)
	if n >= w {
		return fit(s, w)
	}
	return strings.Repeat(" ", w-n) + s
}

// clip cuts every line of s to w cells and keeps at most h lines, padding
// with empty lines so the body always fills its height.
func clip(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// usd formats cents as "USD 1,234.56".
func usd(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole, frac := cents/100, cents%100
	digits := []byte{}
	s := itoa64(whole)
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			digits = append(digits, ',')
		}
		digits = append(digits, s[i])
	}
	out := "USD " + string(digits) + "." + string([]byte{byte('0' + frac/10), byte('0' + frac%10)})
	if neg {
		out = "-" + out
	}
	return out
}

func itoa64(v int64) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}

// thousands formats n with thousands separators.
func thousands(n int) string {
	s := itoa64(int64(n))
	if n < 0 {
		s = "-" + itoa64(int64(-n))
	}
	var b strings.Builder
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Stored text (names, notes, reasons, errors quoting them) must never drive
// the terminal: it is escaped where it becomes a cell. fit and fitRight
// escape what they are given; other places use printable or sprintf.

// printable is booking.Printable: s with control characters, bidi controls
// and invalid UTF-8 made visible (\x1b, \n, \u202e, \xff).
func printable(s string) string { return booking.Printable(s) }

// sprintf is fmt.Sprintf with every text operand escaped (not the format,
// which is ours). Operands must be plain text, not styled.
func sprintf(format string, args ...any) string {
	for i := range args {
		args[i] = booking.PrintableArg(args[i])
	}
	return fmt.Sprintf(format, args...)
}
