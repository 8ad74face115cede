package reports

import (
	"encoding/binary"
	"errors"
	"fmt"

	"movedesk/booking"
)

// The binary form of CaseFacts: the version, then every field in order;
// strings and lists length-prefixed, numbers as varints, dates as days.
// Decoding 100k of them must cost little next to the report itself, which
// JSON would not.

// ErrFactsVersion is returned for facts written by another FactsVersion:
// compute them again from the case file.
var ErrFactsVersion = errors.New("facts of another version")

// AppendBinary appends the binary form of x to b.
func (x *CaseFacts) AppendBinary(b []byte) ([]byte, error) {
	e := enc{b}
	e.uint(FactsVersion)
	e.str(x.Number)
	e.str(x.Office)
	e.str(x.Programme)
	e.str(x.Assignee)
	e.str(string(x.Status))
	e.date(x.Received)
	e.date(x.Departure)
	e.int(int64(x.Travellers))
	m := &x.Milestones
	for _, d := range m.dates() {
		e.date(d)
	}
	e.uint(uint64(len(x.People)))
	for i := range x.People {
		p := &x.People[i]
		e.int(int64(p.Member))
		e.str(p.Name)
		e.date(p.BirthDate)
		e.b = binary.BigEndian.AppendUint64(e.b, p.Dup)
		e.bool(p.Signed)
		e.str(p.NoteBy)
		e.date(p.NoteOn)
	}
	e.uint(uint64(len(x.Bookings)))
	for i := range x.Bookings {
		bk := &x.Bookings[i]
		e.str(bk.ID)
		e.date(bk.BookedOn)
		e.uint(uint64(len(bk.Members)))
		for _, m := range bk.Members {
			e.int(int64(m))
		}
		e.date(bk.Departure)
		e.str(bk.Carriers)
		e.str(bk.Route)
		e.int(bk.TotalUSD)
		e.str(bk.Source)
		e.uint(uint64(len(bk.Fares)))
		for _, f := range bk.Fares {
			e.int(int64(f.Traveller))
			e.int(int64(f.Escort))
			e.str(string(f.PaxType))
			e.int(f.USDCents)
			e.str(f.Currency)
			e.int(f.RateUSDMicros)
		}
	}
	e.str(x.ABN)
	e.uint(uint64(len(x.Permits)))
	for _, p := range x.Permits {
		e.str(p.Authority)
		e.str(p.Country)
		e.str(p.ReasonCode)
		e.str(p.Status)
		e.date(p.Submitted)
		e.date(p.Decided)
	}
	e.uint(uint64(len(x.Findings)))
	for _, f := range x.Findings {
		e.str(f.Check)
		e.int(int64(f.Traveller))
		e.str(f.Detail)
	}
	e.uint(uint64(len(x.Docs)))
	for _, d := range x.Docs {
		e.int(int64(d.Member))
		e.str(d.Description)
		e.date(d.Expiry)
	}
	e.uint(x.Gate.Stamp)
	return e.b, nil
}

// FactsVersionOf returns the facts version data was written with (0:
// none readable).
func FactsVersionOf(data []byte) uint64 {
	v, n := binary.Uvarint(data)
	if n <= 0 {
		return 0
	}
	return v
}

// UnmarshalBinary sets x from data made by AppendBinary, reusing x's lists.
// Its strings are copies: data may be reused. ErrFactsVersion: data is of another
// version.
func (x *CaseFacts) UnmarshalBinary(data []byte) error { return x.unmarshal(data, nil) }

// Decoder decodes report rows one after another, keeping one copy of each
// text the rows repeat (offices, programmes, statuses, carriers, routes,
// codes) instead of one per row: a read of 100k rows then allocates
// little more than the names, numbers and details. Not for concurrent use.
type Decoder struct {
	in *interner
	// Skip names the parts of each row to read past and leave empty
	// (NeedAll &^ NeedOf(report)): a report over 100k rows then copies no
	// name or detail it does not read.
	Skip Need
	// names is the scratch list of names read (see NeedNames).
	names [][]byte
}

// Need names the parts of CaseFacts a report reads beyond what every
// report reads (number, office, programme, assignee, status, dates,
// travellers, milestones, the ABN note).
type Need uint8

