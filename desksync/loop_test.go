package desksync_test

import (
	"context"
	"testing"
	"time"

	"movedesk/desksync"
)

// TestLoopSyncsOnChange: the background loop pushes a local edit soon after
// it is written (change notification), and reports status.
func TestLoopSyncsOnChange(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	cases := fill(t, a.s, 3, "RBA", 12)
	ch := make(chan desksync.Status, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	l := &desksync.Loop{Store: a.s, Hub: h.srv.URL, Token: a.token, Interval: time.Hour, Debounce: 10 * time.Millisecond, Status: ch}
	go func() { done <- l.Run(ctx) }()
	wait := func(ok func(desksync.Status) bool) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case s := <-ch:
				if ok(s) {
					return
				}
			case <-deadline:
				t.Fatal("loop did not reach the expected state")
			}
		}
	}
	wait(func(s desksync.Status) bool { return s.Online && s.Waiting == 0 && !s.LastSync.IsZero() })
	edit(t, a.s, cases[0], "notes", "loop")
	wait(func(s desksync.Status) bool { return s.Waiting == 1 })
	wait(func(s desksync.Status) bool { return s.Online && s.Waiting == 0 && s.Progress < 0 })
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatal(err)
	}
}
