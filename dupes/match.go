package dupes

import (
	"fmt"
	"slices"
	"strings"

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

// Match is a likely duplicate of a person: the other traveller, how likely
// (Score, up to 100) and why, in words ("same passport number", "name ~
// and same birth date").
type Match struct {
	Other  Person
	Score  int
	Reason string
}

// folded is a person's names prepared once for comparing.
type folded struct {
	family, given []string
	exact         string // Fold of both names, for "same name"
	birth         int32  // yyyymmdd, 0 for none
	docs          []string
}

func foldPerson(p *Person) folded {
	f := folded{family: Tokens(p.Family), given: Tokens(p.Given), birth: dateKey(p.Birth)}
	f.exact = strings.Join(strings.Fields(Fold(p.Family+" / "+p.Given)), " ")
	for _, d := range p.Docs {
		if n := NormalizeDoc(d.Number); len(n) >= minDocLen {
			f.docs = append(f.docs, n)
		}
	}
	return f
}

// minDocLen: shorter numbers ("1", "A12") are placeholders, not identities.
const minDocLen = 5

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

// nameMatch says how two sets of name keys agree: 2 when each name shares
// a key with the other's same name (a double surname and one of its halves
// agree), 1 when family and given names are swapped, 0 otherwise.
func nameMatch(a, b *folded) int {
	share := func(x, y []string) bool {
		for _, t := range x {
			if slices.Contains(y, t) {
				return true
			}
		}
		return false
	}
	givenAgree := len(a.given) == 0 && len(b.given) == 0 || share(a.given, b.given)
	if share(a.family, b.family) && givenAgree {
		return 2
	}
	if share(a.family, b.given) && share(a.given, b.family) {
		return 1
	}
	return 0
}

// compare scores b as a duplicate of a: the best reason, or 0.
func compare(a, b *folded, bp *Person) (int, string) {
	for _, x := range a.docs {
		if slices.Contains(b.docs, x) {
			what := "document"
			for _, d := range bp.Docs {
				if NormalizeDoc(d.Number) == x && d.Type != "" {
					what = docWord(d.Type)
					break
				}
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
		return ScoreNameBirthSwap, "name ~ and birth date with day and month swapped"
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
	fa, fb := foldPerson(&a), foldPerson(&b)
	return compare(&fa, &fb, &b)
}
