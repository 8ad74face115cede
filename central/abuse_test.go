package central_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"movedesk/central"
	"movedesk/wire"
)

// limitedHub is a hub served as `movedesk serve` serves it: its limits'
// listener, timeouts and handler, on 127.0.0.1.
type limitedHub struct {
	url, dir string
	addr     string
	logs     *logBook
}

type logBook struct {
	mu    sync.Mutex
	lines []string
}

func (l *logBook) logf(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func (l *logBook) longest() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		n = max(n, len(s))
	}
	return n
}

func startLimited(t *testing.T, lim central.Limits) *limitedHub {
	t.Helper()
	dir, s := openHub(t)
	h := central.New(s, dir)
	h.Limits = lim
	logs := &logBook{}
	h.Log = logs.logf
	ln, err := central.Listen("127.0.0.1:0", lim)
	if err != nil {
		t.Fatal(err)
	}
	srv := h.HTTPServer(ln.Addr().String())
	srv.ErrorLog = nil
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- central.Serve(ctx, srv, ln, "", "") }()
	t.Cleanup(func() { cancel(); <-done })
	addr := ln.Addr().String()
	return &limitedHub{url: "http://" + addr, dir: dir, addr: addr, logs: logs}
}

// legit checks that a registered desk still syncs, and quickly.
func (lh *limitedHub) legit(t *testing.T, tok, desk string, seq uint64) {
	t.Helper()
	start := time.Now()
	code, resp, err := postSync(lh.url, tok, wire.SyncRequest{Desk: desk, Ops: []wire.Op{newCase(fmt.Sprintf("RBA-2026-%06d", seq), seq)}})
	if err != nil || code != http.StatusOK || resp.Acked != seq {
		t.Fatalf("legitimate sync: %d %+v %v", code, resp, err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("legitimate sync took %v", d)
	}
}

func gzipped(parts ...string) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	for _, p := range parts {
		io.WriteString(zw, p)
	}
	zw.Close()
	return b.Bytes()
}

func postBody(t *testing.T, url, tok string, body []byte) (int, string) {
	t.Helper()
	hr, _ := http.NewRequest(http.MethodPost, url+wire.Path, bytes.NewReader(body))
	hr.Header.Set("Authorization", "Bearer "+tok)
	hr.Header.Set("Accept-Encoding", "gzip")
	r, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var eb wire.ErrorBody
	_ = wire.Decode(r.Body, wire.MaxBody, &eb)
	return r.StatusCode, eb.Error
}

// TestHubRefusesOversizedStrings: a request holding a 60 MiB string (the
// issue's attack, 61 KB compressed) is refused with 413 while it is decoded,
// with a short message; a value under the cap that the hub refuses (an
// office of 60 KB) is quoted only as a short escaped excerpt, in the answer
// and the log. A legitimate desk syncs after each.
func TestHubRefusesOversizedStrings(t *testing.T) {
	lh := startLimited(t, central.DefaultLimits())
	tok, _ := central.AddDesk(lh.dir, "RBA", "rba-1")
	big := strings.Repeat(`\u001b]0;A`, 6<<20) // 60 MiB as sent, an escape sequence for terminals
	code, msg := postBody(t, lh.url, tok, gzipped(`{"desk":"d-1","cur":0,"ops":[{"s":1,"h":1,"k":"RBA-2026-000001","f":{"office":"`, big, `"}}]}`))
	if code != http.StatusRequestEntityTooLarge || len(msg) > 200 || !strings.Contains(msg, "65536") {
		t.Fatalf("60 MiB string: %d %.300q", code, msg)
	}
	lh.legit(t, tok, "d-1", 1)

	office, _ := json.Marshal(strings.Repeat("\x1b]0;B", 6<<10)) // 60 KB as sent, under the cap
	op := newCase("RBA-2026-000002", 2)
	op.Fields["office"] = office
	code, resp, err := postSync(lh.url, tok, wire.SyncRequest{Desk: "d-1", Ops: []wire.Op{op}})
	if err != nil || code != http.StatusOK || len(resp.Refused) != 1 {
		t.Fatalf("office op: %d %+v %v", code, resp, err)
	}
	if why := resp.Refused[0].Reason; len(why) > 500 || strings.Contains(why, "\x1b") || !strings.Contains(why, "bytes)") {
		t.Fatalf("refusal echoes the request: %.600q", why)
	}
	if n := lh.logs.longest(); n > 600 {
		t.Fatalf("a log line of %d bytes", n)
	}
	lh.legit(t, tok, "d-1", 3)
}

