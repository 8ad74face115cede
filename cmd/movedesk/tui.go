package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"movedesk/booking"
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
	s, err := a.openExisting(cmd)
	if err != nil {
		return err
	}
	defer s.Close()
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
	_, err = tea.NewProgram(m, progOpts...).Run()
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
	q, err := newQuoter(s, a.cfg.Rules)
	if err != nil {
		return tui.Options{}, err
	}
	actions, err := checklistActions(a, s, keys, st)
	if err != nil {
		return tui.Options{}, err
	}
	gate, err := a.gateFunc(s)
	if err != nil {
		return tui.Options{}, err
	}
	return tui.Options{
		Source: storeSource{s}, Quoter: q, User: a.cfg.User, Office: a.cfg.Office,
		Keys: keys, Styles: st, Changes: s.Changes(), CaseActions: actions, Gate: gate,
		Conflicts: storeConflicts{s},
	}, nil
}

func configName(a *app) string {
	if a.cfg.File != "" {
		return a.cfg.File
	}
	return "config"
}

// storeSource adapts *store.Store to tui.Source.
type storeSource struct{ s *store.Store }

func (ss storeSource) Rows() ([]booking.Summary, error)           { return ss.s.AllRows() }
func (ss storeSource) Summary(no string) (booking.Summary, error) { return ss.s.Summary(no) }
func (ss storeSource) CaseFile(no string) (*booking.CaseFile, error) {
	return ss.s.CaseFile(no)
}
func (ss storeSource) FindByABN(abn string) (string, error) { return ss.s.FindByABN(abn) }

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

func (ss storeSource) Update(actor string, fn func(tx tui.Tx) error) error {
	return ss.s.Update(actor, func(tx *store.Tx) error { return fn(tx) })
}

// storeConflicts adapts *store.Store to tui.ConflictSource, with the same
// calls as `movedesk conflicts list|resolve`.
type storeConflicts struct{ s *store.Store }

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
	return sc.s.Update(actor, func(tx *store.Tx) error {
		_, err := tx.ResolveConflict(id, take)
		return err
	})
}

// storeQuoter adapts the tariff engine to tui.Quoter. It follows the active
// version, so a version the hub publishes is used as soon as sync brings it.
type storeQuoter struct {
	s     *store.Store
	rules tariffs.Rules

	mu      sync.Mutex
	version string // active version loaded
	set     *tariffs.Set
}

// newQuoter loads the active tariff version from the open store (or the
// embedded tables when none was activated).
func newQuoter(s *store.Store, rules tariffs.Rules) (*storeQuoter, error) {
	q := &storeQuoter{s: s, rules: rules}
	if _, err := q.current(); err != nil {
		return nil, err
	}
	return q, nil
}

// current returns the active table set, loading it when the active version
// changed since the last call. A version that does not parse is an error on
// first load; later, the set in use is kept.
func (q *storeQuoter) current() (*tariffs.Set, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var act tariffs.ActiveRecord
	var rec *tariffs.SetRecord
	err := q.s.View(func(tx *store.Tx) error {
		if _, err := tx.Get(tariffs.ActiveKey, &act); err != nil {
			return err
		}
		if act.Version == "" {
			act.Version = tariffs.EmbeddedVersion
		}
		if q.set != nil && act.Version == q.version || act.Version == tariffs.EmbeddedVersion {
			return nil
		}
		rec = &tariffs.SetRecord{}
		ok, err := tx.Get(tariffs.SetKey(act.Version), rec)
		if !ok {
			rec = nil
		}
		return err
	})
	if err == nil && (q.set == nil || act.Version != q.version) {
		var set *tariffs.Set
		if rec != nil {
			set, err = rec.Set()
			if err != nil {
				err = fmt.Errorf("active tariff version %s does not parse: %w", act.Version, err)
			}
		} else {
			// No such version stored: the embedded tables, as before activation.
			set, err = tariffs.Embedded()
		}
		if err == nil {
			q.set, q.version = set, act.Version
		}
	}
	if err != nil && q.set != nil {
		return q.set, nil
	}
	return q.set, err
}

func (q *storeQuoter) Quote(req tui.QuoteRequest) tui.Quote {
	set, _ := q.current() // loaded once at start, so never nil
	res := tariffs.Quote(set, tariffs.QuoteRequest{
		Segments: req.Segments, Travellers: req.Travellers, Documents: req.Documents,
		Programme: req.Programme, BookingDate: req.BookingDate, BookedAt: time.Now(),
		EscortSeats: req.EscortSeats, Rules: &q.rules,
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
