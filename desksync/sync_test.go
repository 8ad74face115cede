package desksync_test

import (
	"bytes"
	"movedesk/store"
	"strings"
	"testing"
)

// TestSliceTwoDesksOneOffice: desk A writes offline and syncs; desk B of the
// same office syncs and sees it; the office's records hash the same.
func TestSliceTwoDesksOneOffice(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	b := newDesk(t, h, "RBA", "rba-2")
	cases := fill(t, a.s, 20, "RBA", 1)
	r := a.sync(t)
	if r.Pushed == 0 || r.Requests != 1 {
		t.Fatalf("first push: %+v", r)
	}
	rb := b.sync(t)
	if rb.Pulled == 0 {
		t.Fatalf("B pulled nothing: %+v", rb)
	}
	edit(t, a.s, cases[3], "notes", "call the family back")
	a.sync(t)
	b.sync(t)
	// Shared records (~escort of the demo) written at a desk stay there.
	ha, hb, hh := hashOf(t, a.s, caseKeys), hashOf(t, b.s, caseKeys), hashOf(t, h.store, office(h.store, "RBA"))
	if ha != hb || ha != hh {
		dumpDiff(t, a.s, b.s)
		t.Fatalf("hashes differ: A %s B %s hub %s", ha, hb, hh)
	}
	if w, _ := a.s.Waiting(); w != 0 {
		t.Fatalf("A still has %d waiting", w)
	}
	// Nothing to do: one request, nothing moved.
	r = b.sync(t)
	if r.Pulled != 0 || r.Pushed != 0 || r.Requests != 1 {
		t.Fatalf("idle sync: %+v", r)
	}
}

func dumpDiff(t *testing.T, a, b *store.Store) { diffLines(t.Logf, a, b) }

func diffLines(logf func(string, ...any), a, b *store.Store) {
	var x, y bytes.Buffer
	a.Export(&x)
	b.Export(&y)
	xl, yl := strings.Split(x.String(), "\n"), strings.Split(y.String(), "\n")
	ym := map[string]bool{}
	for _, l := range yl {
		ym[l] = true
	}
	n := 0
	for _, l := range xl {
		if !ym[l] && !strings.HasPrefix(l, `{"key":"~`) && n < 3 {
			logf("only in %s: %.300s", a.Desk(), l)
			n++
		}
	}
	xm := map[string]bool{}
	for _, l := range xl {
		xm[l] = true
	}
	for _, l := range yl {
		if !xm[l] && !strings.HasPrefix(l, `{"key":"~`) && n < 6 {
			logf("only in %s: %.300s", b.Desk(), l)
			n++
		}
	}
	logf("lines %d vs %d", len(xl), len(yl))
}
