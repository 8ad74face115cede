package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"movedesk/booking"
	"movedesk/change"
)

// Tx is one store transaction. Values it returns are copies, safe after the
// transaction ends.
type Tx struct {
	trees map[string]*fileTree // buckets read from the file (pageread.go)
	s     *Store
	btx   *bolt.Tx
	actor string
	dirty map[string]bool // cases whose row and indexes need refreshing
	// refreshed are the cases whose rows were refreshed (see rowChanges);
	// manyRows says more than are remembered.
	refreshed []string
	manyRows  bool
	offices   map[string]string // case -> office, cached for op routing
	wrote     bool
	// snapshot loads records as they were elsewhere (restore, demo): the
	// invariants check values but not status moves.
	snapshot bool
	// generated marks records drawn by the demo generator: ours, checked by
	// their own Validate only (a bulk load of 100k cases must stay fast).
	generated bool
	// objs are records written in this transaction, decoded: a record
	// written again (a case stepping through its statuses) is not read
	// and decoded from the file each time.
	objs map[string]change.Object
	// typed are the records a generated transaction wrote, with the bytes
	// stored: refresh takes a record from here when the stored bytes are
	// still these, instead of decoding them (a third of a demo's time).
	typed map[string]typedRecord
	// gate is the report rows' gate judge, asked on first need.
	gate *gateJudge
	// known are cases and travellers written in this transaction (the
	// belongs-to-case rule asks for them on every write of a case file).
	known map[string]bool
	// loaded are the records a snapshot wrote, checked for their case and
	// traveller when it ends (an export lists documents before travellers).
	loaded []booking.Record
	// remote marks a desk merging the hub's answer: the hub judged the
	// four-eyes rule against its own copy, and its order stands.
	remote bool
	// chainLast is the log chain's last hash, once read (chain.go).
	chainLast *change.Hash
}

// Generated marks the rest of this transaction as the demo generator's:
// records are checked by their own Validate only, as drawn.
func (tx *Tx) Generated() { tx.generated = true }

// Snapshot makes the rest of this transaction a snapshot load: records are
// validated, but their statuses are taken as they are (import --restore
// into an empty store, the demo generator).
func (tx *Tx) Snapshot() { tx.snapshot = true }

func newTx(s *Store, btx *bolt.Tx, actor string) *Tx {
	if btx.Writable() {
		// Keys mostly arrive in order (log, history) or in bulk; fuller pages
		// keep the file small. Buckets are cached per transaction, so this
		// setting holds for every write below.
		for _, name := range [][]byte{bRecords, bLog, bHist, bRows} {
			btx.Bucket(name).FillPercent = 0.9
		}
		if r := btx.Bucket(bReplica); r != nil {
			if own := r.Bucket(bOwn); own != nil {
				own.FillPercent = 1 // appended in log order only
			}
		}
	}
	return &Tx{s: s, btx: btx, actor: actor, dirty: map[string]bool{}, offices: map[string]string{}}
}

// Actor returns who is writing.
func (tx *Tx) Actor() string { return tx.actor }

// GetRaw returns a copy of the plain JSON of record key.
func (tx *Tx) GetRaw(key string) ([]byte, bool, error) {
	v := tx.btx.Bucket(bRecords).Get(tx.s.recKey(key))
	if v == nil {
		return nil, false, nil
	}
	p, err := tx.s.codec.Open(v)
	if err != nil {
		return nil, false, fmt.Errorf("record %s: %w", key, err)
	}
	return bytes.Clone(p), true, nil
}

// Get decodes record key into into; false if there is no such record.
func (tx *Tx) Get(key string, into any) (bool, error) {
	v := tx.btx.Bucket(bRecords).Get(tx.s.recKey(key))
	if v == nil {
		return false, nil
	}
	p, err := tx.s.codec.Open(v)
	if err != nil {
		return false, fmt.Errorf("record %s: %w", key, err)
	}
	if err := json.Unmarshal(p, into); err != nil {
		return false, fmt.Errorf("record %s: %w", key, err)
	}
	return true, nil
}

// Scan calls fn with every record whose key starts with prefix, in key order.
// data is valid only during the call.
func (tx *Tx) Scan(prefix string, fn func(key string, data []byte) error) error {
	c := tx.btx.Bucket(bRecords).Cursor()
	p := tx.s.recKey(prefix)
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		plain, err := tx.s.codec.Open(v)
		if err != nil {
			return fmt.Errorf("record %s: %w", k, err)
		}
		name, err := tx.s.recName(k, plain)
		if err != nil {
			return err
		}
		if err := fn(name, plain); err != nil {
			return err
		}
	}
	return nil
}

