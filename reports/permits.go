package reports

import (
	"fmt"
	"slices"
	"strings"

	"movedesk/booking"
)

// PermitRow is one group of the exit-permits report.
type PermitRow struct {
	Group        []string `json:"group"`
	Applications int      `json:"applications"`
	Approved     int      `json:"approved"`
	Denied       int      `json:"denied"`
	Pending      int      `json:"pending"`
	Expired      int      `json:"expired"`
	// DenialPct is denials over decided applications (approved, denied,
	// expired), in percent.
	DenialPct float64 `json:"denial_pct"`
	// Approval days: submitted to decided, of approved applications.
	MedianApprovalDays *float64 `json:"median_approval_days"`
	P90ApprovalDays    *int     `json:"p90_approval_days"`
	approvalDays       []int
}

// DenialRow counts the denials of one reason code.
type DenialRow struct {
	Reason  string  `json:"reason"`
	Denials int     `json:"denials"`
	Pct     float64 `json:"pct"`
	Cases   int     `json:"cases"`
	cases   counted
}

// PermitsReport holds the exit-permit applications made in the period (by
// submitted date, else decided date) and the denials by reason.
type PermitsReport struct {
	Meta
	Rows    []PermitRow `json:"rows"`
	Denials []DenialRow `json:"denials"`
	Total   PermitRow   `json:"total"`
}

type permits struct {
	p       Params
	r       PermitsReport
	rows    *groups[PermitRow]
	denials *groups[DenialRow]
}

func newPermits(p Params, m Meta) *permits {
	return &permits{p: p, r: PermitsReport{Meta: m},
		rows:    newGroups(fields["permits"].valid, p.By, func(g group) *PermitRow { return &PermitRow{Group: g} }),
		denials: newGroups([]string{"reason"}, []string{"reason"}, func(g group) *DenialRow { return &DenialRow{Reason: g[0]} })}
}

func (pr *permits) add(x *CaseFacts, _ *booking.CaseFile) bool {
	if !x.keep(&pr.p) {
		return true
	}
	for _, p := range x.Permits {
		day := p.Submitted
		if day.IsZero() {
			day = p.Decided
		}
		if !pr.p.in(day) {
			continue
		}
		for _, r := range [2]*PermitRow{pr.rows.get(p.Authority, p.Country, p.ReasonCode, x.Office, x.Programme, Month(day)), &pr.r.Total} {
			r.Applications++
			switch p.Status {
			case booking.PermitApproved:
				r.Approved++
				if !p.Submitted.IsZero() && !p.Decided.IsZero() {
					r.approvalDays = append(r.approvalDays, p.Submitted.DaysUntil(p.Decided))
				}
			case booking.PermitDenied:
				r.Denied++
			case booking.PermitPending:
				r.Pending++
			case booking.PermitExpired:
				r.Expired++
			}
		}
		if p.Status == booking.PermitDenied {
			d := pr.denials.get(p.ReasonCode)
			d.Denials++
			d.cases.add(x.Number)
		}
	}
	return true
}

func (r *PermitRow) finish() {
	r.DenialPct = pct(r.Denied, r.Approved+r.Denied+r.Expired)
	r.MedianApprovalDays, r.P90ApprovalDays = medianPtr(r.approvalDays), p90Ptr(r.approvalDays)
}

func (pr *permits) Report() Report {
	pr.r.Rows, pr.r.Denials = []PermitRow{}, []DenialRow{}
	for _, r := range pr.rows.sorted() {
		r.finish()
		pr.r.Rows = append(pr.r.Rows, *r)
	}
	pr.r.Total.finish()
	for _, d := range pr.denials.sorted() {
		d.Pct, d.Cases = pct(d.Denials, pr.r.Total.Denied), d.cases.n
		pr.r.Denials = append(pr.r.Denials, *d)
	}
	slices.SortStableFunc(pr.r.Denials, func(a, b DenialRow) int { return b.Denials - a.Denials })
	return &pr.r
}

// Header implements Report.
func (r *PermitsReport) Header() Meta { return r.Meta }

// Tables implements Report: applications by group, then denials by reason.
func (r *PermitsReport) Tables() []Table {
	t := Table{Name: "permits", Title: "Exit-permit applications by " + strings.Join(r.By, ", "), Columns: append(byColumns(r.By),
		Column{"applications", Int}, Column{"approved", Int}, Column{"denied", Int}, Column{"pending", Int},
		Column{"expired", Int}, Column{"denial_pct", Percent}, Column{"median_approval_days", Days}, Column{"p90_approval_days", Int})}
	for _, row := range r.Rows {
		t.Rows = append(t.Rows, append(groupCells(row.Group), row.Applications, row.Approved, row.Denied, row.Pending,
			row.Expired, row.DenialPct, fcell(row.MedianApprovalDays), icell(row.P90ApprovalDays)))
	}
	tot := r.Total
	t.Notes = append(t.Notes, fmt.Sprintf("total: %s, %d approved, %d denied (%.1f%% of decisions), %d pending, %d expired",
		plural(tot.Applications, "application", "applications"), tot.Approved, tot.Denied, tot.DenialPct, tot.Pending, tot.Expired))
	d := Table{Name: "permits-denials", Title: "Denials by reason", Columns: []Column{{"reason", Text}, {"denials", Int},
		{"pct", Percent}, {"cases", Int}}}
	for _, row := range r.Denials {
		d.Rows = append(d.Rows, []any{row.Reason, row.Denials, row.Pct, row.Cases})
	}
	return []Table{t, d}
}
