package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"movedesk/central"
	"movedesk/store"
	"movedesk/tariffs"
)

// tariffDir writes the embedded tables to a directory, as an office would
// prepare a new version.
func tariffDir(t *testing.T) string {
	t.Helper()
	set, err := tariffs.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, text := range set.Texts() {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const hubTemplates = `# published by the central office
templates:
  default:
    counselling:
      - {key: hub-briefing, label: Central office briefing on the journey}
  AVRR:
    exit_permit_required: true
`

// TestHubPublish: templates published with the hub stopped and a tariff
// version published while it runs both reach a desk by its next sync, and
// the desk's checklists and quotes use them. Bad publications change nothing.
func TestHubPublish(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub")
	tok := addDesk(t, hubDir, "RBA", "rba-1")

	tplFile := filepath.Join(t.TempDir(), "templates.yaml")
	os.WriteFile(tplFile, []byte(hubTemplates), 0o600)
	// The hub is stopped: the command applies the publication itself.
	if code, out, e := cli(t, "hub", "publish", "templates", tplFile, "--data", hubDir); code != 0 || !strings.Contains(out, "templates version 1 published") {
		t.Fatalf("publish templates: %d %q %q", code, out, e)
	}
	// A misspelt key is named with the file; nothing is queued.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("default:\n  counseling: []\n"), 0o600)
	if code, _, e := cli(t, "hub", "publish", "templates", bad, "--data", hubDir); code == 0 || !strings.Contains(e, "bad.yaml: templates.default.counseling") {
		t.Fatalf("bad templates: %d %q", code, e)
	}

	// Now the hub runs (it holds the store lock) and applies the queue.
	h := openHub(t, hubDir)
	done := make(chan struct{})
	watched := make(chan struct{})
	go func() { h.Background(done, 50*time.Millisecond); close(watched) }()
	defer func() { close(done); <-watched }()
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()

	tdir := tariffDir(t)
	code, out, e := cli(t, "hub", "publish", "tariffs", tdir, "--version", "HIT-2027A", "--effective", "2026-12-01", "--data", hubDir)
	if code != 0 || !strings.Contains(out, "tariff version HIT-2027A published") || !strings.Contains(e, "hub is running") {
		t.Fatalf("publish tariffs to a running hub: %d %q %q", code, out, e)
	}
	// What is live, read while the hub holds its store.
	if code, out, _ := cli(t, "hub", "publish", "status", "--data", hubDir); code != 0 ||
		!strings.Contains(out, "tariff version HIT-2027A active (by tester") || !strings.Contains(out, "duty templates version 1") {
		t.Fatalf("publish status: %d %q", code, out)
	}
	// The same version with other tables is refused by the hub.
	fares := filepath.Join(tdir, tariffs.FileFares)
	b, _ := os.ReadFile(fares)
	os.WriteFile(fares, []byte(strings.Replace(string(b), ",6801.00,", ",6900.00,", 1)), 0o600)
	code, _, e = cli(t, "hub", "publish", "tariffs", tdir, "--version", "HIT-2027A", "--data", hubDir)
	if code == 0 || !strings.Contains(e, "refused") || !strings.Contains(e, "versions never change") {
		t.Fatalf("republish with other tables: %d %q", code, e)
	}
	// A table error is reported with file and line before anything is queued.
	os.WriteFile(fares, []byte(strings.Replace(string(b), ",6801.00,", ",68o1.00,", 1)), 0o600)
	if code, _, e := cli(t, "hub", "publish", "tariffs", tdir, "--version", "HIT-2027B", "--data", hubDir); code == 0 || !strings.Contains(e, "fares.csv:") {
		t.Fatalf("bad tables: %d %q", code, e)
	}
	if ids, _ := central.PendingPublications(hubDir); len(ids) != 0 {
		t.Fatalf("publications left queued: %v", ids)
	}

	if code, out, e := cli(t, "hub", "publish", "escort", "hq-07", "--name", "Amina Idrissi", "--type", "medical", "--languages", "ar,fr", "--data", hubDir); code != 0 || !strings.Contains(out, "escort HQ-07 Amina Idrissi (medical) in the shared pool") {
		t.Fatalf("publish escort: %d %q %q", code, out, e)
	}
	if code, _, e := cli(t, "hub", "publish", "escort", "HQ-08", "--data", hubDir); code == 0 || !strings.Contains(e, "name is required") {
		t.Fatalf("escort without a name: %d %q", code, e)
	}

	// A backup taken while the hub runs opens as a store holding what was published.
	bak := filepath.Join(t.TempDir(), "restore", store.FileName)
	os.MkdirAll(filepath.Dir(bak), 0o700)
	if code, out, e := cli(t, "hub", "backup", "--out", bak, "--data", hubDir); code != 0 || !strings.Contains(out, "backup written to "+bak) {
		t.Fatalf("hub backup: %d %q %q", code, out, e)
	}
	if code, out, e := cli(t, "tariffs", "list", "--data", filepath.Dir(bak)); code != 0 || !strings.Contains(out, "HIT-2027A") {
		t.Fatalf("tariffs in the backup: %d %q %q", code, out, e)
	}

	deskDir := filepath.Join(t.TempDir(), "desk")
	if code, _, e := cli(t, "demo", "--no-users", "--data", deskDir, "--cases", "5", "--office", "RBA", "--today", "2026-11-22"); code != 0 {
		t.Fatalf("demo: %s", e)
	}
	code, out, e = cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok)
	if code != 0 || !strings.Contains(out, "tariff version HIT-2027A is now active") || !strings.Contains(out, "duty templates version 1 now apply") {
		t.Fatalf("sync: %d %q %q", code, out, e)
	}
	// The office sees when each desk last synced.
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, out, _ := cli(t, "hub", "desk", "list", "--data", hubDir)
		if code == 0 && strings.Contains(out, "LAST SYNC") && strings.Contains(out, "(just now)") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("hub desk list never showed the sync: %d %s", code, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, out, _ := cli(t, "tariffs", "list", "--data", deskDir); code != 0 || !strings.Contains(out, "HIT-2027A") {
		t.Fatalf("tariffs list at the desk: %d %s", code, out)
	}
	if code, out, _ := cli(t, "escort", "list", "--data", deskDir); code != 0 || !strings.Contains(out, "Amina Idrissi") {
		t.Fatalf("escort list at the desk: %d %s", code, out)
	}
	// The desk's checklists use the published counselling topics.
	code, out, _ = cli(t, "case", "list", "--json", "--data", deskDir)
	no := between(out, `"number":"`, `"`)
	if code, out, e := cli(t, "checklist", "show", no, "--data", deskDir); code != 0 || !strings.Contains(out, "Central office briefing") {
		t.Fatalf("checklist show %s: %d %q %q", no, code, out, e)
	}
	// Switching back is published the same way.
	if code, out, e := cli(t, "hub", "publish", "tariffs", "--activate", tariffs.EmbeddedVersion, "--data", hubDir); code != 0 || !strings.Contains(out, "active (previous HIT-2027A)") {
		t.Fatalf("activate: %d %q %q", code, out, e)
	}
	if code, out, _ := cli(t, "sync", "--data", deskDir, "--hub", srv.URL, "--token", tok); code != 0 || !strings.Contains(out, "tariff version "+tariffs.EmbeddedVersion+" is now active") {
		t.Fatalf("sync after activate: %d %q", code, out)
	}
}

func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return v
}

// TestPublishToAnUnopenableHubTakesItBack: without the hub store's key the
// publication is refused here and not left queued for the hub.
func TestPublishToAnUnopenableHubTakesItBack(t *testing.T) {
	hubDir := filepath.Join(t.TempDir(), "hub")
	os.MkdirAll(hubDir, 0o700)
	key := filepath.Join(t.TempDir(), "hub.key")
	if code, _, e := cli(t, "key", "new", "--out", key); code != 0 {
		t.Fatal(e)
	}
	t.Setenv("MOVEDESK_KEY_FILE", key)
	if code, _, e := cli(t, "hub", "publish", "escort", "HQ-01", "--name", "Keyed", "--data", hubDir); code != 0 {
		t.Fatalf("publish with the key: %s", e)
	}
	t.Setenv("MOVEDESK_KEY_FILE", "")
	code, _, e := cli(t, "hub", "publish", "escort", "HQ-02", "--name", "No Key", "--data", hubDir)
	if code == 0 || !strings.Contains(e, "nothing published") {
		t.Fatalf("publish without the key: %d %q", code, e)
	}
	if ids, _ := central.PendingPublications(hubDir); len(ids) != 0 {
		t.Fatalf("left queued: %v", ids)
	}
}

func TestSharedNotice(t *testing.T) {
	was := shared{tariff: "A", templates: 1}
	if got := sharedNotice(was, shared{tariff: "B", tariffBy: "office", templates: 1}); got != "tariff version B now active, published by office" {
		t.Errorf("tariff notice %q", got)
	}
	if got := sharedNotice(was, shared{tariff: "A", templates: 2}); got != "duty templates version 2 from the hub now apply" {
		t.Errorf("templates notice %q", got)
	}
}