// CaseFile reads case no with all its records.
func (tx *Tx) CaseFile(no string) (*booking.CaseFile, error) { return tx.caseFile(no, nil) }

// caseFile reads case no with its records of the given kinds (nil: all).
func (tx *Tx) caseFile(no string, kinds map[string]bool) (*booking.CaseFile, error) {
	f := &booking.CaseFile{}
	v := tx.btx.Bucket(bRecords).Get([]byte(no))
	if v == nil {
		return nil, booking.Errorf(booking.ENOTFOUND, "case", "no case %s", no)
	}
	plain, err := tx.s.codec.Open(v)
	if err != nil {
		return nil, err
	}
	if err := tx.addRecord(f, no, plain); err != nil {
		return nil, err
	}
	if err := tx.Scan(no+"/", func(k string, d []byte) error {
		if kinds != nil {
			if _, kind := booking.SplitKey(k); !kinds[kind] {
				return nil
			}
		}
		return tx.addRecord(f, k, d)
	}); err != nil {
		return nil, err
	}
	return f, nil
}

// noTyped turns the typed records off, and typedHits counts their use
// (for the test that compares both ways).
var (
	noTyped   bool
	typedHits atomic.Int64
)

type typedRecord struct {
	data []byte
	rec  booking.Record
}

// addRecord adds the record stored under key as plain to f: the one this
// transaction wrote if plain is what it wrote, else decoded.
func (tx *Tx) addRecord(f *booking.CaseFile, key string, plain []byte) error {
	if t, ok := tx.typed[key]; ok && !noTyped && bytes.Equal(t.data, plain) && f.AddRecord(t.rec) {
		typedHits.Add(1)
		return nil
	}
	return f.Add(key, plain)
}

// Put validates rec, writes it, and appends one change-log op with the fields
// that changed. Writing an unchanged record appends nothing.
func (tx *Tx) Put(rec booking.Record) error {
	var data []byte
	if e, ok := rec.(*Encoded); ok {
		rec, data = e.Record, e.JSON
	}
	if err := tx.check(rec.Key(), rec); err != nil {
		return err
	}
	if data == nil {
		var err error
		if data, err = json.Marshal(rec); err != nil {
			return err
		}
	}
	if c, ok := rec.(*booking.Case); ok {
		tx.offices[c.Number] = c.Office
	}
	key := rec.Key()
	old, exists, err := tx.object(key)
	if err != nil {
		return err
	}
	if tx.generated {
		if tx.typed == nil {
			tx.typed = map[string]typedRecord{}
		}
		tx.typed[key] = typedRecord{data, rec}
	}
	op := change.Op{Actor: tx.actor, Kind: rec.Kind(), Key: key}
	if !exists {
		// A new record's op carries every field: the record itself.
		return tx.commitOp(&op, data, nil, true)
	}
	obj, err := change.ToObject(data)
	if err != nil {
		return err
	}
	if op.Fields = change.Diff(old, obj); len(op.Fields) == 0 {
		return nil
	}
	return tx.commitOp(&op, data, obj, true)
}

// Encoded is a record with its JSON already made, for a bulk writer whose
// records are encoded on another core (the demo generator). Put writes
// JSON as the record's value; it must be json.Marshal(Record).
type Encoded struct {
	booking.Record
	JSON []byte
}

// PutObject writes a record given as fields, without domain validation (for
// import of kinds this package does not know, and for tools). It logs the
// changed fields like Put.
func (tx *Tx) PutObject(key, kind string, obj change.Object) error {
	old, _, err := tx.object(key)
	if err != nil {
		return err
	}
	fields := change.Diff(old, obj)
	if len(fields) == 0 {
		return nil
	}
	op := change.Op{Actor: tx.actor, Kind: kind, Key: key, Fields: fields}
	return tx.commitOp(&op, obj.Encode(), obj, true)
}

