package tui

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// bigSource serves n synthetic rows (as the store's row index would) and
// fixture case files, to measure the screens at desk scale.
type bigSource struct {
	*memSource
	rows []booking.Summary
}

func newBigSource(n int) *bigSource {
	src := &bigSource{memSource: fixture(0)}
	statuses := booking.Statuses
	d := booking.MustDate("2026-01-01")
	for i := 0; i < n; i++ {
		no := fmt.Sprintf("%s-2026-%06d", []string{"KLT", "RBA", "SAL", "WAS"}[i%4], i)
		fam := testFamilies[i%len(testFamilies)]
		src.rows = append(src.rows, booking.Summary{Number: no, Office: no[:3], Programme: "USRAP", Status: statuses[(i/7)%len(statuses)],
			Priority: 1 + i%3, Principal: fmt.Sprintf("%s, %s", fam, testGiven[(i/3)%len(testGiven)]), Size: 1 + i%9,
			DestAirport: "JFK", DestCity: "New York", Received: d.AddDays(i % 300), TravelReady: d.AddDays(30 + i%300),
			Departure: d.AddDays(60 + i%400), Assignee: "amina.idrissi", ABNNumber: fmt.Sprintf("ABN-%s-%07d", no[:3], i),
			Names: fmt.Sprintf("%s %s %s mariam", fam, testGiven[(i/3)%len(testGiven)], fam), Needs: []string{"WCHR"}})
	}
	sort.Slice(src.rows, func(i, j int) bool { return src.rows[i].Number < src.rows[j].Number })
	return src
}

func (b *bigSource) Rows() ([]booking.Summary, error) { return slices.Clone(b.rows), nil }

func (b *bigSource) CaseFile(no string) (*booking.CaseFile, error) {
	f := fixtureFile(5)
	f.Case.Number = no
	return f, nil
}

const benchCases = 100_000

// BenchmarkFirstFrame is New (loading 100k rows, partitioning the queues,
// sorting the first) plus the first View.
func BenchmarkFirstFrame(b *testing.B) {
	src := newBigSource(benchCases)
	st, _ := DefaultStyles("dark", false)
	b.ResetTimer()
	for b.Loop() {
		m, err := New(Options{Source: src, Keys: DefaultKeyMap(), Styles: st, Now: testNow})
		if err != nil {
			b.Fatal(err)
		}
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		_ = m.View()
	}
}

// keyLatency measures Update plus View for each key press and reports the
// median and 99th percentile.
func keyLatency(b *testing.B, m *Model, press func(i int) tea.Msg) {
	b.Helper()
	var ds []time.Duration
	b.ResetTimer()
	i := 0
	for b.Loop() {
		start := time.Now()
		_, cmd := m.Update(press(i))
		for _, msg := range runCmd(cmd) {
			m.Update(msg)
		}
		_ = m.View()
		ds = append(ds, time.Since(start))
		i++
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "µs-median")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds()), "µs-p99")
}

func benchModel(b *testing.B, src Source) *Model {
	st, _ := DefaultStyles("dark", false)
	m, err := New(Options{Source: src, Quoter: fakeQuoter{}, Keys: DefaultKeyMap(), Styles: st, Now: testNow})
	if err != nil {
		b.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

func BenchmarkKeyMove(b *testing.B) {
	m := benchModel(b, newBigSource(benchCases))
	m.Update(QueueMsg{Name: "all"})
	down, up := keyMsg("j"), keyMsg("k")
	keyLatency(b, m, func(i int) tea.Msg {
		if (i/1000)%2 == 1 {
			return up
		}
		return down
	})
}

func BenchmarkKeyPage(b *testing.B) {
	m := benchModel(b, newBigSource(benchCases))
	m.Update(QueueMsg{Name: "all"})
	pg, top := keyMsg("pgdown"), keyMsg("g")
	keyLatency(b, m, func(i int) tea.Msg {
		if i%3000 == 2999 {
			return top
		}
		return pg
	})
}

// BenchmarkKeyOpenCase opens the case under the cursor and goes back.
func BenchmarkKeyOpenCase(b *testing.B) {
	m := benchModel(b, newBigSource(benchCases))
	m.Update(QueueMsg{Name: "all"})
	open, back := keyMsg("enter"), keyMsg("esc")
	keyLatency(b, m, func(i int) tea.Msg {
		if i%2 == 1 {
			return back
		}
		return open
	})
}

// BenchmarkFilterKeystroke types "haddad omar status:on ssr:wchr" (words
// and field terms) into the filter of the All queue (100k rows), one
// keystroke per iteration, clearing it between runs.
func BenchmarkFilterKeystroke(b *testing.B) {
	m := benchModel(b, newBigSource(benchCases))
	m.Update(QueueMsg{Name: "all"})
	m.Update(keyMsg("/"))
	text := []rune("haddad omar status:on ssr:wchr")
	clear := tea.KeyPressMsg(tea.Key{Code: 'u', Mod: tea.ModCtrl})
	keyLatency(b, m, func(i int) tea.Msg {
		j := i % (len(text) + 1)
		if j == len(text) {
			return clear
		}
		return tea.KeyPressMsg(tea.Key{Code: text[j], Text: string(text[j])})
	})
}
