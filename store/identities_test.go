package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"movedesk/booking"
	"movedesk/change"
)

// identities returns what tx.Identities (from, nil: the rows) or
// tx.IdentitiesFromRecords gives, as "case/member" lines.
func identityLines(t *testing.T, s *Store, fromRecords bool) []string {
	t.Helper()
	var out []string
	if err := s.View(func(tx *Tx) error {
		read := tx.Identities
		if fromRecords {
			read = tx.IdentitiesFromRecords
		}
		return read(func(id *Identity) error {
			docs := make([]string, len(id.Docs))
			for i, d := range id.Docs {
				docs[i] = fmt.Sprintf("{%s %s}", d.Type, d.Number)
			}
			out = append(out, fmt.Sprintf("%s/%d %q %q %s %v", id.Case, id.Member, id.Family, id.Given, id.Birth, docs))
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// assertIdentitiesCurrent checks that the identity rows say what the
// records say, and returns them.
func assertIdentitiesCurrent(t *testing.T, s *Store) []string {
	t.Helper()
	got, want := identityLines(t, s, false), identityLines(t, s, true)
	if !slices.Equal(got, want) {
		t.Fatalf("identity rows:\n%s\nrecords say:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	return got
}

// A user's write, a merged op from another desk, an import and the
// deletion of a document and of a whole case change the identity rows in
// the same transaction.
func TestIdentityRowsFollowWritesMergesImportsAndDeletes(t *testing.T) {
	s := openTemp(t)
	no, no2 := "RBA-2026-000001", "RBA-2026-000002"
	if err := s.PutRecords("amina", append(sampleCase(no), sampleCase(no2)...)...); err != nil {
		t.Fatal(err)
	}
	ids := assertIdentitiesCurrent(t, s)
	if len(ids) != 2 || ids[0] != `RBA-2026-000001/1 "Haddad" "Omar" 1980-02-29 [{passport P123}]` {
		t.Fatalf("after the first write: %q", ids)
	}
	if err := s.SetFields("karim", no, []Assignment{{"traveller.1.family_name", "Haddad-Ali"}, {"traveller.1.document.d1.number", "N7654321"}}); err != nil {
		t.Fatal(err)
	}
	if ids := assertIdentitiesCurrent(t, s); ids[0] != `RBA-2026-000001/1 "Haddad-Ali" "Omar" 1980-02-29 [{passport N7654321}]` {
		t.Fatalf("after the edit: %q", ids)
	}

	// A traveller and a document added at another desk arrive by sync.
	tr, _ := change.ToObject([]byte(`{"case":"` + no + `","member":2,"family_name":"Haddad","given_names":"Lina","birth_date":"2015-05-05","sex":"F"}`))
	doc, _ := change.ToObject([]byte(`{"case":"` + no + `","member":2,"id":"x9","type":"icrc","number":"ICRC-55501"}`))
	if err := s.Update("sync", func(tx *Tx) error {
		if err := tx.ApplyRemote(change.Op{Desk: "other", Seq: 1, HLC: tx.s.clock.Now(), Actor: "lina", Kind: booking.KindTraveller,
			Key: booking.TravellerKey(no, 2), Fields: tr}); err != nil {
			return err
		}
		return tx.ApplyRemote(change.Op{Desk: "other", Seq: 2, HLC: tx.s.clock.Now(), Actor: "lina", Kind: booking.KindDocument,
			Key: booking.DocumentKey(no, 2, "x9"), Fields: doc})
	}); err != nil {
		t.Fatal(err)
	}
	if ids := assertIdentitiesCurrent(t, s); len(ids) != 3 || ids[1] != `RBA-2026-000001/2 "Haddad" "Lina" 2015-05-05 [{icrc ICRC-55501}]` {
		t.Fatalf("after the merge: %q", ids)
	}

	// An import of a new case and of a change of birth date.
	in := `{"key":"RBA-2026-000003","record":{"number":"RBA-2026-000003","programme":"USRAP","office":"RBA","status":"received","priority":3}}` + "\n" +
		`{"key":"RBA-2026-000003/traveller/01","record":{"case":"RBA-2026-000003","member":1,"principal":true,"family_name":"Nouri","given_names":"Zahra","birth_date":"2001-05-05"}}` + "\n" +
		`{"key":"` + no2 + `/traveller/01","record":{"birth_date":"1981-02-28"}}` + "\n"
	if _, err := s.Import("karim", strings.NewReader(in), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ids = assertIdentitiesCurrent(t, s)
	if len(ids) != 4 || !strings.Contains(ids[2], `"Haddad" "Omar" 1981-02-28`) || !strings.HasPrefix(ids[3], `RBA-2026-000003/1 "Nouri"`) {
		t.Fatalf("after the import: %q", ids)
	}

	// A document deleted at another desk, then a whole case.
	if err := s.Update("sync", func(tx *Tx) error {
		return tx.ApplyRemote(change.Op{Desk: "other", Seq: 3, HLC: tx.s.clock.Now(), Actor: "lina", Kind: booking.KindDocument,
			Key: booking.DocumentKey(no, 2, "x9"), Fields: map[string]json.RawMessage{DeletedField: json.RawMessage("true")}})
	}); err != nil {
		t.Fatal(err)
	}
	if ids := assertIdentitiesCurrent(t, s); ids[1] != `RBA-2026-000001/2 "Haddad" "Lina" 2015-05-05 []` {
		t.Fatalf("after the document's deletion: %q", ids)
	}
	if err := s.Update("sync", func(tx *Tx) error {
		return tx.ApplyRemote(change.Op{Desk: "other", Seq: 4, HLC: tx.s.clock.Now(), Actor: "lina", Kind: booking.KindCase,
			Key: no2, Fields: map[string]json.RawMessage{DeletedField: json.RawMessage("true")}})
	}); err != nil {
		t.Fatal(err)
	}
	if ids := assertIdentitiesCurrent(t, s); len(ids) != 3 || slices.ContainsFunc(ids, func(l string) bool { return strings.HasPrefix(l, no2) }) {
		t.Fatalf("after the case's deletion: %q", ids)
	}
	if err := s.View(func(tx *Tx) error {
		if v := tx.btx.Bucket(bIdentities).Get([]byte(no2)); v != nil {
			t.Errorf("the deleted case keeps its identity row")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// A write that fails leaves the rows as they were.
	before := identityLines(t, s, false)
	_ = s.Update("karim", func(tx *Tx) error {
		if err := tx.Put(&booking.Traveller{Case: no, Member: 1, FamilyName: "Zed", GivenNames: "Omar", BirthDate: booking.MustDate("1980-02-29")}); err != nil {
			return err
		}
		return errTest
	})
	if after := identityLines(t, s, false); !slices.Equal(before, after) {
		t.Fatalf("a rolled-back write changed the rows: %q", after)
	}
}

// A store made before the identity rows gets them from its migration
// (found by name); read-only before it, they are read from the records.
func TestIdentityRowsMigration(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Desk: "dmig"})
	if err != nil {
		t.Fatal(err)
	}
	fillDemo(t, s, 40)
	want := identityLines(t, s, true)
	if len(want) < 80 {
		t.Fatalf("only %d travellers", len(want))
	}
	at := slices.IndexFunc(migrations, func(m migration) bool { return m.name == migrationIdentities })
	if at < 0 {
		t.Fatal("no identity rows migration")
	}
	if err := s.db.Update(func(btx *bolt.Tx) error {
		if err := btx.DeleteBucket(bIdentities); err != nil {
			return err
		}
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(at))
		return btx.Bucket(bMeta).Put(kSchema, b[:])
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := identityLines(t, ro, false); !reflect.DeepEqual(got, want) {
		t.Fatalf("read-only before the migration:\n got %q\nwant %q", got, want)
	}
	ro.Close()

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows := 0
	if err := s.View(func(tx *Tx) error {
		rows = tx.btx.Bucket(bIdentities).Stats().KeyN
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := mustCount(t, s); rows != n {
		t.Fatalf("the migration made %d rows for %d cases", rows, n)
	}
	if got := assertIdentitiesCurrent(t, s); !slices.Equal(got, want) {
		t.Fatalf("after the migration:\n got %q\nwant %q", got, want)
	}
}

// An encrypted store seals its identity rows; a row of another version is
// read from the records.
func TestIdentityRowsSealedAndVersioned(t *testing.T) {
	s, err := Open(t.TempDir(), Options{Desk: "dc", Codec: testCipher(t, 3)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	no := "RBA-2026-000001"
	if err := s.PutRecords("amina", sampleCase(no)...); err != nil {
		t.Fatal(err)
	}
	if err := s.View(func(tx *Tx) error {
		raw := tx.btx.Bucket(bIdentities).Get([]byte(no))
		if raw == nil || strings.Contains(string(raw), "Haddad") || strings.Contains(string(raw), "P123") {
			t.Errorf("the row is missing or readable without the key: %q", raw)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := assertIdentitiesCurrent(t, s)
	if err := s.db.Update(func(btx *bolt.Tx) error {
		sealed, _ := s.codec.Seal([]byte{identityVersion + 1, 0xff})
		return btx.Bucket(bIdentities).Put([]byte(no), sealed)
	}); err != nil {
		t.Fatal(err)
	}
	if got := identityLines(t, s, false); !slices.Equal(got, want) {
		t.Fatalf("a row of another version: %q, want %q", got, want)
	}
}
