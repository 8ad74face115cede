package flights

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"movedesk/booking"
)

// Entry is one case's party on one carrier-flight-date reduced to what a
// flight list counts: the store keeps one per case and flight (its flight
// index), so listing a month of flights reads no case file.
type Entry struct {
	Key
	Case      string            `json:"case"`
	Programme string            `json:"programme,omitempty"`
	From      string            `json:"from"`
	To        string            `json:"to"`
	Depart    booking.LocalTime `json:"depart"`
	Arrive    booking.LocalTime `json:"arrive"`
	// Counts are the party's totals (Cases is 1).
	Counts Totals `json:"counts"`
}

// Entries returns the entries of f's active booking, one per
// carrier-flight-date it flies (none without an active booking).
func Entries(f *booking.CaseFile) []Entry {
	b := f.ActiveBooking()
	if b == nil {
		return nil
	}
	var out []Entry
	for _, s := range b.Segments {
		if s.Depart.IsZero() || s.Carrier == "" || s.Flight == "" {
			continue
		}
		k := Key{Carrier: s.Carrier, Flight: strings.TrimLeft(s.Flight, "0"), Date: s.Depart.Date()}
		if slices.ContainsFunc(out, func(e Entry) bool { return e.Key == k }) {
			continue
		}
		p, ok := party(k, f, Options{})
		if !ok {
			continue
		}
		out = append(out, Entry{Key: k, Case: f.Case.Number, Programme: f.Case.Programme,
			From: p.From, To: p.To, Depart: p.Depart, Arrive: p.Arrive, Counts: totals([]Party{p})})
	}
	return out
}

// IndexKey is the flight part of the store's index key of e:
// "YYYY-MM-DD 0x00 CARRIERFLIGHT"; dates first, so a range of days is one
// cursor walk.
func (k Key) IndexKey() string { return k.Date.String() + "\x00" + k.Carrier + k.Flight }

// ParseIndexKey reads what IndexKey wrote.
func ParseIndexKey(s string) (Key, error) {
	d, cf, ok := strings.Cut(s, "\x00")
	if !ok || len(cf) < 3 {
		return Key{}, fmt.Errorf("bad flight index key %q", s)
	}
	date, err := booking.ParseDate(d)
	if err != nil {
		return Key{}, fmt.Errorf("bad flight index key %q: %w", s, err)
	}
	return Key{Carrier: cf[:2], Flight: cf[2:], Date: date}, nil
}

const entrySep = '\x1f'

// entryVersion leads every encoded entry, so a format change is noticed.
const entryVersion = "1"

// Encode returns the entry's value in the index: its counts and route in
// a compact separated form (the key holds the flight and the case).
func (e *Entry) Encode() []byte {
	c := &e.Counts
	ssr := make([]string, len(c.SSR))
	for i, s := range c.SSR {
		ssr[i] = s.Code + ":" + strconv.Itoa(s.Count)
	}
	parts := []string{entryVersion, e.Programme, e.From, e.To, e.Depart.String(), e.Arrive.String(),
		strconv.Itoa(c.Travellers), strconv.Itoa(c.ADT), strconv.Itoa(c.CHD), strconv.Itoa(c.INF), strconv.Itoa(c.Seats),
		strconv.Itoa(c.Wheelchairs), strconv.Itoa(c.MeetAssist), strconv.Itoa(c.EscortSeats), strconv.Itoa(c.MEDIFs),
		strings.Join(ssr, ",")}
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(entrySep)
		}
		b.WriteString(strings.ReplaceAll(p, string(entrySep), " "))
	}
	return b.Bytes()
}

const entryFields = 16

// DecodeEntry reads an entry of flight k and case no from its value.
func DecodeEntry(k Key, no string, v []byte) (Entry, error) {
	var e Entry
	err := DecodeEntryInto(&e, k, no, v)
	return e, err
}

