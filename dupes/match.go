package dupes

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"movedesk/booking"
)

// Person is a traveller as the matcher sees it.
type Person struct {
	Case   string
	Member int
	// Family and Given are the names as recorded (shown in reasons and
	// lists); the matcher compares their Tokens.
	Family, Given string
	Birth         booking.Date
	Docs          []Doc
}

// Doc is one of a person's document numbers.
type Doc struct {
	Type   booking.DocType
	Number string
}

// FromTraveller is the person of traveller t with the documents docs (of
// any traveller: those of others are left out).
func FromTraveller(t *booking.Traveller, docs []booking.Document) Person {
	p := Person{Case: t.Case, Member: t.Member, Family: t.FamilyName, Given: t.GivenNames, Birth: t.BirthDate}
	for _, d := range docs {
		if d.Member == t.Member && d.Number != "" {
			p.Docs = append(p.Docs, Doc{Type: d.Type, Number: d.Number})
		}
	}
	return p
}

// Name is "FAMILY, Given" as the lists show it.
func (p Person) Name() string {
	if p.Given == "" {
		return strings.ToUpper(p.Family)
	}
	return strings.ToUpper(p.Family) + ", " + p.Given
}

// Key is "CASE/member".
func (p Person) Key() string { return fmt.Sprintf("%s/%d", p.Case, p.Member) }

// Scores of the reasons a pair is a likely duplicate; Threshold is the
// lowest a match needs to be reported.
const (
	ScoreSameDoc       = 100
	ScoreSameNameBirth = 95
	ScoreNameBirth     = 90
	ScoreNameSwapped   = 80
	ScoreNameBirthSwap = 75
	Threshold          = 75
)

// Match is a likely duplicate of a person: the other traveller (its case,
// member and birth date: the index keeps no names), how likely (Score, up
// to 100) and why, in words ("same passport number", "name ~ and same
// birth date").
type Match struct {
	Other  Person
	Score  int
	Reason string
}

// entry is a person folded for matching: fixed size and without pointers
// (the collector need not look inside), its name keys and document
// numbers in the index's pools. 400k of them are what a desk of 100k cases
// holds, and the names themselves stay in the store (the desk reads those
// of the few matches it shows).
type entry struct {
	caseI  int32  // index in Index.cases (or -1: a query's case is none indexed)
	tokAt  uint32 // name keys at pools.toks[tokAt:tokAt+nTok], family first
	docAt  uint32 // documents at pools.docs[docAt:docAt+nDoc]
	birth  int32  // yyyymmdd, 0 for none
	exact  uint32 // hash of the whole folded name
	member int16
	nFam   uint8 // family name keys are the first nFam
	nTok   uint8
	nDoc   uint8
	dead   bool
}

// pools hold the variable parts of entries: name key ids, and document
// number hashes with their types (index in booking.DocTypes + 1).
type pools struct {
	toks    []uint32
	docs    []uint64
	docType []uint8
}

// folded is an entry with its pools: what compare reads.
type folded struct {
	fam, given []uint32
	docs       []uint64
	docType    []uint8
	birth      int32
	exact      uint32
}

func (pl *pools) view(e *entry) folded {
	t := pl.toks[e.tokAt : e.tokAt+uint32(e.nTok)]
	return folded{fam: t[:e.nFam], given: t[e.nFam:], docs: pl.docs[e.docAt : e.docAt+uint32(e.nDoc)],
		docType: pl.docType[e.docAt : e.docAt+uint32(e.nDoc)], birth: e.birth, exact: e.exact}
}

// A person keeps at most maxToks name keys (maxFam of the family name) and
// maxDocs document numbers (travel documents first).
const (
	maxToks = 6
	maxFam  = 4
	maxDocs = 3
)

// minDocLen: shorter numbers ("1", "A12") are placeholders, not identities.
const minDocLen = 5

// names turns a name into its name key ids and the hash input of its
// folded words; a memo (the index build) sees each spelling once.
type names interface {
	name(s string) (ids []uint32, norm string)
}

// tokenizer is names without a memo: tok gives a name key's id (0: a key
// no indexed person has, which matches nothing).
type tokenizer func(string) uint32

func (tok tokenizer) name(s string) ([]uint32, string) {
	ts := Tokens(s)
	ids := make([]uint32, len(ts))
	for i, t := range ts {
		ids[i] = tok(t)
	}
	return ids, norm(s)
}

// norm is the folded words of a name joined by single spaces.
func norm(s string) string { return strings.Join(strings.Fields(Fold(s)), " ") }

