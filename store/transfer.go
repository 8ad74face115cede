package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
	return s + ": " + e.message()
}

// message is the error without the field name a domain error repeats.
func (e *ImportError) message() string {
	var de *booking.Error
	if errors.As(e.Err, &de) && de.Field == e.Field {
		return de.Message
	}
	return e.Err.Error()
}

func (e *ImportError) Unwrap() error { return e.Err }

// MaxImportErrors is how many failed lines an import lists before it stops
// reading.
const MaxImportErrors = 50

// ImportErrors are the failed lines of an import, in file order. Nothing
// of the file was imported.
type ImportErrors struct {
	Errs []*ImportError
	// Stopped is set when the import stopped reading at MaxImportErrors.
	Stopped bool
}

func (e *ImportErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d line(s) failed", len(e.Errs))
	if e.Stopped {
		fmt.Fprintf(&b, " (stopped reading after %d)", MaxImportErrors)
	}
	for _, le := range e.Errs {
		b.WriteString("\n  ")
		b.WriteString(le.Error())
	}
	return b.String()
}

// Unwrap returns the line errors.
func (e *ImportErrors) Unwrap() []error {
	out := make([]error, len(e.Errs))
	for i, le := range e.Errs {
		out[i] = le
	}
	return out
}

// ImportOptions say how Import takes its lines.
type ImportOptions struct {
	// Restore loads an export into an empty store as it is: every line is
	// a whole record, checked (values, text, its case and traveller by the
	// end of the file) but with its status taken as it is. It is refused
	// into a store that holds cases.
	Restore bool
	// Gate gives the ready-to-depart gate its templates and quote-engine
	// findings (nil: the default templates, findings unchecked).
	Gate func(f *booking.CaseFile) booking.GateInput
	// Entry judges the case fields a line names (name: value as text) by
	// the desk's entry rules (known airports); nil judges none.
	Entry func(fields map[string]string) error
}

