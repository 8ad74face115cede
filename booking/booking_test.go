package booking

import "testing"

func TestParseDate(t *testing.T) {
	for s, ok := range map[string]bool{"2024-02-29": true, "2023-02-29": false, "2026-13-01": false, "2026-00-10": false,
		"2026-1-01": false, "": true, "2026-12-31": true, "abcd-ef-gh": false, "2026-04-31": false} {
		d, err := ParseDate(s)
		if (err == nil) != ok {
			t.Errorf("ParseDate(%q) err = %v, want ok=%v", s, err, ok)
		}
		if ok && d.String() != s {
			t.Errorf("ParseDate(%q) = %s", s, d)
		}
	}
}
