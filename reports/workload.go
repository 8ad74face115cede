package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"movedesk/booking"
)

// AgeBucket names the age band of a case open for days days.
func AgeBucket(days int) string {
	switch {
	case days < 0:
		return "unknown"
	case days <= 30:
		return "0-30"
	case days <= 60:
		return "31-60"
	case days <= 90:
		return "61-90"
	case days <= 180:
		return "91-180"
	}
	return "181+"
}

// WorkRow is one group of open cases.
type WorkRow struct {
	Group      []string `json:"group"`
	Cases      int      `json:"cases"`
	Travellers int      `json:"travellers"`
	// Ages are days since the request was received.
	MedianAgeDays *float64 `json:"median_age_days"`
	OldestDays    *int     `json:"oldest_days"`
	ages          []int
}

// WaitingCase is an open case, with how long it has waited.
type WaitingCase struct {
	Case      string       `json:"case"`
	Office    string       `json:"office"`
	Programme string       `json:"programme"`
	Assignee  string       `json:"assignee"`
	Status    string       `json:"status"`
	Received  booking.Date `json:"received"`
	AgeDays   int          `json:"age_days"`
	Departure booking.Date `json:"departure,omitzero"`
}

// UnsentABN is an active booking, older than the threshold, whose ABN has
// not gone out.
type UnsentABN struct {
	Case      string       `json:"case"`
	Office    string       `json:"office"`
	Assignee  string       `json:"assignee"`
	Status    string       `json:"status"`
	Booking   string       `json:"booking"`
	BookedOn  booking.Date `json:"booked_on"`
	Days      int          `json:"days"`
	Departure booking.Date `json:"departure,omitzero"`
	// ABN says what is on file: none, a version not sent, or one for an
	// earlier booking.
	ABN string `json:"abn"`
}

// WorkloadReport holds the open cases (not departed or cancelled) received
// in the period, by group, the longest waiting, and bookings whose ABN is
// overdue.
type WorkloadReport struct {
	Meta
	Rows    []WorkRow     `json:"rows"`
	Waiting []WaitingCase `json:"waiting"`
	Unsent  []UnsentABN   `json:"abns_not_sent"`
	Total   WorkRow       `json:"total"`
	// ABNOverdueDays is the age a booking is listed in Unsent from.
	ABNOverdueDays int `json:"abn_overdue_days"`
}

type workload struct {
	p    Params
	r    WorkloadReport
	rows *groups[WorkRow]
}

func newWorkload(p Params, m Meta) *workload {
	return &workload{p: p, r: WorkloadReport{Meta: m, ABNOverdueDays: p.Config.ABNOverdueDays},
		rows: newGroups(fields["workload"].valid, p.By, func(g group) *WorkRow { return &WorkRow{Group: g} })}
}

func (w *workload) add(x *CaseFacts, _ *booking.CaseFile) bool {
	if !x.keep(&w.p) || x.Status.Terminal() || !w.p.in(x.Received) {
		return true
	}
	age := -1
	if !x.Received.IsZero() {
		age = x.Received.DaysUntil(w.p.Today)
	}
	for _, r := range [2]*WorkRow{w.rows.get(x.Assignee, string(x.Status), AgeBucket(age), x.Office, x.Programme), &w.r.Total} {
		r.Cases++
		r.Travellers += x.Travellers
		if age >= 0 {
			r.ages = append(r.ages, age)
		}
	}
	if w.p.NoLists {
		return true
	}
	if n := w.p.Config.LongestWaiting; n > 0 && age >= 0 {
		wc := WaitingCase{Case: x.Number, Office: x.Office, Programme: x.Programme, Assignee: x.Assignee,
			Status: string(x.Status), Received: x.Received, AgeDays: age, Departure: x.Departure}
		// Keep the n longest: insert in order, drop the tail.
		i, _ := slices.BinarySearchFunc(w.r.Waiting, wc, compareWaiting)
		if i < n {
			w.r.Waiting = slices.Insert(w.r.Waiting, i, wc)
			if len(w.r.Waiting) > n {
				w.r.Waiting = w.r.Waiting[:n]
			}
		}
	}
	b := x.Active()
	if b == nil || b.BookedOn.IsZero() || x.Status == booking.StatusOnHold || x.ABN == "" {
		return true
	}
	days := b.BookedOn.DaysUntil(w.p.Today)
	if days < w.p.Config.ABNOverdueDays {
		return true
	}
	w.r.Unsent = append(w.r.Unsent, UnsentABN{Case: x.Number, Office: x.Office, Assignee: x.Assignee, Status: string(x.Status),
		Booking: b.ID, BookedOn: b.BookedOn, Days: days, Departure: b.Departure, ABN: x.ABN})
	return true
}

