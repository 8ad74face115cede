package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"movedesk/change"
)

// The change log is hash-chained, so an op changed in the file is found
// (movedesk audit verify):
//
//	chain/
//	  log/    <pos uint64 BE>            hash: Link(hash at the previous position,
//	                                     SHA-256 of the op's stored plain bytes)
//	  desks/  <desk> 0x00 <seq uint64 BE> digest(32) hash(32): a desk's chain of the
//	                                     ops it pushed, as the hub received them
//	                                     (digest zero: an anchor, the hub held
//	                                     none of that desk's earlier ops)
//	  own     seq(8) hash(32)            at a desk: its own chain up to the last
//	                                     op the hub acknowledged
//
// Values pass through the Codec like the log's: a hash of an op's plain
// bytes in clear would let whoever holds an encrypted file confirm a guess
// of what an op says.
var (
	bChain      = []byte("chain")
	bChainLog   = []byte("log")
	bChainDesks = []byte("desks")
	kOwnChain   = []byte("own")
)

func migrateChain(tx *bolt.Tx, _ string, codec Codec) error {
	ch, err := tx.CreateBucketIfNotExists(bChain)
	if err != nil {
		return err
	}
	if _, err := ch.CreateBucketIfNotExists(bChainDesks); err != nil {
		return err
	}
	lb, err := ch.CreateBucketIfNotExists(bChainLog)
	if err != nil {
		return err
	}
	lb.FillPercent = 1
	var prev change.Hash
	c := tx.Bucket(bLog).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		p, err := codec.Open(v)
		if err != nil {
			return fmt.Errorf("log entry %d: %w", be64(k), err)
		}
		prev = change.Link(prev, change.DigestBytes(p))
		sealed, err := codec.Seal(bytes.Clone(prev[:]))
		if err != nil {
			return err
		}
		if err := lb.Put(bytes.Clone(k), sealed); err != nil {
			return err
		}
	}
	return nil
}

// openHash reads a sealed chain value of n bytes.
func (tx *Tx) openHash(v []byte, n int) ([]byte, error) {
	p, err := tx.s.codec.Open(v)
	if err != nil {
		return nil, err
	}
	if len(p) != n {
		return nil, fmt.Errorf("a chain entry of %d bytes, want %d", len(p), n)
	}
	return p, nil
}

func (tx *Tx) chainLogBucket() *bolt.Bucket {
	ch := tx.btx.Bucket(bChain)
	if ch == nil {
		return nil
	}
	b := ch.Bucket(bChainLog)
	if tx.btx.Writable() {
		b.FillPercent = 1 // appended in log order
	}
	return b
}

// chainLog links the op just logged at pos (plain: its stored bytes).
func (tx *Tx) chainLog(pos uint64, plain []byte) error {
	lb := tx.chainLogBucket()
	if lb == nil {
		return nil
	}
	if tx.chainLast == nil {
		var h change.Hash
		if k, v := lb.Cursor().Last(); k != nil && be64(k) < pos {
			p, err := tx.openHash(v, 32)
			if err != nil {
				return fmt.Errorf("chain at %d: %w", be64(k), err)
			}
			copy(h[:], p)
		}
		tx.chainLast = &h
	}
	h := change.Link(*tx.chainLast, change.DigestBytes(plain))
	*tx.chainLast = h
	sealed, err := tx.s.codec.Seal(bytes.Clone(h[:]))
	if err != nil {
		return err
	}
	return lb.Put(u64(pos), sealed)
}

// rechainLog links the log afresh from position from on: Renumber and
// Restamp rewrite ops this desk has not pushed yet.
func (tx *Tx) rechainLog(from uint64) error {
	lb := tx.chainLogBucket()
	if lb == nil {
		return nil
	}
	var prev change.Hash
	c := lb.Cursor()
	pk, pv := c.Last()
	if k, _ := c.Seek(u64(from)); k != nil {
		pk, pv = c.Prev()
	}
	if pk != nil {
		p, err := tx.openHash(pv, 32)
		if err != nil {
			return fmt.Errorf("chain at %d: %w", be64(pk), err)
		}
		copy(prev[:], p)
	}
	var stale [][]byte
	for k, _ := c.Seek(u64(from)); k != nil; k, _ = c.Next() {
		stale = append(stale, bytes.Clone(k))
	}
	for _, k := range stale {
		if err := lb.Delete(k); err != nil {
			return err
		}
	}
	lc := tx.btx.Bucket(bLog).Cursor()
	for k, v := lc.Seek(u64(from)); k != nil; k, v = lc.Next() {
		p, err := tx.s.codec.Open(v)
		if err != nil {
			return err
		}
		prev = change.Link(prev, change.DigestBytes(p))
		sealed, err := tx.s.codec.Seal(bytes.Clone(prev[:]))
		if err != nil {
			return err
		}
		if err := lb.Put(bytes.Clone(k), sealed); err != nil {
			return err
		}
	}
	tx.chainLast = &prev
	return nil
}

