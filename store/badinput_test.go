package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"movedesk/booking"
	"movedesk/change"
)

func TestNewerSchemaIsRefusedUntouched(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.db.Update(func(tx *bolt.Tx) error {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(len(migrations)+1))
		return tx.Bucket(bMeta).Put(kSchema, b[:])
	})
	s.Close()
	before, _ := os.ReadFile(filepath.Join(dir, FileName))
	_, err = Open(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "written by a newer movedesk") {
		t.Fatalf("open newer store: %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !bytes.Equal(before, after) {
		t.Fatal("a newer store was modified")
	}
}

func TestCorruptFileIsRefusedUntouched(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir, Options{})
	s.PutRecords("a", sampleCase("RBA-2026-000001")...)
	s.Close()
	path := filepath.Join(dir, FileName)
	data, _ := os.ReadFile(path)
	for i := 0; i < 4096*2; i++ { // wreck both meta pages
		data[i] ^= 0x5a
	}
	os.WriteFile(path, data, 0o600)
	_, err := Open(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "not a movedesk store or is corrupt") {
		t.Fatalf("open corrupt: %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(data, after) {
		t.Fatal("corrupt file was modified")
	}
}

func TestForeignBoltFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	db, _ := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other-app")); return err })
	db.Close()
	_, err := Open(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "not a movedesk store") {
		t.Fatalf("open foreign bolt file: %v", err)
	}
}

func TestNewStoreFileMode(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir, Options{})
	s.Close()
	fi, _ := os.Stat(filepath.Join(dir, FileName))
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("store file mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestMigrationsEachProduceTheirSchema(t *testing.T) {
	// Every migration runs on the state its predecessors leave and the
	// result opens: one case per migration as they are appended.
	for v := range migrations {
		dir := t.TempDir()
		db, _ := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
		err := db.Update(func(tx *bolt.Tx) error {
			for i := 0; i <= v; i++ {
				if err := migrations[i].fn(tx, "dmig", PlainCodec{}); err != nil {
					return err
				}
			}
			var b [8]byte
			binary.BigEndian.PutUint64(b[:], uint64(v+1))
			return tx.Bucket(bMeta).Put(kSchema, b[:])
		})
		db.Close()
		if err != nil {
			t.Fatalf("migration %d (%s): %v", v+1, migrations[v].name, err)
		}
		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("store at schema %d does not open: %v", v+1, err)
		}
		if err := s.PutRecords("a", sampleCase("RBA-2026-000009")...); err != nil {
			t.Fatalf("store migrated from schema %d cannot write: %v", v+1, err)
		}
		if s.Desk() != "dmig" {
			t.Fatalf("desk id lost in migration: %q", s.Desk())
		}
		s.Close()
	}
}

func TestImportIsAllOrNothingAndNamesLineAndField(t *testing.T) {
	src := openTemp(t)
	src.PutRecords("a", sampleCase("RBA-2026-000001")...)
	src.PutRecords("a", sampleCase("RBA-2026-000002")...)
	var exp bytes.Buffer
	if _, err := src.Export(&exp); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(exp.String()), "\n")
	bad := map[string]string{
		`{"key":"RBA-2026-000003/traveller/01","record":{"case":"RBA-2026-000003","member":1,"family_name":"X","birth_date":"1980-01-02","ssr":["ZZZZ"]}}`: `line 4 (RBA-2026-000003/traveller/01): field ssr: unknown SSR code "ZZZZ"`,
		`{"key":"RBA-2026-000003","record":{"number":"RBA-2026-000003","status":"flying"}}`:                                                                "line 4 (RBA-2026-000003): field ",
		`not json`: "line 4: not a",
		`{"key":"RBA-2026-000003/traveller/01","record":{"case":"RBA-2026-000003","member":"one"}}`:                              "field member",
		`{"key":"RBA-2026-000004","record":{"number":"RBA-2026-000003","programme":"USRAP","office":"RBA","status":"received"}}`: "key does not match",
	}
	for line, want := range bad {
		dst := openTemp(t)
		in := strings.Join(append(append([]string{}, lines[:3]...), line), "\n")
		_, err := dst.Import("b", strings.NewReader(in), ImportOptions{Restore: true})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("import with %s: err %v, want %q", line, err, want)
		}
		if n, _ := dst.Count(); n != 0 || dst.LogLen() != 0 {
			t.Errorf("a failed import left %d cases and %d log entries", n, dst.LogLen())
		}
	}
}

