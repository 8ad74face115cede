package desksync_test

import (
	"context"
	"net/http"
	"testing"
)

// TestChunkedFirstSyncResumes: a new desk's first sync of 1,000 cases goes
// in chunks; the link dies mid-way; the next sync resumes from the last
// committed chunk and nothing is pulled twice.
func TestChunkedFirstSyncResumes(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	fill(t, a.s, 1000, "RBA", 11)
	a.sync(t)
	b := newDesk(t, h, "RBA", "rba-2")
	var calls, lastDone, lastTotal int
	c := b.client(&stopAfter{n: 4, rt: http.DefaultTransport})
	c.Chunk = 1000
	r, err := c.Sync(context.Background(), b.s, h.srv.URL, b.token, func(done, total int) { calls++; lastDone, lastTotal = done, total })
	if err == nil {
		t.Fatal("expected the link to die")
	}
	if r.Pulled != 4000 || calls != 4 || lastDone >= lastTotal {
		t.Fatalf("before the cut: %+v, progress %d calls %d/%d", r, calls, lastDone, lastTotal)
	}
	logBefore := b.s.LogLen()
	c = b.client(nil)
	c.Chunk = 1000
	r2, err := c.Sync(context.Background(), b.s, h.srv.URL, b.token, func(done, total int) { lastDone, lastTotal = done, total })
	if err != nil {
		t.Fatal(err)
	}
	if lastDone != lastTotal {
		t.Fatalf("progress ended at %d/%d", lastDone, lastTotal)
	}
	// Every op pulled exactly once: B's log holds the hub's RBA ops.
	if got, want := b.s.LogLen(), logBefore+uint64(r2.Pulled); got != want {
		t.Fatalf("B log %d, want %d", got, want)
	}
	hubOps, _ := h.store.Log(0, 0)
	if b.s.LogLen() != uint64(len(hubOps)) {
		t.Fatalf("B has %d ops, hub %d", b.s.LogLen(), len(hubOps))
	}
	assertConverged(t, h, a, b)
}
