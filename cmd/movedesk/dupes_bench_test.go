package main

import (
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/config"
	"movedesk/store"
	"movedesk/tariffs"
)

// BenchmarkDuplicateKeystroke100k: the duplicate check as the traveller
// form makes it on each keystroke (the index brought up to date from the
// change log, the matches' names read), on MOVEDESK_BENCH_DATA (a store
// made by `movedesk demo --cases 100000`; skipped otherwise). It logs the
// index's build time and heap, and reports the 99th percentile.
func BenchmarkDuplicateKeystroke100k(b *testing.B) {
	dir := os.Getenv("MOVEDESK_BENCH_DATA")
	if dir == "" {
		b.Skip("MOVEDESK_BENCH_DATA not set")
	}
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	a := &app{cfg: &config.Config{User: "bench", Rules: tariffs.DefaultRules()}}
	d, err := a.newDesk(s)
	if err != nil {
		b.Fatal(err)
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	if err := d.WarmDuplicates(); err != nil {
		b.Fatal(err)
	}
	built := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	b.Logf("index built in %v, heap +%d MiB", built, (int64(m1.HeapAlloc)-int64(m0.HeapAlloc))>>20)
	// A traveller of the store typed again in a new case, one keystroke at
	// a time on the given names.
	f, err := s.CaseFile(firstCase(b, dir, booking.StatusTravelReady))
	if err != nil {
		b.Fatal(err)
	}
	t := f.Travellers[0]
	t.Case = ""
	given := t.GivenNames
	var took []time.Duration
	found := 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t.GivenNames = given[:1+i%len(given)]
		start := time.Now()
		ms, err := d.FindDuplicates(t, nil, 20)
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		found = max(found, len(ms))
	}
	if found == 0 {
		b.Fatal("the traveller typed again was not found")
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "median-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}