// SetFields changes named fields of an existing record in a Generated
// transaction (the demo stepping a case through its statuses): no typed
// record is encoded or decoded again. Elsewhere it is refused: a user's
// write goes through Put and the invariants.
func (tx *Tx) SetFields(key string, fields map[string]json.RawMessage) error {
	if !tx.generated {
		return fmt.Errorf("store: SetFields outside a generated transaction")
	}
	obj, ok, err := tx.object(key)
	if err != nil {
		return err
	}
	if !ok {
		return booking.Errorf(booking.ENOTFOUND, "key", "no record %s", key)
	}
	changed := make(map[string]json.RawMessage, len(fields))
	for f, v := range fields {
		if !bytes.Equal(obj[f], v) && !(v == nil && obj[f] == nil) {
			changed[f] = v
		}
	}
	if len(changed) == 0 {
		return nil
	}
	for f, v := range changed {
		if v == nil {
			delete(obj, f)
			changed[f] = json.RawMessage("null")
		} else {
			obj[f] = v
		}
	}
	_, kind := booking.SplitKey(key)
	op := change.Op{Actor: tx.actor, Kind: kind, Key: key, Fields: changed}
	return tx.commitOp(&op, obj.Encode(), obj, true)
}

// Delete removes record key, logging a tombstone op (field "_deleted").
// Records of a case are never deleted (booking.CheckWrite refuses it).
func (tx *Tx) Delete(key string) error {
	_, ok, err := tx.object(key)
	if err != nil || !ok {
		return err
	}
	if err := tx.check(key, nil); err != nil {
		return err
	}
	_, kind := booking.SplitKey(key)
	op := change.Op{Actor: tx.actor, Kind: kind, Key: key, Fields: map[string]json.RawMessage{DeletedField: json.RawMessage("true")}}
	return tx.commitOp(&op, nil, nil, true)
}

// DeletedField marks a tombstone op.
const DeletedField = "_deleted"

// ApplyRemote applies an op made elsewhere (by sync): its fields are merged
// into the record as they are, and the op is logged with its own desk, seq,
// actor and clock. The local clock moves past the op's.
func (tx *Tx) ApplyRemote(op change.Op) error {
	tx.s.clock.Observe(op.HLC)
	if _, del := op.Fields[DeletedField]; del {
		return tx.commitOp(&op, nil, nil, false)
	}
	obj, _, err := tx.object(op.Key)
	if err != nil {
		return err
	}
	obj.Apply(op.Fields)
	return tx.commitOp(&op, obj.Encode(), obj, false)
}

// check judges writing rec (nil: deleting) at key against the invariants
// of booking.CheckWrite; records outside cases only validate themselves.
func (tx *Tx) check(key string, rec booking.Record) error {
	no, kind := booking.SplitKey(key)
	if no == "" {
		if rec == nil {
			return nil
		}
		return rec.Validate()
	}
	if kind == KindConflict {
		return nil
	}
	if tx.generated && rec != nil {
		return rec.Validate()
	}
	var old booking.Record
	if kind == booking.KindCase || kind == booking.KindComm {
		// Only a case's own invariants, and the append-only log's, look at
		// what it was.
		if raw, ok, err := tx.GetRaw(key); err != nil {
			return err
		} else if ok {
			old = booking.NewRecord(kind)
			if err := json.Unmarshal(raw, old); err != nil {
				old = nil // a record this build cannot read is replaced
			}
		}
	}
	w := booking.Write{Key: key, Old: old, New: rec, Snapshot: tx.snapshot,
		File: func() (*booking.CaseFile, error) { return tx.statusFile(no) },
		Has:  tx.has,
	}
	if !tx.remote {
		w.FourEyes = tx.FourEyes
	}
	if tx.snapshot {
		w.Has = nil
		tx.loaded = append(tx.loaded, rec)
	}
	if err := booking.CheckWrite(w, tx.s.rules); err != nil {
		return err
	}
	if rec != nil && (kind == booking.KindCase || kind == booking.KindTraveller) {
		if tx.known == nil {
			tx.known = map[string]bool{}
		}
		tx.known[key] = true
	}
	return nil
}

// statusFile reads what the status and four-eyes rules look at: the case,
// its bookings, its ABN versions and its review decision (not the duty
// records).
func (tx *Tx) statusFile(no string) (*booking.CaseFile, error) { return tx.StatusFile(no) }

