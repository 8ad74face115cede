// Package desksync is the desk side of sync: one Sync pushes the desk's
// unacknowledged ops to the hub and pulls the hub's new ops in one request
// per chunk, and Loop runs it in the background.
package desksync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"movedesk/change"
	"movedesk/store"
	"movedesk/wire"
)

// DefaultChunk is the most ops sent or received per request.
const DefaultChunk = 2000

// Client syncs a desk store with a hub.
type Client struct {
	// HTTP is the client used (nil: a client with a 60 s timeout).
	HTTP *http.Client
	// Chunk caps ops per request each way (0: DefaultChunk).
	Chunk int
	// Actor is recorded on the desk's sync writes (default "sync").
	Actor string
	// Now is the desk's wall clock (nil: time.Now), compared with the hub's.
	Now func() time.Time
	// MaxWait is the longest Retry-After of a 429 that Sync waits out
	// itself before sending the chunk again (0: DefaultMaxWait); a longer
	// one ends the sync with an *HTTPError carrying it.
	MaxWait time.Duration
}

// DefaultMaxWait is the longest Retry-After Sync waits out by default.
const DefaultMaxWait = 10 * time.Second

// SkewTolerance is how far the desk's clock may be off the hub's before its
// writes are stamped in hub time instead (see change.Clock.SetOffset). The
// hub's Date header has 1 s resolution; a smaller error does not matter.
const SkewTolerance = 30 * time.Second

// Result says what one Sync moved.
type Result struct {
	Pushed    int   // own ops the hub acknowledged and applied
	Pulled    int   // hub ops received
	Applied   int   // of those, ops that changed something here
	Conflicts int   // conflict records written here
	Requests  int   // HTTP requests made
	Bytes     int64 // request and response body bytes on the wire
	// Redated counts own ops re-dated in hub time because this desk's clock
	// had run ahead before it met the hub.
	Redated int
	// Refused are own ops the hub acknowledged without applying them; they
	// stay here, listed by Store.Refusals.
	Refused int
	// Rejected are changes from the hub this desk refused (they break an
	// invariant here); listed with the refusals.
	Rejected int
	// ClockOffset is the correction now applied to this desk's clock: the
	// hub's time minus the desk's, 0 within SkewTolerance.
	ClockOffset time.Duration
	// Recovery is set when this sync found the store behind the hub
	// (restored or copied) and recovered it; RecoveryText says it in words.
	Recovery *store.Recovery
}

// HTTPError is a non-2xx answer from the hub.
type HTTPError struct {
	Status int
	Msg    string
	// Code is the hub's error code (wire.CodeUpgrade ...), if any.
	Code string
	// RetryAfter is the hub's Retry-After (a 429 or 503), 0 if none.
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string { return fmt.Sprintf("hub: %d %s", e.Status, e.Msg) }

// Permanent reports whether retrying cannot help (auth, forbidden, bad
// request): the loop then waits for the next tick instead of backing off
// fast. A 429 is not: the hub said when to come back.
func (e *HTTPError) Permanent() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests
}

// Busy reports whether the hub asked this desk to wait (429).
func (e *HTTPError) Busy() bool { return e.Status == http.StatusTooManyRequests }

// Sync runs one sync with the default client.
func Sync(ctx context.Context, s *store.Store, hubURL, token string, progress func(done, total int)) (Result, error) {
	return (&Client{}).Sync(ctx, s, hubURL, token, progress)
}

