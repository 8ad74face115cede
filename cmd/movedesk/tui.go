package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/desk"
	"movedesk/store"
	"movedesk/tariffs"
	"movedesk/tui"
)

// runTUI opens the terminal app on the store in --data. Only this file knows
// the concrete store and tariff types; it adapts them to tui's interfaces.
func runTUI(a *app, cmd *cobra.Command) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		// The queue holds every row in memory; a soft limit keeps the
		// garbage of loading them from doubling the resident size.
		debug.SetMemoryLimit(tuiMemoryLimit)
	}
	if gated, err := a.signInFirst(cmd); err != nil || gated {
		if err != nil || !gated {
			return err
		}
		return runGated(a)
	}
	s, done, err := a.openExisting(cmd)
	if err != nil {
		return err
	}
	defer done()
	opts, err := tuiOptions(a, s)
	if err != nil {
		return err
	}
	var stopSync func()
	if opts.Sync, stopSync, opts.SyncNow, err = startSyncLoop(a, s); err != nil {
		return err
	}
	opts.Hub = a.cfg.Sync.Hub
	defer stopSync()
	m, err := tui.New(opts)
	if err != nil {
		return err
	}
	progOpts := []tea.ProgramOption{tea.WithInput(a.in), tea.WithOutput(a.out)}
	if noColor(a) {
		progOpts = append(progOpts, tea.WithColorProfile(colorprofile.Ascii))
	}
	p := tea.NewProgram(m, progOpts...)
	defer serveCLI(a, s, opts, p)()
	_, err = p.Run()
	return err
}

// tuiMemoryLimit is the soft heap limit of the app (GOMEMLIMIT overrides).
const tuiMemoryLimit = 96 << 20

// noColor reports whether colour is off: --no-color, no_color in the config,
// or NO_COLOR with any non-empty value.
func noColor(a *app) bool { return a.cfg.NoColor || os.Getenv("NO_COLOR") != "" }

// tuiOptions builds the app's options from the configuration and the store.
func tuiOptions(a *app, s *store.Store) (tui.Options, error) {
	keys := tui.DefaultKeyMap()
	if err := keys.Override(a.cfg.Keys); err != nil {
		return tui.Options{}, fmt.Errorf("%s: %w", configName(a), err)
	}
	st, err := tui.DefaultStyles(a.cfg.Theme, noColor(a))
	if err != nil {
		return tui.Options{}, fmt.Errorf("%s: theme: %w", configName(a), err)
	}
	d, err := a.newDesk(s)
	if err != nil {
		return tui.Options{}, err
	}
	// The app prices as the user types: the active tables must parse.
	if _, err := d.Tariffs(); err != nil {
		return tui.Options{}, err
	}
	td := tuiDesk{d, newUndoLog(d)}
	return tui.Options{
		Source: storeSource{s}, Cases: td, ABNs: td, Quoter: td, User: a.cfg.User, Office: a.cfg.Office,
		Keys: keys, Styles: st, Changes: s.Changes(), CaseActions: caseActions(a, s, td, keys, st), Gate: d.GateInput,
		Conflicts: storeConflicts{s, d, td.u}, Now: a.now, Editor: td, Reports: &storeReports{a: a, s: s, d: d},
		Undo: td.u, Team: tuiTeam{td}, Review: tuiReview{td}, Dupes: tuiDupes{d},
		Flights: storeFlights{s: s, d: d, dir: s.Dir()}, Access: tuiAccess{d},
	}, nil
}

// tuiAccess adapts the use-case layer's access log to tui.AccessDesk.
type tuiAccess struct{ d *desk.Service }

func (ta tuiAccess) NoteAccess(actor, no, what string) error { return ta.d.NoteAccess(actor, no, what) }

func (ta tuiAccess) AccessLog(actor, no string) ([]tui.AccessEntry, error) {
	ents, err := ta.d.AccessLog(actor, store.AccessFilter{Case: no, Limit: 5000})
	if err != nil {
		return nil, err
	}
	out := make([]tui.AccessEntry, len(ents))
	for i, e := range ents {
		out[i] = tui.AccessEntry{At: e.At, User: e.User, Case: e.Case, What: e.What}
	}
	return out, nil
}

func configName(a *app) string {
	if a.cfg.File != "" {
		return a.cfg.File
	}
	return "config"
}

// storeSource adapts *store.Store to tui.Source (and tui.RowChanges).
type storeSource struct{ s *store.Store }

var _ tui.RowChanges = storeSource{}

func (ss storeSource) Rows() ([]booking.Summary, error)           { return ss.s.AllRows() }
func (ss storeSource) Summary(no string) (booking.Summary, error) { return ss.s.Summary(no) }
func (ss storeSource) CaseFile(no string) (*booking.CaseFile, error) {
	return ss.s.CaseFile(no)
}
func (ss storeSource) FindByABN(abn string) (string, error) { return ss.s.FindByABN(abn) }

// RowGen and RowsChangedSince let the queue read only the rows a sync or
// another command changed (tui.RowChanges).
func (ss storeSource) RowGen() uint64 { return ss.s.RowGen() }
func (ss storeSource) RowsChangedSince(gen uint64) ([]string, uint64, bool) {
	return ss.s.RowsChangedSince(gen)
}

func (ss storeSource) History(no string) ([]tui.HistoryEntry, error) {
	ops, err := ss.s.History(no)
	if err != nil {
		return nil, err
	}
	out := make([]tui.HistoryEntry, len(ops))
	for i, op := range ops {
		f := make(map[string]string, len(op.Fields))
		for k, v := range op.Fields {
			f[k] = string(v)
		}
		out[i] = tui.HistoryEntry{Actor: op.Actor, When: op.HLC.Time(), Kind: op.Kind, Key: op.Key, Fields: f}
	}
	return out, nil
}

