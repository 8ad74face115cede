// Package central is the hub: an HTTP(S) server over its own store that
// desks sync with. A desk pushes its unacknowledged ops and pulls the hub's
// ops for its office (and shared records) in one POST /v1/sync; the hub
// commits what it applied before it answers, so an acknowledged op is never
// lost, and it remembers applied op ids, so a batch sent twice is applied
// once.
package central

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/store"
	"movedesk/wire"
)

// DefaultLimit is the most ops pulled per answer by default.
const DefaultLimit = 2000

// Server is the hub's HTTP handler.
type Server struct {
	store *store.Store
	reg   *registry
	seen  seenBook
	// Limit caps pulled ops per answer.
	Limit int
	// Limits bound requests (zero fields: DefaultLimits); set before serving.
	Limits Limits
	// Log receives one line per request error (nil: log.Printf).
	Log func(format string, args ...any)

	rates    rateBook
	inflight chan struct{}
	once     sync.Once
}

// New returns a hub over s whose desk registry lives in dir.
func New(s *store.Store, dir string) *Server {
	return &Server{store: s, reg: &registry{dir: dir}, Limit: DefaultLimit, Limits: DefaultLimits()}
}

// Handler returns the hub's routes.
func (h *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+wire.Path, h.sync)
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	return mux
}

type httpError struct {
	code int
	msg  string
	// kind is a wire error code (wire.CodeUpgrade ...) the desk turns into
	// its own words.
	kind string
}

func (e *httpError) Error() string { return e.msg }

// fail makes an answer's error. Strings and errors among args may come
// from the request: each is cut to a short escaped excerpt, so neither the
// answer nor the log ever echoes request content whole.
func fail(code int, format string, args ...any) error {
	for i, a := range args {
		switch v := a.(type) {
		case string:
			args[i] = wire.Excerpt(v, excerptLen)
		case json.RawMessage:
			args[i] = wire.Excerpt(string(v), excerptLen)
		case error:
			args[i] = wire.Excerpt(v.Error(), 4*excerptLen)
		}
	}
	return &httpError{code: code, msg: fmt.Sprintf(format, args...)}
}

// failKind is fail with a wire error code.
func failKind(code int, kind, format string, args ...any) error {
	err := fail(code, format, args...).(*httpError)
	err.kind = kind
	return err
}

// maxDeskID is the longest store id a request may carry.
const maxDeskID = 128

// excerptLen is how much of a request's string an error message quotes.
const excerptLen = 64

// maxMessage caps a whole error message, in the answer and the log.
const maxMessage = 400

func (h *Server) logf(format string, args ...any) {
	if h.Log != nil {
		h.Log(format, args...)
		return
	}
	log.Printf(format, args...)
}

func (h *Server) sync(w http.ResponseWriter, r *http.Request) {
	lim := h.Limits.WithDefaults()
	h.once.Do(func() { h.inflight = make(chan struct{}, lim.MaxInflight) })
	rc := http.NewResponseController(w)
	answer := func(code int, err error) {
		msg := wire.Excerpt(err.Error(), maxMessage)
		h.logf("sync %s: %d %s", r.RemoteAddr, code, msg)
		var he *httpError
		kind := ""
		if errors.As(err, &he) {
			kind = he.kind
		}
		wire.WriteJSON(w, code, wire.ErrorBody{Error: msg, Code: kind})
	}
	// Refused before its body is read: answer and drop the connection,
	// whatever the client still sends (nothing waits on a slow body).
	early := func(code int, err error) {
		w.Header().Set("Connection", "close")
		_ = rc.SetReadDeadline(time.Now())
		answer(code, err)
	}
	desk, err := h.authenticate(r)
	if err != nil {
		early(codeOf(err), err)
		return
	}
	proveConn(r)
	if ok, wait := h.rates.take(desk.Name, lim.DeskRate, lim.DeskBurst, time.Now()); !ok {
		w.Header().Set("Retry-After", retryAfter(wait))
		early(http.StatusTooManyRequests, fail(http.StatusTooManyRequests,
			"desk %s: too many requests (limit %g a minute): retry in %s", desk.Name, lim.DeskRate, retryAfter(wait)+" s"))
		return
	}
	if r.ContentLength > lim.MaxBody {
		early(http.StatusRequestEntityTooLarge, fail(http.StatusRequestEntityTooLarge, "request body over %d bytes", lim.MaxBody))
		return
	}
	_ = rc.SetReadDeadline(time.Now().Add(lim.BodyTimeout))
	select {
	case h.inflight <- struct{}{}:
		defer func() { <-h.inflight }()
	case <-r.Context().Done():
		return
	}
	resp, err := h.serve(r, desk, lim)
	if err != nil {
		answer(codeOf(err), err)
		return
	}
	wire.WriteJSON(w, http.StatusOK, resp)
}

