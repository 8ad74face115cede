package main

import (
	"bytes"
	"encoding/pem"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"movedesk/central"
	"movedesk/desksync"
	"movedesk/store"
)

// addDesk registers a desk at the hub in hubDir and returns its token.
func addDesk(t *testing.T, hubDir, office, name string) string {
	t.Helper()
	code, out, e := cli(t, "hub", "desk", "add", "--data", hubDir, "--office", office, "--name", name)
	if code != 0 {
		t.Fatalf("desk add: %d %s", code, e)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	tok := lines[len(lines)-1]
	if !strings.HasPrefix(tok, "mdt_") {
		t.Fatalf("token line %q", tok)
	}
	return tok
}

// openHub opens the hub store in hubDir (as a running hub holds it) and its
// handler, quiet.
func openHub(t *testing.T, hubDir string) *central.Server {
	t.Helper()
	hs, err := store.Open(hubDir, store.Options{Desk: "hub"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hs.Close() })
	h := central.New(hs, hubDir)
	h.Log = func(string, ...any) {}
	return h
}

// TestCentralCLI: register a desk, sync it against a real hub, list
// conflicts, revoke the desk (its next sync gets 401).
func TestCentralCLI(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub")
	tok := addDesk(t, hubDir, "RBA", "rba-1")
	if code, out, _ := cli(t, "hub", "desk", "list", "--data", hubDir); code != 0 || !strings.Contains(out, "rba-1") || strings.Contains(out, tok) {
		t.Fatalf("desk list: %d %s", code, out)
	}
	srv := httptest.NewServer(openHub(t, hubDir).Handler())
	defer srv.Close()

	deskDir := filepath.Join(t.TempDir(), "desk")
	if code, _, e := cli(t, "demo", "--no-users", "--data", deskDir, "--cases", "5", "--office", "RBA", "--today", "2026-11-22"); code != 0 {
		t.Fatalf("demo: %s", e)
	}
	code, out, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok)
	if code != 0 || !strings.Contains(out, "pushed ") || !strings.Contains(e, "sync [") {
		t.Fatalf("sync: %d %q %q", code, out, e)
	}
	// A token in a config file others can read is refused, as a key file is.
	cfg := filepath.Join(t.TempDir(), "desk.yaml")
	os.WriteFile(cfg, []byte("data: "+deskDir+"\nsync:\n  hub: "+srv.URL+"\n  token: "+tok+"\n"), 0o644)
	if code, _, e := cli(t, "sync", "--config", cfg, "-q"); code == 0 || !strings.Contains(e, "readable by others") {
		t.Fatalf("sync with a readable token file: %d %q", code, e)
	}
	os.Chmod(cfg, 0o600)
	if code, out, e := cli(t, "sync", "--config", cfg, "-q"); code != 0 {
		t.Fatalf("sync with the config's token: %d %q %q", code, out, e)
	}
	if code, out, _ := cli(t, "sync", "refused", "--data", deskDir); code != 0 || !strings.Contains(out, "no refused changes") {
		t.Fatalf("sync refused: %d %q", code, out)
	}
	// A new desk of the same office starts from nothing: its first sync
	// creates the store and brings the office's cases.
	newDir := filepath.Join(t.TempDir(), "new-desk")
	if code, out, e := cli(t, "sync", "--data", newDir, "--hub", srv.URL, "--token", addDesk(t, hubDir, "RBA", "rba-2")); code != 0 || !strings.Contains(out, "pulled ") {
		t.Fatalf("first sync of a new desk: %d %q %q", code, out, e)
	}
	if code, out, _ := cli(t, "case", "list", "--json", "--data", newDir); code != 0 || strings.Count(out, `"number"`) != 5 {
		t.Fatalf("new desk has %d cases after its first sync: %s", strings.Count(out, `"number"`), out)
	}
	if code, out, _ := cli(t, "conflicts", "list", "--data", deskDir); code != 0 || !strings.Contains(out, "No open conflicts.") {
		t.Fatalf("conflicts list: %d %s", code, out)
	}
	if code, _, e := cli(t, "conflicts", "resolve", "cnope", "--take", "winner", "--data", deskDir); code == 0 || !strings.Contains(e, "no conflict") {
		t.Fatalf("resolve unknown: %d %s", code, e)
	}
	if code, _, _ := cli(t, "hub", "desk", "revoke", "rba-1", "--data", hubDir); code != 0 {
		t.Fatal("revoke failed")
	}
	// A revoked token is not mended by running sync again: ask for a new one.
	if code, _, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok); code == 0 || !strings.Contains(e, "401") ||
		!strings.Contains(e, "ask the office for a new token") || strings.Contains(e, "run sync again") {
		t.Fatalf("sync after revoke: %d %s", code, e)
	}
}

