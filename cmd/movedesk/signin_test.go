package main

import (
	"bytes"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"movedesk/auth"
	"movedesk/booking"
	"movedesk/store"
)

func init() {
	// One cheap Argon2id run per sign-in in tests; BenchmarkSignIn (auth)
	// measures the real parameters.
	credentialParams = auth.Params{Time: 1, MemoryKiB: 8 * 1024, Threads: 1}
}

// secretFile writes a passphrase file with mode perm.
func secretFile(t *testing.T, dir, name, pass string, perm os.FileMode) string {
	t.Helper()
	f := filepath.Join(dir, name)
	if err := os.WriteFile(f, []byte(pass+"\n"), perm); err != nil {
		t.Fatal(err)
	}
	os.Chmod(f, perm)
	return f
}

// demoSecrets are family names, document numbers and ABN numbers of a
// plain demo store (to look for in an encrypted file).
func demoSecrets(t *testing.T, dir string) []string {
	t.Helper()
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, _ := s.AllRows()
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if len(v) >= 4 && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, r := range rows {
		add(r.ABNNumber)
		f, err := s.CaseFile(r.Number)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range f.Travellers {
			add(tr.FamilyName)
		}
		for _, d := range f.Documents {
			add(d.Number)
		}
	}
	return out
}

func assertNoSecrets(t *testing.T, dir string, secrets []string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	abns := 0
	for _, v := range secrets {
		if strings.HasPrefix(v, "RBA-") || strings.Contains(v, "ABN") {
			abns++
		}
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("%q is readable in the store file", v)
		}
	}
	if len(secrets) < 20 {
		t.Fatalf("only %d secrets to look for", len(secrets))
	}
}

// TestDemoWithUsersSignsIn: the demo store is encrypted with a slot per
// demo user; the CLI signs in from a 0600 passphrase file only, records the
// signed-in user as the author, keeps the role table, and refuses a
// passphrase it cannot read safely.
func TestDemoWithUsersSignsIn(t *testing.T) {
	base := t.TempDir()
	plain, dir := filepath.Join(base, "plain"), filepath.Join(base, "desk")
	for _, d := range []string{plain, dir} {
		args := []string{"demo", "--data", d, "--cases", "40", "--office", "RBA", "--today", "2026-11-22"}
		if d == plain {
			args = append(args, "--no-users")
		}
		code, out, e := cli(t, args...)
		if code != 0 {
			t.Fatalf("demo: %s", e)
		}
		if d == dir && !strings.Contains(out, "amina.benali") {
			t.Fatalf("demo does not say how to sign in: %s", out)
		}
	}
	assertNoSecrets(t, dir, demoSecrets(t, plain))
	pf := filepath.Join(dir+".passphrases", "amina.benali")
	if fi, err := os.Stat(pf); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("passphrase file: %v", err)
	}
	if b, _ := os.ReadFile(pf); strings.TrimSpace(string(b)) != "amina.benali-demo-passphrase" {
		t.Fatalf("passphrase file holds %q", b)
	}

	code, _, e := cli(t, "case", "list", "--data", dir, "--user", "amina.benali")
	if code != 1 || !strings.Contains(e, "--passphrase-file") {
		t.Fatalf("no passphrase in a script: %d %q", code, e)
	}
	open := secretFile(t, base, "open", "amina.benali-demo-passphrase", 0o644)
	code, _, e = cli(t, "case", "list", "--data", dir, "--user", "amina.benali", "--passphrase-file", open)
	if code != 1 || !strings.Contains(e, "can be read by others") {
		t.Fatalf("a world-readable passphrase file: %d %q", code, e)
	}
	code, out, e := cli(t, "case", "list", "--data", dir, "--user", "amina.benali", "--passphrase-file", pf)
	if code != 0 || !strings.Contains(out, "RBA-2026-") {
		t.Fatalf("signed in: %d %q", code, e)
	}
	no := strings.Fields(strings.Split(out, "\n")[1])[0]
	t.Setenv(passphraseEnv, pf)
	if code, _, e := cli(t, "case", "set", no, "notes=called the sponsor", "--data", dir, "--user", "amina.benali"); code != 0 {
		t.Fatalf("set through the environment's file: %q", e)
	}
	code, out, _ = cli(t, "case", "history", no, "--data", dir, "--user", "amina.benali")
	if code != 0 || !strings.Contains(out, "amina.benali") || !strings.Contains(out, "called the sponsor") {
		t.Fatalf("author: %q", out)
	}
	// Another user's passphrase does not open amina's slot.
	t.Setenv(passphraseEnv, filepath.Join(dir+".passphrases", "jonas.weber"))
	if code, _, e := cli(t, "case", "list", "--data", dir, "--user", "amina.benali"); code != 1 || !strings.Contains(e, "wrong user name or passphrase") {
		t.Fatalf("wrong passphrase: %d %q", code, e)
	}
	// The viewer signs in and may read, not write.
	if code, _, e := cli(t, "case", "set", no, "notes=x", "--data", dir, "--user", "jonas.weber"); code != 1 || !strings.Contains(e, "viewer") {
		t.Fatalf("viewer writes: %d %q", code, e)
	}
	// A PIN cannot come through the CLI; an unknown user fails like a wrong passphrase.
	if code, _, e := cli(t, "case", "list", "--data", dir, "--user", "nobody"); code != 1 || !strings.Contains(e, "wrong user name or passphrase") {
		t.Fatalf("unknown user: %d %q", code, e)
	}
}

