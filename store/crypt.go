package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// KeySize is the length of an encryption key: AES-256.
const KeySize = 32

// AESCodec seals values with AES-256-GCM: a random 12-byte nonce, then the
// ciphertext and tag. Keys of records and indexes stay plain (they hold case
// numbers, statuses and dates, no biodata); values hold the personal data.
type AESCodec struct {
	aead cipher.AEAD
	// idxKey keys the hashes the abn index holds instead of ABN numbers.
	idxKey []byte
}

// NewAESCodec returns a codec for a 32-byte key.
func NewAESCodec(key []byte) (*AESCodec, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("encryption key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	h := hmac.New(sha256.New, key)
	h.Write([]byte("movedesk abn index"))
	return &AESCodec{aead: aead, idxKey: h.Sum(nil)}, nil
}

// Name implements Codec.
func (c *AESCodec) Name() string { return "aes-256-gcm" }

// Seal implements Codec.
func (c *AESCodec) Seal(plain []byte) ([]byte, error) {
	out := make([]byte, 12, 12+len(plain)+c.aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, err
	}
	return c.aead.Seal(out, out[:12], plain, nil), nil
}

// ErrWrongKey means a value did not decrypt: the key is wrong or the data
// was tampered with.
var ErrWrongKey = errors.New("value does not decrypt with this key (wrong key or tampered data)")

// Open implements Codec.
func (c *AESCodec) Open(sealed []byte) ([]byte, error) {
	p, err := c.OpenAppend(nil, sealed)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// OpenAppend appends the plain form of sealed to dst, allocating nothing
// when dst has room: a read of 100k report rows decrypts them into one
// reused buffer instead of 100k new ones.
func (c *AESCodec) OpenAppend(dst, sealed []byte) ([]byte, error) {
	if len(sealed) < 12+c.aead.Overhead() {
		return dst, ErrWrongKey
	}
	out, err := c.aead.Open(dst, sealed[:12], sealed[12:], nil)
	if err != nil {
		return dst, ErrWrongKey
	}
	return out, nil
}

// NewDataKey returns a random data key for a store encrypted by passphrase.
func NewDataKey() []byte {
	k := make([]byte, KeySize)
	_, _ = rand.Read(k)
	return k
}

// NewKey returns a random key, hex-encoded for a key file.
func NewKey() string {
	var k [KeySize]byte
	_, _ = rand.Read(k[:])
	return hex.EncodeToString(k[:])
}

// ReadKeyFile reads a hex key file. It refuses a file others can read.
func ReadKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s is readable by others (mode %v); chmod 600 it", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("key file %s must hold %d hex-encoded bytes (make one with `movedesk key new`)", path, KeySize)
	}
	return key, nil
}
