package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"movedesk/store"
)

// TestHubStoreEncryptedWithKey: a hub given a key_file keeps the cases'
// personal data encrypted at rest: after a desk synced its cases, no
// traveller's name is in the hub's store file (it is in the desk's, which
// has no key), and serve does not warn about data in clear.
func TestHubStoreEncryptedWithKey(t *testing.T) {
	root := t.TempDir()
	hubDir, deskDir, key := filepath.Join(root, "hub"), filepath.Join(root, "desk"), filepath.Join(root, "hub.key")
	if code, _, e := cli(t, "key", "new", "--out", key); code != 0 {
		t.Fatalf("key new: %s", e)
	}
	cfg := filepath.Join(root, "hub.yaml")
	if err := os.WriteFile(cfg, []byte("data: "+hubDir+"\nkey_file: "+key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tok := addDesk(t, hubDir, "RBA", "rba-1")
	if code, _, e := cli(t, "demo", "--no-users", "--data", deskDir, "--cases", "3", "--office", "RBA", "--no-duties"); code != 0 {
		t.Fatalf("demo: %s", e)
	}
	code, out, e := cli(t, "case", "list", "--data", deskDir, "--json")
	var rows []struct {
		Principal string `json:"principal"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) == 0 || !strings.Contains(rows[0].Principal, ", ") {
		t.Fatalf("case list: %d %.200q %s", code, out, e)
	}
	_, name, _ := strings.Cut(rows[0].Principal, ", ") // the given names, as stored

	hub := serveHub(t, "--config", cfg)
	if code, out, e := cli(t, "sync", "--data", deskDir, "--hub", "http://"+hub.addr, "--token", tok, "-q"); code != 0 {
		t.Fatalf("sync: %d %q %q", code, out, e)
	}
	if code := hub.stop(t); code != 0 || strings.Contains(hub.serr.String(), "in clear") {
		t.Fatalf("serve: %d %q", code, hub.serr.String())
	}
	hubFile, _ := os.ReadFile(filepath.Join(hubDir, store.FileName))
	deskFile, _ := os.ReadFile(filepath.Join(deskDir, store.FileName))
	if !bytes.Contains(deskFile, []byte(name)) {
		t.Fatalf("the desk's plain store does not hold %q: the check below proves nothing", name)
	}
	if bytes.Contains(hubFile, []byte(name)) {
		t.Fatalf("the hub's store holds %q in clear although it has a key", name)
	}
}

// servedHub is `movedesk serve` running in this process on a free loopback
// port, plain HTTP: a real hub for a desk to sync with.
type servedHub struct {
	addr       string
	done       chan int
	sout, serr bytes.Buffer
}

// serveHub starts serve with args (its data directory or config) and waits
// until it answers.
func serveHub(t *testing.T, args ...string) *servedHub {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &servedHub{addr: ln.Addr().String(), done: make(chan int, 1)}
	ln.Close()
	go func() {
		h.done <- run(append([]string{"serve", "--addr", h.addr}, args...), strings.NewReader(""), &h.sout, &h.serr)
	}()
	for i := 0; ; i++ {
		if r, err := http.Get("http://" + h.addr + "/v1/health"); err == nil {
			r.Body.Close()
			return h
		}
		if i > 100 {
			t.Fatal("hub never answered")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop stops the hub as a service manager would (SIGTERM) and returns its
// exit code; its output is in h.sout and h.serr.
func (h *servedHub) stop(t *testing.T) int {
	t.Helper()
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case code := <-h.done:
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
		return -1
	}
}