// fold makes the entry of p with its keys and documents appended to pl.
func fold(p *Person, caseI int32, nm names, pl *pools) entry {
	e := entry{caseI: caseI, member: int16(p.Member), birth: dateKey(p.Birth),
		tokAt: uint32(len(pl.toks)), docAt: uint32(len(pl.docs))}
	fam, fn := nm.name(p.Family)
	fam = fam[:min(len(fam), maxFam)]
	given, gn := nm.name(p.Given)
	given = given[:min(len(given), maxToks-len(fam))]
	pl.toks = append(append(pl.toks, fam...), given...)
	e.nFam, e.nTok = uint8(len(fam)), uint8(len(fam)+len(given))
	// The words of both names, as one string of single spaces.
	h := fnvAdd(fnvOffset, fn)
	if fn != "" && gn != "" {
		h = fnvAdd(h, " ")
	}
	e.exact = fnvAdd(h, gn)
	// Travel documents first.
	for _, travel := range [2]bool{true, false} {
		for i := range p.Docs {
			d := &p.Docs[i]
			if d.Type.IsTravelDocument() != travel || e.nDoc == maxDocs {
				continue
			}
			if n := NormalizeDoc(d.Number); len(n) >= minDocLen {
				pl.docs = append(pl.docs, docHash(n))
				pl.docType = append(pl.docType, uint8(slices.Index(booking.DocTypes, d.Type)+1))
				e.nDoc++
			}
		}
	}
	return e
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func fnvAdd(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= fnvPrime
	}
	return h
}

func docHash(n string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(n))
	return h.Sum64() | 1 // never 0
}

// person is the entry as a Person of case caseNo: case, member and birth
// date (the names are the store's).
func (e *entry) person(caseNo string) Person {
	p := Person{Case: caseNo, Member: int(e.member)}
	if e.birth != 0 {
		p.Birth = booking.NewDate(int(e.birth/10000), time.Month(e.birth/100%100), int(e.birth%100))
	}
	return p
}

func dateKey(d booking.Date) int32 {
	if d.IsZero() {
		return 0
	}
	y, m, dd := d.Time().Date()
	return int32(y*10000 + int(m)*100 + dd)
}

// swapped is the date with day and month exchanged, or 0 when that is no
// other date (the same day and month, or a day after the 12th). A day of
// 1 to 12 is a day of every month, so the swap is always a date.
func swapped(k int32) int32 {
	y, m, d := k/10000, k/100%100, k%100
	if k == 0 || d > 12 || d == m {
		return 0
	}
	return y*10000 + d*100 + m
}

func share(x, y []uint32) bool {
	for _, t := range x {
		if t != 0 && slices.Contains(y, t) {
			return true
		}
	}
	return false
}

// nameMatch says how two people's name keys agree: 2 when each name
// shares a key with the other's same name (a double surname and one of
// its halves agree), 1 when family and given names are swapped, else 0.
func nameMatch(a, b *folded) int {
	givenAgree := len(a.given) == 0 && len(b.given) == 0 || share(a.given, b.given)
	if share(a.fam, b.fam) && givenAgree {
		return 2
	}
	if share(a.fam, b.given) && share(a.given, b.fam) {
		return 1
	}
	return 0
}

// compare scores b as a duplicate of a: the best reason, or 0.
func compare(a, b *folded) (int, string) {
	for _, x := range a.docs {
		if i := slices.Index(b.docs, x); i >= 0 {
			what := "document"
			if t := b.docType[i]; t > 0 {
				what = docWord(booking.DocTypes[t-1])
			}
			return ScoreSameDoc, "same " + what + " number"
		}
	}
	if a.birth == 0 || b.birth == 0 {
		return 0, ""
	}
	nm := nameMatch(a, b)
	if nm == 0 {
		return 0, ""
	}
	switch {
	case a.birth == b.birth && nm == 2 && a.exact == b.exact:
		return ScoreSameNameBirth, "same name and birth date"
	case a.birth == b.birth && nm == 2:
		return ScoreNameBirth, "name ~ and same birth date"
	case a.birth == b.birth:
		return ScoreNameSwapped, "names swapped and same birth date"
	case swapped(a.birth) == b.birth && nm == 2:
		return ScoreNameBirthSwap, "name ~, birth day/month swapped"
	}
	return 0, ""
}

func docWord(t booking.DocType) string {
	switch t {
	case booking.DocPassport:
		return "passport"
	case booking.DocICRC:
		return "ICRC travel document"
	case booking.DocRefugeeTravel:
		return "refugee travel document"
	}
	return strings.ReplaceAll(string(t), "-", " ")
}

// Compare scores b as a likely duplicate of a (0 and "" when it is not
// one); the same judgement the Index applies.
func Compare(a, b Person) (int, string) {
	ids := map[string]uint32{}
	tok := tokenizer(func(t string) uint32 {
		if _, ok := ids[t]; !ok {
			ids[t] = uint32(len(ids) + 1)
		}
		return ids[t]
	})
	var pl pools
	ea, eb := fold(&a, 0, tok, &pl), fold(&b, 1, tok, &pl)
	va, vb := pl.view(&ea), pl.view(&eb)
	return compare(&va, &vb)
}