// Import reads JSON Lines, {"key":..., "record":{...}} a line, in one
// transaction: every line is checked and every failure listed (up to
// MaxImportErrors) as an *ImportErrors; when any line fails nothing is
// written. A line for a record that exists changes only the fields it names
// (null clears one), and a case's status moves only through the state
// machine (ready-to-depart through the gate); a line for a new record is
// the whole record, and records of a case that is neither stored nor
// earlier in the file are refused. Every write goes through Tx.Put. A UTF-8
// byte-order mark is skipped; a file without records writes nothing. See
// ImportOptions.Restore for loading an export.
func (s *Store) Import(actor string, r io.Reader, opt ImportOptions) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	next := func() ([]byte, bool) {
		for sc.Scan() {
			line++
			b := sc.Bytes()
			if line == 1 {
				b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
			}
			if b = bytes.TrimSpace(b); len(b) > 0 {
				return b, true
			}
		}
		return nil, false
	}
	first, ok := next()
	if !ok {
		if err := sc.Err(); err != nil {
			return 0, fmt.Errorf("line %d: %w", line+1, err)
		}
		return 0, nil // nothing to import: the store is not touched
	}
	n := 0
	err := s.Update(actor, func(tx *Tx) error {
		n = 0
		if opt.Restore {
			if k, _ := tx.btx.Bucket(bRows).Cursor().First(); k != nil {
				return booking.Errorf(booking.ECONFLICT, "restore", "the store already holds cases; --restore loads an export only into an empty store")
			}
			tx.Snapshot()
		}
		im := importer{tx: tx, opt: opt, lines: map[string]int{}}
		for b, ok := first, true; ok; b, ok = next() {
			if err := im.line(b); err != nil {
				var ie *ImportError
				if !errors.As(err, &ie) {
					ie = &ImportError{Err: err}
				}
				ie.Line = line
				if im.fail(ie) {
					break
				}
				continue
			}
			im.lines[im.key] = line
			n++
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("line %d: %w", line+1, err)
		}
		if opt.Restore && !im.stopped {
			im.orphans()
		}
		if len(im.errs) > 0 {
			return &ImportErrors{Errs: im.errs, Stopped: im.stopped}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// importer checks and writes the lines of one import.
type importer struct {
	tx      *Tx
	opt     ImportOptions
	errs    []*ImportError
	stopped bool
	key     string         // the key of the line being read
	lines   map[string]int // key -> line, of the records written
	recs    []booking.Record
}

// fail records a failed line; true when the import stops reading.
func (im *importer) fail(e *ImportError) bool {
	im.errs = append(im.errs, e)
	im.stopped = len(im.errs) >= MaxImportErrors
	return im.stopped
}

func (im *importer) line(b []byte) error {
	var l Line
	im.key = ""
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return fmt.Errorf("not a {\"key\":..., \"record\":{...}} line: %v", err)
	}
	if l.Key == "" {
		return &ImportError{Field: "key", Err: fmt.Errorf("missing")}
	}
	im.key = l.Key
	fields, err := change.ToObject(l.Record)
	if err != nil || len(l.Record) == 0 || l.Record[0] != '{' {
		return &ImportError{Key: l.Key, Field: "record", Err: fmt.Errorf("must be a JSON object")}
	}
	caseNo, kind := booking.SplitKey(l.Key)
	old, exists, err := im.tx.object(l.Key)
	if err != nil {
		return &ImportError{Key: l.Key, Err: err}
	}
	obj := fields
	if exists && !im.opt.Restore {
		// Only the fields the line names change.
		obj = maps.Clone(old)
		obj.Apply(fields)
	}
	rec := booking.NewRecord(kind)
	if rec == nil && caseNo != "" && kind != KindConflict {
		// A case holds only records this build knows (as the hub and
		// every desk judge them).
		return &ImportError{Key: l.Key, Field: "kind", Err: booking.Errorf(booking.EINVALID, "kind", "unknown record kind %q", kind)}
	}
	if rec == nil {
		// Shared records and sync bookkeeping: written as fields.
		if caseNo != "" && kind != booking.KindCase && !im.tx.has(caseNo) {
			return &ImportError{Key: l.Key, Field: "case", Err: fmt.Errorf("case %s does not exist (neither stored nor earlier in the file)", caseNo)}
		}
		if err := im.tx.PutObject(l.Key, kind, obj); err != nil {
			return &ImportError{Key: l.Key, Err: err}
		}
		return nil
	}
	if err := decodeRecord(obj, rec); err != nil {
		err.Key = l.Key
		return err
	}
	if rec.Key() != l.Key || rec.CaseNumber() != caseNo {
		return &ImportError{Key: l.Key, Field: "key", Err: fmt.Errorf("key does not match the record (record key %s)", rec.Key())}
	}
	if !im.opt.Restore && caseNo != "" && kind != booking.KindCase && !im.tx.has(caseNo) {
		return &ImportError{Key: l.Key, Field: "case", Err: fmt.Errorf("case %s does not exist (neither stored nor earlier in the file)", caseNo)}
	}
	if _, ok := rec.(*booking.Case); ok && im.opt.Entry != nil && !im.opt.Restore {
		named := map[string]string{}
		for name, v := range fields {
			var s string
			if json.Unmarshal(v, &s) == nil {
				named[name] = s
			}
		}
		if err := im.opt.Entry(named); err != nil {
			return &ImportError{Key: l.Key, Field: booking.ErrorField(err), Err: err}
		}
	}
	if c, ok := rec.(*booking.Case); ok && exists && !im.opt.Restore {
		if err := im.move(c, fields); err != nil {
			return &ImportError{Key: l.Key, Field: booking.ErrorField(err), Err: err}
		}
	}
	if err := im.tx.Put(rec); err != nil {
		return &ImportError{Key: l.Key, Field: booking.ErrorField(err), Err: err}
	}
	if im.opt.Restore {
		im.recs = append(im.recs, rec)
	}
	return nil
}

// move makes a status change of a stored case go through the state
// machine, ready-to-depart through the gate: c is the case with the line's
// fields merged in, and ends as the move leaves it (held_from and
// status_reason as the move sets them: a reason comes with the line).
func (im *importer) move(c *booking.Case, fields change.Object) error {
	f, err := im.tx.CaseFile(c.Number)
	if err != nil {
		return err
	}
	if c.Status == f.Case.Status {
		return nil
	}
	to, reason := c.Status, ""
	if _, named := fields["status_reason"]; named {
		reason = c.StatusReason
	}
	g := *f
	g.Case = *c
	g.Case.Status, g.Case.HeldFrom, g.Case.StatusReason = f.Case.Status, f.Case.HeldFrom, f.Case.StatusReason
	var in booking.GateInput
	if im.opt.Gate != nil {
		in = im.opt.Gate(&g)
	}
	if err := g.MoveToWith(to, reason, in); err != nil {
		return err
	}
	*c = g.Case
	return nil
}

// orphans reports, at the end of a restore, each record whose case (or
// traveller) the file did not hold, on its own line.
func (im *importer) orphans() {
	for _, rec := range im.recs {
		no := rec.CaseNumber()
		if no == "" || rec.Kind() == booking.KindCase {
			continue
		}
		err := booking.CheckWrite(booking.Write{Key: rec.Key(), New: rec, Has: im.tx.has, Snapshot: true}, im.tx.s.rules)
		if err != nil {
			if im.fail(&ImportError{Line: im.lines[rec.Key()], Key: rec.Key(), Field: booking.ErrorField(err), Err: err}) {
				return
			}
		}
	}
}

// decodeRecord decodes fields into rec, refusing unknown fields and naming
// the field of the first value of the wrong type.
func decodeRecord(obj change.Object, rec booking.Record) *ImportError {
	dec := json.NewDecoder(bytes.NewReader(obj.Encode()))
	dec.DisallowUnknownFields()
	err := dec.Decode(rec)
	if err == nil {
		return nil
	}
	// Find the field: decode each alone into a fresh record.
	for _, f := range slices.Sorted(maps.Keys(obj)) {
		probe := booking.NewRecord(rec.Kind())
		d := json.NewDecoder(bytes.NewReader(change.Object{f: obj[f]}.Encode()))
		d.DisallowUnknownFields()
		if ferr := d.Decode(probe); ferr != nil {
			return &ImportError{Field: f, Err: fieldError(ferr)}
		}
	}
	return &ImportError{Err: err}
}

// fieldError says what was wrong with one field's value, without Go types.
func fieldError(err error) error {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return fmt.Errorf("a %s is not allowed here (want %s)", ute.Value, jsonType(ute.Type.Kind().String()))
	}
	if strings.Contains(err.Error(), "unknown field") {
		return fmt.Errorf("unknown field")
	}
	return err
}

func jsonType(goKind string) string {
	switch goKind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	}
	return goKind
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
