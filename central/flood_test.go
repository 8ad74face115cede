package central_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"movedesk/central"
	"movedesk/store"
	"movedesk/wire"
)

// The hub under abuse runs as its own process (this test binary started
// again with childHubEnv set), so its memory is its own: the figures below
// are the hub's, not the attackers'.
const childHubEnv = "MOVEDESK_TEST_CHILD_HUB"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childHubEnv); dir != "" {
		runChildHub(dir)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChildHub serves a hub over dir as `movedesk serve` does (default
// limits but the header timeout, log file capped), prints its address, and answers "mem" on stdin
// with its memory; it stops when stdin closes.
func runChildHub(dir string) {
	s, err := store.Open(dir, store.Options{Desk: "hub"})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	h := central.New(s, dir)
	// The default limits but one: the flood's connections would all be cut
	// by the 10 s header timeout at once, in the middle of the desks'
	// syncs; held a minute, they stay open throughout (the harder case).
	h.Limits.HeaderTimeout = time.Minute
	lf, err := central.OpenLogFile(filepath.Join(dir, "hub.log"), 1<<20, 1)
	if err != nil {
		log.Fatal(err)
	}
	defer lf.Close()
	h.Log = log.New(lf, "", log.LstdFlags).Printf
	lim, err := central.Listen("127.0.0.1:0", h.Limits)
	if err != nil {
		log.Fatal(err)
	}
	ln := countingListener{lim}
	srv := h.HTTPServer(ln.Addr().String())
	srv.ErrorLog = log.New(lf, "", log.LstdFlags)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- central.Serve(ctx, srv, ln, "", "") }()
	fmt.Println(ln.Addr().String())
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		switch sc.Text() {
		case "mem":
			b, _ := json.Marshal(memNow())
			fmt.Println(string(b))
		case "accepted": // without the GC of mem, which would slow the hub
			fmt.Println(accepted.Load())
		}
	}
	cancel()
	<-done
}

// accepted counts the connections the child hub's server took.
var accepted atomic.Int64

type countingListener struct{ net.Listener }

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		accepted.Add(1)
	}
	return c, err
}

// mem is a process's memory: Go's own count of what it holds (after a GC)
// and the kernel's resident set, now and at its peak.
type mem struct {
	InUse      uint64 // bytes of Go memory in use: heap objects, stacks, runtime structures
	Goroutines int
	RSS, HWM   uint64 // VmRSS, VmHWM
}

func memNow() mem {
	runtime.GC()
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(samples)
	m := mem{InUse: samples[0].Value.Uint64() - samples[1].Value.Uint64() - samples[2].Value.Uint64() - samples[3].Value.Uint64(),
		Goroutines: runtime.NumGoroutine()}
	m.RSS, m.HWM = procStatus(os.Getpid())
	return m
}

// procStatus reads VmRSS and VmHWM of a process, in bytes (0 off Linux).
func procStatus(pid int) (rss, hwm uint64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		n, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n << 10
		case "VmHWM":
			hwm = n << 10
		}
	}
	return rss, hwm
}

type childHub struct {
	addr, url, dir string
	cmd            *exec.Cmd
	in             io.WriteCloser
	out            *bufio.Scanner
}

func startChildHub(t testing.TB) *childHub {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childHubEnv+"="+dir)
	in, _ := cmd.StdinPipe()
	outp, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ch := &childHub{dir: dir, cmd: cmd, in: in, out: bufio.NewScanner(outp)}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	if !ch.out.Scan() {
		t.Fatal("the hub process did not start")
	}
	ch.addr = ch.out.Text()
	ch.url = "http://" + ch.addr
	return ch
}

func (c *childHub) accepted(t testing.TB) int64 {
	t.Helper()
	io.WriteString(c.in, "accepted\n")
	if !c.out.Scan() {
		t.Fatal("the hub process is gone")
	}
	n, _ := strconv.ParseInt(c.out.Text(), 10, 64)
	return n
}