// TestSyncOverTLS: a hub serving HTTPS with its own certificate is trusted
// through --ca-file (sync.ca_file), and refused without it.
func TestSyncOverTLS(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub")
	tok := addDesk(t, hubDir, "RBA", "rba-1")
	srv := httptest.NewTLSServer(openHub(t, hubDir).Handler())
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "hub.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	deskDir := filepath.Join(t.TempDir(), "desk")
	// The certificate is named, and how to trust it said.
	if code, _, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok, "-q"); code == 0 || !strings.Contains(e, "hub certificate not trusted") ||
		!strings.Contains(e, "SHA-256") || !strings.Contains(e, "sync.ca_file") {
		t.Fatalf("untrusted certificate accepted: %d %q", code, e)
	}
	if code, out, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok, "--ca-file", ca, "-q"); code != 0 || !strings.Contains(out, "pulled") {
		t.Fatalf("sync with --ca-file: %d %q %q", code, out, e)
	}
	if code, _, e := cli(t, "sync", "--data", deskDir, "--hub", "http://192.0.2.7:8470", "--token", tok); code != 2 || !strings.Contains(e, "unencrypted") {
		t.Fatalf("plain http to another machine: %d %q", code, e)
	}
}

// TestServeWithHubCert: `hub cert` makes a certificate that `serve` uses
// without flags; a desk trusting it syncs over HTTPS; SIGTERM stops the hub.
func TestServeWithHubCert(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub")
	code, out, e := cli(t, "hub", "cert", "--data", hubDir, "--host", "127.0.0.1,localhost")
	if code != 0 || !strings.Contains(out, "sync.ca_file") {
		t.Fatalf("hub cert: %d %q %q", code, out, e)
	}
	if code, _, e := cli(t, "hub", "cert", "--data", hubDir, "--host", "127.0.0.1"); code == 0 || !strings.Contains(e, "--force") {
		t.Fatalf("second hub cert: %d %q", code, e)
	}
	if fi, err := os.Stat(filepath.Join(hubDir, central.KeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	tok := addDesk(t, hubDir, "RBA", "rba-1")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var sout, serr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"serve", "--data", hubDir, "--addr", addr}, strings.NewReader(""), &sout, &serr)
	}()
	ca := filepath.Join(hubDir, central.CertFile)
	hc, err := desksync.NewHTTPClient(ca)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		r, err := hc.Get("https://" + addr + "/v1/health")
		if err == nil {
			r.Body.Close()
			break
		}
		if i > 100 {
			t.Fatalf("hub never answered over https: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	deskDir := filepath.Join(t.TempDir(), "desk")
	if code, out, e := cli(t, "sync", "--data", deskDir, "--hub", "https://"+addr, "--token", tok, "--ca-file", ca, "-q"); code != 0 || !strings.Contains(out, "pulled") {
		t.Fatalf("sync over https: %d %q %q", code, out, e)
	}
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(sout.String(), "https://") || !strings.Contains(sout.String(), "hub stopped") {
			t.Fatalf("serve: %d %q %q", code, sout.String(), serr.String())
		}
		if !strings.Contains(serr.String(), "warning: no key_file") || !strings.Contains(serr.String(), "in clear") {
			t.Fatalf("serve without key_file did not warn: %q", serr.String())
		}
		// The log is capped by default: a rotated file in the data directory.
		if fi, err := os.Stat(filepath.Join(hubDir, "hub.log")); err != nil || fi.Mode().Perm() != 0o600 ||
			!strings.Contains(sout.String(), "rotated at 16 MiB, 3 old files kept") {
			t.Fatalf("hub log: %v %v %q", fi, err, sout.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
}

// TestHubBackupRefusesToClobber: a backup is written 0600 to a new file
// outside the hub's data directory; an existing file (an older backup, the
// hub's own store, desks.json) and any path inside the data directory, also
// through a symbolic link, are refused and left as they were.
func TestHubBackupRefusesToClobber(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub")
	addDesk(t, hubDir, "RBA", "rba-1")
	hs, err := store.Open(hubDir, store.Options{Desk: "hub"})
	if err != nil {
		t.Fatal(err)
	}
	hs.Close()
	outDir := t.TempDir()
	bak := filepath.Join(outDir, "hub.db")
	if code, out, e := cli(t, "hub", "backup", "--out", bak, "--data", hubDir); code != 0 || !strings.Contains(out, "backup written") {
		t.Fatalf("backup: %d %q %q", code, out, e)
	}
	if fi, err := os.Stat(bak); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	os.Symlink(hubDir, filepath.Join(outDir, "link"))
	registry, _ := os.ReadFile(filepath.Join(hubDir, central.RegistryFile))
	dbBefore, _ := os.ReadFile(filepath.Join(hubDir, store.FileName))
	for _, tc := range []struct{ out, want string }{
		{bak, "exists"},
		{filepath.Join(hubDir, store.FileName), "exists"},
		{filepath.Join(hubDir, central.RegistryFile), "exists"},
		{filepath.Join(hubDir, "new.db"), "inside the hub's data directory"},
		{filepath.Join(outDir, "link", "new.db"), "inside the hub's data directory"},
	} {
		if code, _, e := cli(t, "hub", "backup", "--out", tc.out, "--data", hubDir); code == 0 || !strings.Contains(e, tc.want) {
			t.Fatalf("backup --out %s: %d %q", tc.out, code, e)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(hubDir, central.RegistryFile)); !bytes.Equal(b, registry) {
		t.Fatal("desks.json changed")
	}
	if b, _ := os.ReadFile(filepath.Join(hubDir, store.FileName)); !bytes.Equal(b, dbBefore) {
		t.Fatal("the hub store changed")
	}
	if _, err := os.Stat(filepath.Join(hubDir, "new.db")); err == nil {
		t.Fatal("a backup was written inside the data directory")
	}
}

// TestSyncTokenFile: --token-file reads the token from a private file; a
// file others can read is refused, and so are --token with --token-file.
func TestSyncTokenFile(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub")
	tok := addDesk(t, hubDir, "RBA", "rba-1")
	srv := httptest.NewServer(openHub(t, hubDir).Handler())
	defer srv.Close()
	deskDir := filepath.Join(t.TempDir(), "desk")
	file := filepath.Join(t.TempDir(), "token")
	os.WriteFile(file, []byte(tok+"\n"), 0o644)
	os.Chmod(file, 0o644)
	if code, _, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token-file", file, "-q"); code == 0 || !strings.Contains(e, "chmod 600") {
		t.Fatalf("token file 0644: %d %q", code, e)
	}
	os.Chmod(file, 0o600)
	if code, out, e := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token-file", file, "-q"); code != 0 || !strings.Contains(out, "pulled") {
		t.Fatalf("token file: %d %q %q", code, out, e)
	}
	if code, _, _ := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token-file", file, "--token", tok, "-q"); code != 2 {
		t.Fatalf("--token with --token-file: %d", code)
	}
	// The same file from the config, for the app and `movedesk sync`.
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(cfg, []byte("data: "+deskDir+"\nsync:\n  hub: "+srv.URL+"\n  token_file: "+file+"\n"), 0o644)
	if code, out, e := cli(t, "sync", "--config", cfg, "-q"); code != 0 || !strings.Contains(out, "pulled") {
		t.Fatalf("sync.token_file: %d %q %q", code, out, e)
	}
}
