package store

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"movedesk/booking"
)

// Key slots: a store encrypted by passphrase keeps its data key wrapped once
// per user in meta/slots (package auth makes and opens them). The slots are
// read before the store is opened, without any key; the store treats them
// as opaque bytes.
var bSlots = []byte("slots")

// Info is what can be read of a store without its key.
type Info struct {
	// Exists is false when dir holds no store yet.
	Exists bool
	// Codec is the codec the store was written with ("plain", "aes-256-gcm").
	Codec string
	// Slots are the wrapped data keys, by slot name (empty: no passphrase
	// encryption; a key file or nothing opens the store).
	Slots map[string][]byte
	// Users is how many user records the store holds (their keys are
	// plain): with none there is nobody to encrypt it for.
	Users int
}

// Peek reads Info of the store in dir, read-only and without a key.
func Peek(dir string) (Info, error) {
	path := filepath.Join(dir, FileName)
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return Info{}, nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		return Info{}, openError(dir, err)
	}
	defer db.Close()
	info := Info{Exists: true, Codec: PlainCodec{}.Name(), Slots: map[string][]byte{}}
	err = db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		if m == nil || !bytes.Equal(m.Get(kMagic), []byte(magic)) {
			return fmt.Errorf("%s is not a movedesk store (no movedesk meta bucket); refusing to touch it", path)
		}
		if c := m.Get(kCodec); len(c) > 0 {
			info.Codec = string(c)
		}
		info.Slots = readSlots(m)
		if r := tx.Bucket(bRecords); r != nil {
			p := []byte(booking.UserKeyPrefix(""))
			c := r.Cursor()
			for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
				info.Users++
			}
		}
		return nil
	})
	return info, err
}

func readSlots(m *bolt.Bucket) map[string][]byte {
	out := map[string][]byte{}
	if b := m.Bucket(bSlots); b != nil {
		_ = b.ForEach(func(k, v []byte) error {
			out[string(k)] = bytes.Clone(v)
			return nil
		})
	}
	return out
}

// Slots returns the store's key slots by name.
func (s *Store) Slots() (map[string][]byte, error) {
	var out map[string][]byte
	err := s.db.View(func(tx *bolt.Tx) error {
		out = readSlots(tx.Bucket(bMeta))
		return nil
	})
	return out, err
}

// ErrLastSlot refuses to remove the only way left into an encrypted store.
var ErrLastSlot = errors.New("this is the store's last key slot: removing it would leave the store unreadable")

// SetSlots writes and removes key slots in one transaction (a nil value
// removes a slot). Only meta changes: no record, log entry or row is
// rewritten, and nothing is sent to sync. It refuses to leave a store that
// has slots without any.
func (s *Store) SetSlots(slots map[string][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bMeta).CreateBucketIfNotExists(bSlots)
		if err != nil {
			return err
		}
		for name, v := range slots {
			if v == nil {
				err = b.Delete([]byte(name))
			} else {
				err = b.Put([]byte(name), v)
			}
			if err != nil {
				return err
			}
		}
		if k, _ := b.Cursor().First(); k == nil {
			return ErrLastSlot
		}
		return nil
	})
}

// PagesWritten is how many pages this process has written to the store
// (bbolt's count): a test sees a slot change rewrite no data.
func (s *Store) PagesWritten() int64 {
	st := s.db.Stats()
	return st.TxStats.GetWrite()
}

// abnIndexKey is what the abn index holds for ABN number v: with a cipher,
// a keyed hash, so the index is searchable by exact number and the number
// is not readable in the file.
func (s *Store) abnIndexKey(v string) string { return abnToken(s.codec, v) }

func abnToken(c Codec, v string) string {
	a, ok := c.(*AESCodec)
	if !ok || v == "" {
		return v
	}
	h := hmac.New(sha256.New, a.idxKey)
	h.Write([]byte(v))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// migrateHashABNIndex rebuilds the abn index of an encrypted store under
// keyed hashes and moves ABN records to hashed keys (a plain store keeps
// plain numbers).
func migrateHashABNIndex(tx *bolt.Tx, _ string, codec Codec) error {
	if _, ok := codec.(*AESCodec); !ok {
		return nil
	}
	if err := rekeyABNRecords(tx, codec); err != nil {
		return err
	}
	return rebuildABNIndex(tx, codec)
}

func rebuildABNIndex(tx *bolt.Tx, codec Codec) error {
	idx := tx.Bucket(bIdx)
	if err := idx.DeleteBucket([]byte("abn")); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
		return err
	}
	b, err := idx.CreateBucket([]byte("abn"))
	if err != nil {
		return err
	}
	return tx.Bucket(bRows).ForEach(func(k, v []byte) error {
		p, err := codec.Open(v)
		if err != nil {
			return fmt.Errorf("row %s: %w", k, err)
		}
		r, err := decodeRow(p)
		if err != nil {
			return fmt.Errorf("row %s: %w", k, err)
		}
		if r.ABNNumber == "" {
			return nil
		}
		return b.Put(idxKey(abnToken(codec, r.ABNNumber), string(k)), nil)
	})
}