func (c *childHub) mem(t testing.TB) mem {
	t.Helper()
	io.WriteString(c.in, "mem\n")
	if !c.out.Scan() {
		t.Fatal("the hub process is gone")
	}
	var m mem
	if err := json.Unmarshal(c.out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// deskSync is one `movedesk sync` of a legitimate desk: a new connection,
// one op pushed, the answer read. It returns how long it took.
func deskSync(t testing.TB, url, tok, desk string, seq uint64) time.Duration {
	t.Helper()
	req := wire.SyncRequest{Desk: desk, Ops: []wire.Op{newCase(fmt.Sprintf("RBA-2026-%06d", seq), seq)}}
	current(&req)
	body, _ := wire.Encode(req)
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	start := time.Now()
	hr, _ := http.NewRequest(http.MethodPost, url+wire.Path, bytes.NewReader(body))
	hr.Header.Set("Authorization", "Bearer "+tok)
	hr.Header.Set("Accept-Encoding", "gzip")
	var conn, first time.Duration
	hr = hr.WithContext(httptrace.WithClientTrace(hr.Context(), &httptrace.ClientTrace{
		ConnectDone:          func(string, string, error) { conn = time.Since(start) },
		GotFirstResponseByte: func() { first = time.Since(start) }}))
	r, err := hc.Do(hr)
	if err != nil {
		t.Fatalf("desk sync %d: %v", seq, err)
	}
	defer func() { debugf("sync %d: connected %v, first byte %v, done %v", seq, conn, first, time.Since(start)) }()
	var resp wire.SyncResponse
	err = wire.Decode(r.Body, wire.MaxBody, &resp)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || err != nil || resp.Acked != seq {
		t.Fatalf("desk sync %d: %d %+v %v", seq, r.StatusCode, resp, err)
	}
	return time.Since(start)
}

// fdRoom raises this process's open-file limit to want if it can, and
// returns how many it may open.
func fdRoom(t testing.TB, want uint64) uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return want
	}
	if rl.Cur < want {
		rl.Cur = min(want, rl.Max)
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			t.Logf("raising the open-file limit: %v", err)
		}
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl)
	}
	return rl.Cur
}

// flood keeps up to n abusive connections open to addr from many loopback
// addresses (127.0.1.1 onwards, 250 a /24), so no per-address limit sees
// more than one: a third send nothing, a third trickle a request header,
// a third send a bad token and trickle a body, a byte a second. Each one
// the hub closes is opened again at the next round, a second later. It runs
// until stop is closed and then reports how many connections it opened in
// all, and how many of those trickling a header the hub closed before its
// header timeout. Without reopen, the ones the
// hub closes stay closed.
func flood(addr string, n int, reopen bool, rounds chan<- int, stop <-chan struct{}) (opened, cut int) {
	conns, since := make([]net.Conn, n), make([]time.Time, n)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	open := func(i int) {
		ip := net.IPv4(127, 0, byte(1+i/250), byte(1+i%250))
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: time.Second}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			return
		}
		opened++
		switch i % 3 {
		case 1:
			fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: hub\r\nX-Slow: ", wire.Path)
		case 2:
			fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer mdt_stolen\r\nContent-Length: 1000000\r\n\r\n", wire.Path)
		}
		conns[i], since[i] = c, time.Now()
	}
	for round := 0; ; round++ {
		for i := range conns {
			if conns[i] != nil && i%3 != 0 {
				conns[i].SetWriteDeadline(time.Now().Add(10 * time.Millisecond))
				if _, err := conns[i].Write([]byte{'a'}); err != nil {
					// The child hub's header timeout is a minute: a
					// header trickler closed before that was shed.
					if i%3 == 1 && time.Since(since[i]) < 50*time.Second {
						cut++
					}
					conns[i].Close()
					conns[i] = nil
				}
			}
			if conns[i] == nil && (reopen || round == 0) {
				open(i)
			}
		}
		select {
		case rounds <- opened:
		default:
		}
		select {
		case <-stop:
			return opened, cut
		case <-time.After(time.Second):
		}
	}
}

