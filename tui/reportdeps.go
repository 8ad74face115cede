package tui

import "movedesk/booking"

// ReportSource makes the reports the Reports screen draws. cmd/movedesk
// adapts the reports package and the store to it; it keeps the case files
// it last read, so a change of grouping does not read the store again.
// Calls run in commands, off the update loop, one at a time or not.
type ReportSource interface {
	// Report makes report name (costs, loans, timeliness, permits,
	// workload, quality) under p.
	Report(name string, p ReportParams) (ReportView, error)
	// RowCases returns the cases behind row row of table table of the
	// report Report made under the same name and p, in case-number order.
	RowCases(name string, p ReportParams, table, row int) ([]string, error)
}

// ReportParams are what the screen asks a report for.
type ReportParams struct {
	// From and To bound the period, inclusive; zero leaves that end open.
	From, To booking.Date
	// By lists the grouping fields; empty means the report's default.
	By []string
	// Office and Programme filter ("" for every one, or the desk's office).
	Office, Programme string
	// Reload reads the store again instead of the case files kept.
	Reload bool
}

// ReportView is a report as plain text and numbers for the screen to draw.
type ReportView struct {
	Name string
	// Fields are the grouping fields the report takes; By the ones used.
	Fields, By []string
	// Office and Programme are the filters applied ("" for none).
	Office, Programme string
	// Cases is how many case files the report read.
	Cases int
	// Chart is the bar chart over the first table's rows.
	Chart ReportChart
	// Spark is a series over months (no values: none drawn).
	Spark  ReportSpark
	Tables []ReportTable
}

// ReportChart is a horizontal bar chart: one bar per group.
type ReportChart struct {
	Title string
	Bars  []ReportBar
}

// ReportBar is one bar: its label, its length and its value as text.
type ReportBar struct {
	Label string
	Value float64
	Text  string
	// Warn marks a bar over its target (a glyph, so it reads without colour).
	Warn bool
}

// ReportSpark is a sparkline: values in order, the first and last labels
// and the largest value as text.
type ReportSpark struct {
	Title       string
	Values      []float64
	First, Last string
	Max         string
}

// ReportTable is one table: columns, rows of cells as text, notes.
type ReportTable struct {
	Title   string
	Columns []ReportColumn
	Rows    []ReportRow
	Notes   []string
}

// ReportColumn is a column's name and alignment.
type ReportColumn struct {
	Name    string
	Numeric bool
}

// ReportRow is a row of cells; Case names its case when the row is about
// one (a finding, a late step), else enter asks RowCases.
type ReportRow struct {
	Cells []string
	Case  string
	// Total marks a totals row.
	Total bool
}

// ReportMsg opens the Reports screen on report Name ("" for costs).
type ReportMsg struct{ Name string }

// reportNames lists the reports in the order the screen's tabs show them.
var reportNames = []string{"costs", "loans", "timeliness", "permits", "workload", "quality"}