const (
	NeedPeople Need = 1 << iota
	NeedBookings
	NeedPermits
	NeedFindings
	NeedDocs
	// NeedNames: every traveller's name. Without it (and with
	// NeedPeople) only the travellers a document names (Docs) have theirs:
	// the quality report names no one else, and 400k names are most of
	// what a read of 100k rows allocates.
	NeedNames
	// NeedFares: the fares of each booking (with NeedBookings).
	NeedFares
	// NeedAll is every part.
	NeedAll Need = 1<<iota - 1
)

// NeedOf returns what report name reads of a case: the parts For keeps.
func NeedOf(name string) Need {
	switch name {
	case "costs":
		return NeedBookings | NeedFares
	case "workload":
		return NeedBookings
	case "loans":
		return NeedBookings | NeedFares | NeedPeople | NeedNames
	case "timeliness":
		return 0
	case "permits":
		return NeedPermits
	case "quality":
		return NeedAll &^ (NeedNames | NeedFares | NeedPermits)
	}
	return NeedAll
}

// Decode sets x from data as UnmarshalBinary does, reusing the arrays of
// the lists x holds (an empty list may then be empty rather than nil).
func (dc *Decoder) Decode(x *CaseFacts, data []byte) error {
	if dc.in == nil {
		dc.in = &interner{m: map[string]string{}}
	}
	if len(dc.in.m) > 1<<16 { // not a few distinct values after all
		clear(dc.in.m)
		clear(dc.in.recent[:])
	}
	return x.unmarshalOnly(data, dc.in, NeedAll&^dc.Skip, true, &dc.names)
}

func (x *CaseFacts) unmarshal(data []byte, in *interner) error {
	return x.unmarshalOnly(data, in, NeedAll, false, nil)
}