// StatusFile reads case no with what its status and review need: the
// case, its bookings, its ABN versions (what they are, not what they say)
// and its review decision. Lighter than CaseFile for lists.
func (tx *Tx) StatusFile(no string) (*booking.CaseFile, error) {
	f := &booking.CaseFile{}
	raw, ok, err := tx.GetRaw(no)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, booking.Errorf(booking.ENOTFOUND, "case", "no case %s", no)
	}
	if err := f.Add(no, raw); err != nil {
		return nil, err
	}
	if err := tx.Scan(no+"/"+booking.KindBooking+"/", f.Add); err != nil {
		return nil, err
	}
	if raw, ok, err := tx.GetRaw(booking.ReviewKey(no)); err != nil {
		return nil, err
	} else if ok {
		if err := f.Add(booking.ReviewKey(no), raw); err != nil {
			return nil, err
		}
	}
	// Of an ABN version the rules read what it is, not what it says.
	err = tx.Scan(no+"/"+booking.KindABN+"/", func(k string, d []byte) error {
		var a struct {
			Case, Number, Desk string
			Version            int
			Type               booking.ABNType
			Sent               bool
			IssuedAt           time.Time `json:"issued_at"`
		}
		if err := json.Unmarshal(d, &a); err != nil {
			return fmt.Errorf("record %s: %w", k, err)
		}
		f.ABNs = append(f.ABNs, booking.ABN{Case: a.Case, Number: a.Number, Desk: a.Desk, Version: a.Version,
			Type: a.Type, Sent: a.Sent, IssuedAt: a.IssuedAt})
		return nil
	})
	return f, err
}

func (tx *Tx) has(key string) bool {
	if tx.known[key] {
		return true
	}
	return tx.btx.Bucket(bRecords).Get(tx.s.recKey(key)) != nil
}

// checkLoaded checks that every record a snapshot wrote has its case and
// traveller, now that the snapshot is complete.
func (tx *Tx) checkLoaded() error {
	for _, rec := range tx.loaded {
		if rec == nil {
			continue
		}
		if err := booking.CheckBelongs(booking.Write{Key: rec.Key(), New: rec, Has: tx.has}); err != nil {
			return fmt.Errorf("%s: %w", rec.Key(), err)
		}
	}
	tx.loaded = nil
	return nil
}

// object reads a record as fields; a missing record is an empty object.
func (tx *Tx) object(key string) (change.Object, bool, error) {
	if o, ok := tx.objs[key]; ok {
		return maps.Clone(o), true, nil
	}
	v := tx.btx.Bucket(bRecords).Get(tx.s.recKey(key))
	if v == nil {
		return change.Object{}, false, nil
	}
	p, err := tx.s.codec.Open(v)
	if err != nil {
		return nil, false, fmt.Errorf("record %s: %w", key, err)
	}
	o, err := change.ToObject(p)
	return o, true, err
}

// commitOp writes the record value data (nil deletes) and appends op to the
// log; an op without Fields carries data as its fields (a new record). Local
// ops get this desk's id, the next sequence number and a fresh clock value.
func (tx *Tx) commitOp(op *change.Op, data []byte, obj change.Object, local bool) error {
	recs := tx.btx.Bucket(bRecords)
	if obj != nil && data != nil {
		if tx.objs == nil {
			tx.objs = map[string]change.Object{}
		}
		tx.objs[op.Key] = obj
	} else {
		delete(tx.objs, op.Key)
	}
	if data == nil {
		if err := recs.Delete(tx.s.recKey(op.Key)); err != nil {
			return err
		}
	} else {
		sealed, err := tx.s.codec.Seal(data)
		if err != nil {
			return err
		}
		if err := recs.Put(tx.s.recKey(op.Key), sealed); err != nil {
			return err
		}
	}
	logb := tx.btx.Bucket(bLog)
	seq, err := logb.NextSequence()
	if err != nil {
		return err
	}
	caseNo, _ := booking.SplitKey(op.Key)
	if local {
		op.Desk, op.Seq, op.HLC = tx.s.desk, seq, tx.s.clock.Now()
	}
	if op.Case == "" {
		op.Case = caseNo
	}
	if op.Office == "" && caseNo != "" {
		op.Office = tx.officeOf(caseNo, data, op)
	}
	var enc []byte
	if op.Fields == nil {
		enc = op.AppendJSONWithFields(nil, data)
	} else {
		enc = op.AppendJSON(nil)
	}
	sealed, err := tx.s.codec.Seal(enc)
	if err != nil {
		return err
	}
	if err := logb.Put(u64(seq), sealed); err != nil {
		return err
	}
	if err := tx.chainLog(seq, enc); err != nil {
		return err
	}
	if local && caseNo == "" {
		if err := tx.noteLocalShared(op, data); err != nil {
			return err
		}
	}
	if local {
		if err := tx.indexOwn(op.Key, seq); err != nil {
			return err
		}
	}
	if caseNo != "" {
		if err := tx.btx.Bucket(bHist).Put(histKey(caseNo, seq), nil); err != nil {
			return err
		}
		tx.dirty[caseNo] = true
	}
	tx.wrote = true
	return nil
}

