package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"movedesk/change"
)

// TestChainCatchesAByteChangedInAnOp changes one byte of one op inside the
// bbolt file; verify names that op and nothing before it.
func TestChainCatchesAByteChangedInAnOp(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Desk: "dtest"})
	if err != nil {
		t.Fatal(err)
	}
	no := "RBA-2026-000001"
	if err := s.PutRecords("amina", sampleCase(no)...); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFields("karim", no, []Assignment{{"notes", "call sponsor Zeta"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFields("karim", no, []Assignment{{"notes", "sponsor called"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.VerifyChain()
	if err != nil || rep.Break != nil || rep.Ops != 5 {
		t.Fatalf("intact store: %+v %v", rep, err)
	}
	s.Close()

	path := filepath.Join(dir, FileName)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pat := []byte(`"fields":{"notes":"call sponsor Zeta"}`)
	if bytes.Count(raw, pat) == 0 {
		t.Fatal("op not found in the file")
	}
	raw = bytes.ReplaceAll(raw, pat, []byte(`"fields":{"notes":"call sponsor Zetb"}`))
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err = s.VerifyChain()
	if err != nil {
		t.Fatal(err)
	}
	b := rep.Break
	if b == nil {
		t.Fatal("a changed op went unnoticed")
	}
	if b.Desk != "dtest" || b.Seq != 4 || b.Pos != 4 || b.Key != no || !strings.Contains(b.What, "differ") {
		t.Fatalf("break = %+v", b)
	}
	if rep.Ops != 3 {
		t.Fatalf("checked %d ops before the break, want 3", rep.Ops)
	}
}

// TestChainMigrationChainsAnExistingLog: a store from before the chain gets
// its whole log chained when opened, and new ops link on.
func TestChainMigrationChainsAnExistingLog(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Desk: "dtest"})
	if err != nil {
		t.Fatal(err)
	}
	no := "RBA-2026-000001"
	if err := s.PutRecords("amina", sampleCase(no)...); err != nil {
		t.Fatal(err)
	}
	s.Close()
	mig := -1
	for i, m := range migrations {
		if strings.HasPrefix(m.name, "hash-chain the change log") {
			mig = i
		}
	}
	if mig < 0 {
		t.Fatal("no chain migration")
	}
	// Back to the schema before it, without the chain.
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bChain); err != nil {
			return err
		}
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], uint64(mig))
		return tx.Bucket(bMeta).Put(kSchema, v[:])
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetFields("karim", no, []Assignment{{"notes", "after the migration"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.VerifyChain()
	if err != nil || rep.Break != nil || rep.Ops != 4 {
		t.Fatalf("migrated store: %+v %v", rep, err)
	}
}

// TestChainSurvivesRenumberAndRestamp: a restore's renumbering and a
// clock's re-dating rewrite unsent ops, and the chain follows them.
func TestChainSurvivesRenumberAndRestamp(t *testing.T) {
	s := openTemp(t)
	no := "RBA-2026-000001"
	if err := s.PutRecords("a", sampleCase(no)...); err != nil {
		t.Fatal(err)
	}
	pushed := s.LogLen()
	s.Update("sync", func(tx *Tx) error { return tx.SetReplicaUint(MetaPushed, pushed) })
	for _, v := range []string{"one", "two"} {
		if err := s.Update("a", func(tx *Tx) error {
			obj, _, _ := tx.object(no)
			obj["assignee"] = json.RawMessage(`"` + v + `"`)
			return tx.PutObject(no, "case", obj)
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Update("sync", func(tx *Tx) error {
		_, err := tx.Renumber(pushed, pushed+5, time.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.VerifyChain(); err != nil || rep.Break != nil || rep.Ops != 5 {
		t.Fatalf("after renumber: %+v %v", rep, err)
	}
	if err := s.Update("sync", func(tx *Tx) error {
		_, err := tx.Restamp(pushed+5, 0, s.Clock().Now()+1000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.VerifyChain(); err != nil || rep.Break != nil || rep.Ops != 5 {
		t.Fatalf("after restamp: %+v %v", rep, err)
	}
}

// TestChainOfAnEncryptedStore: the links are sealed with the store's key
// like the ops, and verify with it.
func TestChainOfAnEncryptedStore(t *testing.T) {
	key := make([]byte, KeySize)
	key[0] = 7
	codec, err := NewAESCodec(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := Open(dir, Options{Desk: "dtest", Codec: codec})
	if err != nil {
		t.Fatal(err)
	}
	no := "RBA-2026-000001"
	if err := s.PutRecords("amina", sampleCase(no)...); err != nil {
		t.Fatal(err)
	}
	if err := s.Update("sync", func(tx *Tx) error { return tx.SetOwnChain(3, change.DigestBytes([]byte("x"))) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir, Options{Codec: codec})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep, err := s.VerifyChain(); err != nil || rep.Break != nil || rep.Ops != 3 {
		t.Fatalf("encrypted store: %+v %v", rep, err)
	}
	s.View(func(tx *Tx) error {
		if seq, h := tx.OwnChain(); seq != 3 || h != change.DigestBytes([]byte("x")) {
			t.Fatalf("own chain %d %s", seq, h)
		}
		return nil
	})
}
