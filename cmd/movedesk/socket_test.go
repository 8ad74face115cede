package main

import (
	"bytes"
	binenc "encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
	"movedesk/config"
	"movedesk/store"
	"movedesk/tariffs"
	"movedesk/tui"
)

// appWithSocket opens the app on the store in dir as amina.idrissi at
// 80x24 with its socket, as `movedesk --data DIR` does; the app's notices
// arrive on the returned channel (the program would deliver them).
func appWithSocket(t *testing.T, dir string) (*store.Store, tea.Model, chan tea.Msg) {
	s, m, notes, _ := appWithServer(t, dir)
	return s, m, notes
}

// appWithServer is appWithSocket with the socket's server.
func appWithServer(t *testing.T, dir string) (*store.Store, tea.Model, chan tea.Msg, *sockServer) {
	t.Helper()
	s, a, opts := appOnStore(t, dir)
	cfg := a.cfg
	opts.Changes = nil
	m, err := tui.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	notes := make(chan tea.Msg, 16)
	sv, err := listenSocket(dir, inApp{s: s, d: opts.Cases.(tuiDesk).Service, cfg: *cfg}, func(no, text string) {
		notes <- tui.ExternalChangeMsg{Case: no, Text: text}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sv.Close() })
	return s, m, notes, sv
}

// appOnStore opens the store in dir as the app does, as amina.idrissi.
func appOnStore(t *testing.T, dir string) (*store.Store, *app, tui.Options) {
	t.Helper()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cfg := &config.Config{Data: dir, User: "amina.idrissi", Office: "RBA", Theme: "dark", NoColor: true, Rules: tariffs.DefaultRules(),
		Programmes: []string{"USRAP", "CA-GAR", "AU-HUM", "AVRR", "EU-REL"}}
	a := &app{cfg: cfg}
	opts, err := tuiOptions(a, s)
	if err != nil {
		t.Fatal(err)
	}
	return s, a, opts
}

// client runs a command line as a separate `movedesk` would, started in
// directory wd, with stdin.
func client(t *testing.T, wd, stdin string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("MOVEDESK_USER", "amina.idrissi")
	var out, errb bytes.Buffer
	code := runApp(&app{in: strings.NewReader(stdin), out: &out, err: &errb, wd: wd}, args)
	return code, out.String(), errb.String()
}

