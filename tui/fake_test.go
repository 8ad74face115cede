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

// memSource is an in-memory Source for screen tests, and a fake desk
// (CaseWriter, ABNDesk) over it that calls the same booking functions as
// package desk. Its writes copy the case files, so a failing one writes
// nothing, as in the store.
type memSource struct {
	mu      sync.Mutex
	files   map[string]*booking.CaseFile
	history map[string][]HistoryEntry
	failPut error
	now     func() time.Time
	// quoter prices bookings and ABN fares (nil: unpriced).
	quoter Quoter
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

func (s *memSource) update(actor string, fn func(tx *memTx) error) error {
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

func (tx *memTx) putAll(recs []booking.Record) error {
	for _, r := range recs {
		if err := tx.Put(r); err != nil {
			return err
		}
	}
	return nil
}

// MoveStatus implements CaseWriter (without the templates and findings).
func (s *memSource) MoveStatus(actor, no string, to booking.Status, reason string) error {
	return s.update(actor, func(tx *memTx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		if err := f.MoveTo(to, reason); err != nil {
			return err
		}
		return tx.Put(&f.Case)
	})
}

func (s *memSource) quote(f *booking.CaseFile, b *booking.Booking, withDocs bool) Quote {
	if s.quoter == nil {
		return Quote{}
	}
	var ts []booking.Traveller
	var docs map[int][]booking.Document
	if withDocs {
		docs = map[int][]booking.Document{}
	}
	for _, m := range b.Travellers {
		if t := f.Traveller(m); t != nil {
			ts = append(ts, *t)
			if withDocs {
				docs[m] = f.DocumentsOf(m)
			}
		}
	}
	return s.quoter.Quote(QuoteRequest{Segments: b.Segments, Travellers: ts, Documents: docs, Programme: f.Case.Programme,
		BookingDate: booking.DateOf(s.now()), EscortSeats: b.EscortSeats})
}

// Book implements CaseWriter as desk.Book does.
func (s *memSource) Book(actor, no string, b booking.Booking, confirm bool) (booking.Booking, error) {
	err := s.update(actor, func(tx *memTx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		b.BookedBy, b.BookedOn = actor, booking.DateOf(s.now())
		q := s.quote(f, &b, true)
		if q.Blocking() {
			return booking.Errorf(booking.ECONFLICT, "findings", "blocking findings")
		}
		if w := q.Warnings(); len(w) > 0 && !confirm {
			return booking.Errorf(booking.ECONFLICT, "findings", "warnings need a confirmation")
		}
		b.Confirmed, b.TariffVersion, b.TotalUSDCents = q.Warnings(), q.Version, q.TotalUSD
		recs, err := f.Book(b, "")
		if err != nil {
			return err
		}
		for _, r := range recs {
			if nb, ok := r.(*booking.Booking); ok && nb.Status == booking.BookingActive {
				b = *nb
			}
		}
		return tx.putAll(recs)
	})
	return b, err
}

func (s *memSource) fares(f *booking.CaseFile) []booking.ABNFare {
	b := f.ActiveBooking()
	if b == nil {
		return nil
	}
	var out []booking.ABNFare
	for _, l := range s.quote(f, b, false).Lines {
		out = append(out, booking.ABNFare{Traveller: l.Traveller, Escort: l.Escort, Name: l.Name, PaxType: l.PaxType, USDCents: l.USD})
	}
	return out
}

// DraftABN implements ABNDesk.
func (s *memSource) DraftABN(actor string, f *booking.CaseFile) (*booking.ABN, error) {
	return f.DraftABN(booking.ABNRequest{Type: f.NextABNType(), Fares: s.fares(f), By: actor, At: s.now()})
}

func (s *memSource) issue(actor, no string, typ booking.ABNType, reason string) (*booking.ABN, error) {
	var out *booking.ABN
	err := s.update(actor, func(tx *memTx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		t := typ
		if t == "" {
			t = f.NextABNType()
		}
		var fares []booking.ABNFare
		if t == booking.ABNIssue || t == booking.ABNUpdate {
			fares = s.fares(f)
		}
		a, recs, err := f.IssueABN(booking.ABNRequest{Type: t, Reason: reason, Fares: fares, By: actor, At: s.now()})
		if err != nil {
			return err
		}
		out = a
		return tx.putAll(recs)
	})
	return out, err
}

// IssueABN implements ABNDesk.
func (s *memSource) IssueABN(actor, no string) (*booking.ABN, error) {
	return s.issue(actor, no, "", "")
}

// CancelABN implements ABNDesk.
func (s *memSource) CancelABN(actor, no, reason string) (*booking.ABN, error) {
	return s.issue(actor, no, booking.ABNCancellation, reason)
}

// DepartABN implements ABNDesk.
func (s *memSource) DepartABN(actor, no string) (*booking.ABN, error) {
	f, err := s.CaseFile(no)
	if err != nil {
		return nil, err
	}
	if err := s.DepartureCheck(f, booking.DateOf(s.now())); err != nil {
		return nil, err
	}
	return s.issue(actor, no, booking.ABNDeparture, "")
}

// DepartureCheck implements ABNDesk with a tolerance of one day.
func (s *memSource) DepartureCheck(f *booking.CaseFile, today booking.Date) error {
	b := f.ActiveBooking()
	if b == nil || len(b.Segments) == 0 {
		return booking.Errorf(booking.ECONFLICT, "booking", "case %s has no active booking", f.Case.Number)
	}
	if dep := b.Segments[0].Depart.Date(); today.Before(dep.AddDays(-1)) {
		return booking.Errorf(booking.ECONFLICT, "departure", "the first flight departs on %s", dep)
	}
	return nil
}

// MarkABNSent implements ABNDesk.
func (s *memSource) MarkABNSent(actor, no string, v int) (*booking.ABN, error) {
	var out *booking.ABN
	err := s.update(actor, func(tx *memTx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		recs, err := f.MarkABNSent(v, actor, s.now())
		if err != nil {
			return err
		}
		out = recs[0].(*booking.ABN)
		return tx.putAll(recs)
	})
	return out, err
}
