// Package auth signs users in at a desk, offline, and keeps the desk's data
// key wrapped for each of them (key slots in the manner of LUKS).
//
// A user's passphrase is stretched with Argon2id into an X25519 private key;
// the hub publishes only the credential (salt, cost parameters and the
// public key). A desk wraps its random data key to each user's public key
// (ephemeral X25519, HKDF-SHA256, ChaCha20-Poly1305), so it can add, rewrap
// or drop one user's slot without that user's passphrase and without
// touching the data, while neither the hub nor a copy of the store file
// can unwrap a slot without a passphrase.
package auth

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Params are Argon2id's cost parameters.
type Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32
	Threads   uint8
}

// DefaultParams: 3 passes over 64 MiB with 2 lanes, the RFC 9106 second
// recommended choice; about 0.35 s on the reference machine (2 cores), so a
// sign-in stays well under 1 s and each guess against a stolen store costs
// the same 64 MiB and time.
var DefaultParams = Params{Time: 3, MemoryKiB: 64 * 1024, Threads: 2}

// Limits on parameters read from a credential, so a forged one cannot make
// a desk allocate gigabytes or spin for minutes, nor be trivially weak.
const (
	minMemoryKiB = 8 * 1024
	maxMemoryKiB = 1 << 20
	maxTime      = 10
)

// MinPassphrase is the shortest passphrase accepted (in characters).
const MinPassphrase = 12

// ErrWrongPassphrase means the passphrase (or PIN) does not open the slot.
var ErrWrongPassphrase = errors.New("wrong user name or passphrase")

const credPrefix = "argon2id-x25519"

// Credential is the public part of a user's passphrase: what the hub keeps
// and publishes to the office's desks. It verifies a passphrase (at the
// cost of one Argon2id run) and receives wrapped data keys.
type Credential struct {
	Params Params
	Salt   []byte
	Public []byte
}

var b64 = base64.RawStdEncoding

// String encodes c as argon2id-x25519$m=65536,t=3,p=2$SALT$PUBLIC.
func (c Credential) String() string {
	return fmt.Sprintf("%s$m=%d,t=%d,p=%d$%s$%s", credPrefix, c.Params.MemoryKiB, c.Params.Time, c.Params.Threads,
		b64.EncodeToString(c.Salt), b64.EncodeToString(c.Public))
}

// ParseCredential decodes a credential made by Credential.String and checks
// its parameters are within bounds.
func ParseCredential(s string) (Credential, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 4 || parts[0] != credPrefix {
		return Credential{}, fmt.Errorf("credential: not an %s credential", credPrefix)
	}
	var c Credential
	for kv := range strings.SplitSeq(parts[1], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return Credential{}, fmt.Errorf("credential: bad parameter %q", kv)
		}
		switch k {
		case "m":
			c.Params.MemoryKiB = uint32(n)
		case "t":
			c.Params.Time = uint32(n)
		case "p":
			if n > 255 {
				return Credential{}, fmt.Errorf("credential: bad parameter %q", kv)
			}
			c.Params.Threads = uint8(n)
		default:
			return Credential{}, fmt.Errorf("credential: unknown parameter %q", kv)
		}
	}
	p := c.Params
	if p.MemoryKiB < minMemoryKiB || p.MemoryKiB > maxMemoryKiB || p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.Threads > 16 {
		return Credential{}, fmt.Errorf("credential: parameters m=%d,t=%d,p=%d out of bounds", p.MemoryKiB, p.Time, p.Threads)
	}
	var err error
	if c.Salt, err = b64.DecodeString(parts[2]); err != nil || len(c.Salt) < 16 {
		return Credential{}, errors.New("credential: bad salt")
	}
	if c.Public, err = b64.DecodeString(parts[3]); err != nil || len(c.Public) != 32 {
		return Credential{}, errors.New("credential: bad public key")
	}
	return c, nil
}

// CheckPassphrase refuses a passphrase too short to resist guessing.
func CheckPassphrase(pass []byte) error {
	if !utf8.Valid(pass) {
		return errors.New("passphrase is not valid UTF-8")
	}
	if n := utf8.RuneCount(pass); n < MinPassphrase {
		return fmt.Errorf("passphrase has %d characters; use at least %d (a few words are easier to remember)", n, MinPassphrase)
	}
	return nil
}

