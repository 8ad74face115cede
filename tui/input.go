package tui

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// field is a one-line text input. It is deliberately small (no blinking
// cursor, no timers) so views are deterministic and cheap to render.
type field struct {
	runes []rune
	pos   int
	max   int // maximum runes, 0 for no limit
	upper bool
}

func newField(max int, upper bool) field { return field{max: max, upper: upper} }

// Value returns the text.
func (f *field) Value() string { return string(f.runes) }

// SetValue replaces the text and puts the cursor at its end.
func (f *field) SetValue(s string) {
	f.runes = []rune(s)
	f.pos = len(f.runes)
}

// update handles an editing key and reports whether the text changed and
// whether the key was consumed.
func (f *field) update(msg tea.KeyPressMsg) (changed, consumed bool) {
	k := msg.Key()
	switch {
	case k.Code == tea.KeyBackspace && k.Mod == 0:
		if f.pos > 0 {
			f.runes = append(f.runes[:f.pos-1], f.runes[f.pos:]...)
			f.pos--
			return true, true
		}
		return false, true
	case k.Code == tea.KeyDelete:
		if f.pos < len(f.runes) {
			f.runes = append(f.runes[:f.pos], f.runes[f.pos+1:]...)
			return true, true
		}
		return false, true
	case k.Code == tea.KeyLeft && k.Mod == 0:
		if f.pos > 0 {
			f.pos--
		}
		return false, true
	case k.Code == tea.KeyRight && k.Mod == 0:
		if f.pos < len(f.runes) {
			f.pos++
		}
		return false, true
	case k.Code == tea.KeyHome || (k.Code == 'a' && k.Mod == tea.ModCtrl):
		f.pos = 0
		return false, true
	case k.Code == tea.KeyEnd || (k.Code == 'e' && k.Mod == tea.ModCtrl):
		f.pos = len(f.runes)
		return false, true
	case k.Code == 'u' && k.Mod == tea.ModCtrl:
		changed = len(f.runes) > 0
		f.runes, f.pos = f.runes[:0], 0
		return changed, true
	case k.Text != "" && k.Mod&^tea.ModShift == 0:
		text := k.Text
		if f.upper {
			text = upperASCII(text)
		}
		for _, r := range text {
			if f.max > 0 && len(f.runes) >= f.max {
				break
			}
			f.runes = append(f.runes, 0)
			copy(f.runes[f.pos+1:], f.runes[f.pos:])
			f.runes[f.pos] = r
			f.pos++
			changed = true
		}
		return changed, true
	}
	return false, false
}

// view renders the text with a cursor block when focused, padded or cut to
// width cells.
func (f *field) view(focused bool, width int) string {
	// Fields are filled from stored values too: shown escaped.
	s := printable(string(f.runes))
	if focused {
		if f.pos >= len(f.runes) {
			s += "█"
		} else {
			// The character under the cursor stays readable, in reverse.
			s = printable(string(f.runes[:f.pos])) + cursorOn + printable(string(f.runes[f.pos])) + cursorOff + printable(string(f.runes[f.pos+1:]))
		}
	}
	if width > 0 && ansi.StringWidth(s) > width {
		// Keep the end (where typing happens), cut in cells from the left.
		r := []rune(s)
		k, cells := len(r), 1 // the ellipsis
		for k > 0 {
			cw := ansi.StringWidth(string(r[k-1]))
			if cells+cw > width {
				break
			}
			cells += cw
			k--
		}
		s = "…" + string(r[k:])
	}
	return s
}

// cursorOn and cursorOff frame the character under a field's cursor in
// reverse video: an attribute, not a colour, so it shows under NO_COLOR.
var (
	cursorOn  = ansi.Style{}.Reverse(true).String()
	cursorOff = ansi.Style{}.Reverse(false).String()
)

// wrapView renders the whole text over lines of width cells with the
// cursor (a block at the end, the character under it reversed elsewhere),
// at most n lines: the window that holds the cursor. Long values are seen
// whole while they are edited, not only their end.
func (f *field) wrapView(width, n int) []string {
	width, n = max(width, 2), max(n, 1)
	var rows []string
	var b strings.Builder
	cells, row, cur := 0, 0, 0
	flush := func() {
		rows = append(rows, b.String())
		b.Reset()
		cells = 0
		row++
	}
	put := func(s string, at bool) {
		w := ansi.StringWidth(s)
		if cells+w > width {
			flush()
		}
		if at {
			cur = row
			if s == "█" {
				b.WriteString(s)
			} else {
				b.WriteString(cursorOn + s + cursorOff)
			}
		} else {
			b.WriteString(s)
		}
		cells += w
	}
	for i, r := range f.runes {
		put(printable(string(r)), i == f.pos)
	}
	if f.pos >= len(f.runes) {
		put("█", true)
	}
	flush()
	start := max(0, min(cur-n+1, len(rows)-n))
	return rows[start:min(len(rows), start+n)]
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

// paste inserts pasted text at the cursor: line breaks and tabs become
// spaces and other control characters are dropped (a field is one line);
// the field's limit and upper-casing apply as when typing. It reports
// whether the text changed.
func (f *field) paste(s string) bool {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	s = strings.TrimRight(s, " ")
	if f.upper {
		s = upperASCII(s)
	}
	changed := false
	for _, r := range s {
		if f.max > 0 && len(f.runes) >= f.max {
			break
		}
		f.runes = append(f.runes, 0)
		copy(f.runes[f.pos+1:], f.runes[f.pos:])
		f.runes[f.pos] = r
		f.pos++
		changed = true
	}
	return changed
}
