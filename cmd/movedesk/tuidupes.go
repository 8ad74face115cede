package main

import (
	"movedesk/booking"
	"movedesk/desk"
	"movedesk/tui"
)

// tuiDupes adapts the desk's duplicate check to tui.DuplicateFinder.
type tuiDupes struct{ d *desk.Service }

// dupFormLimit is how many matches a form is given (it shows a few and
// counts the rest).
const dupFormLimit = 20

// FindDuplicates implements tui.DuplicateFinder.
func (t tuiDupes) FindDuplicates(tr booking.Traveller, docs []booking.Document) ([]tui.Duplicate, error) {
	ms, err := t.d.FindDuplicates(tr, docs, dupFormLimit)
	out := make([]tui.Duplicate, len(ms))
	for i, m := range ms {
		out[i] = tui.Duplicate{Case: m.Other.Case, Member: m.Other.Member, Name: m.Other.Name(), Birth: m.Other.Birth,
			Score: m.Score, Reason: m.Reason}
	}
	return out, err
}

// WarmDuplicates implements tui.DuplicateWarmer: the index (seconds and
// tens of MiB at 100k cases) is built when a form that checks opens, so a
// session that enters no traveller never pays for it.
func (t tuiDupes) WarmDuplicates() error { return t.d.WarmDuplicates() }
