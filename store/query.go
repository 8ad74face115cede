package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	"movedesk/booking"
	"movedesk/change"
)

// Filter selects cases for List. Empty fields match everything.
type Filter struct {
	Status   booking.Status
	Office   string
	Assignee string
}

// List returns the summaries of the cases matching f, in case-number order.
// It reads the indexes and the rows only, never whole case files.
func (s *Store) List(f Filter) ([]booking.Summary, error) {
	var out []booking.Summary
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = tx.List(f)
		return err
	})
	return out, err
}

// List is Store.List inside a transaction.
func (tx *Tx) List(f Filter) ([]booking.Summary, error) {
	index, value := "", ""
	switch {
	case f.Status != "":
		index, value = "status", string(f.Status)
	case f.Office != "":
		index, value = "office", f.Office
	case f.Assignee != "":
		index, value = "assignee", f.Assignee
	}
	var out []booking.Summary
	keep := func(r booking.Summary) bool {
		return (f.Status == "" || r.Status == f.Status) && (f.Office == "" || r.Office == f.Office) &&
			(f.Assignee == "" || r.Assignee == f.Assignee)
	}
	if index == "" {
		err := tx.Rows(func(r booking.Summary) error {
			out = append(out, r)
			return nil
		})
		return out, err
	}
	rows := tx.btx.Bucket(bRows)
	c := tx.btx.Bucket(bIdx).Bucket([]byte(index)).Cursor()
	p := []byte(value + "\x00")
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		no := caseOfIdxKey(k)
		v := rows.Get([]byte(no))
		if v == nil {
			return nil, fmt.Errorf("index %s lists %s, which has no row", index, no)
		}
		r, err := tx.row(v)
		if err != nil {
			return nil, err
		}
		if keep(r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Rows calls fn with every case summary in case-number order.
func (tx *Tx) Rows(fn func(booking.Summary) error) error {
	return tx.forEach(tx.btx.Bucket(bRows), bRows, func(k, v []byte) error {
		r, err := tx.row(v)
		if err != nil {
			return fmt.Errorf("row %s: %w", k, err)
		}
		return fn(r)
	})
}

// AllRows returns every case summary, in case-number order. The rows are
// copies, so the file pages read for them are released afterwards.
func (s *Store) AllRows() ([]booking.Summary, error) {
	var out []booking.Summary
	err := s.View(func(tx *Tx) error {
		out = make([]booking.Summary, 0, tx.btx.Bucket(bRows).Stats().KeyN)
		return tx.Rows(func(r booking.Summary) error {
			out = append(out, r)
			return nil
		})
	})
	if err == nil {
		err = s.ReleaseMemory()
	}
	return out, err
}

// Count returns the number of cases.
func (s *Store) Count() (int, error) {
	n := 0
	err := s.View(func(tx *Tx) error {
		n = tx.btx.Bucket(bRows).Stats().KeyN
		return nil
	})
	return n, err
}

func (tx *Tx) row(v []byte) (booking.Summary, error) {
	p, err := tx.s.codec.Open(v)
	if err != nil {
		return booking.Summary{}, err
	}
	return decodeRow(p)
}

// Summary returns the row of one case.
func (s *Store) Summary(no string) (booking.Summary, error) {
	var r booking.Summary
	err := s.View(func(tx *Tx) error {
		v := tx.btx.Bucket(bRows).Get([]byte(no))
		if v == nil {
			return booking.Errorf(booking.ENOTFOUND, "case", "no case %s", no)
		}
		var err error
		r, err = tx.row(v)
		return err
	})
	return r, err
}

// CaseFile reads one case with all its records.
func (s *Store) CaseFile(no string) (*booking.CaseFile, error) {
	var f *booking.CaseFile
	err := s.View(func(tx *Tx) error {
		var err error
		f, err = tx.CaseFile(no)
		return err
	})
	return f, err
}

// FindByABN returns the case number holding ABN number abn.
func (s *Store) FindByABN(abn string) (string, error) {
	var no string
	err := s.View(func(tx *Tx) error {
		p := []byte(tx.s.abnIndexKey(abn) + "\x00")
		k, _ := tx.btx.Bucket(bIdx).Bucket([]byte("abn")).Cursor().Seek(p)
		if k == nil || !bytes.HasPrefix(k, p) {
			return booking.Errorf(booking.ENOTFOUND, "abn", "no ABN %s", abn)
		}
		no = caseOfIdxKey(k)
		return nil
	})
	return no, err
}

// History returns the ops that changed case no or its records, oldest first.
func (s *Store) History(no string) ([]change.Op, error) {
	var out []change.Op
	err := s.View(func(tx *Tx) error {
		if tx.btx.Bucket(bRecords).Get([]byte(no)) == nil && !tx.hasHistory(no) {
			return booking.Errorf(booking.ENOTFOUND, "case", "no case %s", no)
		}
		logb := tx.btx.Bucket(bLog)
		p := append([]byte(no), 0)
		c := tx.btx.Bucket(bHist).Cursor()
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			op, err := tx.decodeOp(logb.Get(k[len(p):]))
			if err != nil {
				return err
			}
			out = append(out, op)
		}
		return nil
	})
	return out, err
}

func (tx *Tx) hasHistory(no string) bool {
	p := append([]byte(no), 0)
	k, _ := tx.btx.Bucket(bHist).Cursor().Seek(p)
	return k != nil && bytes.HasPrefix(k, p)
}

func (tx *Tx) decodeOp(v []byte) (change.Op, error) {
	var op change.Op
	if v == nil {
		return op, fmt.Errorf("history points at a missing log entry")
	}
	p, err := tx.s.codec.Open(v)
	if err != nil {
		return op, err
	}
	err = json.Unmarshal(p, &op)
	return op, err
}

// LogEntry is one op with its position in the local log.
type LogEntry struct {
	Pos uint64
	Op  change.Op
}

// Log returns up to limit log entries after position after, in order.
func (s *Store) Log(after uint64, limit int) ([]LogEntry, error) {
	var out []LogEntry
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = tx.Log(after, limit)
		return err
	})
	return out, err
}

