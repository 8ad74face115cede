package change

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// HLC is a hybrid logical clock timestamp: milliseconds since the Unix epoch
// in the high 48 bits, a logical counter in the low 16. Comparing two HLCs as
// integers orders events causally and breaks ties the same way everywhere.
type HLC uint64

// MakeHLC builds an HLC from wall milliseconds and a counter.
func MakeHLC(ms int64, counter uint16) HLC { return HLC(uint64(ms)<<16 | uint64(counter)) }

// Millis returns the physical part.
func (h HLC) Millis() int64 { return int64(h >> 16) }

// Counter returns the logical part.
func (h HLC) Counter() uint16 { return uint16(h) }

// Time returns the physical part as a time.
func (h HLC) Time() time.Time { return time.UnixMilli(h.Millis()) }

// String returns "2026-11-22T08:47:01.123Z/3".
func (h HLC) String() string {
	return fmt.Sprintf("%s/%d", h.Time().UTC().Format("2006-01-02T15:04:05.000Z"), h.Counter())
}

// MarshalJSON encodes the HLC as a decimal string (JSON numbers lose
// precision above 2^53 in many readers).
func (h HLC) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatUint(uint64(h), 10) + `"`), nil
}

// UnmarshalJSON accepts the decimal string or a bare number.
func (h *HLC) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("hlc %s: %w", b, err)
	}
	*h = HLC(v)
	return nil
}

// Clock issues HLC timestamps that never go backwards, even if the wall clock
// does, and that follow any timestamp observed from another desk.
type Clock struct {
	mu   sync.Mutex
	last HLC
	now  func() time.Time
	// offset corrects a desk's wall clock to the hub's (see SetOffset).
	offset time.Duration
}

// SetOffset makes the clock read the wall clock plus d: a desk whose clock
// is wrong still stamps its writes in the hub's time, so its edits neither
// win nor lose every clash, and its timestamps do not drag every replica's
// clock into the future.
func (c *Clock) SetOffset(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = d
}

// Offset returns the correction in use.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// NewClock returns a clock that starts after last (the highest timestamp
// already issued or seen, as persisted by the store).
func NewClock(last HLC, now func() time.Time) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{last: last, now: now}
}

// Now issues a new timestamp greater than every earlier one.
func (c *Clock) Now() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.advance(0)
}

// Observe moves the clock past a remote timestamp and returns a new one.
func (c *Clock) Observe(remote HLC) HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.advance(remote)
}

// Rebase sets the highest timestamp issued or observed to last, even below
// the current one: only for a store that re-dated its own unsent ops.
func (c *Clock) Rebase(last HLC) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = last
}

// Last returns the highest timestamp issued or observed.
func (c *Clock) Last() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

func (c *Clock) advance(remote HLC) HLC {
	wall := MakeHLC(c.now().Add(c.offset).UnixMilli(), 0)
	next := max(wall, c.last+1, remote+1)
	c.last = next
	return next
}
