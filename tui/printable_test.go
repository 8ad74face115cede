package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestFitEscapesAndCountsCells(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{
		{"EVIL\x1b]0;x\x07\nFAKE", 30, `EVIL\x1b]0;x\a\nFAKE` + strings.Repeat(" ", 10)},
		{"abc\u202edef", 8, `abc\u20…`},
		{"李明华", 7, "李明华 "},
		{"李明华李明华", 7, "李明华…"},
		{"bad\xff", 8, `bad\xff `},
	} {
		got := fit(c.in, c.w)
		if got != c.want || ansi.StringWidth(got) != c.w {
			t.Errorf("fit(%q, %d) = %q (%d cells), want %q", c.in, c.w, got, ansi.StringWidth(got), c.want)
		}
	}
}

func TestFieldViewEscapesAndCutsInCells(t *testing.T) {
	f := &field{runes: []rune("a\x1bb")}
	f.pos = len(f.runes)
	if got := f.view(true, 0); got != `a\x1bb█` {
		t.Errorf("view = %q", got)
	}
	f = &field{runes: []rune("李明华李明华")}
	f.pos = len(f.runes)
	got := f.view(true, 6)
	if ansi.StringWidth(got) > 6 || !strings.HasSuffix(got, "华█") || !strings.HasPrefix(got, "…") {
		t.Errorf("view = %q (%d cells)", got, ansi.StringWidth(got))
	}
}
