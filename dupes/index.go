package dupes

import (
	"cmp"
	"slices"
	"sync"
)

// Index holds every traveller of a store, blocked by family name key and
// birth date, and by document number, so a check looks at a handful of
// candidates rather than every traveller. It keeps no names: a match is a
// case, a member and a birth date, and the caller reads the rest. Safe for
// concurrent use.
//
// Everything is in flat slices without pointers (but the case numbers):
// 400k travellers would make maps of a million blocks, three times the
// memory and work for the collector. A build (Builder, or a rebuild after
// many changes) sorts the people by case and member and the postings by
// key; people put since are found through small maps and sorted runs of
// their own.
type Index struct {
	mu     sync.RWMutex
	people []entry
	pools
	cases     []string
	baseCases int              // cases[:baseCases] are sorted
	newCases  map[string]int32 // the others
	base      int              // people[:base] are sorted by personKey
	newPeople map[uint64]int32 // personKey -> id of people[base:]
	tokens    map[string]uint32
	// Postings, key<<32 | id, sorted: blocks are keyed by a hash of a
	// family name key and a birth date (the candidates compare judges),
	// docs by the low half of a document number's hash. new* hold those
	// of people put since the last build.
	blocks, newBlocks []uint64
	docs, newDocs     []uint64
	live, dead        int
}

func (e *entry) key() uint64 { return uint64(uint32(e.caseI))<<16 | uint64(uint16(e.member)) }

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{tokens: map[string]uint32{}, newCases: map[string]int32{}, newPeople: map[uint64]int32{}}
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

// lookTok is the id of name key t, or 0 when no one indexed has it.
func (ix *Index) lookTok(t string) uint32 { return ix.tokens[t] }

// caseOf is the index of case number no in cases, or -1.
func (ix *Index) caseOf(no string) int32 {
	if i, ok := slices.BinarySearch(ix.cases[:ix.baseCases], no); ok {
		return int32(i)
	}
	if i, ok := ix.newCases[no]; ok {
		return i
	}
	return -1
}

// lookup is the id of the live person of key k, or -1.
func (ix *Index) lookup(k uint64) int32 {
	if id, ok := ix.newPeople[k]; ok {
		return id
	}
	i, ok := slices.BinarySearchFunc(ix.people[:ix.base], k, func(e entry, k uint64) int { return cmp.Compare(e.key(), k) })
	if ok && !ix.people[i].dead {
		return int32(i)
	}
	return -1
}

// Put adds p, or replaces the person of the same case and member.
func (ix *Index) Put(p Person) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ci := ix.caseOf(p.Case)
	if ci < 0 {
		ci = int32(len(ix.cases))
		ix.cases = append(ix.cases, p.Case)
		ix.newCases[p.Case] = ci
	}
	e := fold(&p, ci, tokenizer(ix.addTok), &ix.pools)
	k := e.key()
	if id := ix.lookup(k); id >= 0 {
		ix.kill(id)
	}
	id := int32(len(ix.people))
	ix.people = append(ix.people, e)
	ix.newPeople[k] = id
	ix.live++
	ix.postings(id, func(doc bool, v uint64) {
		run := &ix.newBlocks
		if doc {
			run = &ix.newDocs
		}
		i, _ := slices.BinarySearch(*run, v)
		*run = slices.Insert(*run, i, v)
	})
	if ix.dead > 1024 && ix.dead > ix.live || len(ix.newBlocks)+len(ix.newDocs) > max(4096, (len(ix.blocks)+len(ix.docs))/8) {
		ix.rebuild()
	}
}

// Remove drops the person of p's case and member, if indexed.
func (ix *Index) Remove(p Person) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ci := ix.caseOf(p.Case); ci >= 0 {
		if id := ix.lookup(uint64(uint32(ci))<<16 | uint64(uint16(p.Member))); id >= 0 {
			ix.kill(id)
		}
	}
}

// kill marks person id dead; its postings stay and are skipped until the
// next rebuild.
func (ix *Index) kill(id int32) {
	e := &ix.people[id]
	e.dead = true
	if int(id) >= ix.base {
		delete(ix.newPeople, e.key())
	}
	ix.live--
	ix.dead++
}