// ChainLink is one link of a desk's chain as the hub holds it.
type ChainLink struct {
	Seq    uint64
	Digest change.Hash // zero: an anchor (the hub holds none of the ops before)
	Hash   change.Hash
}

// Anchor reports whether the link only marks where the hub's chain of the
// desk starts.
func (l ChainLink) Anchor() bool { return l.Digest.IsZero() }

func deskChainKey(desk string, seq uint64) []byte {
	k := make([]byte, 0, len(desk)+9)
	k = append(append(k, desk...), 0)
	return append(k, u64(seq)...)
}

func (tx *Tx) deskChains() *bolt.Bucket {
	if ch := tx.btx.Bucket(bChain); ch != nil {
		return ch.Bucket(bChainDesks)
	}
	return nil
}

func decodeLink(k, v []byte) ChainLink {
	l := ChainLink{Seq: be64(k[len(k)-8:])}
	copy(l.Digest[:], v[:32])
	copy(l.Hash[:], v[32:])
	return l
}

// DeskChainAt returns desk's link at op seq, if held.
func (tx *Tx) DeskChainAt(desk string, seq uint64) (ChainLink, bool) {
	b := tx.deskChains()
	if b == nil {
		return ChainLink{}, false
	}
	v, err := tx.openHash(b.Get(deskChainKey(desk, seq)), 64)
	if err != nil {
		return ChainLink{}, false
	}
	return decodeLink(deskChainKey(desk, seq), v), true
}

// DeskChainHead returns desk's last link, if any.
func (tx *Tx) DeskChainHead(desk string) (ChainLink, bool) {
	b := tx.deskChains()
	if b == nil {
		return ChainLink{}, false
	}
	c := b.Cursor()
	k, v := c.Seek(deskChainKey(desk, ^uint64(0)))
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k == nil || len(k) != len(desk)+9 || !bytes.HasPrefix(k, []byte(desk+"\x00")) {
		return ChainLink{}, false
	}
	p, err := tx.openHash(v, 64)
	if err != nil {
		return ChainLink{}, false
	}
	return decodeLink(k, p), true
}

// PutDeskChain stores desk's link.
func (tx *Tx) PutDeskChain(desk string, l ChainLink) error {
	b := tx.deskChains()
	if b == nil {
		return fmt.Errorf("store has no chain bucket")
	}
	v := make([]byte, 64)
	copy(v, l.Digest[:])
	copy(v[32:], l.Hash[:])
	sealed, err := tx.s.codec.Seal(v)
	if err != nil {
		return err
	}
	return b.Put(deskChainKey(desk, l.Seq), sealed)
}

// OwnChain returns this desk's chain up to the last own op the hub
// acknowledged (seq 0 and the zero hash before any).
func (tx *Tx) OwnChain() (uint64, change.Hash) {
	var h change.Hash
	ch := tx.btx.Bucket(bChain)
	if ch == nil {
		return 0, h
	}
	v, err := tx.openHash(ch.Get(kOwnChain), 40)
	if err != nil {
		return 0, h
	}
	copy(h[:], v[8:])
	return be64(v[:8]), h
}

// SetOwnChain records this desk's chain head after an acknowledged push.
func (tx *Tx) SetOwnChain(seq uint64, h change.Hash) error {
	ch := tx.btx.Bucket(bChain)
	if ch == nil {
		return fmt.Errorf("store has no chain bucket")
	}
	sealed, err := tx.s.codec.Seal(append(u64(seq), h[:]...))
	if err != nil {
		return err
	}
	return ch.Put(kOwnChain, sealed)
}

// ChainBreak is the first place a chain does not match.
type ChainBreak struct {
	// Chain is "log" (this store's change log) or the desk whose chain
	// (as the hub received it) breaks.
	Chain string `json:"chain"`
	// Pos is the log position (log chain).
	Pos uint64 `json:"pos,omitempty"`
	// Desk and Seq name the op; Key is its record (empty when unreadable).
	Desk string `json:"desk,omitempty"`
	Seq  uint64 `json:"seq,omitempty"`
	Key  string `json:"key,omitempty"`
	// What says what differs.
	What string `json:"what"`
}

