package tui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// memConflicts is a ConflictSource for screen tests; it records every
// resolution.
type memConflicts struct {
	mu       sync.Mutex
	open     []ConflictView
	resolved []string // "actor id take"
	fail     error
}

func (c *memConflicts) Conflicts() ([]ConflictView, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]ConflictView(nil), c.open...), nil
}

func (c *memConflicts) Resolve(actor, id, take string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return c.fail
	}
	for i, k := range c.open {
		if k.ID == id {
			c.open = append(c.open[:i], c.open[i+1:]...)
			c.resolved = append(c.resolved, actor+" "+id+" "+take)
			return nil
		}
	}
	return fmt.Errorf("no conflict %s", id)
}

func conflictFixture() *memConflicts {
	at := func(m int) time.Time { return testNow().Add(-time.Duration(m) * time.Minute) }
	return &memConflicts{open: []ConflictView{
		{ID: "c1a2b3c4d5e", Case: "RBA-2026-000105", Record: "traveller/2", Field: "given_names", At: at(5),
			Winner: ConflictSide{Value: `"Mariam"`, Actor: "amina.idrissi", Desk: "RBA-1", When: at(40)},
			Loser:  ConflictSide{Value: `"Maryam"`, Actor: "omar.benali", Desk: "RBA-2", When: at(41)}},
		{ID: "c22b3c4d5e6", Case: "RBA-2026-000107", Record: "case", Field: "priority", At: at(4),
			Winner: ConflictSide{Value: `2`, Actor: "omar.benali", Desk: "RBA-2", When: at(30)},
			Loser:  ConflictSide{Value: `1`, Actor: "amina.idrissi", Desk: "RBA-1", When: at(31)}},
		{ID: "c33c4d5e6f7", Case: "RBA-2026-000111", Record: "booking/b1", Field: "remarks", At: at(3),
			Winner: ConflictSide{Value: `"Wheelchair to the gate at JFK, meet and assist at YYZ for the whole family"`, Actor: "lina.haddad", Desk: "RBA-3", When: at(20)},
			Loser:  ConflictSide{Value: `"WCHR at JFK"`, Actor: "amina.idrissi", Desk: "RBA-1", When: at(21)}},
	}}
}

// newConflictModel builds the app at 80x24 with cs as Options.Conflicts
// (a nil *memConflicts leaves it unset).
func newConflictModel(t testing.TB, cs *memConflicts) *Model {
	t.Helper()
	st, err := DefaultStyles("dark", true)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Source: fixture(20), Quoter: fakeQuoter{}, User: "amina.idrissi", Office: "RBA",
		Keys: DefaultKeyMap(), Styles: st, Now: testNow}
	if cs != nil {
		opt.Conflicts = cs
	}
	m, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	send(t, m, teaSize(80, 24))
	return m
}

// openConflicts opens the screen with the :conflicts command.
func openConflicts(t testing.TB, m *Model) {
	t.Helper()
	keys(t, m, ":")
	typeText(t, m, "conflicts")
	keys(t, m, "enter")
}

func TestConflictsScreenGolden(t *testing.T) {
	m := newConflictModel(t, conflictFixture())
	openConflicts(t, m)
	if _, ok := m.top().(*conflictsScreen); !ok {
		t.Fatalf(":conflicts opened %T", m.top())
	}
	golden(t, "conflicts_list", m)
	keys(t, m, "j", "j", "enter")
	golden(t, "conflicts_detail", m)
	keys(t, m, "e")
	golden(t, "conflicts_edit", m)
}

