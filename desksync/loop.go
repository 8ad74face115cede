package desksync

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"
	"time"

	"movedesk/store"
)

// Status is the desk's sync state for a status bar.
type Status struct {
	Online    bool
	LastSync  time.Time
	Waiting   int     // own ops not yet acknowledged by the hub
	Conflicts int     // open conflicts
	Progress  float64 // 0..1 while a sync runs, -1 when idle
	Err       string
	// ClockOffset is the correction applied to this desk's clock (hub
	// minus desk), 0 when within SkewTolerance.
	ClockOffset time.Duration
	// Refused counts own changes the hub refused (kept here).
	Refused int
	// Restored says in words (RecoveryText) that this store was found
	// behind the hub and recovered, for RestoredShown after it happened,
	// or while the recovery is under way.
	Restored string
}

// RestoredShown is how long the status keeps saying that the store was
// found behind the hub.
const RestoredShown = 7 * 24 * time.Hour

// DefaultMaxBackoff caps the retry wait while the hub answers with errors
// (each attempt then costs a request).
const DefaultMaxBackoff = 30 * time.Second

// DefaultLinkRetry caps the retry wait while the hub cannot be reached at
// all: a failed connection attempt sends no body, and the desk should sync
// within seconds of the link's return, not an interval later.
const DefaultLinkRetry = 5 * time.Second

// Loop syncs in the background, shaped like litestream's replica monitor: a
// ticker plus the store's change notifications, capped exponential backoff
// after errors, and context cancellation. It syncs on start, when a local
// change is waiting, every Interval, and while retrying a lost link; nothing
// it writes itself wakes it, so an idle desk sends one request per interval.
type Loop struct {
	Client   *Client
	Store    *store.Store
	Hub      string
	Token    string
	Interval time.Duration // between syncs when idle (default 2m)
	// MaxBackoff caps the wait after errors (default DefaultMaxBackoff, or
	// Interval if shorter): it bounds how long a returning link goes
	// unnoticed.
	MaxBackoff time.Duration
	// LinkRetry caps the wait while the hub is unreachable (default
	// DefaultLinkRetry, or MaxBackoff if shorter).
	LinkRetry time.Duration
	// Debounce delays a sync after a local change so bursts go together.
	Debounce time.Duration
	// Status receives the state after every change; sends never block.
	Status chan<- Status

	once sync.Once
	kick chan struct{}
}

func (l *Loop) init() { l.kick = make(chan struct{}, 1) }

// Trigger asks the loop to sync at once (a user's "sync now"), even while it
// backs off; it never blocks.
func (l *Loop) Trigger() {
	l.once.Do(l.init)
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// Run syncs until ctx is done.
func (l *Loop) Run(ctx context.Context) error {
	interval := l.Interval
	if interval <= 0 {
		interval = 2 * time.Minute
	}
	maxBackoff := l.MaxBackoff
	if maxBackoff <= 0 {
		maxBackoff = min(interval, DefaultMaxBackoff)
	}
	linkRetry := l.LinkRetry
	if linkRetry <= 0 {
		linkRetry = min(maxBackoff, DefaultLinkRetry)
	}
	debounce := l.Debounce
	if debounce <= 0 {
		debounce = time.Second
	}
	c := l.Client
	if c == nil {
		c = &Client{}
	}
	l.once.Do(l.init)
	changes := l.Store.Changes()
	st := Status{Progress: -1}
	publish := func() {
		st.Waiting, _ = l.Store.Waiting()
		st.Conflicts = l.Store.OpenConflicts()
		st.ClockOffset = l.Store.Clock().Offset()
		if rs, err := l.Store.Refusals(); err == nil {
			st.Refused = len(rs)
		}
		st.Restored = ""
		if r, err := l.Store.LastRecovery(); err == nil && r != nil && (!r.Done || time.Since(r.At) < RestoredShown) {
			st.Restored = RecoveryText(r)
		}
		if l.Status != nil {
			select {
			case l.Status <- st:
			default:
			}
		}
	}
	publish()
	backoff := time.Duration(0)
	timer := time.NewTimer(0) // sync at once on start
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-l.kick:
			backoff = 0
			resetTimer(timer, 0)
			continue
		case <-changes:
			// Only a change waiting to go up calls for a sync: ops this
			// loop's own sync merged also notify, and must not re-arm it.
			publish()
			if backoff == 0 && st.Waiting > 0 {
				resetTimer(timer, debounce)
			}
			continue
		case <-timer.C:
		}
		_, err := c.Sync(ctx, l.Store, l.Hub, l.Token, func(done, total int) {
			if total > 0 {
				st.Progress = float64(done) / float64(total)
				publish()
			}
		})
		st.Progress = -1
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			var he *HTTPError
			var cve *tls.CertificateVerificationError
			errors.As(err, &he)
			errors.As(err, &cve)
			st.Online = he != nil || cve != nil // the hub answered
			st.Err = ErrorText(err)
			limit := linkRetry
			switch {
			case he != nil && he.Busy():
				// The hub said when to come back: not sooner (nor, for a
				// missing header, faster than errors back off).
				backoff = max(he.RetryAfter, time.Second)
				if he.RetryAfter == 0 {
					backoff = maxBackoff
				}
				st.Err = fmt.Sprintf("%s; next try at %s", st.Err, time.Now().Add(backoff).Format("15:04:05"))
				resetTimer(timer, backoff)
				publish()
				continue
			case he != nil && he.Permanent(), cve != nil:
				limit = interval // a revoked token or an untrusted certificate will not mend itself soon
			case st.Online:
				limit = maxBackoff
			}
			backoff = min(max(2*backoff, time.Second), limit)
			resetTimer(timer, backoff)
		} else {
			st.Online, st.Err, st.LastSync = true, "", time.Now()
			backoff = 0
			resetTimer(timer, interval)
		}
		publish()
	}
}

func resetTimer(t *time.Timer, d time.Duration) {
	t.Stop()
	select {
	case <-t.C:
	default:
	}
	t.Reset(d)
}
