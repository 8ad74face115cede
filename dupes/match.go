package dupes

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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

// RawPerson is a person as a store's row holds it, for Builder.AddRaw: its
// byte slices need only last the call.
type RawPerson struct {
	Case          string
	Member        int
	Family, Given []byte
	Birth         booking.Date
	Docs          []RawDoc
}

// RawDoc is one of a RawPerson's document numbers.
type RawDoc struct {
	Type   booking.DocType
	Number []byte
}

// raw is p as a RawPerson (its docs in buf).
func (p *Person) raw(buf []RawDoc) RawPerson {
	r := RawPerson{Case: p.Case, Member: p.Member, Family: []byte(p.Family), Given: []byte(p.Given), Birth: p.Birth, Docs: buf[:0]}
	for _, d := range p.Docs {
		r.Docs = append(r.Docs, RawDoc{Type: d.Type, Number: []byte(d.Number)})
	}
	return r
}

// entry is a person folded for matching: 20 bytes without pointers (the
// collector need not look inside), its name keys in the index's pool and
// its document numbers in the index's postings. 400k of them are what a
// desk of 100k cases holds, and the names themselves stay in the store
// (the desk reads those of the few matches it shows).
type entry struct {
	caseI  int32  // index of the case number (or -1: a query's case is none indexed)
	tokAt  uint32 // name keys at Index.toks[tokAt:tokAt+nTok], family first
	birth  int32  // yyyymmdd, 0 for none
	exact  uint32 // hash of the whole folded name
	member int16
	nToks  uint8 // nTok | nFam<<4: family name keys are the first nFam
	dead   bool
}

func (e *entry) nTok() uint32 { return uint32(e.nToks & 15) }
func (e *entry) nFam() uint32 { return uint32(e.nToks >> 4) }

// docRef is one document number of a person: its hash and type (index in
// booking.DocTypes + 1).
type docRef struct {
	hash uint64
	typ  uint8
}

// folded is a person as compare reads it.
type folded struct {
	fam, given []uint32
	docs       []docRef
	birth      int32
	exact      uint32
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

// names turns a name into its name key ids and its folded words joined by
// single spaces (what the whole name's hash is made of); the index
// build's memo folds each spelling once.
type names interface {
	name(b []byte) (ids []uint32, norm string)
}

// tokenizer is names without a memo: tok gives a name key's id (0: a key
// no indexed person has, which matches nothing).
type tokenizer func(string) uint32

func (tok tokenizer) name(b []byte) ([]uint32, string) {
	s := string(b)
	ts := Tokens(s)
	ids := make([]uint32, len(ts))
	for i, t := range ts {
		ids[i] = tok(t)
	}
	return ids, norm(s)
}

// norm is the folded words of a name joined by single spaces.
func norm(s string) string { return strings.Join(strings.Fields(Fold(s)), " ") }

// fold makes the entry of p: its name keys are appended to toks (tokAt is
// their index there), its documents to docs, travel documents first.
func fold(p *RawPerson, caseI int32, nm names, toks *[]uint32, docs *[]docRef) entry {
	e := entry{caseI: caseI, member: int16(p.Member), birth: dateKey(p.Birth), tokAt: uint32(len(*toks))}
	fam, fn := nm.name(p.Family)
	fam = fam[:min(len(fam), maxFam)]
	given, gn := nm.name(p.Given)
	given = given[:min(len(given), maxToks-len(fam))]
	*toks = append(append(*toks, fam...), given...)
	e.nToks = uint8(len(fam)+len(given)) | uint8(len(fam))<<4
	// The words of both names, as one string of single spaces.
	h := fnvAdd(fnvOffset, fn)
	if fn != "" && gn != "" {
		h = fnvAdd(h, " ")
	}
	e.exact = fnvAdd(h, gn)
	n := 0
	for _, travel := range [2]bool{true, false} {
		for i := range p.Docs {
			d := &p.Docs[i]
			if d.Type.IsTravelDocument() != travel || n == maxDocs {
				continue
			}
			if h, l := docKey(d.Number); l >= minDocLen {
				*docs = append(*docs, docRef{hash: h, typ: uint8(slices.Index(booking.DocTypes, d.Type) + 1)})
				n++
			}
		}
	}
	return e
}

const (
	fnvOffset   = 2166136261
	fnvPrime    = 16777619
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

func fnvAdd(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= fnvPrime
	}
	return h
}

// docKey is the hash of a document number as NormalizeDoc makes it
// (never 0), and that form's length, without making it.
func docKey(b []byte) (uint64, int) {
	h, n := uint64(fnvOffset64), 0
	add := func(c byte) {
		h ^= uint64(c)
		h *= fnvPrime64
		n++
	}
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 'a' && c <= 'z':
				add(c - 'a' + 'A')
			case c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
				add(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		i += size
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			var enc [utf8.UTFMax]byte
			for _, c := range enc[:utf8.EncodeRune(enc[:], unicode.ToUpper(r))] {
				add(c)
			}
		}
	}
	return h | 1, n
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
		for _, y := range b.docs {
			if y.hash == x.hash {
				return ScoreSameDoc, docReason(y.typ)
			}
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

func docReason(typ uint8) string {
	what := "document"
	if typ > 0 {
		what = docWord(booking.DocTypes[typ-1])
	}
	return "same " + what + " number"
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
	fa, fb := foldPerson(&a, 0, tok), foldPerson(&b, 1, tok)
	return compare(&fa, &fb)
}

// foldPerson is p folded with its own name keys and documents.
func foldPerson(p *Person, caseI int32, nm names) folded {
	var buf [maxDocs]RawDoc
	r := p.raw(buf[:])
	var toks []uint32
	var docs []docRef
	e := fold(&r, caseI, nm, &toks, &docs)
	return folded{fam: toks[:e.nFam()], given: toks[e.nFam():], docs: docs, birth: e.birth, exact: e.exact}
}
