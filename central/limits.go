package central

import (
	"container/list"
	"context"
	"crypto/tls"
	"fmt"
	"math"
	"net"
	"net/http"
	"sync"
	"time"

	"movedesk/wire"
)

// Limits bound what one desk token, or a client with none, can make the hub
// hold: every field has a default (DefaultLimits), and serve reads them
// from the config's hub section. Zero fields take the default.
type Limits struct {
	// MaxOps is the most ops one request may push (413 beyond). Desks push
	// in chunks of desksync.DefaultChunk, well under it.
	MaxOps int `mapstructure:"max_ops"`
	// MaxString is the most bytes of any one JSON string in a request, key
	// or value (413 beyond), measured while the body is decoded. The
	// invariants cap notes at 4,000 characters; nothing a desk writes
	// comes near.
	MaxString int `mapstructure:"max_string"`
	// MaxBody and MaxPlain bound a request body, compressed and plain.
	MaxBody  int64 `mapstructure:"max_body"`
	MaxPlain int64 `mapstructure:"max_plain"`
	// HeaderTimeout bounds the TLS handshake and the request header.
	HeaderTimeout time.Duration `mapstructure:"header_timeout"`
	// BodyTimeout bounds reading an authenticated request's body. A request
	// refused before its body (no or a bad token, rate limited) is answered
	// and its connection closed at once, whatever it still sends.
	BodyTimeout time.Duration `mapstructure:"body_timeout"`
	// IdleTimeout is how long a kept-alive connection may wait for its next
	// request (desks keep theirs between background syncs).
	IdleTimeout time.Duration `mapstructure:"idle_timeout"`
	// MaxConns caps open connections in total, MaxConnsPerIP those from one
	// client address (an office's desks may share one behind NAT). A
	// connection over either is closed as it is accepted.
	MaxConns      int `mapstructure:"max_conns"`
	MaxConnsPerIP int `mapstructure:"max_conns_per_ip"`
	// MaxInflight caps requests whose bodies are being decoded and applied
	// at once (the others wait), which bounds the hub's memory.
	MaxInflight int `mapstructure:"max_inflight"`
	// DeskRate is the requests per minute one desk may make on average,
	// DeskBurst how many it may make at once; beyond, 429 with Retry-After.
	DeskRate  float64 `mapstructure:"desk_rate"`
	DeskBurst int     `mapstructure:"desk_burst"`
	// LogMax is the size at which the hub's log file rotates, LogKeep how
	// many old files are kept: the log never holds more than
	// (LogKeep+1) × LogMax bytes, whatever clients provoke.
	LogMax  int64 `mapstructure:"log_max"`
	LogKeep int   `mapstructure:"log_keep"`
}

// DefaultLimits are the hub's limits unless configured.
func DefaultLimits() Limits {
	return Limits{
		MaxOps:        5000,
		MaxString:     64 << 10,
		MaxBody:       wire.MaxBody,
		MaxPlain:      wire.MaxPlain,
		HeaderTimeout: 10 * time.Second,
		BodyTimeout:   2 * time.Minute,
		IdleTimeout:   10 * time.Minute,
		MaxConns:      1024,
		MaxConnsPerIP: 64,
		MaxInflight:   16,
		DeskRate:      120,
		DeskBurst:     60,
		LogMax:        DefaultLogMax,
		LogKeep:       DefaultLogKeep,
	}
}

// WithDefaults fills zero fields from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.MaxOps, d.MaxOps)
	set(&l.MaxString, d.MaxString)
	set(&l.MaxConns, d.MaxConns)
	set(&l.MaxConnsPerIP, d.MaxConnsPerIP)
	set(&l.MaxInflight, d.MaxInflight)
	set(&l.DeskBurst, d.DeskBurst)
	set(&l.LogKeep, d.LogKeep)
	if l.LogMax <= 0 {
		l.LogMax = d.LogMax
	}
	if l.MaxBody <= 0 {
		l.MaxBody = d.MaxBody
	}
	if l.MaxPlain <= 0 {
		l.MaxPlain = d.MaxPlain
	}
	for _, p := range []struct {
		v   *time.Duration
		def time.Duration
	}{
		{&l.HeaderTimeout, d.HeaderTimeout}, {&l.BodyTimeout, d.BodyTimeout}, {&l.IdleTimeout, d.IdleTimeout}} {
		if *p.v <= 0 {
			*p.v = p.def
		}
	}
	if l.DeskRate <= 0 {
		l.DeskRate = d.DeskRate
	}
	return l
}