// unmarshalOnly decodes the parts of data that need names; the others are
// read past without copying anything and left empty.
func (x *CaseFacts) unmarshalOnly(data []byte, in *interner, need Need, keep bool, sc *[][]byte) error {
	d := dec{s: data, in: in, keep: keep}
	if v := d.uint(); d.err == nil && v != FactsVersion {
		return fmt.Errorf("%w (%d, want %d)", ErrFactsVersion, v, FactsVersion)
	}
	x.Number, x.Office, x.Programme, x.Assignee = d.str(), d.code(), d.code(), d.code()
	x.Status = booking.Status(d.code())
	x.Received, x.Departure = d.date(), d.date()
	x.Travellers = int(d.int())
	m := &x.Milestones
	m.Received, m.Documents, m.TravelReady, m.Booked, m.ABNSent, m.Departed = d.date(), d.date(), d.date(), d.date(), d.date(), d.date()
	if need&NeedPeople == 0 {
		x.People = list(x.People, d.keep, 0)
		for n := d.count(); n > 0 && d.err == nil; n-- {
			d.uint()
			d.bytes()
			d.uint()
			d.u64()
			d.bool()
			d.bytes()
			d.uint()
		}
	} else {
		x.People = list(x.People, d.keep, d.count())
	}
	// names are the travellers' names as written, until the documents
	// say which are needed (without NeedNames).
	var names [][]byte
	if need&NeedNames == 0 && len(x.People) > 0 {
		if sc != nil {
			names = (*sc)[:0]
		}
		defer func() {
			if sc != nil {
				clear(names)
				*sc = names[:0]
			}
		}()
	}
	for i := range x.People {
		p := &x.People[i]
		p.Member = int(d.int())
		if need&NeedNames == 0 {
			p.Name = ""
			names = append(names, d.bytes())
		} else {
			p.Name = d.str()
		}
		p.BirthDate = d.date()
		p.Dup = d.u64()
		p.Signed, p.NoteBy, p.NoteOn = d.bool(), d.code(), d.date()
	}
	if need&NeedBookings == 0 {
		x.Bookings = list(x.Bookings, d.keep, 0)
		for n := d.count(); n > 0 && d.err == nil; n-- {
			d.bytes()
			d.uint()
			for m := d.count(); m > 0 && d.err == nil; m-- {
				d.uint()
			}
			d.uint()
			d.bytes()
			d.bytes()
			d.uint()
			d.bytes()
			for m := d.count(); m > 0 && d.err == nil; m-- {
				d.uint()
				d.uint()
				d.bytes()
				d.uint()
				d.bytes()
				d.uint()
			}
		}
	} else {
		x.Bookings = list(x.Bookings, d.keep, d.count())
	}
	for i := range x.Bookings {
		bk := &x.Bookings[i]
		bk.ID, bk.BookedOn = d.code(), d.date()
		bk.Members = list(bk.Members, d.keep, d.count())
		for j := range bk.Members {
			bk.Members[j] = int(d.int())
		}
		bk.Departure, bk.Carriers, bk.Route, bk.TotalUSD, bk.Source = d.date(), d.code(), d.code(), d.int(), d.code()
		if need&NeedFares == 0 {
			bk.Fares = list(bk.Fares, d.keep, 0)
			for n := d.count(); n > 0 && d.err == nil; n-- {
				d.uint()
				d.uint()
				d.bytes()
				d.uint()
				d.bytes()
				d.uint()
			}
		} else {
			bk.Fares = list(bk.Fares, d.keep, d.count())
		}
		for j := range bk.Fares {
			f := &bk.Fares[j]
			f.Traveller, f.Escort = int(d.int()), int(d.int())
			f.PaxType, f.USDCents, f.Currency, f.RateUSDMicros = booking.PaxType(d.code()), d.int(), d.code(), d.int()
		}
	}
	x.ABN = d.code()
	if need&NeedPermits == 0 {
		x.Permits = list(x.Permits, d.keep, 0)
		for n := d.count(); n > 0 && d.err == nil; n-- {
			d.bytes()
			d.bytes()
			d.bytes()
			d.bytes()
			d.uint()
			d.uint()
		}
	} else {
		x.Permits = list(x.Permits, d.keep, d.count())
	}
	for i := range x.Permits {
		p := &x.Permits[i]
		p.Authority, p.Country, p.ReasonCode, p.Status = d.code(), d.code(), d.code(), d.code()
		p.Submitted, p.Decided = d.date(), d.date()
	}
	if need&NeedFindings == 0 {
		x.Findings = list(x.Findings, d.keep, 0)
		for n := d.count(); n > 0 && d.err == nil; n-- {
			d.bytes()
			d.uint()
			d.bytes()
		}
	} else {
		x.Findings = list(x.Findings, d.keep, d.count())
	}
	for i := range x.Findings {
		f := &x.Findings[i]
		f.Check, f.Traveller, f.Detail = d.code(), int(d.int()), d.str()
	}
	if need&NeedDocs == 0 {
		x.Docs = list(x.Docs, d.keep, 0)
		for n := d.count(); n > 0 && d.err == nil; n-- {
			d.uint()
			d.bytes()
			d.uint()
		}
	} else {
		x.Docs = list(x.Docs, d.keep, d.count())
	}
	for i := range x.Docs {
		doc := &x.Docs[i]
		doc.Member, doc.Description, doc.Expiry = int(d.int()), d.str(), d.date()
	}
	if names != nil {
		for _, doc := range x.Docs {
			for i := range x.People {
				if p := &x.People[i]; p.Member == doc.Member && p.Name == "" && len(names[i]) > 0 {
					p.Name = string(names[i])
				}
			}
		}
	}
	x.Gate.Stamp, x.Gate.Items, x.Gate.Loaded = d.uint(), x.Gate.Items[:0], false
	if d.err == nil && len(d.s) > 0 {
		d.err = errors.New("trailing bytes")
	}
	if d.err != nil {
		return fmt.Errorf("case facts: %w", d.err)
	}
	return nil
}

// AppendGateItems appends the binary form of gate items to b (kept apart
// from the facts, see GateFacts).
func AppendGateItems(b []byte, items []booking.GateItem) []byte {
	e := enc{b}
	e.uint(FactsVersion)
	e.uint(uint64(len(items)))
	for _, it := range items {
		e.str(it.Code)
		e.int(int64(it.Traveller))
		e.str(it.Message)
	}
	return e.b
}

// LoadGateItems sets x's gate items from data made by AppendGateItems
// (nil: none) and marks them loaded.
func (x *CaseFacts) LoadGateItems(data []byte) error {
	x.Gate.Items, x.Gate.Loaded = x.Gate.Items[:0], true
	if data == nil {
		return nil
	}
	d := dec{s: data}
	if v := d.uint(); d.err == nil && v != FactsVersion {
		return fmt.Errorf("%w (%d, want %d)", ErrFactsVersion, v, FactsVersion)
	}
	x.Gate.Items = grow(x.Gate.Items, d.count())
	for i := range x.Gate.Items {
		it := &x.Gate.Items[i]
		it.Code, it.Traveller, it.Message = d.code(), int(d.int()), d.str()
	}
	if d.err == nil && len(d.s) > 0 {
		d.err = errors.New("trailing bytes")
	}
	if d.err != nil {
		x.Gate.Loaded = false
		return fmt.Errorf("gate items: %w", d.err)
	}
	return nil
}