// storeConflicts adapts the store and the desk to tui.ConflictSource, with
// the same calls as `movedesk conflicts list|resolve`.
type storeConflicts struct {
	s *store.Store
	d *desk.Service
	u *undoLog
}

func (sc storeConflicts) Conflicts() ([]tui.ConflictView, error) {
	cs, err := sc.s.Conflicts(false)
	out := make([]tui.ConflictView, len(cs))
	side := func(sd store.Side) tui.ConflictSide {
		return tui.ConflictSide{Value: string(sd.Value), Actor: sd.Actor, Desk: sd.Desk, When: sd.HLC.Time()}
	}
	for i, c := range cs {
		no, kind := booking.SplitKey(c.Key)
		rec := c.Key // a record outside cases: its whole key
		if rest, ok := strings.CutPrefix(c.Key, no+"/"); ok && no != "" {
			rec = rest
		} else if no != "" {
			rec = kind
		}
		out[i] = tui.ConflictView{ID: c.ID, Case: no, Record: rec, Field: c.Field,
			Winner: side(c.Winner), Loser: side(c.Loser), At: c.At}
	}
	return out, err
}

func (sc storeConflicts) Resolve(actor, id, take string) error {
	c, err := sc.d.ResolveConflict(actor, id, take)
	no, _ := booking.SplitKey(c.Key)
	return sc.u.final(no, "a conflict resolution", "irreversible", err)
}

// tuiDesk adapts *desk.Service to the tui's use-case interfaces
// (CaseWriter, ABNDesk, Quoter, ChecklistDesk, EscortDesk, PermitDesk,
// CustodyDesk): the app and the CLI make the same calls.
type tuiDesk struct {
	*desk.Service
	u *undoLog // nil: nothing is kept for undo
}

// Book implements tui.CaseWriter.
func (t tuiDesk) Book(actor, no string, b booking.Booking, confirm bool) (booking.Booking, error) {
	res, err := t.Service.Book(actor, no, b, confirm)
	if err == nil && res.Saved {
		_ = t.u.final(no, "the booking of "+no, "book again with b", nil)
	}
	if err != nil {
		return booking.Booking{}, err
	}
	return *res.Booking, nil
}

// Quote implements tui.Quoter with the active tariff version, which
// follows what sync brings.
func (t tuiDesk) Quote(req tui.QuoteRequest) tui.Quote {
	res := t.Service.Quote(tariffs.QuoteRequest{
		Segments: req.Segments, Travellers: req.Travellers, Documents: req.Documents,
		Programme: req.Programme, BookingDate: req.BookingDate, BookedAt: time.Now(),
		EscortSeats: req.EscortSeats,
	})
	out := tui.Quote{Version: res.Version, TotalUSD: res.TotalUSD, Priced: res.Priced()}
	for _, p := range res.Passengers {
		out.Lines = append(out.Lines, tui.FareLine{Traveller: p.Traveller, Escort: p.Escort, Name: p.Name,
			PaxType: p.FarePax, USD: p.USD, Priced: p.Priced})
	}
	for _, f := range res.Findings {
		out.Findings = append(out.Findings, tui.Finding{Code: f.Code, Blocking: f.Severity == tariffs.Blocking,
			Traveller: f.Traveller, Segment: f.Segment, Escort: f.Escort, Message: f.Message})
	}
	return out
}

// ToggleItem implements tui.ChecklistDesk.
func (t tuiDesk) ToggleItem(actor, no, list, key string) (booking.Record, error) {
	c, _, rec, err := t.TrackToggle(actor, no, list, key)
	if err == nil && t.u != nil {
		t.u.push(undoEntry{no: no, c: c})
	}
	return rec, err
}

// Rank implements tui.EscortDesk as `escort list --case` does.
func (t tuiDesk) Rank(no string) ([]booking.EscortCandidate, error) { return t.RankEscorts(no) }

// Assign implements tui.EscortDesk as `escort assign` does.
func (t tuiDesk) Assign(actor, no, id string, ret []booking.Segment) (*booking.EscortTrip, []booking.EscortProblem, error) {
	trip, probs, err := t.AssignEscort(actor, desk.EscortRequest{Case: no, Escort: id, Return: ret})
	return trip, probs, t.u.final(no, "the escort trip of "+no, "records are never deleted", err)
}

// SetPermit implements tui.PermitDesk as `permit set` does.
func (t tuiDesk) SetPermit(actor, no string, member int, id string, p tui.PermitPatch) (booking.ExitPermit, error) {
	var out booking.ExitPermit
	err := t.u.track(actor, no, func() (err error) {
		out, err = t.Service.SetPermit(actor, no, member, id, desk.PermitPatch(p))
		return err
	})
	return out, err
}

// NewCase implements tui.CaseEditor.
func (t tuiDesk) NewCase(actor, office string, c booking.Case, pa booking.Traveller) (string, error) {
	no, err := t.Service.NewCase(actor, office, c, pa)
	return no, t.u.final(no, "opening "+no, "cancel it with m", err)
}

// SetFields implements tui.CaseEditor as `case set` does.
func (t tuiDesk) SetFields(actor, no string, ch []tui.FieldChange) error {
	as := make([]store.Assignment, len(ch))
	for i, c := range ch {
		as[i] = store.Assignment{Path: c.Path, Value: c.Value}
	}
	return t.u.track(actor, no, func() error { return t.Service.SetFields(actor, no, as) })
}

// SetCounselling implements tui.CaseEditor as `counselling set` does.
func (t tuiDesk) SetCounselling(actor, no string, p tui.CounsellingPatch) error {
	return t.u.track(actor, no, func() error {
		_, err := t.Service.SetCounselling(actor, no, desk.CounsellingPatch(p))
		return err
	})
}
