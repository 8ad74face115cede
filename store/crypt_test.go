package store

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testCipher(t *testing.T, fill byte) *AESCodec {
	c, err := NewAESCodec(bytes.Repeat([]byte{fill}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEncryptedStoreHidesBiodataAndNeedsItsKey(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Codec: testCipher(t, 1)})
	if err != nil {
		t.Fatal(err)
	}
	s.PutRecords("a", sampleCase("RBA-2026-000001")...)
	s.SetFields("a", "RBA-2026-000001", []Assignment{{"notes", "survivor of torture"}})
	s.Close()
	raw, _ := os.ReadFile(filepath.Join(dir, FileName))
	for _, secret := range []string{"Haddad", "survivor of torture", "P123"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("%q is readable in the encrypted store file", secret)
		}
	}
	for name, opts := range map[string]Options{
		"not this store's key": {Codec: testCipher(t, 2)},
		"is encrypted":         {},
	} {
		if _, err := Open(dir, opts); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("open with %s: %v", name, err)
		}
	}
	s, err = Open(dir, Options{Codec: testCipher(t, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := s.CaseFile("RBA-2026-000001")
	if err != nil || f.Case.Notes != "survivor of torture" || f.Travellers[0].FamilyName != "Haddad" {
		t.Fatalf("reading back: %v %+v", err, f)
	}
	h, _ := s.History("RBA-2026-000001")
	if len(h) != 4 {
		t.Fatalf("history through the cipher: %d ops", len(h))
	}
}

func TestPlainStoreRefusesAKey(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir, Options{})
	s.Close()
	if _, err := Open(dir, Options{Codec: testCipher(t, 1)}); err == nil || !strings.Contains(err.Error(), "is not encrypted") {
		t.Fatalf("plain store with key: %v", err)
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "key")
	os.WriteFile(f, []byte(NewKey()+"\n"), 0o600)
	if k, err := ReadKeyFile(f); err != nil || len(k) != KeySize {
		t.Fatalf("good key file: %v", err)
	}
	os.Chmod(f, 0o644)
	if _, err := ReadKeyFile(f); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("world-readable key file accepted: %v", err)
	}
	os.WriteFile(f, []byte("abcd"), 0o600)
	os.Chmod(f, 0o600)
	if _, err := ReadKeyFile(f); err == nil || !strings.Contains(err.Error(), "hex-encoded") {
		t.Fatalf("short key accepted: %v", err)
	}
}
