// Package wire holds the sync protocol between a desk and the hub: one
// POST /v1/sync carries the desk's unacknowledged ops up and the hub's new
// ops down, as gzip-compressed compact JSON.
package wire

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"movedesk/booking"
	"movedesk/change"
)

// Path is the sync endpoint.
const Path = "/v1/sync"

// MaxBody is the largest compressed request body the hub accepts; MaxPlain
// bounds it decompressed.
const (
	MaxBody  = 8 << 20
	MaxPlain = 64 << 20
)

// MaxFuture is how far past the hub's clock a pushed op may be stamped. A
// batch holding a later stamp (a desk whose clock ran ahead before it first
// met the hub) is refused with 409 Conflict and nothing applied; the desk
// re-dates those ops and sends them again. Later stamps would drag every
// replica's clock ahead and win every clash.
const MaxFuture = 10 * time.Minute

// Proto is the sync protocol this build speaks. Version 1 (no "v" in the
// request) is a desk from before restore safety; 2 adds the store instance,
// the desk's acknowledged position and the recovery of own ops; 3 adds the
// desk's hash chain (Chain), which the hub checks against the chain it
// holds of that desk.
const Proto = 3

// MinProto is the oldest desk protocol the hub serves: an older desk is
// answered 426 Upgrade Required (its store cannot be checked for having
// gone back in time, so its pushes could be lost).
const MinProto = 2

// Op is change.Op on the wire: short names, and nothing the receiver can
// derive (kind from the key unless it differs, case from the key, office
// from the case; the desk of pushed ops from the request).
type Op struct {
	Desk   string                     `json:"d,omitempty"`
	Seq    uint64                     `json:"s"`
	Actor  string                     `json:"a,omitempty"`
	HLC    uint64                     `json:"h"`
	Kind   string                     `json:"t,omitempty"`
	Key    string                     `json:"k"`
	Fields map[string]json.RawMessage `json:"f"`
}

// SyncRequest is what a desk sends.
type SyncRequest struct {
	// Desk is the desk's store id (its ops' desk).
	Desk string `json:"desk"`
	// Cursor is the hub log position the desk has pulled up to.
	Cursor uint64 `json:"cur"`
	// Ops are the desk's own unacknowledged ops, oldest first (a chunk).
	Ops []Op `json:"ops,omitempty"`
	// Limit caps the ops pulled in the answer (0: the hub's default).
	Limit int `json:"lim,omitempty"`
	// Proto is the desk's protocol version (0: 1, before it was sent).
	Proto int `json:"v,omitempty"`
	// Instance names this opening of the desk's store (new at every open,
	// so a copy or a restored file is another instance).
	Instance string `json:"inst,omitempty"`
	// Pushed is the highest own seq this store knows the hub acknowledged.
	// With Instance it lets the hub see a store that went back in time: a
	// new instance that knows less than the hub acknowledged.
	Pushed uint64 `json:"pushed,omitempty"`
	// Lineage names the store's history: kept in the store file (so a copy
	// has it too), made anew when the store recovers from going back in
	// time. The hub refuses a lineage another copy left behind.
	Lineage string `json:"lin,omitempty"`
	// Recover asks for this desk's own ops the hub holds with a seq in
	// (From, To]: what the store lost when it went back in time.
	Recover *Recover `json:"rec,omitempty"`
	// Chain links the pushed ops to the desk's hash chain (protocol 3).
	Chain *Chain `json:"chain,omitempty"`
}

// Chain is where a request's ops sit in the desk's hash chain: the hash
// of the desk's chain up to its op PrevSeq (the last one before Ops, 0 and
// "" at the start), and the hash after the last op of Ops. Each op's link
// is change.Link(previous, op.Digest()); the hub recomputes them from the
// chain it holds of the desk and refuses the request if they differ.
type Chain struct {
	PrevSeq uint64 `json:"ps,omitempty"`
	Prev    string `json:"p,omitempty"`
	Last    string `json:"h"`
}

// Recover is a range of own seqs a desk asks back.
type Recover struct {
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
}

