package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/desk"
	"movedesk/desksync"
	"movedesk/store"
	"movedesk/tariffs"
	"movedesk/tui"
)

// newCentralServeCmd: `movedesk serve`, the hub.
func newCentralServeCmd(a *app) *cobra.Command {
	var addr, cert, key, logPath string
	var logMax int64
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the central hub that desks sync with",
		Long: `serve runs the central office hub over the store in --data. Desks sync with
POST /v1/sync using tokens from ` + "`movedesk hub desk add`" + `. SIGTERM or SIGINT stops it
gracefully: syncs in flight finish, and every acknowledged change is committed.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (cert == "") != (key == "") {
				return usageError{errors.New("--tls-cert and --tls-key go together")}
			}
			if err := a.load(cmd); err != nil {
				return err
			}
			if cert == "" {
				// The certificate `movedesk hub cert` made, if any.
				c, k := filepath.Join(a.cfg.Data, central.CertFile), filepath.Join(a.cfg.Data, central.KeyFile)
				if _, err := os.Stat(c); err == nil {
					cert, key = c, k
				}
			}
			codec, err := a.codec()
			if err != nil {
				return err
			}
			s, err := store.Open(a.cfg.Data, store.Options{Desk: "hub", Codec: codec})
			if err != nil {
				return err
			}
			defer s.Close()
			// The hub judges desks' ops with the office's rules.
			s.SetWriteRules(booking.WriteRules{DepartureToleranceDays: a.cfg.Rules.DepartureToleranceDays})
			// Its report rows keep the gate as `hub report` judges it.
			desk.JudgeReportRows(s, a.deskConfig())
			h := central.New(s, a.cfg.Data)
			h.Limits = central.Limits(a.cfg.Serve)
			if cmd.Flags().Changed("log-max") {
				h.Limits.LogMax = logMax
			}
			// The log is a file capped by rotation unless asked for on
			// stderr (a service manager's journal caps it there).
			var lg *log.Logger
			if logPath != "-" {
				if logPath == "" {
					logPath = filepath.Join(a.cfg.Data, "hub.log")
				}
				lim := h.Limits.WithDefaults()
				lf, err := central.OpenLogFile(logPath, lim.LogMax, lim.LogKeep)
				if err != nil {
					return fmt.Errorf("hub log: %w", err)
				}
				defer lf.Close()
				lg = log.New(lf, "", log.LstdFlags)
				h.Log = lg.Printf
			}
			if a.cfg.KeyFile == "" {
				fmt.Fprintf(a.err, "warning: no key_file: the hub store %s will hold the cases' personal data (names, birth dates, passport numbers) in clear on this disk; "+
					"give the hub a key (`movedesk key new --out FILE`, then key_file in its config) before the first desk syncs\n", filepath.Join(a.cfg.Data, store.FileName))
			}
			// Publications and the desks' last syncs, until the hub stops
			// (before the store closes).
			bgStop, bgDone := make(chan struct{}), make(chan struct{})
			go func() { h.Background(bgStop, time.Second); close(bgDone) }()
			defer func() { close(bgStop); <-bgDone }()
			ln, err := central.Listen(addr, h.Limits)
			if err != nil {
				return err
			}
			srv := h.HTTPServer(addr)
			srv.ErrorLog = lg // the server's own lines too (TLS handshakes)
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			scheme := "http"
			if cert != "" {
				scheme = "https"
			}
			printf(cmd.OutOrStdout(), "movedesk hub on %s://%s (data %s, store desk %s)\n", scheme, addr, a.cfg.Data, s.Desk())
			if lg != nil {
				lim := h.Limits.WithDefaults()
				printf(cmd.OutOrStdout(), "log: %s (rotated at %d MiB, %d old files kept; --log - for stderr)\n", logPath, lim.LogMax>>20, lim.LogKeep)
			}
			if cert == "" {
				if host, _, _ := net.SplitHostPort(addr); !isLoopback(host) {
					fmt.Fprintln(a.err, "warning: plain HTTP on a network address; desks refuse it unless sync.allow_plain_http is set. `movedesk hub cert` makes a certificate.")
				}
			}
			err = central.Serve(ctx, srv, ln, cert, key)
			fmt.Fprintln(cmd.OutOrStdout(), "hub stopped")
			return err
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8470", "listen address")
	c.Flags().StringVar(&cert, "tls-cert", "", "TLS certificate file (with --tls-key: serve HTTPS)")
	c.Flags().StringVar(&key, "tls-key", "", "TLS key file")
	c.Flags().StringVar(&logPath, "log", "", "the hub's log FILE (mode 0600), rotated at serve.log_max bytes with serve.log_keep old files; - for stderr (default: hub.log in --data)")
	c.Flags().Int64Var(&logMax, "log-max", central.DefaultLogMax, "size at which the log rotates (default: serve.log_max)")
	return c
}

// newCentralHubCmd: `movedesk hub desk add|list|revoke`.
func newCentralHubCmd(a *app) *cobra.Command {
	hub := &cobra.Command{Use: "hub", Short: "Administer the central hub: desk registry, publications"}
	desk := &cobra.Command{Use: "desk", Short: "Register, list and revoke desks"}
	dataDir := func(cmd *cobra.Command) (string, error) {
		if err := a.load(cmd); err != nil {
			return "", err
		}
		return a.cfg.Data, nil
	}
	var officeCode, name string
	add := &cobra.Command{
		Use:   "add",
		Short: "Register a desk and print its token (shown once)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if officeCode == "" || name == "" {
				return usageError{errors.New("usage: movedesk hub desk add --office CODE --name NAME")}
			}
			dir, err := dataDir(cmd)
			if err != nil {
				return err
			}
			tok, err := central.AddDesk(dir, officeCode, name)
			if err != nil {
				return err
			}
			printf(cmd.OutOrStdout(), "desk %s (office %s) registered; its token, shown only now:\n%s\n", name, officeCode, tok)
			return nil
		},
	}
	add.Flags().StringVar(&officeCode, "office", "", "office code of the desk (e.g. RBA)")
	add.Flags().StringVar(&name, "name", "", "desk name")
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List registered desks",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := dataDir(cmd)
			if err != nil {
				return err
			}
			ds, err := central.ListDesks(dir)
			if err != nil {
				return err
			}
			seen, err := central.ReadSeen(dir)
			if err != nil {
				return err
			}
			type deskView struct {
				central.Desk
				LastSync *central.Seen `json:"last_sync,omitempty"`
			}
			views := []deskView{}
			for _, d := range ds {
				v := deskView{Desk: d}
				if s, ok := seen[d.Name]; ok {
					v.LastSync = &s
				}
				views = append(views, v)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), views)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tOFFICE\tCREATED\tLAST SYNC\tSTATE")
			now := time.Now()
			for _, v := range views {
				state := "active"
				if v.Revoked != nil {
					state = "revoked " + v.Revoked.Local().Format("2006-01-02 15:04")
				}
				last := "never"
				if v.LastSync != nil {
					last = v.LastSync.At.Local().Format("2006-01-02 15:04") + " (" + ago(now.Sub(v.LastSync.At)) + ")"
					if v.LastSync.Behind > 0 {
						last += fmt.Sprintf(", %d behind", v.LastSync.Behind)
					}
				}
				printf(tw, "%s\t%s\t%s\t%s\t%s\n", v.Name, v.Office, v.Created.Local().Format("2006-01-02"), last, state)
			}
			return tw.Flush()
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	revoke := &cobra.Command{
		Use:   "revoke NAME",
		Short: "Revoke a desk's token (takes effect on its next request)",
		Args:  exactArgs(1, "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := dataDir(cmd)
			if err != nil {
				return err
			}
			if err := central.RevokeDesk(dir, args[0]); err != nil {
				return err
			}
			printf(cmd.OutOrStdout(), "desk %s revoked\n", args[0])
			return nil
		},
	}
	desk.AddCommand(add, list, revoke)
	var hosts []string
	var valid time.Duration
	var force bool
	cert := &cobra.Command{
		Use:   "cert --host NAME[,IP...]",
		Short: "Make the hub's TLS certificate (serve uses it; desks trust it with sync.ca_file)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := dataDir(cmd)
			if err != nil {
				return err
			}
			if len(hosts) == 0 {
				return usageError{errors.New("usage: movedesk hub cert --host hub.example.org[,10.0.0.5]")}
			}
			c, k, err := central.NewCert(dir, hosts, valid, force)
			if err != nil {
				return err
			}
			printf(a.out, "certificate %s (key %s, kept private), valid until %s for %s\n", c, k,
				time.Now().Add(valid).Format("2006-01-02"), strings.Join(hosts, ", "))
			printf(a.out, "serve now uses it; copy %s to each desk and set sync.ca_file to it, and sync.hub to https://%s:PORT\n", c, hosts[0])
			return nil
		},
	}
	cert.Flags().StringSliceVar(&hosts, "host", nil, "host names or IP addresses desks use to reach the hub")
	cert.Flags().DurationVar(&valid, "valid", 2*365*24*time.Hour, "how long the certificate is valid")
	cert.Flags().BoolVar(&force, "force", false, "replace an existing certificate")
	var out string
	var wait time.Duration
	backup := &cobra.Command{
		Use:   "backup --out FILE",
		Short: "Write a consistent copy of the hub store, also while the hub runs",
		Long: `backup writes a consistent copy of the hub store to FILE (mode 0600), also
while the hub runs (it makes the copy from one read transaction, between
syncs). FILE must not exist, and must be outside the hub's data directory. To restore, stop the hub and put the file as movedesk.db in the data
directory. An encrypted store's copy needs the same key_file.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageError{errors.New("usage: movedesk hub backup --out FILE")}
			}
			if err := a.load(cmd); err != nil {
				return err
			}
			abs, err := filepath.Abs(out)
			if err != nil {
				return err
			}
			if err := central.CheckBackupPath(a.cfg.Data, abs); err != nil {
				return err
			}
			return a.publish(cmd, &central.Publication{Actor: a.cfg.User, Backup: abs}, wait)
		},
	}
	backup.Flags().StringVar(&out, "out", "", "backup file to write")
	backup.Flags().DurationVar(&wait, "wait", 5*time.Minute, "how long to wait for a running hub to write it")
	hub.AddCommand(desk, cert, backup, newHubPublishCmd(a), newHubReportCmd(a), newHubUserCmd(a))
	return hub
}

