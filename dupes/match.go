package dupes

import (
	"cmp"
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

// entry is a person folded for matching, compact and without pointers (the
// collector need not look inside): 400k of them are what a desk of 100k
// cases holds, and the names themselves stay in the store (the desk reads
// those of the few matches it shows).
type entry struct {
	caseI      int32 // index in Index.cases (or -1: a query's case is none indexed)
	member     int16
	nFam, nTok uint8 // family name keys are toks[:nFam], given names' the rest
	nDoc       uint8
	dead       bool
	birth      int32 // yyyymmdd, 0 for none
	exact      uint32
	toks       [maxToks]uint32
	docs       [maxDocs]uint64
	docType    [maxDocs]uint8 // index in booking.DocTypes + 1
}

// A person keeps at most maxToks name keys (4 of the family name) and
// maxDocs document numbers (travel documents first).
const (
	maxToks = 6
	maxDocs = 3
)

// minDocLen: shorter numbers ("1", "A12") are placeholders, not identities.
const minDocLen = 5

// fold makes the entry of p; tok gives a name key's id (0: a key no
// indexed person has, which matches nothing).
func fold(p *Person, caseI int32, tok func(string) uint32) entry {
	e := entry{caseI: caseI, member: int16(p.Member), birth: dateKey(p.Birth)}
	for _, t := range Tokens(p.Family) {
		if e.nTok < 4 {
			e.toks[e.nTok] = tok(t)
			e.nTok++
		}
	}
	e.nFam = e.nTok
	for _, t := range Tokens(p.Given) {
		if e.nTok < maxToks {
			e.toks[e.nTok] = tok(t)
			e.nTok++
		}
	}
	h := fnv.New32a()
	h.Write([]byte(strings.Join(strings.Fields(Fold(p.Family+" / "+p.Given)), " ")))
	e.exact = h.Sum32()
	docs := slices.Clone(p.Docs)
	slices.SortStableFunc(docs, func(a, b Doc) int {
		return cmp.Compare(b2i(!a.Type.IsTravelDocument()), b2i(!b.Type.IsTravelDocument()))
	})
	for _, d := range docs {
		n := NormalizeDoc(d.Number)
		if len(n) < minDocLen || e.nDoc == maxDocs {
			continue
		}
		e.docs[e.nDoc] = docHash(n)
		e.docType[e.nDoc] = uint8(slices.Index(booking.DocTypes, d.Type) + 1)
		e.nDoc++
	}
	return e
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func docHash(n string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(n))
	return h.Sum64() | 1 // never 0
}

func (e *entry) family() []uint32 { return e.toks[:e.nFam] }
func (e *entry) given() []uint32  { return e.toks[e.nFam:e.nTok] }

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
func nameMatch(a, b *entry) int {
	givenAgree := a.nTok == a.nFam && b.nTok == b.nFam || share(a.given(), b.given())
	if share(a.family(), b.family()) && givenAgree {
		return 2
	}
	if share(a.family(), b.given()) && share(a.given(), b.family()) {
		return 1
	}
	return 0
}

// compare scores b as a duplicate of a: the best reason, or 0.
func compare(a, b *entry) (int, string) {
	for _, x := range a.docs[:a.nDoc] {
		if i := slices.Index(b.docs[:b.nDoc], x); i >= 0 {
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
	tok := func(t string) uint32 {
		if _, ok := ids[t]; !ok {
			ids[t] = uint32(len(ids) + 1)
		}
		return ids[t]
	}
	ea, eb := fold(&a, 0, tok), fold(&b, 1, tok)
	return compare(&ea, &eb)
}