func TestConflictsResolve(t *testing.T) {
	for _, tc := range []struct {
		name   string
		keys   []string
		text   string
		want   string
		gone   string
		detail bool
	}{
		{"winner from list", []string{"w", "y"}, "", "amina.idrissi c1a2b3c4d5e winner", "c1a2b3c4d5e", false},
		{"loser from detail", []string{"j", "enter", "o", "y"}, "", "amina.idrissi c22b3c4d5e6 loser", "c22b3c4d5e6", true},
		{"typed value", []string{"j", "j", "right", "e", "ctrl+u"}, "WCHR JFK and YYZ", "amina.idrissi c33c4d5e6f7 WCHR JFK and YYZ", "c33c4d5e6f7", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := conflictFixture()
			m := newConflictModel(t, cs)
			openConflicts(t, m)
			keys(t, m, tc.keys...)
			if tc.text != "" {
				if !m.capturing() {
					t.Fatal("e does not open the value input")
				}
				typeText(t, m, tc.text)
				keys(t, m, "enter")
				if len(cs.resolved) != 0 {
					t.Fatal("enter resolved without asking")
				}
				keys(t, m, "y")
			}
			if len(cs.resolved) != 1 || cs.resolved[0] != tc.want {
				t.Fatalf("resolved %q, want %q", cs.resolved, tc.want)
			}
			s := m.top().(*conflictsScreen)
			if len(s.list) != 2 || s.detail || s.editing {
				t.Fatalf("after resolving: %d listed, detail %v, editing %v", len(s.list), s.detail, s.editing)
			}
			got := screen(m)
			if body := strings.Split(got, "\n"); strings.Contains(strings.Join(body[:len(body)-2], "\n"), tc.gone) {
				t.Errorf("resolved conflict %s still shown:\n%s", tc.gone, got)
			}
			if !strings.Contains(got, "2 open") || !strings.Contains(got, "Saved: conflict "+tc.gone) {
				t.Errorf("frame after resolving:\n%s", got)
			}
		})
	}
}

func TestConflictsResolveFailureKeepsInput(t *testing.T) {
	cs := conflictFixture()
	cs.fail = fmt.Errorf("record RBA-2026-000105/traveller/2 no longer exists")
	m := newConflictModel(t, cs)
	openConflicts(t, m)
	keys(t, m, "e", "ctrl+u")
	typeText(t, m, "Mariam")
	keys(t, m, "enter", "y")
	s := m.top().(*conflictsScreen)
	if !s.editing || s.value.Value() != "Mariam" || len(s.list) != 3 {
		t.Fatalf("editing %v value %q listed %d", s.editing, s.value.Value(), len(s.list))
	}
	if got := screen(m); !strings.Contains(got, "✗ record RBA-2026-000105/traveller/2 no longer exists") {
		t.Errorf("no error shown:\n%s", got)
	}
	keys(t, m, "esc")
	if s.editing {
		t.Fatal("esc does not cancel the input")
	}
}

func TestConflictsEmptyAndUnconfigured(t *testing.T) {
	m := newConflictModel(t, &memConflicts{})
	keys(t, m, "C")
	if got := screen(m); !strings.Contains(got, "✓ No open conflicts.") {
		t.Errorf("C from the queue, no conflicts:\n%s", got)
	}
	keys(t, m, "w", "l", "e", "enter") // nothing to act on
	if m.capturing() {
		t.Fatal("e with no conflict opened the input")
	}
	keys(t, m, "esc")
	if m.top() != Screen(m.queue) {
		t.Fatalf("esc left %T on top", m.top())
	}

	m = newConflictModel(t, nil)
	openConflicts(t, m)
	if got := screen(m); !strings.Contains(got, "Sync is not configured") {
		t.Errorf("no ConflictSource:\n%s", got)
	}
}

func TestConflictsCommandCompletes(t *testing.T) {
	m := newConflictModel(t, conflictFixture())
	keys(t, m, ":")
	typeText(t, m, "conf")
	keys(t, m, "tab")
	if v := m.cmdline.Value(); v != "conflicts " {
		t.Fatalf("completion gave %q", v)
	}
}

func TestStatusBarProgress(t *testing.T) {
	for _, tc := range []struct {
		p    float64
		want string
	}{
		{0, "sync ▕░░░░░░░░░░▏  0%"},
		{0.42, "sync ▕████░░░░░░▏ 42%"},
		{0.999, "sync ▕█████████░▏ 99%"},
	} {
		m := newConflictModel(t, nil)
		keys(t, m, "j") // a save time would also be shown; the bar must fit beside it
		send(t, m, SyncMsg{Configured: true, Online: true, Progress: tc.p, Waiting: 3})
		m.lastSave = testNow()
		lines := strings.Split(screen(m), "\n")
		bar := lines[len(lines)-2]
		if !strings.Contains(bar, tc.want) || !strings.Contains(bar, "saved 10:00:00") {
			t.Errorf("progress %v: status bar %q, want %q in it", tc.p, bar, tc.want)
		}
		if w := ansi.StringWidth(bar); w > 80 {
			t.Errorf("status bar is %d cells wide", w)
		}
	}
	m := newConflictModel(t, nil)
	send(t, m, SyncMsg{Configured: true, Online: true, Progress: -1})
	if got := screen(m); strings.Contains(got, "▕") {
		t.Errorf("idle sync shows a bar:\n%s", got)
	}
}

