package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"movedesk/booking"
	"movedesk/change"
)

// Sync-side state (schema 2): the replica bucket.
//
//	replica/
//	  meta/       pushed, cursor (uint64 BE) and other small sync values
//	  applied/    @<desk>     uint64 BE: highest seq of that desk merged here
//	  conflicts/  <id>        JSON Conflict: both values of a same-field clash
//	  own/        <pos>       empty: an own op to push at log position pos (schema 4)
var (
	bReplica   = []byte("replica")
	bRMeta     = []byte("meta")
	bApplied   = []byte("applied")
	bConflicts = []byte("conflicts")
	bOwn       = []byte("own")
)

// Replica meta keys.
const (
	MetaPushed = "pushed"
	MetaCursor = "cursor"
	// MetaClockOffset is the desk clock's correction to the hub's, in
	// milliseconds (two's complement).
	MetaClockOffset = "clockoffset"
)

// Refusal is an own op the hub acknowledged without applying it (another
// office's case, a case it does not know). The op stays in this desk's log
// and store; the refusal says what did not reach the hub and why.
type Refusal struct {
	// Incoming marks a change that came from the hub and that this desk
	// refused because it breaks an invariant (booking.CheckWrite).
	Incoming bool      `json:"incoming,omitempty"`
	Op       string    `json:"op"`
	Key      string    `json:"key"`
	Fields   []string  `json:"fields"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}

const refusalPrefix = "refused/"

// RecordRefusal keeps a refusal of own op seq.
func (tx *Tx) RecordRefusal(seq uint64, r Refusal) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if b, err = tx.s.codec.Seal(b); err != nil {
		return err
	}
	return tx.replica(bRMeta).Put([]byte(fmt.Sprintf("%s%020d", refusalPrefix, seq)), b)
}

// RecordIncomingRefusal keeps a refusal of a remote op this desk did not
// apply (see MergeResult.Refused).
func (tx *Tx) RecordIncomingRefusal(rf MergeRefusal, at time.Time) error {
	fields := make([]string, 0, len(rf.Op.Fields))
	for f := range rf.Op.Fields {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	reason := rf.Err.Error()
	if code := booking.ErrorCode(rf.Err); code != "" {
		reason = code + ": " + reason
	}
	if len(reason) > 300 {
		reason = strings.ToValidUTF8(reason[:300], "") + "…"
	}
	b, err := json.Marshal(Refusal{Incoming: true, Op: rf.Op.ID(), Key: rf.Op.Key, Fields: fields, Reason: reason, At: at.UTC()})
	if err != nil {
		return err
	}
	if b, err = tx.s.codec.Seal(b); err != nil {
		return err
	}
	return tx.replica(bRMeta).Put([]byte(refusalPrefix+"~in/"+rf.Op.ID()), b)
}

// Refusals returns this desk's refused ops, oldest first, then the hub's
// changes this desk refused.
func (s *Store) Refusals() ([]Refusal, error) {
	var out []Refusal
	err := s.View(func(tx *Tx) error {
		if tx.btx.Bucket(bReplica) == nil {
			return nil
		}
		c := tx.replica(bRMeta).Cursor()
		p := []byte(refusalPrefix)
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			var r Refusal
			if err := json.Unmarshal(openRefusal(tx.s.codec, v), &r); err != nil {
				return fmt.Errorf("refusal %s: %w", k, err)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// ClearRefusals forgets the refusals listed so far (the user has dealt with
// them); the refused changes themselves stay in the store and its log. It
// returns how many it cleared.
func (s *Store) ClearRefusals() (int, error) {
	n := 0
	err := s.Update("", func(tx *Tx) error {
		b := tx.replica(bRMeta)
		c := b.Cursor()
		p := []byte(refusalPrefix)
		var keys [][]byte
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	return n, err
}

// Shared records (~ keys) are published at the hub and never pushed; a
// desk may still write them locally (an escort added to its own pool, a
// tariff version imported for itself). replica/meta "localshared/<key>"
// remembers which fields this desk wrote, so a publication that replaces
// them leaves a conflict record (this desk's value as the loser) instead of
// overwriting the edit without a trace.
const localSharedPrefix = "localshared/"

type localWrite struct {
	Op    string     `json:"op"`
	Actor string     `json:"actor"`
	HLC   change.HLC `json:"hlc"`
}

func (tx *Tx) noteLocalShared(op *change.Op, data []byte) error {
	if tx.btx.Bucket(bReplica) == nil {
		return nil
	}
	fields := op.Fields
	if fields == nil {
		obj, err := change.ToObject(data)
		if err != nil {
			return err
		}
		fields = obj
	}
	m := tx.localShared(op.Key)
	if m == nil {
		m = map[string]localWrite{}
	}
	for f := range fields {
		m[f] = localWrite{Op: op.ID(), Actor: op.Actor, HLC: op.HLC}
	}
	return tx.setLocalShared(op.Key, m)
}

func (tx *Tx) localShared(key string) map[string]localWrite {
	if tx.btx.Bucket(bReplica) == nil {
		return nil
	}
	v := tx.replica(bRMeta).Get([]byte(localSharedPrefix + key))
	if v == nil {
		return nil
	}
	var m map[string]localWrite
	if json.Unmarshal(v, &m) != nil {
		return nil
	}
	return m
}

func (tx *Tx) setLocalShared(key string, m map[string]localWrite) error {
	k := []byte(localSharedPrefix + key)
	if len(m) == 0 {
		return tx.replica(bRMeta).Delete(k)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return tx.replica(bRMeta).Put(k, b)
}

// sharedClash records, before a published op replaces them, this desk's own
// values of the fields it wrote to shared record op.Key, as conflicts the
// publication won. It returns how many it recorded.
func (tx *Tx) sharedClash(op *change.Op) (int, error) {
	m := tx.localShared(op.Key)
	if m == nil {
		return 0, nil
	}
	cur, _, err := tx.object(op.Key)
	if err != nil {
		return 0, err
	}
	_, del := op.Fields[DeletedField]
	n := 0
	for f, w := range m {
		v, touched := op.Fields[f]
		if !touched && !del {
			continue
		}
		delete(m, f)
		mine := cur[f]
		if mine == nil || bytes.Equal(mine, v) {
			continue
		}
		win := Side{Value: v, Op: op.ID(), Desk: op.Desk, Actor: op.Actor, HLC: op.HLC}
		lose := Side{Value: mine, Op: w.Op, Desk: tx.s.desk, Actor: w.Actor, HLC: w.HLC}
		if _, err := tx.putConflict(Conflict{ID: conflictID(op.Key, f, win.Op, lose.Op), Key: op.Key, Field: f,
			Winner: win, Loser: lose, At: max(win.HLC, lose.HLC).Time().UTC()}, false, ""); err != nil {
			return n, err
		}
		n++
	}
	return n, tx.setLocalShared(op.Key, m)
}

// SetClockOffset records the correction of this desk's wall clock to the
// hub's and applies it to the store's clock at once.
func (tx *Tx) SetClockOffset(d time.Duration) error {
	if err := tx.SetReplicaUint(MetaClockOffset, uint64(d.Milliseconds())); err != nil {
		return err
	}
	tx.s.clock.SetOffset(d)
	return nil
}

func (tx *Tx) clockOffset() time.Duration {
	if tx.btx.Bucket(bReplica) == nil {
		return 0 // a read-only store not yet migrated
	}
	return time.Duration(int64(tx.ReplicaUint(MetaClockOffset))) * time.Millisecond
}

func migrateReplica(tx *bolt.Tx, _ string, _ Codec) error {
	r, err := tx.CreateBucketIfNotExists(bReplica)
	if err != nil {
		return err
	}
	for _, b := range [][]byte{bRMeta, bApplied, bConflicts} {
		if _, err := r.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) replica(name []byte) *bolt.Bucket { return tx.btx.Bucket(bReplica).Bucket(name) }

// ReplicaUint reads a uint64 from replica/meta (0 if unset).
func (tx *Tx) ReplicaUint(key string) uint64 {
	v := tx.replica(bRMeta).Get([]byte(key))
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// SetReplicaUint writes a uint64 to replica/meta.
func (tx *Tx) SetReplicaUint(key string, v uint64) error {
	return tx.replica(bRMeta).Put([]byte(key), u64(v))
}

// ReplicaString reads a string from replica/meta ("" if unset).
func (tx *Tx) ReplicaString(key string) string {
	return string(tx.replica(bRMeta).Get([]byte(key)))
}

// SetReplicaString writes a string to replica/meta.
func (tx *Tx) SetReplicaString(key, v string) error {
	return tx.replica(bRMeta).Put([]byte(key), []byte(v))
}

// Applied reports whether the op was already merged here (or is this
// desk's own). Every replica receives one desk's ops in that desk's order
// (the hub takes a desk's pushes in sequence and desks pull the hub's log in
// order), so one high-water mark per origin desk, replica/applied/@<desk>,
// stands for every op id merged: it does not grow with the log.
func (tx *Tx) Applied(op *change.Op) bool {
	if op.Desk == tx.s.desk {
		return true
	}
	v := tx.replica(bApplied).Get(appliedKey(op.Desk))
	return len(v) == 8 && op.Seq <= binary.BigEndian.Uint64(v)
}

func appliedKey(desk string) []byte { return []byte("@" + desk) }

// markApplied moves origin desk's high-water mark up to seq.
func (tx *Tx) markApplied(op *change.Op) error {
	b := tx.replica(bApplied)
	k := appliedKey(op.Desk)
	if v := b.Get(k); len(v) == 8 && binary.BigEndian.Uint64(v) >= op.Seq {
		return nil
	}
	return b.Put(k, u64(op.Seq))
}

// migrateAppliedMarks turns the per-op ids of replica/applied (schema 2)
// into one high-water mark per origin desk.
func migrateAppliedMarks(tx *bolt.Tx, _ string, _ Codec) error {
	b := tx.Bucket(bReplica).Bucket(bApplied)
	marks := map[string]uint64{}
	var old [][]byte
	err := b.ForEach(func(k, _ []byte) error {
		i := bytes.LastIndexByte(k, ':')
		if k[0] == '@' || i < 0 {
			return nil
		}
		seq, err := strconv.ParseUint(string(k[i+1:]), 10, 64)
		if err != nil {
			return fmt.Errorf("applied op id %q: %w", k, err)
		}
		d := string(k[:i])
		marks[d] = max(marks[d], seq)
		old = append(old, bytes.Clone(k))
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	for d, seq := range marks {
		if err := b.Put(appliedKey(d), u64(seq)); err != nil {
			return err
		}
	}
	return nil
}

// ReplicaState is where this desk stands with the hub.
type ReplicaState struct {
	// Pushed is the highest local log position whose own ops the hub has
	// acknowledged durably.
	Pushed uint64
	// Cursor is the hub log position pulled up to.
	Cursor uint64
}

// ReplicaState reads the desk's sync position.
func (tx *Tx) ReplicaState() ReplicaState {
	return ReplicaState{Pushed: tx.ReplicaUint(MetaPushed), Cursor: tx.ReplicaUint(MetaCursor)}
}

// ReplicaState reads the desk's sync position.
func (s *Store) ReplicaState() (st ReplicaState, err error) {
	err = s.View(func(tx *Tx) error { st = tx.ReplicaState(); return nil })
	return st, err
}

// OwnOps returns up to limit of this desk's own ops after log position
// after (the ops still to push), in log order. Writes to shared records
// ("~" keys) are left out: shared records are published at the hub, and a
// desk's own edits of them stay on the desk. It reads replica/own, the
// index of own op positions, so its cost follows the ops it returns, not
// the other desks' ops pulled since.
func (tx *Tx) OwnOps(after uint64, limit int) ([]LogEntry, error) {
	var out []LogEntry
	logb := tx.btx.Bucket(bLog)
	own := tx.ownIndex()
	if own == nil {
		return nil, errNoOwnIndex
	}
	c := own.Cursor()
	for k, _ := c.Seek(u64(after + 1)); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Next() {
		op, err := tx.decodeOp(logb.Get(k))
		if err != nil {
			return nil, fmt.Errorf("own op at %d: %w", be64(k), err)
		}
		out = append(out, LogEntry{Pos: be64(k), Op: op})
	}
	return out, nil
}

// Waiting counts this desk's own ops after the pushed position (from the
// replica/own index: it costs what waits).
func (s *Store) Waiting() (int, error) {
	n := 0
	err := s.View(func(tx *Tx) error {
		own := tx.ownIndex()
		if own == nil {
			return errNoOwnIndex
		}
		c := own.Cursor()
		for k, _ := c.Seek(u64(tx.ReplicaUint(MetaPushed) + 1)); k != nil; k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, err
}

var errNoOwnIndex = errors.New("store not yet migrated to schema 4 (open it for writing once)")

// ownIndex is replica/own, nil in a store opened read-only before its
// migration.
func (tx *Tx) ownIndex() *bolt.Bucket {
	if r := tx.btx.Bucket(bReplica); r != nil {
		return r.Bucket(bOwn)
	}
	return nil
}

// indexOwn notes an own op to push at log position pos (see OwnOps), in
// the transaction that logs it.
func (tx *Tx) indexOwn(key string, pos uint64) error {
	if strings.HasPrefix(key, "~") || tx.btx.Bucket(bReplica) == nil {
		return nil
	}
	return tx.replica(bOwn).Put(u64(pos), nil)
}

// migrateOwnIndex creates replica/own and fills it with the own ops not yet
// pushed (those before the pushed position are never read again).
func migrateOwnIndex(tx *bolt.Tx, _ string, codec Codec) error {
	r := tx.Bucket(bReplica)
	own, err := r.CreateBucketIfNotExists(bOwn)
	if err != nil {
		return err
	}
	desk := string(tx.Bucket(bMeta).Get(kDesk))
	var pushed uint64
	if v := r.Bucket(bRMeta).Get([]byte(MetaPushed)); len(v) == 8 {
		pushed = binary.BigEndian.Uint64(v)
	}
	c := tx.Bucket(bLog).Cursor()
	for k, v := c.Seek(u64(pushed + 1)); k != nil; k, v = c.Next() {
		p, err := codec.Open(v)
		if err != nil {
			return fmt.Errorf("log %d: %w", be64(k), err)
		}
		var op struct {
			Desk string `json:"desk"`
			Key  string `json:"key"`
		}
		if err := json.Unmarshal(p, &op); err != nil {
			return fmt.Errorf("log %d: %w", be64(k), err)
		}
		if op.Desk == desk && !strings.HasPrefix(op.Key, "~") {
			if err := own.Put(bytes.Clone(k), nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// Conflict is a same-field clash between two writes that had not seen each
// other: the winner is in the record, the loser is kept here.
type Conflict struct {
	ID         string     `json:"id"`
	Key        string     `json:"key"`
	Field      string     `json:"field"`
	Winner     Side       `json:"winner"`
	Loser      Side       `json:"loser"`
	At         time.Time  `json:"at"`
	ResolvedBy string     `json:"resolved_by,omitempty"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	Resolution string     `json:"resolution,omitempty"`
}

