package tui

import (
	"strings"
	"testing"

	"movedesk/booking"
)

// fakeTeam is a TeamDesk over a memSource with the role table's checks,
// as package desk makes them.
type fakeTeam struct {
	src   *memSource
	users []booking.User
	calls int
}

func (f *fakeTeam) byName() map[string]booking.User {
	m := map[string]booking.User{}
	for _, u := range f.users {
		m[u.Name] = u
	}
	return m
}

func (f *fakeTeam) Users() ([]booking.User, error) { return f.users, nil }

func (f *fakeTeam) AssignCases(actor, to string, cases []string) (int, error) {
	f.calls++
	if err := booking.Authorize(f.byName(), actor, booking.ActAssign); err != nil {
		return 0, err
	}
	f.src.mu.Lock()
	defer f.src.mu.Unlock()
	for _, no := range cases {
		if _, ok := f.src.files[no]; !ok {
			return 0, booking.Errorf(booking.ENOTFOUND, "case", "no case %s", no)
		}
	}
	n := 0
	for _, no := range cases {
		if c := &f.src.files[no].Case; c.Assignee != to {
			c.Assignee = to
			n++
		}
	}
	return n, nil
}

func teamUsers(leader string) []booking.User {
	return []booking.User{
		{Name: "amina.idrissi", Office: "RBA", Role: booking.RoleAssociate},
		{Name: "omar.benali", Office: "RBA", Role: booking.RoleAssociate},
		{Name: "sara.tazi", Office: "RBA", Role: booking.RoleDataProcessing},
		{Name: leader, Office: "RBA", Role: booking.RoleTeamLeader},
		{Name: "vera", Office: "RBA", Role: booking.RoleViewer},
	}
}

// teamModel is the app over fixture(n) with some cases of omar.benali and
// some of nobody, signed in as user.
func teamModel(t *testing.T, n int, user string, users []booking.User) (*Model, *memSource, *fakeTeam) {
	t.Helper()
	src := fixture(n)
	for i := 0; i < n; i++ {
		f := src.files[fixtureFile(i).Case.Number]
		switch i % 4 {
		case 1:
			f.Case.Assignee = "omar.benali"
		case 2:
			f.Case.Assignee = ""
		}
	}
	team := &fakeTeam{src: src, users: users}
	st, err := DefaultStyles("dark", true)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Options{Source: src, Cases: src, ABNs: src, User: user, Office: "RBA", Keys: DefaultKeyMap(), Styles: st,
		Now: testNow, Team: team, Review: &fakeReview{src: src, users: users, now: testNow}})
	if err != nil {
		t.Fatal(err)
	}
	send(t, m, teaSize(80, 24))
	return m, src, team
}

func assignees(src *memSource, nos []string) []string {
	out := make([]string, len(nos))
	for i, no := range nos {
		out[i] = src.files[no].Case.Assignee
	}
	return out
}

// TestMarkAndAssign drives marks in a queue and :assign: space and x mark
// rows (shown in the row and counted in the footer), esc clears them, V
// marks a range, ctrl+a all shown, and :assign assigns the marked cases
// in one call, then clears the marks.
func TestMarkAndAssign(t *testing.T) {
	m, src, team := teamModel(t, 40, "tara.leader", teamUsers("tara.leader"))
	send(t, m, QueueMsg{Name: "all"})
	keys(t, m, "space", "x")
	scr := screen(m)
	if !strings.Contains(scr, "● 2 marked") {
		t.Fatalf("two marks not counted:\n%s", scr)
	}
	if strings.Count(scr, " ●RBA-") != 2 {
		t.Fatalf("marks not shown in the rows:\n%s", scr)
	}
	keys(t, m, "esc")
	if scr := screen(m); strings.Contains(scr, "marked") || strings.Contains(scr, "●RBA") {
		t.Fatalf("esc did not clear the marks:\n%s", scr)
	}
	// The cursor is on row 3: x marks it (the cursor moves on), j j, V
	// marks rows 3 to 6.
	keys(t, m, "x", "j", "j", "V")
	if got := m.queue.Marked(); len(got) != 4 || got[0] != "RBA-2026-000102" || got[3] != "RBA-2026-000105" {
		t.Fatalf("V marked %v", got)
	}
	marked := m.queue.Marked()
	keys(t, m, ":")
	typeText(t, m, "assign omar.benali")
	keys(t, m, "enter")
	if team.calls != 1 {
		t.Fatalf("%d calls for one :assign", team.calls)
	}
	for i, a := range assignees(src, marked) {
		if a != "omar.benali" {
			t.Errorf("%s is assigned to %q", marked[i], a)
		}
	}
	scr = screen(m)
	if !strings.Contains(scr, "assigned 3 case(s) to omar.benali (1 already were)") || strings.Contains(scr, "marked") {
		t.Fatalf("after :assign:\n%s", scr)
	}
	// The rows show it at once.
	for _, r := range m.queue.rows {
		if r.Number == marked[0] && r.Assignee != "omar.benali" {
			t.Fatalf("row of %s not refreshed: %q", marked[0], r.Assignee)
		}
	}
	// ctrl+a marks every case shown (the filter's), again unmarks them.
	keys(t, m, "/")
	typeText(t, m, "status:on-hold")
	keys(t, m, "enter", "ctrl+a")
	if n, shown := len(m.queue.Marked()), len(m.queue.shown); n != 4 || shown != 4 {
		t.Fatalf("ctrl+a marked %d of %d shown", n, shown)
	}
	keys(t, m, "ctrl+a")
	if n := len(m.queue.Marked()); n != 0 {
		t.Fatalf("ctrl+a again left %d marked", n)
	}
	// Without marks, :assign takes the open case.
	keys(t, m, "enter", ":")
	typeText(t, m, "assign sara.tazi")
	keys(t, m, "enter")
	no := m.top().(CaseContext).CurrentCase()
	if got := assignees(src, []string{no}); got[0] != "sara.tazi" {
		t.Fatalf("the open case %s: %v", no, got)
	}
	if !strings.Contains(screen(m), "sara.tazi") {
		t.Fatalf("case screen not refreshed:\n%s", screen(m))
	}
}

