package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/desk"
	"movedesk/flights"
	"movedesk/store"
)

func newAuditCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "Check the hash-chained change history; read the access log (team leaders)"}
	c.AddCommand(newAuditVerifyCmd(a), newAuditAccessCmd(a))
	return c
}

// chainResult is audit verify's JSON.
type chainResult struct {
	OK    bool              `json:"ok"`
	Ops   int               `json:"ops"`
	Desks map[string]int    `json:"desks,omitempty"`
	Break *store.ChainBreak `json:"break,omitempty"`
}

func newAuditVerifyCmd(a *app) *cobra.Command {
	var hub, asJSON bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check that every op of the change log links to its hash chain; name the first that does not (exit 1)",
		Long: `audit verify recomputes the hash chain of the store's change log and, at a
hub (--hub), of every desk's chain the hub received, and names the first op
that does not match: a byte of history changed in the file, an op added or
removed. Exit 0 when everything links, 1 on a break.

At a hub, stop the hub first (it holds its store), or verify a copy made
with movedesk hub backup.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.mustExist(cmd); err != nil {
				return err
			}
			_, err := os.Stat(filepath.Join(a.cfg.Data, central.RegistryFile))
			if isHub := err == nil; hub && !isHub {
				return fmt.Errorf("%s is not a hub's data directory (no %s): drop --hub to verify a desk", a.cfg.Data, central.RegistryFile)
			}
			return a.withRead(cmd, func(s *store.Store) error {
				rep, err := s.VerifyChain()
				if err != nil {
					return err
				}
				if asJSON {
					if err := writeJSON(a.out, chainResult{OK: rep.Break == nil, Ops: rep.Ops, Desks: rep.Desks, Break: rep.Break}); err != nil {
						return err
					}
				} else {
					fmt.Fprintf(a.out, "change log of %s: %d ops link\n", booking.Printable(s.Desk()), rep.Ops)
					names := make([]string, 0, len(rep.Desks))
					for d := range rep.Desks {
						names = append(names, d)
					}
					slices.Sort(names)
					for _, d := range names {
						fmt.Fprintf(a.out, "chain of desk %s as received: %d ops link\n", booking.Printable(d), rep.Desks[d])
					}
				}
				if rep.Break != nil {
					return errors.New(breakText(rep.Break))
				}
				if !asJSON {
					fmt.Fprintln(a.out, "ok: nothing in the history was changed")
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&hub, "hub", false, "the data directory is a hub's: also check every desk's chain it received")
	cmd.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	return cmd
}

// breakText names the op where a chain breaks, in words (escaped: it comes
// from the file).
func breakText(b *store.ChainBreak) string {
	var w strings.Builder
	if b.Chain == "log" {
		w.WriteString("the change log breaks")
		if b.Desk != "" {
			fmt.Fprintf(&w, " at op %s:%d", b.Desk, b.Seq)
		}
		fmt.Fprintf(&w, " (log position %d)", b.Pos)
	} else {
		fmt.Fprintf(&w, "the chain of desk %s breaks at op %s:%d", b.Chain, b.Desk, b.Seq)
	}
	if b.Key != "" {
		no, _ := booking.SplitKey(b.Key)
		fmt.Fprintf(&w, ", record %s", b.Key)
		if no != "" && no != b.Key {
			fmt.Fprintf(&w, " of case %s", no)
		}
	}
	fmt.Fprintf(&w, ": %s", b.What)
	return booking.Printable(w.String())
}

// noteAccess records in the desk's access log that the configured user
// opened case no's personal data with what. Commands that show a case
// call it after reading, on the store opened for writing.
func (a *app) noteAccess(s *store.Store, no, what string) error {
	d, err := a.newDesk(s)
	if err != nil {
		return err
	}
	return d.NoteAccess(a.cfg.User, no, what)
}

func newAuditAccessCmd(a *app) *cobra.Command {
	var caseNo, user, from, to string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "access",
		Short: "Who opened which case's personal data at this desk, newest first (team leaders)",
		Long: fmt.Sprintf(`audit access lists the desk's access log: each opening of a case's
personal data (the case and ABN screens, case show, abn show, abn export,
flight manifest, export) with who and when. The log stays on this desk (sync does not send
it) and keeps the newest %d entries. Only a team leader reads it
(audit.read).`, store.AccessCap),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := store.AccessFilter{Case: strings.ToUpper(strings.TrimSpace(caseNo)), User: user, Limit: limit}
			for _, d := range []struct {
				flag, v string
				into    *time.Time
				days    int
			}{{"--from", from, &f.From, 0}, {"--to", to, &f.To, 1}} {
				if d.v == "" {
					continue
				}
				day, err := booking.ParseDate(d.v)
				if err != nil {
					return usageError{fmt.Errorf("%s: %w", d.flag, err)}
				}
				*d.into = day.AddDays(d.days).Time()
			}
			return a.withReadDesk(cmd, func(d *desk.Service) error {
				ents, err := d.AccessLog(a.cfg.User, f)
				if err != nil {
					return err
				}
				if asJSON {
					if ents == nil {
						ents = []store.AccessEntry{}
					}
					return writeJSON(a.out, ents)
				}
				if len(ents) == 0 {
					fmt.Fprintln(a.out, "No openings recorded for that selection.")
					return nil
				}
				printf(a.out, "%-20s %-20s %-16s %s\n", "WHEN (UTC)", "USER", "CASE", "WHAT")
				for _, e := range ents {
					c := e.Case
					if c == store.AccessAllCases {
						c = "(all cases)"
					}
					printf(a.out, "%-20s %-20s %-16s %s\n", e.At.UTC().Format("2006-01-02 15:04:05"), e.User, c, e.What)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&caseNo, "case", "", "only openings of case C (and exports of every case)")
	// Not --user: that global flag names who acts (and so who reads).
	cmd.Flags().StringVar(&user, "by", "", "only openings by user U")
	cmd.Flags().StringVar(&from, "from", "", "only from day D (YYYY-MM-DD)")
	cmd.Flags().StringVar(&to, "to", "", "only up to and including day D (YYYY-MM-DD)")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most N entries (0: all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	return cmd
}

// noteManifest notes in the access log each case a flight manifest for
// recipient names (its travellers' names and needs leave the desk).
func (a *app) noteManifest(cmd *cobra.Command, fl *flights.Flight, recipient string) error {
	if len(fl.Parties) == 0 {
		return nil
	}
	return a.withWrite(cmd, func(s *store.Store) error {
		d, err := a.newDesk(s)
		if err != nil {
			return err
		}
		for _, p := range fl.Parties {
			if err := d.NoteAccess(a.cfg.User, p.Case, "flight manifest for "+recipient); err != nil {
				return err
			}
		}
		return nil
	})
}