// Divergence says that the desk's store is behind what the hub
// acknowledged from this desk (restored from a copy, or a copy of another
// machine's store): nothing of the request was applied. The desk renumbers
// its unacknowledged ops past Acked, asks for its own ops in (Pushed,
// Acked] back, and syncs again.
type Divergence struct {
	// Acked is the hub's highest acknowledged seq of this desk.
	Acked uint64 `json:"ack"`
	// Pushed is what the request said the store knew.
	Pushed uint64 `json:"pushed"`
	// Chain is the hub's hash of the desk's chain at Acked ("" when the
	// hub holds none): the desk's chain goes on from it (protocol 3).
	Chain string `json:"chain,omitempty"`
}

// SyncResponse is the hub's answer, sent only after the pushed ops are
// durably committed.
type SyncResponse struct {
	// Acked is the highest seq of this desk the hub has durably applied.
	Acked uint64 `json:"ack"`
	// Ops are hub ops after the request's cursor for this desk's office
	// and shared records, except the desk's own.
	Ops []Op `json:"ops,omitempty"`
	// Cursor is the hub log position this answer covers.
	Cursor uint64 `json:"cur"`
	// Head is the hub log length (for progress).
	Head uint64 `json:"head,omitempty"`
	// More says the desk should ask again.
	More bool `json:"more,omitempty"`
	// Refused are pushed ops the hub acknowledged without applying them
	// (another office's case, an unknown case): the desk keeps them and
	// shows them, and the rest of its work flows on.
	Refused []Refusal `json:"ref,omitempty"`
	// Diverged is set, and nothing else, when the desk's store went back
	// in time (see Divergence).
	Diverged *Divergence `json:"div,omitempty"`
}

// Refusal names one refused op of the pushing desk.
type Refusal struct {
	Seq    uint64 `json:"seq"`
	Reason string `json:"why"`
	// Current holds the hub's values of the refused op's fields (null for
	// a field it does not have) when the hub holds the record: the desk
	// takes them back, so both sides hold the same record again.
	Current map[string]json.RawMessage `json:"cur,omitempty"`
}

// ErrorBody is a 4xx/5xx answer.
type ErrorBody struct {
	Error string `json:"error"`
	// Code names a refusal the desk explains in its own words.
	Code string `json:"code,omitempty"`
}

// Error codes of ErrorBody.
const (
	// CodeUpgrade: the desk's protocol is older than MinProto (426).
	CodeUpgrade = "upgrade"
	// CodeStoreCopy: another copy of this desk's store synced after this
	// one went back in time; this copy is refused (403).
	CodeStoreCopy = "store-copy"
	// CodeHubTooOld: the desk speaks a newer protocol than the hub (400).
	CodeHubTooOld = "hub-too-old"
	// CodeChain: the pushed ops do not link to the hub's chain of the desk
	// (409): its history differs from what the hub received.
	CodeChain = "chain"
)

// FromOp converts for the wire; omitDesk drops the desk (pushes).
func FromOp(o *change.Op, omitDesk bool) Op {
	w := Op{Seq: o.Seq, Actor: o.Actor, HLC: uint64(o.HLC), Key: o.Key, Fields: o.Fields}
	if !omitDesk {
		w.Desk = o.Desk
	}
	if _, kind := booking.SplitKey(o.Key); kind != o.Kind {
		w.Kind = o.Kind
	}
	return w
}

// ToOp converts back; desk fills an empty Desk. Case and Office are left to
// the store, which derives them.
func (w *Op) ToOp(desk string) change.Op {
	o := change.Op{Desk: w.Desk, Seq: w.Seq, Actor: w.Actor, HLC: change.HLC(w.HLC), Kind: w.Kind, Key: w.Key, Fields: w.Fields}
	if o.Desk == "" {
		o.Desk = desk
	}
	if o.Kind == "" {
		_, o.Kind = booking.SplitKey(w.Key)
	}
	if o.Fields == nil {
		o.Fields = map[string]json.RawMessage{}
	}
	return o
}

