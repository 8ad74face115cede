package desksync_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"movedesk/booking"
	"movedesk/desksync"
	"movedesk/store"
)

// FuzzDeskResponse has a desk holding one case of its own sync with a hub
// that answers its first request with an arbitrary (plain) body, then with
// an empty answer: the desk merges what it accepts, refuses the rest, and
// never panics nor loops.
func FuzzDeskResponse(f *testing.F) {
	f.Add([]byte(`{"ack":1,"cur":3,"head":3,"ops":[{"d":"d2","s":1,"h":1,"k":"RBA-2026-000002","f":{"number":"RBA-2026-000002","office":"RBA","programme":"USRAP","status":"received"}},{"h":1,"k":"RBA-2026-000002/traveller/01","f":{"case":"RBA-2026-000002","member":1}}]}`))
	f.Add([]byte(`{"ack":3,"cur":0,"ref":[{"seq":1,"why":"no","cur":{"priority":2}}]}`))
	f.Add([]byte(`{"ack":1,"cur":1,"ops":[{"d":"hub","s":1,"h":1,"k":"~escort/HQ-01","f":{"id":"HQ-01","name":"A","type":"medical"}}],"future":{"x":1}}`))
	f.Add([]byte(`{"ack":1,"cur":1,"ops":[{"d":"d2","s":1,"h":1,"k":"RBA-2026-000001","f":{"_deleted":true}}]}`))
	f.Add([]byte(`{"ack":18446744073709551615,"cur":18446744073709551615,"more":true}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b := body
			if n.Add(1) > 1 {
				b = []byte(`{"ack":0,"cur":0}`)
			}
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(b)
			zw.Close()
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(buf.Bytes())
		}))
		defer srv.Close()
		s, err := store.Open(t.TempDir(), store.Options{Desk: "d1", NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		no := "RBA-2026-000001"
		if err := s.PutRecords("a", &booking.Case{Number: no, Programme: "USRAP", Office: "RBA", Status: booking.StatusReceived,
			Received: booking.MustDate("2026-09-01"), Priority: 3}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c := &desksync.Client{HTTP: srv.Client()}
		_, _ = c.Sync(ctx, s, srv.URL, "t", nil)
		if n.Load() > 3 {
			t.Fatalf("%d requests for one answer", n.Load())
		}
	})
}
