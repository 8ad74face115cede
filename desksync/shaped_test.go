package desksync_test

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"movedesk/desksync"
	"movedesk/store"
)

// TestShapedLinkWarm measures what the app's background sync does on a real
// far link: one edited case pushed by desk A and pulled by desk B over
// connections kept from the previous sync. It runs only when pointed at a
// hub, e.g. on the emulated field link (README, Sync):
//
//	ip netns exec ml-desk env MOVEDESK_SHAPED_HUB=https://10.78.0.1:8470 \
//	  MOVEDESK_SHAPED_CA=hub/tls/hub.crt MOVEDESK_SHAPED_A=a MOVEDESK_SHAPED_TOKEN_A=... \
//	  MOVEDESK_SHAPED_B=b MOVEDESK_SHAPED_TOKEN_B=... go test -run ShapedLinkWarm -v ./desksync
func TestShapedLinkWarm(t *testing.T) {
	hub := os.Getenv("MOVEDESK_SHAPED_HUB")
	if hub == "" {
		t.Skip("MOVEDESK_SHAPED_HUB not set")
	}
	open := func(dir string) *store.Store {
		s, err := store.Open(dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(os.Getenv("MOVEDESK_SHAPED_A")), open(os.Getenv("MOVEDESK_SHAPED_B"))
	client := func() *desksync.Client {
		hc, err := desksync.NewHTTPClient(os.Getenv("MOVEDESK_SHAPED_CA"))
		if err != nil {
			t.Fatal(err)
		}
		return &desksync.Client{HTTP: hc}
	}
	ca, cb := client(), client()
	sync := func(c *desksync.Client, s *store.Store, tok string) (time.Duration, desksync.Result) {
		start := time.Now()
		r, err := c.Sync(context.Background(), s, hub, tok, nil)
		if err != nil {
			t.Fatal(err)
		}
		return time.Since(start), r
	}
	ta, tb := os.Getenv("MOVEDESK_SHAPED_TOKEN_A"), os.Getenv("MOVEDESK_SHAPED_TOKEN_B")
	sync(ca, a, ta) // warm: connection and TLS session made here
	sync(cb, b, tb)
	rows, err := a.AllRows()
	if err != nil || len(rows) == 0 {
		t.Fatalf("desk A has no cases: %v", err)
	}
	var push, pull []time.Duration
	for i := 0; i < 10; i++ {
		edit(t, a, rows[i%len(rows)].Number, "notes", "shaped "+time.Now().Format(time.RFC3339Nano))
		d, ra := sync(ca, a, ta)
		if ra.Pushed != 1 {
			t.Fatalf("push %d: %+v", i, ra)
		}
		push = append(push, d)
		d, rb := sync(cb, b, tb)
		if rb.Pulled != 1 {
			t.Fatalf("pull %d: %+v", i, rb)
		}
		pull = append(pull, d)
		t.Logf("edit %d: push %v (%d B), pull %v (%d B)", i, push[i].Round(time.Millisecond), ra.Bytes, pull[i].Round(time.Millisecond), rb.Bytes)
	}
	med := func(ds []time.Duration) time.Duration {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2].Round(time.Millisecond)
	}
	t.Logf("warm connection, one edited case: push median %v max %v; pull median %v max %v",
		med(push), push[len(push)-1].Round(time.Millisecond), med(pull), pull[len(pull)-1].Round(time.Millisecond))
}
