package reports

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// duplicates finds what a map from key to the first traveller seen finds:
// the first of a key, then every later one of another case, for the keys
// seen in two cases or more; a key repeated within one case is none.
func TestDuplicatesMatchesFirstSeen(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		var people []keyedPerson
		n := r.IntN(3000)
		// Hashes as the keys are, and some sharing their leading bits.
		pool := make([]uint64, n/3+1)
		for i := range pool {
			pool[i] = r.Uint64()
			if i%4 == 1 {
				pool[i] = pool[i-1] ^ uint64(r.IntN(1<<20))
			}
		}
		for i := range n {
			// Few keys (many repeats), some sharing their leading bits,
			// some many times over (past the bucket's insertion sort).
			key := pool[r.IntN(len(pool))]
			if round%5 == 0 && i%3 == 0 {
				key = uint64(r.IntN(3))
			}
			people = append(people, keyedPerson{key, person{int32(i / (1 + r.IntN(4))), int32(r.IntN(6))}})
		}
		firsts := map[uint64]person{}
		want := map[uint64][]person{}
		for _, p := range people {
			if f, ok := firsts[p.key]; !ok {
				firsts[p.key] = p.person
			} else if f.ci != p.ci {
				if len(want[p.key]) == 0 {
					want[p.key] = []person{f}
				}
				want[p.key] = append(want[p.key], p.person)
			}
		}
		var ch chunks[keyedPerson]
		for _, p := range people {
			ch.add(p)
		}
		got := duplicates(&ch)
		var wantList [][]person
		keys := make([]uint64, 0, len(want))
		for k := range want {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			wantList = append(wantList, want[k])
		}
		if !reflect.DeepEqual(got, wantList) {
			t.Fatalf("round %d: %d groups, want %d", round, len(got), len(wantList))
		}
	}
}

// BenchmarkSortByKey: the travellers of 100k cases (400k keys) sorted for
// the duplicate check.
func BenchmarkSortByKey(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	var ch chunks[keyedPerson]
	for i := range 400_000 {
		ch.add(keyedPerson{r.Uint64(), person{int32(i / 4), int32(i % 4)}})
	}
	for b.Loop() {
		sortByKey(&ch)
	}
}