// postings calls add with each posting of person id (doc: of a document,
// else of a block).
func (ix *Index) postings(id int32, add func(doc bool, v uint64)) {
	e := &ix.people[id]
	v := ix.view(e)
	if e.birth != 0 {
		for i, k := range v.fam {
			if !slices.Contains(v.fam[:i], k) {
				add(false, uint64(blockKey(k, e.birth))<<32|uint64(id))
			}
		}
	}
	for i, d := range v.docs {
		if !slices.Contains(v.docs[:i], d) {
			add(true, uint64(uint32(d))<<32|uint64(id))
		}
	}
}

// blockKey mixes a name key and a birth date into 32 bits (splitmix64's
// finaliser): a collision only adds a candidate that compare refuses.
func blockKey(tok uint32, birth int32) uint32 {
	x := uint64(tok)<<32 | uint64(uint32(birth))
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return uint32(x >> 32)
}

// rebuild makes the index anew from its live people: cases sorted, people
// sorted by case and member (the newest of a case and member kept), pools
// without the dead's parts, postings in sorted runs.
func (ix *Index) rebuild() {
	// Case numbers sorted and made unique; remap[old] is the new index.
	order := make([]int32, len(ix.cases))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(ix.cases[a], ix.cases[b]) })
	remap := make([]int32, len(ix.cases))
	used := make([]bool, len(ix.cases))
	for i := range ix.people {
		if e := &ix.people[i]; !e.dead {
			used[e.caseI] = true
		}
	}
	var cases []string
	for i := 0; i < len(order); {
		// A run of one case number: kept once, if a live person has it.
		j, live := i, false
		for ; j < len(order) && ix.cases[order[j]] == ix.cases[order[i]]; j++ {
			live = live || used[order[j]]
		}
		for _, c := range order[i:j] {
			remap[c] = int32(len(cases))
		}
		if live {
			cases = append(cases, ix.cases[order[i]])
		}
		i = j
	}
	ids := make([]int32, 0, len(ix.people))
	for i := range ix.people {
		if !ix.people[i].dead {
			ids = append(ids, int32(i))
		}
	}
	keyOf := func(id int32) uint64 {
		e := ix.people[id]
		return uint64(uint32(remap[e.caseI]))<<16 | uint64(uint16(e.member))
	}
	slices.SortStableFunc(ids, func(a, b int32) int { return cmp.Compare(keyOf(a), keyOf(b)) })
	// One person per case and member: the last put.
	n := 0
	for i, id := range ids {
		if i+1 < len(ids) && keyOf(ids[i+1]) == keyOf(id) {
			continue
		}
		ids[n] = id
		n++
	}
	ids = ids[:n]
	var ntok, ndoc int
	for _, id := range ids {
		ntok += int(ix.people[id].nTok)
		ndoc += int(ix.people[id].nDoc)
	}
	people := make([]entry, len(ids))
	pl := pools{toks: make([]uint32, 0, ntok), docs: make([]uint64, 0, ndoc), docType: make([]uint8, 0, ndoc)}
	for i, id := range ids {
		e := ix.people[id]
		v := ix.view(&e)
		e.caseI = remap[e.caseI]
		e.tokAt, e.docAt = uint32(len(pl.toks)), uint32(len(pl.docs))
		pl.toks = append(append(pl.toks, v.fam...), v.given...)
		pl.docs = append(pl.docs, v.docs...)
		pl.docType = append(pl.docType, v.docType...)
		people[i] = e
	}
	ix.people, ix.pools, ix.cases = people, pl, cases
	ix.base, ix.baseCases, ix.live, ix.dead = len(people), len(cases), len(people), 0
	clear(ix.newCases)
	clear(ix.newPeople)
	var nb, nd int
	for i := range people {
		nb += int(people[i].nFam)
		nd += int(people[i].nDoc)
	}
	blocks, docs := make([]uint64, 0, nb), make([]uint64, 0, nd)
	for id := range people {
		ix.postings(int32(id), func(doc bool, v uint64) {
			if doc {
				docs = append(docs, v)
			} else {
				blocks = append(blocks, v)
			}
		})
	}
	slices.Sort(blocks)
	slices.Sort(docs)
	ix.blocks, ix.docs, ix.newBlocks, ix.newDocs = blocks, docs, nil, nil
}

