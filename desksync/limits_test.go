package desksync_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"movedesk/central"
	"movedesk/desksync"
)

// answers records when each request was sent and what came back.
type answers struct {
	rt   http.RoundTripper
	mu   sync.Mutex
	sent []time.Time
	code []int
}

func (a *answers) RoundTrip(r *http.Request) (*http.Response, error) {
	at := time.Now()
	resp, err := a.rt.RoundTrip(r)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent = append(a.sent, at)
	if err != nil {
		a.code = append(a.code, 0)
		return nil, err
	}
	a.code = append(a.code, resp.StatusCode)
	return resp, nil
}

// honoured checks that no request followed a 429 sooner than its
// Retry-After (1 s here), and returns how many 429s there were.
func (a *answers) honoured(t *testing.T) int {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for i, c := range a.code {
		if c != http.StatusTooManyRequests {
			continue
		}
		n++
		if i+1 < len(a.sent) && a.sent[i+1].Sub(a.sent[i]) < 900*time.Millisecond {
			t.Fatalf("request %d sent %v after a 429 asking for 1 s", i+1, a.sent[i+1].Sub(a.sent[i]))
		}
	}
	return n
}

// TestDeskChunkUnderHubCap: the desk's chunk is well under the ops a hub
// accepts in one request.
func TestDeskChunkUnderHubCap(t *testing.T) {
	if desksync.DefaultChunk > central.DefaultLimits().MaxOps {
		t.Fatalf("chunk %d over the hub's cap %d", desksync.DefaultChunk, central.DefaultLimits().MaxOps)
	}
}

// TestSyncWaitsOutRetryAfter: a hub limiting the desk to one request a
// second answers 429 with Retry-After: 1; a sync of several chunks waits
// as asked before each next chunk, and completes.
func TestSyncWaitsOutRetryAfter(t *testing.T) {
	h := newHub(t)
	h.h.Limits.DeskRate, h.h.Limits.DeskBurst = 60, 1
	a := newDesk(t, h, "RBA", "rba-1")
	fill(t, a.s, 1, "RBA", 31)
	w, _ := a.s.Waiting()
	rec := &answers{rt: http.DefaultTransport}
	c := a.client(rec)
	c.Chunk = (w + 2) / 3 // three chunks
	r, err := c.Sync(context.Background(), a.s, h.srv.URL, a.token, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Pushed != w {
		t.Fatalf("pushed %d of %d", r.Pushed, w)
	}
	if n := rec.honoured(t); n == 0 {
		t.Fatal("the hub never limited the desk: the test tests nothing")
	}
}

// TestLoopBacksOffOn429: the loop, told by a 429 to come back in 1 s,
// says so in its status and does not ask sooner; then the edit goes up.
func TestLoopBacksOffOn429(t *testing.T) {
	h := newHub(t)
	h.h.Limits.DeskRate, h.h.Limits.DeskBurst = 60, 1
	a := newDesk(t, h, "RBA", "rba-1")
	cases := fill(t, a.s, 1, "RBA", 32)
	rec := &answers{rt: http.DefaultTransport}
	c := a.client(rec)
	c.MaxWait = time.Nanosecond // the loop, not Sync, waits
	ch := make(chan desksync.Status, 256)
	ctx, cancel := context.WithCancel(context.Background())
	l := &desksync.Loop{Client: c, Store: a.s, Hub: h.srv.URL, Token: a.token, Interval: time.Hour, Debounce: 10 * time.Millisecond, Status: ch}
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitStatus(t, ch, "the first sync", func(s desksync.Status) bool { return s.Online && !s.LastSync.IsZero() && s.Waiting == 0 })
	edit(t, a.s, cases[0], "notes", "after the limit")
	waitStatus(t, ch, "the 429 in words", func(s desksync.Status) bool {
		return s.Online && strings.Contains(s.Err, "429") && strings.Contains(s.Err, "next try at")
	})
	waitStatus(t, ch, "the edit pushed", func(s desksync.Status) bool { return s.Err == "" && s.Waiting == 0 && s.Progress < 0 })
	if n := rec.honoured(t); n == 0 {
		t.Fatal("no 429 seen")
	}
	if got := fieldNow(h.store, cases[0], "notes"); got != `"after the limit"` {
		t.Fatalf("hub notes %s", got)
	}
}

// TestErrorTextSaysWhatToDo: a revoked token asks for a new one (not to
// run sync again), a 429 says how long.
func TestErrorTextSaysWhatToDo(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	a.sync(t)
	if err := central.RevokeDesk(h.dir, "rba-1"); err != nil {
		t.Fatal(err)
	}
	_, err := a.client(nil).Sync(context.Background(), a.s, h.srv.URL, a.token, nil)
	if got := desksync.ErrorText(err); !strings.Contains(got, "ask the office for a new token") {
		t.Fatalf("revoked: %q", got)
	}
	busy := &desksync.HTTPError{Status: http.StatusTooManyRequests, Msg: "slow down", RetryAfter: 40 * time.Second}
	if got := desksync.ErrorText(busy); !strings.Contains(got, "40s") || busy.Permanent() {
		t.Fatalf("429: %q", got)
	}
}