func TestStatusBarClockSkew(t *testing.T) {
	m := newConflictModel(t, nil)
	send(t, m, SyncMsg{Configured: true, Online: true, Progress: -1, Refused: 2, ClockOffset: -(3*time.Hour + 5*time.Minute)})
	lines := strings.Split(screen(m), "\n")
	if bar := lines[len(lines)-2]; !strings.Contains(bar, "clock 3h05m ahead") || !strings.Contains(bar, "2 refused") {
		t.Errorf("status bar %q does not warn of the fast clock and the refused changes", bar)
	}
	for d, want := range map[time.Duration]string{
		90 * time.Second: "clock 1m behind", -72 * time.Hour: "clock 3d ahead", 45 * time.Second: "clock 45s behind",
	} {
		if got := ClockSkewText(d); got != want {
			t.Errorf("ClockSkewText(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestStatusBarSyncFailure(t *testing.T) {
	m := newConflictModel(t, nil)
	send(t, m, SyncMsg{Configured: true, Online: true, Progress: -1, Waiting: 4, Err: "hub: 401 unknown or revoked token"})
	lines := strings.Split(screen(m), "\n")
	if bar := lines[len(lines)-2]; !strings.Contains(bar, "4 waiting; sync failed: hub: 401") || strings.Contains(bar, "online") {
		t.Errorf("status bar %q hides the failed sync", bar)
	}
}

func TestSyncNoticeShownInFooter(t *testing.T) {
	m := newConflictModel(t, nil)
	send(t, m, SyncMsg{Configured: true, Online: true, Progress: -1, Notice: "tariff version HIT-2027A is now active (published by office); prices follow it"})
	if got := screen(m); !strings.Contains(got, "tariff version HIT-2027A is now active") {
		t.Fatalf("notice not shown:\n%s", got)
	}
}

// Resolving asks first and shows the value it will keep; l is navigation
// elsewhere and resolves nothing here; n goes back without writing.
func TestConflictsResolveAsksWithValue(t *testing.T) {
	cs := conflictFixture()
	m := newConflictModel(t, cs)
	openConflicts(t, m)
	keys(t, m, "l")
	if len(cs.resolved) != 0 {
		t.Fatalf("l resolved %v", cs.resolved)
	}
	keys(t, m, "j", "o")
	if len(cs.resolved) != 0 {
		t.Fatalf("o resolved without asking: %v", cs.resolved)
	}
	got := screen(m)
	if !strings.Contains(got, "Take the other value for RBA-2026-000107 › case › priority?") || !strings.Contains(got, "    1") {
		t.Fatalf("no question with the value:\n%s", got)
	}
	golden(t, "conflicts_confirm", m)
	keys(t, m, "n")
	if len(cs.resolved) != 0 || m.top().(*conflictsScreen).pending != nil {
		t.Fatalf("n: resolved %v", cs.resolved)
	}
	keys(t, m, "o", "y")
	if len(cs.resolved) != 1 || cs.resolved[0] != "amina.idrissi c22b3c4d5e6 loser" {
		t.Fatalf("resolved %v", cs.resolved)
	}
	if !strings.Contains(m.msg, "case priority = 1") {
		t.Fatalf("message %q does not name the value kept", m.msg)
	}
}

// The value prompt shows the whole value in the body with the cursor; the
// cursor moves, typing inserts where it is, paste lands there.
func TestConflictsValueInputEditable(t *testing.T) {
	cs := conflictFixture()
	m := newConflictModel(t, cs)
	openConflicts(t, m)
	keys(t, m, "j", "j", "e")
	s := m.top().(*conflictsScreen)
	got := screen(m)
	if !strings.Contains(got, "New value for RBA-2026-000111 › booking/b1 › remarks:") ||
		!strings.Contains(got, "Wheelchair to the gate at JFK") || !strings.Contains(got, "whole family█") {
		t.Fatalf("the value is not shown whole with its cursor:\n%s", got)
	}
	keys(t, m, "home")
	typeText(t, m, "Note: ")
	send(t, m, tea.PasteMsg{Content: "pasted"})
	typeText(t, m, " ")
	if v := s.value.Value(); !strings.HasPrefix(v, "Note: pasted Wheelchair") {
		t.Fatalf("value %q", v)
	}
	if raw := m.render(); !strings.Contains(raw, cursorOn+"W"+cursorOff) {
		t.Fatal("the character under the cursor is not shown reversed")
	}
	golden(t, "conflicts_edit_typed", m)
}