// HTTPServer returns the http.Server for the hub's handler on addr, with
// the limits' timeouts.
func (h *Server) HTTPServer(addr string) *http.Server {
	l := h.Limits.WithDefaults()
	return &http.Server{Addr: addr, Handler: h.Handler(),
		ReadHeaderTimeout: l.HeaderTimeout,
		// A backstop: the sync handler sets each request's own deadline.
		ReadTimeout:  l.HeaderTimeout + l.BodyTimeout,
		WriteTimeout: l.HeaderTimeout + l.BodyTimeout + time.Minute,
		IdleTimeout:  l.IdleTimeout,
		// The handler finds the connection to mark it a desk's.
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
}

// Listen listens on addr with the limits' caps on open connections.
func Listen(addr string, l Limits) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l = l.WithDefaults()
	return LimitListener(ln, l.MaxConns, l.MaxConnsPerIP), nil
}

// LimitListener wraps ln so at most total connections are open at once,
// and at most perIP from one client address. A connection over perIP is
// closed as soon as it is accepted (the client sees it reset, and a desk
// retries), so excess clients hold nothing. When total are open, the
// oldest connection that has not yet carried a request whose token checked
// out is closed to make room for the new one: strangers, however many
// addresses they come from, shed each other, and a desk that authenticated
// keeps its connection. Only when every open connection is a desk's is the
// new one refused. The hub's handler marks a connection authenticated (see
// HTTPServer).
func LimitListener(ln net.Listener, total, perIP int) net.Listener {
	return &limitListener{Listener: ln, total: total, perIP: perIP, byIP: map[string]int{}}
}

type limitListener struct {
	net.Listener
	total, perIP int
	mu           sync.Mutex
	open         int
	byIP         map[string]int
	// unproven are the open connections with no authenticated request yet,
	// oldest first: the first to go when the hub is full.
	unproven list.List
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := c.RemoteAddr().String()
		if host, _, err := net.SplitHostPort(ip); err == nil {
			ip = host
		}
		var shed *limitConn
		l.mu.Lock()
		ok := l.byIP[ip] < l.perIP
		if ok && l.open >= l.total {
			if e := l.unproven.Front(); e != nil {
				shed = e.Value.(*limitConn)
				l.releaseLocked(shed)
			} else {
				ok = false
			}
		}
		var lc *limitConn
		if ok {
			l.open++
			l.byIP[ip]++
			lc = &limitConn{Conn: c, l: l, ip: ip}
			lc.elem = l.unproven.PushBack(lc)
		}
		l.mu.Unlock()
		if shed != nil {
			// Its server goroutine sees the read fail and ends.
			shed.Conn.Close()
		}
		if !ok {
			c.Close()
			continue
		}
		return lc, nil
	}
}

// releaseLocked frees c's place, once.
func (l *limitListener) releaseLocked(c *limitConn) {
	if c.released {
		return
	}
	c.released = true
	if c.elem != nil {
		l.unproven.Remove(c.elem)
		c.elem = nil
	}
	l.open--
	if l.byIP[c.ip]--; l.byIP[c.ip] <= 0 {
		delete(l.byIP, c.ip)
	}
}

type limitConn struct {
	net.Conn
	l  *limitListener
	ip string
	// Guarded by l.mu.
	elem     *list.Element
	released bool
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.l.mu.Lock()
	c.l.releaseLocked(c)
	c.l.mu.Unlock()
	return err
}

// prove marks c as carrying a desk's authenticated request: it is no
// longer shed to make room.
func (c *limitConn) prove() {
	c.l.mu.Lock()
	if c.elem != nil {
		c.l.unproven.Remove(c.elem)
		c.elem = nil
	}
	c.l.mu.Unlock()
}

type connKey struct{}

// proveConn marks the connection of r, whose token checked out, as a
// desk's (see LimitListener).
func proveConn(r *http.Request) {
	c, _ := r.Context().Value(connKey{}).(net.Conn)
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if lc, ok := c.(*limitConn); ok {
		lc.prove()
	}
}

// rateBook is one token bucket per desk.
type rateBook struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// take spends one request of desk's bucket, or says how long until one is
// there.
func (r *rateBook) take(desk string, perMinute float64, burst int, now time.Time) (bool, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.buckets == nil {
		r.buckets = map[string]*bucket{}
	}
	b, ok := r.buckets[desk]
	if !ok {
		b = &bucket{tokens: float64(burst), last: now}
		r.buckets[desk] = b
	}
	rate := perMinute / 60 // per second
	b.tokens = math.Min(float64(burst), b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
}

// retryAfter is the Retry-After header value for wait: whole seconds,
// rounded up, at least 1.
func retryAfter(wait time.Duration) string {
	return fmt.Sprint(max(1, int(math.Ceil(wait.Seconds()))))
}
