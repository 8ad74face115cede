package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"movedesk/booking"
)

// Identity rows: what the duplicate check reads of each case's travellers
// (names, birth date, document numbers), kept beside the queue row and
// refreshed in the same transaction as every write to the case's records,
// local or merged by sync. The duplicate index of 100k cases is built from
// this bucket (tens of MB) instead of the case files (GB).
var bIdentities = []byte("identities")

// migrationIdentities names the migration that fills the bucket.
const migrationIdentities = "keep an identity row per case (identities): its travellers' names, birth dates and document numbers for the duplicate check"

// identityVersion leads each row; a row of another version is read from
// the case file instead. A new encoding bumps it and appends a migration
// that makes the rows again (as migrateIdentities does).
const identityVersion = 1

// Identity is one traveller as the duplicate check reads it. Its byte
// slices are the row's, valid only during the call it is given to.
type Identity struct {
	Case          string
	Member        int
	Family, Given []byte
	Birth         booking.Date
	// Docs are the traveller's documents that have a number.
	Docs []IdentityDoc
}

// IdentityDoc is one of a traveller's numbered documents.
type IdentityDoc struct {
	Type   booking.DocType
	Number []byte
}

// appendIdentityRow encodes the travellers of f (in member order) with
// their numbered documents:
//
//	version byte, then per traveller: varint member, uvarint-prefixed family
//	and given names, varint yyyymmdd birth (0: none), uvarint count of
//	documents, each a uvarint-prefixed type and number.
func appendIdentityRow(b []byte, f *booking.CaseFile) []byte {
	b = append(b, identityVersion)
	ts := slices.Clone(f.Travellers)
	slices.SortStableFunc(ts, func(x, y booking.Traveller) int { return x.Member - y.Member })
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for i := range ts {
		t := &ts[i]
		b = binary.AppendVarint(b, int64(t.Member))
		str(t.FamilyName)
		str(t.GivenNames)
		b = binary.AppendVarint(b, dateNum(t.BirthDate))
		n := 0
		for j := range f.Documents {
			if d := &f.Documents[j]; d.Member == t.Member && d.Number != "" {
				n++
			}
		}
		b = binary.AppendUvarint(b, uint64(n))
		for j := range f.Documents {
			if d := &f.Documents[j]; d.Member == t.Member && d.Number != "" {
				str(string(d.Type))
				str(d.Number)
			}
		}
	}
	return b
}

func dateNum(d booking.Date) int64 {
	if d.IsZero() {
		return 0
	}
	y, m, dd := d.Time().Date()
	return int64(y)*10000 + int64(m)*100 + int64(dd)
}

func numDate(n int64) booking.Date {
	if n == 0 {
		return booking.Date{}
	}
	return booking.NewDate(int(n/10000), time.Month(n/100%100), int(n%100))
}

var (
	errIdentityVersion = errors.New("identity row of another version")
	errIdentityShort   = errors.New("identity row cut short")
)

// identityReader walks one encoded row; what it returns aliases the row.
type identityReader struct {
	p   []byte
	err error
}

func (r *identityReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.p)
	if n <= 0 {
		r.err, r.p = errIdentityShort, nil
		return 0
	}
	r.p = r.p[n:]
	return v
}

func (r *identityReader) varint() int64 {
	v, n := binary.Varint(r.p)
	if n <= 0 {
		r.err, r.p = errIdentityShort, nil
		return 0
	}
	r.p = r.p[n:]
	return v
}

func (r *identityReader) bytes() []byte {
	n := r.uvarint()
	if n > uint64(len(r.p)) {
		r.err, r.p = errIdentityShort, nil
		return nil
	}
	b := r.p[:n:n]
	r.p = r.p[n:]
	return b
}

// docType is the document type t names, without a string made for the
// known ones.
func docType(t []byte) booking.DocType {
	for _, k := range booking.DocTypes {
		if string(t) == string(k) {
			return k
		}
	}
	return booking.DocType(t)
}

// decodeIdentityRow calls fn with each traveller of row p of case no; id
// is reused between calls, and its slices alias p.
func decodeIdentityRow(no string, p []byte, id *Identity, fn func(*Identity) error) error {
	if len(p) == 0 || p[0] != identityVersion {
		return errIdentityVersion
	}
	r := identityReader{p: p[1:]}
	for len(r.p) > 0 && r.err == nil {
		id.Case = no
		id.Member = int(r.varint())
		id.Family = r.bytes()
		id.Given = r.bytes()
		id.Birth = numDate(r.varint())
		n := r.uvarint()
		if n > uint64(len(r.p)) {
			return errIdentityShort
		}
		id.Docs = id.Docs[:0]
		for range n {
			t := docType(r.bytes())
			id.Docs = append(id.Docs, IdentityDoc{Type: t, Number: r.bytes()})
		}
		if r.err != nil {
			break
		}
		if err := fn(id); err != nil {
			return err
		}
	}
	return r.err
}