// TestWrongPassphrasesSlowDown: five wrong attempts cost nothing; the next
// waits, also for the right passphrase and after a restart.
func TestWrongPassphrasesSlowDown(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "desk")
	if code, _, e := cli(t, "demo", "--data", dir, "--cases", "3", "--office", "RBA"); code != 0 {
		t.Fatal(e)
	}
	bad := secretFile(t, base, "bad", "not-the-passphrase", 0o600)
	for i := range 5 {
		code, _, e := cli(t, "case", "list", "--data", dir, "--user", "amina.benali", "--passphrase-file", bad)
		if code != 1 || !strings.Contains(e, "wrong user name or passphrase") {
			t.Fatalf("attempt %d: %q", i+1, e)
		}
	}
	good := filepath.Join(dir+".passphrases", "amina.benali")
	code, _, e := cli(t, "case", "list", "--data", dir, "--user", "amina.benali", "--passphrase-file", good)
	if code != 1 || !strings.Contains(e, "5 wrong sign-ins in a row: wait") {
		t.Fatalf("sixth attempt at once: %d %q", code, e)
	}
	th := auth.NewThrottle(dir, func() time.Time { return time.Now().Add(2 * time.Second) })
	if w, n := th.Wait(); w != 0 || n != 5 {
		t.Fatalf("after the delay: %s %d", w, n)
	}
}

