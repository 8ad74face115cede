package desksync_test

import (
	"context"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/desksync"
	"movedesk/store"
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

// TestLoopNoticesTheLinkReturn: with the hub unreachable the loop reports
// offline and retries with capped backoff; once the hub answers again the
// waiting edit goes up without waiting for the (hour-long) interval.
func TestLoopNoticesTheLinkReturn(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	cases := fill(t, a.s, 2, "RBA", 13)
	addr := strings.TrimPrefix(h.srv.URL, "http://")
	h.srv.Close() // the link is down
	edit(t, a.s, cases[0], "notes", "written offline")

	ch := make(chan desksync.Status, 64)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	l := &desksync.Loop{Store: a.s, Hub: "http://" + addr, Token: a.token, Interval: time.Hour,
		MaxBackoff: 200 * time.Millisecond, Debounce: 10 * time.Millisecond, Status: ch}
	go func() { done <- l.Run(ctx) }()
	wait := func(what string, ok func(desksync.Status) bool) {
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
	wait("offline", func(s desksync.Status) bool { return !s.Online && s.Err != "" && s.Waiting > 0 })

	srv := httptest.NewUnstartedServer(h.h.Handler())
	srv.Listener.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	wait("online with nothing waiting", func(s desksync.Status) bool { return s.Online && s.Waiting == 0 && !s.LastSync.IsZero() })
	if got := fieldNow(h.store, cases[0], "notes"); got != `"written offline"` {
		t.Fatalf("hub notes %s", got)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatal(err)
	}
}

// TestLoopReportsUntrustedHub: a hub whose certificate the desk does not
// trust is reported as such (the link is up), not as offline.
func TestLoopReportsUntrustedHub(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	srv := httptest.NewTLSServer(h.h.Handler())
	defer srv.Close()
	ch := make(chan desksync.Status, 64)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hc, _ := desksync.NewHTTPClient("")
	l := &desksync.Loop{Client: &desksync.Client{HTTP: hc}, Store: a.s, Hub: srv.URL, Token: a.token, Interval: time.Hour, Status: ch}
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case s := <-ch:
			if s.Err != "" {
				if !s.Online || !strings.Contains(s.Err, "certificate not trusted") {
					t.Fatalf("status %+v", s)
				}
				cancel()
				<-done
				return
			}
		case <-deadline:
			t.Fatal("no error reported")
		}
	}
}

// TestLoopTrigger: "sync now" pulls what the hub has at once, without
// waiting for the (hour-long) interval.
func TestLoopTrigger(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	ch := make(chan desksync.Status, 64)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := &desksync.Loop{Store: a.s, Hub: h.srv.URL, Token: a.token, Interval: time.Hour, Status: ch}
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	deadline := time.After(10 * time.Second)
	for s := range ch {
		if s.Online && !s.LastSync.IsZero() {
			break
		}
		select {
		case <-deadline:
			t.Fatal("first sync never happened")
		default:
		}
	}
	if err := h.store.Update("office", func(tx *store.Tx) error {
		return tx.Put(&booking.Escort{ID: "HQ-01", Name: "Sent Now", Type: booking.EscortOperational})
	}); err != nil {
		t.Fatal(err)
	}
	l.Trigger()
	for i := 0; ; i++ {
		var e booking.Escort
		a.s.View(func(tx *store.Tx) error { _, err := tx.Get(booking.EscortKey("HQ-01"), &e); return err })
		if e.Name == "Sent Now" {
			break
		}
		if i > 200 {
			t.Fatal("the triggered sync did not bring the hub's escort")
		}
		time.Sleep(25 * time.Millisecond)
	}
	cancel()
	<-done
}