// NewCredential makes a credential for pass with fresh salt.
func NewCredential(pass []byte, p Params) (Credential, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return Credential{}, err
	}
	c := Credential{Params: p, Salt: salt}
	k, err := derive(pass, c)
	if err != nil {
		return Credential{}, err
	}
	c.Public = k.PublicKey().Bytes()
	return c, nil
}

func derive(pass []byte, c Credential) (*ecdh.PrivateKey, error) {
	seed := argon2.IDKey(pass, c.Salt, c.Params.Time, c.Params.MemoryKiB, c.Params.Threads, 32)
	return ecdh.X25519().NewPrivateKey(seed)
}

// Key is a signed-in user's private key: it unwraps that user's slots.
type Key struct{ priv *ecdh.PrivateKey }

// SignIn derives the key of pass under c (one Argon2id run) and checks it
// matches c's public key.
func SignIn(pass []byte, c Credential) (*Key, error) {
	priv, err := derive(pass, c)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(priv.PublicKey().Bytes(), c.Public) {
		return nil, ErrWrongPassphrase
	}
	return &Key{priv}, nil
}

// Slot is a data key wrapped for one user: what a desk keeps in its store's
// meta, readable without the data key. Credential names the public key it
// is wrapped to, so a changed passphrase is seen and the slot rewrapped.
type Slot struct {
	User       string `json:"user"`
	Credential string `json:"credential"`
	Ephemeral  []byte `json:"ephemeral"`
	Nonce      []byte `json:"nonce"`
	Wrapped    []byte `json:"wrapped"`
}

// Encode returns the slot's stored form.
func (s Slot) Encode() []byte {
	b, _ := json.Marshal(s)
	return b
}

// DecodeSlot reads a stored slot.
func DecodeSlot(b []byte) (Slot, error) {
	var s Slot
	if err := json.Unmarshal(b, &s); err != nil {
		return Slot{}, fmt.Errorf("key slot: %w", err)
	}
	return s, nil
}

func slotKEK(shared, eph, pub []byte, user string) ([]byte, error) {
	salt := append(append([]byte{}, eph...), pub...)
	return hkdf.Key(sha256.New, shared, salt, "movedesk key slot v1\x00"+user, chacha20poly1305.KeySize)
}

// Wrap wraps dataKey for user under credential c (no passphrase needed).
func Wrap(dataKey []byte, user string, c Credential) (Slot, error) {
	pub, err := ecdh.X25519().NewPublicKey(c.Public)
	if err != nil {
		return Slot{}, err
	}
	eph, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return Slot{}, err
	}
	shared, err := eph.ECDH(pub)
	if err != nil {
		return Slot{}, err
	}
	kek, err := slotKEK(shared, eph.PublicKey().Bytes(), c.Public, user)
	if err != nil {
		return Slot{}, err
	}
	aead, err := chacha20poly1305.New(kek)
	if err != nil {
		return Slot{}, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return Slot{}, err
	}
	return Slot{User: user, Credential: c.String(), Ephemeral: eph.PublicKey().Bytes(), Nonce: nonce,
		Wrapped: aead.Seal(nil, nonce, dataKey, []byte(user))}, nil
}

// Unwrap returns the data key of slot s.
func (k *Key) Unwrap(s Slot) ([]byte, error) {
	eph, err := ecdh.X25519().NewPublicKey(s.Ephemeral)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	shared, err := k.priv.ECDH(eph)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	kek, err := slotKEK(shared, s.Ephemeral, k.priv.PublicKey().Bytes(), s.User)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.New(kek)
	if err != nil {
		return nil, err
	}
	if len(s.Nonce) != aead.NonceSize() {
		return nil, ErrWrongPassphrase
	}
	dk, err := aead.Open(nil, s.Nonce, s.Wrapped, []byte(s.User))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return dk, nil
}

// OpenSlot signs in with pass against slot s and returns the data key.
func OpenSlot(s Slot, pass []byte) ([]byte, error) {
	c, err := ParseCredential(s.Credential)
	if err != nil {
		return nil, err
	}
	k, err := SignIn(pass, c)
	if err != nil {
		return nil, err
	}
	return k.Unwrap(s)
}
