package wire

import (
	"bytes"
	"compress/gzip"
	"errors"
	"runtime"
	"strings"
	"testing"
)

func gz(t *testing.T, parts ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	for _, p := range parts {
		zw.Write([]byte(p))
	}
	zw.Close()
	return b.Bytes()
}

// TestDecodeLimitedStrings: a string over the limit, as a value or a key,
// plain or escaped, is refused; one at the limit passes.
func TestDecodeLimitedStrings(t *testing.T) {
	lim := Limits{Body: MaxBody, String: 16}
	for _, tc := range []struct {
		body string
		err  error
	}{
		{`{"desk":"0123456789abcdef","cur":1}`, nil},
		{`{"desk":"0123456789abcdefg","cur":1}`, ErrStringTooLong},
		{`{"desk":"\\\\\\\\\\\\\\\\\\","cur":1}`, ErrStringTooLong}, // 18 bytes as sent
		{`{"desk":"a\"b","cur":1,"ops":[{"s":1,"h":1,"k":"K","f":{"01234567890123456":1}}]}`, ErrStringTooLong},
		{`{"desk":"a\"b","cur":1,"ops":[{"s":1,"h":1,"k":"K","f":{"notes":"0123456789abcdef"}}]}`, nil},
	} {
		var req SyncRequest
		err := DecodeLimited(bytes.NewReader(gz(t, tc.body)), lim, &req)
		if !errors.Is(err, tc.err) && !(tc.err == nil && err == nil) {
			t.Errorf("%s: got %v, want %v", tc.body, err, tc.err)
		}
	}
}

// TestDecodeLimitedHugeString: a 16 MiB string (16 KB compressed) is
// refused having allocated a small fraction of it.
func TestDecodeLimitedHugeString(t *testing.T) {
	big := strings.Repeat("A", 16<<20)
	body := gz(t, `{"desk":"d","cur":0,"ops":[{"s":1,"h":1,"k":"RBA-2026-000001","f":{"notes":"`, big, `"}}]}`)
	big = ""
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var req SyncRequest
	err := DecodeLimited(bytes.NewReader(body), Limits{Body: MaxBody, String: 64 << 10}, &req)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrStringTooLong) {
		t.Fatalf("got %v", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Fatalf("allocated %d bytes refusing it", got)
	}
}

func TestExcerpt(t *testing.T) {
	if got := Excerpt("a\x1b]0;x\a", 80); got != `a\x1b]0;x\a` {
		t.Fatalf("got %q", got)
	}
	got := Excerpt(strings.Repeat("é", 100), 11)
	if got != strings.Repeat("é", 5)+"… (200 bytes)" {
		t.Fatalf("got %q", got)
	}
}
