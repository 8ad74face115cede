package booking

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPrintable(t *testing.T) {
	cases := []struct{ in, want, lines string }{
		{"", "", ""},
		{"Amani Hassan", "Amani Hassan", "Amani Hassan"},
		{"Çelik Ñúñez 李 Ђорђе", "Çelik Ñúñez 李 Ђорђе", "Çelik Ñúñez 李 Ђорђе"},
		{`back\slash`, `back\slash`, `back\slash`},
		// C0: ESC, BEL, NUL, named escapes, newline and tab.
		{"EVIL\x1b]0;pwned\x07", `EVIL\x1b]0;pwned\a`, `EVIL\x1b]0;pwned\a`},
		{"a\x00b\x01c\x1fd", `a\x00b\x01c\x1fd`, `a\x00b\x01c\x1fd`},
		{"a\bb\fc\rd\ve", `a\bb\fc\rd\ve`, `a\bb\fc\rd\ve`},
		{"line1\nFAKE, ROW", `line1\nFAKE, ROW`, "line1\nFAKE, ROW"},
		{"col\tcol", `col\tcol`, `col\tcol`},
		{"a\r\nb", `a\r\nb`, "a\\r\nb"},
		// DEL and C1 (U+0085 is NEL, U+009B is the 8-bit CSI).
		{"x\x7fy", `x\x7fy`, `x\x7fy`},
		{"x\u0085y\u009b2J", `x\u0085y\u009b2J`, `x\u0085y\u009b2J`},
		{"\u0080\u009f", `\u0080\u009f`, `\u0080\u009f`},
		// Bidi embeddings, overrides, isolates and marks.
		{"abc\u202edcba", `abc\u202edcba`, `abc\u202edcba`},
		{"\u202a\u202b\u202c\u202d", `\u202a\u202b\u202c\u202d`, `\u202a\u202b\u202c\u202d`},
		{"\u2066\u2067\u2068\u2069", `\u2066\u2067\u2068\u2069`, `\u2066\u2067\u2068\u2069`},
		{"\u200e\u200f\u061c", `\u200e\u200f\u061c`, `\u200e\u200f\u061c`},
		{"a\u2028b\u2029c", `a\u2028b\u2029c`, `a\u2028b\u2029c`},
		// Arabic and Hebrew text is fine; only the invisible controls go.
		{"محمد שלום", "محمد שלום", "محمد שלום"},
		// Invalid UTF-8: each bad byte is shown.
		{"bad\xffbyte", `bad\xffbyte`, `bad\xffbyte`},
		{"\xc3\x28", `\xc3(`, `\xc3(`},
		{"\xed\xa0\x80", `\xed\xa0\x80`, `\xed\xa0\x80`}, // a surrogate
		{"trunc\xe2\x80", `trunc\xe2\x80`, `trunc\xe2\x80`},
		// U+FFFD itself is a valid rune and stays.
		{"\ufffd", "\ufffd", "\ufffd"},
	}
	for _, c := range cases {
		if got := Printable(c.in); got != c.want {
			t.Errorf("Printable(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := PrintableLines(c.in); got != c.lines {
			t.Errorf("PrintableLines(%q) = %q, want %q", c.in, got, c.lines)
		}
	}
}

func TestPrintableCleanDoesNotAllocate(t *testing.T) {
	s, block := "Hassan, Amani — Nairobi → Toronto 李", "first line\nsecond line"
	if n := testing.AllocsPerRun(100, func() { _ = Printable(s); _ = PrintableLines(block) }); n != 0 {
		t.Errorf("clean input allocated %v times", n)
	}
}

func TestPrintableIdempotent(t *testing.T) {
	s := "EVIL\x1b]0;pwned\x07\nFAKE, ROW\u202e\xff"
	once := Printable(s)
	if twice := Printable(once); twice != once {
		t.Errorf("Printable is not idempotent: %q then %q", once, twice)
	}
}

func checkPrintable(t *testing.T, in, out string, lines bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("output of %q is not UTF-8: %q", in, out)
	}
	for _, r := range out {
		if Unprintable(r) && !(lines && r == '\n') {
			t.Fatalf("output of %q holds %U: %q", in, r, out)
		}
	}
	clean := utf8.ValidString(in)
	for _, r := range in {
		if Unprintable(r) && !(lines && r == '\n') {
			clean = false
		}
	}
	if clean && out != in {
		t.Fatalf("clean input %q changed to %q", in, out)
	}
	if !clean && out == in {
		t.Fatalf("unclean input %q returned unchanged", in)
	}
	if lines && strings.Count(out, "\n") != strings.Count(in, "\n") {
		t.Fatalf("PrintableLines(%q) changed the line count: %q", in, out)
	}
}

func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"", "plain", "EVIL\x1b]0;pwned\x07\nFAKE, ROW", "\u202eabc", "\xff\xfe",
		"\t\r\n", "\u0085", "\u2066x\u2069", "李\xe2\x80", "a\\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkPrintable(t, s, Printable(s), false)
		checkPrintable(t, s, PrintableLines(s), true)
	})
}

type stringerInt int

func (s stringerInt) String() string { return "n\x1b" }

func TestPrintableArg(t *testing.T) {
	evil := "EVIL\x1b]0;pwned\x07\nFAKE"
	cases := []struct {
		format string
		args   []any
		want   string
	}{
		{"%s|%d", []any{evil, 7}, `EVIL\x1b]0;pwned\a\nFAKE|7`},
		{"[%-8s]", []any{"a\tb"}, `[a\tb    ]`},
		{"[%8s]", []any{"a\nb"}, `[    a\nb]`},
		{"[%-4s]", []any{"李"}, "[李   ]"},
		{"%v", []any{[]string{"x\u202e", "y"}}, `[x\u202e y]`},
		{"%v", []any{errors.New("bad\x1b[2J")}, `bad\x1b[2J`},
		{"%s %d", []any{stringerInt(3), stringerInt(3)}, `n\x1b 3`},
		{"%02d", []any{stringerInt(3)}, "03"},
		{"%.3s", []any{"abcdef"}, "abc"},
		{"%q", []any{"a\u202eb"}, `"a\u202eb"`},
		{"%d %t %.1f", []any{int64(5), true, 1.25}, "5 true 1.2"},
	}
	for _, c := range cases {
		args := make([]any, len(c.args))
		for i, a := range c.args {
			args[i] = PrintableArg(a)
		}
		if got := fmt.Sprintf(c.format, args...); got != c.want {
			t.Errorf("Sprintf(%q, %q) = %q, want %q", c.format, c.args, got, c.want)
		}
	}
}

func TestABNTextEscapesStoredText(t *testing.T) {
	a := &ABN{Number: "ABN-1", Case: "C-1", Reason: "late\x1b]0;x\x07", Sponsor: "S\u202eX",
		Travellers: []ABNTraveller{{Member: 1, Name: "EVIL\nFAKE ROW"}}}
	txt := a.Text()
	for _, r := range txt {
		if Unprintable(r) && r != '\n' {
			t.Fatalf("ABN text holds %U:\n%s", r, txt)
		}
	}
	if strings.Contains(txt, "\nFAKE ROW") {
		t.Fatalf("a newline in a name forged a line:\n%s", txt)
	}
}
