package central

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"

	"movedesk/change"
	"movedesk/store"
	"movedesk/wire"
)

// The hub's memory of what it acknowledged from a desk: the instance that
// pushed it (ackinst/<desk>) and a fingerprint of the op that took the
// acknowledged seq there (ackop/<desk>). A new instance that knows less
// than the hub acknowledged is either a store that went back in time or
// the same store reopened after a push whose answer was lost: only the
// latter still holds, and sends again, the very op the hub acknowledged
// last.

func ackInstKey(desk string) string { return "ackinst/" + desk }
func ackOpKey(desk string) string   { return "ackop/" + desk }

// fingerprint identifies one op of a desk's history: its number, clock,
// author, record and values. A restored store that numbers a new op the
// same has another clock or content.
func fingerprint(op *change.Op) string {
	hs := sha256.New()
	var n [8]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		hs.Write(n[:])
		hs.Write(b)
	}
	binary.BigEndian.PutUint64(n[:], op.Seq)
	hs.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(op.HLC))
	hs.Write(n[:])
	put([]byte(op.Actor))
	put([]byte(op.Key))
	fields := make([]string, 0, len(op.Fields))
	for f := range op.Fields {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		put([]byte(f))
		put(op.Fields[f])
	}
	return hex.EncodeToString(hs.Sum(nil)[:16])
}

// noteAcked remembers, with the acknowledged seq, which instance pushed it
// and which op it was.
func noteAcked(tx *store.Tx, req *wire.SyncRequest, ops []change.Op, acked uint64) error {
	if err := tx.SetReplicaString(ackInstKey(req.Desk), req.Instance); err != nil {
		return err
	}
	for i := range ops {
		if ops[i].Seq == acked {
			return tx.SetReplicaString(ackOpKey(req.Desk), fingerprint(&ops[i]))
		}
	}
	return tx.SetReplicaString(ackOpKey(req.Desk), "")
}

// sameHistory reports whether a request of a new instance that knows less
// than acked still holds the op the hub acknowledged last: its answer was
// lost and the store reopened, nothing went back in time. The request then
// is an ordinary resend, and its instance becomes the acknowledged one.
func sameHistory(tx *store.Tx, req *wire.SyncRequest, ops []change.Op, acked uint64) (bool, error) {
	want := tx.ReplicaString(ackOpKey(req.Desk))
	if want == "" {
		return false, nil
	}
	for i := range ops {
		if ops[i].Seq == acked && ops[i].Desk == req.Desk {
			if fingerprint(&ops[i]) != want {
				return false, nil
			}
			return true, tx.SetReplicaString(ackInstKey(req.Desk), req.Instance)
		}
	}
	return false, nil
}