// Encrypt rewrites the store in dir, sealed with to (a new data key), and
// gives it slots. from opens it as it is (plain, or a key file's key). The
// copy is a new file that replaces the old one when complete, so the old
// file's free pages, which may still hold plain values, go with it. The
// store must not be open elsewhere (the lock is taken).
func Encrypt(dir string, from Codec, to *AESCodec, slots map[string][]byte) error {
	if len(slots) == 0 {
		return ErrLastSlot
	}
	if err := check(filepath.Join(dir, FileName), dir, time.Second, from); err != nil {
		return err
	}
	path := filepath.Join(dir, FileName)
	src, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return openError(dir, err)
	}
	defer src.Close()
	if needsMigration(src) {
		if err := src.Update(func(tx *bolt.Tx) error { return migrate(tx, "", from) }); err != nil {
			return fmt.Errorf("store %s: %w", dir, err)
		}
	}
	tmp := path + ".encrypting"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{NoSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return err
	}
	w := &copier{db: dst, from: from, to: to}
	err = src.View(func(stx *bolt.Tx) error {
		return stx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return w.bucket([][]byte{bytes.Clone(name)}, b)
		})
	})
	if err == nil {
		err = w.finish(slots)
	}
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("encrypt store %s: %w", dir, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("encrypt store %s: %w", dir, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// copier writes the new file in transactions of about 32 MiB.
type copier struct {
	db       *bolt.DB
	tx       *bolt.Tx
	size     int
	from, to Codec
}

// sealed are the buckets whose values pass through the codec.
func sealedPath(path [][]byte) bool {
	switch len(path) {
	case 1:
		// chain: its own head (kOwnChain); access: the access log.
		for _, b := range [][]byte{bRecords, bLog, bRows, bReportRows, bReportGates, bIdentities, bAccess, bChain} {
			if bytes.Equal(path[0], b) {
				return true
			}
		}
	case 2:
		return bytes.Equal(path[0], bReplica) && bytes.Equal(path[1], bConflicts) ||
			bytes.Equal(path[0], bChain) && (bytes.Equal(path[1], bChainLog) || bytes.Equal(path[1], bChainDesks)) ||
			bytes.Equal(path[0], bFlights) && bytes.Equal(path[1], bByFlight)
	}
	return false
}

func (w *copier) target(path [][]byte) (*bolt.Bucket, error) {
	if w.tx == nil {
		tx, err := w.db.Begin(true)
		if err != nil {
			return nil, err
		}
		w.tx, w.size = tx, 0
	}
	b, err := w.tx.CreateBucketIfNotExists(path[0])
	for _, p := range path[1:] {
		if err != nil {
			return nil, err
		}
		b, err = b.CreateBucketIfNotExists(p)
	}
	if err == nil {
		// Keys arrive in order (as in bbolt's Compact): fill pages, do not
		// leave them half empty.
		b.FillPercent = 1.0
	}
	return b, err
}

func (w *copier) commit() error {
	if w.tx == nil {
		return nil
	}
	err := w.tx.Commit()
	w.tx = nil
	return err
}

func (w *copier) bucket(path [][]byte, src *bolt.Bucket) error {
	if len(path) == 2 && bytes.Equal(path[0], bIdx) && bytes.Equal(path[1], []byte("abn")) {
		return nil // rebuilt under the new key in finish
	}
	if len(path) == 2 && bytes.Equal(path[0], bMeta) && bytes.Equal(path[1], bSlots) {
		return nil
	}
	seal := sealedPath(path)
	dst, err := w.target(path)
	if err != nil {
		return err
	}
	if err := dst.SetSequence(src.Sequence()); err != nil {
		return err
	}
	c := src.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil {
			if err := w.bucket(append(path[:len(path):len(path)], bytes.Clone(k)), src.Bucket(k)); err != nil {
				return err
			}
			if dst, err = w.target(path); err != nil {
				return err
			}
			continue
		}
		if len(path) == 1 && bytes.Equal(path[0], bMeta) && (bytes.Equal(k, kCodec) || bytes.Equal(k, kKeyCheck)) {
			continue
		}
		if len(path) == 2 && bytes.Equal(path[0], bReplica) && bytes.Equal(path[1], bRMeta) && bytes.HasPrefix(k, []byte(refusalPrefix)) {
			var err error
			if v, err = w.to.Seal(openRefusal(w.from, v)); err != nil {
				return err
			}
		}
		if seal {
			p, err := w.from.Open(v)
			if err != nil {
				return fmt.Errorf("%s/%s: %w", bytes.Join(path, []byte("/")), k, err)
			}
			if v, err = w.to.Seal(p); err != nil {
				return err
			}
			if bytes.Equal(path[0], bRecords) {
				// The source's key may be hashed under its old key: the
				// number is in the value.
				name := string(k)
				if _, ok := w.from.(*AESCodec); ok {
					src := &Store{codec: w.from}
					if name, err = src.recName(k, p); err != nil {
						return err
					}
				}
				k = recKeyFor(w.to, name)
			}
		}
		if err := dst.Put(k, v); err != nil {
			return err
		}
		if w.size += len(k) + len(v); w.size > 32<<20 {
			if err := w.commit(); err != nil {
				return err
			}
			if dst, err = w.target(path); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *copier) finish(slots map[string][]byte) error {
	if err := w.commit(); err != nil {
		return err
	}
	return w.db.Update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		check, err := w.to.Seal([]byte(magic))
		if err != nil {
			return err
		}
		if err := m.Put(kKeyCheck, check); err != nil {
			return err
		}
		if err := m.Put(kCodec, []byte(w.to.Name())); err != nil {
			return err
		}
		sb, err := m.CreateBucket(bSlots)
		if err != nil {
			return err
		}
		for name, v := range slots {
			if err := sb.Put([]byte(name), v); err != nil {
				return err
			}
		}
		return rebuildABNIndex(tx, w.to)
	})
}

// An ABN's records are kept under <case>/abn/<number>/<version>. In an
// encrypted store the number is replaced on disk by its keyed hash (as in
// the abn index), so the file shows no ABN number; the record's value
// (sealed) holds the number, from which Scan gives back the key.
const abnSeg = "/abn/"

// recKey is the records-bucket key of record key.
func (s *Store) recKey(key string) []byte { return recKeyFor(s.codec, key) }

func recKeyFor(c Codec, key string) []byte {
	if _, ok := c.(*AESCodec); !ok {
		return []byte(key)
	}
	i := strings.Index(key, abnSeg)
	if i < 0 || strings.HasPrefix(key, "~") || strings.Contains(key[:i], "/") {
		return []byte(key)
	}
	num, tail, _ := strings.Cut(key[i+len(abnSeg):], "/")
	if num == "" {
		return []byte(key)
	}
	out := key[:i+len(abnSeg)] + abnToken(c, num)
	if tail != "" || strings.HasSuffix(key, "/") {
		out += "/" + tail
	}
	return []byte(out)
}

// recName is the record key of bucket key k holding plain.
func (s *Store) recName(k, plain []byte) (string, error) {
	if _, ok := s.codec.(*AESCodec); !ok {
		return string(k), nil
	}
	key := string(k)
	i := strings.Index(key, abnSeg)
	if i < 0 || strings.HasPrefix(key, "~") || strings.Contains(key[:i], "/") {
		return key, nil
	}
	var a struct {
		Number string `json:"number"`
	}
	if err := json.Unmarshal(plain, &a); err != nil || a.Number == "" {
		return "", fmt.Errorf("record %s: no ABN number in its value", key)
	}
	_, tail, _ := strings.Cut(key[i+len(abnSeg):], "/")
	return key[:i+len(abnSeg)] + a.Number + "/" + tail, nil
}

// rekeyABNRecords moves the ABN records of an encrypted store written
// before keys were hashed to their hashed keys.
func rekeyABNRecords(tx *bolt.Tx, codec Codec) error {
	recs := tx.Bucket(bRecords)
	type move struct{ from, to, v []byte }
	var moves []move
	err := recs.ForEach(func(k, v []byte) error {
		to := recKeyFor(codec, string(k))
		if !bytes.Equal(to, k) {
			moves = append(moves, move{bytes.Clone(k), to, bytes.Clone(v)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range moves {
		if err := recs.Delete(m.from); err != nil {
			return err
		}
		if err := recs.Put(m.to, m.v); err != nil {
			return err
		}
	}
	return nil
}

// openRefusal returns the JSON of a stored refusal: sealed (its reason may
// quote a value), or plain as stores before sealing kept it.
func openRefusal(c Codec, v []byte) []byte {
	if p, err := c.Open(v); err == nil {
		return p
	}
	return v
}
