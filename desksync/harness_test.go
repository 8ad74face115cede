package desksync_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"movedesk/wire"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/change"
	"movedesk/demo"
	"movedesk/desksync"
	"movedesk/store"
)

// hub is a real hub on 127.0.0.1 over a real temp store.
type hub struct {
	dir   string
	store *store.Store
	srv   *httptest.Server
	h     *central.Server
}

func newHub(t testing.TB) *hub {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{Desk: "hub"})
	if err != nil {
		t.Fatal(err)
	}
	h := central.New(s, dir)
	h.Log = func(string, ...any) {}
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(func() { srv.Close(); s.Close() })
	return &hub{dir: dir, store: s, srv: srv, h: h}
}

func (h *hub) token(t testing.TB, office, name string) string {
	t.Helper()
	tok, err := central.AddDesk(h.dir, office, name)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// desk is one desk store with its token.
type desk struct {
	s     *store.Store
	token string
	hub   *hub
}

func newDesk(t testing.TB, h *hub, office, name string) *desk {
	t.Helper()
	s, err := store.Open(t.TempDir(), store.Options{Desk: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &desk{s: s, token: h.token(t, office, name), hub: h}
}

func (d *desk) sync(t tbi) desksync.Result {
	t.Helper()
	r, err := d.client(nil).Sync(context.Background(), d.s, d.hub.srv.URL, d.token, nil)
	if err != nil {
		t.Fatalf("sync %s: %v", d.s.Desk(), err)
	}
	return r
}

func (d *desk) client(rt http.RoundTripper) *desksync.Client {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return &desksync.Client{HTTP: &http.Client{Transport: rt}}
}

// fill writes n demo cases of office into s.
func fill(t testing.TB, s *store.Store, n int, office string, seed uint64) []string {
	t.Helper()
	var batch []booking.Record
	var cases []string
	flush := func() {
		if err := s.Update("demo", func(tx *store.Tx) error {
			for _, r := range batch {
				if err := tx.Put(r); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		batch = batch[:0]
	}
	err := demo.Generate(demo.Options{Cases: n, Seed: seed, Office: office, Today: booking.MustDate("2026-11-22")}, func(recs []booking.Record) error {
		for _, r := range recs {
			if c, ok := r.(*booking.Case); ok {
				cases = append(cases, c.Number)
			}
		}
		batch = append(batch, recs...)
		if len(batch) > 2000 {
			flush()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	flush()
	return cases
}

// edit sets one top-level field of a record as a local write.
func edit(t tbi, s *store.Store, key, field string, value any) {
	t.Helper()
	v, _ := json.Marshal(value)
	if err := s.Update("tester", func(tx *store.Tx) error {
		raw, ok, err := tx.GetRaw(key)
		if err != nil || !ok {
			t.Fatalf("edit %s: %v %v", key, ok, err)
		}
		obj, err := change.ToObject(raw)
		if err != nil {
			return err
		}
		obj[field] = v
		_, kind := booking.SplitKey(key)
		return tx.PutObject(key, kind, obj)
	}); err != nil {
		t.Fatal(err)
	}
}

// hashOf hashes the Export lines whose key passes keep.
func hashOf(t tbi, s *store.Store, keep func(key string) bool) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := s.Export(&buf); err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line == "" {
			continue
		}
		var l struct {
			Key    string         `json:"key"`
			Record map[string]any `json:"record"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatal(err)
		}
		if keep == nil || keep(l.Key) {
			// Canonical form: a record written locally keeps its struct's
			// field order, one merged from sync has sorted keys.
			b, _ := json.Marshal(l)
			h.Write(append(b, '\n'))
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func caseKeys(key string) bool { return !strings.HasPrefix(key, "~") }

func office(s *store.Store, code string) func(string) bool {
	return func(key string) bool {
		no, _ := booking.SplitKey(key)
		if no == "" {
			return false
		}
		var c struct {
			Office string `json:"office"`
		}
		_ = s.View(func(tx *store.Tx) error { _, err := tx.Get(no, &c); return err })
		return c.Office == code
	}
}

// counting counts body bytes both ways and requests.
type counting struct {
	rt       http.RoundTripper
	up, down atomic.Int64
	requests atomic.Int64
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.requests.Add(1)
	if r.ContentLength > 0 {
		c.up.Add(r.ContentLength)
	}
	resp, err := c.rt.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &countBody{ReadCloser: resp.Body, n: &c.down}
	return resp, nil
}

type countBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

var _ = httptest.NewServer

// restart stops the hub and starts a new one on the same data directory.
func (h *hub) restart(t testing.TB) {
	t.Helper()
	h.srv.Close()
	if err := h.store.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(h.dir, store.Options{Desk: "hub"})
	if err != nil {
		t.Fatal(err)
	}
	h.store = s
	h.h = central.New(s, h.dir)
	h.h.Log = func(string, ...any) {}
	srv := httptest.NewUnstartedServer(h.h.Handler())
	// Same address, so desks keep their URL.
	srv.Listener.Close()
	ln, err := net.Listen("tcp", strings.TrimPrefix(h.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	h.srv = srv
	t.Cleanup(func() { srv.Close(); s.Close() })
}

type posted struct {
	status int
	body   wire.SyncResponse
	err    string
}

// post sends a raw sync request.
func post(t testing.TB, h *hub, token string, req *wire.SyncRequest) posted {
	t.Helper()
	if req.Proto == 0 {
		req.Proto = wire.Proto
	}
	if req.Instance == "" {
		req.Instance = "i-test"
	}
	body, err := wire.Encode(req)
	if err != nil {
		t.Fatal(err)
	}
	return postRaw(t, h, token, body)
}

func postRaw(t testing.TB, h *hub, token string, body []byte) posted {
	t.Helper()
	hr, _ := http.NewRequest(http.MethodPost, h.srv.URL+wire.Path, bytes.NewReader(body))
	if token != "" {
		hr.Header.Set("Authorization", "Bearer "+token)
	}
	hr.Header.Set("Accept-Encoding", "gzip")
	r, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	p := posted{status: r.StatusCode}
	if r.StatusCode == 200 {
		if err := wire.Decode(r.Body, 1<<30, &p.body); err != nil {
			t.Fatal(err)
		}
	} else {
		var eb wire.ErrorBody
		_ = wire.Decode(r.Body, 1<<20, &eb)
		p.err = eb.Error
	}
	return p
}

// tbi is what the helpers need of a test: *testing.T or *rapid.T.
type tbi interface {
	Helper()
	Fatal(...any)
	Fatalf(string, ...any)
}
