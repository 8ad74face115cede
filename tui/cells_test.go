package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Widths are terminal cells: a value of wide characters must not overflow
// the conflicts panel (it was split by runes, two cells each).
func TestWrapCellsCountsCells(t *testing.T) {
	wide := strings.Repeat("山田", 12) // 48 cells
	lines := wrapCells(wide, 10, 3)
	if len(lines) != 3 {
		t.Fatalf("%d lines: %q", len(lines), lines)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 10 {
			t.Fatalf("line %q is %d cells wide, want <= 10", l, w)
		}
	}
	if !strings.HasSuffix(lines[2], "…") {
		t.Fatalf("a cut value must end with …: %q", lines[2])
	}
	// Combining marks take no cell: "é" as e + U+0301 fits 10 to a line.
	comb := strings.Repeat("e\u0301", 10)
	if got := wrapCells(comb, 10, 3); len(got) != 1 {
		t.Fatalf("combining marks counted as cells: %q", got)
	}
	if got := wrapCells("", 10, 3); len(got) != 1 || got[0] != "" {
		t.Fatalf("empty: %q", got)
	}
}

// Long changes wrap at spaces, never inside a date or a code.
func TestWordWrapKeepsDatesWhole(t *testing.T) {
	got := wordWrap("traveller/01: birth_date: 2001-04-12 ⇒ 1979-02-03", 44)
	if !strings.Contains(got, "\n1979-02-03") || strings.Contains(got, "1979-\n") {
		t.Fatalf("wrapped inside a date: %q", got)
	}
}