// putIdentityRow stores the travellers of case file f, or removes case
// no's row when f is nil. An unchanged row is not rewritten: most edits
// touch no name, birth date or document number.
func (tx *Tx) putIdentityRow(no string, f *booking.CaseFile) error {
	b := tx.btx.Bucket(bIdentities)
	if b == nil {
		return nil // before the migration that makes it: it fills the bucket
	}
	return putIdentityRow(b, tx.s.codec, no, f)
}

func putIdentityRow(b *bolt.Bucket, codec Codec, no string, f *booking.CaseFile) error {
	if f == nil {
		return b.Delete([]byte(no))
	}
	row := appendIdentityRow(nil, f)
	if old := b.Get([]byte(no)); old != nil {
		if p, err := codec.Open(old); err == nil && bytes.Equal(p, row) {
			return nil
		}
	}
	sealed, err := codec.Seal(row)
	if err != nil {
		return err
	}
	return b.Put([]byte(no), sealed)
}

// Identities calls fn with every traveller of every case, in case-number
// and member order: one pass over the identity rows, nothing made for
// each traveller. id is reused, and its slices are valid only during the
// call: fn copies what it keeps (id.Case may be kept). A store whose rows
// are not made yet (opened read-only before its migration), or a row of
// another version, is read from the case files.
func (tx *Tx) Identities(fn func(id *Identity) error) error {
	var id Identity
	b := tx.btx.Bucket(bIdentities)
	if b == nil {
		return tx.btx.Bucket(bRows).ForEach(func(k, _ []byte) error {
			return tx.identitiesFromFile(string(k), &id, fn)
		})
	}
	return tx.forEach(b, bIdentities, func(k, v []byte) error {
		no := string(k)
		p, err := tx.s.codec.Open(v)
		if err != nil {
			return fmt.Errorf("identity row %s: %w", no, err)
		}
		if err := decodeIdentityRow(no, p, &id, fn); errors.Is(err, errIdentityVersion) {
			return tx.identitiesFromFile(no, &id, fn)
		} else if err != nil {
			return fmt.Errorf("identity row %s: %w", no, err)
		}
		return nil
	})
}

// identityKinds are the records an identity row is made of.
var identityKinds = map[string]bool{booking.KindTraveller: true, booking.KindDocument: true}

func (tx *Tx) identitiesFromFile(no string, id *Identity, fn func(*Identity) error) error {
	f, err := tx.caseFile(no, identityKinds)
	if err != nil {
		return err
	}
	return decodeIdentityRow(no, appendIdentityRow(nil, f), id, fn)
}

// IdentitiesFromRecords is Identities read from the case files, whatever
// the identity rows say: what the rows must equal.
func (tx *Tx) IdentitiesFromRecords(fn func(id *Identity) error) error {
	var id Identity
	return tx.btx.Bucket(bRows).ForEach(func(k, _ []byte) error {
		return tx.identitiesFromFile(string(k), &id, fn)
	})
}

// migrateIdentities makes the identity rows bucket and fills it in one
// pass over the records, decoding only travellers and documents.
func migrateIdentities(btx *bolt.Tx, _ string, codec Codec) error {
	rows, err := btx.CreateBucketIfNotExists(bIdentities)
	if err != nil {
		return err
	}
	rows.FillPercent = 0.9
	recs := btx.Bucket(bRecords)
	if recs == nil {
		return nil
	}
	var f *booking.CaseFile
	flush := func() error {
		if f == nil || f.Case.Number == "" {
			return nil
		}
		return putIdentityRow(rows, codec, f.Case.Number, f)
	}
	c := recs.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		no, kind := booking.SplitKey(string(k))
		if no == "" {
			continue
		}
		if kind == booking.KindCase {
			if err := flush(); err != nil {
				return err
			}
			f = &booking.CaseFile{Case: booking.Case{Number: no}}
			continue
		}
		if f == nil || f.Case.Number != no || !identityKinds[kind] {
			continue
		}
		p, err := codec.Open(v)
		if err != nil {
			return fmt.Errorf("record %s: %w", k, err)
		}
		if err := f.Add(string(k), p); err != nil {
			return fmt.Errorf("record %s: %w", k, err)
		}
	}
	return flush()
}