// newCentralSyncCmd: `movedesk sync`, one sync with the hub.
func newCentralSyncCmd(a *app) *cobra.Command {
	var hubURL, token, tokenFile, caFile string
	var quiet bool
	c := &cobra.Command{
		Use:   "sync",
		Short: "Sync this desk with the central hub once (a new desk's store is created)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			err := a.withCreate(cmd, func(s *store.Store) error {
				if hubURL == "" {
					hubURL = a.cfg.Sync.Hub
				}
				if token != "" && tokenFile != "" {
					return usageError{errors.New("--token and --token-file go alone: give one")}
				}
				if tokenFile != "" {
					var err error
					if token, err = readTokenFile(tokenFile); err != nil {
						return err
					}
				}
				if token == "" {
					var err error
					if token, err = configToken(a); err != nil {
						return err
					}
				}
				if hubURL == "" || token == "" {
					return usageError{errors.New("no hub: set sync.hub and sync.token (or sync.token_file, or MOVEDESK_SYNC_TOKEN), or pass --hub and --token-file")}
				}
				if caFile == "" {
					caFile = a.cfg.Sync.CAFile
				}
				if !cmd.Flags().Changed("token") && tokenFile == "" {
					if err := tokenFileSafe(a); err != nil {
						return err
					}
				}
				hc, err := syncHTTP(a, hubURL, caFile)
				if err != nil {
					return err
				}
				errOut := cmd.ErrOrStderr()
				progress := func(done, total int) {
					if quiet || total <= 0 {
						return
					}
					printf(errOut, "\rsync %s %d/%d", bar(done, total, 30), done, total)
				}
				before := sharedState(s)
				r, err := (&desksync.Client{Actor: a.cfg.User, HTTP: hc}).Sync(cmd.Context(), s, hubURL, token, progress)
				if !quiet {
					fmt.Fprintln(errOut)
				}
				if err != nil {
					return syncFailure(err, time.Now())
				}
				w, _ := s.Waiting()
				printf(cmd.OutOrStdout(), "pushed %d, pulled %d (%d applied), %d new conflicts, %d open; %d waiting; %d requests, %s\n",
					r.Pushed, r.Pulled, r.Applied, r.Conflicts, s.OpenConflicts(), w, r.Requests, humanBytes(r.Bytes))
				if r.Refused > 0 {
					printf(errOut, "warning: the hub refused %d changes (another office's case, a case it does not know, or a change that breaks a rule); `movedesk sync refused` lists them\n", r.Refused)
				}
				if r.Rejected > 0 {
					printf(errOut, "warning: this desk refused %d changes from the hub that break a rule; `movedesk sync refused` lists them\n", r.Rejected)
				}
				if r.Recovery != nil {
					printf(errOut, "warning: %s\n", desksync.RecoveryText(r.Recovery))
				}
				if r.ClockOffset != 0 {
					printf(errOut, "warning: this desk's %s the hub's; its changes are stamped in hub time until the clock is set right\n", tui.ClockSkewText(r.ClockOffset))
				}
				after := sharedState(s)
				if after.tariff != before.tariff {
					printf(cmd.OutOrStdout(), "tariff version %s is now active (published by %s)\n", after.tariff, after.tariffBy)
				}
				if after.templates != before.templates {
					printf(cmd.OutOrStdout(), "duty templates version %d now apply (published by %s)\n", after.templates, after.templatesBy)
				}
				return nil
			})
			if errors.Is(err, store.ErrInUse) {
				err = fmt.Errorf("%w; if the app is open on this store it syncs in the background (:sync there syncs at once)", err)
			}
			return err
		},
	}
	var asJSON, clearAll bool
	refused := &cobra.Command{
		Use:   "refused",
		Short: "List this desk's changes the hub refused (they stay on this desk)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if clearAll {
				return a.withWrite(cmd, func(s *store.Store) error {
					n, err := s.ClearRefusals()
					if err == nil {
						printf(cmd.OutOrStdout(), "cleared %d refusals (the changes stay on this desk)\n", n)
					}
					return err
				})
			}
			return a.withRead(cmd, func(s *store.Store) error {
				rs, err := s.Refusals()
				if err != nil {
					return err
				}
				if asJSON {
					if rs == nil {
						rs = []store.Refusal{}
					}
					return writeJSON(cmd.OutOrStdout(), rs)
				}
				if len(rs) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "no refused changes: the hub took all of this desk's, and this desk all of the hub's")
					return nil
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "WHEN\tREFUSED BY\tRECORD\tFIELDS\tWHY")
				for _, r := range rs {
					by := "hub"
					if r.Incoming {
						by = "this desk"
					}
					printf(tw, "%s\t%s\t%s\t%s\t%s\n", r.At.Local().Format("2006-01-02 15:04"), by, r.Key, clip([]byte(strings.Join(r.Fields, ","))), r.Reason)
				}
				return tw.Flush()
			})
		},
	}
	refused.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	refused.Flags().BoolVar(&clearAll, "clear", false, "forget the listed refusals once dealt with")
	c.AddCommand(refused)
	c.Flags().StringVar(&hubURL, "hub", "", "hub URL (config sync.hub)")
	c.Flags().StringVar(&token, "token", "", "desk token (config sync.token); visible to every user in the process list: prefer --token-file or MOVEDESK_SYNC_TOKEN")
	c.Flags().StringVar(&tokenFile, "token-file", "", "file (mode 0600) holding the desk token (config sync.token_file)")
	c.Flags().StringVar(&caFile, "ca-file", "", "PEM certificates to trust for an https hub (config sync.ca_file)")
	c.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress line")
	return c
}