// Sync pushes and pulls until nothing is left, one committed chunk at a time:
// a dropped link loses at most the chunk in flight, and a resent chunk is
// applied once (the hub and the desk skip op ids they have).
func (c *Client) Sync(ctx context.Context, s *store.Store, hubURL, token string, progress func(done, total int)) (Result, error) {
	var res Result
	if hubURL == "" {
		return res, errors.New("no hub configured (sync.hub in the config, or --hub)")
	}
	chunk := c.Chunk
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	actor := c.Actor
	if actor == "" {
		actor = "sync"
	}
	url := strings.TrimRight(hubURL, "/") + wire.Path
	st, err := s.ReplicaState()
	if err != nil {
		return res, err
	}
	waiting, err := s.Waiting()
	if err != nil {
		return res, err
	}
	var lineage string
	var rec *store.Recovery
	if err := s.View(func(tx *store.Tx) error {
		lineage, rec = tx.ReplicaString(store.MetaLineage), tx.Recovery()
		return nil
	}); err != nil {
		return res, err
	}
	if lineage == "" {
		// Bookkeeping: it wakes nothing.
		if err := s.Update(actor, func(tx *store.Tx) error {
			var err error
			lineage, err = tx.Lineage()
			return err
		}); err != nil {
			return res, err
		}
	}
	if rec != nil {
		res.Recovery = rec
	}
	diverged := false
	startCursor := st.Cursor
	sent := 0 // own ops acknowledged, refused ones included
	redated := false
	waits := 0 // Retry-Afters waited out in a row
	maxWait := c.MaxWait
	if maxWait <= 0 {
		maxWait = DefaultMaxWait
	}
	var head uint64
	report := func() {
		if progress == nil {
			return
		}
		pulled := int(st.Cursor - min(st.Cursor, startCursor))
		total := waiting + int(max(head, st.Cursor)-min(startCursor, max(head, st.Cursor)))
		progress(sent+pulled, total)
	}
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var ents []store.LogEntry
		var chainSeq uint64
		var chainHead change.Hash
		if err := s.View(func(tx *store.Tx) error {
			var err error
			ents, err = tx.OwnOps(st.Pushed, chunk)
			chainSeq, chainHead = tx.OwnChain()
			return err
		}); err != nil {
			return res, err
		}
		req := wire.SyncRequest{Desk: s.Desk(), Cursor: st.Cursor, Limit: chunk, Proto: wire.Proto,
			Instance: s.Instance(), Pushed: st.Pushed, Lineage: lineage}
		if rec != nil {
			req.Recover = &wire.Recover{From: rec.Pushed, To: rec.HubAcked}
		}
		// Each op links to this desk's chain; the hub checks the links
		// against the chain it holds of this desk.
		links := make([]change.Hash, len(ents))
		link := chainHead
		for i := range ents {
			req.Ops = append(req.Ops, wire.FromOp(&ents[i].Op, true))
			link = change.Link(link, ents[i].Op.Digest())
			links[i] = link
		}
		if len(ents) > 0 {
			req.Chain = &wire.Chain{PrevSeq: chainSeq, Last: link.String()}
			if chainSeq > 0 || !chainHead.IsZero() {
				req.Chain.Prev = chainHead.String()
			}
		}
		resp, skew, n, err := c.post(ctx, hc, url, token, &req)
		res.Bytes += n
		res.Requests++
		var he *HTTPError
		if errors.As(err, &he) && he.Busy() && he.RetryAfter <= maxWait && waits < 5 {
			// The hub's rate limit: wait as it asks, then send this chunk
			// again (the ones before are committed).
			waits++
			t := time.NewTimer(max(he.RetryAfter, time.Second))
			select {
			case <-ctx.Done():
				t.Stop()
				return res, ctx.Err()
			case <-t.C:
			}
			continue
		}
		waits = 0
		if he != nil && he.Status == http.StatusConflict && he.Code != wire.CodeChain && skew.ok && !redated {
			// Ops stamped by a clock that ran ahead before this desk met
			// the hub: re-date them in hub time and send them again.
			redated = true
			n, err := c.redate(s, actor, st.Pushed, skew.d)
			if err != nil {
				return res, err
			}
			res.Redated = n
			continue
		}
		if err != nil {
			return res, err
		}
		if d := resp.Diverged; d != nil {
			// This store went back in time: nothing was applied. Renumber
			// the unacknowledged ops past what the hub has, ask the lost
			// ones back, and send again.
			if diverged || d.Acked <= st.Pushed {
				return res, fmt.Errorf("the hub still finds this store behind it (hub acknowledged %d, this store %d)", d.Acked, st.Pushed)
			}
			diverged = true
			if err := s.Update(actor, func(tx *store.Tx) error {
				var err error
				rec, err = tx.Renumber(st.Pushed, d.Acked, c.now())
				if err == nil {
					lineage, err = tx.Lineage()
				}
				if err == nil {
					// The chain goes on from the hub's: the ops this store
					// lost are in it.
					h, _ := change.ParseHash(d.Chain)
					err = tx.SetOwnChain(d.Acked, h)
				}
				return err
			}); err != nil {
				return res, err
			}
			res.Recovery = rec
			st.Pushed = d.Acked
			continue
		}
		ops := make([]change.Op, len(resp.Ops))
		for i := range resp.Ops {
			ops[i] = resp.Ops[i].ToOp("")
		}
		pushed := 0
		for _, e := range ents {
			if e.Op.Seq <= resp.Acked {
				pushed++
			}
		}
		if len(ents) > 0 && pushed == 0 && resp.Acked < ents[0].Op.Seq {
			return res, fmt.Errorf("hub acknowledged none of %d ops (acked %d)", len(ents), resp.Acked)
		}
		var mr store.MergeResult
		if err := s.Update(actor, func(tx *store.Tx) error {
			var err error
			mr, err = tx.Merge(ops, store.MergeOptions{
				// Only a clash with an own op the hub has not acknowledged
				// is judged here: the hub compared every op it acknowledged
				// with what it had (in its order, which is the one that
				// counts) and published what it found in this answer. An op
				// still unsent will go up with a cursor past the one pulled
				// now, so the hub cannot see that clash: this desk records
				// and publishes it.
				// (An own op's seq is its log position, but for own ops
				// taken back in a recovery, which the hub had already.)
				Seen: func(pos uint64, local *change.Op) bool {
					return local.Desk != s.Desk() || local.Seq <= resp.Acked
				},
				Publish: true,
				Actor:   actor,
				Recover: recoverTo(rec),
			})
			if err != nil {
				return err
			}
			if rec != nil {
				if err := tx.Recovered(mr.Recovered, !resp.More); err != nil {
					return err
				}
				rec = tx.Recovery()
				if res.Recovery = rec; rec == nil {
					res.Recovery = tx.LastRecovery()
				}
			}
			for _, rf := range mr.Refused {
				if err := tx.RecordIncomingRefusal(rf, time.Now()); err != nil {
					return err
				}
			}
			if skew.ok && res.Requests == 1 {
				if off := correction(skew.d); off != s.Clock().Offset() {
					if err := tx.SetClockOffset(off); err != nil {
						return err
					}
				}
			}
			for _, rf := range resp.Refused {
				for _, e := range ents {
					if e.Op.Seq != rf.Seq {
						continue
					}
					fields := make([]string, 0, len(e.Op.Fields))
					for f := range e.Op.Fields {
						fields = append(fields, f)
					}
					sort.Strings(fields)
					reason := rf.Reason
					if rf.Current != nil {
						// The hub holds the record: take its values back.
						if err := tx.TakeBack(&e.Op, rf.Current); err != nil {
							return err
						}
						reason += " (the hub's values were taken back)"
					}
					if err := tx.RecordRefusal(rf.Seq, store.Refusal{Op: e.Op.ID(), Key: e.Op.Key, Fields: fields,
						Reason: reason, At: time.Now().UTC()}); err != nil {
						return err
					}
				}
			}
			if pushed > 0 {
				if err := tx.SetOwnChain(ents[pushed-1].Op.Seq, links[pushed-1]); err != nil {
					return err
				}
			}
			if resp.Acked > st.Pushed {
				// Seq of an own op is its local log position.
				if err := tx.SetReplicaUint(store.MetaPushed, resp.Acked); err != nil {
					return err
				}
			}
			if resp.Cursor == st.Cursor {
				return nil // nothing pulled: the cursor stays
			}
			return tx.SetReplicaUint(store.MetaCursor, resp.Cursor)
		}); err != nil {
			return res, err
		}
		res.ClockOffset = s.Clock().Offset()
		res.Refused += len(resp.Refused)
		res.Rejected += len(mr.Refused)
		st.Pushed = max(st.Pushed, resp.Acked)
		st.Cursor = resp.Cursor
		head = resp.Head
		sent += pushed
		res.Pushed += pushed - min(pushed, len(resp.Refused))
		res.Pulled += len(ops)
		res.Applied += mr.Applied
		res.Conflicts += mr.Conflicts
		report()
		if !resp.More && len(ents) < chunk && mr.Published == 0 {
			// Ops written while this ran go next time (conflict records
			// published by this merge go now, so other desks see them).
			return res, nil
		}
	}
}

