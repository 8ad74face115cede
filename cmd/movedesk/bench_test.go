package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
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
			if code := run([]string{"demo", "--data", big100kDir, "--cases", "100000", "--today", "2026-11-22"}, nil, io.Discard, os.Stderr); code != 0 {
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
		if code := run([]string{"demo", "--data", dir, "--cases", "100000"}, nil, io.Discard, io.Discard); code != 0 {
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