// compareWaiting orders the longest waiting first, then by case number.
func compareWaiting(a, b WaitingCase) int {
	if c := cmp.Compare(b.AgeDays, a.AgeDays); c != 0 {
		return c
	}
	return strings.Compare(a.Case, b.Case)
}

func (r *WorkRow) finish() {
	r.MedianAgeDays = medianPtr(r.ages)
	if len(r.ages) > 0 {
		m := slices.Max(r.ages)
		r.OldestDays = &m
	}
}

func (w *workload) Report() Report {
	w.r.Rows = []WorkRow{}
	for _, r := range w.rows.sorted() {
		r.finish()
		w.r.Rows = append(w.r.Rows, *r)
	}
	w.r.Total.finish()
	slices.SortFunc(w.r.Unsent, func(a, b UnsentABN) int {
		if c := cmp.Compare(b.Days, a.Days); c != 0 {
			return c
		}
		return strings.Compare(a.Case, b.Case)
	})
	if w.r.Waiting == nil {
		w.r.Waiting = []WaitingCase{}
	}
	if w.r.Unsent == nil {
		w.r.Unsent = []UnsentABN{}
	}
	return &w.r
}

// Header implements Report.
func (r *WorkloadReport) Header() Meta { return r.Meta }

// Tables implements Report: open cases by group, the longest waiting, the
// bookings whose ABN is overdue.
func (r *WorkloadReport) Tables() []Table {
	t := Table{Name: "workload", Title: "Open cases by " + strings.Join(r.By, ", "), Columns: append(byColumns(r.By),
		Column{"cases", Int}, Column{"travellers", Int}, Column{"median_age_days", Days}, Column{"oldest_days", Int})}
	for _, row := range r.Rows {
		t.Rows = append(t.Rows, append(groupCells(row.Group), row.Cases, row.Travellers, fcell(row.MedianAgeDays), icell(row.OldestDays)))
	}
	t.Notes = append(t.Notes, fmt.Sprintf("total: %s open, %s; age is days since the request was received on %s",
		plural(r.Total.Cases, "case", "cases"), plural(r.Total.Travellers, "traveller", "travellers"), r.Today))
	wt := Table{Name: "workload-waiting", Title: "Waiting longest", Columns: []Column{{"case", Text}, {"office", Text},
		{"programme", Text}, {"assignee", Text}, {"status", Text}, {"received", Date}, {"age_days", Int}, {"departure", Date}}}
	for _, w := range r.Waiting {
		wt.Rows = append(wt.Rows, []any{w.Case, w.Office, w.Programme, w.Assignee, w.Status, w.Received, w.AgeDays, dcell(w.Departure)})
	}
	ut := Table{Name: "workload-abns", Title: fmt.Sprintf("ABNs not sent for bookings %d or more days old", r.ABNOverdueDays),
		Columns: []Column{{"case", Text}, {"office", Text}, {"assignee", Text}, {"status", Text}, {"booking", Text},
			{"booked_on", Date}, {"days", Int}, {"departure", Date}, {"abn", Text}}}
	for _, u := range r.Unsent {
		ut.Rows = append(ut.Rows, []any{u.Case, u.Office, u.Assignee, u.Status, u.Booking, u.BookedOn, u.Days, dcell(u.Departure), u.ABN})
	}
	ut.Notes = append(ut.Notes, plural(len(r.Unsent), "booking", "bookings")+" waiting for an ABN")
	return []Table{t, wt, ut}
}
