package tui

import (
	"testing"

	"movedesk/booking"
)

// genSource is a memSource that says which cases changed (RowChanges) and
// counts what the app reads.
type genSource struct {
	*memSource
	gen       uint64
	log       []string // log[i] changed at generation i+1
	ring      int      // how many changes it remembers
	rows, one int
}

func (g *genSource) Rows() ([]booking.Summary, error) { g.rows++; return g.memSource.Rows() }
func (g *genSource) Summary(no string) (booking.Summary, error) {
	g.one++
	return g.memSource.Summary(no)
}
func (g *genSource) RowGen() uint64 { return g.gen }
func (g *genSource) RowsChangedSince(gen uint64) ([]string, uint64, bool) {
	if g.gen-gen > uint64(g.ring) {
		return nil, g.gen, true
	}
	return g.log[gen:], g.gen, false
}

func (g *genSource) change(f *booking.CaseFile) {
	g.add(f)
	g.gen++
	g.log = append(g.log, f.Case.Number)
}

// TestSyncReloadsOnlyChangedRows: when the store changes under the app (a
// sync pulled an edit), the queue reads the changed case's row alone, not
// every row; a new case joins the queue the same way; only a change too
// large to list reads every row again.
func TestSyncReloadsOnlyChangedRows(t *testing.T) {
	src := &genSource{memSource: fixture(40), ring: 10}
	m := newTestModel(t, src, nil)
	if src.rows != 1 {
		t.Fatalf("rows read %d times at start", src.rows)
	}
	row := func(no string) booking.Summary {
		i, ok := m.queue.find(no)
		if !ok {
			t.Fatalf("%s not in the queue", no)
		}
		return m.queue.rows[i]
	}

	f := fixtureFile(3)
	f.Case.DestCity, f.Case.Assignee = "Winnipeg", "karim.benali"
	src.change(f)
	send(t, m, changedMsg{})
	if src.rows != 1 || src.one != 1 {
		t.Fatalf("one changed case read %d full loads and %d rows", src.rows-1, src.one)
	}
	if r := row(f.Case.Number); r.DestCity != "Winnipeg" || r.Assignee != "karim.benali" {
		t.Fatalf("row not refreshed: %+v", r)
	}

	nf := fixtureFile(77) // a case new to this desk
	src.change(nf)
	send(t, m, changedMsg{})
	if src.rows != 1 || row(nf.Case.Number).Number != nf.Case.Number || len(m.queue.rows) != 41 {
		t.Fatalf("new case: %d full loads, %d rows", src.rows-1, len(m.queue.rows))
	}

	for i := range 11 {
		g := fixtureFile(i)
		g.Case.Priority = 3
		src.change(g)
	}
	send(t, m, changedMsg{})
	if src.rows != 2 {
		t.Fatalf("too many changes to list: %d full loads, want 1", src.rows-1)
	}
	send(t, m, changedMsg{}) // nothing since
	if src.rows != 2 {
		t.Fatal("nothing changed and every row was read")
	}
}
