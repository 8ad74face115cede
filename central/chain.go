package central

import (
	"net/http"

	"movedesk/change"
	"movedesk/store"
	"movedesk/wire"
)

// checkChain checks that the pushed ops link to the chain the hub holds of
// the desk, and records their links (every pushed op, refused ones too: the
// chain is the desk's history as sent). A request that does not link is
// refused whole (409, wire.CodeChain): its history differs from what the
// hub received. Where the hub holds nothing at or past the op before the
// batch (a hub from before the chain, or restored from a backup older than
// the desk's last push), the desk's chain is taken from there as an anchor.
func (h *Server) checkChain(tx *store.Tx, desk Desk, deskID string, ops []change.Op, ch *wire.Chain) error {
	prev, ok1 := change.ParseHash(ch.Prev)
	last, ok2 := change.ParseHash(ch.Last)
	if !ok1 || !ok2 || (ch.PrevSeq == 0 && !prev.IsZero()) {
		return fail(http.StatusBadRequest, "bad chain %q/%q", ch.Prev, ch.Last)
	}
	refuse := func(format string, args ...any) error {
		return failKind(http.StatusConflict, wire.CodeChain,
			"desk %s: "+format+"; this desk's change history is not the one the hub received: nothing of this sync was applied (run movedesk audit verify on the desk, and tell the office)",
			append([]any{desk.Name}, args...)...)
	}
	if ch.PrevSeq > 0 {
		if l, ok := tx.DeskChainAt(deskID, ch.PrevSeq); ok {
			if l.Hash != prev {
				return refuse("its op %s:%d hashes to %s in its chain, the hub received it as %s", deskID, ch.PrevSeq, prev.Short(), l.Hash.Short())
			}
		} else if head, ok := tx.DeskChainHead(deskID); ok && head.Seq >= ch.PrevSeq {
			return refuse("its chain goes on from op %s:%d, which the hub never received (it holds the chain up to op %d)", deskID, ch.PrevSeq, head.Seq)
		} else {
			if err := tx.PutDeskChain(deskID, store.ChainLink{Seq: ch.PrevSeq, Hash: prev}); err != nil {
				return err
			}
			h.logf("desk %s (%s): the hub's chain of this desk starts at op %d (none held before)", desk.Name, deskID, ch.PrevSeq)
		}
	}
	for i := range ops {
		op := &ops[i]
		if op.Seq <= ch.PrevSeq {
			return fail(http.StatusBadRequest, "op %s is not after the chain's op %d", op.ID(), ch.PrevSeq)
		}
		d := op.Digest()
		next := change.Link(prev, d)
		if l, ok := tx.DeskChainAt(deskID, op.Seq); ok {
			if l.Hash != next {
				return refuse("op %s (record %s) is not the op the hub received under that number (chain %s, the hub holds %s)", op.ID(), op.Key, next.Short(), l.Hash.Short())
			}
		} else if err := tx.PutDeskChain(deskID, store.ChainLink{Seq: op.Seq, Digest: d, Hash: next}); err != nil {
			return err
		}
		prev = next
	}
	if prev != last {
		return refuse("its ops after op %d do not link: the desk's chain ends at %s, the ops as sent give %s", ch.PrevSeq, last.Short(), prev.Short())
	}
	return nil
}

// chainAt is the hub's hash of desk's chain at op seq, "" if it holds none.
func chainAt(tx *store.Tx, deskID string, seq uint64) string {
	if l, ok := tx.DeskChainAt(deskID, seq); ok {
		return l.Hash.String()
	}
	return ""
}
