package change

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Hash is one link of a hash chain: SHA-256.
type Hash [32]byte

// String is the hash in hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// Short is the first 12 hex digits, for messages.
func (h Hash) Short() string { return h.String()[:12] }

// IsZero reports whether h is the zero hash (the start of a chain).
func (h Hash) IsZero() bool { return h == Hash{} }

// ParseHash reads a hash written by String; "" is the zero hash.
func ParseHash(s string) (Hash, bool) {
	var h Hash
	if s == "" {
		return h, true
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, false
	}
	copy(h[:], b)
	return h, true
}

// Link is the chain's next hash: SHA-256 of the previous hash and the
// digest of the new entry.
func Link(prev, digest Hash) Hash {
	var b [64]byte
	copy(b[:32], prev[:])
	copy(b[32:], digest[:])
	return sha256.Sum256(b[:])
}

// DigestBytes is the digest of an entry given as bytes.
func DigestBytes(b []byte) Hash { return sha256.Sum256(b) }

// Canonical is the op as a desk's chain covers it, the same bytes at the
// desk that made it and at the hub that received it: desk, seq, actor,
// clock, kind, key and fields (sorted), each value compacted and
// HTML-escaped as encoding/json sends it. Case and office are left out:
// each side derives them.
func (o *Op) Canonical() []byte {
	c := Op{Desk: o.Desk, Seq: o.Seq, Actor: o.Actor, HLC: o.HLC, Kind: o.Kind, Key: o.Key,
		Fields: make(map[string]json.RawMessage, len(o.Fields))}
	for k, v := range o.Fields {
		var b bytes.Buffer
		if json.Compact(&b, v) != nil {
			c.Fields[k] = v
			continue
		}
		var e bytes.Buffer
		json.HTMLEscape(&e, b.Bytes())
		c.Fields[k] = e.Bytes()
	}
	return c.AppendJSON(nil)
}

// Digest is the digest of the op's canonical bytes.
func (o *Op) Digest() Hash { return DigestBytes(o.Canonical()) }