// walk calls fn with each live person id posted under key in run.
func (ix *Index) walk(run []uint64, key uint32, fn func(id int32)) {
	i, _ := slices.BinarySearch(run, uint64(key)<<32)
	for ; i < len(run) && uint32(run[i]>>32) == key; i++ {
		if id := int32(uint32(run[i])); !ix.people[id].dead {
			fn(id)
		}
	}
}

// candidates calls fn with every person sharing a block with q (one of
// q's name keys as a family name key, with the birth date or the day/month
// swapped one, or a document number), each once. Family name keys alone
// are posted: nameMatch needs a key of the other's family name in either
// of q's names.
func (ix *Index) candidates(q *folded, fn func(id int32)) {
	var seen []int32
	visit := func(id int32) {
		if !slices.Contains(seen, id) {
			seen = append(seen, id)
			fn(id)
		}
	}
	for i, d := range q.docs {
		if !slices.Contains(q.docs[:i], d) {
			ix.walk(ix.docs, uint32(d), visit)
			ix.walk(ix.newDocs, uint32(d), visit)
		}
	}
	if q.birth == 0 {
		return
	}
	var ks [maxToks]uint32
	n := 0
	for _, part := range [2][]uint32{q.fam, q.given} {
		for _, k := range part {
			if k != 0 && n < maxToks && !slices.Contains(ks[:n], k) {
				ks[n] = k
				n++
			}
		}
	}
	for _, k := range ks[:n] {
		for _, b := range [2]int32{q.birth, swapped(q.birth)} {
			if b != 0 {
				bk := blockKey(k, b)
				ix.walk(ix.blocks, bk, visit)
				ix.walk(ix.newBlocks, bk, visit)
			}
		}
	}
}

// Find returns the likely duplicates of p in other cases than p's, best
// first, at most limit (0: all).
func (ix *Index) Find(p Person, limit int) []Match {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	qi := ix.caseOf(p.Case)
	var pl pools
	e := fold(&p, qi, tokenizer(ix.lookTok), &pl)
	q := pl.view(&e)
	var out []Match
	ix.candidates(&q, func(id int32) {
		o := &ix.people[id]
		if o.caseI == qi {
			return
		}
		v := ix.view(o)
		if s, why := compare(&q, &v); s >= Threshold {
			out = append(out, Match{Other: o.person(ix.cases[o.caseI]), Score: s, Reason: why})
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
		va := ix.view(a)
		ix.candidates(&va, func(j int32) {
			b := &ix.people[j]
			bc := ix.cases[b.caseI]
			if b.caseI == a.caseI || caseNo == "" && bc < ac {
				return
			}
			vb := ix.view(b)
			if s, why := compare(&va, &vb); s >= Threshold {
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

// Builder makes the index of a whole store at once: faster than Put one
// by one (each spelling of a name is folded once, the postings sorted
// once). People are best added in case-number order, as a store holds
// them; any order gives the same index.
type Builder struct {
	ix    *Index
	memo  map[string]memoName
	arena []uint32
}

type memoName struct {
	at, n uint32
	norm  string
}

// NewBuilder returns a builder for about n people.
func NewBuilder(n int) *Builder {
	ix := NewIndex()
	ix.people = make([]entry, 0, n)
	ix.toks = make([]uint32, 0, 3*n)
	return &Builder{ix: ix, memo: map[string]memoName{}}
}

// Add adds p (not kept); of two people of one case and member, the later.
func (b *Builder) Add(p *Person) {
	ix := b.ix
	ci := int32(len(ix.cases) - 1)
	if ci < 0 || ix.cases[ci] != p.Case {
		ix.cases = append(ix.cases, p.Case)
		ci++
	}
	ix.people = append(ix.people, fold(p, ci, b, &ix.pools))
}

// name implements names with a memo of every spelling seen.
func (b *Builder) name(s string) ([]uint32, string) {
	m, ok := b.memo[s]
	if !ok {
		ts := Tokens(s)
		m = memoName{at: uint32(len(b.arena)), n: uint32(len(ts))}
		for _, t := range ts {
			b.arena = append(b.arena, b.ix.addTok(t))
		}
		m.norm = norm(s)
		b.memo[s] = m
	}
	return b.arena[m.at : m.at+m.n], m.norm
}

// Index returns the index of the people added; the builder is spent.
func (b *Builder) Index() *Index {
	ix := b.ix
	b.ix, b.memo, b.arena = nil, nil, nil
	ix.live = len(ix.people)
	ix.rebuild()
	return ix
}
