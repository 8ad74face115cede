package reports

import (
	"fmt"
	"slices"
	"strings"

	"movedesk/booking"
)

// Steps are the timeliness steps, in case order; each ends at the milestone
// it names and starts at the one before ("total" runs from the request to
// departure).
var Steps = []string{"documents", "travel-ready", "booked", "abn-sent", "departed", "total"}

// Milestones are the days a case reached each point, as far as its records
// tell.
type Milestones struct {
	Received booking.Date `json:"received,omitzero"`
	// Documents is the day the last document for the journey came in: the
	// latest custody receipt, approved exit-permit decision or document
	// issued since the request, not after travel-ready.
	Documents   booking.Date `json:"documents,omitzero"`
	TravelReady booking.Date `json:"travel_ready,omitzero"`
	// Booked is the first booking's day.
	Booked booking.Date `json:"booked,omitzero"`
	// ABNSent is the day the first ABN (issue or update) went out.
	ABNSent booking.Date `json:"abn_sent,omitzero"`
	// Departed is the departure day of a departed case.
	Departed booking.Date `json:"departed,omitzero"`
}

// CaseMilestones reads the milestones of case file f.
func CaseMilestones(f *booking.CaseFile) Milestones {
	c := &f.Case
	m := Milestones{Received: c.Received, TravelReady: c.TravelReady}
	later := func(d booking.Date) {
		if !d.IsZero() && (c.Received.IsZero() || !d.Before(c.Received)) && d.After(m.Documents) {
			m.Documents = d
		}
	}
	for _, d := range f.Documents {
		later(d.IssueDate)
	}
	for _, cu := range f.Custody {
		for _, e := range cu.Events {
			if e.Action == booking.CustodyReceived {
				later(booking.DateOf(e.At))
			}
		}
	}
	for _, p := range f.Permits {
		if p.Status == booking.PermitApproved {
			later(p.Decided)
		}
	}
	if !m.TravelReady.IsZero() && m.Documents.After(m.TravelReady) {
		m.Documents = m.TravelReady
	}
	for _, b := range f.Bookings {
		if !b.BookedOn.IsZero() && (m.Booked.IsZero() || b.BookedOn.Before(m.Booked)) {
			m.Booked = b.BookedOn
		}
	}
	for _, a := range f.ABNs {
		if a.Sent && (a.Type == booking.ABNIssue || a.Type == booking.ABNUpdate) && !a.SentAt.IsZero() {
			if d := booking.DateOf(a.SentAt); m.ABNSent.IsZero() || d.Before(m.ABNSent) {
				m.ABNSent = d
			}
		}
	}
	if c.Status == booking.StatusDeparted {
		m.Departed = c.Departure
	}
	return m
}

func (m *Milestones) dates() [6]booking.Date {
	return [6]booking.Date{m.Received, m.Documents, m.TravelReady, m.Booked, m.ABNSent, m.Departed}
}

// span returns the start and end of step i.
func (m *Milestones) span(i int) (booking.Date, booking.Date) {
	ds := m.dates()
	if i == len(Steps)-1 {
		return m.Received, m.Departed
	}
	return ds[i], ds[i+1]
}

// Target returns the target days of step name.
func (t Targets) Target(step string) int {
	switch step {
	case "documents":
		return t.Documents
	case "travel-ready":
		return t.TravelReady
	case "booked":
		return t.Booked
	case "abn-sent":
		return t.ABNSent
	case "departed":
		return t.Departed
	}
	return t.Total
}

// StepRow is one step of one group.
type StepRow struct {
	Group []string `json:"group"`
	Step  string   `json:"step"`
	Cases int      `json:"cases"`
	// MedianDays and P90Days are nil when no case completed the step.
	MedianDays *float64 `json:"median_days"`
	P90Days    *int     `json:"p90_days"`
	Target     int      `json:"target_days"`
	OverTarget int      `json:"over_target"`
	days       []int
}

// LateCase is one case over target on one step: done late, or still open
// (To zero) and already past the target today.
type LateCase struct {
	Case      string       `json:"case"`
	Office    string       `json:"office"`
	Programme string       `json:"programme"`
	Assignee  string       `json:"assignee"`
	Status    string       `json:"status"`
	Step      string       `json:"step"`
	From      booking.Date `json:"from"`
	To        booking.Date `json:"to,omitzero"`
	Days      int          `json:"days"`
	Target    int          `json:"target_days"`
}

// TimelinessReport holds days per step, by group, against the targets, and
// the cases over target.
type TimelinessReport struct {
	Meta
	Targets Targets    `json:"targets"`
	Rows    []StepRow  `json:"rows"`
	Late    []LateCase `json:"late"`
	// lateTotal counts the steps over target, listed or not (ListLimit).
	lateTotal int
}

type timeliness struct {
	p    Params
	r    TimelinessReport
	rows *groups[[]StepRow]
}

func newTimeliness(p Params, m Meta) *timeliness {
	return &timeliness{p: p, r: TimelinessReport{Meta: m, Targets: p.Config.Targets},
		rows: newGroups(fields["timeliness"].valid, p.By, func(g group) *[]StepRow {
			rs := make([]StepRow, len(Steps))
			for i, s := range Steps {
				rs[i] = StepRow{Group: g, Step: s, Target: p.Config.Targets.Target(s)}
			}
			return &rs
		})}
}

