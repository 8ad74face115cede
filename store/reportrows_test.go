package store

import (
	"encoding/binary"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/reports"
)

// reportFacts returns every case's stored facts by case number.
func reportFacts(t *testing.T, s *Store) map[string]reports.CaseFacts {
	t.Helper()
	out := map[string]reports.CaseFacts{}
	if err := s.View(func(tx *Tx) error {
		return tx.ReportFacts(func(x *reports.CaseFacts) error {
			out[x.Number] = *x.Clone()
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// assertFactsCurrent checks that every case's stored facts are those of
// its case file now.
func assertFactsCurrent(t *testing.T, s *Store) {
	t.Helper()
	got := reportFacts(t, s)
	rows, err := s.AllRows()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("%d report rows for %d cases", len(got), len(rows))
	}
	for _, r := range rows {
		f, err := s.CaseFile(r.Number)
		if err != nil {
			t.Fatal(err)
		}
		if want := reports.Facts(f); !reflect.DeepEqual(got[r.Number], want) {
			t.Fatalf("%s:\n stored %+v\n   want %+v", r.Number, got[r.Number], want)
		}
	}
}

// A user's write and a merged op from another desk change the case's
// report row in the same transaction.
func TestReportRowFollowsWritesAndMerges(t *testing.T) {
	s := openTemp(t)
	no := "RBA-2026-000001"
	if err := s.PutRecords("amina", sampleCase(no)...); err != nil {
		t.Fatal(err)
	}
	assertFactsCurrent(t, s)
	if err := s.SetFields("karim", no, []Assignment{{"assignee", "karim"}, {"traveller.1.family_name", "Haddad-Ali"}}); err != nil {
		t.Fatal(err)
	}
	x := reportFacts(t, s)[no]
	if x.Assignee != "karim" || len(x.People) != 1 || x.People[0].Name != "HADDAD-ALI, Omar" {
		t.Fatalf("after the edit: %+v", x)
	}
	assertFactsCurrent(t, s)

	// A traveller added at another desk arrives by sync.
	tr, _ := change.ToObject([]byte(`{"case":"` + no + `","member":2,"family_name":"Haddad","given_names":"Lina","birth_date":"2015-05-05","sex":"F"}`))
	if err := s.Update("sync", func(tx *Tx) error {
		return tx.ApplyRemote(change.Op{Desk: "other", Seq: 1, HLC: tx.s.clock.Now(), Actor: "lina", Kind: booking.KindTraveller,
			Key: booking.TravellerKey(no, 2), Fields: tr})
	}); err != nil {
		t.Fatal(err)
	}
	x = reportFacts(t, s)[no]
	if x.Travellers != 2 || x.Person(2) == nil || x.Person(2).Name != "HADDAD, Lina" {
		t.Fatalf("after the merge: %+v", x)
	}
	assertFactsCurrent(t, s)

	// A write that fails leaves the row as it was.
	before := reportFacts(t, s)[no]
	_ = s.Update("karim", func(tx *Tx) error {
		if err := tx.PutObject(no, booking.KindCase, change.Object{"number": []byte(`"` + no + `"`), "office": []byte(`"RBA"`),
			"programme": []byte(`"USRAP"`), "status": []byte(`"received"`), "assignee": []byte(`"zed"`)}); err != nil {
			return err
		}
		return errTest
	})
	if after := reportFacts(t, s)[no]; !reflect.DeepEqual(before, after) {
		t.Fatalf("a rolled-back write changed the row: %+v", after)
	}
}

var errTest = &booking.Error{Code: booking.EINVALID, Field: "test", Message: "rolled back"}

// A store made before the report rows gets them from its migration (found
// by name); rows of another facts version are made again when the store is
// opened for writing, and read from the case files until then.
func TestReportRowsMigrationAndVersion(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Desk: "dmig"})
	if err != nil {
		t.Fatal(err)
	}
	for _, no := range []string{"RBA-2026-000001", "RBA-2026-000002", "RBA-2026-000003"} {
		if err := s.PutRecords("amina", sampleCase(no)...); err != nil {
			t.Fatal(err)
		}
	}
	want := reportFacts(t, s)
	// Back to the schema before the migration, without the bucket.
	at := slices.IndexFunc(migrations, func(m migration) bool {
		return m.name == "keep a report row per case (reportrows): what the reports read of it"
	})
	if at < 0 {
		t.Fatal("no report rows migration")
	}
	if err := s.db.Update(func(btx *bolt.Tx) error {
		if err := btx.DeleteBucket(bReportRows); err != nil {
			return err
		}
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(at))
		return btx.Bucket(bMeta).Put(kSchema, b[:])
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Read-only, the migration cannot run: the facts come from the files.
	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := reportFacts(t, ro); !reflect.DeepEqual(got, want) {
		t.Fatalf("read-only before the migration:\n got %+v\nwant %+v", got, want)
	}
	ro.Close()

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.View(func(tx *Tx) error {
		if n := tx.btx.Bucket(bReportRows).Stats().KeyN; n != 3 {
			t.Errorf("the migration made %d rows, want 3", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	assertFactsCurrent(t, s)

	// Rows of another facts version: a stale row and version mark.
	if err := s.db.Update(func(btx *bolt.Tx) error {
		if err := btx.Bucket(bReportRows).Put([]byte("RBA-2026-000002"), []byte{reports.FactsVersion + 1, 0xff}); err != nil {
			return err
		}
		return btx.Bucket(bMeta).Put(kReportFacts, u64(reports.FactsVersion+1))
	}); err != nil {
		t.Fatal(err)
	}
	if got := reportFacts(t, s); !reflect.DeepEqual(got, want) {
		t.Fatalf("a row of another version is not read from its file:\n got %+v", got["RBA-2026-000002"])
	}
	s.Close()
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.View(func(tx *Tx) error {
		v := tx.btx.Bucket(bMeta).Get(kReportFacts)
		raw := tx.btx.Bucket(bReportRows).Get([]byte("RBA-2026-000002"))
		if binary.BigEndian.Uint64(v) != reports.FactsVersion || len(raw) < 3 {
			t.Errorf("not rebuilt on open: version %x, row %x", v, raw)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	assertFactsCurrent(t, s)
}

// An encrypted store seals its report rows like every other value.
func TestReportRowsSealed(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	codec, err := NewAESCodec(key)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.TempDir(), Options{Desk: "dc", Codec: codec})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetReportGate(func(tx *Tx) (uint64, func(f *booking.CaseFile) []booking.GateItem) {
		return 7, func(f *booking.CaseFile) []booking.GateItem {
			return []booking.GateItem{{Code: "booking", Message: "open " + f.Case.Number}}
		}
	})
	no := "RBA-2026-000001"
	if err := s.PutRecords("amina", append(sampleCase(no), activeBooking(no, "B1", at700))...); err != nil {
		t.Fatal(err)
	}
	if err := s.View(func(tx *Tx) error {
		raw := tx.btx.Bucket(bReportRows).Get([]byte(no))
		var x reports.CaseFacts
		if raw == nil || x.UnmarshalBinary(raw) == nil || strings.Contains(string(raw), no) {
			t.Errorf("the row is readable without the key: %q", raw)
		}
		g := tx.btx.Bucket(bReportGates).Get([]byte(no))
		if g == nil || strings.Contains(string(g), no) {
			t.Errorf("the gate items are readable without the key: %q", g)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if g := reportGates(t, s)[no]; g.Stamp != 7 || len(g.Items) != 1 || g.Items[0].Message != "open "+no {
		t.Fatalf("sealed gate: %+v", g)
	}
}

// reportGates returns every case's stored gate, its items loaded.
func reportGates(t *testing.T, s *Store) map[string]reports.GateFacts {
	t.Helper()
	out := map[string]reports.GateFacts{}
	if err := s.View(func(tx *Tx) error {
		return tx.ReportFacts(func(x *reports.CaseFacts) error {
			if x.Gate.Loaded {
				t.Error("items loaded with the row")
			}
			if err := tx.LoadReportGate(x); err != nil {
				return err
			}
			out[x.Number] = x.Clone().Gate
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// With a gate judge set, the row of an open booked case keeps the stamp
// and its open items are kept beside it; a case whose gate is open keeps
// none, nor one no longer judged (cancelled); a rebuild judges anew.
func TestReportRowKeepsTheGate(t *testing.T) {
	s := openTemp(t)
	s.SetReportGate(func(tx *Tx) (uint64, func(f *booking.CaseFile) []booking.GateItem) {
		return 7, func(f *booking.CaseFile) []booking.GateItem {
			var out []booking.GateItem
			for _, tr := range f.Travellers {
				if tr.MedicalValidUntil.IsZero() {
					out = append(out, booking.GateItem{Code: "medical-clearance", Traveller: tr.Member, Message: "no clearance for " + tr.FullName()})
				}
			}
			return out
		}
	})
	no, no2 := "RBA-2026-000001", "RBA-2026-000002"
	for _, n := range []string{no, no2} {
		if err := s.PutRecords("amina", append(sampleCase(n), activeBooking(n, "B1", at700, ac837))...); err != nil {
			t.Fatal(err)
		}
	}
	gates := func() map[string]reports.GateFacts { return reportGates(t, s) }
	kept := func(n string) bool {
		return s.db.View(func(btx *bolt.Tx) error {
			if btx.Bucket(bReportGates).Get([]byte(n)) != nil {
				return errTest
			}
			return nil
		}) != nil
	}
	if g := gates()[no]; g.Stamp != 7 || !g.Loaded || len(g.Items) != 1 || g.Items[0].Message != "no clearance for HADDAD, Omar" || !kept(no) {
		t.Fatalf("booked: %+v", g)
	}
	if err := s.SetFields("karim", no, []Assignment{{"traveller.1.medical_valid_until", "2027-06-01"}}); err != nil {
		t.Fatal(err)
	}
	if g := gates()[no]; g.Stamp != 7 || len(g.Items) != 0 || kept(no) {
		t.Fatalf("gate open: %+v, or its items still kept", g)
	}
	c := sampleCase(no)[0].(*booking.Case)
	c.Status, c.StatusReason = booking.StatusCancelled, "withdrew"
	if err := s.PutRecords("karim", c); err != nil {
		t.Fatal(err)
	}
	if g := gates()[no]; g.Stamp != 0 || len(g.Items) != 0 {
		t.Fatalf("cancelled: %+v", g)
	}
	// Another stamp, rows remade: judged again under it.
	s.SetReportGate(func(tx *Tx) (uint64, func(f *booking.CaseFile) []booking.GateItem) {
		return 9, func(*booking.CaseFile) []booking.GateItem { return []booking.GateItem{{Code: "booking", Message: "x"}} }
	})
	if err := s.db.Update(func(btx *bolt.Tx) error { return rebuildReportRows(btx, s) }); err != nil {
		t.Fatal(err)
	}
	if g := gates(); g[no2].Stamp != 9 || len(g[no2].Items) != 1 || g[no].Stamp != 0 || kept(no) {
		t.Fatalf("after a rebuild: %+v", g)
	}
}

// rowsBuckets returns every key and value of the report row buckets, and
// how many leaf pages they take and how full those are.
func rowsBuckets(t *testing.T, s *Store) (kv map[string]string, pages int, fill float64) {
	t.Helper()
	kv = map[string]string{}
	inuse := 0
	if err := s.db.View(func(btx *bolt.Tx) error {
		for _, name := range [][]byte{bReportRows, bReportGates} {
			b := btx.Bucket(name)
			st := b.Stats()
			pages += st.LeafPageN + st.LeafOverflowN
			inuse += st.LeafInuse
			if err := b.ForEach(func(k, v []byte) error {
				kv[string(name)+"/"+string(k)] = string(v)
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return kv, pages, float64(inuse) / float64(pages*s.db.Info().PageSize)
}

// A store whose report rows were written one at a time (pages half full)
// has them packed by the migration: the same bytes under the same keys in
// far fewer pages, and the same facts read back.
func TestPackReportRowsMigration(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Desk: "dpack"})
	if err != nil {
		t.Fatal(err)
	}
	fillDemo(t, s, 600)
	wantFacts := reportFacts(t, s)
	// As an older build left them: rewritten in an order of their own,
	// split half full.
	kv, _, _ := rowsBuckets(t, s)
	if err := s.db.Update(func(btx *bolt.Tx) error {
		for _, name := range [][]byte{bReportRows, bReportGates} {
			if err := btx.DeleteBucket(name); err != nil {
				return err
			}
			b, err := btx.CreateBucket(name)
			if err != nil {
				return err
			}
			b.FillPercent = 0.5
		}
		keys := slices.Sorted(maps.Keys(kv))
		for i := range keys { // from both ends inwards
			k := keys[i/2]
			if i%2 == 1 {
				k = keys[len(keys)-1-i/2]
			}
			name, key, _ := strings.Cut(k, "/")
			if err := btx.Bucket([]byte(name)).Put([]byte(key), []byte(kv[k])); err != nil {
				return err
			}
		}
		at := slices.IndexFunc(migrations, func(m migration) bool { return strings.HasPrefix(m.name, "pack the report rows") })
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(at))
		return btx.Bucket(bMeta).Put(kSchema, b[:])
	}); err != nil {
		t.Fatal(err)
	}
	_, before, fillBefore := rowsBuckets(t, s)
	s.Close()

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, after, fill := rowsBuckets(t, s)
	if !maps.Equal(got, kv) {
		t.Fatalf("the migration changed the rows: %d keys, want %d", len(got), len(kv))
	}
	if after*10 > before*7 || fill < 0.8 {
		t.Fatalf("%d pages %.0f%% full after the migration, %d pages %.0f%% full before", after, 100*fill, before, 100*fillBefore)
	}
	if !reflect.DeepEqual(reportFacts(t, s), wantFacts) {
		t.Fatal("the facts read back differ after the migration")
	}
	t.Logf("%d pages %.0f%% full, were %d pages %.0f%% full", after, 100*fill, before, 100*fillBefore)
}

// The piped read of an encrypted store's rows (decrypted straight into
// its batches) gives every case's facts as the plain read does, in order,
// across batches, with a row of another facts version read from its file.
func TestReportFactsPipedSealed(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(3 * i)
	}
	codec, err := NewAESCodec(key)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.TempDir(), Options{Desk: "dp", Codec: codec})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fillDemo(t, s, 2*pipedBatch+37)
	// One row of another version, as an older build left it.
	var old string
	if err := s.db.Update(func(btx *bolt.Tx) error {
		k, _ := btx.Bucket(bReportRows).Cursor().First()
		old = string(k)
		sealed, err := codec.Seal(binary.AppendUvarint(nil, reports.FactsVersion+7))
		if err != nil {
			return err
		}
		return btx.Bucket(bReportRows).Put(k, sealed)
	}); err != nil {
		t.Fatal(err)
	}
	want := map[string]reports.CaseFacts{}
	var order []string
	if err := s.View(func(tx *Tx) error {
		return tx.ReportFacts(func(x *reports.CaseFacts) error {
			want[x.Number] = *x.Clone()
			order = append(order, x.Number)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := s.View(func(tx *Tx) error {
		return tx.ReportFactsPiped(reports.NeedAll, func(x *reports.CaseFacts) error {
			if w, ok := want[x.Number]; !ok || !reflect.DeepEqual(*x.Clone(), w) {
				t.Errorf("%s: piped facts differ", x.Number)
			}
			got = append(got, x.Number)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, order) || len(got) != 2*pipedBatch+37 || want[old].Office == "" {
		t.Fatalf("%d cases piped, %d read; the old row %s read as %+v", len(got), len(order), old, want[old].Office)
	}
}