// TestStoresMigrateToPassphrases: a plain store and a key-file store whose
// users have credentials are encrypted in place on their next opening; the
// key file no longer opens the store.
func TestStoresMigrateToPassphrases(t *testing.T) {
	base := t.TempDir()
	key := filepath.Join(base, "key")
	if code, _, e := cli(t, "key", "new", "--out", key); code != 0 {
		t.Fatal(e)
	}
	for _, withKey := range []bool{false, true} {
		dir := filepath.Join(base, "desk", map[bool]string{false: "plain", true: "keyfile"}[withKey])
		args := []string{"demo", "--no-users", "--data", dir, "--cases", "40", "--office", "RBA", "--today", "2026-11-22"}
		if withKey {
			t.Setenv("MOVEDESK_KEY_FILE", key)
		} else {
			t.Setenv("MOVEDESK_KEY_FILE", "")
		}
		if code, _, e := cli(t, args...); code != 0 {
			t.Fatal(e)
		}
		var secrets []string
		if !withKey {
			secrets = demoSecrets(t, dir)
		}
		// A user with a credential arrives (as from the hub).
		c, _ := auth.NewCredential([]byte("vera-passphrase-long"), credentialParams)
		var codec store.Codec = store.PlainCodec{}
		if withKey {
			k, _ := store.ReadKeyFile(key)
			codec, _ = store.NewAESCodec(k)
		}
		s, err := store.Open(dir, store.Options{Codec: codec})
		if err != nil {
			t.Fatal(err)
		}
		putUser(t, s, "vera", "associate", c.String())
		s.Close()
		pf := secretFile(t, base, "vera", "vera-passphrase-long", 0o600)
		code, out, e := cli(t, "case", "list", "--data", dir, "--user", "vera", "--passphrase-file", pf)
		if code != 0 || !strings.Contains(e, "is now encrypted") || !strings.Contains(out, "RBA-2026-") {
			t.Fatalf("migration (key file %v): %d %q", withKey, code, e)
		}
		if withKey && !strings.Contains(e, "key_file") {
			t.Fatalf("no word about the key file: %q", e)
		}
		if info, _ := store.Peek(dir); len(info.Slots) != 1 {
			t.Fatalf("slots: %v", info.Slots)
		}
		if _, err := store.Open(dir, store.Options{Codec: codec}); err == nil {
			t.Fatal("the old codec still opens the store")
		}
		if !withKey {
			assertNoSecrets(t, dir, secrets)
		}
	}
}

// putUser writes an office RBA user record as a hub's sync would.
func putUser(t *testing.T, s *store.Store, name, role, cred string) {
	t.Helper()
	u := booking.User{Name: name, Office: "RBA", Role: booking.Role(role), Credential: cred}
	if err := s.Update("hub", func(tx *store.Tx) error { return tx.Put(&u) }); err != nil {
		t.Fatal(err)
	}
}

