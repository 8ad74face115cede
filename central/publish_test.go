package central_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/store"
	"movedesk/tariffs"
)

func templatesPub(t *testing.T, label string) *central.Publication {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"default": map[string]any{
		"counselling": []any{map[string]any{"key": "k", "label": label}}}})
	return &central.Publication{Actor: "office", Templates: &booking.TemplatesRecord{Version: 1, Templates: raw}}
}

// TestPublicationAppliedOnce: a publication whose file is still there after
// its commit (the hub stopped in between) is not applied a second time.
func TestPublicationAppliedOnce(t *testing.T) {
	dir, s := openHub(t)
	p := templatesPub(t, "First")
	if err := central.QueuePublication(dir, p); err != nil {
		t.Fatal(err)
	}
	queued, _ := os.ReadFile(filepath.Join(dir, central.PublishDir, p.ID+".json"))
	rs, err := central.ApplyPublications(s, dir)
	if err != nil || len(rs) != 1 || !rs[0].OK {
		t.Fatalf("apply: %v %+v", err, rs)
	}
	os.WriteFile(filepath.Join(dir, central.PublishDir, p.ID+".json"), queued, 0o600)
	if rs, err := central.ApplyPublications(s, dir); err != nil || len(rs) != 1 || !rs[0].OK {
		t.Fatalf("apply again: %v %+v", err, rs)
	}
	var rec booking.TemplatesRecord
	s.View(func(tx *store.Tx) error { _, err := tx.Get(booking.TemplatesKey, &rec); return err })
	if rec.Version != 1 || rec.PublishedBy != "office" {
		t.Fatalf("templates record %+v: want version 1 by office", rec)
	}
	// The next publication is version 2.
	central.QueuePublication(dir, templatesPub(t, "Second"))
	central.ApplyPublications(s, dir)
	s.View(func(tx *store.Tx) error { _, err := tx.Get(booking.TemplatesKey, &rec); return err })
	if rec.Version != 2 || !strings.Contains(string(rec.Templates), "Second") {
		t.Fatalf("templates record %+v: want version 2", rec)
	}
}

// TestPublicationRefusedChangesNothing: activating an unknown version fails
// the whole publication, templates included.
func TestPublicationRefusedChangesNothing(t *testing.T) {
	dir, s := openHub(t)
	p := templatesPub(t, "Ignored")
	p.Activate = "NO-SUCH"
	if err := central.QueuePublication(dir, p); err != nil {
		t.Fatal(err)
	}
	rs, err := central.ApplyPublications(s, dir)
	if err != nil || len(rs) != 1 || rs[0].OK || !strings.Contains(rs[0].Message, `no tariff version "NO-SUCH"`) {
		t.Fatalf("apply: %v %+v", err, rs)
	}
	s.View(func(tx *store.Tx) error {
		for _, k := range []string{booking.TemplatesKey, tariffs.ActiveKey} {
			if _, ok, _ := tx.GetRaw(k); ok {
				t.Errorf("%s written by a refused publication", k)
			}
		}
		return nil
	})
	if r, ok, _ := central.PublicationResult(dir, p.ID); !ok || r.OK {
		t.Fatalf("result %+v %v", r, ok)
	}
	if err := central.QueuePublication(dir, &central.Publication{Actor: "office"}); err == nil {
		t.Error("empty publication queued")
	}
}