func (t *timeliness) add(x *CaseFacts, _ *booking.CaseFile) bool {
	if !x.keep(&t.p) {
		return true
	}
	m := &x.Milestones
	late := func(step string, from, to booking.Date, d, target int) {
		if t.p.NoLists {
			return
		}
		t.r.lateTotal++
		t.r.Late = append(t.r.Late, LateCase{Case: x.Number, Office: x.Office, Programme: x.Programme, Assignee: x.Assignee,
			Status: string(x.Status), Step: step, From: from, To: to, Days: d, Target: target})
		t.r.Late = bounded(t.r.Late, t.p.ListLimit, compareLate, false)
	}
	for i, s := range Steps {
		from, to := m.span(i)
		if from.IsZero() || to.IsZero() || to.Before(from) || !t.p.in(to) {
			continue
		}
		row := &(*t.rows.get(x.Office, x.Programme, Month(to), x.Assignee))[i]
		d := from.DaysUntil(to)
		row.Cases++
		row.days = append(row.days, d)
		if d > row.Target {
			row.OverTarget++
			late(s, from, to, d, row.Target)
		}
	}
	// An open case already past the target of the step it is in: the step
	// after the last milestone it reached.
	if x.Status.Terminal() || x.Status == booking.StatusOnHold || !t.p.in(t.p.Today) {
		return true
	}
	ds := m.dates()
	k := -1
	for i, d := range ds[:len(ds)-1] {
		if !d.IsZero() {
			k = i
		}
	}
	if k < 0 || t.p.Today.Before(ds[k]) {
		return true
	}
	s := Steps[k]
	if d, target := ds[k].DaysUntil(t.p.Today), t.p.Config.Targets.Target(s); d > target {
		late(s, ds[k], booking.Date{}, d, target)
	}
	return true
}

func (t *timeliness) Report() Report {
	t.r.Rows = []StepRow{}
	for _, rs := range t.rows.sorted() {
		for _, r := range *rs {
			if r.Cases == 0 {
				continue
			}
			r.MedianDays, r.P90Days = medianPtr(r.days), p90Ptr(r.days)
			t.r.Rows = append(t.r.Rows, r)
		}
	}
	t.r.Late = bounded(t.r.Late, t.p.ListLimit, compareLate, true)
	if t.r.Late == nil {
		t.r.Late = []LateCase{}
	}
	return &t.r
}

// GroupBy returns the report with its steps counted by the grouping fields
// by (the report's default if empty) instead, from the days of r's rows:
// a screen reads the report grouped by every field once and regroups it
// without reading again. by must be among the fields r is grouped by; the
// cases over target do not change with the grouping.
func (r *TimelinessReport) GroupBy(by []string) (*TimelinessReport, error) {
	by, at, err := regrouping("timeliness", r.By, by) // r.By[i] is valid[at[i]]
	if err != nil {
		return nil, err
	}
	fs := fields["timeliness"]
	gs := newGroups(fs.valid, by, func(g group) *[]StepRow {
		rs := make([]StepRow, len(Steps))
		for i, s := range Steps {
			rs[i] = StepRow{Group: g, Step: s, Target: r.Targets.Target(s)}
		}
		return &rs
	})
	vals := make([]string, len(fs.valid))
	for _, row := range r.Rows {
		for i, v := range row.Group {
			vals[at[i]] = v
		}
		step := slices.Index(Steps, row.Step)
		if step < 0 {
			continue
		}
		dst := &(*gs.get(vals...))[step]
		dst.Cases += row.Cases
		dst.OverTarget += row.OverTarget
		dst.days = append(dst.days, row.days...)
	}
	out := *r
	out.By = slices.Clone(by)
	out.Rows = []StepRow{}
	for _, rs := range gs.sorted() {
		for _, row := range *rs {
			if row.Cases == 0 {
				continue
			}
			row.MedianDays, row.P90Days = medianPtr(row.days), p90Ptr(row.days)
			out.Rows = append(out.Rows, row)
		}
	}
	return &out, nil
}

func compareLate(a, b LateCase) int {
	if c := strings.Compare(a.Case, b.Case); c != 0 {
		return c
	}
	return slices.Index(Steps, a.Step) - slices.Index(Steps, b.Step)
}

// Header implements Report.
func (r *TimelinessReport) Header() Meta { return r.Meta }

// Tables implements Report: the steps by group, then the cases over target.
func (r *TimelinessReport) Tables() []Table {
	st := Table{Name: "timeliness", Title: "Days per step by " + strings.Join(r.By, ", ") + " (steps ended in the period)",
		Columns: append(byColumns(r.By), Column{"step", Text}, Column{"cases", Int}, Column{"median_days", Days},
			Column{"p90_days", Int}, Column{"target_days", Int}, Column{"over_target", Int}, Column{"over_pct", Percent})}
	for _, row := range r.Rows {
		st.Rows = append(st.Rows, append(groupCells(row.Group), row.Step, row.Cases, fcell(row.MedianDays), icell(row.P90Days),
			row.Target, row.OverTarget, pct(row.OverTarget, row.Cases)))
	}
	st.Notes = append(st.Notes, "steps: received > documents > travel-ready > booked > abn-sent > departed; total is received > departed",
		"p90 is the nearest-rank 90th percentile")
	lt := Table{Name: "timeliness-late", Title: "Cases over target (no end date: still open today)",
		Columns: []Column{{"case", Text}, {"office", Text}, {"programme", Text}, {"assignee", Text}, {"status", Text},
			{"step", Text}, {"from", Date}, {"to", Date}, {"days", Int}, {"target_days", Int}}}
	for _, l := range r.Late {
		lt.Rows = append(lt.Rows, []any{l.Case, l.Office, l.Programme, l.Assignee, l.Status, l.Step, l.From, dcell(l.To), l.Days, l.Target})
	}
	lt.Notes = append(lt.Notes, fmt.Sprintf("%s over target", plural(r.lateTotal, "step", "steps")))
	if len(r.Late) < r.lateTotal {
		lt.Notes = append(lt.Notes, fmt.Sprintf("the first %d listed", len(r.Late)))
	}
	return []Table{st, lt}
}
