package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"

	"movedesk/booking"
)

// state is a screen state to check the help of.
type state struct {
	name  string
	setup func(t *testing.T) *Model
}

func helpStates() []state {
	withHistory := func() *memSource {
		src := fixture(40)
		for i := 0; i < 8; i++ {
			src.history["RBA-2026-000105"] = append(src.history["RBA-2026-000105"], HistoryEntry{Actor: "amina.idrissi",
				When: testNow().Add(time.Duration(i) * time.Hour), Kind: booking.KindCase, Key: "RBA-2026-000105",
				Fields: map[string]string{"notes": fmt.Sprintf(`"note %d"`, i)}})
		}
		return src
	}
	return []state{
		{"queue", func(t *testing.T) *Model {
			m := newTestModel(t, fixture(200), fakeQuoter{})
			keys(t, m, "/")
			typeText(t, m, "rba")
			keys(t, m, "enter", "j", "j", "j")
			return m
		}},
		{"queue filtering", func(t *testing.T) *Model {
			m := newTestModel(t, fixture(50), fakeQuoter{})
			keys(t, m, "/")
			typeText(t, m, "haddad")
			return m
		}},
		{"case", func(t *testing.T) *Model {
			m := newTestModel(t, withHistory(), fakeQuoter{})
			send(t, m, teaSize(80, MinHeight))
			send(t, m, OpenCaseMsg{Number: "RBA-2026-000105"})
			keys(t, m, "ctrl+d", "j")
			return m
		}},
		{"case picking", func(t *testing.T) *Model {
			m := newTestModel(t, fixture(20), fakeQuoter{})
			send(t, m, OpenCaseMsg{Number: "RBA-2026-000102"})
			keys(t, m, "m", "j")
			return m
		}},
		{"form on segment", func(t *testing.T) *Model {
			m := newTestModel(t, fixture(20), fakeQuoter{})
			send(t, m, BookMsg{Number: "RBA-2026-000104"})
			keys(t, m, "ctrl+n", "tab")
			return m
		}},
		{"form on traveller", func(t *testing.T) *Model {
			m := newTestModel(t, fixture(20), fakeQuoter{})
			send(t, m, BookMsg{Number: "RBA-2026-000104"})
			for range 2 * segCols {
				keys(t, m, "tab")
			}
			return m
		}},
		{"abn draft", func(t *testing.T) *Model {
			m := newTestModel(t, fixture(20), fakeQuoter{})
			send(t, m, ABNMsg{Number: "RBA-2026-000104"})
			keys(t, m, "j")
			return m
		}},
		{"abn issued", func(t *testing.T) *Model {
			src := fixture(20)
			m := newTestModel(t, src, fakeQuoter{})
			send(t, m, ABNMsg{Number: "RBA-2026-000106"}) // ready to depart
			keys(t, m, "i", "j")
			return m
		}},
		{"conflicts list", func(t *testing.T) *Model {
			m := newConflictModel(t, conflictFixture())
			openConflicts(t, m)
			keys(t, m, "j")
			return m
		}},
		{"conflicts detail", func(t *testing.T) *Model {
			m := newConflictModel(t, conflictFixture())
			openConflicts(t, m)
			keys(t, m, "enter")
			return m
		}},
		{"escorts", func(t *testing.T) *Model {
			m, _ := newDutyModel(t)
			keys(t, m, "e", "j")
			return m
		}},
		{"permit form", func(t *testing.T) *Model {
			m, _ := newDutyModel(t)
			keys(t, m, "p", "tab", "tab", "tab", "tab")
			return m
		}},
		{"custody form", func(t *testing.T) *Model {
			m, _ := newDutyModel(t)
			keys(t, m, "d", "tab")
			return m
		}},
		{"sync", func(t *testing.T) *Model {
			m := newSyncModel(t, func() {})
			send(t, m, SyncMsg{Configured: true, Online: true, Progress: -1, Waiting: 1})
			openSync(t, m)
			return m
		}},
		{"team", func(t *testing.T) *Model {
			m, _, _ := teamModel(t, 40, "tara.leader", teamUsers("tara.leader"))
			keys(t, m, "W", "j")
			return m
		}},
		{"review", func(t *testing.T) *Model {
			m, _, _ := teamModel(t, 40, "tara.leader", teamUsers("tara.leader"))
			keys(t, m, "A", "j")
			return m
		}},
		{"review rejecting", func(t *testing.T) *Model {
			m, _, _ := teamModel(t, 40, "tara.leader", teamUsers("tara.leader"))
			keys(t, m, "A", "x")
			typeText(t, m, "why")
			return m
		}},
		{"queue marked", func(t *testing.T) *Model {
			m, _, _ := teamModel(t, 40, "tara.leader", teamUsers("tara.leader"))
			keys(t, m, "j", "space", "j")
			return m
		}},
		{"flights", func(t *testing.T) *Model {
			m := newFlightModel(t, flightFixture())
			keys(t, m, "F", "j")
			return m
		}},
		{"flight", func(t *testing.T) *Model {
			m := newFlightModel(t, flightFixture())
			keys(t, m, "F", "j", "enter", "j")
			return m
		}},
		{"manifest", func(t *testing.T) *Model {
			m := newFlightModel(t, flightFixture())
			keys(t, m, "F", "j", "enter", "M")
			return m
		}},
		{"conflicts typing", func(t *testing.T) *Model {
			m := newConflictModel(t, conflictFixture())
			openConflicts(t, m)
			keys(t, m, "e")
			return m
		}},
	}
}