// TestCLIThroughTheApp: with the app open, `case set` from another
// terminal runs inside it, changes the store, and the app shows the new
// value and says what ran; errors and exit codes come back as they would.
func TestCLIThroughTheApp(t *testing.T) {
	dir := bareDemoStore(t, "5")
	no := firstCase(t, dir, booking.StatusDataEntry)
	s, m, notes := appWithSocket(t, dir)
	drive(t, m, tui.OpenCaseMsg{Number: no})
	if !strings.Contains(frame(m), "· normal") {
		t.Fatalf("case view:\n%s", frame(m))
	}
	if fi, err := os.Stat(filepath.Join(dir, SocketName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v %v", fi, err)
	}

	code, out, errs := client(t, t.TempDir(), "", "case", "set", no, "priority=1", "--data", dir)
	if code != 0 || out != no+": 1 field(s) set\n" || errs != "" {
		t.Fatalf("case set through the app: %d %q %q", code, out, errs)
	}
	if f, _ := s.CaseFile(no); f.Case.Priority != 1 {
		t.Fatalf("store priority %d", f.Case.Priority)
	}
	select {
	case msg := <-notes:
		drive(t, m, msg)
	case <-time.After(5 * time.Second):
		t.Fatal("the app was not told")
	}
	got := frame(m)
	if !strings.Contains(got, "CLI: case set "+no+" by amina.idrissi") || !strings.Contains(got, "· urgent") {
		t.Fatalf("the app does not show the change:\n%s", got)
	}
	// A script's change is not the app user's to undo with u.
	press(t, m, rk('u'))
	if f, _ := s.CaseFile(no); f.Case.Priority != 1 || !strings.Contains(frame(m), "nothing to undo") {
		t.Fatalf("u undid a CLI change:\n%s", frame(m))
	}
	ops, _ := s.History(no)
	if last := ops[len(ops)-1]; last.Actor != "amina.idrissi" || string(last.Fields["priority"]) != "1" {
		t.Fatalf("last op: %+v", last)
	}

	// Errors and exit codes pass through.
	code, out, errs = client(t, t.TempDir(), "", "case", "set", "RBA-2026-999999", "priority=1", "--data", dir)
	if code != exitError || out != "" || !strings.Contains(errs, "movedesk: ") || !strings.Contains(errs, "RBA-2026-999999") {
		t.Fatalf("unknown case: %d %q %q", code, out, errs)
	}
	code, _, errs = client(t, t.TempDir(), "", "case", "set", "--data", dir)
	if code != exitUsage || !strings.Contains(errs, "usage: movedesk case set") {
		t.Fatalf("usage error: %d %q", code, errs)
	}
	code, _, errs = client(t, t.TempDir(), "", "case", "set", no, "status=booked", "--data", dir)
	if code != exitError || !strings.Contains(errs, "cannot be set") {
		t.Fatalf("rule refusal: %d %q", code, errs)
	}

	// A read command, --out against the client's directory, stdin.
	wd := t.TempDir()
	code, out, errs = client(t, wd, "", "export", "--out", "all.jsonl", "--data", dir)
	fi, err := os.Stat(filepath.Join(wd, "all.jsonl"))
	if code != 0 || err != nil || fi.Size() == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export --out: %d %q %q %v", code, out, errs, err)
	}
	line := `{"key":"` + no + `","record":{"notes":"sent on stdin"}}` + "\n"
	code, out, errs = client(t, wd, line, "import", "-", "--data", dir)
	if f, _ := s.CaseFile(no); code != 0 || f.Case.Notes != "sent on stdin" {
		t.Fatalf("import -: %d %q %q notes %q", code, out, errs, f.Case.Notes)
	}

	// What cannot run inside the app is refused, saying why.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--cases", "1"}, "demo makes a new store"},
		{[]string{"sync"}, "the app syncs this store itself"},
		{[]string{"import", "--restore", "x.jsonl"}, "import --restore loads"},
	} {
		code, _, errs := client(t, wd, "", append(c.args, "--data", dir)...)
		if code != exitError || !strings.Contains(errs, c.want) {
			t.Errorf("%v: %d %q", c.args, code, errs)
		}
	}
	// A client configured as another user is refused.
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	var o, e bytes.Buffer
	if code := runApp(&app{in: strings.NewReader(""), out: &o, err: &e}, []string{"case", "set", no, "priority=2", "--data", dir, "--user", "omar"}); code != exitError ||
		!strings.Contains(e.String(), "works as amina.idrissi") {
		t.Fatalf("another user: %d %q", code, e.String())
	}
	if f, _ := s.CaseFile(no); f.Case.Priority != 1 {
		t.Fatal("another user's command changed the case")
	}
}

