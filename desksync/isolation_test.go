package desksync_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/store"
	"movedesk/wire"
)

// TestOfficeIsolation: a KLT desk never receives RBA cases and cannot write
// them, whatever it sends; shared records published at the hub reach both.
func TestOfficeIsolation(t *testing.T) {
	h := newHub(t)
	a := newDesk(t, h, "RBA", "rba-1")
	rbaCases := fill(t, a.s, 10, "RBA", 5)
	a.sync(t)
	k := newDesk(t, h, "KLT", "klt-1")
	kltCases := fill(t, k.s, 5, "KLT", 6)
	k.sync(t)
	// Publish a shared record at the hub.
	if err := h.store.Update("hq", func(tx *store.Tx) error {
		return tx.PutObject("~tariffset/T9", "tariffset", change.Object{"version": json.RawMessage(`"T9"`)})
	}); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	k.sync(t)
	for _, d := range []*desk{a, k} {
		var v map[string]any
		if err := d.s.View(func(tx *store.Tx) error {
			ok, err := tx.Get("~tariffset/T9", &v)
			if !ok && err == nil {
				t.Fatalf("desk %s did not get the shared tariff set", d.s.Desk())
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	// The KLT desk holds no RBA record.
	var buf bytes.Buffer
	k.s.Export(&buf)
	if strings.Contains(buf.String(), `"key":"RBA-`) {
		t.Fatal("KLT desk received an RBA record")
	}
	_ = kltCases

	before := hashOf(t, h.store, nil)
	hubLen := h.store.LogLen()
	st, _ := k.s.ReplicaState()
	next := st.Pushed + 100
	now := change.MakeHLC(time.Now().UnixMilli(), 0)
	for _, c := range []struct {
		name string
		op   change.Op
	}{
		{"edit an RBA case", change.Op{Seq: next, HLC: now, Key: rbaCases[0], Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"x"`)}}},
		{"edit an RBA traveller", change.Op{Seq: next, HLC: now, Key: rbaCases[0] + "/traveller/01", Fields: map[string]json.RawMessage{"surname": json.RawMessage(`"X"`)}}},
		{"move own case to RBA", change.Op{Seq: next, HLC: now, Key: kltCases[0], Fields: map[string]json.RawMessage{"office": json.RawMessage(`"RBA"`)}}},
		{"create a case in RBA", change.Op{Seq: next, HLC: now, Key: "RBA-2026-999999", Fields: map[string]json.RawMessage{"office": json.RawMessage(`"RBA"`), "number": json.RawMessage(`"RBA-2026-999999"`)}}},
		{"write a shared record", change.Op{Seq: next, HLC: now, Key: "~tariffset/T9", Fields: map[string]json.RawMessage{"version": json.RawMessage(`"evil"`)}}},
		{"write as another desk", change.Op{Desk: a.s.Desk(), Seq: next, HLC: now, Key: kltCases[0], Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"x"`)}}},
	} {
		op := c.op
		op.Seq = next
		next++
		w := wire.FromOp(&op, op.Desk == "")
		p := post(t, h, k.token, withChain(t, h, k.s.Desk(), &wire.SyncRequest{Desk: k.s.Desk(), Instance: k.s.Instance(), Ops: []wire.Op{w}}))
		if op.Desk != "" {
			// Not even this desk's op: the whole request is refused.
			if p.status != 403 {
				t.Errorf("%s: status %d, want 403", c.name, p.status)
			}
			continue
		}
		// The op is acknowledged unapplied and named, so the desk's other
		// work is not held back.
		if p.status != 200 || len(p.body.Refused) != 1 || p.body.Refused[0].Seq != op.Seq || p.body.Acked != op.Seq {
			t.Errorf("%s: status %d, answer %+v, want op %d refused", c.name, p.status, p.body, op.Seq)
		}
	}
	// Sent again (its answer lost), a refused op is named again.
	again := change.Op{Seq: st.Pushed + 100, HLC: now, Key: rbaCases[0], Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"x"`)}}
	resent := &wire.SyncRequest{Desk: k.s.Desk(), Instance: k.s.Instance(), Ops: []wire.Op{wire.FromOp(&again, true)}}
	// The op before it in this desk's chain, as the hub holds it.
	var prev store.ChainLink
	h.store.View(func(tx *store.Tx) error { prev, _ = tx.DeskChainAt(k.s.Desk(), st.Pushed); return nil })
	op := resent.Ops[0].ToOp(k.s.Desk())
	resent.Chain = &wire.Chain{PrevSeq: st.Pushed, Prev: prev.Hash.String(), Last: change.Link(prev.Hash, op.Digest()).String()}
	if p := post(t, h, k.token, resent); p.status != 200 ||
		len(p.body.Refused) != 1 || !strings.Contains(p.body.Refused[0].Reason, "belongs to office RBA") {
		t.Errorf("resent refused op: %d %+v", p.status, p.body.Refused)
	}
	// Bad token, malformed and oversized bodies.
	if p := post(t, h, "mdt_nope", &wire.SyncRequest{Desk: "x"}); p.status != 401 {
		t.Errorf("bad token: %d", p.status)
	}
	if p := post(t, h, "", &wire.SyncRequest{Desk: "x"}); p.status != 401 {
		t.Errorf("no token: %d", p.status)
	}
	if p := postRaw(t, h, k.token, []byte("{not gzip")); p.status != 400 {
		t.Errorf("malformed: %d", p.status)
	}
	if p := postRaw(t, h, k.token, gz(`{"desk":`)); p.status != 400 {
		t.Errorf("bad JSON: %d", p.status)
	}
	big := make([]byte, wire.MaxBody+10)
	if p := postRaw(t, h, k.token, big); p.status != 413 {
		t.Errorf("oversized: %d", p.status)
	}
	if h.store.LogLen() != hubLen || hashOf(t, h.store, nil) != before {
		t.Fatal("a refused request changed the hub")
	}
	// A token bound to one store cannot be used by another.
	if p := post(t, h, k.token, &wire.SyncRequest{Desk: "other-store"}); p.status != 403 {
		t.Errorf("token reuse by another store: %d", p.status)
	}
	// Pulls never carry another office's ops, even from cursor 0.
	p := post(t, h, k.token, &wire.SyncRequest{Desk: k.s.Desk()})
	for _, op := range p.body.Ops {
		if no, _ := booking.SplitKey(op.Key); no != "" && !strings.HasPrefix(no, "KLT-") {
			t.Fatalf("KLT pull carried %s", op.Key)
		}
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}
