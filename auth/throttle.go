package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
	"unicode"
)

// MinPIN is the shortest PIN (digits). A PIN opens only its own desk's
// slot, made after a passphrase sign-in there.
const MinPIN = 6

// CheckPIN refuses a PIN that is not at least MinPIN digits.
func CheckPIN(pin []byte) error {
	if len(pin) < MinPIN {
		return fmt.Errorf("a PIN has at least %d digits", MinPIN)
	}
	for _, r := range string(pin) {
		if !unicode.IsDigit(r) || r > unicode.MaxASCII {
			return errors.New("a PIN is digits only")
		}
	}
	return nil
}

// FreeAttempts is how many wrong sign-ins in a row cost nothing; each one
// after them doubles the wait before the next attempt.
const FreeAttempts = 5

// MaxDelay caps the wait between attempts.
const MaxDelay = 5 * time.Minute

// ThrottleFile is the file in the data directory that keeps the count of
// wrong sign-ins, so restarting movedesk does not reset it.
const ThrottleFile = "signin-attempts.json"

// Throttle slows down guessing at one desk: after FreeAttempts wrong
// sign-ins (any user), each further attempt waits 1 s, 2 s, 4 s ... up to
// MaxDelay after the previous failure. A good sign-in resets it.
type Throttle struct {
	path string
	now  func() time.Time
}

type attempts struct {
	Failures int       `json:"failures"`
	Last     time.Time `json:"last"`
}

// NewThrottle keeps its count in dir; now nil means time.Now.
func NewThrottle(dir string, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{path: filepath.Join(dir, ThrottleFile), now: now}
}

func (t *Throttle) read() attempts {
	var a attempts
	if b, err := os.ReadFile(t.path); err == nil {
		_ = json.Unmarshal(b, &a)
	}
	return a
}

// Delay returns the delay after n failures.
func Delay(n int) time.Duration {
	if n < FreeAttempts {
		return 0
	}
	d := time.Second << min(n-FreeAttempts, 20)
	return min(d, MaxDelay)
}

// Wait returns how long until the next attempt is allowed (0: now) and the
// failures so far.
func (t *Throttle) Wait() (time.Duration, int) {
	a := t.read()
	d := Delay(a.Failures)
	if d == 0 {
		return 0, a.Failures
	}
	left := a.Last.Add(d).Sub(t.now())
	if left < 0 {
		left = 0
	}
	return left, a.Failures
}

// Fail records a wrong attempt.
func (t *Throttle) Fail() error {
	a := t.read()
	a.Failures++
	a.Last = t.now().UTC()
	return t.write(a)
}

// Reset records a good sign-in.
func (t *Throttle) Reset() error {
	if a := t.read(); a.Failures == 0 {
		return nil
	}
	return t.write(attempts{})
}

func (t *Throttle) write(a attempts) error {
	b, _ := json.Marshal(a)
	tmp := t.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("sign-in attempts: %w", err)
	}
	if err := os.Rename(tmp, t.path); err != nil {
		return fmt.Errorf("sign-in attempts: %w", err)
	}
	return nil
}

// TooSoonError says how long to wait before the next attempt.
type TooSoonError struct {
	Wait     time.Duration
	Failures int
}

func (e *TooSoonError) Error() string {
	return fmt.Sprintf("%d wrong sign-ins in a row: wait %s before the next attempt", e.Failures, e.Wait.Round(time.Second))
}
