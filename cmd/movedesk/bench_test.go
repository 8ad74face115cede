package main

import (
	"cmp"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"movedesk/auth"
	"movedesk/booking"
	"movedesk/flights"
	"movedesk/reports"
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

// store100k makes one 100k-case demo store for the benchmarks of this run
// (MOVEDESK_BENCH_STORE names an existing one made with --today 2026-11-22
// instead; it is only read).
func store100k(b *testing.B) string {
	if dir := os.Getenv("MOVEDESK_BENCH_STORE"); dir != "" {
		return dir
	}
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
func BenchmarkReportCostsProcess100k(b *testing.B) { benchReportProcess(b, "costs") }

// BenchmarkReportProcess100k: the whole process of `movedesk report NAME
// --json` for every report over 100k cases (target 1 s or less each).
// MOVEDESK_BENCH_DATA names a 100k store made with --today 2026-11-22 to
// use instead of making one.
func BenchmarkReportProcess100k(b *testing.B) {
	for _, name := range reports.Names {
		b.Run(name, func(b *testing.B) { benchReportProcess(b, name) })
	}
}

func benchReportProcess(b *testing.B, name string) {
	dir := os.Getenv("MOVEDESK_BENCH_DATA")
	if dir == "" {
		dir = store100k(b)
	}
	today := cmp.Or(os.Getenv("MOVEDESK_BENCH_TODAY"), "2026-11-22")
	bin := binary(b)
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(bin, "report", name, "--json", "--today", today, "--data", dir)
		cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+b.TempDir())
		cmd.Stdout = io.Discard
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
	es, err := s.FlightEntries(from, from.AddDays(60))
	if err != nil {
		b.Fatal(err)
	}
	var best flights.Summary
	for _, f := range flights.ListEntries(es, nil) {
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

// BenchmarkReviewList100k: `review list --json` over 100k cases with every
// programme of every office under the four-eyes check, in-process with the
// store opened per run.
func BenchmarkReviewList100k(b *testing.B) {
	dir := store100k(b)
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	err = s.Update("hub", func(tx *store.Tx) error {
		for _, o := range []string{"RBA", "KLT", "SAL", "WAS"} {
			if err := tx.Put(&booking.FourEyes{Office: o, Programmes: []string{booking.FourEyesAll}}); err != nil {
				return err
			}
		}
		return nil
	})
	s.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	b.ResetTimer()
	for b.Loop() {
		if code := run([]string{"review", "list", "--json", "--data", dir}, nil, io.Discard, io.Discard); code != 0 {
			b.Fatal("review list failed")
		}
	}
}

// BenchmarkFlightList100k: `movedesk flight list` of the 30 days after the
// demo's today over 100k cases, in-process, opening the store each time.
func BenchmarkFlightList100k(b *testing.B) {
	dir := store100k(b)
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	b.ResetTimer()
	for b.Loop() {
		if code := run([]string{"flight", "list", "--today", "2026-11-23", "--data", dir}, nil, io.Discard, io.Discard); code != 0 {
			b.Fatal("flight list failed")
		}
	}
}

var (
	enc100k    sync.Once
	enc100kDir string
	enc100kErr error
)

// encStore100k is a 100k-case demo store encrypted for the demo users
// (MOVEDESK_BENCH_ENC_DATA names one made by `movedesk demo`, else one is
// made for this run).
func encStore100k(b *testing.B) string {
	enc100k.Do(func() {
		if d := os.Getenv("MOVEDESK_BENCH_ENC_DATA"); d != "" {
			enc100kDir = d
			return
		}
		base, err := os.MkdirTemp("", "movedesk-bench-enc-")
		if enc100kErr = err; err == nil {
			enc100kDir = filepath.Join(base, "data")
			if code := run([]string{"demo", "--data", enc100kDir, "--cases", "100000", "--today", "2026-11-22"}, nil, io.Discard, os.Stderr); code != 0 {
				enc100kErr = os.ErrInvalid
			}
		}
	})
	if enc100kErr != nil {
		b.Fatal(enc100kErr)
	}
	return enc100kDir
}

// encCodec100k opens encStore100k's data key with amina.benali's demo
// passphrase.
func encCodec100k(b *testing.B) store.Codec {
	dir := encStore100k(b)
	info, err := store.Peek(dir)
	if err != nil {
		b.Fatal(err)
	}
	pass, err := readSecretFile(filepath.Join(dir+".passphrases", "amina.benali"))
	if err != nil {
		b.Fatal(err)
	}
	sl, _ := auth.DecodeSlot(info.Slots["amina.benali"])
	dk, err := auth.OpenSlot(sl, pass)
	if err != nil {
		b.Fatal(err)
	}
	codec, err := store.NewAESCodec(dk)
	if err != nil {
		b.Fatal(err)
	}
	return codec
}

// BenchmarkOpenCaseEncrypted100k: reading a whole case file (what opening a
// case shows) from a 100k-case store encrypted by passphrase, signed in as
// a demo user (target 5 ms or less); the "plain" run reads the same from
// MOVEDESK_BENCH_DATA when set.
func BenchmarkOpenCaseEncrypted100k(b *testing.B) {
	dir := encStore100k(b)
	runs := map[string]store.Options{"encrypted": {ReadOnly: true, Codec: encCodec100k(b)}}
	dirs := map[string]string{"encrypted": dir}
	if d := os.Getenv("MOVEDESK_BENCH_DATA"); d != "" {
		runs["plain"], dirs["plain"] = store.Options{ReadOnly: true}, d
	}
	for name, opts := range runs {
		b.Run(name, func(b *testing.B) {
			s, err := store.Open(dirs[name], opts)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			rows, err := s.AllRows()
			if err != nil || len(rows) < 1000 {
				b.Fatalf("%v (%d rows)", err, len(rows))
			}
			i := 0
			for b.Loop() {
				no := rows[(i*7919)%len(rows)].Number
				if _, err := s.CaseFile(no); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Summary(no); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
