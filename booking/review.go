package booking

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// The four-eyes check: where an office's policy (published at the hub)
// names a case's programme, a team leader other than the booking's author
// approves the booking before its ABN is sent. The approval records the
// booking's content hash, so any later change to the booking voids it.

// Record kinds of the four-eyes check.
const (
	// KindReview is a case's review decision (<case>/review).
	KindReview = "review"
	// KindFourEyes is an office's four-eyes policy (~four-eyes/<office>).
	KindFourEyes = "four-eyes"
)

// ReviewDecision is a team leader's decision on a booking.
type ReviewDecision string

// Decisions.
const (
	ReviewApproved ReviewDecision = "approved"
	ReviewRejected ReviewDecision = "rejected"
)

// ReviewState is where a case's active booking stands in review.
type ReviewState string

// Review states.
const (
	// ReviewNone: no active booking to review.
	ReviewNone ReviewState = ""
	// ReviewAwaiting: no decision on the booking as it is now.
	ReviewAwaiting ReviewState = "awaiting"
	// ReviewIsApproved and ReviewIsRejected: a decision on the booking as
	// it is now.
	ReviewIsApproved ReviewState = "approved"
	ReviewIsRejected ReviewState = "rejected"
)

// ReviewKey is the key of case c's review decision.
func ReviewKey(c string) string { return c + "/" + KindReview }

// Review is the latest decision on a case's booking.
type Review struct {
	Case string `json:"case"`
	// Booking and Hash name the booking as it was decided on (BookingHash).
	Booking  string         `json:"booking"`
	Hash     string         `json:"hash"`
	Decision ReviewDecision `json:"decision"`
	// Reason is why it was rejected (required then).
	Reason string    `json:"reason,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at,omitzero"`
	// Author booked it: a rejection sends the case back to them.
	Author string `json:"author,omitempty"`
}

// Kind implements Record.
func (r *Review) Kind() string { return KindReview }

// Key implements Record.
func (r *Review) Key() string { return ReviewKey(r.Case) }

// CaseNumber implements Record.
func (r *Review) CaseNumber() string { return r.Case }

// Validate implements Record.
func (r *Review) Validate() error {
	switch {
	case !ValidCaseNumber(r.Case):
		return Errorf(EINVALID, "case", "bad case number %q", r.Case)
	case r.Booking == "" || r.Hash == "":
		return Errorf(EINVALID, "booking", "a review names the booking and its hash")
	case r.Decision != ReviewApproved && r.Decision != ReviewRejected:
		return Errorf(EINVALID, "decision", "decision %q must be approved or rejected", r.Decision)
	case strings.TrimSpace(r.By) == "":
		return Errorf(EINVALID, "by", "a review names its reviewer")
	case r.Decision == ReviewRejected && strings.TrimSpace(r.Reason) == "":
		return Errorf(EINVALID, "reason", "a rejection needs a reason")
	case len(r.Reason) > 4000:
		return Errorf(EINVALID, "reason", "reason over 4,000 characters")
	}
	return nil
}

