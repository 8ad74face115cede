package tui

import "testing"

// TestMoveCursor: every list and scrolled view moves the same way: j/k a
// row, ctrl+d/ctrl+u half a page, pgdn/pgup a page, g/G the ends; other
// keys are not movement.
func TestMoveCursor(t *testing.T) {
	k := DefaultKeyMap()
	for _, c := range []struct {
		key  string
		want int
	}{{"j", 11}, {"k", 9}, {"ctrl+d", 20}, {"ctrl+u", 0}, {"pgdown", 30}, {"pgup", -10}, {"g", 0}, {"G", 99}} {
		got, ok := moveCursor(&k, keyMsg(c.key), 10, 100, 20)
		if !ok || got != c.want {
			t.Errorf("%s from 10 (100 rows, 20 shown): %d %v, want %d", c.key, got, ok, c.want)
		}
	}
	if got, ok := moveCursor(&k, keyMsg("x"), 10, 100, 20); ok || got != 10 {
		t.Errorf("x moved the cursor to %d (%v)", got, ok)
	}
}
