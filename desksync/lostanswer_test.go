package desksync_test

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"movedesk/desksync"
	"movedesk/store"
)

// TestLostAnswerThenRestartIsNoRestore: the hub applies a push and its
// answer never reaches the desk (the link is cut after the hub committed),
// then the desk is closed and opened again (a new store instance) and
// syncs. Its store did not go back in time: it still holds the very ops the
// hub acknowledged. The sync must reconcile quietly: no recovery, no
// renumbering, no duplicate ops at the hub, nothing said about a backup,
// the lineage still accepted, and every edit (before and after the restart)
// at a fresh desk.
func TestLostAnswerThenRestartIsNoRestore(t *testing.T) {
	h := newHub(t)
	dir := filepath.Join(t.TempDir(), "desk")
	s, err := store.Open(dir, store.Options{Desk: "rba-1"})
	if err != nil {
		t.Fatal(err)
	}
	d := &desk{s: s, token: h.token(t, "RBA", "rba-1"), hub: h}
	cases := slices.Compact(fill(t, s, 5, "RBA", 1))
	d.sync(t)

	edit(t, d.s, cases[0], "assignee", "lost.answer")
	edit(t, d.s, cases[1], "assignee", "lost.answer")
	edit(t, d.s, cases[2], "assignee", "third.edit")
	f := &faulty{mode: "after", rt: http.DefaultTransport}
	f.fail.Store(1)
	if _, err := d.client(f).Sync(context.Background(), d.s, h.srv.URL, d.token, nil); err == nil {
		t.Fatal("sync whose answer was cut succeeded")
	}
	if got := fieldOf(t, h.store, cases[2], "assignee"); got != `"third.edit"` {
		t.Fatalf("the hub did not apply the push before the answer was lost: %s", got)
	}
	hubLen := h.store.LogLen()
	d.s.Close()

	d.s = openAt(t, dir) // the app restarted: another instance, same file
	defer d.s.Close()
	if n, _ := d.s.Waiting(); n != 3 {
		t.Fatalf("%d waiting after the restart, want the 3 unacknowledged edits", n)
	}
	edit(t, d.s, cases[3], "assignee", "after.restart")
	r := d.sync(t)
	if r.Recovery != nil {
		t.Fatalf("a lost answer was taken for a restore: %+v\n%s", r.Recovery, desksync.RecoveryText(r.Recovery))
	}
	if last, _ := d.s.LastRecovery(); last != nil {
		t.Fatalf("the store records a restore: %+v", last)
	}
	if r.Pushed != 4 {
		t.Fatalf("pushed %d, want the 3 acknowledged before plus the new one", r.Pushed)
	}
	if n, _ := d.s.Waiting(); n != 0 {
		t.Fatalf("%d still waiting", n)
	}
	if got := h.store.LogLen() - hubLen; got != 1 {
		t.Fatalf("the hub logged %d ops, want only the edit made after the restart (the 3 were sent again as new)", got)
	}

	// The lineage is still this desk's: it keeps syncing, and so does a
	// further restart.
	edit(t, d.s, cases[4], "assignee", "fifth.edit")
	if again := d.sync(t); again.Pushed != 1 || again.Recovery != nil {
		t.Fatalf("next sync %+v", again)
	}
	d.s.Close()
	d.s = openAt(t, dir)
	if again := d.sync(t); again.Recovery != nil {
		t.Fatalf("sync after a second restart: %+v", again)
	}

	fresh := newDesk(t, h, "RBA", "rba-2")
	fresh.sync(t)
	want := map[string]string{cases[0]: `"lost.answer"`, cases[1]: `"lost.answer"`, cases[2]: `"third.edit"`,
		cases[3]: `"after.restart"`, cases[4]: `"fifth.edit"`}
	for _, st := range []*store.Store{h.store, fresh.s} {
		for k, v := range want {
			if got := fieldOf(t, st, k, "assignee"); got != v {
				t.Errorf("%s: %s.assignee = %s, want %s", st.Desk(), k, got, v)
			}
		}
		if cs, _ := st.Conflicts(false); len(cs) != 0 {
			t.Errorf("%s: %d conflicts from one desk's own edits", st.Desk(), len(cs))
		}
	}
	if a, b := hashOf(t, fresh.s, caseKeys), hashOf(t, d.s, caseKeys); a != b {
		t.Fatal("the fresh desk and the restarted one differ")
	}
}

// TestLostAnswerThenRestoreStillFound: the lost answer does not blind the
// hub to a real restore. A push whose answer is lost, then the store is
// put back to a copy from before those edits and edited again: its ops
// carry the numbers the hub acknowledged with other content, so the hub
// finds the store behind it and nothing is lost.
func TestLostAnswerThenRestoreStillFound(t *testing.T) {
	h := newHub(t)
	dir := filepath.Join(t.TempDir(), "desk")
	s, err := store.Open(dir, store.Options{Desk: "rba-1"})
	if err != nil {
		t.Fatal(err)
	}
	d := &desk{s: s, token: h.token(t, "RBA", "rba-1"), hub: h}
	cases := slices.Compact(fill(t, s, 4, "RBA", 1))
	d.sync(t)
	s.Close()
	backup := filepath.Join(t.TempDir(), "backup")
	copyDir(t, dir, backup)

	d.s = openAt(t, dir)
	edit(t, d.s, cases[0], "assignee", "lost.copy")
	edit(t, d.s, cases[1], "assignee", "lost.copy")
	f := &faulty{mode: "after", rt: http.DefaultTransport}
	f.fail.Store(1)
	if _, err := d.client(f).Sync(context.Background(), d.s, h.srv.URL, d.token, nil); err == nil {
		t.Fatal("sync whose answer was cut succeeded")
	}
	d.s.Close()

	copyDir(t, backup, dir)
	d.s = openAt(t, dir)
	defer d.s.Close()
	// As many edits as were lost, so the numbers match exactly.
	edit(t, d.s, cases[2], "assignee", "restored.one")
	edit(t, d.s, cases[3], "assignee", "restored.two")
	r := d.sync(t)
	if r.Recovery == nil || r.Recovery.Renumbered != 2 || r.Recovery.Recovered != 2 {
		t.Fatalf("recovery %+v", r.Recovery)
	}
	if !strings.Contains(desksync.RecoveryText(r.Recovery), "restored from a backup") {
		t.Fatal("the user is not told")
	}
	fresh := newDesk(t, h, "RBA", "rba-2")
	fresh.sync(t)
	want := map[string]string{cases[0]: `"lost.copy"`, cases[1]: `"lost.copy"`, cases[2]: `"restored.one"`, cases[3]: `"restored.two"`}
	for _, st := range []*store.Store{h.store, fresh.s, d.s} {
		for k, v := range want {
			if got := fieldOf(t, st, k, "assignee"); got != v {
				t.Errorf("%s: %s.assignee = %s, want %s", st.Desk(), k, got, v)
			}
		}
	}
}