// Side is one of the two writes of a conflict.
type Side struct {
	Value json.RawMessage `json:"value"`
	Op    string          `json:"op"`
	Desk  string          `json:"desk"`
	Actor string          `json:"actor"`
	HLC   change.HLC      `json:"hlc"`
}

func conflictID(key, field, a, b string) string {
	if a > b {
		a, b = b, a
	}
	h := sha256.Sum256([]byte(key + "\x00" + field + "\x00" + a + "\x00" + b))
	return "c" + hex.EncodeToString(h[:5])
}

// Conflicts returns the recorded conflicts (open only unless all).
func (s *Store) Conflicts(all bool) ([]Conflict, error) {
	var out []Conflict
	err := s.View(func(tx *Tx) error {
		return tx.replica(bConflicts).ForEach(func(k, v []byte) error {
			var c Conflict
			p, err := tx.s.codec.Open(v)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(p, &c); err != nil {
				return fmt.Errorf("conflict %s: %w", k, err)
			}
			if all || c.ResolvedAt == nil {
				out = append(out, c)
			}
			return nil
		})
	})
	return out, err
}

// OpenConflicts counts unresolved conflicts.
func (s *Store) OpenConflicts() int {
	cs, _ := s.Conflicts(false)
	return len(cs)
}

// putConflict records c here unless it already is; with publish it also
// writes c as a synced conflict record (see conflict_sync.go), so the other
// desks of the case's office learn of it.
func (tx *Tx) putConflict(c Conflict, publish bool, actor string) (published bool, err error) {
	b := tx.replica(bConflicts)
	if b.Get([]byte(c.ID)) == nil {
		if err := tx.indexConflict(c); err != nil {
			return false, err
		}
	}
	if !publish {
		return false, nil
	}
	return tx.publishConflict(c, actor)
}

