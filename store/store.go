package store

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"movedesk/booking"
	"movedesk/change"
)

// FileName is the store file inside the data directory.
const FileName = "movedesk.db"

const magic = "movedesk-store"

var (
	bMeta     = []byte("meta")
	bRecords  = []byte("records")
	bLog      = []byte("log")
	bHist     = []byte("hist")
	bRows     = []byte("rows")
	bIdx      = []byte("idx")
	kMagic    = []byte("magic")
	kSchema   = []byte("schema")
	kDesk     = []byte("desk")
	kHLC      = []byte("hlc")
	kCodec    = []byte("codec")
	kKeyCheck = []byte("keycheck")
	indexKeys = []string{"status", "office", "assignee", "ready", "departure", "abn"}
)

// ErrInUse is returned when another process holds the store.
var ErrInUse = errors.New("store is in use by another movedesk process")

// Options tune Open.
type Options struct {
	// Desk is the id given to a new store; empty means a random one. An
	// existing store keeps its own.
	Desk string
	// Codec seals stored values; nil means PlainCodec.
	Codec Codec
	// Now is the wall clock; nil means time.Now.
	Now func() time.Time
	// NoSync skips fsync: only for bulk generation of throwaway demo stores.
	NoSync bool
	// Bulk maps the file generously up front and grows it in large steps, so
	// a bulk load does not remap (and copy every open page) as the file grows.
	Bulk bool
	// LockTimeout is how long to wait for another process; 0 means 1 s.
	LockTimeout time.Duration
	// ReadOnly opens without writing anything (a shared lock).
	ReadOnly bool
	// Rules set the write invariants' clock and tolerances.
	Rules booking.WriteRules
	// ReportGate judges the gate kept in report rows (nil: none kept, the
	// quality report reads those files); see SetReportGate.
	ReportGate ReportGate
}

// Store is one desk's bbolt store.
type Store struct {
	db    *bolt.DB
	file  *os.File // the same file, for pread (pageread.go); nil where not used
	dir   string
	desk  string
	codec Codec
	clock *change.Clock
	mu    sync.Mutex // serialises Update so the clock persists in order
	subs  []chan struct{}
	subMu sync.Mutex
	rows  rowChanges
	rules booking.WriteRules
	gate  atomic.Pointer[ReportGate]
	// instance names this opening (see restore.go).
	instance string
}

// Open opens (or creates) the store in dir. An existing file is first
// checked read-only, so a foreign, corrupt or newer file is never modified.
func Open(dir string, opts Options) (*Store, error) {
	if opts.Codec == nil {
		opts.Codec = PlainCodec{}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LockTimeout == 0 {
		opts.LockTimeout = time.Second
	}
	path := filepath.Join(dir, FileName)
	fi, err := os.Stat(path)
	exists := err == nil && fi.Size() > 0
	if !exists && opts.ReadOnly {
		return nil, fmt.Errorf("no movedesk store in %s (create one with `movedesk demo` or `movedesk import`)", dir)
	}
	if exists {
		if err := check(path, dir, opts.LockTimeout, opts.Codec); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	bopts := &bolt.Options{Timeout: opts.LockTimeout, ReadOnly: opts.ReadOnly, NoSync: opts.NoSync, FreelistType: bolt.FreelistMapType}
	if opts.Bulk {
		bopts.InitialMmapSize = 4 << 30
	}
	db, err := bolt.Open(path, 0o600, bopts)
	if err != nil {
		return nil, openError(dir, err)
	}
	if opts.Bulk {
		db.AllocSize = 256 << 20
	}
	s := &Store{db: db, file: openPageFile(path), dir: dir, codec: opts.Codec, rules: opts.Rules, instance: newInstance()}
	if opts.ReportGate != nil {
		s.gate.Store(&opts.ReportGate)
	}
	if !opts.ReadOnly && needsMigration(db) {
		if err := db.Update(func(tx *bolt.Tx) error { return migrate(tx, opts.Desk, opts.Codec) }); err != nil {
			s.Close()
			return nil, fmt.Errorf("store %s: %w", dir, err)
		}
	}
	if !opts.ReadOnly && reportRowsStale(db) {
		if err := db.Update(func(tx *bolt.Tx) error { return rebuildReportRows(tx, s) }); err != nil {
			s.Close()
			return nil, fmt.Errorf("store %s: report rows: %w", dir, err)
		}
	}
	var last change.HLC
	if err := db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		s.desk = string(m.Get(kDesk))
		if v := m.Get(kHLC); len(v) == 8 {
			last = change.HLC(binary.BigEndian.Uint64(v))
		}
		return nil
	}); err != nil {
		s.Close()
		return nil, err
	}
	s.clock = change.NewClock(last, opts.Now)
	if err := s.View(func(tx *Tx) error { s.clock.SetOffset(tx.clockOffset()); return nil }); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// check opens an existing file read-only and confirms it is a movedesk store
// this version can read.
func check(path, dir string, timeout time.Duration, codec Codec) (err error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if err != nil {
		return openError(dir, err)
	}
	defer db.Close()
	defer func() {
		// bbolt panics on some corrupt pages; report, never crash or write.
		if r := recover(); r != nil {
			err = fmt.Errorf("store %s is corrupt: %v", dir, r)
		}
	}()
	return db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		if m == nil || !bytes.Equal(m.Get(kMagic), []byte(magic)) {
			return fmt.Errorf("%s is not a movedesk store (no movedesk meta bucket); refusing to touch it", path)
		}
		v := m.Get(kSchema)
		if len(v) != 8 {
			return fmt.Errorf("store %s is corrupt: bad schema version", dir)
		}
		if n := binary.BigEndian.Uint64(v); n > uint64(len(migrations)) {
			return fmt.Errorf("store %s has schema %d, written by a newer movedesk; this version knows schema %d at most: upgrade movedesk", dir, n, len(migrations))
		}
		return checkCodec(m, dir, codec)
	})
}

