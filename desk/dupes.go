package desk

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"movedesk/booking"
	"movedesk/dupes"
	"movedesk/store"
)

// dupIndex is the Service's index of every traveller for the duplicate
// check: built on first use, then brought up to date before each check
// from the change log (every write, local, imported or synced, is in it).
type dupIndex struct {
	mu  sync.Mutex
	ix  *dupes.Index
	pos uint64 // log position indexed up to
}

// duplicates returns the index, current with the store.
func (d *Service) duplicates() (*dupes.Index, error) {
	d.dmu.Lock()
	if d.dup == nil {
		d.dup = &dupIndex{}
	}
	di := d.dup
	d.dmu.Unlock()
	di.mu.Lock()
	defer di.mu.Unlock()
	built := false
	err := d.s.View(func(tx *store.Tx) error {
		end := d.s.LogLenTx(tx)
		if di.ix == nil {
			ix, err := buildIndex(tx)
			if err != nil {
				return err
			}
			di.ix, di.pos, built = ix, end, true
			return nil
		}
		if end == di.pos {
			return nil
		}
		ents, err := tx.Log(di.pos, 0)
		if err != nil {
			return err
		}
		touched := map[string]bool{}
		for _, e := range ents {
			if t, ok := travellerOf(e.Op.Key); ok {
				touched[t] = true
			}
		}
		for key := range touched {
			if err := reindex(tx, di.ix, key); err != nil {
				return err
			}
		}
		di.pos = end
		return nil
	})
	if built && err == nil {
		// The build read most of the file: let its pages go, as the
		// queue does after loading its rows.
		err = d.s.ReleaseMemory()
	}
	return di.ix, err
}

// WarmDuplicates builds the duplicate index now (the app calls it in the
// background at start, so the first check does not wait for it).
func (d *Service) WarmDuplicates() error {
	_, err := d.duplicates()
	return err
}

// DuplicateIndexBytes is about the memory the duplicate index holds, 0
// before it is built.
func (d *Service) DuplicateIndexBytes() int64 {
	d.dmu.Lock()
	di := d.dup
	d.dmu.Unlock()
	if di == nil {
		return 0
	}
	di.mu.Lock()
	defer di.mu.Unlock()
	if di.ix == nil {
		return 0
	}
	return di.ix.Bytes()
}

// travellerOf returns the traveller key a record key of a traveller or of
// one of its documents concerns.
func travellerOf(key string) (string, bool) {
	no, kind := booking.SplitKey(key)
	if kind != booking.KindTraveller && kind != booking.KindDocument {
		return "", false
	}
	parts := strings.Split(key, "/")
	if len(parts) < 3 {
		return "", false
	}
	m, err := strconv.Atoi(parts[2])
	if err != nil {
		return "", false
	}
	return booking.TravellerKey(no, m), true
}

// person reads the traveller at key with its documents; ok false when
// there is none.
func person(tx *store.Tx, key string) (p dupes.Person, ok bool, err error) {
	var t booking.Traveller
	if ok, err = tx.Get(key, &t); err != nil || !ok {
		return p, ok, err
	}
	var docs []booking.Document
	err = tx.Scan(booking.DocumentKey(t.Case, t.Member, ""), func(_ string, data []byte) error {
		var doc booking.Document
		if err := json.Unmarshal(data, &doc); err != nil {
			return err
		}
		docs = append(docs, doc)
		return nil
	})
	return dupes.FromTraveller(&t, docs), true, err
}

func reindex(tx *store.Tx, ix *dupes.Index, key string) error {
	p, ok, err := person(tx, key)
	if err != nil {
		return err
	}
	if !ok {
		no, _ := booking.SplitKey(key)
		m, _ := strconv.Atoi(key[strings.LastIndexByte(key, '/')+1:])
		ix.Remove(dupes.Person{Case: no, Member: m})
		return nil
	}
	ix.Put(p)
	return nil
}

