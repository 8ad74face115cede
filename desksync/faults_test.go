package desksync_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/store"
	"movedesk/wire"
)

// faulty breaks chosen requests: "before" fails without sending, "mid"
// sends half the body then breaks, "after" lets the hub answer (it has
// committed) and loses the answer.
type faulty struct {
	mode string
	fail atomic.Int64 // requests left to break
	rt   http.RoundTripper
}

var errCut = errors.New("link cut")

func (f *faulty) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.fail.Add(-1) < 0 {
		return f.rt.RoundTrip(r)
	}
	switch f.mode {
	case "before":
		return nil, errCut
	case "mid":
		body, _ := io.ReadAll(r.Body)
		r2 := r.Clone(r.Context())
		r2.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body[:len(body)/2]), errReader{}))
		r2.ContentLength = int64(len(body))
		resp, err := f.rt.RoundTrip(r2)
		if err == nil {
			resp.Body.Close()
		}
		return nil, errCut
	default: // after
		resp, err := f.rt.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil, errCut
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errCut }

// TestFaultsNoLossNoDuplicates cuts the link before, mid-request and after
// the hub committed, in both directions, then retries: every op arrives
// exactly once and the stores agree.
func TestFaultsNoLossNoDuplicates(t *testing.T) {
	for _, mode := range []string{"before", "mid", "after"} {
		t.Run(mode, func(t *testing.T) {
			h := newHub(t)
			a := newDesk(t, h, "RBA", "rba-1")
			b := newDesk(t, h, "RBA", "rba-2")
			cases := fill(t, a.s, 10, "RBA", 2)
			a.sync(t)
			b.sync(t)
			edit(t, a.s, cases[1], "notes", "from A")
			edit(t, b.s, cases[2], "notes", "from B")
			own, _ := a.s.Waiting()

			f := &faulty{mode: mode, rt: http.DefaultTransport}
			f.fail.Store(2)
			for range 2 {
				if _, err := a.client(f).Sync(context.Background(), a.s, h.srv.URL, a.token, nil); err == nil {
					t.Fatal("sync through a cut link succeeded")
				}
			}
			hubLen := h.store.LogLen()
			if w, _ := a.s.Waiting(); w != own {
				t.Fatalf("A forgot unacknowledged ops: %d waiting, want %d", w, own)
			}
			a.sync(t)
			if mode == "after" && h.store.LogLen() != hubLen {
				t.Fatalf("resent batch applied again: hub log %d -> %d", hubLen, h.store.LogLen())
			}
			if got := h.store.LogLen() - hubLen; mode != "after" && got != uint64(own) {
				t.Fatalf("hub applied %d ops, want %d", got, own)
			}
			// Pull side: B's answers lost after the hub answered.
			f.fail.Store(2)
			bLen := b.s.LogLen()
			for range 2 {
				if _, err := b.client(f).Sync(context.Background(), b.s, h.srv.URL, b.token, nil); err == nil {
					t.Fatal("sync through a cut link succeeded")
				}
			}
			if b.s.LogLen() != bLen {
				t.Fatal("B wrote without a complete answer")
			}
			b.sync(t)
			a.sync(t)
			if n := b.s.LogLen() - bLen; n != 1+1 && n != 1 {
				// A's edit pulled once (B's own edit was already logged).
				t.Fatalf("B logged %d ops for one pulled edit", n)
			}
			assertConverged(t, h, a, b)
		})
	}
}

// TestBatchDeliveredTwice posts the very same request twice: applied once.
func TestBatchDeliveredTwice(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	fill(t, a.s, 5, "RBA", 3)
	ents, err := a.s.Log(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	req := wire.SyncRequest{Desk: a.s.Desk(), Instance: a.s.Instance()}
	for _, e := range ents {
		if e.Op.Key[0] != '~' {
			req.Ops = append(req.Ops, wire.FromOp(&e.Op, true))
		}
	}
	var acks []uint64
	for range 2 {
		resp := post(t, h, a.token, &req)
		if resp.status != 200 {
			t.Fatalf("status %d", resp.status)
		}
		acks = append(acks, resp.body.Acked)
	}
	if acks[0] != acks[1] || h.store.LogLen() != uint64(len(req.Ops)) {
		t.Fatalf("acks %v, hub log %d for %d ops", acks, h.store.LogLen(), len(req.Ops))
	}
}

// TestHubRestartMidSync stops the hub between chunks of a first sync and
// starts it again on the same store: the desk resumes where it was.
func TestHubRestartMidSync(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	fill(t, a.s, 150, "RBA", 4)
	c := a.client(&stopAfter{n: 3, rt: http.DefaultTransport})
	c.Chunk = 200
	if _, err := c.Sync(context.Background(), a.s, h.srv.URL, a.token, nil); err == nil {
		t.Fatal("expected the cut")
	}
	st, _ := a.s.ReplicaState()
	if st.Pushed == 0 {
		t.Fatal("no chunk was acknowledged before the cut")
	}
	h.restart(t)
	a.sync(t)
	b := newDesk(t, h, "RBA", "rba-2")
	b.sync(t)
	assertConverged(t, h, a, b)
	if w, _ := a.s.Waiting(); w != 0 {
		t.Fatalf("%d ops still waiting", w)
	}
}

// stopAfter lets n requests through, then fails every request.
type stopAfter struct {
	n  int64
	rt http.RoundTripper
	k  atomic.Int64
}

func (s *stopAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	if s.k.Add(1) > s.n {
		return nil, errCut
	}
	return s.rt.RoundTrip(r)
}

func assertConverged(t tbi, h *hub, ds ...*desk) {
	t.Helper()
	want := hashOf(t, h.store, office(h.store, "RBA"))
	for _, d := range ds {
		if got := hashOf(t, d.s, caseKeys); got != want {
			if tt, ok := t.(interface{ Logf(string, ...any) }); ok {
				diffLines(tt.Logf, d.s, h.store)
			}
			t.Fatalf("desk %s hash %s, hub %s", d.s.Desk(), got, want)
		}
	}
}

var (
	_ = booking.SplitKey
	_ change.Op
	_ store.Options
)
