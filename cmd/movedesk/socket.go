package main

// The CLI while the app is open. The app holds the store's lock, so a
// command cannot open it; instead the app listens on a unix socket in the
// data directory and runs the commands sent to it in-process, through the
// same cobra commands and desk use cases, against its open store
// (app.openStore hands them the app's store). The command line finds the
// socket answering, sends its command line, working directory and, for
// `import -`, its standard input, and copies the answer's standard output,
// standard error and exit code.
//
// Safety: the socket is made only in a directory of this user that no one
// else may write; it is mode 0600; both ends check the other's user
// (SO_PEERCRED); a request is bounded in size and must arrive within
// sockReadTimeout; one command runs at a time with a few waiting; a
// command is given sockCmdTimeout; a panic is the command's error, never
// the app's end.
//
// Wire: the request is a 4-byte big-endian length and a JSON sockRequest;
// the answer is frames of one type byte ('o' stdout, 'e' stderr, 'x' exit
// code), a 4-byte length and the payload.

import (
	"bufio"
	"bytes"
	binenc "encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/config"
	"movedesk/desk"
	"movedesk/store"
	"movedesk/tui"
)

// SocketName is the app's socket in the data directory.
const SocketName = "movedesk.sock"

const (
	sockVersion     = 1
	maxSockRequest  = 8 << 20 // the whole request, standard input included
	maxSockFrame    = 1 << 20
	sockReadTimeout = 10 * time.Second
	sockCmdTimeout  = 2 * time.Minute
	sockWaiting     = 4 // commands waiting for the one running
	sockConns       = 16
)

// sockRequest is one command sent to the running app.
type sockRequest struct {
	V    int      `json:"v"`
	Args []string `json:"args"`
	// Dir is the client's working directory: relative file names (--out,
	// import FILE) resolve against it.
	Dir string `json:"dir"`
	// Data is the data directory the client's configuration names; User is
	// the user it names (the app refuses to act as another); NoColor is
	// --no-color or NO_COLOR there.
	Data    string `json:"data"`
	User    string `json:"user"`
	NoColor bool   `json:"no_color"`
	Stdin   []byte `json:"stdin,omitempty"`
}

// inApp is what a command running inside the app uses instead of opening
// the store: the app's store, use-case layer and configuration.
type inApp struct {
	s *store.Store
	d *desk.Service
	// cfg is the app's configuration as it started (a copy: the app may
	// change its own while a command runs), and user the user it works as
	// now (nil: cfg.User, for good).
	cfg  config.Config
	user *signedInUser
	now  func() time.Time
	// locked reports the app is behind its sign-in or lock (nil: never).
	locked func() bool
	req    *sockRequest
	// path and args are the command that ran (for the app's notice).
	path string
	args []string
}

// signedInUser is the user the app works as. The sign-in sets it on the
// app's goroutine while the socket's read it for each command.
type signedInUser struct {
	mu   sync.Mutex
	name string
}

func (u *signedInUser) set(name string) {
	u.mu.Lock()
	u.name = name
	u.mu.Unlock()
}

func (u *signedInUser) get() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.name
}

// actingUser is the user a command let in now runs as.
func (ia *inApp) actingUser() string {
	if ia.user != nil {
		return ia.user.get()
	}
	return ia.cfg.User
}

// forwarded ends a command the running app ran: its exit code.
type forwarded struct{ code int }

func (f forwarded) Error() string { return fmt.Sprintf("ran in the app (exit %d)", f.code) }

// errNoApp: no app answers on the socket (it is stale); run here.
var errNoApp = errors.New("no app answers")

// file resolves a file name the user gave against the working directory
// the command was started in.
func (a *app) file(name string) string {
	if name == "" || name == "-" || filepath.IsAbs(name) || a.wd == "" {
		return name
	}
	return filepath.Join(a.wd, name)
}

