package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

func TestQueueGolden(t *testing.T) {
	m := newTestModel(t, fixture(60), nil)
	golden(t, "queue_new", m)
	keys(t, m, "tab")
	golden(t, "queue_to_book", m)
}

func TestQueueMoveAndPage(t *testing.T) {
	m := newTestModel(t, fixture(400), nil)
	keys(t, m, "tab", "tab", "tab", "tab", "tab", "tab", "tab", "tab") // All
	if got := m.queue.tabs[m.queue.tab].def.Slug; got != "all" {
		t.Fatalf("tab = %s, want all", got)
	}
	q := m.queue
	lh := q.listHeight()
	steps := []struct {
		key  string
		want int
	}{
		{"j", 1}, {"down", 2}, {"k", 1}, {"G", 399}, {"g", 0}, {"ctrl+d", lh / 2}, {"ctrl+u", 0},
		{"pgdown", lh}, {"pgup", 0}, {"end", 399}, {"home", 0}, {"up", 0},
	}
	for _, s := range steps {
		keys(t, m, s.key)
		if q.cursor != s.want {
			t.Fatalf("after %s: cursor %d, want %d", s.key, q.cursor, s.want)
		}
		if q.cursor < q.offset || q.cursor >= q.offset+lh {
			t.Fatalf("after %s: cursor %d outside window %d..%d", s.key, q.cursor, q.offset, q.offset+lh)
		}
	}
	keys(t, m, "G")
	if !strings.Contains(screen(m), "RBA-2026-000499") {
		t.Fatalf("bottom row not rendered:\n%s", screen(m))
	}
}

func TestQueueFilter(t *testing.T) {
	m := newTestModel(t, fixture(60), nil)
	keys(t, m, "shift+tab") // All (wraps)
	keys(t, m, "/")
	typeText(t, m, "popal")
	if m.mode() != "FILTER" {
		t.Fatalf("mode %s, want FILTER", m.mode())
	}
	shown, _ := m.queue.Counts()
	if shown != 6 {
		t.Fatalf("popal: %d shown, want 6", shown)
	}
	golden(t, "queue_filter", m)
	// q is text while filtering, not quit.
	if keys(t, m, "q") {
		t.Fatal("q quit while typing a filter")
	}
	keys(t, m, "backspace", "enter")
	if shown, _ := m.queue.Counts(); shown != 6 {
		t.Fatalf("after enter: %d shown, want 6", shown)
	}
	keys(t, m, "esc")
	if shown, _ := m.queue.Counts(); shown != 60 {
		t.Fatalf("esc should clear the filter: %d shown", shown)
	}
	// Case number, ABN number and destination filter too.
	for _, f := range []struct {
		text string
		want int
	}{{"rba-2026-000105", 1}, {"abn-rba-2026-000106", 1}, {"sydney", 20}, {"syd haddad", 2}} {
		keys(t, m, "/")
		typeText(t, m, f.text)
		if shown, _ := m.queue.Counts(); shown != f.want {
			t.Errorf("filter %q: %d shown, want %d", f.text, shown, f.want)
		}
		keys(t, m, "esc")
	}
}

func TestQueueSortAndCommand(t *testing.T) {
	m := newTestModel(t, fixture(60), nil)
	keys(t, m, ":")
	typeText(t, m, "queue hold")
	keys(t, m, "enter")
	if got := m.queue.tabs[m.queue.tab].def.Slug; got != "hold" {
		t.Fatalf(":queue hold selected %s", got)
	}
	keys(t, m, "s")
	if got := m.queue.tabs[m.queue.tab].sort; got != sortNumber {
		t.Fatalf("sort after s = %v", got)
	}
	keys(t, m, "r")
	q := m.queue
	if first := q.rows[q.shown[0]].Number; first != "RBA-2026-000158" {
		t.Fatalf("reverse number sort starts at %s", first)
	}
	if q.CurrentCase() != "RBA-2026-000108" {
		t.Fatalf("the cursor should stay on its case when the order changes, is on %s", q.CurrentCase())
	}
}

func TestQuitAtTop(t *testing.T) {
	m := newTestModel(t, fixture(3), nil)
	if !keys(t, m, "q") {
		t.Fatal("q at the top should quit")
	}
	m = newTestModel(t, fixture(3), nil)
	if !keys(t, m, "ctrl+c") {
		t.Fatal("ctrl+c without unsaved input should quit at once")
	}
}

func TestTooSmall(t *testing.T) {
	m := newTestModel(t, fixture(3), nil)
	send(t, m, teaSize(50, 10))
	if !strings.Contains(screen(m), "Terminal too small") {
		t.Fatalf("no too-small notice:\n%s", screen(m))
	}
	before := m.queue.cursor
	keys(t, m, "j", "tab")
	if m.queue.cursor != before || m.queue.tab != 0 {
		t.Fatal("keys changed state while the terminal was too small")
	}
}

// TestFilterIgnoresAccentsAndCase: /ramirez finds RAMÍREZ and /ramírez
// finds Ramirez.
func TestFilterIgnoresAccentsAndCase(t *testing.T) {
	src := fixture(6)
	f := fixtureFile(7)
	f.Case.Number = "RBA-2026-000900"
	for i := range f.Travellers {
		f.Travellers[i].Case, f.Travellers[i].FamilyName = f.Case.Number, "Ramírez"
	}
	f.Documents = nil
	src.add(f)
	g := fixtureFile(17)
	g.Case.Number = "RBA-2026-000901"
	for i := range g.Travellers {
		g.Travellers[i].Case, g.Travellers[i].FamilyName = g.Case.Number, "RAMIREZ"
	}
	g.Documents = nil
	src.add(g)
	m := newTestModel(t, src, nil)
	send(t, m, QueueMsg{Name: "all"})
	for _, q := range []string{"ramirez", "RAMÍREZ", "ramírez"} {
		keys(t, m, "/")
		typeText(t, m, q)
		if shown, _ := m.queue.Counts(); shown != 2 {
			t.Errorf("/%s shows %d case(s), want 2:\n%s", q, shown, screen(m))
		}
		keys(t, m, "esc")
	}
}

