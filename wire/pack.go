package wire

import (
	"bytes"
	"encoding/json"
)

// On the wire a batch of ops is delta-encoded against the op before it:
// consecutive sequence numbers become implicit, clocks travel as differences
// and a repeated desk is left out. Ops of one batch are mostly consecutive
// writes of one desk, so this removes the high-entropy digits that gzip
// cannot compress (about a third of a first sync's bytes).

// packedOp is Op as it travels: S is 0 for "previous seq + 1" from the same
// desk, H is the difference from the previous op's clock.
type packedOp struct {
	Desk   string                     `json:"d,omitempty"`
	Seq    uint64                     `json:"s,omitempty"`
	Actor  string                     `json:"a,omitempty"`
	H      int64                      `json:"h"`
	Kind   string                     `json:"t,omitempty"`
	Key    string                     `json:"k"`
	Fields map[string]json.RawMessage `json:"f"`
}

// noDesk marks an op without a desk that follows one with a desk.
const noDesk = "-"

func pack(ops []Op) []packedOp {
	out := make([]packedOp, len(ops))
	var prev Op
	for i, o := range ops {
		p := packedOp{Desk: o.Desk, Seq: o.Seq, Actor: o.Actor, H: int64(o.HLC - prev.HLC), Kind: o.Kind, Key: o.Key, Fields: o.Fields}
		switch {
		case i > 0 && o.Desk == prev.Desk && o.Seq != 0:
			// (Seq 0 would read as "previous + 1": it keeps its desk.)
			p.Desk = ""
			if o.Seq == prev.Seq+1 {
				p.Seq = 0
			}
		case i > 0 && o.Desk == "":
			p.Desk = noDesk
		}
		out[i] = p
		prev = o
	}
	return out
}

func unpack(ps []packedOp) []Op {
	out := make([]Op, len(ps))
	var prev Op
	for i, p := range ps {
		o := Op{Desk: p.Desk, Seq: p.Seq, Actor: p.Actor, HLC: prev.HLC + uint64(p.H), Kind: p.Kind, Key: p.Key, Fields: p.Fields}
		switch {
		case i > 0 && p.Desk == "":
			o.Desk = prev.Desk
			if p.Seq == 0 {
				o.Seq = prev.Seq + 1
			}
		case p.Desk == noDesk:
			o.Desk = ""
		}
		out[i] = o
		prev = o
	}
	return out
}

type syncRequestWire struct {
	Desk     string     `json:"desk"`
	Cursor   uint64     `json:"cur"`
	Ops      []packedOp `json:"ops,omitempty"`
	Limit    int        `json:"lim,omitempty"`
	Proto    int        `json:"v,omitempty"`
	Instance string     `json:"inst,omitempty"`
	Pushed   uint64     `json:"pushed,omitempty"`
	Lineage  string     `json:"lin,omitempty"`
	Recover  *Recover   `json:"rec,omitempty"`
	Chain    *Chain     `json:"chain,omitempty"`
}

// MarshalJSON delta-encodes the ops.
func (r SyncRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(syncRequestWire{Desk: r.Desk, Cursor: r.Cursor, Ops: pack(r.Ops), Limit: r.Limit,
		Proto: r.Proto, Instance: r.Instance, Pushed: r.Pushed, Lineage: r.Lineage, Recover: r.Recover, Chain: r.Chain})
}

// UnmarshalJSON decodes delta-encoded ops. It refuses unknown fields, but
// names a newer protocol's request as such (*NewerError).
func (r *SyncRequest) UnmarshalJSON(b []byte) error {
	var w syncRequestWire
	if err := strictUnmarshal(b, &w); err != nil {
		var v struct {
			Proto int `json:"v"`
		}
		if json.Unmarshal(b, &v) == nil && v.Proto > Proto {
			return &NewerError{Proto: v.Proto}
		}
		return err
	}
	*r = SyncRequest{Desk: w.Desk, Cursor: w.Cursor, Ops: unpack(w.Ops), Limit: w.Limit,
		Proto: w.Proto, Instance: w.Instance, Pushed: w.Pushed, Lineage: w.Lineage, Recover: w.Recover, Chain: w.Chain}
	return nil
}

type syncResponseWire struct {
	Acked  uint64      `json:"ack"`
	Ops    []packedOp  `json:"ops,omitempty"`
	Cursor uint64      `json:"cur"`
	Head   uint64      `json:"head,omitempty"`
	More   bool        `json:"more,omitempty"`
	Ref    []Refusal   `json:"ref,omitempty"`
	Div    *Divergence `json:"div,omitempty"`
}

// MarshalJSON delta-encodes the ops.
func (r SyncResponse) MarshalJSON() ([]byte, error) {
	return json.Marshal(syncResponseWire{Acked: r.Acked, Ops: pack(r.Ops), Cursor: r.Cursor, Head: r.Head, More: r.More, Ref: r.Refused, Div: r.Diverged})
}

// UnmarshalJSON decodes delta-encoded ops. Fields this build does not know
// are ignored: a newer hub may add some, and its desks must still sync.
func (r *SyncResponse) UnmarshalJSON(b []byte) error {
	var w syncResponseWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = SyncResponse{Acked: w.Acked, Ops: unpack(w.Ops), Cursor: w.Cursor, Head: w.Head, More: w.More, Refused: w.Ref, Diverged: w.Div}
	return nil
}

// strictUnmarshal decodes b into v, refusing unknown fields (a request from
// a different protocol version is an error, not silently half-read).
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
