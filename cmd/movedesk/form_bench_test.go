package main

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// benchApp opens the app on MOVEDESK_BENCH_DATA (a copy of a large demo
// store: it is opened for writing) or on a fresh 300-case demo store, with
// the case screen of a travel-ready case in front.
func benchApp(b *testing.B) (tea.Model, func()) {
	dir := os.Getenv("MOVEDESK_BENCH_DATA")
	if dir == "" {
		dir = demoStore(b, "300")
	}
	no := firstCase(b, dir, booking.StatusTravelReady)
	s, m := openApp(b, dir, nil)
	press(b, m, tea.Key{Code: ':', Text: ":"})
	typeKeys(b, m, "open "+no)
	press(b, m, kEnter)
	return m, func() { s.Close() }
}

// latency times fn once per iteration and reports the median and 99th
// percentile, the figures the targets are stated in.
func latency(b *testing.B, fn func(i int)) {
	var ds []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		fn(i)
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "µs-median")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds()), "µs-p99")
}

// BenchmarkFormOpen opens each form of a case (booking, case, traveller,
// document, exit permit, custody, counselling) from the case screen and
// renders its first frame, through a real store and the real quote
// engine; target: 16 ms each.
func BenchmarkFormOpen(b *testing.B) {
	for _, k := range []string{"b", "E", "T", "O", "p", "d"} {
		b.Run(k, func(b *testing.B) {
			m, done := benchApp(b)
			defer done()
			esc := tea.Key{Code: tea.KeyEscape}
			latency(b, func(int) {
				press(b, m, tea.Key{Code: rune(k[0]), Text: k})
				_ = m.View()
				b.StopTimer()
				press(b, m, esc)
				b.StartTimer()
			})
		})
	}
}

// BenchmarkFormKeystroke types into the flight field of a two-segment
// booking being drafted: each key revalidates the draft and quotes it
// again against the active tariff tables; target: 2 ms p99.
func BenchmarkFormKeystroke(b *testing.B) {
	m, done := benchApp(b)
	defer done()
	carrier, from, to, day := pricedNonstop(b)
	press(b, m, tea.Key{Code: 'b', Text: "b"})
	typeKeys(b, m, carrier)
	press(b, m, kTab)
	typeKeys(b, m, "123")
	press(b, m, kTab) // from holds the case's origin: a route the tables price instead
	for range 3 {
		press(b, m, tea.Key{Code: tea.KeyBackspace})
	}
	typeKeys(b, m, from)
	press(b, m, kTab)
	typeKeys(b, m, to)
	press(b, m, kTab)
	typeKeys(b, m, day.String()+" 10:00")
	press(b, m, kTab)
	typeKeys(b, m, day.String()+" 16:00")
	if fr := frame(m); !strings.Contains(fr, "Total USD") {
		b.Fatalf("the draft is not priced, so keys would not quote:\n%s", fr)
	}
	// Back to the flight number: type a digit, then take it back.
	for range 4 {
		press(b, m, tea.Key{Code: tea.KeyTab, Mod: tea.ModShift})
	}
	digit, bs := tea.Key{Code: '4', Text: "4"}, tea.Key{Code: tea.KeyBackspace}
	latency(b, func(i int) {
		k := digit
		if i%2 == 1 {
			k = bs
		}
		press(b, m, k)
		_ = m.View()
	})
}
