package desksync_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"movedesk/desksync"
)

// idleLoop runs a loop on desk d against its hub with an hour's interval,
// counting the requests it makes; stop ends it.
func idleLoop(t testing.TB, d *desk, debounce time.Duration) (c *counting, l *desksync.Loop, ch chan desksync.Status, stop func()) {
	t.Helper()
	c = &counting{rt: http.DefaultTransport}
	ch = make(chan desksync.Status, 256)
	ctx, cancel := context.WithCancel(context.Background())
	l = &desksync.Loop{Client: d.client(c), Store: d.s, Hub: d.hub.srv.URL, Token: d.token,
		Interval: time.Hour, Debounce: debounce, Status: ch}
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	return c, l, ch, func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Fatal(err)
		}
	}
}

// waitStatus reads ch until ok holds (10 s at most).
func waitStatus(t testing.TB, ch <-chan desksync.Status, what string, ok func(desksync.Status) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case s := <-ch:
			if ok(s) {
				return
			}
		case <-deadline:
			t.Fatalf("loop never reported %s", what)
		}
	}
}

// TestLoopQuietWhenIdle: with an hour's interval and nothing changing, the
// loop syncs once on start and then stays silent: its own bookkeeping writes
// (cursor, acks, applied marks) and the ops it pulls never re-arm it. An
// edit still goes up soon after it is written.
func TestLoopQuietWhenIdle(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	b := newDesk(t, h, "RBA", "rba-2")
	cases := fill(t, a.s, 3, "RBA", 21)
	a.sync(t)
	c, l, ch, stop := idleLoop(t, b, 10*time.Millisecond)
	defer stop()
	// The first sync pulls the three cases (a merge that writes ops).
	waitStatus(t, ch, "the first sync", func(s desksync.Status) bool { return s.Online && !s.LastSync.IsZero() })
	first := c.requests.Load()
	window := time.Second
	time.Sleep(window) // the loop's own timers are what is measured
	if n := c.requests.Load() - first; n != 0 {
		t.Fatalf("idle loop sent %d requests in %v after its first sync (want none)", n, window)
	}

	// Another desk's edit, pulled on "sync now", writes ops here: still
	// one request, then quiet.
	edit(t, a.s, cases[0], "notes", "from the other desk")
	a.sync(t)
	l.Trigger()
	waitStatus(t, ch, "the pulled edit", func(desksync.Status) bool { return fieldNow(b.s, cases[0], "notes") == `"from the other desk"` })
	time.Sleep(window)
	if n := c.requests.Load() - first; n != 1 {
		t.Fatalf("a pull made %d requests, want 1", n)
	}

	// A local edit goes up at once.
	edit(t, b.s, cases[1], "notes", "from the idle desk")
	waitStatus(t, ch, "the edit pushed", func(s desksync.Status) bool { return s.Online && s.Waiting == 0 && s.Progress < 0 })
	waitStatus(t, ch, "the edit at the hub", func(desksync.Status) bool { return fieldNow(h.store, cases[1], "notes") == `"from the idle desk"` })
	time.Sleep(window)
	if n := c.requests.Load() - first; n != 2 {
		t.Fatalf("a push made %d requests, want 1", n-1)
	}
}

// BenchmarkIdleRequests measures requests an idle app sends with an hour's
// interval and the app's debounce (1 s): requests over a 10 s window after
// its first sync, reported per hour.
func BenchmarkIdleRequests(b *testing.B) {
	h := newHub(b)
	a := newDesk(b, h, "RBA", "rba-1")
	fill(b, a.s, 3, "RBA", 22)
	const window = 10 * time.Second
	var perHour float64
	for b.Loop() {
		c, _, ch, stop := idleLoop(b, a, 0)
		waitStatus(b, ch, "the first sync", func(s desksync.Status) bool { return s.Online && !s.LastSync.IsZero() })
		first := c.requests.Load()
		time.Sleep(window)
		n := c.requests.Load() - first
		stop()
		perHour = float64(n) * float64(time.Hour/window)
	}
	b.ReportMetric(perHour+1, "req/hour-idle") // +1: the interval's own sync
}