func (tx *Tx) officeOf(caseNo string, data []byte, op *change.Op) string {
	if o, ok := tx.offices[caseNo]; ok {
		return o
	}
	var c struct {
		Office string `json:"office"`
	}
	if op.Key == caseNo && data != nil {
		_ = json.Unmarshal(data, &c)
	} else if _, err := tx.Get(caseNo, &c); err != nil {
		return ""
	}
	tx.offices[caseNo] = c.Office
	return c.Office
}

// refresh recomputes the row and index entries of every case changed in this
// transaction, removing the old entries first.
func (tx *Tx) refresh() error {
	for no := range tx.dirty {
		var old *booking.Summary
		if v := tx.btx.Bucket(bRows).Get([]byte(no)); v != nil {
			p, err := tx.s.codec.Open(v)
			if err != nil {
				return err
			}
			o, err := decodeRow(p)
			if err != nil {
				return fmt.Errorf("row %s: %w", no, err)
			}
			old = &o
		}
		var cur *booking.Summary
		// The whole file: the report row needs every kind of record.
		f, err := tx.caseFile(no, nil)
		if err == nil {
			s := booking.Summarize(f)
			cur = &s
		} else if booking.ErrorCode(err) != booking.ENOTFOUND {
			return err
		}
		if err := tx.reindex(no, old, cur); err != nil {
			return err
		}
		if err := tx.reindexFlights(no, f); err != nil {
			return err
		}
		if err := tx.putReportRow(no, f); err != nil {
			return err
		}
		if err := tx.putIdentityRow(no, f); err != nil {
			return err
		}
		if tx.manyRows = tx.manyRows || len(tx.refreshed) >= rowRing; !tx.manyRows {
			tx.refreshed = append(tx.refreshed, no)
		}
	}
	clear(tx.dirty)
	return nil
}

func (tx *Tx) reindex(no string, old, cur *booking.Summary) error {
	idx := tx.btx.Bucket(bIdx)
	oldKeys, curKeys := indexEntries(old), indexEntries(cur)
	if oldKeys != nil {
		oldKeys["abn"] = tx.s.abnIndexKey(oldKeys["abn"])
	}
	if curKeys != nil {
		curKeys["abn"] = tx.s.abnIndexKey(curKeys["abn"])
	}
	for name, v := range oldKeys {
		if v != "" && curKeys[name] != v {
			if err := idx.Bucket([]byte(name)).Delete(idxKey(v, no)); err != nil {
				return err
			}
		}
	}
	for name, v := range curKeys {
		if v != "" && oldKeys[name] != v {
			if err := idx.Bucket([]byte(name)).Put(idxKey(v, no), nil); err != nil {
				return err
			}
		}
	}
	rows := tx.btx.Bucket(bRows)
	if cur == nil {
		return rows.Delete([]byte(no))
	}
	sealed, err := tx.s.codec.Seal(encodeRow(cur))
	if err != nil {
		return err
	}
	return rows.Put([]byte(no), sealed)
}

func indexEntries(s *booking.Summary) map[string]string {
	if s == nil {
		return nil
	}
	return map[string]string{
		"status": string(s.Status), "office": s.Office, "assignee": s.Assignee,
		"ready": s.TravelReady.String(), "departure": s.Departure.String(), "abn": s.ABNNumber,
	}
}

func idxKey(v, no string) []byte { return []byte(v + "\x00" + no) }

func histKey(no string, seq uint64) []byte {
	k := make([]byte, 0, len(no)+9)
	k = append(k, no...)
	k = append(k, 0)
	return append(k, u64(seq)...)
}

func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

// caseOfIdxKey returns the case part of an index key.
func caseOfIdxKey(k []byte) string {
	i := bytes.IndexByte(k, 0)
	return string(k[i+1:])
}
