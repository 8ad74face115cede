package main

import (
	"crypto/subtle"
	"errors"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"movedesk/store"
	"movedesk/tui"
)

// signInFirst reports whether the app must open behind its sign-in: the
// store has key slots (a plain or key-file store whose users have
// credentials is encrypted first).
func (a *app) signInFirst(cmd *cobra.Command) (bool, error) {
	if err := a.mustExist(cmd); err != nil || a.inApp != nil {
		return false, err
	}
	info, err := store.Peek(a.cfg.Data)
	if err != nil {
		return false, err
	}
	if len(info.Slots) == 0 {
		codec, err := a.codec()
		if err != nil {
			return false, err
		}
		if done, err := a.encryptForUsers(a.cfg.Data, codec); err != nil || !done {
			return false, err
		}
	}
	return true, nil
}

// gateAuth signs users in for the app's gate against the store's slots
// (read from the file before the store is open, from the store after).
type gateAuth struct {
	a   *app
	mu  sync.Mutex
	s   *store.Store
	dk  []byte
	pre map[string][]byte
}

func (g *gateAuth) slots() map[string][]byte {
	g.mu.Lock()
	s := g.s
	g.mu.Unlock()
	if s == nil {
		if info, err := store.Peek(g.a.cfg.Data); err == nil {
			return info.Slots
		}
		return g.pre
	}
	sl, _ := s.Slots()
	return sl
}

// SignIn implements tui.Authenticator.
func (g *gateAuth) SignIn(user, secret string, pin bool) error {
	dk, err := g.a.signIn(g.a.cfg.Data, g.slots(), user, []byte(secret), pin)
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.dk != nil && subtle.ConstantTimeCompare(dk, g.dk) != 1 {
		return errors.New("that slot holds another store's key")
	}
	g.dk = dk
	return nil
}

// HasPIN implements tui.Authenticator.
func (g *gateAuth) HasPIN(user string) bool {
	_, ok := g.slots()[pinSlot(user)]
	return ok
}

// SetPIN implements tui.Authenticator.
func (g *gateAuth) SetPIN(user, pin string) error {
	g.mu.Lock()
	s, dk := g.s, g.dk
	g.mu.Unlock()
	if s == nil {
		return errors.New("not signed in")
	}
	return setPIN(s, dk, user, []byte(pin))
}

// runGated runs the app behind its sign-in: the store opens with the data
// key of the first user to sign in; the sync loop and the command socket
// start then. Each sign-in brings the key slots in line with the users
// the store holds (sync may have brought new ones).
func runGated(a *app) error {
	ga := &gateAuth{a: a}
	var (
		s     *store.Store
		stops []func()
		p     *tea.Program
		base  tui.Options
	)
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
		if s != nil {
			_ = reconcileSlots(s, ga.dk)
			s.Close()
		}
	}()
	open := func(user string) (tea.Model, error) {
		a.cfg.User = user
		a.user.set(user)
		first := s == nil
		if first {
			codec, err := store.NewAESCodec(ga.dk)
			if err != nil {
				return nil, err
			}
			if s, err = hubHint(a.cfg.Data)(store.Open(a.cfg.Data, store.Options{Desk: a.cfg.Desk, Codec: codec})); err != nil {
				return nil, err
			}
			ga.mu.Lock()
			ga.s = s
			ga.mu.Unlock()
			a.dataKey = ga.dk
			syncCh, stopSync, syncNow, err := startSyncLoop(a, s)
			if err != nil {
				return nil, err
			}
			stops = append(stops, stopSync)
			base = tui.Options{Sync: syncCh, SyncNow: syncNow, Hub: a.cfg.Sync.Hub}
		}
		if err := reconcileSlots(s, ga.dk); err != nil {
			return nil, err
		}
		opts, err := tuiOptions(a, s)
		if err != nil {
			return nil, err
		}
		opts.Sync, opts.SyncNow, opts.Hub = base.Sync, base.SyncNow, base.Hub
		opts.LockKey = tui.DefaultSignInKeyMap().Lock.Help().Key
		m, err := tui.New(opts)
		if err != nil {
			return nil, err
		}
		if first {
			stops = append(stops, serveCLI(a, s, opts, p))
		}
		return m, nil
	}
	st, err := tui.DefaultStyles(a.cfg.Theme, noColor(a))
	if err != nil {
		return err
	}
	gate := tui.NewGate(tui.GateOptions{Auth: ga, Open: open, User: a.cfg.User, Where: a.cfg.Data,
		LockAfter: a.cfg.Signin.LockAfter, Keys: tui.DefaultSignInKeyMap(), Styles: st, Now: a.now})
	progOpts := []tea.ProgramOption{tea.WithInput(a.in), tea.WithOutput(a.out)}
	if noColor(a) {
		progOpts = append(progOpts, tea.WithColorProfile(colorprofile.Ascii))
	}
	a.locked = gate.Locked
	a.user = &signedInUser{name: a.cfg.User}
	p = tea.NewProgram(gate, progOpts...)
	_, err = p.Run()
	return err
}