// TestEveryHelpBindingWorks presses every key that help shows, in each
// state, and checks that it changed the frame or quit.
func TestEveryHelpBindingWorks(t *testing.T) {
	for _, s := range helpStates() {
		m := s.setup(t)
		var all []key.Binding
		for _, g := range m.top().KeyMap().FullHelp() {
			all = append(all, g...)
		}
		all = append(all, m.top().KeyMap().ShortHelp()...)
		checked := 0
		for _, b := range all {
			if !b.Enabled() {
				continue
			}
			for _, k := range b.Keys() {
				m := s.setup(t)
				before := screen(m)
				if keys(t, m, k) {
					checked++
					continue
				}
				if screen(m) == before {
					t.Errorf("%s: key %q (%s) shown in help changed nothing", s.name, k, b.Help().Desc)
				}
				checked++
			}
		}
		if checked < 3 {
			t.Errorf("%s: only %d keys checked", s.name, checked)
		}
	}
}

// TestKeysOverride checks config overrides rebind actions and reject
// unknown names.
func TestKeysOverride(t *testing.T) {
	k := DefaultKeyMap()
	if err := k.Override(map[string][]string{"down": {"v"}}); err != nil {
		t.Fatal(err)
	}
	st, _ := DefaultStyles("light", false)
	m, err := New(Options{Source: fixture(30), Keys: k, Styles: st, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	send(t, m, teaSize(80, 24))
	keys(t, m, "v")
	if m.queue.cursor != 1 {
		t.Fatalf("v should move down after the override, cursor %d", m.queue.cursor)
	}
	keys(t, m, "j")
	if m.queue.cursor != 1 {
		t.Fatal("j still moves after being replaced")
	}
	if err := k.Override(map[string][]string{"fly": {"f"}}); err == nil {
		t.Fatal("unknown action accepted")
	}
	for _, th := range []string{"dark", "light", "high-contrast", "auto"} {
		if _, err := DefaultStyles(th, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := DefaultStyles("neon", false); err == nil {
		t.Fatal("unknown theme accepted")
	}
}

// Behind the sign-in gate, ? names the lock key (it works on every screen).
func TestHelpNamesTheLockKey(t *testing.T) {
	m := newTestModel(t, fixture(5), fakeQuoter{})
	keys(t, m, "?")
	if strings.Contains(screen(m), "locks the app") {
		t.Fatalf("lock key listed without a gate:\n%s", screen(m))
	}
	keys(t, m, "esc")
	m.opt.LockKey = "ctrl+l"
	keys(t, m, "?")
	if !strings.Contains(screen(m), "ctrl+l locks the app") {
		t.Fatalf("no lock key in help:\n%s", screen(m))
	}
}
