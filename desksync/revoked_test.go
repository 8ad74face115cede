package desksync_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"movedesk/central"
	"movedesk/desksync"
)

// revokeAfter revokes a desk once the first answer has come back.
type revokeAfter struct {
	rt   http.RoundTripper
	dir  string
	desk string
	n    atomic.Int32
}

func (r *revokeAfter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.rt.RoundTrip(req)
	if r.n.Add(1) == 1 {
		if err := central.RevokeDesk(r.dir, r.desk); err != nil {
			panic(err)
		}
	}
	return resp, err
}

// TestTokenRevokedMidSync: a desk's token is revoked between two chunks of
// its sync (a leaked token, say). The chunk acknowledged stays at the hub,
// the rest stays waiting at the desk, the words say to ask for a new token,
// and with the new token the office issues (a new desk name, the same
// store) everything arrives once; the old token stays refused.
func TestTokenRevokedMidSync(t *testing.T) {
	h := newHub(t)
	d := newDesk(t, h, "RBA", "rba-1")
	cases := fill(t, d.s, 30, "RBA", 4)
	total, _ := d.s.Waiting()
	c := d.client(&revokeAfter{rt: http.DefaultTransport, dir: h.dir, desk: "rba-1"})
	c.Chunk = total / 3
	_, err := c.Sync(context.Background(), d.s, h.srv.URL, d.token, nil)
	var he *desksync.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusUnauthorized {
		t.Fatalf("sync after the revocation: %v", err)
	}
	if words := desksync.ErrorText(err); !strings.Contains(words, "ask the office for a new token") {
		t.Fatalf("words: %s", words)
	}
	left, _ := d.s.Waiting()
	if left != total-c.Chunk {
		t.Fatalf("%d waiting of %d after one chunk of %d was acknowledged", left, total, c.Chunk)
	}
	if got := h.store.LogLen(); got != uint64(c.Chunk) {
		t.Fatalf("hub holds %d ops, want the acknowledged chunk of %d", got, c.Chunk)
	}

	old := d.token
	d.token = h.token(t, "RBA", "rba-1-new")
	if r := d.sync(t); r.Pushed != left {
		t.Fatalf("with the new token pushed %d, want the %d waiting", r.Pushed, left)
	}
	if got := h.store.LogLen(); got != uint64(total) {
		t.Fatalf("hub holds %d ops, want %d, each once", got, total)
	}
	fresh := newDesk(t, h, "RBA", "rba-2")
	fresh.sync(t)
	if a, b := hashOf(t, fresh.s, caseKeys), hashOf(t, d.s, caseKeys); a != b {
		t.Fatal("a fresh desk differs from the desk")
	}
	d.token = old
	edit(t, d.s, cases[0], "assignee", "old.token")
	if _, err := d.client(nil).Sync(context.Background(), d.s, h.srv.URL, old, nil); !errors.As(err, &he) || he.Status != http.StatusUnauthorized {
		t.Fatalf("old token: %v", err)
	}
}