// localOnly reports whether cmd never runs through the app: the app
// itself, and what does not use the desk's store (keys, the hub, help).
func localOnly(cmd *cobra.Command) bool {
	if cmd == cmd.Root() {
		return true
	}
	top := cmd
	for top.HasParent() && top.Parent() != cmd.Root() {
		top = top.Parent()
	}
	switch top.Name() {
	case "help", "completion", "key", "serve", "hub":
		return true
	}
	return false
}

// notInApp says why cmd cannot run inside the app, or "".
func notInApp(cmd *cobra.Command, args []string) string {
	if cmd == cmd.Root() {
		return "the app is already open on this store (in another terminal)"
	}
	if localOnly(cmd) {
		return fmt.Sprintf("`%s` does not run inside the app", cmd.CommandPath())
	}
	switch cmd.Name() {
	case "demo":
		return "demo makes a new store, and the app has this one open: use another --data, or quit the app"
	case "sync":
		return "the app syncs this store itself (the sync screen's s syncs now); quit the app to run `movedesk sync`"
	case "import":
		if f := cmd.Flags().Lookup("restore"); f != nil && f.Changed {
			return "import --restore loads an export into an empty store; quit the app to run it"
		}
	}
	return ""
}

// loadInApp gives a command inside the app the app's configuration, with
// the client's --no-color or NO_COLOR.
func (a *app) loadInApp(cmd *cobra.Command) error {
	c := a.inApp.cfg
	if a.inApp.req.NoColor {
		c.NoColor = true
	}
	if f := cmd.Flags().Lookup("no-color"); f != nil && f.Changed {
		c.NoColor = true
	}
	a.cfg = &c
	return nil
}

// throughApp runs before every command. Inside the app it refuses what
// cannot run there. Outside, when the store's app answers on its socket,
// it sends the command there and ends it with the app's exit code.
func (a *app) throughApp(cmd *cobra.Command, args []string) error {
	if a.inApp != nil {
		a.inApp.path, a.inApp.args = cmd.CommandPath(), args
		if why := notInApp(cmd, args); why != "" {
			return errors.New(why)
		}
		return nil
	}
	if localOnly(cmd) {
		return nil
	}
	if err := a.load(cmd); err != nil {
		return nil // the command reports its configuration's errors
	}
	sock := filepath.Join(a.cfg.Data, SocketName)
	if _, err := os.Lstat(sock); err != nil {
		return nil // no app: open the store here, as always
	}
	var stdin []byte
	if cmd.Name() == "import" && len(args) > 0 && args[0] == "-" {
		b, err := io.ReadAll(io.LimitReader(a.in, maxSockRequest/2+1))
		if err != nil {
			return err
		}
		if len(b) > maxSockRequest/2 {
			return fmt.Errorf("standard input over %d MiB cannot be sent to the app that has the store open; import from a file, or quit the app", maxSockRequest/2>>20)
		}
		stdin = b
	}
	code, err := a.forward(sock, stdin)
	if errors.Is(err, errNoApp) {
		return nil
	}
	if err != nil {
		return err
	}
	return forwarded{code}
}

