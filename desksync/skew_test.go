package desksync_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"movedesk/change"
	"movedesk/desksync"
	"movedesk/store"
	"movedesk/wire"
)

// TestClockSkewCorrected: a desk whose clock is three hours fast learns the
// hub's time on its first sync and stamps later writes in hub time, so its
// edit made before another desk's loses the clash, as it should; the
// correction survives a restart and is cleared when the clock is set right.
func TestClockSkewCorrected(t *testing.T) {
	h := newHub(t)
	fast := func() time.Time { return time.Now().Add(3 * time.Hour) }
	dir := t.TempDir()
	as, err := store.Open(dir, store.Options{Desk: "rba-fast", Now: fast})
	if err != nil {
		t.Fatal(err)
	}
	a := &desk{s: as, token: h.token(t, "RBA", "rba-fast"), hub: h}
	b := newDesk(t, h, "RBA", "rba-2")
	ca := &desksync.Client{HTTP: &http.Client{}, Now: fast}
	syncA := func() desksync.Result {
		t.Helper()
		r, err := ca.Sync(context.Background(), a.s, h.srv.URL, a.token, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := syncA() // a new desk's first sync: nothing to push yet
	if off := r.ClockOffset; off > -3*time.Hour+5*time.Second || off < -3*time.Hour-5*time.Second {
		t.Fatalf("clock offset %v, want about -3h", off)
	}
	cases := fill(t, b.s, 3, "RBA", 7)
	b.sync(t)
	syncA()
	key := cases[1]
	edit(t, a.s, key, "notes", "first, at the fast desk")
	time.Sleep(20 * time.Millisecond)
	edit(t, b.s, key, "notes", "second, at the right desk")
	syncA()
	b.sync(t)
	syncA()
	for _, s := range []*store.Store{a.s, b.s, h.store} {
		var c struct {
			Notes string `json:"notes"`
		}
		s.View(func(tx *store.Tx) error { _, err := tx.Get(key, &c); return err })
		if c.Notes != "second, at the right desk" {
			t.Errorf("%s: notes = %q, want the later edit", s.Desk(), c.Notes)
		}
	}
	if ahead := h.store.Clock().Last().Time().Sub(time.Now()); ahead > time.Minute {
		t.Errorf("the hub's clock was dragged %v into the future", ahead)
	}
	// The correction is kept across a restart.
	a.s.Close()
	if a.s, err = store.Open(dir, store.Options{Now: fast}); err != nil {
		t.Fatal(err)
	}
	defer a.s.Close()
	if off := a.s.Clock().Offset(); off > -3*time.Hour+5*time.Second || off < -3*time.Hour-5*time.Second {
		t.Fatalf("offset after reopen %v", off)
	}
	// The clock set right: the correction goes.
	ca.Now = nil
	if r := syncA(); r.ClockOffset != 0 || a.s.Clock().Offset() != 0 {
		t.Fatalf("offset after the clock was fixed: %v / %v", r.ClockOffset, a.s.Clock().Offset())
	}
}

// TestFutureStampsRedated: a desk whose clock ran three hours fast while it
// worked before ever meeting the hub has its batch refused (409, nothing
// applied), re-dates its unsent ops in hub time and sends them again; the
// hub's clock is not dragged ahead, and the desk and hub hold the same cases.
func TestFutureStampsRedated(t *testing.T) {
	h := newHub(t)
	fast := func() time.Time { return time.Now().Add(3 * time.Hour) }
	as, err := store.Open(t.TempDir(), store.Options{Desk: "rba-fast", Now: fast})
	if err != nil {
		t.Fatal(err)
	}
	defer as.Close()
	tok := h.token(t, "RBA", "rba-fast")
	cases := fill(t, as, 5, "RBA", 21)
	edit(t, as, cases[0], "notes", "offline, clock fast")
	ca := &desksync.Client{HTTP: &http.Client{}, Now: fast}
	r, err := ca.Sync(context.Background(), as, h.srv.URL, tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Redated == 0 || r.Pushed == 0 {
		t.Fatalf("result %+v: want ops re-dated and pushed", r)
	}
	if ahead := time.Until(h.store.Clock().Last().Time()); ahead > time.Minute {
		t.Fatalf("hub clock dragged %v ahead", ahead)
	}
	if ahead := time.Until(as.Clock().Last().Time()); ahead > time.Minute {
		t.Fatalf("desk clock still %v ahead after re-dating", ahead)
	}
	if ha, hh := hashOf(t, as, caseKeys), hashOf(t, h.store, office(h.store, "RBA")); ha != hh {
		t.Fatal("desk and hub differ after re-dated push")
	}
	// New writes are stamped in hub time.
	edit(t, as, cases[1], "notes", "after the correction")
	if r, err := ca.Sync(context.Background(), as, h.srv.URL, tok, nil); err != nil || r.Redated != 0 || r.Pushed != 1 {
		t.Fatalf("second sync: %+v %v", r, err)
	}
	// A raw batch stamped far ahead is refused whole.
	before := h.store.LogLen()
	st, _ := as.ReplicaState()
	op := change.Op{Seq: st.Pushed + 1000, HLC: change.MakeHLC(time.Now().Add(time.Hour).UnixMilli(), 0), Key: cases[2],
		Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"x"`)}}
	if p := post(t, h, tok, &wire.SyncRequest{Desk: as.Desk(), Instance: as.Instance(), Ops: []wire.Op{wire.FromOp(&op, true)}}); p.status != 409 || !strings.Contains(p.err, "clock is wrong") {
		t.Fatalf("future batch: %d %q", p.status, p.err)
	}
	if h.store.LogLen() != before {
		t.Fatal("a refused batch changed the hub")
	}
}
