package desksync_test

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"testing"
)

// BenchmarkSyncBytes measures HTTP body bytes (both ways) and requests for
// the three cases over a real hub: the initial sync of 1,000 demo
// cases (a desk pushing them to an empty hub, and a new desk pulling them),
// one edited field, and nothing to sync.
func BenchmarkSyncBytes(b *testing.B) {
	h := newHub(b)
	a := newDesk(b, h, "RBA", "rba-1")
	nd := newDesk(b, h, "RBA", "rba-2")
	cases := fill(b, a.s, 1000, "RBA", 1)
	measure := func(d *desk) (int64, int64) {
		c := &counting{rt: http.DefaultTransport}
		if _, err := d.client(c).Sync(context.Background(), d.s, h.srv.URL, d.token, nil); err != nil {
			b.Fatal(err)
		}
		return c.up.Load() + c.down.Load(), c.requests.Load()
	}
	push, pushReq := measure(a)
	pull, pullReq := measure(nd)
	var edit1, editReq, idle, idleReq int64
	i := 0
	for b.Loop() {
		edit(b, a.s, cases[i%len(cases)], "assignee", []string{"grace.kim", "samuel.osei"}[i%2])
		i++
		edit1, editReq = measure(a)
		idle, idleReq = measure(a)
	}
	b.ReportMetric(float64(push), "initial-push-B")
	b.ReportMetric(float64(pushReq), "initial-push-req")
	b.ReportMetric(float64(pull), "initial-pull-B")
	b.ReportMetric(float64(pullReq), "initial-pull-req")
	b.ReportMetric(float64(edit1), "edit-B")
	b.ReportMetric(float64(editReq), "edit-req")
	b.ReportMetric(float64(idle), "idle-B")
	b.ReportMetric(float64(idleReq), "idle-req")
}

// BenchmarkNoopSyncAfterBacklog compares a no-op sync (nothing to push,
// nothing to pull) of a fresh desk with one of a desk that has just pulled
// a large backlog: 6,000 demo cases of another desk, 62,431 ops, about 20 s
// of set-up (MOVEDESK_BENCH_BACKLOG=29000 cases makes it about 300k ops).
// With own ops indexed (store replica/own) the two cost the same; scanning
// the log since the last own push made the second 190x slower at 62k ops.
func BenchmarkNoopSyncAfterBacklog(b *testing.B) {
	h := newHub(b)
	h.h.Limits.DeskRate, h.h.Limits.DeskBurst = 1e9, 1e6 // time the sync, not the rate limit
	a := newDesk(b, h, "RBA", "rba-1")
	n := 6000
	if v, err := strconv.Atoi(os.Getenv("MOVEDESK_BENCH_BACKLOG")); err == nil && v > 0 {
		n = v
	}
	fill(b, a.s, n, "RBA", 1)
	a.sync(b)
	pulled := newDesk(b, h, "RBA", "rba-2")
	r := pulled.sync(b)
	fresh := newDesk(b, h, "SAL", "sal-1")
	fresh.sync(b)
	b.Logf("backlog: %d ops pulled", r.Pulled)
	for _, c := range []struct {
		name string
		d    *desk
	}{{"fresh", fresh}, {"after-backlog", pulled}} {
		b.Run(c.name, func(b *testing.B) {
			cl := c.d.client(nil)
			for b.Loop() {
				r, err := cl.Sync(context.Background(), c.d.s, h.srv.URL, c.d.token, nil)
				if err != nil {
					b.Fatal(err)
				}
				if r.Pushed+r.Pulled != 0 {
					b.Fatalf("not a no-op sync: %+v", r)
				}
			}
		})
	}
}
