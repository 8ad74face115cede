package dupes

import (
	"cmp"
	"slices"
	"sort"
	"sync"
)

// Index holds every traveller of a store, blocked by family name key and
// birth date, and by document number, so a check looks at a handful of
// candidates rather than every traveller. It keeps no names: a match is a
// case, a member and a birth date, and the caller reads the rest. Safe for
// concurrent use.
//
// Everything is in flat slices without pointers, the case numbers in one
// string: 400k travellers would make maps of a million blocks and as many
// small objects, three times the memory and work for the collector. A
// build (Builder, or a rebuild after many changes) sorts the people by
// case and member and the postings by key; people put since are found
// through small maps and sorted runs of their own.
type Index struct {
	mu     sync.RWMutex
	people []entry
	toks   []uint32 // name key ids of the people (entry.tokAt)
	// Case numbers: the first baseCases sorted, in caseText at caseAt[i]
	// to caseAt[i+1]; those put since in newCaseNo, found by newCases.
	caseText  string
	caseAt    []uint32
	baseCases int
	newCaseNo []string
	newCases  map[string]int32
	base      int              // people[:base] are sorted by entry.key
	newPeople map[uint64]int32 // entry.key -> id of people[base:]
	tokens    map[string]uint32
	// Postings: blocks are key<<32 | id, keyed by a hash of a family name
	// key and a birth date (the candidates compare judges); docs hold
	// every document number. new* hold those of people put since the
	// last build.
	blocks, newBlocks []uint64
	docs, newDocs     docRun
	live, dead        int
}

// docRun is document postings sorted by hash then person id (one
// person's postings of one hash in the person's order).
type docRun struct {
	hash []uint64
	id   []int32
	typ  []uint8
}

// of returns the range of postings of hash h.
func (r *docRun) of(h uint64) (int, int) {
	lo, _ := slices.BinarySearch(r.hash, h)
	hi := lo
	for hi < len(r.hash) && r.hash[hi] == h {
		hi++
	}
	return lo, hi
}

func (r *docRun) insert(h uint64, id int32, typ uint8) {
	lo, hi := r.of(h)
	i := lo + sort.Search(hi-lo, func(i int) bool { return r.id[lo+i] > id })
	r.hash = slices.Insert(r.hash, i, h)
	r.id = slices.Insert(r.id, i, id)
	r.typ = slices.Insert(r.typ, i, typ)
}

func (e *entry) key() uint64 { return uint64(uint32(e.caseI))<<16 | uint64(uint16(e.member)) }

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{caseAt: []uint32{0}, tokens: map[string]uint32{}, newCases: map[string]int32{}, newPeople: map[uint64]int32{}}
}

// Len is the number of travellers indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// Bytes is about the memory the index holds: its slices and case
// numbers (the name key map aside: a few thousand keys).
func (ix *Index) Bytes() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := 20*cap(ix.people) + 4*cap(ix.toks) + len(ix.caseText) + 4*cap(ix.caseAt) + 8*(cap(ix.blocks)+cap(ix.newBlocks))
	for _, r := range [2]*docRun{&ix.docs, &ix.newDocs} {
		n += 8*cap(r.hash) + 4*cap(r.id) + cap(r.typ)
	}
	return int64(n)
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

// caseNo is the case number of index i.
func (ix *Index) caseNo(i int32) string {
	if int(i) < ix.baseCases {
		return ix.caseText[ix.caseAt[i]:ix.caseAt[i+1]]
	}
	return ix.newCaseNo[int(i)-ix.baseCases]
}