func recoverTo(r *store.Recovery) uint64 {
	if r == nil {
		return 0
	}
	return r.HubAcked
}

// redate re-dates the unsent ops stamped past the hub's clock and applies
// the clock correction, in one transaction.
func (c *Client) redate(s *store.Store, actor string, pushed uint64, offset time.Duration) (int, error) {
	hubNow := c.now().Add(offset)
	// A little short of the hub's limit, for the error of the estimate.
	limit := change.MakeHLC(hubNow.Add(wire.MaxFuture-30*time.Second).UnixMilli(), 0)
	var n int
	err := s.Update(actor, func(tx *store.Tx) error {
		var err error
		if n, err = tx.Restamp(pushed, limit, change.MakeHLC(hubNow.UnixMilli(), 0)); err != nil {
			return err
		}
		return tx.SetClockOffset(correction(offset))
	})
	return n, err
}

// correction is the clock offset to apply for a measured skew: whole
// seconds (the hub's Date header has no finer), none within SkewTolerance.
func correction(skew time.Duration) time.Duration {
	off := skew.Round(time.Second)
	if off.Abs() < SkewTolerance {
		return 0
	}
	return off
}

// now is the desk's wall clock.
func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// skew is the hub's clock minus the desk's, as one answer showed it.
type skew struct {
	d  time.Duration
	ok bool
}