// buildIndex reads every traveller of the store from its identity rows:
// one pass over tens of MB, where the case files are GB, and nothing made
// for each traveller but its entry in the index.
func buildIndex(tx *store.Tx) (*dupes.Index, error) {
	b := dupes.NewBuilder(0)
	var p dupes.RawPerson
	err := tx.Identities(func(id *store.Identity) error {
		p.Case, p.Member, p.Family, p.Given, p.Birth = id.Case, id.Member, id.Family, id.Given, id.Birth
		p.Docs = p.Docs[:0]
		for _, d := range id.Docs {
			p.Docs = append(p.Docs, dupes.RawDoc{Type: d.Type, Number: d.Number})
		}
		b.AddRaw(&p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b.Index(), nil
}

// FindDuplicates returns the likely duplicates, in other cases, of
// traveller t (as typed in a form: it need not be stored, nor valid) with
// its documents, best first, at most limit (0: all).
func (d *Service) FindDuplicates(t booking.Traveller, docs []booking.Document, limit int) ([]dupes.Match, error) {
	ix, err := d.duplicates()
	if err != nil {
		return nil, err
	}
	ms := ix.Find(dupes.FromTraveller(&t, docs), limit)
	err = d.s.View(func(tx *store.Tx) error {
		for i := range ms {
			if err := named(tx, &ms[i].Other); err != nil {
				return err
			}
		}
		return nil
	})
	return ms, err
}

// named fills in the names of p from the store (the index keeps none).
func named(tx *store.Tx, p *dupes.Person) error {
	var t booking.Traveller
	if _, err := tx.Get(booking.TravellerKey(p.Case, p.Member), &t); err != nil {
		return err
	}
	p.Family, p.Given = t.FamilyName, t.GivenNames
	return nil
}

// DuplicatePairs returns every likely duplicate pair of travellers across
// the store's cases, or those of case no (its travellers first in each
// pair), best first.
func (d *Service) DuplicatePairs(no string) ([]dupes.Pair, error) {
	if no != "" {
		if _, err := d.s.Summary(no); err != nil {
			return nil, err
		}
	}
	ix, err := d.duplicates()
	if err != nil {
		return nil, err
	}
	pairs := ix.Pairs(no)
	err = d.s.View(func(tx *store.Tx) error {
		for i := range pairs {
			if err := named(tx, &pairs[i].A); err != nil {
				return err
			}
			if err := named(tx, &pairs[i].B); err != nil {
				return err
			}
		}
		return nil
	})
	return pairs, err
}

// ImportResult is what an import wrote and what it should make the user
// look at.
type ImportResult struct {
	Records int
	// Duplicates are the travellers the import entered (names, birth date
	// or a document number set) that likely duplicate a traveller of
	// another case, with their best match each.
	Duplicates []ImportDuplicate
}

// ImportDuplicate is one imported traveller and its likely duplicate.
type ImportDuplicate struct {
	Traveller dupes.Person
	Match     dupes.Match
}

// identityFields are the fields whose change makes a traveller worth
// checking again.
var identityFields = map[string]bool{"family_name": true, "given_names": true, "birth_date": true, "number": true}

// importDuplicates checks the travellers whose identity the ops written
// after log position from set.
func (d *Service) importDuplicates(from uint64) ([]ImportDuplicate, error) {
	ix, err := d.duplicates()
	if err != nil {
		return nil, err
	}
	var keys []string
	seen := map[string]bool{}
	var out []ImportDuplicate
	err = d.s.View(func(tx *store.Tx) error {
		ents, err := tx.Log(from, 0)
		if err != nil {
			return err
		}
		for _, e := range ents {
			key, ok := travellerOf(e.Op.Key)
			if !ok || seen[key] {
				continue
			}
			for f := range e.Op.Fields {
				if identityFields[f] {
					seen[key] = true
					keys = append(keys, key)
					break
				}
			}
		}
		for _, key := range keys {
			p, ok, err := person(tx, key)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if ms := ix.Find(p, 1); len(ms) > 0 {
				if err := named(tx, &ms[0].Other); err != nil {
					return err
				}
				out = append(out, ImportDuplicate{Traveller: p, Match: ms[0]})
			}
		}
		return nil
	})
	return out, err
}