// TestOfflineDayTwoUsers: users with passphrases are added at the hub and
// reach the desk by sync, which encrypts its store with a slot for each;
// the link goes down for a day, two users sign in and work, each change
// records its author; the link returns and the hub takes every change. A
// new passphrase and a disabled user change one slot each at the desk's
// next sync.
func TestOfflineDayTwoUsers(t *testing.T) {
	base := t.TempDir()
	hubDir, deskDir := filepath.Join(base, "hub"), filepath.Join(base, "desk")
	tok := addDesk(t, hubDir, "RBA", "rba-1")
	if code, _, e := cli(t, "demo", "--no-users", "--data", deskDir, "--cases", "6", "--office", "RBA", "--today", "2026-11-22"); code != 0 {
		t.Fatal(e)
	}
	h := openHub(t, hubDir)
	done, watched := make(chan struct{}), make(chan struct{})
	go func() { h.Background(done, 50*time.Millisecond); close(watched) }()
	defer func() { close(done); <-watched }()
	srv := httptest.NewServer(h.Handler())
	url := srv.URL
	if code, _, e := cli(t, "sync", "--data", deskDir, "--hub", url, "--token", tok); code != 0 {
		t.Fatalf("first sync: %q", e)
	}
	amina := secretFile(t, base, "amina", "amina-passphrase-one", 0o600)
	tomas := secretFile(t, base, "tomas", "tomas-passphrase-one", 0o600)
	for _, u := range [][]string{{"amina", "associate", amina}, {"tomas", "team-leader", tomas}} {
		code, out, e := cli(t, "hub", "user", "add", "--name", u[0], "--office", "RBA", "--role", u[1], "--passphrase-file", u[2], "--data", hubDir)
		if code != 0 || !strings.Contains(out, "added as "+u[1]) {
			t.Fatalf("user add %v: %d %q %q", u, code, out, e)
		}
	}
	if code, out, _ := cli(t, "hub", "user", "list", "--data", hubDir); code != 0 || !strings.Contains(out, "set") {
		t.Fatalf("user list: %q", out)
	}
	// The users arrive; the desk's store is encrypted for them.
	code, _, e := cli(t, "sync", "--data", deskDir, "--hub", url, "--token", tok)
	if code != 0 || !strings.Contains(e, "is now encrypted; it opens with the passphrase of amina, tomas") {
		t.Fatalf("sync bringing users: %d %q", code, e)
	}
	hubRaw, _ := os.ReadFile(filepath.Join(hubDir, store.FileName))
	if bytes.Contains(hubRaw, []byte("amina-passphrase-one")) {
		t.Fatal("the hub holds a passphrase")
	}

	// A day without a link.
	srv.Close()
	one, two := "RBA-2026-000001", "RBA-2026-000002"
	if code, _, e := cli(t, "case", "set", one, "notes=sponsor called back", "--data", deskDir, "--user", "amina", "--passphrase-file", amina); code != 0 {
		t.Fatalf("amina offline: %q", e)
	}
	if code, _, e := cli(t, "case", "assign", two, "--to", "amina", "--data", deskDir, "--user", "tomas", "--passphrase-file", tomas); code != 0 {
		t.Fatalf("tomas offline: %q", e)
	}
	if code, _, e := cli(t, "case", "assign", one, "--to", "tomas", "--data", deskDir, "--user", "amina", "--passphrase-file", amina); code != 1 || !strings.Contains(e, "may not assign") {
		t.Fatalf("an associate assigns: %d %q", code, e)
	}
	if code, _, e := cli(t, "sync", "--data", deskDir, "--hub", url, "--token", tok, "--user", "amina", "--passphrase-file", amina); code == 0 {
		t.Fatalf("sync with no link succeeded: %q", e)
	}
	for no, who := range map[string]string{one: "amina", two: "tomas"} {
		_, out, _ := cli(t, "case", "history", no, "--json", "--data", deskDir, "--user", "tomas", "--passphrase-file", tomas)
		if !strings.Contains(out, `"actor":"`+who+`"`) && !strings.Contains(out, `"actor": "`+who+`"`) {
			t.Fatalf("history of %s does not name %s:\n%s", no, who, out)
		}
	}

	// The link returns.
	srv = httptest.NewServer(h.Handler())
	defer srv.Close()
	url = srv.URL
	code, out, e := cli(t, "sync", "--data", deskDir, "--hub", url, "--token", tok, "--user", "amina", "--passphrase-file", amina)
	if code != 0 || strings.Contains(out+e, "refused") {
		t.Fatalf("sync after the day: %d %q %q", code, out, e)
	}
	if code, out, _ := cli(t, "sync", "refused", "--data", deskDir, "--user", "amina", "--passphrase-file", amina); code != 0 || strings.Contains(out, "RBA-2026") {
		t.Fatalf("refused ops: %q", out)
	}

	// amina's new passphrase and tomas disabled reach the desk by sync.
	amina2 := secretFile(t, base, "amina2", "amina-passphrase-two", 0o600)
	if code, out, e := cli(t, "hub", "user", "passphrase", "amina", "--office", "RBA", "--passphrase-file", amina2, "--data", hubDir); code != 0 || !strings.Contains(out, "new passphrase") {
		t.Fatalf("passphrase: %d %q %q", code, out, e)
	}
	if code, _, e := cli(t, "hub", "user", "disable", "tomas", "--office", "RBA", "--data", hubDir); code != 0 {
		t.Fatal(e)
	}
	before, _ := store.Peek(deskDir)
	if code, _, e := cli(t, "sync", "--data", deskDir, "--hub", url, "--token", tok, "--user", "amina", "--passphrase-file", amina); code != 0 {
		t.Fatalf("sync bringing the changes: %q", e)
	}
	after, _ := store.Peek(deskDir)
	if _, ok := after.Slots["tomas"]; ok || len(after.Slots) != 1 || bytes.Equal(after.Slots["amina"], before.Slots["amina"]) {
		t.Fatalf("slots after the changes: %d", len(after.Slots))
	}
	if code, _, e := cli(t, "case", "list", "--data", deskDir, "--user", "amina", "--passphrase-file", amina); code != 1 || !strings.Contains(e, "wrong") {
		t.Fatalf("the old passphrase still opens: %d %q", code, e)
	}
	if code, _, e := cli(t, "case", "list", "--data", deskDir, "--user", "tomas", "--passphrase-file", tomas); code != 1 {
		t.Fatalf("a disabled user still opens: %d %q", code, e)
	}
	if code, _, e := cli(t, "case", "list", "--data", deskDir, "--user", "amina", "--passphrase-file", amina2); code != 0 {
		t.Fatalf("the new passphrase: %q", e)
	}
}

