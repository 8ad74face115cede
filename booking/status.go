package booking

import (
	"slices"
	"strings"
)

// Status is where a case stands between request and departure.
type Status string

// Case statuses, in their usual order.
const (
	StatusReceived      Status = "received"
	StatusDataEntry     Status = "data-entry"
	StatusTravelReady   Status = "travel-ready"
	StatusBooked        Status = "booked"
	StatusABNSent       Status = "abn-sent"
	StatusReadyToDepart Status = "ready-to-depart"
	StatusDeparted      Status = "departed"
	StatusOnHold        Status = "on-hold"
	StatusCancelled     Status = "cancelled"
)

// Statuses lists every status in display order.
var Statuses = []Status{
	StatusReceived, StatusDataEntry, StatusTravelReady, StatusBooked, StatusABNSent,
	StatusReadyToDepart, StatusDeparted, StatusOnHold, StatusCancelled,
}

// forward holds the ordinary moves; on-hold and cancelled are added by rule.
// The backward moves let a rebooking reopen an earlier step.
var forward = map[Status][]Status{
	StatusReceived:      {StatusDataEntry},
	StatusDataEntry:     {StatusTravelReady},
	StatusTravelReady:   {StatusBooked},
	StatusBooked:        {StatusABNSent, StatusTravelReady},
	StatusABNSent:       {StatusReadyToDepart, StatusBooked},
	StatusReadyToDepart: {StatusDeparted, StatusABNSent},
}

// ParseStatus checks s names a status.
func ParseStatus(s string) (Status, error) {
	st := Status(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Statuses, st) {
		return st, nil
	}
	return "", Errorf(EINVALID, "status", "unknown status %q (valid: %s)", s, joinStatuses(Statuses))
}

// Terminal reports whether no move leaves s.
func (s Status) Terminal() bool { return s == StatusDeparted || s == StatusCancelled }

// Allowed returns the statuses a case in status s may move to. heldFrom is the
// status a case on hold came from (it may only go back there, or be cancelled).
func Allowed(s, heldFrom Status) []Status {
	switch {
	case s.Terminal():
		return nil
	case s == StatusOnHold:
		if heldFrom == "" {
			heldFrom = StatusReceived
		}
		return []Status{heldFrom, StatusCancelled}
	}
	out := slices.Clone(forward[s])
	return append(out, StatusOnHold, StatusCancelled)
}

// Transition moves c to status to, checking the state machine. Cancelling and
// holding need a reason. It does not check the ready-to-depart gate; see
// CaseFile.MoveTo.
func (c *Case) Transition(to Status, reason string) error {
	allowed := Allowed(c.Status, c.HeldFrom)
	if !slices.Contains(allowed, to) {
		if len(allowed) == 0 {
			return Errorf(ECONFLICT, "status", "case %s is %s; no further status change is possible", c.Number, c.Status)
		}
		return Errorf(ECONFLICT, "status", "cannot move case %s from %s to %s (allowed: %s)", c.Number, c.Status, to, joinStatuses(allowed))
	}
	reason = strings.TrimSpace(reason)
	if (to == StatusCancelled || to == StatusOnHold) && reason == "" {
		return Errorf(EINVALID, "reason", "moving case %s to %s needs a reason", c.Number, to)
	}
	switch to {
	case StatusOnHold:
		c.HeldFrom = c.Status
	default:
		c.HeldFrom = ""
	}
	c.StatusReason = reason
	c.Status = to
	return nil
}

func joinStatuses(ss []Status) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}