// TestHubUnderAbuse runs the abuse suite against a hub in its own process
// with its default limits: 60 MiB strings in 61 KB requests, an op flood,
// then 2,000 slow or abusive connections from 2,000 addresses kept open
// (each one the hub closes is opened again). Legitimate desks sync within
// 0.5 s throughout, each on a new connection, and one that synced before the
// flood keeps its connection; the hub's memory stays bounded, and its log
// within its cap. Under the race detector the flood's connections are
// opened once, not again when shed, the memory per connection is not
// measured, and a sync need only complete (the detector makes every step
// several times slower, and the hub's first answers after the burst took
// 2–8 s on a loaded machine): make test runs this test again without it,
// with the 0.5 s bound. BenchmarkHubUnderAbuse (make bench) reports the
// figures of the full run.
func TestHubUnderAbuse(t *testing.T) {
	abuseSuite(t, 2000)
}

// BenchmarkHubUnderAbuse is the full abuse suite once, reporting the hub's
// bytes per held connection, its peak RSS and the slowest desk sync.
func BenchmarkHubUnderAbuse(b *testing.B) {
	var f abuseFigures
	for range b.N {
		f = abuseSuite(b, 2000)
	}
	b.ReportMetric(float64(f.perConn), "B/conn")
	b.ReportMetric(mb(f.peak), "peak-RSS-MB")
	b.ReportMetric(float64(f.worst.Microseconds())/1000, "worst-sync-ms")
}

func raceOn() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return true
			}
		}
	}
	return false
}

type abuseFigures struct {
	perConn, peak uint64
	worst         time.Duration
}