func codeOf(err error) int {
	var he *httpError
	if errors.As(err, &he) {
		return he.code
	}
	return http.StatusInternalServerError
}

// authenticate finds the desk of the request's bearer token, before any of
// its body is read.
func (h *Server) authenticate(r *http.Request) (Desk, error) {
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || tok == "" {
		return Desk{}, fail(http.StatusUnauthorized, "missing bearer token")
	}
	desk, ok, err := h.reg.lookup(tok)
	if err != nil {
		return Desk{}, err
	}
	if !ok {
		return Desk{}, fail(http.StatusUnauthorized, "unknown or revoked token")
	}
	return desk, nil
}

func (h *Server) serve(r *http.Request, desk Desk, lim Limits) (*wire.SyncResponse, error) {
	var req wire.SyncRequest
	if err := wire.DecodeLimited(r.Body, wire.Limits{Body: lim.MaxBody, Plain: lim.MaxPlain, String: lim.MaxString}, &req); err != nil {
		var ne *wire.NewerError
		switch {
		case errors.As(err, &ne):
			return nil, failKind(http.StatusBadRequest, wire.CodeHubTooOld, "%s", ne.Error())
		case errors.Is(err, wire.ErrStringTooLong):
			return nil, fail(http.StatusRequestEntityTooLarge, "a string in the request is longer than %d bytes (the hub's limit)", lim.MaxString)
		case errors.Is(err, wire.ErrTooLarge):
			return nil, fail(http.StatusRequestEntityTooLarge, "request body too large (limits: %d bytes compressed, %d plain)", lim.MaxBody, lim.MaxPlain)
		}
		return nil, fail(http.StatusBadRequest, "%v", err)
	}
	if req.Proto < wire.MinProto {
		return nil, failKind(http.StatusUpgradeRequired, wire.CodeUpgrade,
			"this desk's movedesk speaks sync protocol %d; the hub needs %d or later: upgrade movedesk on this desk", max(req.Proto, 1), wire.MinProto)
	}
	if req.Instance == "" || len(req.Instance) > maxDeskID || booking.Printable(req.Instance) != req.Instance ||
		len(req.Lineage) > maxDeskID || booking.Printable(req.Lineage) != req.Lineage {
		return nil, fail(http.StatusBadRequest, "bad store instance %q or lineage %q", req.Instance, req.Lineage)
	}
	if len(req.Ops) > lim.MaxOps {
		return nil, fail(http.StatusRequestEntityTooLarge, "%d ops in one request, over the hub's limit of %d: send them in chunks", len(req.Ops), lim.MaxOps)
	}
	if req.Desk == "" || req.Desk == h.store.Desk() || len(req.Desk) > maxDeskID || booking.Printable(req.Desk) != req.Desk {
		return nil, fail(http.StatusBadRequest, "bad desk id %q", req.Desk)
	}
	ops := make([]change.Op, len(req.Ops))
	for i := range req.Ops {
		ops[i] = req.Ops[i].ToOp(req.Desk)
		if ops[i].Key == "" || ops[i].Seq == 0 || len(ops[i].Fields) == 0 {
			return nil, fail(http.StatusBadRequest, "op %d: key, seq and fields are required", i)
		}
	}
	// A stamp far past the hub's clock would drag every replica's clock
	// ahead and win every clash: the desk re-dates its ops and resends.
	future := change.MakeHLC(time.Now().Add(wire.MaxFuture).UnixMilli(), 0xffff)
	for i := range ops {
		if ops[i].HLC > future {
			return nil, fail(http.StatusConflict, "op %s is stamped %s, more than %v past the hub's clock: this desk's clock is wrong",
				ops[i].ID(), ops[i].HLC.Time().UTC().Format(time.RFC3339), wire.MaxFuture)
		}
	}
	var acked uint64
	var refused []wire.Refusal
	var diverged *wire.Divergence
	err := h.store.Update("desk:"+desk.Name, func(tx *store.Tx) error {
		refused, diverged = refused[:0], nil // a retried transaction starts over
		if err := h.bind(tx, desk, req.Desk); err != nil {
			return err
		}
		ackKey := "acked/" + req.Desk
		acked = tx.ReplicaUint(ackKey)
		if d, err := h.checkHistory(tx, desk, &req, ops, acked); err != nil || d != nil {
			if d != nil {
				d.Chain = chainAt(tx, req.Desk, d.Acked)
			}
			diverged = d
			return err
		}
		if req.Chain != nil {
			if err := h.checkChain(tx, desk, req.Desk, ops, req.Chain); err != nil {
				return err
			}
		} else if _, chained := tx.DeskChainHead(req.Desk); chained && len(ops) > 0 {
			// A desk whose chain the hub holds does not drop it (an older
			// movedesk put back, or ops made up outside it).
			return failKind(http.StatusConflict, wire.CodeChain,
				"desk %s: ops without the hash chain the hub holds of this desk: nothing of this sync was applied (run movedesk audit verify on the desk, and tell the office)", desk.Name)
		}
		was := acked
		fresh := ops[:0:0]
		batch := map[string]bool{} // cases created earlier in this batch
		users := officeUsers{}
		for i := range ops {
			op := &ops[i]
			if op.Desk != req.Desk {
				return fail(http.StatusForbidden, "op %s is not this desk's (%s)", op.ID(), req.Desk)
			}
			refKey := "refused/" + req.Desk + "/" + strconv.FormatUint(op.Seq, 10)
			if op.Seq <= acked {
				// Sent before, answer lost: say again what was refused.
				if why := tx.ReplicaString(refKey); why != "" {
					refused = append(refused, wire.Refusal{Seq: op.Seq, Reason: why})
				}
				continue
			}
			// The office first: a record of another office is never
			// answered with its values.
			err := h.authorize(tx, desk, op, batch)
			var cur map[string]json.RawMessage
			if err == nil {
				if err = h.authorizeRole(tx, desk, op, users); err != nil {
					// The author may not: the desk takes this office's
					// record back, as for any refused change.
					fields := make([]string, 0, len(op.Fields))
					for f := range op.Fields {
						fields = append(fields, f)
					}
					var cerr error
					if cur, cerr = tx.Current(op.Key, fields); cerr != nil {
						return cerr
					}
					if _, creating := op.Fields["number"]; creating && tx.ReplicaString(creatorKey(op.Key)) == desk.Name {
						// A creation refused: the number is not taken.
						if cerr = tx.SetReplicaString(creatorKey(op.Key), ""); cerr != nil {
							return cerr
						}
					}
				}
			}
			if err != nil {
				var he *httpError
				if !errors.As(err, &he) || he.code != http.StatusForbidden {
					return err
				}
				// One op the desk may not write must not hold back the
				// rest of its work: acknowledge it unapplied, remember why.
				refused = append(refused, wire.Refusal{Seq: op.Seq, Reason: he.msg, Current: cur})
				if err := tx.SetReplicaString(refKey, he.msg); err != nil {
					return err
				}
				acked = max(acked, op.Seq)
				continue
			}
			fresh = append(fresh, *op)
		}
		if acked > was {
			// The instance and op last acknowledged: a new instance that
			// knows less than acked and lacks that op comes from another
			// history.
			if err := noteAcked(tx, &req, ops, acked); err != nil {
				return err
			}
		}
		if len(fresh) == 0 {
			if acked == was {
				return nil
			}
			return tx.SetReplicaUint(ackKey, acked)
		}
		mr, err := tx.Merge(fresh, store.MergeOptions{
			// The desk had seen every hub op up to its cursor, and its own,
			// but for those its store lost and asks back (a restore): those
			// clash with what it wrote since like another desk's.
			Seen: func(pos uint64, local *change.Op) bool {
				if pos <= req.Cursor {
					return true
				}
				lost := req.Recover != nil && local.Seq > req.Recover.From && local.Seq <= req.Recover.To
				return local.Desk == req.Desk && !lost
			},
			Union: true,
			Actor: "hub",
			// Every clash the hub finds is published to the office's desks.
			Publish:       true,
			Authoritative: true,
		})
		if err != nil {
			return err
		}
		for _, rf := range mr.Refused {
			if no, _ := booking.SplitKey(rf.Op.Key); no == rf.Op.Key && tx.ReplicaString(creatorKey(no)) == desk.Name {
				if _, creating := rf.Op.Fields["number"]; creating {
					// The creation was refused: the number is not taken.
					if err := tx.SetReplicaString(creatorKey(no), ""); err != nil {
						return err
					}
				}
			}
			// An op breaking an invariant is refused alone, like one the
			// desk may not write: acknowledged unapplied, with its reason.
			why := fmt.Sprintf("op %s: %s", rf.Op.ID(), refusalText(rf.Err))
			fields := make([]string, 0, len(rf.Op.Fields))
			for f := range rf.Op.Fields {
				fields = append(fields, f)
			}
			cur, err := tx.Current(rf.Op.Key, fields)
			if err != nil {
				return err
			}
			refused = append(refused, wire.Refusal{Seq: rf.Op.Seq, Reason: why, Current: cur})
			if err := tx.SetReplicaString("refused/"+req.Desk+"/"+strconv.FormatUint(rf.Op.Seq, 10), why); err != nil {
				return err
			}
		}
		var newest change.HLC
		for _, op := range fresh {
			acked = max(acked, op.Seq)
			newest = max(newest, op.HLC)
		}
		if acked > was {
			if err := noteAcked(tx, &req, ops, acked); err != nil {
				return err
			}
		}
		if ahead := time.Until(newest.Time()); ahead > time.Minute {
			// Written before the desk learned the hub's time (see
			// desksync.SkewTolerance): they still merge by their stamps.
			h.logf("desk %s (%s) sent changes stamped %v ahead of the hub's clock; check its clock", desk.Name, req.Desk, ahead.Round(time.Second))
		}
		return tx.SetReplicaUint(ackKey, acked)
	})
	if err != nil {
		return nil, err
	}
	if diverged != nil {
		h.logf("desk %s (%s): store instance %s is behind what the hub acknowledged (it knew %d, the hub %d): restored or copied; it recovers",
			desk.Name, req.Desk, req.Instance, diverged.Pushed, diverged.Acked)
		return &wire.SyncResponse{Acked: acked, Cursor: req.Cursor, Diverged: diverged}, nil
	}
	resp := &wire.SyncResponse{Acked: acked, Refused: refused}
	for _, r := range refused {
		h.logf("desk %s: refused op %s:%d: %s", desk.Name, req.Desk, r.Seq, r.Reason)
	}
	limit := h.Limit
	if req.Limit > 0 && req.Limit < limit {
		limit = req.Limit
	}
	err = h.store.View(func(tx *store.Tx) error {
		resp.Head = h.store.LogLenTx(tx)
		resp.Cursor = req.Cursor
		if req.Cursor > resp.Head {
			// A cursor from another hub (or a restored one): start over.
			resp.Cursor = 0
		}
		for len(resp.Ops) < limit && resp.Cursor < resp.Head {
			ents, err := tx.Log(resp.Cursor, 4*limit)
			if err != nil {
				return err
			}
			if len(ents) == 0 {
				break
			}
			for _, e := range ents {
				resp.Cursor = e.Pos
				op := e.Op
				own := op.Desk == req.Desk && req.Recover != nil && op.Seq > req.Recover.From && op.Seq <= req.Recover.To
				if (op.Desk == req.Desk && !own) || !(strings.HasPrefix(op.Key, "~") || op.Office == desk.Office) {
					continue
				}
				if o := booking.SharedOffice(op.Key); o != "" && o != desk.Office {
					continue // an office's users and policy go to its own desks only
				}
				resp.Ops = append(resp.Ops, wire.FromOp(&op, false))
				if len(resp.Ops) >= limit {
					break
				}
			}
		}
		resp.More = resp.Cursor < resp.Head
		return nil
	})
	if err != nil {
		return nil, err
	}
	h.seen.note(desk.Name, Seen{At: time.Now().UTC().Truncate(time.Second), Store: req.Desk,
		Behind: resp.Head - resp.Cursor, Pushed: len(ops)})
	return resp, nil
}

