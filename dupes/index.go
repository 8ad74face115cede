package dupes

import (
	"cmp"
	"slices"
	"sync"
)

// Index holds every traveller of a store, blocked by name key and birth
// date, and by document number, so a check looks at a handful of
// candidates rather than every traveller. Safe for concurrent use.
//
// Postings are singly linked lists in one slice (head maps hold the
// newest posting + 1), not a slice per block: 400k travellers make about
// a million blocks, and a slice each would be a million allocations for
// the collector to trace.
type Index struct {
	mu      sync.RWMutex
	people  []entry
	byKey   map[string]int32 // Person.Key -> live entry
	tokens  map[string]uint32
	blocks  map[block]int32  // -> posting + 1
	docs    map[string]int32 // normalized number -> posting + 1
	post    []posting
	live    int
	deadCnt int
}

type entry struct {
	p    Person
	f    folded
	dead bool
}

type block struct {
	tok   uint32
	birth int32
}

type posting struct {
	id, next int32
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{byKey: map[string]int32{}, tokens: map[string]uint32{}, blocks: map[block]int32{}, docs: map[string]int32{}}
}

// Reserve makes room for n more travellers, so a build from a store of
// known size does not copy the entries as they grow.
func (ix *Index) Reserve(n int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.people = slices.Grow(ix.people, n)
	ix.post = slices.Grow(ix.post, 3*n)
}

// Len is the number of travellers indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

func (ix *Index) tok(t string) uint32 {
	id, ok := ix.tokens[t]
	if !ok {
		id = uint32(len(ix.tokens) + 1)
		ix.tokens[t] = id
	}
	return id
}

// Put adds p, or replaces the person of the same case and member.
func (ix *Index) Put(p Person) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(p.Key())
	if ix.deadCnt > 1024 && ix.deadCnt > ix.live {
		ix.compact()
	}
	ix.put(p)
}

// compact rebuilds the index from its live entries, dropping the dead
// ones a long session of edits leaves behind.
func (ix *Index) compact() {
	old := ix.people
	ix.people, ix.post, ix.live, ix.deadCnt = nil, nil, 0, 0
	ix.byKey, ix.blocks, ix.docs = map[string]int32{}, map[block]int32{}, map[string]int32{}
	for i := range old {
		if !old[i].dead {
			ix.put(old[i].p)
		}
	}
}

func (ix *Index) put(p Person) {
	id := int32(len(ix.people))
	ix.people = append(ix.people, entry{p: p, f: foldPerson(&p)})
	e := &ix.people[id]
	ix.byKey[p.Key()] = id
	ix.live++
	if e.f.birth != 0 {
		var seen [8]uint32
		n := 0
		for _, ts := range [][]string{e.f.family, e.f.given} {
			for _, t := range ts {
				k := ix.tok(t)
				if slices.Contains(seen[:n], k) {
					continue
				}
				if n < len(seen) {
					seen[n] = k
					n++
				}
				b := block{k, e.f.birth}
				ix.post = append(ix.post, posting{id: id, next: ix.blocks[b] - 1})
				ix.blocks[b] = int32(len(ix.post))
			}
		}
	}
	for _, d := range e.f.docs {
		ix.post = append(ix.post, posting{id: id, next: ix.docs[d] - 1})
		ix.docs[d] = int32(len(ix.post))
	}
}

// Remove drops the person of case and member, if indexed.
func (ix *Index) Remove(p Person) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(p.Key())
}

// remove marks the entry dead; its postings stay and are skipped.
func (ix *Index) remove(key string) {
	if id, ok := ix.byKey[key]; ok {
		ix.people[id].dead = true
		delete(ix.byKey, key)
		ix.live--
		ix.deadCnt++
	}
}

// walk calls fn with each live entry id of the posting list from head.
func (ix *Index) walk(head int32, fn func(id int32)) {
	for at := head - 1; at >= 0; at = ix.post[at].next {
		if id := ix.post[at].id; !ix.people[id].dead {
			fn(id)
		}
	}
}

// candidates calls fn with every entry sharing a block with f (a name key
// with the birth date or the day/month swapped one, or a document number),
// each once.
func (ix *Index) candidates(f *folded, fn func(id int32)) {
	seen := map[int32]bool{}
	visit := func(id int32) {
		if !seen[id] {
			seen[id] = true
			fn(id)
		}
	}
	for _, d := range f.docs {
		ix.walk(ix.docs[d], visit)
	}
	if f.birth == 0 {
		return
	}
	for _, ts := range [][]string{f.family, f.given} {
		for _, t := range ts {
			k, ok := ix.tokens[t]
			if !ok {
				continue
			}
			for _, b := range []int32{f.birth, swapped(f.birth)} {
				if b != 0 {
					ix.walk(ix.blocks[block{k, b}], visit)
				}
			}
		}
	}
}

// Find returns the likely duplicates of p in other cases than p's, best
// first, at most limit (0: all).
func (ix *Index) Find(p Person, limit int) []Match {
	f := foldPerson(&p)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []Match
	ix.candidates(&f, func(id int32) {
		e := &ix.people[id]
		if e.p.Case == p.Case {
			return
		}
		if s, why := compare(&f, &e.f, &e.p); s >= Threshold {
			out = append(out, Match{Other: e.p, Score: s, Reason: why})
		}
	})
	sortMatches(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

func sortMatches(ms []Match) {
	slices.SortFunc(ms, func(a, b Match) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Other.Case, b.Other.Case), cmp.Compare(a.Other.Member, b.Other.Member))
	})
}

// Pair is two travellers of different cases that are likely one person.
type Pair struct {
	A, B   Person
	Score  int
	Reason string
}

// Pairs returns every likely duplicate pair across cases, each once (A's
// case before B's), best first; with caseNo set, only the pairs of that
// case (its travellers as A).
func (ix *Index) Pairs(caseNo string) []Pair {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []Pair
	for id := range ix.people {
		a := &ix.people[id]
		if a.dead || caseNo != "" && a.p.Case != caseNo {
			continue
		}
		ix.candidates(&a.f, func(j int32) {
			b := &ix.people[j]
			if b.p.Case == a.p.Case || caseNo == "" && b.p.Case < a.p.Case {
				return
			}
			s, why := compare(&a.f, &b.f, &b.p)
			if s < Threshold {
				return
			}
			out = append(out, Pair{A: a.p, B: b.p, Score: s, Reason: why})
		})
	}
	slices.SortFunc(out, func(x, y Pair) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.A.Case, y.A.Case), cmp.Compare(x.A.Member, y.A.Member),
			cmp.Compare(x.B.Case, y.B.Case), cmp.Compare(x.B.Member, y.B.Member))
	})
	return out
}