// syncFailure says in words what a failed `movedesk sync` means and what to
// do (desksync.ErrorText); only a failure that may mend by itself says to
// run sync again.
func syncFailure(err error, now time.Time) error {
	msg := desksync.ErrorText(err)
	var he *desksync.HTTPError
	var cve *tls.CertificateVerificationError
	switch {
	case errors.As(err, &he) && he.Busy():
		msg += fmt.Sprintf("; run sync again after %s", now.Add(max(he.RetryAfter, time.Second)).Format("15:04:05"))
	case he != nil && he.Permanent(), errors.As(err, &cve):
	default:
		msg += " (nothing is lost: run sync again)"
	}
	return &syncError{msg: "sync: " + msg, err: err}
}

type syncError struct {
	msg string
	err error
}

func (e *syncError) Error() string { return e.msg }
func (e *syncError) Unwrap() error { return e.err }

// shared is what the hub publishes to every desk, as this desk has it.
type shared struct {
	tariff, tariffBy string
	templates        int
	templatesBy      string
}

// sharedNotice says what the hub's publications changed, for the app.
func sharedNotice(was, now shared) string {
	var parts []string
	if now.tariff != was.tariff {
		parts = append(parts, fmt.Sprintf("tariff version %s now active, published by %s", now.tariff, now.tariffBy))
	}
	if now.templates != was.templates {
		parts = append(parts, fmt.Sprintf("duty templates version %d from the hub now apply", now.templates))
	}
	return strings.Join(parts, "; ")
}

