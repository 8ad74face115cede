package desksync_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"movedesk/desksync"
	"movedesk/store"
	"movedesk/wire"
)

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o700); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(from, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(to, store.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func openAt(t *testing.T, dir string) *store.Store {
	t.Helper()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fieldOf(t *testing.T, s *store.Store, key, field string) string {
	t.Helper()
	var v string
	s.View(func(tx *store.Tx) error {
		cur, err := tx.Current(key, []string{field})
		if err != nil {
			t.Fatal(err)
		}
		v = string(cur[field])
		return nil
	})
	return v
}

// TestRestoredDeskLosesNothing is the sequence over a real hub on
// 127.0.0.1: copy a desk's data directory, make 3 edits and sync, put the
// copy back, make 2 edits and sync. The hub finds the store behind it,
// the 2 edits are renumbered and reach it, the 3 come back to the desk,
// the user is told in words, every edit reaches a fresh desk, and the
// copy that was replaced is refused when it syncs again.
func TestRestoredDeskLosesNothing(t *testing.T) {
	h := newHub(t)
	dir := filepath.Join(t.TempDir(), "desk")
	s, err := store.Open(dir, store.Options{Desk: "rba-1"})
	if err != nil {
		t.Fatal(err)
	}
	d := &desk{s: s, token: h.token(t, "RBA", "rba-1"), hub: h}
	cases := slices.Compact(fill(t, s, 5, "RBA", 1))
	d.sync(t)
	s.Close()

	backup := filepath.Join(t.TempDir(), "backup")
	copyDir(t, dir, backup)

	d.s = openAt(t, dir)
	edit(t, d.s, cases[0], "assignee", "restore.test")
	edit(t, d.s, cases[1], "assignee", "restore.test")
	edit(t, d.s, cases[2], "assignee", "third.edit")
	if r := d.sync(t); r.Pushed != 3 {
		t.Fatalf("pushed %d of the 3 edits", r.Pushed)
	}
	d.s.Close()
	later := filepath.Join(t.TempDir(), "later") // the replaced copy
	copyDir(t, dir, later)

	copyDir(t, backup, dir) // the copy goes back
	d.s = openAt(t, dir)
	defer d.s.Close()
	edit(t, d.s, cases[3], "assignee", "after.restore")
	edit(t, d.s, cases[4], "assignee", "fifth.edit")
	r := d.sync(t)
	if r.Recovery == nil || r.Recovery.Renumbered != 2 || r.Recovery.Recovered != 3 || !r.Recovery.Done {
		t.Fatalf("recovery %+v", r.Recovery)
	}
	if r.Pushed != 2 {
		t.Fatalf("pushed %d, want the 2 edits made after the restore", r.Pushed)
	}
	words := desksync.RecoveryText(r.Recovery)
	for _, w := range []string{"restored from a backup", "Nothing is lost", "2 changes made here", "3 changes this store lacked", "stop using that copy"} {
		if !strings.Contains(words, w) {
			t.Errorf("recovery text lacks %q: %s", w, words)
		}
	}
	if n, _ := d.s.Waiting(); n != 0 {
		t.Fatalf("%d waiting after the recovery", n)
	}
	if again := d.sync(t); again.Pushed+again.Pulled != 0 {
		t.Fatalf("second sync moved %+v", again)
	}
	if last, _ := d.s.LastRecovery(); last == nil || !last.Done {
		t.Fatalf("last recovery %+v", last)
	}

	want := map[string]string{
		cases[0] + ".assignee": `"restore.test"`, cases[1] + ".assignee": `"restore.test"`, cases[2] + ".assignee": `"third.edit"`,
		cases[3] + ".assignee": `"after.restore"`, cases[4] + ".assignee": `"fifth.edit"`,
	}
	fresh := newDesk(t, h, "RBA", "rba-2")
	fresh.sync(t)
	for _, st := range []*store.Store{fresh.s, d.s, h.store} {
		for kf, v := range want {
			k, f, _ := strings.Cut(kf, ".")
			if got := fieldOf(t, st, k, f); got != v {
				t.Errorf("%s: %s = %s, want %s", st.Desk(), kf, got, v)
			}
		}
	}
	if a, b := hashOf(t, fresh.s, caseKeys), hashOf(t, d.s, caseKeys); a != b {
		t.Fatal("the fresh desk and the restored one differ")
	}
	// The restored desk's chain goes on from the hub's, which holds the
	// lost ops: both chains verify and agree.
	chainsAgree(t, d)

	// The copy the restore replaced comes back to life: refused, in words.
	old := openAt(t, later)
	defer old.Close()
	edit(t, old, cases[0], "assignee", "left.behind")
	_, err = d.client(nil).Sync(context.Background(), old, h.srv.URL, d.token, nil)
	var he *desksync.HTTPError
	if !errors.As(err, &he) || he.Status != 403 || he.Code != wire.CodeStoreCopy {
		t.Fatalf("second live copy: %v", err)
	}
	if txt := desksync.ErrorText(err); !strings.Contains(txt, "another copy") || !strings.Contains(txt, "not sent") {
		t.Fatalf("words: %s", txt)
	}
	if got := fieldOf(t, h.store, cases[0], "assignee"); got == `"left.behind"` {
		t.Fatal("the refused copy's edit reached the hub")
	}
}

// TestRestoredDeskClashIsAConflict: an edit made on the copy that was
// replaced and one made on the restored store to the same field had not
// seen each other: the later wins and the other is kept as a conflict, at
// the hub and at every desk of the office, never dropped without a trace.
func TestRestoredDeskClashIsAConflict(t *testing.T) {
	h := newHub(t)
	dir := filepath.Join(t.TempDir(), "desk")
	s, err := store.Open(dir, store.Options{Desk: "rba-1"})
	if err != nil {
		t.Fatal(err)
	}
	d := &desk{s: s, token: h.token(t, "RBA", "rba-1"), hub: h}
	cases := slices.Compact(fill(t, s, 2, "RBA", 1))
	d.sync(t)
	s.Close()
	backup := filepath.Join(t.TempDir(), "backup")
	copyDir(t, dir, backup)
	d.s = openAt(t, dir)
	edit(t, d.s, cases[0], "assignee", "before.restore")
	d.sync(t)
	d.s.Close()
	copyDir(t, backup, dir)
	d.s = openAt(t, dir)
	defer d.s.Close()
	edit(t, d.s, cases[0], "assignee", "after.restore")
	if r := d.sync(t); r.Recovery == nil || r.Recovery.Renumbered != 1 {
		t.Fatalf("recovery %+v", r.Recovery)
	}
	d.sync(t)
	fresh := newDesk(t, h, "RBA", "rba-2")
	fresh.sync(t)
	for _, st := range []*store.Store{h.store, d.s, fresh.s} {
		if got := fieldOf(t, st, cases[0], "assignee"); got != `"after.restore"` {
			t.Errorf("%s: assignee %s", st.Desk(), got)
		}
		cs, _ := st.Conflicts(false)
		if len(cs) != 1 || string(cs[0].Loser.Value) != `"before.restore"` {
			t.Errorf("%s: conflicts %+v", st.Desk(), cs)
		}
	}
}