// TestAssignRefusedSaysWhy: only team leaders assign; others see why, and
// nothing changes (the marks stay for a leader to use).
func TestAssignRefusedSaysWhy(t *testing.T) {
	m, src, _ := teamModel(t, 20, "amina.idrissi", teamUsers("tara.leader"))
	send(t, m, QueueMsg{Name: "all"})
	keys(t, m, "space", "space", ":")
	typeText(t, m, "assign omar.benali")
	keys(t, m, "enter")
	scr := screen(m)
	if !strings.Contains(scr, "✗ user amina.idrissi (associate) may not assign cases (case.assign: team-leader)") {
		t.Fatalf("refusal not shown:\n%s", scr)
	}
	if got := assignees(src, []string{"RBA-2026-000100", "RBA-2026-000101"}); got[0] != "amina.idrissi" || got[1] != "omar.benali" {
		t.Fatalf("a refused assignment changed %v", got)
	}
	if len(m.queue.Marked()) != 2 {
		t.Fatal("a refused assignment dropped the marks")
	}
	// No user named, nothing marked or open: said too.
	keys(t, m, ":")
	typeText(t, m, "assign")
	keys(t, m, "enter")
	if !strings.Contains(screen(m), ":assign needs a user") {
		t.Fatalf("bare :assign:\n%s", screen(m))
	}
}

// TestTeamScreen: the Team screen counts each associate's open cases by
// queue and age, and the cases of nobody; enter lists them as a queue.
func TestTeamScreen(t *testing.T) {
	m, _, _ := teamModel(t, 40, "tara.leader", teamUsers("tara.leader"))
	keys(t, m, "W")
	golden(t, "team", m)
	// The unassigned line comes first; enter lists them.
	keys(t, m, "enter")
	scr := screen(m)
	if !strings.Contains(scr, "Open cases assigned to nobody") {
		t.Fatalf("no unassigned queue:\n%s", scr)
	}
	for _, r := range m.queue.shown {
		if s := m.queue.rows[r]; s.Assignee != "" || !openCase(&s) {
			t.Fatalf("the unassigned queue holds %s (%q, %s)", s.Number, s.Assignee, s.Status)
		}
	}
	if len(m.queue.shown) == 0 {
		t.Fatal("the unassigned queue is empty")
	}
	// :team again, down to omar.benali, enter: his queue.
	keys(t, m, ":")
	typeText(t, m, "team")
	keys(t, m, "enter", "j", "j", "enter")
	golden(t, "team_queue", m)
	for _, r := range m.queue.shown {
		if s := m.queue.rows[r]; s.Assignee != "omar.benali" {
			t.Fatalf("omar's queue holds %s of %q", s.Number, s.Assignee)
		}
	}
}

func TestTeamCountsAge(t *testing.T) {
	src := fixture(0)
	for i, rec := range []string{"2026-11-20", "2026-10-01", "2026-06-01"} {
		f := fixtureFile(i * 10) // received
		f.Case.Received = booking.MustDate(rec)
		f.Case.Assignee = "omar.benali"
		src.add(f)
	}
	ts := newTeamScreen(&KeyMap{}, &Styles{}, nil, func() []booking.Summary { rows, _ := src.Rows(); return rows }, booking.DateOf(testNow()))
	ts.build(nil)
	var omar *teamLine
	for i := range ts.lines {
		if ts.lines[i].user == "omar.benali" {
			omar = &ts.lines[i]
		}
	}
	if omar == nil || omar.open != 3 || omar.old != 2 || omar.oldest.String() != "2026-06-01" || omar.byQueue[0] != 3 {
		t.Fatalf("omar: %+v", omar)
	}
}
