package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// moveCursor applies a cursor or scroll key (up, down, top, bottom, half
// and whole pages) to position cursor of n rows shown lh at a time; the
// caller clamps. It reports whether kp was such a key.
func moveCursor(k *KeyMap, kp tea.KeyPressMsg, cursor, n, lh int) (int, bool) {
	switch {
	case key.Matches(kp, k.Down):
		return cursor + 1, true
	case key.Matches(kp, k.Up):
		return cursor - 1, true
	case key.Matches(kp, k.Top):
		return 0, true
	case key.Matches(kp, k.Bottom):
		return n - 1, true
	case key.Matches(kp, k.HalfDown):
		return cursor + lh/2, true
	case key.Matches(kp, k.HalfUp):
		return cursor - lh/2, true
	case key.Matches(kp, k.PageDown):
		return cursor + lh, true
	case key.Matches(kp, k.PageUp):
		return cursor - lh, true
	}
	return cursor, false
}
