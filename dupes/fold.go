// Package dupes finds travellers who are likely the same person recorded in
// two cases: names folded for accents, case and the common transliterations
// of Arabic, Dari/Pashto and Spanish names, birth dates (also with day and
// month swapped) and document numbers. It is pure: an in-memory Index the
// desk builds from its store and keeps current as records change.
package dupes

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// accentTable maps accented Latin letters (lower case) to their base
// letters. A table, not Unicode normalisation: the index folds every
// traveller of the store when it is built.
var accentTable = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'č': "c", 'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ğ': "g", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i", 'ı': "i", 'į': "i",
	'ł': "l", 'ñ': "n", 'ń': "n", 'ň': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ő': "o",
	'œ': "oe", 'ř': "r", 'ś': "s", 'š': "s", 'ş': "s", 'ß': "ss", 'ť': "t", 'ţ': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u", 'ű': "u", 'ý': "y", 'ÿ': "y",
	'ź': "z", 'ż': "z", 'ž': "z", 'ḥ': "h", 'ṣ': "s", 'ṭ': "t", 'ḍ': "d", 'ẓ': "z",
}

// Fold lower-cases s, strips accents and turns every character that is
// not a letter or digit into a space: "Abd al-Raḥmán" is "abd al rahman".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < utf8.RuneSelf {
			switch {
			case r >= 'A' && r <= 'Z':
				b.WriteByte(byte(r) + 'a' - 'A')
			case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				b.WriteByte(byte(r))
			case r == '\'' || r == '`':
				// Apostrophes join: "Ma'mun" is "mamun".
			default:
				b.WriteByte(' ')
			}
			continue
		}
		r = unicode.ToLower(r)
		switch {
		case accentTable[r] != "":
			b.WriteString(accentTable[r])
		case unicode.Is(unicode.Mn, r), r == 'ʿ', r == 'ʾ', r == '’', r == '‘':
			// A combining accent, or an ayn/hamza written as an apostrophe.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// particles are words that come and go between spellings of one name:
// Arabic articles and "son of", Spanish particles and the "y" between two
// surnames.
var particles = map[string]bool{
	"al": true, "el": true, "ul": true, "bin": true, "ibn": true, "ben": true, "bint": true,
	"de": true, "del": true, "la": true, "las": true, "los": true, "y": true, "i": true, "e": true,
}

// abdPrefixes are the spellings of "Abd al-" written as one word: Abdul,
// Abdel, Abdol, Abdal, Abdu.
var abdPrefixes = []string{"abdul", "abdel", "abdol", "abdal", "abdoul", "abdou", "abdu"}

// abdName is "Abd" joined with the rest of the name; Abdullah, Abdallah
// and Abdulah are all "Abd Allah".
func abdName(rest string) string {
	switch rest {
	case "ah", "la", "lah", "lla", "llah", "allah", "alla", "ullah", "ulla":
		return "abdallah"
	}
	return "abd" + rest
}

// Tokens returns the name keys of a name: each word folded (Fold), the
// particles dropped, "Abd al-X" joined into one word, then reduced to a
// skeleton (Skeleton). Two spellings of one name give the same keys.
func Tokens(name string) []string {
	words := strings.Fields(Fold(name))
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if strings.HasPrefix(w, "abd") && len(w) <= 6 && w != "abdi" && w != "abdo" && i+1 < len(words) {
			// "Abd al-Rahman", "Abdul Rahman": one name, joined.
			j := i + 1
			for j < len(words) && particles[words[j]] {
				j++
			}
			if j < len(words) {
				w, i = abdName(words[j]), j
			}
		} else if len(w) >= 7 && w[:3] == "abd" && isVowel(w[3]) && w[4] == w[5] && !isVowel(w[4]) {
			// The article assimilated: Abdurrahman, Abdessalam.
			w = abdName(w[5:])
		} else {
			for _, p := range abdPrefixes {
				if len(w) >= len(p)+2 && strings.HasPrefix(w, p) {
					w = abdName(w[len(p):])
					break
				}
			}
		}
		if particles[w] {
			continue
		}
		if k := Skeleton(w); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// Skeleton reduces one folded word to what its spellings share: letters
// and digraphs that transliterations swap are made one (kh/h, gh/g, ph/f,
// ck/k, c/k and c before e or i/s, q/k, v/w/b, ll and y between vowels/l,
// other y/i, a final z/s), w between or after vowels is a vowel (Dawood,
// Daoud), a final h after a vowel is dropped (-ullah/-ulla,
// Fatimah/Fatima); then each run of vowels but a final one is one vowel
// (ou/u, ee/i, Omar/Umar, Gul/Gol) and a doubled consonant is one.
func Skeleton(w string) string {
	if w == "" {
		return ""
	}
	b := make([]byte, 0, len(w))
	n := len(w)
	vowelAt := func(i int) bool { return i >= 0 && i < n && isVowel(w[i]) }
	for i := 0; i < n; i++ {
		c := w[i]
		var next byte
		if i+1 < n {
			next = w[i+1]
		}
		switch {
		case c == 'k' && next == 'h':
			b = append(b, 'h')
			i++
		case c == 'g' && next == 'h':
			b = append(b, 'g')
			i++
		case c == 'p' && next == 'h':
			b = append(b, 'f')
			i++
		case c == 'c' && next == 'k':
			b = append(b, 'k')
			i++
		case c == 'q' && next == 'u' && vowelAt(i+2):
			b = append(b, 'k')
			i++
		case c == 'l' && next == 'l':
			b = append(b, 'l')
			i++
		case c == 'c' && (next == 'e' || next == 'i'):
			b = append(b, 's')
		case c == 'c' || c == 'q':
			b = append(b, 'k')
		case c == 'y' && vowelAt(i-1) && vowelAt(i+1):
			b = append(b, 'l')
		case c == 'y':
			b = append(b, 'i')
		case c == 'w' && vowelAt(i-1) && (i == n-1 || vowelAt(i+1)):
			b = append(b, 'u')
		case c == 'v' || c == 'w':
			b = append(b, 'b')
		case c == 'z' && i == n-1:
			b = append(b, 's')
		case c == 'h' && i == n-1 && vowelAt(i-1):
			// Final h after a vowel: -ullah, Fatimah.
		default:
			b = append(b, c)
		}
	}
	// Vowels: a run of them is one "a" (Mohammed, Muhammad; Ahmad, Ahmed;
	// Zahra, Zohra; Youssef, Yusuf), except at the end of the word, where
	// the last vowel stays (Maria is not Mario, nor Lucía Lucio); a
	// doubled consonant is one.
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if isVowel(c) {
			j := i
			for j+1 < len(b) && isVowel(b[j+1]) {
				j++
			}
			if j == len(b)-1 && i > 0 {
				c = b[j]
			} else {
				c = 'a'
			}
			i = j
		} else if len(out) > 0 && out[len(out)-1] == c {
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

func isVowel(c byte) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'
}

// NormalizeDoc is a document number as compared: letters and digits only,
// upper case ("P 123-456.7" is "P1234567").
func NormalizeDoc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}