// DecodeEntryInto is DecodeEntry into e, reusing e's SSR slice: a walk
// over a month of the index decodes into one Entry.
func DecodeEntryInto(e *Entry, k Key, no string, v []byte) error {
	ssr := e.Counts.SSR[:0]
	*e = Entry{Key: k, Case: no}
	rest := string(v)
	var parts [entryFields]string
	for i := range parts {
		j := strings.IndexByte(rest, entrySep)
		if i == entryFields-1 {
			if j >= 0 {
				return fmt.Errorf("flight index %s %s: bad entry format", k, no)
			}
			parts[i] = rest
			break
		}
		if j < 0 {
			return fmt.Errorf("flight index %s %s: bad entry format", k, no)
		}
		parts[i], rest = rest[:j], rest[j+1:]
	}
	if parts[0] != entryVersion {
		return fmt.Errorf("flight index %s %s: bad entry format", k, no)
	}
	var err error
	lt := func(s string) booking.LocalTime {
		t, e := booking.ParseLocalTime(s)
		if e != nil && err == nil {
			err = e
		}
		return t
	}
	n := func(s string) int {
		i, e := strconv.Atoi(s)
		if e != nil && err == nil {
			err = e
		}
		return i
	}
	c := &e.Counts
	e.Programme, e.From, e.To, e.Depart, e.Arrive = parts[1], parts[2], parts[3], lt(parts[4]), lt(parts[5])
	c.Cases = 1
	c.Travellers, c.ADT, c.CHD, c.INF, c.Seats = n(parts[6]), n(parts[7]), n(parts[8]), n(parts[9]), n(parts[10])
	c.Wheelchairs, c.MeetAssist, c.EscortSeats, c.MEDIFs = n(parts[11]), n(parts[12]), n(parts[13]), n(parts[14])
	for s := parts[15]; s != ""; {
		var one string
		one, s, _ = strings.Cut(s, ",")
		code, cnt, _ := strings.Cut(one, ":")
		ssr = append(ssr, SSRCount{Code: code, Count: n(cnt)})
	}
	if len(ssr) > 0 {
		c.SSR = ssr
	}
	if err != nil {
		return fmt.Errorf("flight index %s %s: %w", k, no, err)
	}
	return nil
}

// Lister sums entries into a flight list as they come: entries of one
// flight must come together (the index's key order), so nothing but the
// list itself is held.
type Lister struct {
	caps  []Cap
	out   []Summary
	progs []progCount // the current flight's travellers per programme
}

type progCount struct {
	prog string
	n    int
}

// NewLister starts a list whose flights carry the caps cs.
func NewLister(cs []Cap) *Lister { return &Lister{caps: cs} }

// Add adds e (its SSR slice is copied, so e may be reused).
func (l *Lister) Add(e *Entry) {
	n := len(l.out)
	if n == 0 || l.out[n-1].Key != e.Key {
		l.finish()
		l.out = append(l.out, Summary{Key: e.Key, From: e.From, To: e.To, Depart: e.Depart})
		n++
	}
	s := &l.out[n-1]
	if e.Depart.Wall().Before(s.Depart.Wall()) {
		s.From, s.To, s.Depart = e.From, e.To, e.Depart
	}
	s.Totals.add(&e.Counts)
	for i := range l.progs {
		if l.progs[i].prog == e.Programme {
			l.progs[i].n += e.Counts.Travellers
			return
		}
	}
	l.progs = append(l.progs, progCount{e.Programme, e.Counts.Travellers})
}

// finish puts the caps on the current flight.
func (l *Lister) finish() {
	if len(l.out) > 0 {
		s := &l.out[len(l.out)-1]
		for _, c := range l.caps {
			for _, p := range l.progs {
				if p.prog == c.Programme && c.Max > 0 && p.n > 0 {
					s.Caps = append(s.Caps, CapCount{Cap: c, Travellers: p.n, Over: p.n > c.Max})
				}
			}
		}
	}
	l.progs = l.progs[:0]
}

// List returns the flights in departure then flight order.
func (l *Lister) List() []Summary {
	l.finish()
	out := l.out
	l.out = nil
	slices.SortFunc(out, func(a, b Summary) int {
		return cmp.Or(a.Depart.Wall().Compare(b.Depart.Wall()), cmp.Compare(a.Carrier, b.Carrier), cmp.Compare(a.Flight, b.Flight))
	})
	return out
}

// ListEntries sums entries per carrier-flight-date into a flight list, in
// departure then flight order, each with the caps of the programmes on it.
func ListEntries(es []Entry, cs []Cap) []Summary {
	es = slices.Clone(es)
	slices.SortStableFunc(es, func(a, b Entry) int {
		return cmp.Or(a.Date.Time().Compare(b.Date.Time()), cmp.Compare(a.Carrier, b.Carrier), cmp.Compare(a.Flight, b.Flight))
	})
	l := NewLister(cs)
	for i := range es {
		l.Add(&es[i])
	}
	return l.List()
}

// add sums o into t, merging the SSR counts in code order.
func (t *Totals) add(o *Totals) {
	t.Cases += o.Cases
	t.Travellers += o.Travellers
	t.ADT += o.ADT
	t.CHD += o.CHD
	t.INF += o.INF
	t.Seats += o.Seats
	t.Wheelchairs += o.Wheelchairs
	t.MeetAssist += o.MeetAssist
	t.EscortSeats += o.EscortSeats
	t.MEDIFs += o.MEDIFs
	for _, s := range o.SSR {
		i, found := slices.BinarySearchFunc(t.SSR, s.Code, func(a SSRCount, c string) int { return cmp.Compare(a.Code, c) })
		if found {
			t.SSR[i].Count += s.Count
		} else {
			t.SSR = slices.Insert(t.SSR, i, s)
		}
	}
}