// forward sends the command line to the app on socket path and copies its
// answer to the command's streams.
func (a *app) forward(path string, stdin []byte) (int, error) {
	if err := ownSocket(path); err != nil {
		return 0, err
	}
	conn, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return 0, errNoApp
	}
	defer conn.Close()
	if err := checkPeer(conn.(*net.UnixConn)); err != nil {
		return 0, fmt.Errorf("%s: %w; not sent", path, err)
	}
	wd := a.wd
	if wd == "" {
		if wd, err = os.Getwd(); err != nil {
			return 0, err
		}
	}
	data, _ := filepath.Abs(a.cfg.Data)
	req := sockRequest{V: sockVersion, Args: a.args, Dir: wd, Data: data, User: a.cfg.User, NoColor: noColor(a), Stdin: stdin}
	body, err := json.Marshal(req)
	if err != nil {
		return 0, err
	}
	if len(body) > maxSockRequest {
		return 0, fmt.Errorf("the command is too large to send to the app (%d bytes, at most %d)", len(body), maxSockRequest)
	}
	_ = conn.SetDeadline(time.Now().Add(sockCmdTimeout + sockReadTimeout + 30*time.Second))
	if err := writeLenPrefixed(conn, body); err != nil {
		return 0, fmt.Errorf("send to the app: %w", err)
	}
	for {
		typ, p, err := readFrame(conn)
		if err != nil {
			return 0, fmt.Errorf("the app did not finish the command: %w", err)
		}
		switch typ {
		case 'o':
			_, _ = a.out.Write(p)
		case 'e':
			_, _ = a.err.Write(p)
		case 'x':
			if len(p) != 4 {
				return 0, errors.New("the app sent a bad exit code")
			}
			return int(int32(binenc.BigEndian.Uint32(p))), nil
		default:
			return 0, fmt.Errorf("the app sent an unknown frame %q", typ)
		}
	}
}

func writeLenPrefixed(w io.Writer, body []byte) error {
	var n [4]byte
	binenc.BigEndian.PutUint32(n[:], uint32(len(body)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}

func writeFrame(w io.Writer, typ byte, p []byte) error {
	var h [5]byte
	h[0] = typ
	binenc.BigEndian.PutUint32(h[1:], uint32(len(p)))
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	_, err := w.Write(p)
	return err
}

func readFrame(r io.Reader) (byte, []byte, error) {
	var h [5]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := binenc.BigEndian.Uint32(h[1:])
	if n > maxSockFrame {
		return 0, nil, fmt.Errorf("frame of %d bytes", n)
	}
	p := make([]byte, n)
	_, err := io.ReadFull(r, p)
	return h[0], p, err
}

// readRequest reads one request, refusing one over max bytes or not
// well-formed.
func readRequest(r io.Reader, max int) (*sockRequest, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, fmt.Errorf("no request: %w", err)
	}
	size := binenc.BigEndian.Uint32(n[:])
	if int64(size) > int64(max) {
		return nil, fmt.Errorf("request of %d bytes refused (at most %d)", size, max)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("request cut short: %w", err)
	}
	var req sockRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, fmt.Errorf("malformed request: %w", err)
	}
	switch {
	case req.V != sockVersion:
		return nil, fmt.Errorf("request version %d; this app speaks %d (use the same movedesk build)", req.V, sockVersion)
	case len(req.Args) == 0:
		return nil, errors.New("request without a command")
	case !filepath.IsAbs(req.Dir):
		return nil, errors.New("request without an absolute working directory")
	}
	return &req, nil
}

// frameWriter sends what a command writes as frames of one type; after a
// failed write (the client left) the rest is dropped, and the command
// goes on.
type frameWriter struct {
	mu   *sync.Mutex
	conn net.Conn
	typ  byte
	dead *bool
}

func (w frameWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for rest := p; len(rest) > 0 && !*w.dead; {
		n := min(len(rest), maxSockFrame)
		if err := writeFrame(w.conn, w.typ, rest[:n]); err != nil {
			*w.dead = true
		}
		rest = rest[n:]
	}
	return len(p), nil
}

// sockServer runs the commands sent to the app's socket.
type sockServer struct {
	ln   *net.UnixListener
	path string
	app  inApp
	// notify shows a notice in the app after a command changed the store.
	notify func(no, text string)
	// run is held by the command running; wait counts those waiting.
	run   chan struct{}
	wait  chan struct{}
	conns chan struct{}
	// cmdTimeout is how long a client waits for its command.
	cmdTimeout time.Duration
	done       chan struct{}
	wg         sync.WaitGroup
}