// BookingHash is a digest of everything a booking says but its status
// (active or replaced is judged apart): any change voids an approval.
func BookingHash(b *Booking) string {
	c := *b
	c.Status = ""
	data, _ := json.Marshal(&c)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// FourEyesKey is the key of office o's four-eyes policy.
func FourEyesKey(o string) string { return "~" + KindFourEyes + "/" + o }

// FourEyesAll in Programmes puts every programme of the office under the
// check.
const FourEyesAll = "*"

// FourEyes is an office's four-eyes policy: the programmes whose bookings
// a team leader approves before their ABN is sent. Published at the hub,
// it reaches only the office's desks.
type FourEyes struct {
	Office     string    `json:"office"`
	Programmes []string  `json:"programmes"`
	By         string    `json:"by,omitempty"`
	At         time.Time `json:"at,omitzero"`
}

// Kind implements Record.
func (p *FourEyes) Kind() string { return KindFourEyes }

// Key implements Record.
func (p *FourEyes) Key() string { return FourEyesKey(p.Office) }

// CaseNumber implements Record: a shared record.
func (p *FourEyes) CaseNumber() string { return "" }

// Validate implements Record.
func (p *FourEyes) Validate() error {
	if !officeRE.MatchString(p.Office) {
		return Errorf(EINVALID, "office", "office %q must be a 3-letter code", p.Office)
	}
	for _, g := range p.Programmes {
		if g == "" || len(g) > 40 || Printable(g) != g || strings.ContainsAny(g, " ,") {
			return Errorf(EINVALID, "programmes", "programme %q must be 1 to 40 characters without spaces or commas", g)
		}
	}
	return nil
}

// Requires reports whether bookings of programme need approval (a nil
// policy requires none).
func (p *FourEyes) Requires(programme string) bool {
	return p != nil && (slices.Contains(p.Programmes, FourEyesAll) || slices.Contains(p.Programmes, programme))
}

// SharedOffice returns the office a shared record belongs to (an office's
// users, its four-eyes policy), or "" for records every desk receives.
func SharedOffice(key string) string {
	if o := UserOffice(key); o != "" {
		return o
	}
	if rest, ok := strings.CutPrefix(key, "~"+KindFourEyes+"/"); ok {
		return rest
	}
	return ""
}

// ReviewState says where the case's active booking stands in review and
// returns the decision on file (which may be about an earlier booking).
func (f *CaseFile) ReviewState() (ReviewState, *Review) {
	b := f.ActiveBooking()
	if b == nil {
		return ReviewNone, f.Review
	}
	r := f.Review
	if r == nil || r.Booking != b.ID || r.Hash != BookingHash(b) {
		return ReviewAwaiting, r
	}
	if r.Decision == ReviewApproved {
		return ReviewIsApproved, r
	}
	return ReviewIsRejected, r
}

// AwaitingReview reports whether the case is in the Review queue under
// policy p: booked, its programme under the check, no decision on the
// booking as it is.
func (f *CaseFile) AwaitingReview(p *FourEyes) bool {
	if f.Case.Status != StatusBooked || !p.Requires(f.Case.Programme) {
		return false
	}
	st, _ := f.ReviewState()
	return st == ReviewAwaiting
}

// CheckFourEyes is the four-eyes rule: under policy p, an ABN issue or
// update of the case is sent only when a team leader approved its active
// booking as it is now. The desk judges it before sending, and the store
// on every path (rule "four-eyes"), the hub included.
func (f *CaseFile) CheckFourEyes(p *FourEyes) error {
	if !p.Requires(f.Case.Programme) {
		return nil
	}
	st, r := f.ReviewState()
	switch st {
	case ReviewNone, ReviewIsApproved:
		return nil
	case ReviewIsRejected:
		return Errorf(ECONFLICT, "review", "the booking was rejected by %s: %s (four-eyes check; change the booking for a new review)",
			r.By, r.Reason)
	}
	if r != nil && r.Decision == ReviewApproved {
		return Errorf(ECONFLICT, "review", "the booking changed since %s approved it and awaits approval again (four-eyes check)", r.By)
	}
	return Errorf(ECONFLICT, "review", "the booking awaits a team leader's approval (four-eyes check of programme %s)", f.Case.Programme)
}

// Decide records a team leader's decision on the case's active booking: by
// approves it (never their own booking: four eyes) or rejects it with a
// reason, which sends the case back to the booking's author (assigned to
// them). It returns the records to write in one transaction.
func (f *CaseFile) Decide(d ReviewDecision, by, reason string, at time.Time) ([]Record, error) {
	by, reason = strings.TrimSpace(by), strings.TrimSpace(reason)
	b := f.ActiveBooking()
	switch {
	case f.Case.Status != StatusBooked:
		return nil, Errorf(ECONFLICT, "status", "case %s is %s; a booking is reviewed while the case is booked and its ABN not yet sent", f.Case.Number, f.Case.Status)
	case b == nil:
		return nil, Errorf(ECONFLICT, "booking", "case %s has no active booking to review", f.Case.Number)
	case d == ReviewRejected && reason == "":
		return nil, Errorf(EINVALID, "reason", "a rejection needs a reason (what the associate must change)")
	}
	if err := checkApprover(b, d, by); err != nil {
		return nil, err
	}
	st, cur := f.ReviewState()
	if (st == ReviewIsApproved && d == ReviewApproved) || (st == ReviewIsRejected && d == ReviewRejected) {
		return nil, Errorf(ECONFLICT, "decision", "the booking of case %s was already %s by %s", f.Case.Number, cur.Decision, cur.By)
	}
	r := &Review{Case: f.Case.Number, Booking: b.ID, Hash: BookingHash(b), Decision: d, By: by, At: at.UTC().Truncate(time.Second), Author: b.BookedBy}
	if d == ReviewRejected {
		r.Reason = reason
	}
	recs := []Record{r}
	if d == ReviewRejected && b.BookedBy != "" && f.Case.Assignee != b.BookedBy {
		c := f.Case
		c.Assignee = b.BookedBy
		recs = append(recs, &c)
	}
	return recs, nil
}

// checkApprover: nobody approves a booking they made.
func checkApprover(b *Booking, d ReviewDecision, by string) error {
	if d == ReviewApproved && b.BookedBy != "" && strings.EqualFold(b.BookedBy, by) {
		return Errorf(EFORBIDDEN, "by", "four-eyes check: %s may not approve their own booking", by)
	}
	return nil
}

// ruleFourEyes: an ABN issue or update is marked sent only with a valid
// approval where the office's policy asks for one, and an approval never
// comes from the booking's author. Judged where w.FourEyes is set: local
// writes and the hub (a desk merging the hub's answer takes the hub's
// judgement); not in a snapshot.
func ruleFourEyes(w Write, _ WriteRules) error {
	if w.FourEyes == nil || w.File == nil || w.Snapshot {
		return nil // a snapshot (restore) takes records as they were
	}
	switch r := w.New.(type) {
	case *ABN:
		if !r.Sent || (r.Type != ABNIssue && r.Type != ABNUpdate) {
			return nil
		}
		f, err := w.File()
		if err != nil {
			return err
		}
		for _, a := range f.ABNs {
			if a.Key() == r.Key() && a.Sent {
				return nil // sent before: not this write's doing
			}
		}
		p, err := w.FourEyes(f.Case.Office)
		if err != nil {
			return err
		}
		return f.CheckFourEyes(p)
	case *Review:
		if r.Decision != ReviewApproved {
			return nil
		}
		f, err := w.File()
		if err != nil {
			return err
		}
		for i := range f.Bookings {
			if f.Bookings[i].ID == r.Booking {
				return checkApprover(&f.Bookings[i], r.Decision, r.By)
			}
		}
		return Errorf(ENOTFOUND, "booking", "case %s has no booking %s to approve", r.Case, r.Booking)
	}
	return nil
}
