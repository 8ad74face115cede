package wire

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func gzFuzz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// FuzzDecodeSyncRequest feeds the hub's request decoder (gzip, string cap,
// strict JSON, delta unpacking) arbitrary plain bodies. A request it
// accepts must encode back to one that decodes to the same request.
func FuzzDecodeSyncRequest(f *testing.F) {
	golden, _ := filepath.Glob("testdata/*request*.json")
	for _, g := range golden {
		if b, err := os.ReadFile(g); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"desk":"d1","cur":3,"ops":[{"s":4,"h":100,"k":"RBA-2026-000001","f":{"status":"\"booked\""}},{"h":2,"k":"RBA-2026-000001/traveller/01","f":{"ssr":["WCHR"]}}],"lim":2000}`))
	f.Add([]byte(`{"desk":"d1","cur":0,"ops":[{"d":"-","s":0,"h":-5,"k":"x","f":null},{"d":"d2","h":1,"k":"y","f":{}}]}`))
	f.Add([]byte(`{"desk":"\u0000","cur":18446744073709551615}`))
	f.Add([]byte(`not json`))
	f.Add([]byte(`{"desk":"d","cur":1,"ops":[{"d":"x","s":1,"h":1,"k":"a","f":{}},{"d":"x","s":0,"h":1,"k":"a","f":{}}]}`))
	f.Fuzz(func(t *testing.T, plain []byte) {
		var req SyncRequest
		lim := Limits{Body: MaxBody, Plain: 1 << 20, String: 4096}
		if err := DecodeLimited(bytes.NewReader(gzFuzz(plain)), lim, &req); err != nil {
			return
		}
		b1, err := json.Marshal(req)
		if err != nil {
			t.Fatalf("accepted request does not encode: %v", err)
		}
		var again SyncRequest
		if err := DecodeLimited(bytes.NewReader(gzFuzz(b1)), Limits{Body: MaxBody}, &again); err != nil {
			t.Fatalf("re-encoded request refused: %v\n%s", err, b1)
		}
		b2, _ := json.Marshal(again)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("round trip changed the request:\n%s\n%s", b1, b2)
		}
		if len(again.Ops) != len(req.Ops) {
			t.Fatalf("ops %d, then %d", len(req.Ops), len(again.Ops))
		}
		for i := range req.Ops {
			if req.Ops[i].Seq != again.Ops[i].Seq || req.Ops[i].Desk != again.Ops[i].Desk || req.Ops[i].HLC != again.Ops[i].HLC {
				t.Fatalf("op %d: %+v became %+v", i, req.Ops[i], again.Ops[i])
			}
		}
	})
}