// caseOf is the index of case number no, or -1.
func (ix *Index) caseOf(no string) int32 {
	i := sort.Search(ix.baseCases, func(i int) bool { return ix.caseNo(int32(i)) >= no })
	if i < ix.baseCases && ix.caseNo(int32(i)) == no {
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

// view is person id as compare reads it, without its documents (the
// postings hold those).
func (ix *Index) view(e *entry) folded {
	t := ix.toks[e.tokAt : e.tokAt+e.nTok()]
	return folded{fam: t[:e.nFam()], given: t[e.nFam():], birth: e.birth, exact: e.exact}
}

// Put adds p, or replaces the person of the same case and member.
func (ix *Index) Put(p Person) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ci := ix.caseOf(p.Case)
	if ci < 0 {
		ci = int32(ix.baseCases + len(ix.newCaseNo))
		ix.newCaseNo = append(ix.newCaseNo, p.Case)
		ix.newCases[p.Case] = ci
	}
	var buf [maxDocs]RawDoc
	r := p.raw(buf[:])
	var docs []docRef
	e := fold(&r, ci, tokenizer(ix.addTok), &ix.toks, &docs)
	k := e.key()
	if id := ix.lookup(k); id >= 0 {
		ix.kill(id)
	}
	id := int32(len(ix.people))
	ix.people = append(ix.people, e)
	ix.newPeople[k] = id
	ix.live++
	ix.blockPostings(id, func(v uint64) {
		i, _ := slices.BinarySearch(ix.newBlocks, v)
		ix.newBlocks = slices.Insert(ix.newBlocks, i, v)
	})
	for i, d := range docs {
		if !slices.ContainsFunc(docs[:i], func(x docRef) bool { return x.hash == d.hash }) {
			ix.newDocs.insert(d.hash, id, d.typ)
		}
	}
	if ix.dead > 1024 && ix.dead > ix.live || len(ix.newBlocks)+len(ix.newDocs.hash) > max(4096, (len(ix.blocks)+len(ix.docs.hash))/8) {
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

// blockPostings calls add with each block posting of person id: one per
// family name key, with the birth date.
func (ix *Index) blockPostings(id int32, add func(v uint64)) {
	e := &ix.people[id]
	if e.birth == 0 {
		return
	}
	fam := ix.view(e).fam
	for i, k := range fam {
		if !slices.Contains(fam[:i], k) {
			add(uint64(blockKey(k, e.birth))<<32 | uint64(id))
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

// docPosting is a document posting before the sorted run is made; ord is
// the document's place among its person's.
type docPosting struct {
	hash uint64
	id   int32
	typ  uint8
	ord  uint8
}

// rebuild makes the index anew from its live people: case numbers sorted
// into one string, people sorted by case and member (the last put of a
// case and member kept), name keys without the dead's, postings in sorted
// runs.
func (ix *Index) rebuild() {
	ix.rebuildWith(ix.allDocs())
}

// allDocs is every live document posting, base and new.
func (ix *Index) allDocs() []docPosting {
	out := make([]docPosting, 0, len(ix.docs.hash)+len(ix.newDocs.hash))
	for _, r := range [2]*docRun{&ix.docs, &ix.newDocs} {
		for i, h := range r.hash {
			if !ix.people[r.id[i]].dead {
				out = append(out, docPosting{hash: h, id: r.id[i], typ: r.typ[i]})
			}
		}
	}
	return out
}

// rebuildWith is rebuild with the document postings given (a build's, or
// allDocs).
func (ix *Index) rebuildWith(docs []docPosting) {
	nCases := ix.baseCases + len(ix.newCaseNo)
	used := make([]bool, nCases)
	for i := range ix.people {
		if e := &ix.people[i]; !e.dead {
			used[e.caseI] = true
		}
	}
	// Case numbers sorted and made one each; remap[old] is the new index.
	order := make([]int32, nCases)
	for i := range order {
		order[i] = int32(i)
	}
	if !ix.casesSorted() {
		slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(ix.caseNo(a), ix.caseNo(b)) })
	}
	remap := make([]int32, nCases)
	var text []byte
	caseAt := []uint32{0}
	for i := 0; i < len(order); {
		// A run of one case number: kept once, if a live person has it.
		j, live := i, false
		for ; j < len(order) && ix.caseNo(order[j]) == ix.caseNo(order[i]); j++ {
			live = live || used[order[j]]
		}
		for _, c := range order[i:j] {
			remap[c] = int32(len(caseAt) - 1)
		}
		if live {
			text = append(text, ix.caseNo(order[i])...)
			caseAt = append(caseAt, uint32(len(text)))
		}
		i = j
	}
	ids := make([]int32, 0, ix.live)
	for i := range ix.people {
		if !ix.people[i].dead {
			ids = append(ids, int32(i))
		}
	}
	keyOf := func(id int32) uint64 {
		e := &ix.people[id]
		return uint64(uint32(remap[e.caseI]))<<16 | uint64(uint16(e.member))
	}
	if !slices.IsSortedFunc(ids, func(a, b int32) int { return cmp.Compare(keyOf(a), keyOf(b)) }) {
		slices.SortStableFunc(ids, func(a, b int32) int { return cmp.Compare(keyOf(a), keyOf(b)) })
	}
	// One person per case and member: the last put. newID[old] is the id
	// after, or -1.
	newID := make([]int32, len(ix.people))
	for i := range newID {
		newID[i] = -1
	}
	n := 0
	for i, id := range ids {
		if i+1 < len(ids) && keyOf(ids[i+1]) == keyOf(id) {
			continue
		}
		ids[n] = id
		newID[id] = int32(n)
		n++
	}
	ids = ids[:n]
	var ntok int
	for _, id := range ids {
		ntok += int(ix.people[id].nTok())
	}
	people := make([]entry, len(ids))
	toks := make([]uint32, 0, ntok)
	for i, id := range ids {
		e := ix.people[id]
		t := ix.toks[e.tokAt : e.tokAt+e.nTok()]
		e.caseI = remap[e.caseI]
		e.tokAt = uint32(len(toks))
		toks = append(toks, t...)
		people[i] = e
	}
	ix.people, ix.toks = people, toks
	ix.caseText, ix.caseAt, ix.baseCases, ix.newCaseNo = string(text), slices.Clip(caseAt), len(caseAt)-1, nil
	ix.base, ix.live, ix.dead = len(people), len(people), 0
	clear(ix.newCases)
	clear(ix.newPeople)

	var nb int
	for i := range people {
		if people[i].birth != 0 {
			nb += int(people[i].nFam())
		}
	}
	blocks := make([]uint64, 0, nb)
	for id := range people {
		ix.blockPostings(int32(id), func(v uint64) { blocks = append(blocks, v) })
	}
	slices.Sort(blocks)
	ix.blocks, ix.newBlocks = blocks, nil

	// Documents: of live people, one posting per person and hash (its
	// first), sorted by hash then id.
	k := 0
	for _, d := range docs {
		if d.id = newID[d.id]; d.id >= 0 {
			docs[k] = d
			k++
		}
	}
	docs = docs[:k]
	docs = sortDocs(docs)
	run := docRun{hash: make([]uint64, 0, len(docs)), id: make([]int32, 0, len(docs)), typ: make([]uint8, 0, len(docs))}
	for i, d := range docs {
		if i > 0 && docs[i-1].hash == d.hash && docs[i-1].id == d.id {
			continue
		}
		run.hash = append(run.hash, d.hash)
		run.id = append(run.id, d.id)
		run.typ = append(run.typ, d.typ)
	}
	ix.docs, ix.newDocs = run, docRun{}
}

// sortDocs sorts postings by hash, id and order among the person's: a
// radix sort on the hash (16 bits a pass: a comparison sort of 600k
// postings takes four times as long), then runs of one hash, rare, by id
// and order. It returns the sorted slice, docs or a new one.
func sortDocs(docs []docPosting) []docPosting {
	if len(docs) < 256 {
		slices.SortFunc(docs, cmpDocs)
		return docs
	}
	buf := make([]docPosting, len(docs))
	count := make([]int, 1<<16)
	for shift := 0; shift < 64; shift += 16 {
		clear(count)
		for i := range docs {
			count[docs[i].hash>>shift&0xffff]++
		}
		at := 0
		for d, c := range count {
			count[d] = at
			at += c
		}
		for i := range docs {
			d := docs[i].hash >> shift & 0xffff
			buf[count[d]] = docs[i]
			count[d]++
		}
		docs, buf = buf, docs
	}
	for i := 0; i < len(docs); {
		j := i + 1
		for j < len(docs) && docs[j].hash == docs[i].hash {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(docs[i:j], cmpDocs)
		}
		i = j
	}
	return docs
}

func cmpDocs(a, b docPosting) int {
	return cmp.Or(cmp.Compare(a.hash, b.hash), cmp.Compare(a.id, b.id), cmp.Compare(a.ord, b.ord))
}

// grow makes room for n more in s, doubling (append grows big slices by
// a quarter, copying them ten times over in a build).
func grow[T any](s []T, n int) []T {
	if cap(s)-len(s) < n {
		return slices.Grow(s, max(cap(s), n, 1024))
	}
	return s
}

// casesSorted reports whether the case numbers are sorted and each once.
func (ix *Index) casesSorted() bool {
	n := ix.baseCases + len(ix.newCaseNo)
	for i := 1; i < n; i++ {
		if ix.caseNo(int32(i-1)) >= ix.caseNo(int32(i)) {
			return false
		}
	}
	return true
}

// walkBlocks calls fn with each live person id posted under key in run.
func (ix *Index) walkBlocks(run []uint64, key uint32, fn func(id int32)) {
	i, _ := slices.BinarySearch(run, uint64(key)<<32)
	for ; i < len(run) && uint32(run[i]>>32) == key; i++ {
		if id := int32(uint32(run[i])); !ix.people[id].dead {
			fn(id)
		}
	}
}

// walkDocs calls fn with each live person id posted under document hash
// h, with the type of its document.
func (ix *Index) walkDocs(h uint64, fn func(id int32, typ uint8)) {
	for _, r := range [2]*docRun{&ix.docs, &ix.newDocs} {
		lo, hi := r.of(h)
		for i := lo; i < hi; i++ {
			if id := r.id[i]; !ix.people[id].dead {
				fn(id, r.typ[i])
			}
		}
	}
}

// candidates calls doc with every person who has one of q's document
// numbers (the type of theirs: that of q's first document they share),
// then name with every other person sharing a block with q (one of q's
// name keys as a family name key, with the birth date or the day/month
// swapped one), each once. Family name keys alone are posted: nameMatch
// needs a key of the other's family name in either of q's names.
func (ix *Index) candidates(q *folded, doc func(id int32, typ uint8), name func(id int32)) {
	var seen []int32
	for _, d := range q.docs {
		ix.walkDocs(d.hash, func(id int32, typ uint8) {
			if !slices.Contains(seen, id) {
				seen = append(seen, id)
				doc(id, typ)
			}
		})
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
	visit := func(id int32) {
		if !slices.Contains(seen, id) {
			seen = append(seen, id)
			name(id)
		}
	}
	for _, k := range ks[:n] {
		for _, b := range [2]int32{q.birth, swapped(q.birth)} {
			if b != 0 {
				bk := blockKey(k, b)
				ix.walkBlocks(ix.blocks, bk, visit)
				ix.walkBlocks(ix.newBlocks, bk, visit)
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
	q := foldPerson(&p, qi, tokenizer(ix.lookTok))
	var out []Match
	ix.candidates(&q, func(id int32, typ uint8) {
		if o := &ix.people[id]; o.caseI != qi {
			out = append(out, Match{Other: o.person(ix.caseNo(o.caseI)), Score: ScoreSameDoc, Reason: docReason(typ)})
		}
	}, func(id int32) {
		o := &ix.people[id]
		if o.caseI == qi {
			return
		}
		v := ix.view(o)
		// Without q's documents: none of them is the other's.
		if s, why := compare(&folded{fam: q.fam, given: q.given, birth: q.birth, exact: q.exact}, &v); s >= Threshold {
			out = append(out, Match{Other: o.person(ix.caseNo(o.caseI)), Score: s, Reason: why})
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
	// Each person's documents, in their order, from the postings.
	docsOf := make([][]docRef, len(ix.people))
	for _, d := range ix.allDocs() {
		docsOf[d.id] = append(docsOf[d.id], docRef{d.hash, d.typ})
	}
	var out []Pair
	for id := range ix.people {
		a := &ix.people[id]
		ac := ix.caseNo(a.caseI)
		if a.dead || caseNo != "" && ac != caseNo {
			continue
		}
		va := ix.view(a)
		va.docs = docsOf[id]
		found := func(j int32, s int, why string) {
			b := &ix.people[j]
			bc := ix.caseNo(b.caseI)
			if b.caseI == a.caseI || caseNo == "" && bc < ac || s < Threshold {
				return
			}
			out = append(out, Pair{A: a.person(ac), B: b.person(bc), Score: s, Reason: why})
		}
		ix.candidates(&va, func(j int32, typ uint8) { found(j, ScoreSameDoc, docReason(typ)) }, func(j int32) {
			vb := ix.view(&ix.people[j])
			vb.docs = docsOf[j]
			s, why := compare(&va, &vb)
			found(j, s, why)
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
// once) and without garbage for each person. People are best added in
// case-number order, as a store holds them; any order gives the same
// index.
type Builder struct {
	ix    *Index
	text  []byte   // case numbers
	at    []uint32 // case i is text[at[i]:at[i+1]]
	docs  []docPosting
	dbuf  []docRef
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
	ix.toks = make([]uint32, 0, 2*n)
	return &Builder{ix: ix, at: []uint32{0}, memo: map[string]memoName{}}
}

// Add adds p (not kept); of two people of one case and member, the later.
func (b *Builder) Add(p *Person) {
	r := p.raw(nil)
	b.AddRaw(&r)
}

// AddRaw adds p, whose bytes are not kept.
func (b *Builder) AddRaw(p *RawPerson) {
	ix := b.ix
	ci := int32(len(b.at) - 2)
	if ci < 0 || string(b.text[b.at[ci]:]) != p.Case {
		b.text = append(grow(b.text, len(p.Case)), p.Case...)
		b.at = append(grow(b.at, 1), uint32(len(b.text)))
		ci++
	}
	b.dbuf = b.dbuf[:0]
	ix.toks = grow(ix.toks, maxToks)
	e := fold(p, ci, b, &ix.toks, &b.dbuf)
	id := int32(len(ix.people))
	ix.people = append(grow(ix.people, 1), e)
	for i, d := range b.dbuf {
		b.docs = append(grow(b.docs, 1), docPosting{hash: d.hash, id: id, typ: d.typ, ord: uint8(i)})
	}
}

// name implements names with a memo of every spelling seen.
func (b *Builder) name(s []byte) ([]uint32, string) {
	m, ok := b.memo[string(s)]
	if !ok {
		name := string(s)
		ts := Tokens(name)
		m = memoName{at: uint32(len(b.arena)), n: uint32(len(ts)), norm: norm(name)}
		for _, t := range ts {
			b.arena = append(b.arena, b.ix.addTok(t))
		}
		b.memo[name] = m
	}
	return b.arena[m.at : m.at+m.n], m.norm
}

// Index returns the index of the people added; the builder is spent.
func (b *Builder) Index() *Index {
	ix := b.ix
	ix.caseText, ix.caseAt, ix.baseCases = string(b.text), b.at, len(b.at)-1
	ix.live = len(ix.people)
	docs := b.docs
	*b = Builder{}
	ix.rebuildWith(docs)
	return ix
}
