package desksync_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"movedesk/desksync"
	"movedesk/wire"
)

// TestOldDeskIsToldToUpgrade: a request as protocol 1 wrote it (the golden
// file) gets a 426 from a real hub, with its code; a desk reading such an
// answer says in words to upgrade.
func TestOldDeskIsToldToUpgrade(t *testing.T) {
	h := newHub(t)
	tok := h.token(t, "RBA", "old-1")
	plain, err := os.ReadFile("../wire/testdata/request-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	zw := gzip.NewWriter(&body)
	zw.Write(plain)
	zw.Close()
	hr, _ := http.NewRequest(http.MethodPost, h.srv.URL+wire.Path, &body)
	hr.Header.Set("Authorization", "Bearer "+tok)
	hr.Header.Set("Accept-Encoding", "gzip")
	r, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var eb wire.ErrorBody
	if err := wire.DecodeAnswer(r.Body, 1<<20, &eb); err != nil {
		t.Fatal(err)
	}
	if r.StatusCode != http.StatusUpgradeRequired || eb.Code != wire.CodeUpgrade || !strings.Contains(eb.Error, "upgrade movedesk") {
		t.Fatalf("v1 request: %d %+v", r.StatusCode, eb)
	}
	if n, _ := h.store.Count(); n != 0 {
		t.Fatalf("the hub applied a v1 request: %d cases", n)
	}

	// The desk side, from the same answer.
	d := newDesk(t, h, "RBA", "new-1")
	fake := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		wire.WriteJSON(w, r.StatusCode, eb)
	})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	_, err = d.client(nil).Sync(context.Background(), d.s, srv.URL, d.token, nil)
	txt := desksync.ErrorText(err)
	if !strings.Contains(txt, "too old for the hub") || !strings.Contains(txt, "upgrade movedesk on this desk") {
		t.Fatalf("words: %s", txt)
	}
}