func TestExportImportReproducesTheStore(t *testing.T) {
	src := openTemp(t)
	fillDemo(t, src, 300)
	src.SetStatus("a", "RBA-2026-000001", booking.StatusCancelled, "duplicate case")
	var a, b bytes.Buffer
	if _, err := src.Export(&a); err != nil {
		t.Fatal(err)
	}
	dst := openTemp(t)
	if _, err := dst.Import("b", bytes.NewReader(a.Bytes()), ImportOptions{Restore: true}); err != nil {
		t.Fatal(err)
	}
	dst.Export(&b)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("export of the imported store differs from the original export")
	}
	ra, _ := src.AllRows()
	rb, _ := dst.AllRows()
	if len(ra) != 300 || len(rb) != 300 {
		t.Fatalf("rows after round trip: %d vs %d", len(ra), len(rb))
	}
	for i := range ra {
		if ra[i].Number != rb[i].Number || ra[i].Status != rb[i].Status || ra[i].Principal != rb[i].Principal {
			t.Fatalf("row %d differs: %+v vs %+v", i, ra[i], rb[i])
		}
	}
	if r, _ := dst.Summary("RBA-2026-000001"); r.Status != booking.StatusCancelled {
		t.Fatalf("imported status %s", r.Status)
	}
}

// TestMigrationAppliedMarks: the op ids a schema-2 store remembers become
// one high-water mark per origin desk, and the ids are dropped.
func TestMigrationAppliedMarks(t *testing.T) {
	dir := t.TempDir()
	db, _ := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	err := db.Update(func(tx *bolt.Tx) error {
		for i := 0; i < 2; i++ {
			if err := migrations[i].fn(tx, "dmig", PlainCodec{}); err != nil {
				return err
			}
		}
		for _, id := range []string{"d1:3", "d1:7", "d2:2", "desk-x:12"} {
			if err := tx.Bucket(bReplica).Bucket(bApplied).Put([]byte(id), nil); err != nil {
				return err
			}
		}
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], 2)
		return tx.Bucket(bMeta).Put(kSchema, b[:])
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.View(func(tx *Tx) error {
		for _, c := range []struct {
			desk string
			seq  uint64
			want bool
		}{{"d1", 7, true}, {"d1", 5, true}, {"d1", 8, false}, {"d2", 2, true}, {"d2", 3, false}, {"desk-x", 12, true}, {"d9", 1, false}} {
			if got := tx.Applied(&change.Op{Desk: c.desk, Seq: c.seq}); got != c.want {
				t.Errorf("%s:%d applied = %v, want %v", c.desk, c.seq, got, c.want)
			}
		}
		n := 0
		tx.replica(bApplied).ForEach(func(k, _ []byte) error { n++; return nil })
		if n != 3 {
			t.Errorf("%d entries in replica/applied, want 3 marks", n)
		}
		return nil
	})
}

// TestMigrationOwnIndex: a schema-3 store's own ops after the pushed
// position are indexed, others' ops and shared records are not, and
// OwnOps and Waiting read the index.
func TestMigrationOwnIndex(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Desk: "dmig"})
	if err != nil {
		t.Fatal(err)
	}
	for _, no := range []string{"RBA-2026-000001", "RBA-2026-000002", "RBA-2026-000003"} {
		if err := s.PutRecords("a", sampleCase(no)...); err != nil {
			t.Fatal(err)
		}
	}
	var first uint64
	err = s.Update("sync", func(tx *Tx) error {
		first = tx.btx.Bucket(bLog).Sequence()
		if err := tx.ApplyRemote(change.Op{Desk: "other", Seq: 1, HLC: tx.s.clock.Now(), Kind: "escort",
			Key: "~escort/HQ-01", Fields: map[string]json.RawMessage{"name": json.RawMessage(`"A"`)}}); err != nil {
			return err
		}
		return tx.SetReplicaUint(MetaPushed, 2)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutRecords("a", sampleCase("RBA-2026-000004")...); err != nil {
		t.Fatal(err)
	}
	want, _ := s.Waiting()
	// Back to schema 3: no index.
	err = s.db.Update(func(btx *bolt.Tx) error {
		if err := btx.Bucket(bReplica).DeleteBucket(bOwn); err != nil {
			return err
		}
		return btx.Bucket(bMeta).Put(kSchema, u64(3))
	})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, _ := s.Waiting()
	if got != want || got == 0 {
		t.Fatalf("waiting after migration %d, before %d", got, want)
	}
	s.View(func(tx *Tx) error {
		ents, err := tx.OwnOps(2, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != got {
			t.Fatalf("OwnOps %d entries, Waiting %d", len(ents), got)
		}
		for _, e := range ents {
			if e.Op.Desk != "dmig" || e.Pos <= 2 || e.Pos == first+1 {
				t.Fatalf("indexed %d: %+v", e.Pos, e.Op)
			}
		}
		return nil
	})
}