// Pasted text lands in the queue filter and in the case view's reason
// prompt.
func TestPasteInFilterAndReason(t *testing.T) {
	src := fixture(50)
	m := newTestModel(t, src, fakeQuoter{})
	keys(t, m, "/")
	send(t, m, tea.PasteMsg{Content: "haddad"})
	if v := m.queue.filter.Value(); v != "haddad" || len(m.queue.shown) == 0 {
		t.Fatalf("filter %q, %d shown", v, len(m.queue.shown))
	}
	for _, i := range m.queue.shown {
		if !strings.Contains(strings.ToUpper(m.queue.rows[i].Principal), "HADDAD") {
			t.Fatalf("row %+v shown for haddad", m.queue.rows[i])
		}
	}
	keys(t, m, "esc")
	send(t, m, OpenCaseMsg{Number: "RBA-2026-000102"}) // travel-ready
	keys(t, m, "m", "j", "enter")
	send(t, m, tea.PasteMsg{Content: "medical\nre-check"})
	keys(t, m, "enter")
	f, _ := src.CaseFile("RBA-2026-000102")
	if f.Case.Status != booking.StatusOnHold || f.Case.StatusReason != "medical re-check" {
		t.Fatalf("status %s (%q)", f.Case.Status, f.Case.StatusReason)
	}
}

// Field terms combine with words; unknown keys are plain words.
func TestQueueFilterFieldTerms(t *testing.T) {
	src := fixture(60)
	src.files["RBA-2026-000107"].Case.Assignee = "omar.benali"
	src.files["RBA-2026-000107"].Case.Office = "KLT"
	m := newTestModel(t, src, nil)
	keys(t, m, "shift+tab") // All
	for _, f := range []struct {
		text string
		want int
	}{
		{"status:on-hold", 6}, {"status:on", 6}, {"STATUS:ready", 6}, {"status:on-hold popal", 0}, {"status:cancelled duarte", 6},
		{"assignee:omar", 1}, {"assignee:amina", 59}, {"assignee:omar safi", 0}, {"assignee:omar rahimi", 1},
		{"office:klt", 1}, {"office:rba", 59}, {"dest:syd", 20}, {"dest:toronto", 20}, {"prog:ca", 20}, {"prog:usrap status:ready", 2},
		{"abn:abn-rba", 18}, {"ssr:wchr", 60}, {"ssr:wc haddad", 6}, {"ssr:meda", 0}, {"colour:red", 0},
	} {
		keys(t, m, "/")
		typeText(t, m, f.text)
		if shown, _ := m.queue.Counts(); shown != f.want {
			t.Errorf("filter %q: %d shown, want %d", f.text, shown, f.want)
		}
		keys(t, m, "esc")
	}
	// Mine: the cases assigned to the signed-in user.
	keys(t, m, ":")
	typeText(t, m, "queue mine")
	keys(t, m, "enter")
	if got := m.queue.tabs[m.queue.tab].def.Slug; got != "mine" {
		t.Fatalf(":queue mine selected %s", got)
	}
	if shown, _ := m.queue.Counts(); shown != 59 {
		t.Fatalf("mine: %d shown, want 59", shown)
	}
	for _, i := range m.queue.shown {
		if m.queue.rows[i].Assignee != "amina.idrissi" {
			t.Fatalf("mine shows %s of %s", m.queue.rows[i].Number, m.queue.rows[i].Assignee)
		}
	}
	golden(t, "queue_mine", m)
}

// TestCopyCaseNumber: y puts the case under the cursor on the clipboard
// (OSC 52) and says so; while a filter is typed, y is text.
func TestCopyCaseNumber(t *testing.T) {
	m := newTestModel(t, fixture(60), nil)
	keys(t, m, "shift+tab") // All
	no := m.queue.CurrentCase()
	if no == "" {
		t.Fatal("no case under the cursor")
	}
	keys(t, m, "y")
	if s := screen(m); !strings.Contains(s, "copied "+no) {
		t.Fatalf("footer does not say what was copied:\n%s", s)
	}
	keys(t, m, "/")
	typeText(t, m, "y")
	if m.queue.filter.Value() != "y" {
		t.Fatalf("y while filtering: %q", m.queue.filter.Value())
	}
}

// y copies the case number on the case screen and the ABN number on the
// ABN screen (it worked in the queues only).
func TestCopyOnCaseAndABNScreens(t *testing.T) {
	src := fixture(20)
	m := newTestModel(t, src, fakeQuoter{})
	no := "RBA-2026-000102"
	send(t, m, OpenCaseMsg{Number: no})
	keys(t, m, "y")
	if s := screen(m); !strings.Contains(s, "copied "+no) {
		t.Fatalf("case screen: footer does not say what was copied:\n%s", s)
	}
	src.files[no].Case.ABNNumber = "ABN-" + no
	keys(t, m, ":")
	typeText(t, m, "abn "+no)
	keys(t, m, "enter", "y")
	if s := screen(m); !strings.Contains(s, "copied ABN-"+no) {
		t.Fatalf("ABN screen: footer does not say what was copied:\n%s", s)
	}
}