// A bad client never gets a command run: oversized, malformed and
// foreign-user requests are refused, and the app keeps serving.
func TestSocketRefusesBadRequests(t *testing.T) {
	dir := bareDemoStore(t, "2")
	_, _, _ = appWithSocket(t, dir)
	path := filepath.Join(dir, SocketName)
	send := func(raw []byte) (string, int) {
		t.Helper()
		c, err := net.Dial("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(15 * time.Second))
		_, _ = c.Write(raw)
		_ = c.(*net.UnixConn).CloseWrite() // all sent: a short request ends here
		var errs string
		for {
			typ, p, err := readFrame(c)
			if err != nil {
				t.Fatalf("no answer: %v (so far %q)", err, errs)
			}
			switch typ {
			case 'e':
				errs += string(p)
			case 'x':
				return errs, int(int32(binenc.BigEndian.Uint32(p)))
			}
		}
	}
	prefix := func(n uint32, body string) []byte {
		var b bytes.Buffer
		_ = writeLenPrefixed(&b, []byte(body))
		raw := b.Bytes()
		binenc.BigEndian.PutUint32(raw, n)
		return raw
	}
	if e, code := send(prefix(maxSockRequest+1, "")); code != exitUsage || !strings.Contains(e, "refused (at most") {
		t.Fatalf("oversized: %d %q", code, e)
	}
	if e, code := send(prefix(5, "nope!")); code != exitUsage || !strings.Contains(e, "malformed request") {
		t.Fatalf("malformed: %d %q", code, e)
	}
	if e, code := send(prefix(uint32(len(`{"v":1,"args":["case","list"],"dir":"/","evil":1}`)), `{"v":1,"args":["case","list"],"dir":"/","evil":1}`)); code != exitUsage || !strings.Contains(e, "malformed") {
		t.Fatalf("unknown field: %d %q", code, e)
	}
	if e, code := send(prefix(100, "short")); code != exitUsage || !strings.Contains(e, "cut short") {
		t.Fatalf("cut short: %d %q", code, e)
	}
	// Still serving.
	code, out, errs := client(t, t.TempDir(), "", "case", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "-2026-") {
		t.Fatalf("after bad requests: %d %q %q", code, out, errs)
	}
}

// The peer check refuses another OS user (SO_PEERCRED gives the uid;
// another user's process cannot be made here without root).
func TestSocketPeerCheck(t *testing.T) {
	if err := samePeer(1001, 1001); err != nil {
		t.Fatal(err)
	}
	if err := samePeer(0, 1001); err == nil || !strings.Contains(err.Error(), "user id 0") {
		t.Fatalf("root peer: %v", err)
	}
	// A real connection from this process is this user.
	dir := t.TempDir()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dir, "s"), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := net.Dial("unix", filepath.Join(dir, "s"))
		if err == nil {
			time.Sleep(100 * time.Millisecond)
			c.Close()
		}
	}()
	c, err := ln.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := checkPeer(c); err != nil {
		t.Fatalf("own process refused: %v", err)
	}
}

// A stale socket (an app that ended without removing it) is replaced;
// anything else at its path is not; a directory others may write gets no
// socket; with no app answering, commands open the store as always.
func TestSocketStaleAndUnsafe(t *testing.T) {
	dir := bareDemoStore(t, "2")
	path := filepath.Join(dir, SocketName)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Lstat(path); err != nil {
		t.Fatal("the stale socket is gone already")
	}
	// No app: the command runs here, on the store.
	code, out, errs := client(t, t.TempDir(), "", "case", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "-2026-") {
		t.Fatalf("with a stale socket: %d %q %q", code, out, errs)
	}
	_, _, _ = appWithSocket(t, dir) // replaces it
	if code, _, errs := client(t, t.TempDir(), "", "case", "list", "--data", dir); code != 0 {
		t.Fatalf("through the app: %d %q", code, errs)
	}

	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, SocketName), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := listenSocket(other, inApp{}, nil); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Fatalf("a file at the socket's path: %v", err)
	}
	open := t.TempDir()
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := listenSocket(open, inApp{}, nil); err == nil || !strings.Contains(err.Error(), "writable by others") {
		t.Fatalf("a world-writable directory: %v", err)
	}
}

// One command at a time: while one runs, the next waits, and is told the
// app is busy when it waited too long; the app then serves again.
func TestSocketOneAtATime(t *testing.T) {
	dir := bareDemoStore(t, "2")
	_, _, _, sv := appWithServer(t, dir)
	sv.cmdTimeout = 300 * time.Millisecond
	sv.run <- struct{}{} // a command is running
	code, _, errs := client(t, t.TempDir(), "", "case", "list", "--data", dir)
	if code != exitError || !strings.Contains(errs, "busy with another command") {
		t.Fatalf("while busy: %d %q", code, errs)
	}
	<-sv.run
	if code, _, errs := client(t, t.TempDir(), "", "case", "list", "--data", dir); code != 0 {
		t.Fatalf("after: %d %q", code, errs)
	}
}

