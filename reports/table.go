package reports

import (
	"math"

	"movedesk/booking"
)

// Kind is the type of a column's cells.
type Kind int

// Column kinds. A nil cell is empty in any column.
const (
	// Text cells are strings (stored text: render them escaped).
	Text Kind = iota
	// Int cells are ints: counts, members, days.
	Int
	// USD cells are int64 US cents.
	USD
	// Date cells are booking.Date.
	Date
	// Days cells are float64 days (medians).
	Days
	// Percent cells are float64 percentages (12.5 is 12.5%).
	Percent
)

// String names the kind.
func (k Kind) String() string {
	return [...]string{"text", "int", "usd", "date", "days", "percent"}[k]
}

// Column is one column of a table.
type Column struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
}

// Table is one table of a report: typed cells under named columns, plus
// notes (what was left out, totals) for a reader.
type Table struct {
	// Name is short and unique in the report ("costs", "costs-escorts"): a
	// sheet name in a spreadsheet.
	Name    string
	Title   string
	Columns []Column
	Rows    [][]any
	Notes   []string
}

// medianPtr is Median for a JSON field: nil for no values.
func medianPtr(xs []int) *float64 {
	m := Median(xs)
	if math.IsNaN(m) {
		return nil
	}
	return &m
}

// p90Ptr is P90 for a JSON field: nil for no values.
func p90Ptr(xs []int) *int {
	v := P90(xs)
	if v < 0 {
		return nil
	}
	return &v
}

func fcell(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func icell(v *int) any {
	if v == nil {
		return nil
	}
	return *v
}

func dcell(d booking.Date) any {
	if d.IsZero() {
		return nil
	}
	return d
}
