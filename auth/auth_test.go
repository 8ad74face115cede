package auth

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fast keeps tests quick; the benchmark measures DefaultParams.
var fast = Params{Time: 1, MemoryKiB: minMemoryKiB, Threads: 1}

func TestSlotOpensOnlyWithItsPassphrase(t *testing.T) {
	c, err := NewCredential([]byte("amina-demo-passphrase"), fast)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := ParseCredential(c.String())
	if err != nil || pc.String() != c.String() {
		t.Fatalf("credential round trip: %v %s", err, pc)
	}
	dk := bytes.Repeat([]byte{7}, 32)
	s, err := Wrap(dk, "amina", pc)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := DecodeSlot(s.Encode())
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenSlot(s2, []byte("amina-demo-passphrase"))
	if err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("open with the passphrase: %v", err)
	}
	if _, err := OpenSlot(s2, []byte("amina-demo-passphrasE")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	// A slot moved to another user name does not open: the name is bound.
	s2.User = "dario"
	if _, err := OpenSlot(s2, []byte("amina-demo-passphrase")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("renamed slot: %v", err)
	}
	// The credential alone (what the hub holds) reveals nothing of the key.
	if strings.Contains(c.String(), string(dk)) || bytes.Contains(s.Encode(), dk) {
		t.Fatal("data key visible")
	}
}

func TestParseCredentialRefusesForgedParameters(t *testing.T) {
	c, _ := NewCredential([]byte("a long enough passphrase"), fast)
	for _, bad := range []string{
		strings.Replace(c.String(), "m=8192", "m=4194304", 1), // 4 GiB
		strings.Replace(c.String(), "t=1", "t=1000", 1),
		strings.Replace(c.String(), "m=8192", "m=8", 1),
		"argon2id-x25519$m=8192,t=1,p=1$AAAA$AAAA",
		"bcrypt$...",
	} {
		if _, err := ParseCredential(bad); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestPassphraseAndPINRules(t *testing.T) {
	if CheckPassphrase([]byte("short")) == nil || CheckPassphrase([]byte("dario-demo-passphrase")) != nil {
		t.Fatal("passphrase length rule")
	}
	if CheckPIN([]byte("12345")) == nil || CheckPIN([]byte("12a456")) == nil || CheckPIN([]byte("482913")) != nil {
		t.Fatal("PIN rule")
	}
}

func TestThrottleGrowsAndSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	th := NewThrottle(dir, clock)
	for i := range FreeAttempts - 1 {
		if err := th.Fail(); err != nil {
			t.Fatal(err)
		}
		if w, _ := th.Wait(); w != 0 {
			t.Fatalf("after %d failures wait %s", i+1, w)
		}
	}
	th.Fail()
	if w, n := th.Wait(); w != time.Second || n != 5 {
		t.Fatalf("after 5 failures: %s %d", w, n)
	}
	th.Fail()
	th.Fail()
	// A new process (restart) sees the same count.
	th2 := NewThrottle(dir, clock)
	if w, n := th2.Wait(); w != 4*time.Second || n != 7 {
		t.Fatalf("after restart: %s %d", w, n)
	}
	now = now.Add(3 * time.Second)
	if w, _ := th2.Wait(); w != time.Second {
		t.Fatalf("time passes: %s", w)
	}
	if fi, err := os.Stat(filepath.Join(dir, ThrottleFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("throttle file: %v", err)
	}
	th2.Reset()
	if w, n := th.Wait(); w != 0 || n != 0 {
		t.Fatalf("after reset: %s %d", w, n)
	}
	if Delay(100) != MaxDelay {
		t.Fatal("cap")
	}
}

// BenchmarkSignIn is one sign-in with DefaultParams: Argon2id, then the
// slot's unwrap. Target ≤ 1 s.
func BenchmarkSignIn(b *testing.B) {
	c, err := NewCredential([]byte("amina-demo-passphrase"), DefaultParams)
	if err != nil {
		b.Fatal(err)
	}
	s, _ := Wrap(bytes.Repeat([]byte{1}, 32), "amina", c)
	for b.Loop() {
		if _, err := OpenSlot(s, []byte("amina-demo-passphrase")); err != nil {
			b.Fatal(err)
		}
	}
}