func abuseSuite(t testing.TB, n int) abuseFigures {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("loopback addresses beyond 127.0.0.1 and /proc are Linux's")
	}
	want := n
	if room := fdRoom(t, uint64(n)+512); room < uint64(n)+256 {
		n = int(room) - 256
		if n <= central.DefaultLimits().MaxConns {
			t.Skipf("open-file limit %d: too low for more connections than the hub's limit of %d (raise ulimit -n to %d)",
				room, central.DefaultLimits().MaxConns, want+512)
		}
		t.Logf("open-file limit %d: flooding with %d connections, not %d", room, n, want)
	}
	race := raceOn()
	hub := startChildHub(t)
	tok, err := central.AddDesk(hub.dir, "RBA", "rba-1")
	if err != nil {
		t.Fatal(err)
	}
	// The bound is the 0.5 s; on a machine already loaded past
	// twice its cores by other work, the hub gets a share of the CPU only.
	bound := 500 * time.Millisecond
	if race {
		bound = 25 * time.Second // see TestHubUnderAbuse
	} else if load := loadAverage(); load > 2*float64(runtime.NumCPU()) {
		bound = 2 * time.Second
		t.Logf("load average %.1f on %d cores: a desk's sync may take %v", load, runtime.NumCPU(), bound)
	}
	seq := uint64(0)
	legit := func(what string) {
		t.Helper()
		seq++
		if d := deskSync(t, hub.url, tok, "d-1", seq); d > bound {
			t.Fatalf("%s: a desk's sync took %v", what, d)
		}
	}
	legit("before")
	base := hub.mem(t)

	// Oversized strings, eight at a time, 24 in all (8 with the slow race
	// detector).
	big := gzipped(`{"v":2,"inst":"i-x","desk":"d-1","cur":0,"ops":[{"s":1,"h":1,"k":"RBA-2026-000001","f":{"office":"`,
		strings.Repeat(`\u001b]0;A`, 6<<20), `"}}]}`)
	for i := range 3 {
		if race && i > 0 {
			break
		}
		errs := make(chan string, 8)
		for range 8 {
			go func() {
				hr, _ := http.NewRequest(http.MethodPost, hub.url+wire.Path, bytes.NewReader(big))
				hr.Header.Set("Authorization", "Bearer "+tok)
				r, err := http.DefaultClient.Do(hr)
				if err != nil {
					errs <- err.Error()
					return
				}
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
				errs <- strconv.Itoa(r.StatusCode)
			}()
		}
		for range 8 {
			if c := <-errs; c != "413" {
				t.Fatalf("60 MiB string: %s", c)
			}
		}
	}
	legit("after oversized strings")
	// An op flood over the cap.
	req := wire.SyncRequest{Desk: "d-1"}
	for i := range central.DefaultLimits().MaxOps + 1 {
		req.Ops = append(req.Ops, wire.Op{Seq: uint64(i + 100), HLC: 1, Key: "RBA-2026-000001/traveller/1",
			Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"` + strings.Repeat("x", 1000) + `"`)}})
	}
	current(&req)
	body, _ := wire.Encode(req)
	hr, _ := http.NewRequest(http.MethodPost, hub.url+wire.Path, bytes.NewReader(body))
	hr.Header.Set("Authorization", "Bearer "+tok)
	if r, err := http.DefaultClient.Do(hr); err != nil || r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("op flood: %v %v", r, err)
	} else {
		r.Body.Close()
	}
	legit("after an op flood")

	// A desk that synced before the flood, on a kept-alive connection.
	kept := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	keptN := 0
	keptSync := func() time.Duration {
		start := time.Now()
		req := wire.SyncRequest{Desk: "d-2"}
		current(&req)
		body, _ := wire.Encode(req)
		hr, _ := http.NewRequest(http.MethodPost, hub.url+wire.Path, bytes.NewReader(body))
		hr.Header.Set("Authorization", "Bearer "+tok2(t, hub.dir))
		reused := false
		hr = hr.WithContext(httptrace.WithClientTrace(hr.Context(), &httptrace.ClientTrace{
			GotConn: func(ci httptrace.GotConnInfo) { reused = ci.Reused }}))
		r, err := kept.Do(hr)
		if keptN++; keptN > 1 && !reused {
			t.Fatal("the kept-alive connection of a desk whose token checked out was shed")
		}
		if err != nil {
			t.Fatalf("kept-alive desk: %v", err)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Fatalf("kept-alive desk: %d", r.StatusCode)
		}
		return time.Since(start)
	}
	keptSync()

	var calm []string
	for range 5 {
		seq++
		calm = append(calm, deskSync(t, hub.url, tok, "d-1", seq).Round(time.Millisecond).String())
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("desk syncs before the flood: %s", strings.Join(calm, ", "))

	// Memory per connection: 1,000 held, none shed (under max_conns); not
	// under the race detector, whose shadow memory would be the figure.
	var perConn uint64
	var held mem
	taken, steady := 0, 1000
	type result struct{ opened, cut int }
	dialed := make(chan result, 1)
	if !race {
		stop, rounds := make(chan struct{}), make(chan int, 1)
		go func() {
			o, c := flood(hub.addr, steady, false, rounds, stop)
			dialed <- result{o, c}
		}()
		<-rounds
		for range 50 { // until the hub has taken them all: a goroutine each
			if held = hub.mem(t); held.Goroutines >= base.Goroutines+steady*97/100 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		close(stop)
		<-dialed
		taken = held.Goroutines - base.Goroutines
		if taken < steady/2 {
			t.Fatalf("the hub took %d of %d connections", taken, steady)
		}
		perConn = (held.InUse - min(held.InUse, base.InUse)) / uint64(taken)
	}

	pre := hub.accepted(t)
	// The flood: n connections, each shed one opened again.
	stop, rounds := make(chan struct{}), make(chan int, 1)
	// Under the race detector, every one the hub handles costs ten times
	// as much: the flood opens its connections once (still past max_conns,
	// so the hub sheds) instead of reopening them.
	go func() {
		o, c := flood(hub.addr, n, !race, rounds, stop)
		dialed <- result{o, c}
	}()
	// Until the hub has taken every connection of the opening burst (the
	// kernel queues them): desks sync while it stays full.
	maxConns := central.DefaultLimits().MaxConns
	var burst int
	for range 3 { // every connection opened, and the shed ones again
		burst = <-rounds
	}
	for range 120 {
		if hub.accepted(t)-pre >= int64(burst) {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	// And has started serving the last of them (a goroutine each, queued
	// behind one another on the 2 cores).
	time.Sleep(time.Second)
	if os.Getenv("MOVEDESK_FLOOD_DEBUG") != "" {
		debugf = t.Logf // each desk sync: connect, first byte, done
	}
	var worst time.Duration
	var took []string
	for i := range 25 { // over several of the flood's rounds
		seq++
		d := deskSync(t, hub.url, tok, "d-1", seq)
		worst = max(worst, d)
		took = append(took, d.Round(time.Millisecond).String())
		if i%5 == 0 {
			d := keptSync()
			worst = max(worst, d)
			took = append(took, "kept "+d.Round(time.Millisecond).String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	height := hub.mem(t)
	close(stop)
	fl := <-dialed
	t.Logf("desk syncs during the flood: %s", strings.Join(took, ", "))
	if worst > bound {
		t.Fatalf("with %d abusive connections open, a desk's sync took %v", n, worst)
	}
	if fl.cut == 0 || (!race && fl.opened <= n) {
		t.Fatalf("the flood opened %d connections for %d, the hub cut %d slow headers: it held every one (no limit reached)", fl.opened, n, fl.cut)
	}
	end := hub.mem(t)
	if !race {
		t.Logf("held connections: Go memory in use %.1f MB -> %.1f MB with %d: %.1f KB per connection",
			mb(base.InUse), mb(held.InUse), taken, float64(perConn)/1024)
	}
	t.Logf("%d abusive connections (%d opened in all, the hub holding at most %d, %d goroutines): Go memory in use %.1f MB, RSS %.1f MB; "+
		"peak RSS over the suite %.1f MB; worst desk sync %v (race detector: %v)",
		n, fl.opened, maxConns, height.Goroutines, mb(height.InUse), mb(height.RSS), mb(end.HWM), worst, race)
	// Bounds with room for the race detector's shadow memory.
	perConnMax, hwmMax := uint64(128<<10), uint64(256<<20)
	if race {
		perConnMax, hwmMax = 512<<10, 1<<30
	}
	if perConn > perConnMax || end.HWM > hwmMax {
		t.Fatalf("hub memory: %d bytes per connection (bound %d), peak RSS %.1f MB (bound %.0f MB)", perConn, perConnMax, mb(end.HWM), mb(hwmMax))
	}
	var logBytes int64
	for _, name := range []string{"hub.log", "hub.log.1"} {
		if fi, err := os.Stat(filepath.Join(hub.dir, name)); err == nil {
			logBytes += fi.Size()
		}
	}
	if logBytes > 2<<20 {
		t.Fatalf("hub log %d bytes over its cap of 2 MiB", logBytes)
	}
	return abuseFigures{perConn: perConn, peak: end.HWM, worst: worst}
}

// loadAverage is the machine's load average over the last minute (0 if
// unknown).
func loadAverage() float64 {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

var debugf = func(string, ...any) {}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

var tok2Cache = map[string]string{}

// tok2 is a second desk's token, registered once per hub.
func tok2(t testing.TB, dir string) string {
	if tok, ok := tok2Cache[dir]; ok {
		return tok
	}
	tok, err := central.AddDesk(dir, "RBA", "rba-2")
	if err != nil {
		t.Fatal(err)
	}
	tok2Cache[dir] = tok
	return tok
}