// TestGateAuthPIN: the app's sign-in against a real store's slots: a
// passphrase, then a PIN set after it that opens this desk alone; a new
// passphrase published for the user rewraps the slot and drops the PIN.
func TestGateAuthPIN(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "desk")
	if code, _, e := cli(t, "demo", "--data", dir, "--cases", "3", "--office", "RBA"); code != 0 {
		t.Fatal(e)
	}
	t.Setenv("XDG_CONFIG_HOME", base)
	a := &app{in: strings.NewReader(""), out: io.Discard, err: io.Discard}
	root := newRootCmd(a)
	root.SetArgs([]string{"--data", dir})
	if err := a.load(root); err != nil {
		t.Fatal(err)
	}
	a.cfg.Data = dir
	g := &gateAuth{a: a}
	if err := g.SignIn("amina.benali", "wrong-passphrase-x", false); err == nil || !strings.Contains(err.Error(), "wrong") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if err := g.SignIn("amina.benali", "amina.benali-demo-passphrase", false); err != nil {
		t.Fatal(err)
	}
	if err := g.SetPIN("amina.benali", "482913"); err == nil {
		t.Fatal("a PIN set before the store is open")
	}
	codec, _ := store.NewAESCodec(g.dk)
	s, err := store.Open(dir, store.Options{Codec: codec})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g.s = s
	if g.HasPIN("amina.benali") {
		t.Fatal("a PIN before one is set")
	}
	if err := g.SetPIN("amina.benali", "4829"); err == nil {
		t.Fatal("a 4-digit PIN")
	}
	if err := g.SetPIN("amina.benali", "482913"); err != nil || !g.HasPIN("amina.benali") {
		t.Fatalf("set PIN: %v", err)
	}
	if err := g.SignIn("amina.benali", "482913", true); err != nil {
		t.Fatalf("PIN sign-in: %v", err)
	}
	if err := g.SignIn("petra.schulz", "482913", true); err == nil {
		t.Fatal("amina's PIN opened petra's")
	}
	// A new passphrase from the hub: the slot is rewrapped, the PIN dropped.
	users, _ := s.Users("")
	u := users["amina.benali"]
	c, _ := auth.NewCredential([]byte("amina-new-passphrase"), credentialParams)
	putUser(t, s, u.Name, string(u.Role), c.String())
	before, _ := s.Slots()
	if err := reconcileSlots(s, g.dk); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Slots()
	if g.HasPIN("amina.benali") || len(after) != len(before)-1 || bytes.Equal(after["amina.benali"], before["amina.benali"]) ||
		!bytes.Equal(after["petra.schulz"], before["petra.schulz"]) {
		t.Fatalf("slots after a new passphrase: %d -> %d", len(before), len(after))
	}
	if err := g.SignIn("amina.benali", "amina-new-passphrase", false); err != nil {
		t.Fatalf("new passphrase: %v", err)
	}
}

// TestLockedAppRefusesCommands: a command sent to an open app runs there
// only while the app is not locked.
func TestLockedAppRefusesCommands(t *testing.T) {
	dir := bareDemoStore(t, "3")
	_, _, _, sv := appWithServer(t, dir)
	var locked atomic.Bool
	locked.Store(true)
	sv.app.locked = locked.Load
	code, _, e := client(t, t.TempDir(), "", "case", "list", "--data", dir)
	if code != 1 || !strings.Contains(e, "locked; sign in there first") {
		t.Fatalf("locked app: %d %q", code, e)
	}
	locked.Store(false)
	if code, out, e := client(t, t.TempDir(), "", "case", "list", "--data", dir); code != 0 || !strings.Contains(out+e, "3 case(s)") {
		t.Fatalf("unlocked app: %d %q %q", code, out, e)
	}
}
