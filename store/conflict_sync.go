package store

import (
	"encoding/json"
	"fmt"

	"movedesk/booking"
	"movedesk/change"
)

// Conflicts travel as records of their case, <case>/conflict/<id>, written
// through the change log like any record. So they reach every desk of the
// case's office (and no other: they route by the case's office), a first
// sync brings them, resends are idempotent, and a resolution made at one
// desk (fields resolved_by, resolved_at, resolution) closes the conflict at
// all of them. replica/conflicts stays the local index that Conflicts reads:
// it is refreshed whenever a conflict record is written or merged here.

// KindConflict is the record kind of a published conflict.
const KindConflict = "conflict"

// ConflictRecordKey returns the key of c's synced record.
func ConflictRecordKey(c Conflict) string {
	caseNo, _ := booking.SplitKey(c.Key)
	return caseNo + "/" + KindConflict + "/" + c.ID
}

// conflictObject is c as record fields.
func conflictObject(c Conflict) (change.Object, error) {
	enc, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("conflict %s: %w", c.ID, err)
	}
	return change.ToObject(enc)
}

// publishConflict writes c's record unless it already exists (the same
// clash found at the hub and at a desk yields the same id and values).
func (tx *Tx) publishConflict(c Conflict, actor string) (bool, error) {
	caseNo, _ := booking.SplitKey(c.Key)
	if caseNo == "" {
		return false, nil // shared records never clash: one writer
	}
	_, exists, err := tx.object(ConflictRecordKey(c))
	if err != nil || exists {
		return false, err
	}
	return tx.writeConflictRecord(c, actor)
}

// writeConflictRecord writes c as its record (only the fields that differ
// are logged), authored by actor.
func (tx *Tx) writeConflictRecord(c Conflict, actor string) (bool, error) {
	caseNo, _ := booking.SplitKey(c.Key)
	if caseNo == "" {
		return false, nil
	}
	obj, err := conflictObject(c)
	if err != nil {
		return false, err
	}
	saved := tx.actor
	if actor != "" {
		tx.actor = actor
	}
	before := tx.btx.Bucket(bLog).Sequence()
	err = tx.PutObject(ConflictRecordKey(c), KindConflict, obj)
	tx.actor = saved
	if err != nil {
		return false, fmt.Errorf("conflict record %s: %w", ConflictRecordKey(c), err)
	}
	return tx.btx.Bucket(bLog).Sequence() != before, nil
}

// indexConflict stores c in replica/conflicts, replacing what was there.
func (tx *Tx) indexConflict(c Conflict) error {
	enc, err := json.Marshal(c)
	if err != nil {
		return err
	}
	sealed, err := tx.s.codec.Seal(enc)
	if err != nil {
		return err
	}
	return tx.replica(bConflicts).Put([]byte(c.ID), sealed)
}

// indexConflictRecord refreshes replica/conflicts from the merged conflict
// record at key (a deleted or unreadable record leaves the index as it is).
// fresh says the conflict was not listed here before.
func (tx *Tx) indexConflictRecord(key string) (fresh bool, err error) {
	obj, exists, err := tx.object(key)
	if err != nil || !exists {
		return false, err
	}
	var c Conflict
	if json.Unmarshal(obj.Encode(), &c) != nil || c.ID == "" || c.Key == "" || c.Field == "" {
		// Not a conflict this version can read (or a partial record): it
		// stays a record, but failing the merge would stop sync for good.
		return false, nil
	}
	fresh = tx.replica(bConflicts).Get([]byte(c.ID)) == nil
	return fresh, tx.indexConflict(c)
}

// ResolveConflict resolves conflict id in one transaction by writing take
// ("winner", "loser" or a JSON value; a bare word is a string) as a new
// change of the record, and marks the conflict resolved by actor. It is what
// a screen calls; see Tx.ResolveConflict.
func (s *Store) ResolveConflict(actor, id, take string) (c Conflict, err error) {
	err = s.Update(actor, func(tx *Tx) error {
		c, err = tx.ResolveConflict(id, take)
		return err
	})
	return c, err
}