// listenSocket makes the app's socket in data directory dir: only in a
// directory of this user that others cannot write, replacing only a stale
// socket of this user (one that no longer answers). The caller closes it.
func listenSocket(dir string, app inApp, notify func(no, text string)) (*sockServer, error) {
	if err := checkSocketDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, SocketName)
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("%s exists and is not a socket; not replaced", path)
		}
		if err := ownSocket(path); err != nil {
			return nil, err
		}
		if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
			c.Close()
			return nil, fmt.Errorf("%s answers: another movedesk app serves this directory", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("remove the stale socket %s: %w", path, err)
		}
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, err
	}
	ln.SetUnlinkOnClose(true)
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	sv := &sockServer{ln: ln, path: path, app: app, notify: notify, run: make(chan struct{}, 1),
		wait: make(chan struct{}, sockWaiting), conns: make(chan struct{}, sockConns),
		cmdTimeout: sockCmdTimeout, done: make(chan struct{})}
	sv.wg.Add(1)
	go sv.serve()
	return sv, nil
}

// Close stops listening and removes the socket; a command running goes on
// to its end first.
func (sv *sockServer) Close() error {
	close(sv.done)
	err := sv.ln.Close()
	sv.wg.Wait()
	sv.run <- struct{}{} // the running command, if any, has finished
	return err
}

