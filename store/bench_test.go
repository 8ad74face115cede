package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"movedesk/booking"
	"movedesk/demo"
)

// fillDemo writes n demo cases to s in batches, as `movedesk demo` does.
func fillDemo(tb testing.TB, s *Store, n int) {
	tb.Helper()
	fillGenerated(tb, s, demo.Options{Cases: n, Seed: 1, Today: booking.MustDate("2026-11-22")}, 1000, false)
}

// fillGenerated writes the demo cases of o, per cases a transaction,
// marked the generator's (tx.Generated) if generated.
func fillGenerated(tb testing.TB, s *Store, o demo.Options, per int, generated bool) {
	tb.Helper()
	var batch []booking.Record
	flush := func() {
		if err := s.Update("demo", func(tx *Tx) error {
			if generated {
				tx.Generated()
			}
			for _, r := range batch {
				if err := tx.Put(r); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			tb.Fatal(err)
		}
		batch = batch[:0]
	}
	i := 0
	err := demo.Generate(o, func(recs []booking.Record) error {
		batch = append(batch, recs...)
		if i++; i%per == 0 {
			flush()
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	flush()
}

// BenchmarkDemoFill10k measures bulk generation: the demo must make 100k
// cases in 30 s on the 2-core reference machine.
func BenchmarkDemoFill10k(b *testing.B) {
	for b.Loop() {
		dir := b.TempDir()
		s, err := Open(dir, Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		fillDemo(b, s, 10000)
		s.Close()
		fi, _ := os.Stat(filepath.Join(dir, FileName))
		b.ReportMetric(float64(fi.Size())/10000, "bytes/case")
	}
}

// BenchmarkEdit measures one user edit: one fsynced transaction with its
// change-log entry and index updates (target: 3 ms or less).
func BenchmarkEdit(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	fillDemo(b, s, 2000)
	rows, _ := s.AllRows()
	i := 0
	for b.Loop() {
		no := rows[i%len(rows)].Number
		if err := s.SetFields("bench", no, []Assignment{{"notes", fmt.Sprintf("call sponsor, try %d", i)}}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkAllRows100k reads every queue row of a 100k-case store: the work
// behind the app's first frame (target: first frame in 300 ms or less).
func BenchmarkAllRows100k(b *testing.B) {
	dir := b.TempDir()
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	fillDemo(b, s, 100000)
	s.Close()
	s, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for b.Loop() {
		rows, err := s.AllRows()
		if err != nil || len(rows) != 100000 {
			b.Fatal(len(rows), err)
		}
	}
}
