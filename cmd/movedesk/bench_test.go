package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"movedesk/booking"
	"movedesk/flights"
	"movedesk/store"
)

var (
	big100k     sync.Once
	big100kDir  string
	big100kErr  error
	binOnce     sync.Once
	binPath     string
	binBuildErr error
)

// store100k makes one 100k-case demo store for the benchmarks of this run.
func store100k(b *testing.B) string {
	big100k.Do(func() {
		big100kDir, big100kErr = os.MkdirTemp("", "movedesk-bench-")
		if big100kErr == nil {
			if code := run([]string{"demo", "--no-users", "--data", big100kDir, "--cases", "100000", "--today", "2026-11-22"}, nil, io.Discard, os.Stderr); code != 0 {
				big100kErr = os.ErrInvalid
			}
		}
	})
	if big100kErr != nil {
		b.Fatal(big100kErr)
	}
	return big100kDir
}

// binary builds the movedesk command once, to time whole processes.
func binary(b *testing.B) string {
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "movedesk-bin-")
		if err != nil {
			binBuildErr = err
			return
		}
		binPath = filepath.Join(dir, "movedesk")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binBuildErr = &exec.ExitError{Stderr: out}
		}
	})
	if binBuildErr != nil {
		b.Fatal(binBuildErr)
	}
	return binPath
}

// BenchmarkDemo100k: `movedesk demo --cases 100000` (target 30 s or less).
func BenchmarkDemo100k(b *testing.B) {
	for b.Loop() {
		dir := b.TempDir()
		if code := run([]string{"demo", "--no-users", "--data", dir, "--cases", "100000"}, nil, io.Discard, io.Discard); code != 0 {
			b.Fatal("demo failed")
		}
		fi, _ := os.Stat(filepath.Join(dir, "movedesk.db"))
		b.ReportMetric(float64(fi.Size())/1e6, "MB-store")
	}
}

// BenchmarkCaseListProcess100k: the whole process of
// `movedesk case list --status travel-ready --json` over 100k cases (target
// 300 ms or less).
func BenchmarkCaseListProcess100k(b *testing.B) {
	dir, bin := store100k(b), binary(b)
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(bin, "case", "list", "--status", "travel-ready", "--json", "--data", dir)
		cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+b.TempDir())
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if big100kDir != "" {
		os.RemoveAll(big100kDir)
	}
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// BenchmarkReportCostsProcess100k: the whole process of
// `movedesk report costs --json` over 100k cases (target 1 s or less).
func BenchmarkReportCostsProcess100k(b *testing.B) {
	dir, bin := store100k(b), binary(b)
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(bin, "report", "costs", "--json", "--today", "2026-11-22", "--data", dir)
		cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+b.TempDir())
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// busiestFlight returns the flight with the most travellers in the 100k
// demo store, from the day after its --today on.
func busiestFlight(b *testing.B, dir string) flights.Key {
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	from := booking.MustDate("2026-11-23")
	files, err := s.FilesDeparting(from, from.AddDays(60), nil)
	if err != nil {
		b.Fatal(err)
	}
	var best flights.Summary
	for _, f := range flights.List(files, from, from.AddDays(60)) {
		if f.Totals.Travellers > best.Totals.Travellers {
			best = f
		}
	}
	if best.Totals.Travellers == 0 {
		b.Fatal("no flight in the demo store")
	}
	b.Logf("busiest flight %s: %d cases, %d travellers", best.Key, best.Totals.Cases, best.Totals.Travellers)
	return best.Key
}

// BenchmarkFlightShow100k: `movedesk flight show` of the busiest flight over
// 100k cases, in-process, opening the store each time (target 50 ms or less).
func BenchmarkFlightShow100k(b *testing.B) {
	dir := store100k(b)
	k := busiestFlight(b, dir)
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	b.ResetTimer()
	for b.Loop() {
		if code := run([]string{"flight", "show", k.Carrier, k.Flight, k.Date.String(), "--data", dir}, nil, io.Discard, io.Discard); code != 0 {
			b.Fatal("flight show failed")
		}
	}
}

// BenchmarkFlightManifest100k: the airline manifest as CSV of the busiest
// flight over 100k cases (target 50 ms or less).
func BenchmarkFlightManifest100k(b *testing.B) {
	dir := store100k(b)
	k := busiestFlight(b, dir)
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	b.ResetTimer()
	for b.Loop() {
		if code := run([]string{"flight", "manifest", k.Carrier, k.Flight, k.Date.String(), "--for", "airline", "--csv", "--data", dir}, nil, io.Discard, io.Discard); code != 0 {
			b.Fatal("flight manifest failed")
		}
	}
}