// list returns s resized to n. With keep (a Decoder's rows), it keeps
// the array of the rows before and the lists its elements hold (the
// decoder sets every field again), so a walk over 100k rows allocates
// its lists once; else it is grow.
func list[T any](s []T, keep bool, n int) []T {
	if !keep {
		return grow(s, n)
	}
	if cap(s) >= n {
		return s[:n]
	}
	return append(s[:cap(s)], make([]T, n-cap(s))...)
}

// grow returns s resized to n (nil for none), reusing its array.
func grow[T any](s []T, n int) []T {
	if n == 0 {
		return nil
	}
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

type enc struct{ b []byte }

func (e *enc) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}
func (e *enc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// dayBase keeps every date from year 1 on positive, so 0 is the zero date.
const dayBase = 1 << 20

func (e *enc) date(d booking.Date) {
	if d.IsZero() {
		e.uint(0)
		return
	}
	e.uint(uint64(d.UnixDays() + dayBase))
}

type dec struct {
	s   []byte
	err error
	// in, if set, holds one copy of each text the rows repeat (see
	// Decoder); other text is copied out of the row.
	in *interner
	// keep: lists reuse the arrays of the value decoded before (list).
	keep bool
}

func (d *dec) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("short or bad %s", what)
	}
	d.s = nil
}

func (d *dec) uint() uint64 {
	// Most numbers take one to three bytes (a date, 21 bits, three).
	switch s := d.s; {
	case len(s) > 0 && s[0] < 0x80:
		d.s = s[1:]
		return uint64(s[0])
	case len(s) > 1 && s[1] < 0x80:
		d.s = s[2:]
		return uint64(s[0]&0x7f) | uint64(s[1])<<7
	case len(s) > 2 && s[2] < 0x80:
		d.s = s[3:]
		return uint64(s[0]&0x7f) | uint64(s[1]&0x7f)<<7 | uint64(s[2])<<14
	}
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.fail("number")
	return 0
}

func (d *dec) int() int64 {
	u := d.uint()
	return int64(u>>1) ^ -int64(u&1)
}

// count reads a list length, no longer than what is left could hold.
func (d *dec) count() int {
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.fail("list")
		return 0
	}
	return int(n)
}

func (d *dec) bytes() []byte {
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.fail("text")
		return nil
	}
	b := d.s[:n]
	d.s = d.s[n:]
	return b
}

// str reads text of its own (a name, a detail).
func (d *dec) str() string {
	if b := d.bytes(); len(b) > 0 {
		return string(b)
	}
	return ""
}

// code reads text that many rows repeat (an office, a status, a route):
// interned when d.in is set.
func (d *dec) code() string {
	b := d.bytes()
	if len(b) == 0 {
		return ""
	}
	if d.in == nil {
		return string(b)
	}
	return d.in.get(b)
}

// interner keeps one copy of each text; recent, the last seen of each
// slot, answers most lookups without hashing the text (a row holds a dozen
// codes, and most are among a few values).
type interner struct {
	m      map[string]string
	recent [256]string
}

func (in *interner) get(b []byte) string {
	slot := (uint(len(b))*131 + uint(b[0])*31 + uint(b[len(b)-1])) & 255
	if r := in.recent[slot]; r == string(b) {
		return r
	}
	v, ok := in.m[string(b)]
	if !ok {
		v = string(b)
		in.m[v] = v
	}
	in.recent[slot] = v
	return v
}

func (d *dec) bool() bool {
	if len(d.s) == 0 {
		d.fail("flag")
		return false
	}
	v := d.s[0] == 1
	d.s = d.s[1:]
	return v
}

func (d *dec) u64() uint64 {
	if len(d.s) < 8 {
		d.fail("key")
		return 0
	}
	var v uint64
	for i := range 8 {
		v = v<<8 | uint64(d.s[i])
	}
	d.s = d.s[8:]
	return v
}

func (d *dec) date() booking.Date {
	v := d.uint()
	if v == 0 {
		return booking.Date{}
	}
	return booking.DateOfUnixDays(int64(v) - dayBase)
}
