package tui

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"movedesk/booking"
)

// memSource is an in-memory Source for screen tests. Update copies the case
// files, so a failing fn writes nothing, as in the store.
type memSource struct {
	mu      sync.Mutex
	files   map[string]*booking.CaseFile
	history map[string][]HistoryEntry
	failPut error
	now     func() time.Time
}

func newMemSource(now func() time.Time) *memSource {
	return &memSource{files: map[string]*booking.CaseFile{}, history: map[string][]HistoryEntry{}, now: now}
}

func (s *memSource) add(f *booking.CaseFile) { s.files[f.Case.Number] = f }

func (s *memSource) Rows() ([]booking.Summary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]booking.Summary, 0, len(s.files))
	for _, f := range s.files {
		out = append(out, booking.Summarize(f))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

func (s *memSource) Summary(no string) (booking.Summary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[no]
	if !ok {
		return booking.Summary{}, booking.Errorf(booking.ENOTFOUND, "case", "no case %s", no)
	}
	return booking.Summarize(f), nil
}

func (s *memSource) CaseFile(no string) (*booking.CaseFile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.caseFile(no)
}

func (s *memSource) caseFile(no string) (*booking.CaseFile, error) {
	f, ok := s.files[no]
	if !ok {
		return nil, booking.Errorf(booking.ENOTFOUND, "case", "no case %s", no)
	}
	return cloneFile(f), nil
}

func cloneFile(f *booking.CaseFile) *booking.CaseFile {
	b, _ := json.Marshal(f)
	var c booking.CaseFile
	_ = json.Unmarshal(b, &c)
	return &c
}

func (s *memSource) History(no string) ([]HistoryEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.history[no]), nil
}

func (s *memSource) FindByABN(abn string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for no, f := range s.files {
		if f.Case.ABNNumber == abn {
			return no, nil
		}
	}
	return "", booking.Errorf(booking.ENOTFOUND, "abn", "no ABN %s", abn)
}

type memTx struct {
	s     *memSource
	files map[string]*booking.CaseFile
	puts  []booking.Record
	actor string
}

func (tx *memTx) Desk() string { return "dtest" }

func (tx *memTx) CaseFile(no string) (*booking.CaseFile, error) {
	if f, ok := tx.files[no]; ok {
		return cloneFile(f), nil
	}
	return tx.s.caseFile(no)
}

func (tx *memTx) Put(rec booking.Record) error {
	if tx.s.failPut != nil {
		return tx.s.failPut
	}
	if err := rec.Validate(); err != nil {
		return err
	}
	no := rec.CaseNumber()
	f, ok := tx.files[no]
	if !ok {
		c, err := tx.s.caseFile(no)
		if err != nil {
			f = &booking.CaseFile{}
		} else {
			f = c
		}
		tx.files[no] = f
	}
	data, _ := json.Marshal(rec)
	key := rec.Key()
	// Replace a record with the same key, as the store does.
	g := &booking.CaseFile{Case: f.Case}
	for _, t := range f.Travellers {
		if t.Key() != key {
			g.Travellers = append(g.Travellers, t)
		}
	}
	for _, d := range f.Documents {
		if d.Key() != key {
			g.Documents = append(g.Documents, d)
		}
	}
	for _, b := range f.Bookings {
		if b.Key() != key {
			g.Bookings = append(g.Bookings, b)
		}
	}
	for _, a := range f.ABNs {
		if a.Key() != key {
			g.ABNs = append(g.ABNs, a)
		}
	}
	if key == no {
		g.Case = booking.Case{}
	}
	if err := g.Add(key, data); err != nil {
		return err
	}
	tx.files[no] = g
	tx.puts = append(tx.puts, rec)
	return nil
}

func (s *memSource) Update(actor string, fn func(tx Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &memTx{s: s, files: map[string]*booking.CaseFile{}, actor: actor}
	if err := fn(tx); err != nil {
		return err
	}
	for no, f := range tx.files {
		s.files[no] = f
	}
	for _, r := range tx.puts {
		data, _ := json.Marshal(r)
		var fields map[string]any
		_ = json.Unmarshal(data, &fields)
		h := HistoryEntry{Actor: actor, When: s.now(), Kind: r.Kind(), Key: r.Key(), Fields: map[string]string{}}
		for k, v := range fields {
			h.Fields[k] = fmt.Sprint(v)
		}
		s.history[r.CaseNumber()] = append(s.history[r.CaseNumber()], h)
	}
	return nil
}
