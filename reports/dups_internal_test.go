package reports

import (
	"cmp"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// duplicates finds, for every key seen in two cases or more, the first
// traveller by case and member, then every other one of another case, in
// that order; a key repeated within one case only is none. The order the
// travellers come in does not change the answer.
func TestDuplicatesByCaseOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	order := func(a, b person) int { return cmp.Or(cmp.Compare(a.ci, b.ci), cmp.Compare(a.m, b.m)) }
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
			key := pool[r.IntN(len(pool))]
			if round%5 == 0 && i%3 == 0 {
				key = uint64(r.IntN(3))
			}
			people = append(people, keyedPerson{key, person{int32(i / (1 + r.IntN(4))), int32(i)}})
		}
		// The reference: each key's travellers in order, the first's case
		// left out after it.
		byKey := map[uint64][]person{}
		for _, p := range people {
			byKey[p.key] = append(byKey[p.key], p.person)
		}
		var want [][]person
		for _, k := range slices.Sorted(maps.Keys(byKey)) {
			ps := slices.SortedFunc(slices.Values(byKey[k]), order)
			g := []person{ps[0]}
			for _, p := range ps[1:] {
				if p.ci != ps[0].ci {
					g = append(g, p)
				}
			}
			if len(g) > 1 {
				want = append(want, g)
			}
		}
		r.Shuffle(len(people), func(i, j int) { people[i], people[j] = people[j], people[i] })
		var ch chunks[keyedPerson]
		for _, p := range people {
			ch.add(p)
		}
		got := duplicates(&ch, order)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: %d groups, want %d", round, len(got), len(want))
		}
		if round%5 == 0 && len(want) == 0 {
			t.Fatalf("round %d: no duplicates: the test proves nothing", round)
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
