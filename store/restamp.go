package store

import (
	"bytes"
	"strings"

	"movedesk/change"
)

// Restamp re-dates this desk's own ops after log position after that are
// stamped past limit (a desk whose clock ran ahead before it first met the
// hub), and every own op after the first of them, keeping their order. Each
// gets a stamp just past base and past every other op in the log, so an own
// op that beat another write here still beats it and the hub judges every
// clash as this desk did. It returns how many ops it re-dated.
//
// An own op is re-dated only if it is also later than every other desk's op
// here: had another write beaten it, re-dating would reverse that outcome at
// the hub alone. (Such a write came through the hub, so the hub accepts an
// own op no later than it.)
func (tx *Tx) Restamp(after uint64, limit, base change.HLC) (int, error) {
	logb := tx.btx.Bucket(bLog)
	c := logb.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		op, err := tx.decodeOp(v)
		if err != nil {
			return 0, err
		}
		if !tx.madeHere(k, &op) {
			limit = max(limit, op.HLC)
		}
	}
	floor := base
	type entry struct {
		k  []byte
		op change.Op
	}
	var fix []entry
	for k, v := c.First(); k != nil; k, v = c.Next() {
		op, err := tx.decodeOp(v)
		if err != nil {
			return 0, err
		}
		if tx.madeHere(k, &op) && be64(k) > after && (op.HLC > limit || len(fix) > 0) {
			fix = append(fix, entry{bytes.Clone(k), op})
			continue
		}
		floor = max(floor, op.HLC)
	}
	if len(fix) == 0 {
		return 0, nil
	}
	next := floor
	for _, e := range fix {
		next++
		e.op.HLC = next
		sealed, err := tx.s.codec.Seal(e.op.AppendJSON(nil))
		if err != nil {
			return 0, err
		}
		if err := logb.Put(e.k, sealed); err != nil {
			return 0, err
		}
	}
	if err := tx.rechainLog(be64(fix[0].k)); err != nil {
		return 0, err
	}
	tx.s.clock.Rebase(next)
	tx.wrote = true // persist the clock
	return len(fix), nil
}

// madeHere reports whether op, at log position k, was written by this
// store: an own op to push (replica/own) or an own write of a shared
// record; not an own op taken back from the hub after a restore, whose
// clock the hub already holds.
func (tx *Tx) madeHere(k []byte, op *change.Op) bool {
	if op.Desk != tx.s.desk {
		return false
	}
	if strings.HasPrefix(op.Key, "~") {
		return true
	}
	own := tx.ownIndex()
	return own != nil && own.Get(k) != nil
}