// Log is Store.Log inside a transaction.
func (tx *Tx) Log(after uint64, limit int) ([]LogEntry, error) {
	var out []LogEntry
	c := tx.btx.Bucket(bLog).Cursor()
	for k, v := c.Seek(u64(after + 1)); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
		op, err := tx.decodeOp(v)
		if err != nil {
			return nil, err
		}
		out = append(out, LogEntry{Pos: be64(k), Op: op})
	}
	return out, nil
}

// LogLen returns the highest log position.
func (s *Store) LogLen() uint64 {
	var n uint64
	_ = s.View(func(tx *Tx) error {
		n = tx.btx.Bucket(bLog).Sequence()
		return nil
	})
	return n
}

func be64(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// Statuses counts cases per status, from the status index.
func (s *Store) Statuses() (map[booking.Status]int, error) {
	out := map[booking.Status]int{}
	err := s.View(func(tx *Tx) error {
		return tx.btx.Bucket(bIdx).Bucket([]byte("status")).ForEach(func(k, _ []byte) error {
			i := bytes.IndexByte(k, 0)
			out[booking.Status(k[:i])]++
			return nil
		})
	})
	return out, err
}

// LastCaseNumber returns the highest case number starting with prefix
// ("RBA-2026-") held here, or "" when there is none. It seeks the rows
// bucket once (case numbers sort as their digits do).
func (tx *Tx) LastCaseNumber(prefix string) string {
	c := tx.btx.Bucket(bRows).Cursor()
	k, _ := c.Seek([]byte(prefix + "\xff"))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k != nil && bytes.HasPrefix(k, []byte(prefix)) {
		return string(k)
	}
	return ""
}
