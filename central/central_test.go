package central_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"movedesk/central"
	"movedesk/store"
	"movedesk/wire"
)

func openHub(t *testing.T) (string, *store.Store) {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{Desk: "hub"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return dir, s
}

// newCase is a desk's first op on a new case of its office.
func newCase(no string, seq uint64) wire.Op {
	return wire.Op{Seq: seq, HLC: uint64(time.Now().UnixMilli()) << 16, Key: no,
		Fields: map[string]json.RawMessage{"number": json.RawMessage(`"` + no + `"`), "office": json.RawMessage(`"RBA"`),
			"programme": json.RawMessage(`"USRAP"`), "status": json.RawMessage(`"received"`)}}
}

// current makes a hand-made request one of this protocol, from one store
// instance (unless the test set them).
func current(req *wire.SyncRequest) {
	if req.Proto == 0 {
		req.Proto = wire.Proto
	}
	if req.Instance == "" {
		req.Instance = "i-test"
	}
}

func postSync(url, token string, req wire.SyncRequest) (int, wire.SyncResponse, error) {
	current(&req)
	body, err := wire.Encode(req)
	if err != nil {
		return 0, wire.SyncResponse{}, err
	}
	hr, _ := http.NewRequest(http.MethodPost, url+wire.Path, bytes.NewReader(body))
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("Accept-Encoding", "gzip")
	r, err := http.DefaultClient.Do(hr)
	if err != nil {
		return 0, wire.SyncResponse{}, err
	}
	defer r.Body.Close()
	var resp wire.SyncResponse
	if r.StatusCode == http.StatusOK {
		err = wire.Decode(r.Body, wire.MaxBody, &resp)
	}
	return r.StatusCode, resp, err
}

// TestShutdownFinishesSyncsInFlight: a sync that is in flight when the hub
// is told to stop is applied, committed and answered; then Serve returns
// and the listener is closed.
func TestShutdownFinishesSyncsInFlight(t *testing.T) {
	dir, s := openHub(t)
	tok, err := central.AddDesk(dir, "RBA", "rba-1")
	if err != nil {
		t.Fatal(err)
	}
	h := central.New(s, dir)
	h.Log = func(string, ...any) {}
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	inner := h.Handler()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(started) })
		<-release // the request is in flight while shutdown begins
		inner.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := &http.Server{Addr: addr, Handler: handler}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- central.Serve(ctx, srv, nil, "", "") }()

	url := "http://" + addr
	type answer struct {
		code int
		resp wire.SyncResponse
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		var a answer
		deadline := time.Now().Add(5 * time.Second)
		for {
			a.code, a.resp, a.err = postSync(url, tok, wire.SyncRequest{Desk: "d-rba-1", Ops: []wire.Op{newCase("RBA-2026-000001", 1)}})
			if a.err == nil || time.Now().After(deadline) {
				break // retried only while the listener comes up
			}
			time.Sleep(10 * time.Millisecond)
		}
		answered <- a
	}()
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the sync never reached the hub")
	}
	stop()
	// Wait until the hub refuses new connections: shutdown has begun.
	for deadline := time.Now().Add(5 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the hub kept accepting connections after the stop")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	a := <-answered
	if a.err != nil || a.code != http.StatusOK || a.resp.Acked != 1 {
		t.Fatalf("in-flight sync: %d %+v %v", a.code, a.resp, a.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	var c map[string]any
	if err := s.View(func(tx *store.Tx) error { _, err := tx.Get("RBA-2026-000001", &c); return err }); err != nil || c["office"] != "RBA" {
		t.Fatalf("acknowledged case not in the hub store: %v %v", c, err)
	}
}

// TestRegistryKeepsOnlyHashes: the token is printed once and never stored;
// a desk added or revoked while the hub runs takes effect on its next
// request; bad offices and names are refused.
func TestRegistryKeepsOnlyHashes(t *testing.T) {
	dir, s := openHub(t)
	h := central.New(s, dir)
	h.Log = func(string, ...any) {}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h.Handler()}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String()

	if code, _, _ := postSync(url, "mdt_nobody", wire.SyncRequest{Desk: "d1"}); code != http.StatusUnauthorized {
		t.Fatalf("unknown token: %d", code)
	}
	tok, err := central.AddDesk(dir, "RBA", "rba-1") // while the hub runs
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, central.RegistryFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), tok) || strings.Contains(string(raw), strings.TrimPrefix(tok, "mdt_")) {
		t.Fatal("the registry holds the token itself")
	}
	if fi, _ := os.Stat(filepath.Join(dir, central.RegistryFile)); fi.Mode().Perm() != 0o600 {
		t.Fatalf("registry mode %v", fi.Mode().Perm())
	}
	if code, _, err := postSync(url, tok, wire.SyncRequest{Desk: "d1"}); code != http.StatusOK || err != nil {
		t.Fatalf("registered desk: %d %v", code, err)
	}
	if _, err := central.AddDesk(dir, "RBA", "rba-1"); err == nil {
		t.Fatal("a second desk of the same name was registered")
	}
	for _, bad := range [][2]string{{"rba", "x"}, {"RB", "x"}, {"RBA", "../x"}, {"RBA", ""}} {
		if _, err := central.AddDesk(dir, bad[0], bad[1]); err == nil {
			t.Fatalf("AddDesk(%q, %q) accepted", bad[0], bad[1])
		}
	}
	if err := central.RevokeDesk(dir, "rba-1"); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := postSync(url, tok, wire.SyncRequest{Desk: "d1"}); code != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", code)
	}
	ds, _ := central.ListDesks(dir)
	if len(ds) != 1 || ds[0].Revoked == nil || ds[0].Office != "RBA" {
		t.Fatalf("desks %+v", ds)
	}
}
