package main

import (
	"os"
	"runtime"
	"slices"
	"syscall"
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

// BenchmarkDuplicateIndexBuild100k: the duplicate index built as a session
// builds it (a new desk, WarmDuplicates: one pass over the identity rows,
// then the file's pages released) on MOVEDESK_BENCH_DATA. It reports the
// build time, the index's heap (and what it says it holds, which sets the
// app's heap allowance) and the page faults of a build in MiB (the
// file pages it touched, and the heap it grew).
func BenchmarkDuplicateIndexBuild100k(b *testing.B) {
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
	var took []time.Duration
	var heap uint64
	var faults, held int64
	for b.Loop() {
		d, err := a.newDesk(s)
		if err != nil {
			b.Fatal(err)
		}
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		var r0, r1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
		start := time.Now()
		if err := d.WarmDuplicates(); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
		faults = max(faults, r1.Minflt+r1.Majflt-r0.Minflt-r0.Majflt)
		runtime.GC()
		runtime.ReadMemStats(&m1)
		heap = max(heap, m1.HeapAlloc-min(m1.HeapAlloc, m0.HeapAlloc))
		held = d.DuplicateIndexBytes()
		if ms, err := d.FindDuplicates(booking.Traveller{FamilyName: "x"}, nil, 1); err != nil || ms != nil {
			b.Fatal(ms, err)
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "median-ms")
	b.ReportMetric(float64(took[len(took)-1].Milliseconds()), "max-ms")
	b.ReportMetric(float64(heap>>20), "index-MiB")
	b.ReportMetric(float64(held>>20), "held-MiB")
	b.ReportMetric(float64(faults*int64(os.Getpagesize())>>20), "faulted-MiB")
}
