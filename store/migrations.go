package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A migration moves the store from schema version-1 to version. They run in
// order, all pending ones in the transaction that opens the store.
type migration struct {
	name string
	fn   func(tx *bolt.Tx, desk string, codec Codec) error
}

// migrations[i] produces schema i+1. Append only; never edit a shipped one.
var migrations = []migration{
	{"create the meta, records, log, history, rows and index buckets", migrateCreate},
	{"create the replica bucket (sync cursor, applied op ids, conflicts)", migrateReplica},
	{"one applied high-water mark per origin desk instead of every op id", migrateAppliedMarks},
	{"index own ops to push by log position (replica/own)", migrateOwnIndex},
	{migrationFlightIndex, migrateFlightIndex},
	{"hash-chain the change log (chain/log), desk chains at the hub (chain/desks)", migrateChain},
	{"create the desk's local access log (access/)", migrateAccess},
	{"keep a report row per case (reportrows): what the reports read of it", migrateReportRows},
	{"hash ABN numbers in the abn index and ABN record keys of encrypted stores", migrateHashABNIndex},
	{migrationIdentities, migrateIdentities},
	{"pack the report rows' pages 90% full (reportrows, reportgates): a report faults in half as many", migratePackReportRows},
}

// needsMigration reports whether the store is new or behind this version;
// checked read-only so an up-to-date store opens without a write.
func needsMigration(db *bolt.DB) bool {
	need := true
	_ = db.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bMeta); m != nil {
			if v := m.Get(kSchema); len(v) == 8 {
				need = binary.BigEndian.Uint64(v) < uint64(len(migrations))
			}
		}
		return nil
	})
	return need
}

func migrate(tx *bolt.Tx, desk string, codec Codec) error {
	m := tx.Bucket(bMeta)
	var have uint64
	if m != nil {
		if !bytes.Equal(m.Get(kMagic), []byte(magic)) {
			return fmt.Errorf("not a movedesk store")
		}
		have = binary.BigEndian.Uint64(m.Get(kSchema))
	}
	if have > uint64(len(migrations)) {
		return fmt.Errorf("schema %d is newer than this movedesk (%d)", have, len(migrations))
	}
	for v := have; v < uint64(len(migrations)); v++ {
		if err := migrations[v].fn(tx, desk, codec); err != nil {
			return fmt.Errorf("migration %d (%s): %w", v+1, migrations[v].name, err)
		}
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], v+1)
		if err := tx.Bucket(bMeta).Put(kSchema, b[:]); err != nil {
			return err
		}
	}
	return nil
}

func migrateCreate(tx *bolt.Tx, desk string, codec Codec) error {
	m, err := tx.CreateBucketIfNotExists(bMeta)
	if err != nil {
		return err
	}
	if codec.Name() != (PlainCodec{}).Name() {
		check, err := codec.Seal([]byte(magic))
		if err != nil {
			return err
		}
		if err := m.Put(kKeyCheck, check); err != nil {
			return err
		}
	}
	if err := m.Put(kCodec, []byte(codec.Name())); err != nil {
		return err
	}
	if desk == "" {
		desk = randomDesk()
	}
	for k, v := range map[string]string{string(kMagic): magic, string(kDesk): desk} {
		if err := m.Put([]byte(k), []byte(v)); err != nil {
			return err
		}
	}
	for _, b := range [][]byte{bRecords, bLog, bHist, bRows} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	idx, err := tx.CreateBucketIfNotExists(bIdx)
	if err != nil {
		return err
	}
	for _, k := range indexKeys {
		if _, err := idx.CreateBucketIfNotExists([]byte(k)); err != nil {
			return err
		}
	}
	return nil
}

// Behind reports whether the store in dir exists and has a schema older
// than this build's, or report rows of another facts version: a read-only
// opening cannot migrate it, so a reader opens it for writing once first.
func Behind(dir string) bool {
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return false
	}
	defer db.Close()
	return needsMigration(db) || reportRowsStale(db)
}
