package store

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"movedesk/booking"
)

// Restore safety. A desk's own ops are numbered by their log position, and
// the hub takes an op numbered at or below what it acknowledged from the
// desk as already received. A store that went back in time (restored from a
// copy, a copied machine, two machines sharing a data directory) would
// number its new ops again from where its copy stopped, and the hub would
// drop them. Three values let the hub see it:
//
//   - the instance: made at every open, never stored, so a copied or
//     restored file opens as another instance;
//   - the pushed position the store knows the hub acknowledged;
//   - the lineage (replica/meta "lineage"): the history the store belongs
//     to, stored (a copy holds it too) and made anew when the store recovers.
//
// A new instance that knows less than the hub acknowledged is behind: the
// hub applies nothing of its request and says so; the desk then renumbers
// its unacknowledged ops past what the hub acknowledged (Renumber), asks
// its own ops it lost back (MergeOptions.Recover) and takes a new lineage.
// The hub refuses the old lineage from then on (a second live copy).

// Replica meta keys of restore safety.
const (
	// MetaLineage names this store's history (see above).
	MetaLineage = "lineage"
	// MetaRecover holds the JSON Recovery under way.
	MetaRecover = "recover"
	// MetaRestored holds the JSON Recovery of the last time this store
	// was found behind the hub, kept for the user.
	MetaRestored = "restored"
)

// Recovery records a store found behind the hub and what was done.
type Recovery struct {
	// At is when the hub found it.
	At time.Time `json:"at"`
	// Pushed is the own seq this store knew acknowledged; HubAcked what the
	// hub had acknowledged from this desk (the ops in between came back).
	Pushed   uint64 `json:"pushed"`
	HubAcked uint64 `json:"hub_acked"`
	// Renumbered counts the unacknowledged own ops given new numbers.
	Renumbered int `json:"renumbered"`
	// Recovered counts own ops taken back from the hub so far.
	Recovered int `json:"recovered"`
	// Done is set once every op the hub had came back.
	Done bool `json:"done,omitempty"`
}

// Instance returns the id of this opening of the store: a copy or a
// restored file opens as another instance.
func (s *Store) Instance() string { return s.instance }

func newInstance() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "i" + hex.EncodeToString(b[:])
}

// Lineage returns this store's lineage, making one if it has none.
func (tx *Tx) Lineage() (string, error) {
	if l := tx.ReplicaString(MetaLineage); l != "" {
		return l, nil
	}
	l := "l" + newInstance()[1:]
	return l, tx.SetReplicaString(MetaLineage, l)
}

// Recovery returns the recovery under way (nil if none).
func (tx *Tx) Recovery() *Recovery { return tx.recovery(MetaRecover) }

func (tx *Tx) recovery(key string) *Recovery {
	v := tx.replica(bRMeta).Get([]byte(key))
	if v == nil {
		return nil
	}
	var r Recovery
	if json.Unmarshal(v, &r) != nil {
		return nil
	}
	return &r
}

func (tx *Tx) setRecovery(key string, r *Recovery) error {
	if r == nil {
		return tx.replica(bRMeta).Delete([]byte(key))
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.replica(bRMeta).Put([]byte(key), b)
}

// LastRecovery is Store.LastRecovery inside a transaction.
func (tx *Tx) LastRecovery() *Recovery { return tx.recovery(MetaRestored) }

// LastRecovery returns the last time this store was found behind the hub
// (nil if never), for the user.
func (s *Store) LastRecovery() (*Recovery, error) {
	var r *Recovery
	err := s.View(func(tx *Tx) error {
		if tx.btx.Bucket(bReplica) != nil {
			r = tx.recovery(MetaRestored)
		}
		return nil
	})
	return r, err
}

// Renumber starts the recovery of a store found behind the hub: the hub
// acknowledged own seqs up to hubAcked, this store knows only up to pushed.
// Every own op not yet acknowledged (log position past pushed) moves to a
// new log position past hubAcked, keeping its order, clock and fields, so
// it is new to the hub; the pushed position becomes hubAcked (no own op
// lies between), the own ops in (pushed, hubAcked] are to come back from
// the hub, and the store takes a new lineage. It returns the recovery.
func (tx *Tx) Renumber(pushed, hubAcked uint64, at time.Time) (*Recovery, error) {
	ents, err := tx.OwnOps(pushed, 0)
	if err != nil {
		return nil, err
	}
	logb, own, hist := tx.btx.Bucket(bLog), tx.replica(bOwn), tx.btx.Bucket(bHist)
	if logb.Sequence() < hubAcked {
		if err := logb.SetSequence(hubAcked); err != nil {
			return nil, err
		}
	}
	for _, e := range ents {
		op := e.Op
		caseNo, _ := booking.SplitKey(op.Key)
		if err := logb.Delete(u64(e.Pos)); err != nil {
			return nil, err
		}
		if err := own.Delete(u64(e.Pos)); err != nil {
			return nil, err
		}
		if caseNo != "" {
			if err := hist.Delete(histKey(caseNo, e.Pos)); err != nil {
				return nil, err
			}
		}
		seq, err := logb.NextSequence()
		if err != nil {
			return nil, err
		}
		op.Seq = seq
		sealed, err := tx.s.codec.Seal(op.AppendJSON(nil))
		if err != nil {
			return nil, err
		}
		if err := logb.Put(u64(seq), sealed); err != nil {
			return nil, err
		}
		if err := own.Put(u64(seq), nil); err != nil {
			return nil, err
		}
		if caseNo != "" {
			if err := hist.Put(histKey(caseNo, seq), nil); err != nil {
				return nil, err
			}
		}
	}
	if len(ents) > 0 {
		if err := tx.rechainLog(ents[0].Pos); err != nil {
			return nil, err
		}
	}
	// Own ops the hub sends back are merged past this mark (see Merge).
	if v := tx.replica(bApplied).Get(appliedKey(tx.s.desk)); len(v) != 8 || be64(v) < pushed {
		if err := tx.replica(bApplied).Put(appliedKey(tx.s.desk), u64(pushed)); err != nil {
			return nil, err
		}
	}
	if err := tx.SetReplicaUint(MetaPushed, hubAcked); err != nil {
		return nil, err
	}
	if err := tx.replica(bRMeta).Delete([]byte(MetaLineage)); err != nil {
		return nil, err
	}
	if _, err := tx.Lineage(); err != nil {
		return nil, err
	}
	r := &Recovery{At: at.UTC(), Pushed: pushed, HubAcked: hubAcked, Renumbered: len(ents)}
	if err := tx.setRecovery(MetaRecover, r); err != nil {
		return nil, err
	}
	return r, tx.setRecovery(MetaRestored, r)
}

// Recovered notes n own ops taken back, and with done ends the recovery.
func (tx *Tx) Recovered(n int, done bool) error {
	r := tx.Recovery()
	if r == nil {
		return fmt.Errorf("no recovery under way")
	}
	r.Recovered += n
	r.Done = done
	if err := tx.setRecovery(MetaRestored, r); err != nil {
		return err
	}
	if done {
		return tx.setRecovery(MetaRecover, nil)
	}
	return tx.setRecovery(MetaRecover, r)
}
