package store

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// secretsOf collects what must not be readable in an encrypted file:
// family names, document numbers and ABN numbers of the cases.
func secretsOf(t *testing.T, s *Store) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if len(v) >= 4 && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	rows, err := s.AllRows()
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		add(r.ABNNumber)
		if i%7 != 0 {
			continue
		}
		f, err := s.CaseFile(r.Number)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range f.Travellers {
			add(tr.FamilyName)
		}
		for _, d := range f.Documents {
			add(d.Number)
		}
	}
	return out
}

func TestEncryptMigratesAPlainStoreInPlace(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fillDemo(t, s, 300)
	secrets := secretsOf(t, s)
	rows, _ := s.AllRows()
	var abn, abnCase string
	for _, r := range rows {
		if r.ABNNumber != "" {
			abn, abnCase = r.ABNNumber, r.Number
			break
		}
	}
	h0, _ := s.History(rows[0].Number)
	// The identity rows hold every family name and document number in the
	// clear before: the file check below covers them.
	ids := assertIdentitiesCurrent(t, s)
	if err := s.View(func(tx *Tx) error {
		if n := tx.btx.Bucket(bIdentities).Stats().KeyN; n != len(rows) {
			t.Fatalf("%d identity rows for %d cases", n, len(rows))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// A refusal's reason may quote a value: it is sealed too.
	if err := s.Update("", func(tx *Tx) error {
		return tx.RecordRefusal(1, Refusal{Op: "d1:1", Key: rows[0].Number, Reason: "family name \"Zzyxqhaddad\" refused"})
	}); err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, "Zzyxqhaddad")
	s.Close()
	raw, _ := os.ReadFile(filepath.Join(dir, FileName))
	if abn == "" || !bytes.Contains(raw, []byte(abn)) || !bytes.Contains(raw, []byte(secrets[1])) {
		t.Fatalf("the plain store should show its data (abn %q)", abn)
	}

	key := NewDataKey()
	to, _ := NewAESCodec(key)
	if err := Encrypt(dir, PlainCodec{}, to, map[string][]byte{"amina": []byte("slot-a")}); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(filepath.Join(dir, FileName))
	for _, v := range secrets {
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("%q is readable in the file after encryption", v)
		}
	}
	abns := 0
	for _, v := range secrets {
		if strings.HasPrefix(v, "ABN-") {
			abns++
		}
	}
	if len(secrets) < 50 || abns < 20 {
		t.Fatalf("only %d secrets checked (%d ABN numbers)", len(secrets), abns)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName+".encrypting")); !os.IsNotExist(err) {
		t.Fatal("temporary file left behind")
	}
	if _, err := Open(dir, Options{}); err == nil {
		t.Fatal("opened without the key")
	}
	info, err := Peek(dir)
	if err != nil || info.Codec != "aes-256-gcm" || string(info.Slots["amina"]) != "slot-a" {
		t.Fatalf("peek: %v %+v", err, info)
	}
	s, err = Open(dir, Options{Codec: to})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rf, err := s.Refusals(); err != nil || len(rf) != 1 || !strings.Contains(rf[0].Reason, "Zzyxqhaddad") {
		t.Fatalf("refusal after encryption: %v %v", rf, err)
	}
	if got, err := s.FindByABN(abn); err != nil || got != abnCase {
		t.Fatalf("find by ABN through the hashed index: %q %v", got, err)
	}
	if h, _ := s.History(rows[0].Number); len(h) != len(h0) || len(h) == 0 {
		t.Fatalf("history: %d ops, had %d", len(h), len(h0))
	}
	after, _ := s.AllRows()
	if len(after) != len(rows) || after[5].Number != rows[5].Number || after[5].ABNNumber != rows[5].ABNNumber {
		t.Fatalf("rows differ after encryption")
	}
	if got := assertIdentitiesCurrent(t, s); !slices.Equal(got, ids) {
		t.Fatalf("identity rows differ after encryption")
	}
	// Writing on goes on under the new key, with the log in order.
	if err := s.SetFields("amina", rows[0].Number, []Assignment{{"notes", "after encryption"}}); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.History(rows[0].Number); len(h) != len(h0)+1 {
		t.Fatalf("history after a write: %d", len(h))
	}
}