// ChainReport is the outcome of VerifyChain.
type ChainReport struct {
	Ops   int            // log entries checked
	Desks map[string]int // links checked per desk chain (the hub)
	Break *ChainBreak    // nil: everything links
}

// VerifyChain checks the change log against its chain, then every desk
// chain held (at the hub), and stops at the first break.
func (s *Store) VerifyChain() (*ChainReport, error) {
	rep := &ChainReport{Desks: map[string]int{}}
	err := s.View(func(tx *Tx) error {
		lb := tx.chainLogBucket()
		if lb == nil {
			return fmt.Errorf("this store has no hash chain (open it once with this movedesk to migrate it)")
		}
		rep.Break = tx.verifyLog(lb, rep)
		if rep.Break == nil {
			rep.Break = tx.verifyDesks(rep)
		}
		return nil
	})
	return rep, err
}

func (tx *Tx) verifyLog(lb *bolt.Bucket, rep *ChainReport) *ChainBreak {
	var prev change.Hash
	lc, cc := tx.btx.Bucket(bLog).Cursor(), lb.Cursor()
	k, v := lc.First()
	ck, cv := cc.First()
	for k != nil || ck != nil {
		switch {
		case ck == nil || (k != nil && bytes.Compare(k, ck) < 0):
			b := tx.describe(be64(k), v)
			b.What = "this op is in the log but not in the chain (added to the file afterwards)"
			return b
		case k == nil || bytes.Compare(ck, k) < 0:
			return &ChainBreak{Chain: "log", Pos: be64(ck),
				What: fmt.Sprintf("the chain holds an op at log position %d that the log no longer has (removed from the file)", be64(ck))}
		}
		b := tx.describe(be64(k), v)
		p, err := tx.s.codec.Open(v)
		if err != nil {
			b.What = "the op cannot be read: " + err.Error()
			return b
		}
		got := change.Link(prev, change.DigestBytes(p))
		var want change.Hash
		wb, err := tx.openHash(cv, 32)
		if err != nil {
			b.What = "its chain entry is damaged: " + err.Error()
			return b
		}
		copy(want[:], wb)
		if got != want {
			b.What = fmt.Sprintf("its bytes differ from what was chained (chain %s, the op now gives %s)", want.Short(), got.Short())
			return b
		}
		prev = want
		rep.Ops++
		k, v = lc.Next()
		ck, cv = cc.Next()
	}
	return nil
}

// describe names the op at log position pos as far as it can be read.
func (tx *Tx) describe(pos uint64, v []byte) *ChainBreak {
	b := &ChainBreak{Chain: "log", Pos: pos}
	p, err := tx.s.codec.Open(v)
	if err != nil {
		return b
	}
	var op change.Op
	if json.Unmarshal(p, &op) == nil {
		b.Desk, b.Seq, b.Key = op.Desk, op.Seq, op.Key
		return b
	}
	// A damaged op: name what can still be found in it.
	var loose struct {
		Desk string `json:"desk"`
		Seq  uint64 `json:"seq"`
		Key  string `json:"key"`
	}
	dec := json.NewDecoder(bytes.NewReader(p))
	_ = dec.Decode(&loose)
	b.Desk, b.Seq, b.Key = loose.Desk, loose.Seq, loose.Key
	return b
}

func (tx *Tx) verifyDesks(rep *ChainReport) *ChainBreak {
	b := tx.deskChains()
	if b == nil {
		return nil
	}
	var desk string
	var prev change.Hash
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		p, err := tx.openHash(v, 64)
		if len(k) < 9 || err != nil {
			return &ChainBreak{Chain: "desks", What: fmt.Sprintf("a damaged entry %q", k)}
		}
		d := string(k[:len(k)-9])
		l := decodeLink(k, p)
		if d != desk {
			desk, prev = d, change.Hash{}
		}
		rep.Desks[d]++
		if l.Anchor() {
			prev = l.Hash
			continue
		}
		if got := change.Link(prev, l.Digest); got != l.Hash {
			return &ChainBreak{Chain: d, Desk: d, Seq: l.Seq,
				What: fmt.Sprintf("op %s:%d does not link to the op before it in this desk's chain (held %s, computed %s)", d, l.Seq, l.Hash.Short(), got.Short())}
		}
		prev = l.Hash
	}
	return nil
}