// refusalText is a refusal's reason as the desk lists it: the rule's code,
// field and message, cut to a bounded length (the value that broke the rule
// may be huge and is never echoed whole).
func refusalText(err error) string {
	msg := err.Error()
	if code := booking.ErrorCode(err); code != "" {
		msg = code + ": " + msg
	}
	if len(msg) > 300 {
		cut := 300
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}

// checkHistory finds a store that went back in time (restored from a copy,
// a copied machine, two machines on one data directory): an instance other
// than the one last acknowledged that knows less than the hub acknowledged
// from this desk. Its ops at or below that would be taken as already
// received and dropped, so nothing of the request is applied: the answer
// says so (a Divergence) and the desk renumbers its own unacknowledged ops,
// asks its lost ones back and adopts a new lineage. The lineage it leaves
// is marked gone: another copy still holding it is refused from then on.
// The same instance sending again (its answer lost) is an ordinary resend,
// and so is a new one that still holds the op acknowledged last (the desk
// restarted before the answer came: see sameHistory).
func (h *Server) checkHistory(tx *store.Tx, desk Desk, req *wire.SyncRequest, ops []change.Op, acked uint64) (*wire.Divergence, error) {
	goneKey := "gone/" + req.Desk + "/" + req.Lineage
	if by := tx.ReplicaString(goneKey); req.Lineage != "" && by != "" && by != req.Instance {
		return nil, failKind(http.StatusForbidden, wire.CodeStoreCopy,
			"desk %s: this copy of the desk's store was left behind: another copy of it (restored or copied) synced since and took over; two live copies of one desk are refused", desk.Name)
	}
	last := tx.ReplicaString(ackInstKey(req.Desk))
	if last == "" || last == req.Instance || req.Pushed >= acked {
		return nil, nil
	}
	if same, err := sameHistory(tx, req, ops, acked); same || err != nil {
		return nil, err // reopened after a lost answer: a resend
	}
	if req.Lineage != "" {
		if err := tx.SetReplicaString(goneKey, req.Instance); err != nil {
			return nil, err
		}
	}
	return &wire.Divergence{Acked: acked, Pushed: req.Pushed}, nil
}

// bind ties a token to the first desk id that uses it: a token copied to a
// second store is refused rather than mixing two desks' op ids.
func (h *Server) bind(tx *store.Tx, desk Desk, id string) error {
	key := "bind/" + desk.Name
	switch have := tx.ReplicaString(key); have {
	case id:
		return nil
	case "":
		if other := tx.ReplicaString("desk/" + id); other != "" && other != desk.Name {
			// A store whose token was revoked (leaked, say) goes on with
			// the new token its office issued; a live desk's is not taken.
			if was, ok := h.reg.named(other); !ok || was.Revoked == nil || was.Office != desk.Office {
				return fail(http.StatusForbidden, "desk id %s belongs to desk %s", id, other)
			}
			h.logf("desk %s takes over store %s from revoked desk %s", desk.Name, id, other)
		}
		if err := tx.SetReplicaString("desk/"+id, desk.Name); err != nil {
			return err
		}
		return tx.SetReplicaString(key, id)
	default:
		return fail(http.StatusForbidden, "token of desk %s is bound to store %s, not %s", desk.Name, have, id)
	}
}

// authorize checks that a desk may write op: only its own office's cases,
// never shared records. It fills op.Office. (authorizeRole checks its
// author first.)
func (h *Server) authorize(tx *store.Tx, desk Desk, op *change.Op, batch map[string]bool) error {
	caseNo, _ := booking.SplitKey(op.Key)
	if caseNo == "" {
		return fail(http.StatusForbidden, "op %s: desks cannot write shared record %s", op.ID(), op.Key)
	}
	var c struct {
		Office string `json:"office"`
	}
	found, err := tx.Get(caseNo, &c)
	if err != nil {
		return err
	}
	if !found && batch[caseNo] {
		found, c.Office = true, desk.Office
	}
	if found && c.Office != desk.Office {
		return fail(http.StatusForbidden, "op %s: case %s belongs to office %s, not %s", op.ID(), caseNo, c.Office, desk.Office)
	}
	// A record of a case the hub does not hold goes on to the invariants,
	// which refuse it as any path does (booking: belongs-to-case).
	if v, ok := op.Fields["office"]; (ok || !found) && op.Key == caseNo && string(v) != `"`+desk.Office+`"` {
		return fail(http.StatusForbidden, "op %s: desk of office %s cannot place case %s in office %s", op.ID(), desk.Office, caseNo, v)
	}
	if tx.ReplicaString(clashKey(desk.Name, caseNo)) != "" {
		return fail(http.StatusForbidden, "op %s: case number %s is another desk's case; this one stays on this desk, unsent", op.ID(), caseNo)
	}
	if _, creating := op.Fields["number"]; creating && op.Key == caseNo {
		// Only a new record's op names its number. Desks number new cases
		// offline, each in its own block; should two still meet, the later
		// is refused whole (never blended into the other family's case).
		switch creator := tx.ReplicaString(creatorKey(caseNo)); {
		case !found:
			if err := tx.SetReplicaString(creatorKey(caseNo), desk.Name); err != nil {
				return err
			}
		case creator != "" && creator != desk.Name:
			if err := tx.SetReplicaString(clashKey(desk.Name, caseNo), creator); err != nil {
				return err
			}
			return fail(http.StatusForbidden, "op %s: case number %s was already used by another desk of office %s; this desk's case stays here, unsent: record it again under a new number",
				op.ID(), caseNo, desk.Office)
		}
	}
	if op.Key == caseNo {
		batch[caseNo] = true
	}
	op.Office = desk.Office
	return nil
}

// creatorKey remembers which desk created a case (replica meta at the hub).
func creatorKey(caseNo string) string { return "creator/" + caseNo }

// clashKey marks a desk whose case creation met another desk's number.
func clashKey(desk, caseNo string) string { return "clash/" + desk + "/" + caseNo }

// Serve runs srv on ln (nil: a plain listener on srv.Addr; Listen gives one
// with the connection limits) until ctx is done, then shuts it down
// gracefully (in-flight syncs finish and commit before their answers).
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, certFile, keyFile string) error {
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", srv.Addr); err != nil {
			return err
		}
	}
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(ln, certFile, keyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 30e9)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