func TestEncryptMigratesAKeyFileStoreToANewKey(t *testing.T) {
	dir := t.TempDir()
	old := testCipher(t, 1)
	s, _ := Open(dir, Options{Codec: old})
	s.PutRecords("a", sampleCase("RBA-2026-000001")...)
	s.Close()
	to, _ := NewAESCodec(NewDataKey())
	if err := Encrypt(dir, PlainCodec{}, to, map[string][]byte{"x": {1}}); err == nil {
		t.Fatal("encrypted with the wrong codec for the source")
	}
	if err := Encrypt(dir, old, to, map[string][]byte{"x": {1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{Codec: old}); err == nil {
		t.Fatal("the key file's key still opens the store")
	}
	s, err := Open(dir, Options{Codec: to})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if f, err := s.CaseFile("RBA-2026-000001"); err != nil || f.Travellers[0].FamilyName != "Haddad" {
		t.Fatalf("%v", err)
	}
}

// sealedValues copies every value of the data buckets as it is on disk.
func sealedValues(t *testing.T, s *Store) map[string]string {
	out := map[string]string{}
	s.db.View(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bRecords, bLog, bRows, bHist, bIdx} {
			tx.Bucket(b).ForEach(func(k, v []byte) error {
				out[string(b)+"/"+string(k)] = string(v)
				return nil
			})
		}
		return nil
	})
	return out
}

func TestSlotChangesRewriteNoData(t *testing.T) {
	dir := t.TempDir()
	to, _ := NewAESCodec(NewDataKey())
	s, _ := Open(dir, Options{})
	fillDemo(t, s, 200)
	s.Close()
	if err := Encrypt(dir, PlainCodec{}, to, map[string][]byte{"amina": []byte("a1")}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{Codec: to})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := sealedValues(t, s)
	p0 := s.PagesWritten()
	// A user added, a passphrase changed, a user removed: one slot each.
	for _, ch := range []map[string][]byte{{"dario": []byte("d1")}, {"amina": []byte("a2")}, {"dario": nil}} {
		if err := s.SetSlots(ch); err != nil {
			t.Fatal(err)
		}
	}
	if w := s.PagesWritten() - p0; w > 3*4 {
		t.Fatalf("three slot changes wrote %d pages", w)
	}
	after := sealedValues(t, s)
	if len(after) != len(before) || len(before) < 1000 {
		t.Fatalf("values: %d before, %d after", len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("%s was rewritten by a slot change", k)
		}
	}
	if sl, _ := s.Slots(); len(sl) != 1 || string(sl["amina"]) != "a2" {
		t.Fatalf("slots: %v", sl)
	}
	if err := s.SetSlots(map[string][]byte{"amina": nil}); err != ErrLastSlot {
		t.Fatalf("removing the last slot: %v", err)
	}
}

func TestABNIndexOfKeyFileStoresIsHashedByMigration(t *testing.T) {
	dir := t.TempDir()
	c := testCipher(t, 3)
	s, _ := Open(dir, Options{Codec: c})
	fillDemo(t, s, 100)
	rows, _ := s.AllRows()
	abn, no := "", ""
	for _, r := range rows {
		if r.ABNNumber != "" {
			abn, no = r.ABNNumber, r.Number
		}
	}
	// As a key-file store was before the migration: plain numbers, schema before it.
	at := 0
	for i, m := range migrations {
		if m.name == migrationByName(t, "hash ABN numbers in the abn index and ABN record keys of encrypted stores").name {
			at = i
		}
	}
	s.db.Update(func(tx *bolt.Tx) error {
		if err := rebuildABNIndex(tx, PlainCodec{}); err != nil {
			// rows are sealed: rebuild by hand
			tx.Bucket(bIdx).DeleteBucket([]byte("abn"))
			b, _ := tx.Bucket(bIdx).CreateBucket([]byte("abn"))
			for _, r := range rows {
				if r.ABNNumber != "" {
					b.Put(idxKey(r.ABNNumber, r.Number), nil)
				}
			}
		}
		var v [8]byte
		v[7] = byte(at)
		return tx.Bucket(bMeta).Put(kSchema, v[:])
	})
	if _, err := s.FindByABN(abn); err == nil {
		t.Fatal("the hashed lookup found a plain index entry")
	}
	s.Close()
	s, err := Open(dir, Options{Codec: c})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.FindByABN(abn); err != nil || got != no {
		t.Fatalf("after the migration: %q %v", got, err)
	}
	s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bIdx).Bucket([]byte("abn")).ForEach(func(k, _ []byte) error {
			if bytes.HasPrefix(k, []byte(abn)) {
				t.Errorf("plain ABN number in the index: %q", k)
			}
			return nil
		})
	})
}

func migrationByName(t *testing.T, name string) migration {
	for _, m := range migrations {
		if m.name == name {
			return m
		}
	}
	t.Fatalf("no migration %q", name)
	return migration{}
}