func (c *Client) post(ctx context.Context, hc *http.Client, url, token string, req *wire.SyncRequest) (*wire.SyncResponse, skew, int64, error) {
	var sk skew
	body, err := wire.Encode(req)
	if err != nil {
		return nil, sk, 0, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, sk, 0, err
	}
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Content-Encoding", "gzip")
	// Set explicitly so the transport leaves the body compressed for us.
	hr.Header.Set("Accept-Encoding", "gzip")
	sent := c.now()
	r, err := hc.Do(hr)
	if err != nil {
		return nil, sk, int64(len(body)), err
	}
	defer r.Body.Close()
	if d, err := http.ParseTime(r.Header.Get("Date")); err == nil {
		// The header is truncated to the second: its middle is the best guess.
		recv := c.now()
		mid := sent.Add(recv.Sub(sent) / 2)
		sk = skew{d: d.Add(500 * time.Millisecond).Sub(mid), ok: true}
	}
	cr := &countReader{r: r.Body}
	n := int64(len(body))
	if r.StatusCode != http.StatusOK {
		var eb wire.ErrorBody
		if err := wire.DecodeAnswer(cr, wire.MaxBody, &eb); err != nil {
			eb.Error = r.Status
		}
		return nil, sk, n + cr.n, &HTTPError{Status: r.StatusCode, Msg: wire.Excerpt(eb.Error, 400), Code: wire.Excerpt(eb.Code, 40),
			RetryAfter: parseRetryAfter(r.Header.Get("Retry-After"), c.now())}
	}
	var resp wire.SyncResponse
	if err := wire.DecodeAnswer(cr, 1<<40, &resp); err != nil {
		return nil, sk, n + cr.n, fmt.Errorf("hub answer: %w", err)
	}
	_, _ = io.Copy(io.Discard, cr)
	return &resp, sk, n + cr.n, nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
