package dupes

import (
	"cmp"
	"hash/fnv"
	"slices"
	"sync"
)

// Index holds every traveller of a store, blocked by name key and birth
// date, and by document number, so a check looks at a handful of
// candidates rather than every traveller. It keeps no names: a match is a
// case, a member and a birth date, and the caller reads the rest. Safe for
// concurrent use.
//
// Postings are singly linked lists in one slice (the maps hold the newest
// posting + 1), not a slice per block: 400k travellers make about a
// million blocks, and a slice each would be a million allocations for the
// collector to trace.
type Index struct {
	mu      sync.RWMutex
	people  []entry
	cases   []string         // case numbers, each once
	caseIdx map[string]int32 // case number -> index in cases
	byKey   map[personKey]int32
	tokens  map[string]uint32
	blocks  map[block]int32  // -> posting + 1
	docs    map[uint64]int32 // document number hash -> posting + 1
	post    []posting
	live    int
	deadCnt int
}

// personKey is a hash of case and member: 8 bytes a traveller where the
// pair would take 24.
type personKey uint64

func keyOf(caseNo string, member int16) personKey {
	h := fnv.New64a()
	h.Write([]byte(caseNo))
	h.Write([]byte{byte(member >> 8), byte(member)})
	return personKey(h.Sum64())
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
	return &Index{byKey: map[personKey]int32{}, tokens: map[string]uint32{}, blocks: map[block]int32{}, docs: map[uint64]int32{},
		caseIdx: map[string]int32{}}
}

// Reserve makes room for n more travellers, so a build from a store of
// known size does not copy the entries as they grow.
func (ix *Index) Reserve(n int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.people = slices.Grow(ix.people, n)
	ix.post = slices.Grow(ix.post, 4*n)
}

// Len is the number of travellers indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// addTok is the id of name key t, made when new.
func (ix *Index) addTok(t string) uint32 {
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
	ix.remove(keyOf(p.Case, int16(p.Member)))
	if ix.deadCnt > 1024 && ix.deadCnt > ix.live {
		ix.compact()
	}
	ci, ok := ix.caseIdx[p.Case]
	if !ok {
		ci = int32(len(ix.cases))
		ix.cases = append(ix.cases, p.Case)
		ix.caseIdx[p.Case] = ci
	}
	ix.put(fold(&p, ci, ix.addTok))
}

// compact rebuilds the index from its live entries, dropping the dead
// ones a long session of edits leaves behind.
func (ix *Index) compact() {
	old := ix.people
	ix.people, ix.post, ix.live, ix.deadCnt = nil, nil, 0, 0
	ix.byKey, ix.blocks, ix.docs = map[personKey]int32{}, map[block]int32{}, map[uint64]int32{}
	for i := range old {
		if !old[i].dead {
			ix.put(old[i])
		}
	}
}

func (ix *Index) put(e entry) {
	id := int32(len(ix.people))
	ix.people = append(ix.people, e)
	ix.byKey[keyOf(ix.cases[e.caseI], e.member)] = id
	ix.live++
	if e.birth != 0 {
		for i, k := range e.toks[:e.nTok] {
			if slices.Contains(e.toks[:i], k) {
				continue
			}
			b := block{k, e.birth}
			ix.post = append(ix.post, posting{id: id, next: ix.blocks[b] - 1})
			ix.blocks[b] = int32(len(ix.post))
		}
	}
	for _, d := range e.docs[:e.nDoc] {
		ix.post = append(ix.post, posting{id: id, next: ix.docs[d] - 1})
		ix.docs[d] = int32(len(ix.post))
	}
}

// Remove drops the person of p's case and member, if indexed.
func (ix *Index) Remove(p Person) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(keyOf(p.Case, int16(p.Member)))
}

// remove marks the entry dead; its postings stay and are skipped.
func (ix *Index) remove(k personKey) {
	if id, ok := ix.byKey[k]; ok {
		ix.people[id].dead = true
		delete(ix.byKey, k)
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

// candidates calls fn with every entry sharing a block with e (a name key
// with the birth date or the day/month swapped one, or a document number),
// each once.
func (ix *Index) candidates(e *entry, fn func(id int32)) {
	var seen []int32
	visit := func(id int32) {
		if !slices.Contains(seen, id) {
			seen = append(seen, id)
			fn(id)
		}
	}
	for _, d := range e.docs[:e.nDoc] {
		ix.walk(ix.docs[d], visit)
	}
	if e.birth == 0 {
		return
	}
	for i, k := range e.toks[:e.nTok] {
		if k == 0 || slices.Contains(e.toks[:i], k) {
			continue
		}
		for _, b := range [2]int32{e.birth, swapped(e.birth)} {
			if b != 0 {
				ix.walk(ix.blocks[block{k, b}], visit)
			}
		}
	}
}

// lookTok is the id of name key t, or 0 when no one indexed has it.
func (ix *Index) lookTok(t string) uint32 { return ix.tokens[t] }

// Find returns the likely duplicates of p in other cases than p's, best
// first, at most limit (0: all).
func (ix *Index) Find(p Person, limit int) []Match {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	qi, ok := ix.caseIdx[p.Case]
	if !ok {
		qi = -1
	}
	q := fold(&p, qi, ix.lookTok)
	var out []Match
	ix.candidates(&q, func(id int32) {
		e := &ix.people[id]
		if e.caseI == qi {
			return
		}
		if s, why := compare(&q, e); s >= Threshold {
			out = append(out, Match{Other: e.person(ix.cases[e.caseI]), Score: s, Reason: why})
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

// Pair is two travellers of different cases that are likely one person
// (case, member and birth date each: the index keeps no names).
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
		ac := ix.cases[a.caseI]
		if a.dead || caseNo != "" && ac != caseNo {
			continue
		}
		ix.candidates(a, func(j int32) {
			b := &ix.people[j]
			bc := ix.cases[b.caseI]
			if b.caseI == a.caseI || caseNo == "" && bc < ac {
				return
			}
			if s, why := compare(a, b); s >= Threshold {
				out = append(out, Pair{A: a.person(ac), B: b.person(bc), Score: s, Reason: why})
			}
		})
	}
	slices.SortFunc(out, func(x, y Pair) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.A.Case, y.A.Case), cmp.Compare(x.A.Member, y.A.Member),
			cmp.Compare(x.B.Case, y.B.Case), cmp.Compare(x.B.Member, y.B.Member))
	})
	return out
}
