package main

import (
	"os"
	"runtime/debug"
	"sync"

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

// WarmDuplicates implements tui.DuplicateWarmer: the index (about half a
// second and 21 MiB at 100k cases) is built when a form that checks opens,
// so a session that enters no traveller never pays for it. The app's soft
// heap limit is raised for the build (under the old one the collector
// would run without pause through it), then left higher by what the index
// keeps.
func (t tuiDupes) WarmDuplicates() error {
	var err error
	first := false
	dupLimitOnce.Do(func() {
		first = true
		raise := os.Getenv("GOMEMLIMIT") == "" && debug.SetMemoryLimit(-1) == tuiMemoryLimit
		if raise {
			debug.SetMemoryLimit(tuiMemoryLimit + dupBuildAllowance)
		}
		err = t.d.WarmDuplicates()
		if raise {
			debug.SetMemoryLimit(tuiMemoryLimit + max(dupIndexAllowance, t.d.DuplicateIndexBytes()*3/2))
		}
		// The build's garbage (the builder's slices, decoded names) goes
		// back now rather than being held up to the limit.
		debug.FreeOSMemory()
	})
	if first {
		return err
	}
	return t.d.WarmDuplicates()
}

// dupIndexAllowance is the least heap the duplicate index may add to the
// app's (it holds 21 MiB at 100k cases; a bigger one adds half as much
// again); dupBuildAllowance is what its build may use for a moment.
const (
	dupIndexAllowance = 32 << 20
	dupBuildAllowance = 64 << 20
)

var dupLimitOnce sync.Once

// The contacts and log writes of the app (tui.ContactDesk) are kept on the
// undo stack as actions u does not undo, saying what to do instead: u then
// never skips them to undo an older change.

// AddContact implements tui.ContactDesk.
func (t tuiDesk) AddContact(actor, no string, c booking.Contact) (booking.Contact, error) {
	got, err := t.Service.AddContact(actor, no, c)
	return got, t.u.final(no, "contact "+got.ID+" of "+no, "correct it with e or remove it with x (L)", err)
}

// ChangeContact implements tui.ContactDesk.
func (t tuiDesk) ChangeContact(actor, no, id string, c booking.Contact) (booking.Contact, error) {
	got, err := t.Service.ChangeContact(actor, no, id, c)
	return got, t.u.final(no, "the change of contact "+id+" of "+no, "correct it again with e (L)", err)
}

// RemoveContact implements tui.ContactDesk.
func (t tuiDesk) RemoveContact(actor, no, id, reason string) (booking.Contact, error) {
	got, err := t.Service.RemoveContact(actor, no, id, reason)
	return got, t.u.final(no, "the removal of contact "+id+" of "+no, "add the contact again with a (L)", err)
}

// LogComm implements tui.ContactDesk.
func (t tuiDesk) LogComm(actor, no string, e booking.CommEntry) (booking.CommEntry, error) {
	got, err := t.Service.LogComm(actor, no, e)
	return got, t.u.final(no, "log entry "+got.ID+" of "+no, "the log is append-only: correct it with e (L)", err)
}
