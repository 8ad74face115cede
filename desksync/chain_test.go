package desksync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"movedesk/central"
	"movedesk/change"
	"movedesk/desksync"
	"movedesk/store"
	"movedesk/wire"
)

// chainsAgree checks that the hub holds d's chain as d does, and that
// both stores' chains verify.
func chainsAgree(t *testing.T, d *desk) {
	t.Helper()
	var seq uint64
	var own change.Hash
	d.s.View(func(tx *store.Tx) error { seq, own = tx.OwnChain(); return nil })
	var head store.ChainLink
	var ok bool
	d.hub.store.View(func(tx *store.Tx) error { head, ok = tx.DeskChainHead(d.s.Desk()); return nil })
	if !ok || head.Seq != seq || head.Hash != own {
		t.Fatalf("desk %s: own chain %d %s, hub's %v %d %s", d.s.Desk(), seq, own.Short(), ok, head.Seq, head.Hash.Short())
	}
	for _, s := range []*store.Store{d.s, d.hub.store} {
		rep, err := s.VerifyChain()
		if err != nil || rep.Break != nil {
			t.Fatalf("%s: %+v %v", s.Desk(), rep.Break, err)
		}
	}
}

// TestHubKeepsEachDesksChain: two desks of one office sync in turns; the
// hub holds each one's chain as the desk does, link by link.
func TestHubKeepsEachDesksChain(t *testing.T) {
	h := newHub(t)
	a, b := newDesk(t, h, "RBA", "rba-1"), newDesk(t, h, "RBA", "rba-2")
	cases := fill(t, a.s, 3, "RBA", 1)
	a.sync(t)
	b.sync(t)
	edit(t, b.s, cases[0], "assignee", "from.b")
	edit(t, a.s, cases[1], "assignee", "from.a")
	b.sync(t)
	a.sync(t)
	chainsAgree(t, a)
	chainsAgree(t, b)
	rep, _ := h.store.VerifyChain()
	if rep.Desks["rba-1"] == 0 || rep.Desks["rba-2"] != 1 {
		t.Fatalf("hub's desk chains: %v", rep.Desks)
	}
}

// TestHubRefusesAPushThatDoesNotLink: a desk whose chain is not the one
// the hub received (its history was altered) is refused whole, in words,
// and nothing of it is applied.
func TestHubRefusesAPushThatDoesNotLink(t *testing.T) {
	h := newHub(t)
	d := newDesk(t, h, "RBA", "rba-1")
	cases := fill(t, d.s, 2, "RBA", 1)
	d.sync(t)
	seq := uint64(0)
	d.s.View(func(tx *store.Tx) error { seq, _ = tx.OwnChain(); return nil })
	if err := d.s.Update("x", func(tx *store.Tx) error {
		return tx.SetOwnChain(seq, change.DigestBytes([]byte("another history")))
	}); err != nil {
		t.Fatal(err)
	}
	edit(t, d.s, cases[0], "assignee", "after.change")
	_, err := d.client(nil).Sync(context.Background(), d.s, h.srv.URL, d.token, nil)
	var he *desksync.HTTPError
	if !errors.As(err, &he) || he.Status != 409 || he.Code != wire.CodeChain {
		t.Fatalf("push that does not link: %v", err)
	}
	if !strings.Contains(he.Msg, "rba-1:") || !strings.Contains(he.Msg, "nothing of this sync was applied") {
		t.Fatalf("reason: %s", he.Msg)
	}
	if txt := desksync.ErrorText(err); !strings.Contains(txt, "movedesk audit verify") {
		t.Fatalf("words: %s", txt)
	}
	if got := fieldOf(t, h.store, cases[0], "assignee"); got == `"after.change"` {
		t.Fatal("the refused push reached the hub")
	}
	if n, _ := d.s.Waiting(); n != 1 {
		t.Fatalf("%d waiting, want the edit kept", n)
	}
}

// TestHubRestoredFromAnOlderBackup: a hub put back from a backup older than
// a desk's last push holds less of its chain than the desk; it takes the
// desk's chain from where the desk stands, and both verify.
func TestHubRestoredFromAnOlderBackup(t *testing.T) {
	h := newHub(t)
	d := newDesk(t, h, "RBA", "rba-1")
	cases := fill(t, d.s, 3, "RBA", 1)
	d.sync(t)
	backup := filepath.Join(t.TempDir(), "hub.db")
	if _, err := h.store.Backup(backup); err != nil {
		t.Fatal(err)
	}
	edit(t, d.s, cases[0], "assignee", "lost.at.the.hub")
	d.sync(t)

	// The hub's store goes back to the backup.
	h.srv.Close()
	h.store.Close()
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.dir, store.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(h.dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := central.New(s, h.dir)
	srv.Log = func(string, ...any) {}
	h.store, h.h = s, srv
	h.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(h.srv.Close)

	edit(t, d.s, cases[1], "assignee", "after.the.restore")
	if r := d.sync(t); r.Pushed != 1 {
		t.Fatalf("pushed %d", r.Pushed)
	}
	chainsAgree(t, d)
	if got := fieldOf(t, h.store, cases[1], "assignee"); got != `"after.the.restore"` {
		t.Fatalf("hub holds %s", got)
	}
}

// TestHubRefusesOpsWithoutTheChain: once the hub holds a desk's chain, a
// push of that desk carrying ops without it is refused whole.
func TestHubRefusesOpsWithoutTheChain(t *testing.T) {
	h := newHub(t)
	d := newDesk(t, h, "RBA", "rba-1")
	cases := fill(t, d.s, 1, "RBA", 1)
	d.sync(t)
	var lin string
	d.s.Update("x", func(tx *store.Tx) error { lin, _ = tx.Lineage(); return nil })
	st, _ := d.s.ReplicaState()
	body, err := wire.Encode(wire.SyncRequest{Desk: d.s.Desk(), Cursor: st.Cursor, Proto: wire.Proto, Instance: d.s.Instance(),
		Pushed: st.Pushed, Lineage: lin, Ops: []wire.Op{{Seq: st.Pushed + 100, Actor: "x", HLC: 1, Key: cases[0],
			Fields: map[string]json.RawMessage{"notes": json.RawMessage(`"unchained"`)}}}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+wire.Path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+d.token)
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var eb wire.ErrorBody
	wire.Decode(res.Body, wire.MaxBody, &eb)
	if res.StatusCode != http.StatusConflict || eb.Code != wire.CodeChain || !strings.Contains(eb.Error, "without the hash chain") {
		t.Fatalf("unchained push: %d %+v", res.StatusCode, eb)
	}
	if got := fieldOf(t, h.store, cases[0], "notes"); got == `"unchained"` {
		t.Fatal("the unchained op reached the hub")
	}
}

// withChain links req's ops to the chain the hub holds of desk id, as that
// desk's movedesk would: for tests that craft a real desk's requests.
func withChain(t *testing.T, h *hub, id string, req *wire.SyncRequest) *wire.SyncRequest {
	t.Helper()
	var head store.ChainLink
	h.store.View(func(tx *store.Tx) error { head, _ = tx.DeskChainHead(id); return nil })
	prev := head.Hash
	for i := range req.Ops {
		op := req.Ops[i].ToOp(id)
		prev = change.Link(prev, op.Digest())
	}
	req.Chain = &wire.Chain{PrevSeq: head.Seq, Last: prev.String()}
	if head.Seq > 0 {
		req.Chain.Prev = head.Hash.String()
	}
	return req
}