func (sv *sockServer) serve() {
	defer sv.wg.Done()
	for {
		conn, err := sv.ln.AcceptUnix()
		if err != nil {
			select {
			case <-sv.done:
				return
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			time.Sleep(50 * time.Millisecond) // e.g. out of file descriptors
			continue
		}
		select {
		case sv.conns <- struct{}{}:
		default:
			conn.Close() // too many at once
			continue
		}
		sv.wg.Add(1)
		go func() {
			defer sv.wg.Done()
			defer func() { <-sv.conns }()
			sv.handle(conn)
		}()
	}
}

// refuse answers a request with an error and an exit code.
func refuse(conn net.Conn, code int, format string, args ...any) {
	_ = conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_ = writeFrame(conn, 'e', []byte("movedesk: "+fmt.Sprintf(format, args...)+"\n"))
	var b [4]byte
	binenc.BigEndian.PutUint32(b[:], uint32(int32(code)))
	_ = writeFrame(conn, 'x', b[:])
}

func (sv *sockServer) handle(conn *net.UnixConn) {
	defer conn.Close()
	if err := checkPeer(conn); err != nil {
		refuse(conn, exitError, "%v", err)
		return
	}
	_ = conn.SetReadDeadline(time.Now().Add(sockReadTimeout))
	req, err := readRequest(conn, maxSockRequest)
	if err != nil {
		refuse(conn, exitUsage, "%v", err)
		return
	}
	_ = conn.SetReadDeadline(time.Time{})
	if d, err := filepath.Abs(sv.app.cfg.Data); err != nil || !sameDir(d, req.Data) {
		refuse(conn, exitError, "this app has the store in %s open, not %s", booking.Printable(d), booking.Printable(req.Data))
		return
	}
	if sv.app.locked != nil && sv.app.locked() {
		refuse(conn, exitError, "the app that has the store open is locked; sign in there first")
		return
	}
	if !sv.sameUser(conn, req) {
		return
	}
	select {
	case sv.wait <- struct{}{}:
	default:
		refuse(conn, exitError, "the app is busy with other commands; try again")
		return
	}
	deadline := time.NewTimer(sv.cmdTimeout)
	defer deadline.Stop()
	select {
	case sv.run <- struct{}{}:
		<-sv.wait
	case <-deadline.C:
		<-sv.wait
		refuse(conn, exitError, "the app is busy with another command; try again")
		return
	case <-sv.done:
		<-sv.wait
		refuse(conn, exitError, "the app is closing")
		return
	}
	// The lock and the user are judged again with the run token held: the
	// app may have locked, or another user signed in, while this waited.
	// A command let in runs to its end as the user it was let in for.
	user := sv.app.actingUser()
	if (sv.app.locked != nil && sv.app.locked()) || req.User != user {
		<-sv.run
		if sv.app.locked != nil && sv.app.locked() {
			refuse(conn, exitError, "the app that has the store open is locked; sign in there first")
		} else {
			sv.sameUser(conn, req)
		}
		return
	}
	var mu sync.Mutex
	dead := false
	out, errw := frameWriter{&mu, conn, 'o', &dead}, frameWriter{&mu, conn, 'e', &dead}
	done := make(chan int, 1)
	go func() {
		defer func() { <-sv.run }()
		// Output goes in frames of up to 32 KiB, not one a line; stderr
		// is written after what stdout had before it.
		bo := bufio.NewWriterSize(out, 32<<10)
		code := sv.exec(req, user, bo, flushFirst{bo, errw})
		_ = bo.Flush()
		done <- code
	}()
	select {
	case code := <-done:
		var b [4]byte
		binenc.BigEndian.PutUint32(b[:], uint32(int32(code)))
		mu.Lock()
		_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
		_ = writeFrame(conn, 'x', b[:])
		mu.Unlock()
	case <-deadline.C:
		mu.Lock()
		dead = true // what the command writes from now on is dropped
		mu.Unlock()
		refuse(conn, exitError, "no answer within %s; the app finishes the command and shows what it changed", sv.cmdTimeout)
	}
}

// sameUser refuses req unless it comes from the user the app works as.
func (sv *sockServer) sameUser(conn *net.UnixConn, req *sockRequest) bool {
	user := sv.app.actingUser()
	if req.User == user {
		return true
	}
	refuse(conn, exitError, "the app that has the store open works as %s; commands sent to it run as that user, not %s (quit the app to act as %s)",
		booking.Printable(user), booking.Printable(req.User), booking.Printable(req.User))
	return false
}

// exec runs one command in-process against the app's store, as user, and returns
// its exit code; a panic is the command's error. When the command changed
// the store, the app is told what ran.
func (sv *sockServer) exec(req *sockRequest, user string, out, errw io.Writer) (code int) {
	ia := sv.app
	ia.req, ia.cfg.User = req, user
	a := &app{in: bytes.NewReader(req.Stdin), out: out, err: errw, wd: req.Dir, inApp: &ia, now: ia.now}
	before := ia.s.LogLen()
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(errw, "movedesk: the command failed inside the app: %v\n%s", r, debug.Stack())
			code = exitError
		}
		if ia.s.LogLen() != before && sv.notify != nil {
			no := ""
			for _, x := range ia.args {
				if booking.ValidCaseNumber(x) {
					no = x
					break
				}
			}
			what := strings.TrimSpace(strings.TrimPrefix(ia.path, "movedesk"))
			if no != "" {
				what += " " + no
			}
			sv.notify(no, booking.Printable(fmt.Sprintf("CLI: %s by %s", what, ia.cfg.User)))
		}
	}()
	return runApp(a, req.Args)
}

func sameDir(a, b string) bool {
	if a == b {
		return true
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// serveCLI makes the app's socket for p, the app over store s; it returns
// what closes it. Without a socket the app works as before (CLI commands
// are then refused while it runs) and says why in its footer.
func serveCLI(a *app, s *store.Store, opts tui.Options, p *tea.Program) func() {
	td, _ := opts.Cases.(tuiDesk)
	if td.Service == nil {
		return func() {}
	}
	sv, err := listenSocket(a.cfg.Data, inApp{s: s, d: td.Service, cfg: *a.cfg, user: a.user, now: a.now, locked: a.locked}, func(no, text string) {
		go p.Send(tui.ExternalChangeMsg{Case: no, Text: text})
	})
	if err != nil {
		go p.Send(tui.InfoMsg{Text: "CLI commands cannot reach this app: " + err.Error()})
		return func() {}
	}
	return func() { sv.Close() }
}

// flushFirst flushes b before each write to w, so that the two streams
// keep their order.
type flushFirst struct {
	b *bufio.Writer
	w io.Writer
}

func (f flushFirst) Write(p []byte) (int, error) {
	_ = f.b.Flush()
	return f.w.Write(p)
}
