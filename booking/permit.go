package booking

import (
	"fmt"
	"slices"
	"strings"
)

// KindPermit is the record kind of an exit permit.
const KindPermit = "permit"

// PermitKey is the key of exit permit id of member m of case c; member 0
// is a permit for the whole case.
func PermitKey(c string, m int, id string) string {
	return fmt.Sprintf("%s/%s/%02d/%s", c, KindPermit, m, id)
}

// Exit permit statuses.
const (
	PermitPending  = "pending"
	PermitApproved = "approved"
	PermitDenied   = "denied"
	PermitExpired  = "expired"
)

// PermitStatuses lists the accepted exit permit statuses.
var PermitStatuses = []string{PermitPending, PermitApproved, PermitDenied, PermitExpired}

// PermitDenialReasons are the reason codes of a denial, as the reports
// group them.
var PermitDenialReasons = []string{
	"security", "incomplete-documents", "military-service", "court-order",
	"debts-or-fines", "nationality-dispute", "minor-consent", "other",
}

// ExitPermit is one exit permit application, of one traveller or (member 0)
// of the whole case.
type ExitPermit struct {
	Case       string `json:"case"`
	Member     int    `json:"member"`
	ID         string `json:"id"`
	Country    string `json:"country,omitempty"`
	Authority  string `json:"authority"`
	Submitted  Date   `json:"submitted,omitzero"`
	Status     string `json:"status"`
	Decided    Date   `json:"decided,omitzero"`
	ValidFrom  Date   `json:"valid_from,omitzero"`
	ValidUntil Date   `json:"valid_until,omitzero"`
	ReasonCode string `json:"reason_code,omitempty"`
	ReasonText string `json:"reason_text,omitempty"`
}

// Kind implements Record.
func (p *ExitPermit) Kind() string { return KindPermit }

// Key implements Record.
func (p *ExitPermit) Key() string { return PermitKey(p.Case, p.Member, p.ID) }

// CaseNumber implements Record.
func (p *ExitPermit) CaseNumber() string { return p.Case }

// Validate implements Record.
func (p *ExitPermit) Validate() error {
	switch {
	case !ValidCaseNumber(p.Case):
		return Errorf(EINVALID, "case", "case number %q must look like RBA-2026-000123", p.Case)
	case p.Member < 0 || p.Member > 99:
		return Errorf(EINVALID, "member", "member id %d must be 0 (whole case) to 99", p.Member)
	case p.ID == "" || strings.ContainsAny(p.ID, "/ "):
		return Errorf(EINVALID, "id", "permit id %q must be non-empty without spaces or slashes", p.ID)
	case p.Country != "" && !countryRE.MatchString(p.Country):
		return Errorf(EINVALID, "country", "country %q must be a 2- or 3-letter code", p.Country)
	case strings.TrimSpace(p.Authority) == "":
		return Errorf(EINVALID, "authority", "the issuing authority is required")
	case !slices.Contains(PermitStatuses, p.Status):
		return Errorf(EINVALID, "status", "permit status %q must be one of %s", p.Status, strings.Join(PermitStatuses, ", "))
	case p.Status == PermitDenied && !slices.Contains(PermitDenialReasons, p.ReasonCode):
		return Errorf(EINVALID, "reason_code", "a denial needs a reason code, one of %s (got %q)", strings.Join(PermitDenialReasons, ", "), p.ReasonCode)
	case p.Status == PermitDenied && p.ReasonCode == "other" && strings.TrimSpace(p.ReasonText) == "":
		return Errorf(EINVALID, "reason_text", "reason code other needs a reason text")
	case p.Status != PermitDenied && p.ReasonCode != "":
		return Errorf(EINVALID, "reason_code", "a reason code is only recorded for denials (status is %s)", p.Status)
	case p.Status == PermitApproved && p.ValidUntil.IsZero():
		return Errorf(EINVALID, "valid_until", "an approved permit needs its valid-until date")
	case !p.ValidFrom.IsZero() && !p.ValidUntil.IsZero() && p.ValidUntil.Before(p.ValidFrom):
		return Errorf(EINVALID, "valid_until", "valid-until %s is before valid-from %s", p.ValidUntil, p.ValidFrom)
	case !p.Decided.IsZero() && !p.Submitted.IsZero() && p.Decided.Before(p.Submitted):
		return Errorf(EINVALID, "decided", "decided %s is before submitted %s", p.Decided, p.Submitted)
	}
	return nil
}

// ValidOn reports whether the permit is approved and valid on day d.
func (p *ExitPermit) ValidOn(d Date) bool {
	return p.Status == PermitApproved && (p.ValidFrom.IsZero() || !d.Before(p.ValidFrom)) &&
		!p.ValidUntil.IsZero() && !p.ValidUntil.Before(d)
}

// Describe returns a one-line state: "approved, valid to 2026-12-31".
func (p *ExitPermit) Describe() string {
	switch p.Status {
	case PermitApproved:
		return "approved, valid to " + p.ValidUntil.String()
	case PermitDenied:
		s := "denied (" + p.ReasonCode
		if p.ReasonText != "" {
			s += ": " + p.ReasonText
		}
		return s + ")"
	}
	return p.Status
}

// PermitsOf returns the permits that apply to member m: their own and the
// whole case's.
func (f *CaseFile) PermitsOf(m int) []ExitPermit {
	var out []ExitPermit
	for _, p := range f.Permits {
		if p.Member == m || p.Member == 0 {
			out = append(out, p)
		}
	}
	return out
}

// PermitToSet returns the exit permit of member m that a "permit set"
// changes: the recorded one with id, or (id empty) a new application with an
// id made at desk (see NewID), so that two desks recording a permit offline
// keep two. An id this case does not have is refused: only desks make ids.
func (f *CaseFile) PermitToSet(m int, id, desk string) (ExitPermit, error) {
	if m > 0 && f.Traveller(m) == nil {
		return ExitPermit{}, Errorf(ENOTFOUND, "member", "case %s has no traveller %d", f.Case.Number, m)
	}
	var ids []string
	for _, p := range f.Permits {
		if p.Member != m {
			continue
		}
		if id != "" && p.ID == id {
			return p, nil
		}
		ids = append(ids, p.ID)
	}
	if id != "" {
		return ExitPermit{}, Errorf(ENOTFOUND, "id", "case %s has no permit %s of %s (recorded: %s); leave the id out to record a new application",
			f.Case.Number, id, permitHolder(m), orNone(ids))
	}
	id = NewID("P", len(ids)+1, desk, func(x string) bool { return slices.Contains(ids, x) })
	return ExitPermit{Case: f.Case.Number, Member: m, ID: id, Status: PermitPending}, nil
}

// OnlyPermit returns the id of member m's only exit permit, "" when there
// is none, and an error naming them when there are several.
func (f *CaseFile) OnlyPermit(m int) (string, error) {
	var ids []string
	for _, p := range f.Permits {
		if p.Member == m {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) > 1 {
		return "", Errorf(ECONFLICT, "id", "%s has %d permits (%s); say which with its id", permitHolder(m), len(ids), strings.Join(ids, ", "))
	}
	if len(ids) == 1 {
		return ids[0], nil
	}
	return "", nil
}

func permitHolder(m int) string {
	if m == 0 {
		return "the whole case"
	}
	return fmt.Sprintf("traveller %d", m)
}
