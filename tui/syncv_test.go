package tui

import (
	"strings"
	"testing"
	"time"
)

func newSyncModel(t *testing.T, syncNow func()) *Model {
	t.Helper()
	st, err := DefaultStyles("dark", true)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Options{Source: fixture(20), Quoter: fakeQuoter{}, User: "amina.idrissi", Office: "RBA",
		Keys: DefaultKeyMap(), Styles: st, Now: testNow, Hub: "https://hub.example.org:8470", SyncNow: syncNow,
		Conflicts: conflictFixture()})
	if err != nil {
		t.Fatal(err)
	}
	send(t, m, teaSize(80, 24))
	return m
}

func openSync(t *testing.T, m *Model) {
	t.Helper()
	keys(t, m, ":")
	typeText(t, m, "sync")
	keys(t, m, "enter")
}

// TestSyncScreenShowsWhatTheBarAbbreviates: the full last error, the
// refused changes and the clock, and s asks for a sync at once.
func TestSyncScreenShowsWhatTheBarAbbreviates(t *testing.T) {
	asked := 0
	m := newSyncModel(t, func() { asked++ })
	send(t, m, SyncMsg{Configured: true, Online: true, Progress: -1, Waiting: 3, Conflicts: 2, Refused: 35,
		ClockOffset: -(3*time.Hour + 5*time.Minute), LastSync: testNow().Add(-time.Hour),
		Err: "hub: 401 unknown or revoked token (ask the central office for a new token: movedesk hub desk add)"})
	openSync(t, m)
	got := screen(m)
	for _, want := range []string{"https://hub.example.org:8470", "the hub answered, the sync failed", "3 change(s) not yet",
		"2 open (C to resolve)", "35 change(s) the hub refused", "clock 3h05m ahead", "401 unknown or revoked token",
		"movedesk hub desk add)"} {
		if !strings.Contains(got, want) {
			t.Errorf("sync screen lacks %q:\n%s", want, got)
		}
	}
	golden(t, "sync_failed", m)
	keys(t, m, "s")
	if asked != 1 || !strings.Contains(screen(m), "sync requested at 10:00:00") {
		t.Fatalf("s: asked %d times, screen:\n%s", asked, screen(m))
	}
	keys(t, m, "C")
	if !strings.Contains(screen(m), "conflicts") {
		t.Fatalf("C did not open the conflicts:\n%s", screen(m))
	}
}

func TestSyncScreenNotConfigured(t *testing.T) {
	m := newSyncModel(t, nil)
	openSync(t, m)
	if got := screen(m); !strings.Contains(got, "not configured") || !strings.Contains(got, "works offline") {
		t.Fatalf("screen:\n%s", got)
	}
	keys(t, m, "s")
	if got := screen(m); !strings.Contains(got, "sync is not configured") {
		t.Fatalf("s without a hub:\n%s", got)
	}
}
