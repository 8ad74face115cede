package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"movedesk/desk"
	"movedesk/store"
)

// newDesk returns the use-case layer over s, judging with the configured
// rules and templates. A warning about the templates the hub published is
// printed once here.
// deskConfig is what the use-case layer judges with, from the configuration.
func (a *app) deskConfig() desk.Config {
	return desk.Config{Rules: a.cfg.Rules, Templates: a.cfg.Templates, Programmes: a.cfg.Programmes, Now: a.now}
}

func (a *app) newDesk(s *store.Store) (*desk.Service, error) {
	if a.inApp != nil && s == a.inApp.s {
		return a.inApp.d, nil // the app's, with its clock and caches
	}
	d := desk.New(s, a.deskConfig())
	_, warn, err := d.Templates()
	if err != nil {
		return nil, err
	}
	if warn != "" && a.err != nil {
		fmt.Fprintln(a.err, "warning:", warn)
	}
	return d, nil
}

// withDesk runs fn with the use-case layer over the existing store opened
// for writing, then closes it.
func (a *app) withDesk(cmd *cobra.Command, fn func(d *desk.Service) error) error {
	return a.withWrite(cmd, func(s *store.Store) error {
		d, err := a.newDesk(s)
		if err != nil {
			return err
		}
		return fn(d)
	})
}

// withReadDesk is withDesk over the store opened read-only: for what the
// desk computes (gate, ranking, quotes), never for writes.
func (a *app) withReadDesk(cmd *cobra.Command, fn func(d *desk.Service) error) error {
	return a.withRead(cmd, func(s *store.Store) error {
		d, err := a.newDesk(s)
		if err != nil {
			return err
		}
		return fn(d)
	})
}