func mustEncode(t *testing.T, v any) []byte {
	t.Helper()
	if r, ok := v.(wire.SyncRequest); ok {
		current(&r)
		v = r
	}
	b, err := wire.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHubRefusesOpFloods: more ops in one request than MaxOps is refused
// whole with 413, nothing applied; the desk's own chunk is under the cap.
func TestHubRefusesOpFloods(t *testing.T) {
	lim := central.DefaultLimits()
	lh := startLimited(t, lim)
	tok, _ := central.AddDesk(lh.dir, "RBA", "rba-1")
	req := wire.SyncRequest{Desk: "d-1"}
	for i := range lim.MaxOps + 1 {
		req.Ops = append(req.Ops, wire.Op{Seq: uint64(i + 1), HLC: 1, Key: "RBA-2026-000001/traveller/1",
			Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"x"`)}})
	}
	code, msg := postBody(t, lh.url, tok, mustEncode(t, req))
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(msg, "5001 ops") {
		t.Fatalf("op flood: %d %q", code, msg)
	}
	lh.legit(t, tok, "d-1", 1)
}

// TestHubCutsSlowBodies: a client that sends its header and trickles its
// body is answered and cut at once without a valid token, and after
// BodyTimeout with one; a legitimate desk syncs meanwhile.
func TestHubCutsSlowBodies(t *testing.T) {
	lim := central.DefaultLimits()
	lim.BodyTimeout = time.Second
	lh := startLimited(t, lim)
	tok, _ := central.AddDesk(lh.dir, "RBA", "rba-1")
	slow := func(token string) (status string, held time.Duration) {
		c, err := net.Dial("tcp", lh.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 1000000\r\n\r\n", wire.Path, token)
		stop := make(chan struct{})
		go func() { // a byte every 100 ms
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
					if _, err := c.Write([]byte{0x1f}); err != nil {
						return
					}
				}
			}
		}()
		defer close(stop)
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		status, _ = br.ReadString('\n')
		io.Copy(io.Discard, br) // until the hub closes the connection
		return strings.TrimSpace(status), time.Since(start)
	}
	if st, held := slow("mdt_nobody"); !strings.Contains(st, "401") || held > 2*time.Second {
		t.Fatalf("unauthenticated slow body: %q, held %v", st, held)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if st, held := slow(tok); held > 3*time.Second {
			t.Errorf("authenticated slow body: %q, held %v", st, held)
		}
	}()
	lh.legit(t, tok, "d-1", 1)
	<-done
}

// TestHubLimitsConnectionsPerAddress: connections from one address over
// MaxConnsPerIP are closed as they are accepted, and idle ones end after
// HeaderTimeout; a desk from another address syncs while they are open.
func TestHubLimitsConnectionsPerAddress(t *testing.T) {
	lim := central.DefaultLimits()
	lim.MaxConnsPerIP = 5
	lim.HeaderTimeout = time.Second
	lh := startLimited(t, lim)
	tok, _ := central.AddDesk(lh.dir, "RBA", "rba-1")
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
	var conns []net.Conn
	for range 50 {
		c, err := d.Dial("tcp", lh.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	held := 0
	start := time.Now()
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		_, err := c.Read(make([]byte, 1))
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			held++ // still open: the hub waits for its header
		}
	}
	if held > lim.MaxConnsPerIP {
		t.Fatalf("%d connections from one address held open (limit %d)", held, lim.MaxConnsPerIP)
	}
	// The desk's own address is not the flood's.
	hr, _ := http.NewRequest(http.MethodGet, lh.url+"/v1/health", nil)
	if r, err := http.DefaultClient.Do(hr); err != nil || r.StatusCode != 200 {
		t.Fatalf("health: %v", err)
	}
	lh.legit(t, tok, "d-1", 1)
	// The held ones are cut after the header timeout.
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == nil {
			t.Fatal("an idle connection got an answer")
		}
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("idle connections held %v", d)
	}
}

// TestHubRateLimitsADesk: past its burst a desk gets 429 with Retry-After;
// another desk is not affected.
func TestHubRateLimitsADesk(t *testing.T) {
	lim := central.DefaultLimits()
	lim.DeskRate, lim.DeskBurst = 60, 2 // one a second
	lh := startLimited(t, lim)
	tok, _ := central.AddDesk(lh.dir, "RBA", "rba-1")
	other, _ := central.AddDesk(lh.dir, "RBA", "rba-2")
	for i := range 2 {
		lh.legit(t, tok, "d-1", uint64(i+1))
	}
	hr, _ := http.NewRequest(http.MethodPost, lh.url+wire.Path, bytes.NewReader(mustEncode(t, wire.SyncRequest{Desk: "d-1"})))
	hr.Header.Set("Authorization", "Bearer "+tok)
	r, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1" {
		t.Fatalf("third request: %d Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	lh.legit(t, other, "d-2", 1)
	time.Sleep(time.Second) // what Retry-After asked
	lh.legit(t, tok, "d-1", 3)
}
