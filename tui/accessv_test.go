package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeAccess keeps openings in memory; only "lina.lead" reads the log.
type fakeAccess struct{ ents []AccessEntry }

func (f *fakeAccess) NoteAccess(actor, no, what string) error {
	f.ents = append([]AccessEntry{{At: testNow(), User: actor, Case: no, What: what}}, f.ents...)
	return nil
}

func (f *fakeAccess) AccessLog(actor, no string) ([]AccessEntry, error) {
	if actor != "lina.lead" {
		return nil, fmt.Errorf("user %s (associate) may not read the desk's access log (who opened which case) (audit.read: team-leader)", actor)
	}
	var out []AccessEntry
	for _, e := range f.ents {
		if no == "" || e.Case == no || e.Case == "*" {
			out = append(out, e)
		}
	}
	return out, nil
}

// TestAccessLogScreen: opening a case or its ABN notes who opened it;
// :access shows the log to a team leader and the role's reason to others.
func TestAccessLogScreen(t *testing.T) {
	m := newTestModel(t, fixture(3), nil)
	fa := &fakeAccess{ents: []AccessEntry{{At: testNow().Add(-26 * time.Hour), User: "karim.export", Case: "*", What: "export"}}}
	m.opt.Access = fa
	keys(t, m, ":")
	typeText(t, m, "open RBA-2026-000101")
	keys(t, m, "enter")
	if len(fa.ents) != 2 || fa.ents[0].Case != "RBA-2026-000101" || fa.ents[0].User != "amina.idrissi" || fa.ents[0].What != "case screen" {
		t.Fatalf("opening the case noted %+v", fa.ents)
	}
	keys(t, m, ":")
	typeText(t, m, "abn RBA-2026-000102")
	keys(t, m, "enter")
	if len(fa.ents) != 3 || fa.ents[0].What != "abn screen" {
		t.Fatalf("opening the ABN noted %+v", fa.ents)
	}
	keys(t, m, ":")
	typeText(t, m, "access")
	keys(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "may not read the desk's access log") || !strings.Contains(s, "audit.read: team-leader") {
		t.Fatalf("an associate sees:\n%s", s)
	}
	golden(t, "access_refused", m)
	keys(t, m, "esc")

	m.opt.User = "lina.lead"
	keys(t, m, ":")
	typeText(t, m, "access")
	keys(t, m, "enter")
	golden(t, "access_log", m)
	keys(t, m, "esc", ":")
	typeText(t, m, "access RBA-2026-000101")
	keys(t, m, "enter")
	if s := screen(m); !strings.Contains(s, "Access log of RBA-2026-000101") || strings.Contains(s, "abn screen") || !strings.Contains(s, "(all cases)") {
		t.Fatalf("one case's log:\n%s", s)
	}
}
