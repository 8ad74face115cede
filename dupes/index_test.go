package dupes

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"movedesk/booking"
)

func d(s string) booking.Date {
	x, err := booking.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestCompareReasons(t *testing.T) {
	base := Person{Case: "RBA-2026-000001", Member: 1, Family: "Al-Haddad", Given: "Mohammed", Birth: d("1990-03-07"),
		Docs: []Doc{{booking.DocPassport, "N 1234-567"}}}
	for _, c := range []struct {
		name   string
		other  Person
		score  int
		reason string
	}{
		{"same passport", Person{Family: "Smith", Given: "John", Birth: d("1970-01-01"), Docs: []Doc{{booking.DocPassport, "n1234567"}}},
			ScoreSameDoc, "same passport number"},
		{"same name and birth", Person{Family: "AL-HADDAD", Given: "mohammed", Birth: d("1990-03-07")},
			ScoreSameNameBirth, "same name and birth date"},
		{"transliterated", Person{Family: "El Haddad", Given: "Muhammad", Birth: d("1990-03-07")},
			ScoreNameBirth, "name ~ and same birth date"},
		{"swapped names", Person{Family: "Muhammad", Given: "Haddad", Birth: d("1990-03-07")},
			ScoreNameSwapped, "names swapped and same birth date"},
		{"day and month swapped", Person{Family: "Haddad", Given: "Mohamed", Birth: d("1990-07-03")},
			ScoreNameBirthSwap, "name ~, birth day/month swapped"},
		{"another birth date", Person{Family: "Haddad", Given: "Mohamed", Birth: d("1991-03-07")}, 0, ""},
		{"a sibling (twin)", Person{Family: "Haddad", Given: "Ahmad", Birth: d("1990-03-07")}, 0, ""},
		{"short document numbers are not identities", Person{Family: "X", Given: "Y", Birth: d("1970-01-01"), Docs: []Doc{{booking.DocPassport, "N12"}}}, 0, ""},
	} {
		b := base
		if c.name == "short document numbers are not identities" {
			b.Docs = []Doc{{booking.DocPassport, "n-12"}}
		}
		s, why := Compare(b, c.other)
		if s != c.score || why != c.reason {
			t.Errorf("%s: got %d %q, want %d %q", c.name, s, why, c.score, c.reason)
		}
	}
}

func TestIndexFindsAcrossCasesOnly(t *testing.T) {
	ix := NewIndex()
	ix.Put(Person{Case: "RBA-2026-000001", Member: 1, Family: "Ramírez", Given: "José", Birth: d("1985-11-02")})
	ix.Put(Person{Case: "RBA-2026-000001", Member: 2, Family: "Ramírez", Given: "Ana", Birth: d("1987-01-20")})
	ix.Put(Person{Case: "RBA-2026-000002", Member: 1, Family: "Ramirez Lopez", Given: "Jose", Birth: d("1985-11-02")})
	ix.Put(Person{Case: "RBA-2026-000003", Member: 1, Family: "Ramirez", Given: "Jose", Birth: d("1985-02-11")})
	ix.Put(Person{Case: "RBA-2026-000004", Member: 1, Family: "Ramirez", Given: "Jose", Birth: d("1960-02-11")})

	got := ix.Find(Person{Case: "RBA-2026-000001", Member: 1, Family: "RAMIREZ", Given: "José", Birth: d("1985-11-02")}, 0)
	if len(got) != 2 || got[0].Other.Case != "RBA-2026-000002" || got[1].Other.Case != "RBA-2026-000003" {
		t.Fatalf("Find: %+v, want cases 2 (same date) then 3 (day/month swapped), none of case 1 or 4", got)
	}
	if got[0].Reason != "name ~ and same birth date" {
		t.Errorf("reason %q", got[0].Reason)
	}

	// Replacing a traveller moves it; removing drops it.
	ix.Put(Person{Case: "RBA-2026-000002", Member: 1, Family: "Ramirez Lopez", Given: "Jose", Birth: d("1999-01-01")})
	if got := ix.Find(Person{Case: "RBA-2026-000009", Family: "Ramirez", Given: "Jose", Birth: d("1985-11-02")}, 0); len(got) != 2 ||
		got[0].Other.Case != "RBA-2026-000001" || got[1].Other.Case != "RBA-2026-000003" {
		t.Fatalf("after the birth date of 2/1 changed: %+v", got)
	}
	ix.Remove(Person{Case: "RBA-2026-000003", Member: 1})
	if got := ix.Find(Person{Case: "RBA-2026-000009", Family: "Ramirez", Given: "Jose", Birth: d("1985-11-02")}, 0); len(got) != 1 {
		t.Fatalf("after removing 3/1: %+v", got)
	}
	if ix.Len() != 4 {
		t.Errorf("Len %d, want 4", ix.Len())
	}
}

func TestPairs(t *testing.T) {
	ix := NewIndex()
	ix.Put(Person{Case: "SAL-2026-000001", Member: 1, Family: "Noori", Given: "Zahra", Birth: d("2001-05-05")})
	ix.Put(Person{Case: "SAL-2026-000002", Member: 3, Family: "Nouri", Given: "Zohra", Birth: d("2001-05-05")})
	ix.Put(Person{Case: "SAL-2026-000003", Member: 1, Family: "Safi", Given: "Gul", Birth: d("1970-01-01"), Docs: []Doc{{booking.DocPassport, "P0099887"}}})
	ix.Put(Person{Case: "SAL-2026-000004", Member: 2, Family: "Other", Given: "Name", Birth: d("1980-01-01"), Docs: []Doc{{booking.DocPassport, "p-0099887"}}})
	ix.Put(Person{Case: "SAL-2026-000004", Member: 1, Family: "Noori", Given: "Zahra", Birth: d("2001-05-05")})
	all := ix.Pairs("")
	if len(all) != 4 {
		t.Fatalf("pairs: %+v, want 4 (three Zahras pairwise, one passport)", all)
	}
	if all[0].Reason != "same passport number" || all[0].A.Case != "SAL-2026-000003" {
		t.Errorf("first pair %+v", all[0])
	}
	one := ix.Pairs("SAL-2026-000002")
	if len(one) != 2 || one[0].A.Case != "SAL-2026-000002" {
		t.Errorf("pairs of case 2: %+v", one)
	}
}

func TestCompaction(t *testing.T) {
	ix := NewIndex()
	for i := range 3000 {
		ix.Put(Person{Case: "RBA-2026-000001", Member: 1, Family: "Haddad", Given: "Omar", Birth: d("1990-01-01").AddDays(i % 7)})
	}
	ix.Put(Person{Case: "RBA-2026-000002", Member: 1, Family: "Haddad", Given: "Omar", Birth: d("1990-01-01").AddDays(2999 % 7)})
	if got := ix.Find(Person{Case: "RBA-2026-000003", Family: "Haddad", Given: "Umar", Birth: d("1990-01-01").AddDays(2999 % 7)}, 0); len(got) != 2 {
		t.Fatalf("after 3000 replacements: %+v", got)
	}
	if len(ix.people) > 1100 {
		t.Errorf("%d entries kept for 2 live ones: dead entries are not compacted", len(ix.people))
	}
}

var (
	benchFamily = []string{"Haddad", "Al-Khatib", "Nasser", "Hamdan", "Saleh", "Darwish", "Al-Masri", "Khalil", "Yousef", "Abdallah",
		"Ahmadzai", "Popal", "Karimi", "Hashimi", "Rahimi", "Sadat", "Noori", "Ramírez", "García López", "Hernández", "Castillo",
		"Mohammadi", "Azizi", "Wardak", "Osman", "Hussein", "Ibrahim", "Suleiman", "Farah", "Mansour"}
	benchGiven = []string{"Mohammed", "Omar", "Ahmad", "Khaled", "Yusuf", "Mahmoud", "Fatima", "Amina", "Zahra", "Layla", "Hamidullah",
		"Gul", "José", "María", "Guillermo", "Ana", "Abdul Rahman", "Noor", "Sara", "Bilal", "Hamza", "Samir", "Rania"}
)

// syntheticPeople is n travellers with names from common pools and birth
// dates over 80 years: as dense in shared names as an office's store.
func syntheticPeople(n int) []Person {
	r := rand.New(rand.NewPCG(1, 2))
	start := d("1940-01-01")
	out := make([]Person, n)
	for i := range out {
		out[i] = Person{Case: fmt.Sprintf("RBA-2026-%06d", i/4), Member: i%4 + 1,
			Family: benchFamily[r.IntN(len(benchFamily))], Given: benchGiven[r.IntN(len(benchGiven))],
			Birth: start.AddDays(r.IntN(80 * 365)),
			Docs:  []Doc{{booking.DocPassport, fmt.Sprintf("P%08d", i)}}}
	}
	return out
}

func buildOf(ps []Person) *Index {
	b := NewBuilder(len(ps))
	for i := range ps {
		b.Add(&ps[i])
	}
	return b.Index()
}

// syntheticIndex is the index of syntheticPeople(n).
func syntheticIndex(n int) *Index { return buildOf(syntheticPeople(n)) }

// TestBuilderEqualsPuts: an index built at once, in case order or not,
// finds the same pairs as one made by Put, and takes Puts after.
func TestBuilderEqualsPuts(t *testing.T) {
	ps := syntheticPeople(6000)
	// A few exact and near duplicates across cases, a shared passport.
	ps = append(ps, Person{Case: "RBA-2026-000007", Member: 9, Family: ps[100].Family, Given: ps[100].Given, Birth: ps[100].Birth},
		Person{Case: "RBA-2026-000900", Member: 5, Family: "Hadad", Given: ps[4001].Given, Birth: ps[4001].Birth},
		Person{Case: "RBA-2026-000003", Member: 7, Family: "Other", Given: "Name", Birth: d("1970-01-01"), Docs: []Doc{{booking.DocPassport, "p-0000-4500"}}},
		Person{Case: "RBA-2026-000004", Member: 8, Family: ps[200].Given, Given: ps[200].Family, Birth: ps[200].Birth},
		Person{Case: "RBA-2026-000005", Member: 8, Family: ps[300].Family, Given: ps[300].Given, Birth: d("1977-03-04")},
		Person{Case: "RBA-2026-000006", Member: 8, Family: ps[300].Family, Given: ps[300].Given, Birth: d("1977-04-03")})
	byPut := NewIndex()
	for _, p := range ps {
		byPut.Put(p)
	}
	want := byPut.Pairs("")
	if len(want) < 5 || want[0].Reason != "same passport number" || want[len(want)-1].Reason != "name ~, birth day/month swapped" {
		t.Fatalf("the fixture finds too little: %+v", want)
	}
	shuffled := slices.Clone(ps)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	sorted := slices.Clone(ps)
	slices.SortStableFunc(sorted, func(a, b Person) int { return cmp.Or(cmp.Compare(a.Case, b.Case), cmp.Compare(a.Member, b.Member)) })
	for name, in := range map[string][]Person{"in case order": sorted, "shuffled": shuffled} {
		ix := buildOf(in)
		if got := ix.Pairs(""); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %d pairs, want %d\n got %+v\nwant %+v", name, len(got), len(want), got[:min(5, len(got))], want[:min(5, len(want))])
		}
		if ix.Len() != len(ps) {
			t.Errorf("%s: Len %d, want %d", name, ix.Len(), len(ps))
		}
		if b := ix.Bytes(); b < int64(40*len(ps)) || b > int64(120*len(ps)) {
			t.Errorf("%s: %d bytes for %d people", name, b, len(ps))
		}
		// A put after the build replaces, a remove drops.
		moved := ps[100]
		moved.Birth = d("1901-01-01")
		ix.Put(moved)
		ix.Remove(Person{Case: "RBA-2026-000003", Member: 7})
		if got := ix.Find(Person{Case: "X", Family: ps[100].Family, Given: ps[100].Given, Birth: ps[100].Birth}, 0); len(got) != 1 ||
			got[0].Other.Case != "RBA-2026-000007" {
			t.Errorf("%s: after a put, %+v", name, got)
		}
		if got := ix.Find(Person{Case: "X", Family: "Z", Given: "Z", Birth: d("1980-01-01"), Docs: []Doc{{booking.DocPassport, "P00004500"}}}, 0); len(got) != 1 ||
			got[0].Other.Case != "RBA-2026-001125" {
			t.Errorf("%s: after a remove, %+v", name, got)
		}
	}
}

// BenchmarkDuplicateKeystroke: one check as the traveller form runs it on
// a keystroke, over 400k travellers (100k cases of 4). It reports the 99th
// percentile of a check and the heap the index holds.
func BenchmarkDuplicateKeystroke(b *testing.B) {
	ps := syntheticPeople(400_000)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	ix := buildOf(ps)
	built := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	runtime.KeepAlive(ps)
	b.Logf("index of %d travellers built in %v, %d MiB", ix.Len(), built, (m1.HeapAlloc-m0.HeapAlloc)>>20)
	b.ReportMetric(float64(built.Milliseconds()), "build-ms")
	q := Person{Case: "RBA-2027-000001", Member: 1, Family: "Haddad", Given: "Muhammad", Birth: d("1975-06-15"),
		Docs: []Doc{{booking.DocPassport, "P00012345"}}}
	var took []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s := time.Now()
		q.Given = benchGiven[i%len(benchGiven)]
		q.Birth = d("1975-06-15").AddDays(i % 400)
		ix.Find(q, 5)
		took = append(took, time.Since(s))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64((m1.HeapAlloc-m0.HeapAlloc)>>20), "index-MiB")
	runtime.KeepAlive(ix)
}