func sharedState(s *store.Store) shared {
	var sh shared
	_ = s.View(func(tx *store.Tx) error {
		var act tariffs.ActiveRecord
		if ok, _ := tx.Get(tariffs.ActiveKey, &act); ok {
			sh.tariff, sh.tariffBy = act.Version, act.ActivatedBy
		}
		var t booking.TemplatesRecord
		if ok, _ := tx.Get(booking.TemplatesKey, &t); ok {
			sh.templates, sh.templatesBy = t.Version, t.PublishedBy
		}
		return nil
	})
	return sh
}

// ago says how long ago d was, coarsely: "just now", "5 min ago", "3 h ago", "2 days ago".
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", d/time.Minute)
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", d/time.Hour)
	}
	return fmt.Sprintf("%d days ago", d/(24*time.Hour))
}

func bar(done, total, width int) string {
	n := min(width, done*width/max(total, 1))
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// newCentralConflictsCmd: `movedesk conflicts list|resolve`.
func newCentralConflictsCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "conflicts", Short: "List and resolve sync conflicts"}
	var all, asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List open conflicts (--all: resolved too)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withRead(cmd, func(s *store.Store) error {
				cs, err := s.Conflicts(all)
				if err != nil {
					return err
				}
				if asJSON {
					if cs == nil {
						cs = []store.Conflict{}
					}
					return writeJSON(cmd.OutOrStdout(), cs)
				}
				if len(cs) == 0 {
					if all {
						fmt.Fprintln(cmd.OutOrStdout(), "No conflicts, open or resolved.")
					} else {
						fmt.Fprintln(cmd.OutOrStdout(), "No open conflicts.")
					}
					return nil
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tRECORD\tFIELD\tWINNER (kept)\tLOSER\tSTATE")
				for _, k := range cs {
					state := "open"
					if k.ResolvedAt != nil {
						state = "resolved by " + k.ResolvedBy + ": " + k.Resolution
					}
					printf(tw, "%s\t%s\t%s\t%s by %s@%s %s\t%s by %s@%s %s\t%s\n", k.ID, k.Key, k.Field,
						clip(k.Winner.Value), k.Winner.Actor, k.Winner.Desk, k.Winner.HLC.Time().UTC().Format("2006-01-02 15:04"),
						clip(k.Loser.Value), k.Loser.Actor, k.Loser.Desk, k.Loser.HLC.Time().UTC().Format("2006-01-02 15:04"), state)
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().BoolVar(&all, "all", false, "include resolved conflicts")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	var take string
	resolve := &cobra.Command{
		Use:   "resolve ID --take winner|loser|VALUE",
		Short: "Resolve a conflict by writing the chosen value as a new change",
		Args:  exactArgs(1, "ID --take winner|loser|VALUE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if take == "" {
				return usageError{errors.New("usage: movedesk conflicts resolve ID --take winner|loser|VALUE")}
			}
			return a.withDesk(cmd, func(d *desk.Service) error {
				k, err := d.ResolveConflict(a.cfg.User, args[0], take)
				if err != nil {
					return err
				}
				printf(cmd.OutOrStdout(), "conflict %s resolved: %s.%s = %s (syncs as a new change)\n", k.ID, k.Key, k.Field, take)
				return nil
			})
		},
	}
	resolve.Flags().StringVar(&take, "take", "", "winner, loser, or a JSON value (a bare word is a string)")
	c.AddCommand(list, resolve)
	return c
}

func clip(v []byte) string {
	s := string(v)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// startSyncLoop runs the background sync loop for the TUI when a hub is
// configured; it returns the status channel (nil: not configured) and a
// stop function that waits for the loop to end.
func startSyncLoop(a *app, s *store.Store) (<-chan tui.SyncStatus, func(), func(), error) {
	if a.cfg.Sync.Hub == "" {
		return nil, func() {}, nil, nil
	}
	token, err := configToken(a)
	if err != nil || token == "" {
		return nil, func() {}, nil, err
	}
	if err := tokenFileSafe(a); err != nil {
		return nil, func() {}, nil, err
	}
	hc, err := syncHTTP(a, a.cfg.Sync.Hub, a.cfg.Sync.CAFile)
	if err != nil {
		return nil, func() {}, nil, err
	}
	in := make(chan desksync.Status, 8)
	out := make(chan tui.SyncStatus, 8)
	ctx, cancel := context.WithCancel(context.Background())
	l := &desksync.Loop{Client: &desksync.Client{Actor: a.cfg.User, HTTP: hc}, Store: s, Hub: a.cfg.Sync.Hub, Token: token,
		Interval: a.cfg.Sync.Interval, Status: in}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = l.Run(ctx)
	}()
	go func() {
		shown := sharedState(s)
		for {
			select {
			case st := <-in:
				notice := ""
				if st.Progress < 0 {
					if now := sharedState(s); now != shown {
						notice = sharedNotice(shown, now)
						shown = now
					}
				}
				ts := tui.SyncStatus{Notice: notice, Configured: true, Online: st.Online, LastSync: st.LastSync, Waiting: st.Waiting,
					Conflicts: st.Conflicts, Progress: st.Progress, Err: st.Err, ClockOffset: st.ClockOffset, Refused: st.Refused, Restored: st.Restored}
				if notice != "" {
					select { // news is shown once: never dropped
					case out <- ts:
					case <-done:
						return
					}
					continue
				}
				select {
				case out <- ts:
				default: // the app reads the latest soon enough
				}
			case <-done:
				return
			}
		}
	}()
	return out, func() { cancel(); <-done }, l.Trigger, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// tokenFileSafe refuses a desk token kept in a config file others can read:
// the token opens the office's cases at the hub (as key_file is refused).
func tokenFileSafe(a *app) error {
	if a.cfg.Sync.Token == "" || a.cfg.File == "" || os.Getenv("MOVEDESK_SYNC_TOKEN") != "" {
		return nil
	}
	fi, err := os.Stat(a.cfg.File)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	return fmt.Errorf("%s holds sync.token and is readable by others (mode %v): chmod 600 it, or give the token in MOVEDESK_SYNC_TOKEN", a.cfg.File, fi.Mode().Perm())
}

// configToken is the desk token of the configuration: sync.token (or
// MOVEDESK_SYNC_TOKEN), else the file sync.token_file names.
func configToken(a *app) (string, error) {
	if a.cfg.Sync.Token != "" || a.cfg.Sync.TokenFile == "" {
		return a.cfg.Sync.Token, nil
	}
	return readTokenFile(a.cfg.Sync.TokenFile)
}

// readTokenFile reads a desk token from path, which only its owner may
// read: the token opens the office's cases at the hub.
func readTokenFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("token file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("token file: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return "", fmt.Errorf("token file %s is readable by others (mode %v): chmod 600 it", path, perm)
	}
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return "", fmt.Errorf("token file %s: %w", path, err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" || strings.ContainsAny(tok, " \t\r\n") {
		return "", fmt.Errorf("token file %s: want the token alone on one line", path)
	}
	return tok, nil
}

// syncHTTP checks the hub URL and returns the HTTP client for it.
func syncHTTP(a *app, hub, caFile string) (*http.Client, error) {
	if err := desksync.CheckHub(hub, a.cfg.Sync.AllowPlainHTTP); err != nil {
		return nil, usageError{err}
	}
	return desksync.NewHTTPClient(caFile)
}