// TestSocketUserSwitch: another user signing in at the lock while
// commands reach the socket. A command runs as the user the app works as
// when it is let in, or is refused naming that user; one let in while
// the user changes during its wait for a busy app is judged again.
// Run under -race: the sign-in writes the user on the app's goroutine
// while the socket's read it.
func TestSocketUserSwitch(t *testing.T) {
	dir := bareDemoStore(t, "5")
	no := firstCase(t, dir, booking.StatusDataEntry)
	s, a, opts := appOnStore(t, dir)
	a.user = &signedInUser{name: a.cfg.User}
	sv, err := listenSocket(dir, inApp{s: s, d: opts.Cases.(tuiDesk).Service, cfg: *a.cfg, user: a.user}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sv.Close() })
	signIn := func(user string) { // what runGated's open does
		a.cfg.User = user
		a.user.set(user)
	}

	before, err := s.History(no)
	if err != nil {
		t.Fatal(err)
	}

	// A command waiting for a busy app while petra.schulz signs in.
	sv.run <- struct{}{}
	type result struct {
		code      int
		out, errs string
	}
	got := make(chan result, 1)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("MOVEDESK_USER", "amina.idrissi")
	go func() {
		var out, errb bytes.Buffer
		code := runApp(&app{in: strings.NewReader(""), out: &out, err: &errb, wd: dir}, []string{"case", "set", no, "priority=1", "--data", dir})
		got <- result{code, out.String(), errb.String()}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for len(sv.wait) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if len(sv.wait) == 0 {
		t.Fatal("the command never reached the app")
	}
	signIn("petra.schulz")
	<-sv.run
	r := <-got
	if r.code != exitError || !strings.Contains(r.errs, "works as petra.schulz") {
		t.Fatalf("a command let in for amina.idrissi ran after petra.schulz signed in: %d %q %q", r.code, r.out, r.errs)
	}
	if f, _ := s.CaseFile(no); f.Case.Priority == 1 {
		t.Fatal("the refused command changed the case")
	}

	// Users switching all the while: each command runs as amina.idrissi
	// or is refused naming petra.schulz, nothing else.
	stop := make(chan struct{})
	switched := make(chan struct{})
	go func() {
		defer close(switched)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			signIn([]string{"amina.idrissi", "petra.schulz"}[i%2])
			time.Sleep(200 * time.Microsecond)
		}
	}()
	ran, refused := 0, 0
	for i := 0; i < 30; i++ {
		code, out, errs := client(t, t.TempDir(), "", "case", "set", no, fmt.Sprintf("priority=%d", 1+i%3), "--data", dir)
		switch {
		case code == 0 && out == no+": 1 field(s) set\n":
			ran++
		case code == exitError && strings.Contains(errs, "works as petra.schulz"):
			refused++
		default:
			t.Fatalf("command %d: %d %q %q", i, code, out, errs)
		}
	}
	close(stop)
	<-switched
	signIn("amina.idrissi")
	if code, _, errs := client(t, t.TempDir(), "", "case", "set", no, "priority=2", "--data", dir); code != 0 {
		t.Fatalf("after the switching: %d %q", code, errs)
	}
	ops, err := s.History(no)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, op := range ops[len(before):] {
		if _, ok := op.Fields["priority"]; ok {
			n++
			if op.Actor != "amina.idrissi" {
				t.Errorf("a change by %q: the socket ran a command as someone else", op.Actor)
			}
		}
	}
	if n == 0 || n > ran+1 {
		t.Errorf("%d commands ran but %d priority changes were logged", ran+1, n)
	}
	t.Logf("%d ran, %d refused; %d priority changes", ran, refused, n)
}