// ResolveConflict writes the chosen value ("winner", "loser" or a JSON
// value) as a new local op on the record and marks the conflict resolved.
func (tx *Tx) ResolveConflict(id, take string) (Conflict, error) {
	var c Conflict
	b := tx.replica(bConflicts)
	v := b.Get([]byte(id))
	if v == nil {
		return c, booking.Errorf(booking.ENOTFOUND, "conflict", "no conflict %s", id)
	}
	p, err := tx.s.codec.Open(v)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(p, &c); err != nil {
		return c, err
	}
	var val json.RawMessage
	switch take {
	case "winner":
		val = c.Winner.Value
	case "loser":
		val = c.Loser.Value
	default:
		if !json.Valid([]byte(take)) {
			// A bare word is taken as a string.
			q, _ := json.Marshal(take)
			take = string(q)
		}
		val = json.RawMessage(take)
	}
	obj, exists, err := tx.object(c.Key)
	if err != nil {
		return c, err
	}
	if !exists {
		return c, fmt.Errorf("conflict %s: record %s no longer exists", id, c.Key)
	}
	nobj := make(change.Object, len(obj))
	for k, v := range obj {
		nobj[k] = v
	}
	nobj.Apply(map[string]json.RawMessage{c.Field: val})
	_, kind := booking.SplitKey(c.Key)
	if err := tx.PutObject(c.Key, kind, nobj); err != nil {
		return c, err
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	c.ResolvedAt, c.ResolvedBy, c.Resolution = &now, tx.actor, take
	if err := tx.indexConflict(c); err != nil {
		return c, err
	}
	// The resolution syncs like any change, closing the conflict at every
	// desk of the office.
	if _, err := tx.writeConflictRecord(c, tx.actor); err != nil {
		return c, err
	}
	return c, nil
}

// MergeOptions say how a replica judges concurrency.
type MergeOptions struct {
	// Seen reports whether the writer of an incoming op had already seen
	// the local winning op at log position pos. A same-field clash with an
	// op the writer had not seen is recorded as a conflict.
	Seen func(pos uint64, local *change.Op) bool
	// Union makes this replica (the hub) write the union of two concurrent
	// values of a set field as a new op of its own, which then wins
	// everywhere. Desks leave it off and take the hub's union when it comes.
	Union bool
	// Actor authors union ops and published conflict records.
	Actor string
	// Publish also writes each conflict found as a synced conflict record
	// (see conflict_sync.go), so every desk of the case's office lists it.
	Publish bool
	// Recover takes this desk's own ops with a seq up to Recover that the
	// hub sends back after the store was found behind it (see restore.go),
	// past the applied mark Renumber set.
	Recover uint64
	// Authoritative judges every status move against the record as held
	// here (the hub, whose order is the one that counts). A desk leaves it
	// off: where its current status is its own write, the hub judged (or
	// will judge) that write against its own record, and its order stands.
	Authoritative bool
}

// MergeResult counts what a merge did.
type MergeResult struct {
	Applied   int // ops applied with at least one field
	Skipped   int // ops already applied here
	Dropped   int // fields that lost to a newer local write
	Conflicts int // conflicts new here: found by this merge or received
	Published int // conflict records written here as own ops (to push)
	Recovered int // own ops taken back from the hub (MergeOptions.Recover)
	// Refused are ops that break an invariant (booking.CheckWrite): not
	// applied, remembered as applied so they are not taken later.
	Refused []MergeRefusal
}

// MergeRefusal is a remote op refused by the invariants, and why.
type MergeRefusal struct {
	Op  change.Op
	Err error
}

// fieldClock is the current winning write of one field of one record.
type fieldClock struct {
	pos   uint64
	op    *change.Op
	value json.RawMessage
}

// caseClocks maps record key -> field -> winning write, for one case.
type caseClocks map[string]map[string]fieldClock

// Merge applies remote ops field by field: a field is taken only if the op's
// write beats the current local winner of that field (see beats), so every
// replica that has seen the same ops holds the same values whatever the
// order. Losing values of concurrent same-field writes are kept as
// conflicts. Ops already applied are skipped; every op merged is logged
// (with only the fields it won) and its id remembered.
func (tx *Tx) Merge(ops []change.Op, mo MergeOptions) (MergeResult, error) {
	var res MergeResult
	cache := map[string]caseClocks{}
	was := tx.remote
	tx.remote = !mo.Authoritative
	defer func() { tx.remote = was }()
	for i := range ops {
		op := ops[i]
		if op.Desk == tx.s.desk && mo.Recover > 0 && op.Seq <= mo.Recover {
			if v := tx.replica(bApplied).Get(appliedKey(op.Desk)); len(v) == 8 && op.Seq <= be64(v) {
				res.Skipped++
				continue
			}
			res.Recovered++
		} else if tx.Applied(&op) {
			res.Skipped++
			continue
		}
		if err := tx.markApplied(&op); err != nil {
			return res, err
		}
		caseNo, _ := booking.SplitKey(op.Key)
		if caseNo == "" {
			// Shared records are published only at the hub: one writer, in
			// order; take them as they come, keeping this desk's own values
			// they replace as conflicts.
			n, err := tx.sharedClash(&op)
			if err != nil {
				return res, err
			}
			res.Conflicts += n
			if err := tx.ApplyRemote(op); err != nil {
				return res, err
			}
			res.Applied++
			continue
		}
		cc, ok := cache[caseNo]
		if !ok {
			var err error
			if cc, err = tx.clocksOf(caseNo); err != nil {
				return res, err
			}
			cache[caseNo] = cc
		}
		fc := cc[op.Key]
		if fc == nil {
			fc = map[string]fieldClock{}
			cc[op.Key] = fc
		}
		if _, del := fc[DeletedField]; del {
			// A deleted record stays deleted (tombstones are permanent).
			res.Dropped += len(op.Fields)
			continue
		}
		_, kind := booking.SplitKey(op.Key)
		published := false
		keep := make(map[string]json.RawMessage, len(op.Fields))
		var unions map[string]json.RawMessage
		for f, v := range op.Fields {
			if cur, has := fc[f]; !has || beats(&op, f, v, cur.op, cur.value) {
				keep[f] = v
			}
		}
		if kind != KindConflict {
			// The same invariants as a local write, on the record as it
			// would be stored: an op that breaks one is refused alone.
			concurrent := false
			if cur, has := fc["status"]; has && !mo.Authoritative && cur.op.Desk == tx.s.desk {
				concurrent = true
			}
			if err := tx.checkRemote(&op, keep, concurrent); err != nil {
				res.Refused = append(res.Refused, MergeRefusal{Op: op, Err: err})
				continue
			}
		}
		for f, v := range op.Fields {
			cur, has := fc[f]
			if _, took := keep[f]; !took {
				res.Dropped++
			}
			if !has || bytes.Equal(cur.value, v) || mo.Seen == nil || mo.Seen(cur.pos, cur.op) {
				continue
			}
			if kind == KindConflict {
				// Two resolutions of one conflict: the later wins, and the
				// values they wrote clash (and are recorded) on the record.
				continue
			}
			// Concurrent writes of different values.
			if isSetField(op.Key, f, v, cur.value) {
				if mo.Union {
					if u := union(cur.value, v); !bytes.Equal(u, keepOr(keep, f, cur.value)) {
						if unions == nil {
							unions = map[string]json.RawMessage{}
						}
						unions[f] = u
					}
				}
				continue
			}
			win, lose := Side{Value: v, Op: op.ID(), Desk: op.Desk, Actor: op.Actor, HLC: op.HLC},
				Side{Value: cur.value, Op: cur.op.ID(), Desk: cur.op.Desk, Actor: cur.op.Actor, HLC: cur.op.HLC}
			if _, took := keep[f]; !took {
				win, lose = lose, win
			}
			pub, err := tx.putConflict(Conflict{ID: conflictID(op.Key, f, win.Op, lose.Op), Key: op.Key, Field: f,
				Winner: win, Loser: lose, At: max(win.HLC, lose.HLC).Time().UTC()},
				mo.Publish, mo.Actor)
			if err != nil {
				return res, err
			}
			res.Conflicts++
			if pub {
				res.Published++
				published = true
			}
		}
		if published {
			// The conflict records joined this case's history: its field
			// clocks are read afresh for the next op of the case (this op
			// goes on with the ones it holds).
			delete(cache, caseNo)
		}
		if _, del := op.Fields[DeletedField]; del {
			keep = map[string]json.RawMessage{DeletedField: op.Fields[DeletedField]}
		}
		if len(keep) == 0 {
			continue
		}
		op.Fields = keep
		if err := tx.ApplyRemote(op); err != nil {
			return res, err
		}
		if kind == KindConflict {
			fresh, err := tx.indexConflictRecord(op.Key)
			if err != nil {
				return res, err
			}
			if fresh {
				res.Conflicts++
			}
		}
		res.Applied++
		pos := tx.btx.Bucket(bLog).Sequence()
		stored := op
		for f, v := range keep {
			fc[f] = fieldClock{pos: pos, op: &stored, value: v}
		}
		if len(unions) > 0 {
			if err := tx.writeUnion(op.Key, unions, mo.Actor, fc); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// checkRemote judges a remote op on a case's record as a local write of the
// record it would leave (the stored one with the fields the op wins): the
// kind must be known, values well-typed and valid UTF-8, and every
// invariant of booking.CheckWrite must hold.
func (tx *Tx) checkRemote(op *change.Op, keep map[string]json.RawMessage, concurrent bool) error {
	if _, del := op.Fields[DeletedField]; del {
		return tx.check(op.Key, nil)
	}
	_, kind := booking.SplitKey(op.Key)
	rec := booking.NewRecord(kind)
	if rec == nil {
		return booking.Errorf(booking.EINVALID, "kind", "unknown record kind %q", kind)
	}
	for f, v := range op.Fields {
		if !utf8.Valid(v) {
			return booking.Errorf(booking.EINVALID, f, "invalid UTF-8")
		}
	}
	if len(keep) == 0 {
		return nil // nothing of it would be stored
	}
	obj, _, err := tx.object(op.Key)
	if err != nil {
		return err
	}
	obj.Apply(keep)
	dec := json.NewDecoder(bytes.NewReader(obj.Encode()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(rec); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return booking.Errorf(booking.EINVALID, te.Field, "wrong type: %s where the record has %s", te.Value, te.Type)
		}
		field := ""
		if m := unknownFieldRE.FindStringSubmatch(err.Error()); m != nil {
			field = m[1]
		}
		return booking.Errorf(booking.EINVALID, field, "%v", err)
	}
	if concurrent {
		was := tx.snapshot
		tx.snapshot = true
		defer func() { tx.snapshot = was }()
		if err := tx.check(op.Key, rec); err != nil {
			return err
		}
		tx.loaded = tx.loaded[:len(tx.loaded)-1] // judged whole just now
		return nil
	}
	return tx.check(op.Key, rec)
}

// Current returns the values of fields of record key as held here (JSON
// null for a field it lacks), or nil when there is no such record.
func (tx *Tx) Current(key string, fields []string) (map[string]json.RawMessage, error) {
	obj, ok, err := tx.object(key)
	if err != nil || !ok {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(fields))
	for _, f := range fields {
		if v, ok := obj[f]; ok {
			out[f] = v
		} else {
			out[f] = json.RawMessage("null")
		}
	}
	return out, nil
}

// TakeBack puts back the hub's values of the fields a refused own op
// changed, so this desk holds the hub's record again. Nothing is logged or
// pushed: the refused op leaves the case's history (its fields no longer
// count as this desk's latest writes), so what the hub sends later merges
// as if the op had never been made; the refusal record keeps what it was.
// A field changed here again since the refused op keeps that newer value.
func (tx *Tx) TakeBack(refused *change.Op, values map[string]json.RawMessage) error {
	key := refused.Key
	obj, ok, err := tx.object(key)
	if err != nil || !ok {
		return err
	}
	take := make(map[string]json.RawMessage, len(values))
	for f, v := range values {
		if mine, ok := refused.Fields[f]; ok && bytes.Equal(obj[f], mine) {
			take[f] = v
		}
	}
	caseNo, _ := booking.SplitKey(key)
	if caseNo != "" {
		// An own op's seq is its local log position.
		if err := tx.btx.Bucket(bHist).Delete(histKey(caseNo, refused.Seq)); err != nil {
			return err
		}
	}
	if len(take) == 0 {
		return nil
	}
	obj.Apply(take)
	sealed, err := tx.s.codec.Seal(obj.Encode())
	if err != nil {
		return err
	}
	if err := tx.btx.Bucket(bRecords).Put(tx.s.recKey(key), sealed); err != nil {
		return err
	}
	delete(tx.objs, key)
	if caseNo != "" {
		tx.dirty[caseNo] = true
	}
	tx.wrote = true // the record changed: the app shows it
	return nil
}

var unknownFieldRE = regexp.MustCompile(`unknown field "([^"]*)"`)

func keepOr(keep map[string]json.RawMessage, f string, def json.RawMessage) json.RawMessage {
	if v, ok := keep[f]; ok {
		return v
	}
	return def
}

// writeUnion writes set-field unions as a new local op on key.
func (tx *Tx) writeUnion(key string, unions map[string]json.RawMessage, actor string, fc map[string]fieldClock) error {
	obj, exists, err := tx.object(key)
	if err != nil || !exists {
		return err
	}
	nobj := make(change.Object, len(obj))
	for k, v := range obj {
		nobj[k] = v
	}
	nobj.Apply(unions)
	_, kind := booking.SplitKey(key)
	saved := tx.actor
	if actor != "" {
		tx.actor = actor
	}
	err = tx.PutObject(key, kind, nobj)
	tx.actor = saved
	if err != nil {
		return err
	}
	pos := tx.btx.Bucket(bLog).Sequence()
	op := &change.Op{Desk: tx.s.desk, Seq: pos, Actor: actor, HLC: tx.s.clock.Last(), Key: key}
	for f, v := range unions {
		fc[f] = fieldClock{pos: pos, op: op, value: v}
	}
	return nil
}

// clocksOf finds, for every record of a case, the winning write of each
// field among the case's logged ops (the hist bucket lists them).
func (tx *Tx) clocksOf(caseNo string) (caseClocks, error) {
	cc := caseClocks{}
	logb := tx.btx.Bucket(bLog)
	p := append([]byte(caseNo), 0)
	c := tx.btx.Bucket(bHist).Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		op, err := tx.decodeOp(logb.Get(k[len(p):]))
		if err != nil {
			return nil, err
		}
		pos := be64(k[len(p):])
		fc := cc[op.Key]
		if fc == nil {
			fc = map[string]fieldClock{}
			cc[op.Key] = fc
		}
		o := op
		for f, v := range op.Fields {
			if cur, has := fc[f]; !has || beats(&o, f, v, cur.op, cur.value) {
				fc[f] = fieldClock{pos: pos, op: &o, value: v}
			}
		}
	}
	return cc, nil
}

// beats reports whether write a (op a setting field f to av) wins over
// write b. The order is total and the same on every replica: a case status
// of departed or cancelled beats any other status (a cancellation is not
// undone by a late edit); otherwise the higher (HLC, desk) wins.
func beats(a *change.Op, f string, av json.RawMessage, b *change.Op, bv json.RawMessage) bool {
	if f == "status" && !strings.Contains(a.Key, "/") {
		ta, tb := terminal(av), terminal(bv)
		if ta != tb {
			return ta
		}
	}
	if a.HLC != b.HLC {
		return a.HLC > b.HLC
	}
	if a.Desk != b.Desk {
		return a.Desk > b.Desk
	}
	return a.Seq > b.Seq
}

func terminal(v json.RawMessage) bool {
	var s booking.Status
	_ = json.Unmarshal(v, &s)
	return s.Terminal()
}

// setFields merge as sets on any record.
var setFields = map[string]bool{"ssr": true, "languages": true, "vulnerabilities": true}

func isSetField(key, f string, a, b json.RawMessage) bool {
	if setFields[f] {
		return true
	}
	if _, kind := booking.SplitKey(key); kind != booking.KindTraveller {
		return false
	}
	return stringArray(a) != nil && stringArray(b) != nil
}

func stringArray(v json.RawMessage) []string {
	if len(v) == 0 || v[0] != '[' {
		return nil
	}
	var out []string
	if json.Unmarshal(v, &out) != nil {
		return nil
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// union returns the sorted union of two JSON string arrays (null or a
// non-array counts as empty).
func union(a, b json.RawMessage) json.RawMessage {
	set := append(stringArray(a), stringArray(b)...)
	slices.Sort(set)
	set = slices.Compact(set)
	if set == nil {
		set = []string{}
	}
	enc, _ := json.Marshal(set)
	return enc
}

// LogLenTx returns the highest log position inside a transaction.
func (s *Store) LogLenTx(tx *Tx) uint64 { return tx.btx.Bucket(bLog).Sequence() }
