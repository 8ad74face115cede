package central_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"movedesk/central"
	"movedesk/store"
)

// FuzzPublicationFile drops an arbitrary file into a hub's publish queue
// and applies it to a fresh store: a failed result, never a panic or a
// store error, and the file leaves the queue either way.
func FuzzPublicationFile(f *testing.F) {
	f.Add([]byte(`{"id":"x","actor":"hq","queued":"2026-11-22T10:00:00Z","activate":"embedded"}`))
	f.Add([]byte(`{"actor":"hq","escorts":[{"id":"HQ-07","name":"Amina Idrissi","type":"medical","languages":["ar","fr"]}]}`))
	f.Add([]byte(`{"actor":"hq","templates":{"templates":{"USRAP":{"travel_loan":true}}}}`))
	f.Add([]byte(`{"actor":"hq","tariffs":{"version":"v1","tables":{}}}`))
	f.Add([]byte(`{"actor":"hq","activate":"../../etc"}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p struct {
			Backup json.RawMessage `json:"backup"`
		}
		if json.Unmarshal(data, &p) == nil && p.Backup != nil {
			t.Skip("a backup request writes a file where it names")
		}
		dir := t.TempDir()
		s, err := store.Open(dir, store.Options{Desk: "hub", NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		q := filepath.Join(dir, central.PublishDir)
		if err := os.MkdirAll(q, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(q, "20260101T000000.000000000Z-fuzz.json"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		res, err := central.ApplyPublications(s, dir)
		if err != nil {
			t.Fatalf("store error on a publication file: %v", err)
		}
		if len(res) != 1 {
			t.Fatalf("%d results", len(res))
		}
		if left, _ := central.PendingPublications(dir); len(left) != 0 {
			t.Fatalf("still queued: %v", left)
		}
	})
}