// Encode writes v as gzip JSON and returns the compressed bytes.
func Encode(v any) ([]byte, error) {
	var b strings.Builder
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// ErrTooLarge is returned by Decode for bodies over the limits.
var ErrTooLarge = errors.New("body too large")

// ErrStringTooLong is returned by DecodeLimited for a body holding a JSON
// string (a key or a value) longer than its limit.
var ErrStringTooLong = errors.New("string too long")

// Limits bound what DecodeLimited reads. Zero fields mean no limit, except
// Plain (MaxPlain).
type Limits struct {
	// Body is the most compressed bytes read.
	Body int64
	// Plain is the most decompressed bytes read (0: MaxPlain).
	Plain int64
	// String is the most bytes of any one JSON string, as sent (escapes
	// counted as written, so at least its decoded length).
	String int
	// Lenient accepts fields this build does not know (a desk reading a
	// newer hub's answer); the hub stays strict.
	Lenient bool
}

// DecodeAnswer reads a hub's answer (gzip JSON, at most max compressed
// bytes) into v, accepting fields this build does not know: a hub may be
// newer than its desks.
func DecodeAnswer(r io.Reader, max int64, v any) error {
	return DecodeLimited(r, Limits{Body: max, Lenient: true}, v)
}

// NewerError is a request of a protocol newer than this build's.
type NewerError struct{ Proto int }

func (e *NewerError) Error() string {
	return fmt.Sprintf("sync protocol %d is newer than this hub's (%d): upgrade movedesk at the hub", e.Proto, Proto)
}

// Decode reads a gzip JSON body of at most max compressed bytes (and
// MaxPlain decompressed) into v.
func Decode(r io.Reader, max int64, v any) error {
	return DecodeLimited(r, Limits{Body: max}, v)
}

// DecodeLimited reads a gzip JSON body into v within lim. Strings are
// measured as the bytes stream in, so a body holding an oversized string is
// refused with ErrStringTooLong before that string is ever held whole.
func DecodeLimited(r io.Reader, lim Limits, v any) error {
	plain := lim.Plain
	if plain <= 0 {
		plain = MaxPlain
	}
	lr := &io.LimitedReader{R: r, N: lim.Body + 1}
	zr, err := gzip.NewReader(lr)
	if err != nil {
		if lr.N <= 0 {
			return ErrTooLarge
		}
		return fmt.Errorf("not gzip: %w", err)
	}
	pr := &io.LimitedReader{R: zr, N: plain + 1}
	var in io.Reader = pr
	if lim.String > 0 {
		in = &stringCap{r: pr, max: lim.String}
	}
	dec := json.NewDecoder(in)
	if !lim.Lenient {
		dec.DisallowUnknownFields()
	}
	err = dec.Decode(v)
	if errors.Is(err, ErrStringTooLong) {
		return err
	}
	if lr.N <= 0 || pr.N <= 0 {
		return ErrTooLarge
	}
	var ne *NewerError
	if errors.As(err, &ne) {
		return ne
	}
	if err != nil {
		return fmt.Errorf("bad JSON: %s", Excerpt(err.Error(), 200))
	}
	return nil
}

// stringCap fails a read once a JSON string in the stream passes max
// bytes. It follows only quotes and backslashes: outside strings JSON has
// neither.
type stringCap struct {
	r          io.Reader
	max, n     int
	inStr, esc bool
}

func (s *stringCap) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	for i, c := range p[:n] {
		switch {
		case !s.inStr:
			if c == '"' {
				s.inStr, s.n = true, 0
			}
			continue
		case s.esc:
			s.esc = false
		case c == '\\':
			s.esc = true
		case c == '"':
			s.inStr = false
			continue
		}
		if s.n++; s.n > s.max {
			return i, ErrStringTooLong
		}
	}
	return n, err
}

// Excerpt returns at most about max bytes of s for an error message or a
// log line, escaped (booking.Printable) and cut on a rune boundary with the
// full length noted: request content is never echoed whole.
func Excerpt(s string, max int) string {
	if len(s) <= max {
		return booking.Printable(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return booking.Printable(s[:cut]) + fmt.Sprintf("… (%d bytes)", len(s))
}

// WriteJSON answers with status and v, gzip JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := Encode(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", "gzip")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
