package tui

import (
	"fmt"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// env is what every screen shares: keys, styles, the data source, the
// writers, the quoter, the user and the clock.
type env struct {
	keys    *KeyMap
	st      *Styles
	src     Source
	cases   CaseWriter
	abns    ABNDesk
	quoter  Quoter
	user    string
	now     func() time.Time
	actions []CaseAction
	gate    func(f *booking.CaseFile) booking.GateInput
	review  ReviewDesk
	access  AccessDesk
}

// gateInput returns the gate's extra input for f (empty without Options.Gate).
func (e *env) gateInput(f *booking.CaseFile) booking.GateInput {
	if e.gate == nil {
		return booking.GateInput{}
	}
	return e.gate(f)
}

func (e *env) today() booking.Date { return booking.DateOf(e.now()) }

// CaseAction is an extra action of the case view, added by other packages
// through Options.CaseActions (checklists, ...). Run returns the command to
// run for the case file shown, typically one returning a PushMsg.
type CaseAction struct {
	Binding key.Binding
	// Enabled decides whether the action applies to this case (nil: always).
	Enabled func(f *booking.CaseFile) bool
	// Why says, when Enabled is false, why the key does nothing on this
	// case and what would make it work; the footer shows it (nil: a
	// generic sentence).
	Why func(f *booking.CaseFile) string
	Run func(f *booking.CaseFile) tea.Cmd
}

// whyNot is the footer's sentence for action a refused on case file f.
func (a CaseAction) whyNot(f *booking.CaseFile) string {
	if a.Why != nil {
		return a.Why(f)
	}
	return fmt.Sprintf("%s does not apply to %s (%s)", a.Binding.Help().Desc, f.Case.Number, f.Case.Status)
}

// needsBooking is Why for actions that work on a booked case.
func needsBooking(what string) func(f *booking.CaseFile) string {
	return func(f *booking.CaseFile) string {
		return fmt.Sprintf("%s need a booking; %s (%s) has none: b books it", what, f.Case.Number, f.Case.Status)
	}
}

// screenIDs numbers screens so that loads answer the screen that asked
// (atomic: tests build models in parallel).
var screenIDs atomic.Int64

func newScreenID() int { return int(screenIDs.Add(1)) }