// checkCodec confirms the store was written with codec (and, for a cipher,
// with the same key).
func checkCodec(m *bolt.Bucket, dir string, codec Codec) error {
	have := string(m.Get(kCodec))
	if have == "" {
		have = PlainCodec{}.Name()
	}
	switch {
	case have != codec.Name() && have == "plain":
		return fmt.Errorf("store %s is not encrypted, but a key was given; remove key_file or export and import into a new encrypted store", dir)
	case have != codec.Name():
		return fmt.Errorf("store %s is encrypted (%s): set key_file in the config (or MOVEDESK_KEY_FILE) to its key", dir, have)
	case have != "plain":
		p, err := codec.Open(m.Get(kKeyCheck))
		if err != nil || string(p) != magic {
			return fmt.Errorf("store %s: the key in key_file is not this store's key", dir)
		}
	}
	return nil
}

// inUseError names the store another process holds; it is ErrInUse.
type inUseError struct{ dir string }

func (e *inUseError) Error() string {
	return "store " + e.dir + " is in use by another movedesk process (close it, or wait for it to finish)"
}

func (e *inUseError) Is(target error) bool { return target == ErrInUse }

func openError(dir string, err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return &inUseError{dir}
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
		return fmt.Errorf("%s is not a movedesk store or is corrupt: %v; refusing to touch it", filepath.Join(dir, FileName), err)
	}
	return fmt.Errorf("open store %s: %w", dir, err)
}

// Close closes the store.
func (s *Store) Close() error {
	if s.file != nil {
		s.file.Close()
	}
	return s.db.Close()
}

// Dir returns the data directory.
func (s *Store) Dir() string { return s.dir }

// Desk returns this store's desk id.
func (s *Store) Desk() string { return s.desk }

// Clock returns the store's hybrid logical clock.
func (s *Store) Clock() *change.Clock { return s.clock }

// Changes returns a channel that receives a value after every committed
// transaction that wrote records or change-log ops (coalesced: a slow reader
// sees one signal for many writes). Sync bookkeeping alone (cursor, acks,
// applied marks, refusals, the clock offset) sends nothing: a sync loop
// woken by its own writes would never go quiet.
func (s *Store) Changes() <-chan struct{} {
	ch := make(chan struct{}, 1)
	s.subMu.Lock()
	s.subs = append(s.subs, ch)
	s.subMu.Unlock()
	return ch
}

func (s *Store) notify() {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	for _, ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Update runs fn in one write transaction as actor. Every Put in fn appends to
// the change log; indexes and rows of changed cases are refreshed before the
// commit. If fn fails nothing is written.
func (s *Store) Update(actor string, fn func(tx *Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	wrote := false
	var rows []string
	many := false
	err := s.db.Update(func(btx *bolt.Tx) error {
		tx := newTx(s, btx, actor)
		defer func() { rows, many = tx.refreshed, tx.manyRows }()
		if err := fn(tx); err != nil {
			return err
		}
		if err := tx.checkLoaded(); err != nil {
			return err
		}
		if err := tx.refresh(); err != nil {
			return err
		}
		if tx.wrote {
			wrote = true
			var b [8]byte
			binary.BigEndian.PutUint64(b[:], uint64(s.clock.Last()))
			return btx.Bucket(bMeta).Put(kHLC, b[:])
		}
		return nil
	})
	if err == nil && (len(rows) > 0 || many) {
		s.rows.note(rows, many)
	}
	if err == nil && wrote {
		s.notify()
	}
	return err
}

// SetWriteRules sets the write invariants' clock and tolerances (from the
// configuration); call it before the first write.
func (s *Store) SetWriteRules(r booking.WriteRules) {
	s.mu.Lock()
	s.rules = r
	s.mu.Unlock()
}

// View runs fn in a read-only transaction.
func (s *Store) View(fn func(tx *Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error { return fn(newTx(s, btx, "")) })
}

func randomDesk() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "d" + hex.EncodeToString(b[:])
}
