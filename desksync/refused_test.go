package desksync_test

import (
	"strings"
	"testing"
)

// TestRefusedOpsDoNotBlock: a desk holding a case of another office (an
// import that included it) still syncs the rest of its work; the refused
// ops stay on the desk, listed with the hub's reason, and are not resent.
func TestRefusedOpsDoNotBlock(t *testing.T) {
	h := newHub(t)
	k := newDesk(t, h, "KLT", "klt-1")
	own := fill(t, k.s, 3, "KLT", 11)
	foreign := fill(t, k.s, 1, "RBA", 12)
	edit(t, k.s, own[0], "notes", "after the foreign case")
	r := k.sync(t)
	if r.Refused == 0 {
		t.Fatalf("nothing refused: %+v", r)
	}
	if w, _ := k.s.Waiting(); w != 0 {
		t.Fatalf("%d ops still waiting after the sync", w)
	}
	if hk, hh := hashOf(t, k.s, office(k.s, "KLT")), hashOf(t, h.store, office(h.store, "KLT")); hk != hh {
		t.Fatal("the desk's own office's cases did not all reach the hub")
	}
	if ok, _ := h.store.Summary(foreign[0]); ok.Number != "" {
		t.Fatalf("the hub took the foreign case %s", foreign[0])
	}
	refs, err := k.s.Refusals()
	if err != nil || len(refs) != r.Refused {
		t.Fatalf("refusals %d (%v), want %d", len(refs), err, r.Refused)
	}
	if !strings.HasPrefix(refs[0].Key, foreign[0]) || !strings.Contains(refs[0].Reason, `office "RBA"`) {
		t.Fatalf("first refusal %+v", refs[0])
	}
	// The foreign case is still on the desk, and nothing is resent.
	if s, _ := k.s.Summary(foreign[0]); s.Number != foreign[0] {
		t.Fatal("the refused case is gone from the desk")
	}
	if r := k.sync(t); r.Pushed != 0 || r.Refused != 0 || r.Requests != 1 {
		t.Fatalf("second sync: %+v", r)
	}
}
