package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"movedesk/booking"
	"movedesk/change"
)

// Line is one record in the JSON Lines import and export format.
type Line struct {
	Key    string          `json:"key"`
	Record json.RawMessage `json:"record"`
}

// Export writes every record as JSON Lines, in key order.
func (s *Store) Export(w io.Writer) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	n := 0
	err := s.View(func(tx *Tx) error {
		return tx.Scan("", func(k string, d []byte) error {
			b, err := json.Marshal(Line{Key: k, Record: d})
			if err != nil {
				return err
			}
			bw.Write(b)
			n++
			return bw.WriteByte('\n')
		})
	})
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// ImportError names the line and field of a bad import line.
type ImportError struct {
	Line  int
	Key   string
	Field string
	Err   error
}

func (e *ImportError) Error() string {
	s := fmt.Sprintf("line %d", e.Line)
	if e.Key != "" {
		s += " (" + e.Key + ")"
	}
	if e.Field != "" {
		s += ": field " + e.Field
	}
	return s + ": " + e.Err.Error()
}

func (e *ImportError) Unwrap() error { return e.Err }

// Import reads JSON Lines and writes every record in one transaction: a bad
// line aborts the whole import and nothing is written.
func (s *Store) Import(actor string, r io.Reader) (int, error) {
	n := 0
	err := s.Update(actor, func(tx *Tx) error {
		if k, _ := tx.btx.Bucket(bRows).Cursor().First(); k == nil {
			// Into an empty store: a restore, statuses as exported.
			tx.Snapshot()
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		line := 0
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			if err := tx.importLine(b); err != nil {
				if ie, ok := err.(*ImportError); ok {
					ie.Line = line
					return ie
				}
				return &ImportError{Line: line, Err: err}
			}
			n++
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("line %d: %w", line+1, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func (tx *Tx) importLine(b []byte) error {
	var l Line
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return fmt.Errorf("not a {\"key\":..., \"record\":{...}} line: %v", err)
	}
	if l.Key == "" {
		return &ImportError{Field: "key", Err: fmt.Errorf("missing")}
	}
	caseNo, kind := booking.SplitKey(l.Key)
	rec := booking.NewRecord(kind)
	if rec == nil && caseNo != "" && kind != KindConflict {
		return &ImportError{Key: l.Key, Field: "kind", Err: booking.Errorf(booking.EINVALID, "kind", "unknown record kind %q", kind)}
	}
	if rec == nil {
		obj, err := change.ToObject(l.Record)
		if err != nil {
			return &ImportError{Key: l.Key, Field: "record", Err: err}
		}
		return tx.PutObject(l.Key, kind, obj)
	}
	dec = json.NewDecoder(bytes.NewReader(l.Record))
	dec.DisallowUnknownFields()
	if err := dec.Decode(rec); err != nil {
		field := ""
		if ute, ok := err.(*json.UnmarshalTypeError); ok {
			field = ute.Field
		}
		return &ImportError{Key: l.Key, Field: field, Err: err}
	}
	if err := rec.Validate(); err != nil {
		return &ImportError{Key: l.Key, Field: booking.ErrorField(err), Err: err}
	}
	if rec.Key() != l.Key || rec.CaseNumber() != caseNo {
		return &ImportError{Key: l.Key, Field: "key", Err: fmt.Errorf("key does not match the record (record key %s)", rec.Key())}
	}
	if err := tx.Put(rec); err != nil {
		return &ImportError{Key: l.Key, Field: booking.ErrorField(err), Err: err}
	}
	return nil
}

// Backup writes a consistent copy of the whole store file to path (mode
// 0600) while the store stays open for reads and writes: the copy is made
// from one read transaction, synced, then renamed into place, so path is
// either the old file or a complete new one. The copy opens as a store
// (with the same key when encrypted).
func (s *Store) Backup(path string) (int64, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".backup-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	var n int64
	err = s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(f)
		return err
	})
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	return n, os.Rename(f.Name(), path)
}
