package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/desk"
	"movedesk/store"
)

func newABNCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "abn", Short: "Issue, send, show and export Advance Booking Notifications", Args: noArgs}
	c.AddCommand(newABNShowCmd(a), newABNExportCmd(a), newABNIssueCmd(a), newABNSendCmd(a), newABNCancelCmd(a), newABNDepartCmd(a))
	return c
}

// abnWrite runs one ABN write of the desk on the case that id (an ABN or
// case number) names and prints what was issued or sent.
func (a *app) abnWrite(cmd *cobra.Command, id string, write func(d *desk.Service, no string) (*booking.ABN, error), verb string) error {
	return a.withDesk(cmd, func(d *desk.Service) error {
		no, err := d.FindCase(id)
		if err != nil {
			return err
		}
		x, err := write(d, no)
		if err != nil {
			return err
		}
		printf(a.out, "%s %s (case %s)\n", x.Title(), verb, no)
		return nil
	})
}

func newABNIssueCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "issue CASE",
		Short: "Issue the case's ABN from its active booking (an update when one is in force)",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.abnWrite(cmd, args[0], func(d *desk.Service, no string) (*booking.ABN, error) {
				return d.IssueABN(a.cfg.User, no)
			}, "issued")
		},
	}
}

func newABNSendCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "send ABN|CASE",
		Short: "Mark the latest ABN version sent (a booked case moves to abn-sent)",
		Args:  exactArgs(1, "ABN|CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.abnWrite(cmd, args[0], func(d *desk.Service, no string) (*booking.ABN, error) {
				return d.MarkABNSent(a.cfg.User, no, 0)
			}, "marked sent")
		},
	}
}

func newABNCancelCmd(a *app) *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "cancel ABN|CASE --reason TEXT",
		Short: "Issue a cancellation notice (the active booking is cancelled)",
		Args:  exactArgs(1, "ABN|CASE --reason TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return usageError{fmt.Errorf("a cancellation notice needs --reason TEXT")}
			}
			return a.abnWrite(cmd, args[0], func(d *desk.Service, no string) (*booking.ABN, error) {
				return d.CancelABN(a.cfg.User, no, reason)
			}, "issued")
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why the booking is cancelled (required)")
	return c
}

func newABNDepartCmd(a *app) *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:   "depart ABN|CASE [--yes]",
		Short: "Issue the departure notification (the case moves to departed)",
		Long: `Issue the departure notification of a ready-to-depart case; the case moves
to departed. Refused before the first flight's date, less
rules.departure_tolerance_days. Without --yes it asks on a terminal and
refuses when not run on one.`,
		Args: exactArgs(1, "ABN|CASE [--yes]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.abnWrite(cmd, args[0], func(d *desk.Service, no string) (*booking.ABN, error) {
				// Who may, first: a user without the right is not asked.
				if err := d.Allowed(a.cfg.User, booking.ActDepartABN); err != nil {
					return nil, err
				}
				f, err := d.Store().CaseFile(no)
				if err != nil {
					return nil, err
				}
				if err := d.DepartureCheck(f, booking.DateOf(a.clock())); err != nil {
					return nil, err
				}
				if !yes {
					day := f.ActiveBooking().Segments[0].Depart.Date()
					q := fmt.Sprintf("Issue the departure notice of %s, first flight %s?", no, day)
					if err := a.confirm(q); err != nil {
						return nil, err
					}
				}
				return d.DepartABN(a.cfg.User, no)
			}, "issued")
		},
	}
	c.Flags().BoolVar(&yes, "yes", false, "do not ask")
	return c
}

// confirm asks question on the terminal; without one (a script) it
// refuses: a change that cannot be undone needs --yes there.
func (a *app) confirm(question string) error {
	f, ok := a.in.(*os.File)
	if !ok || !isTerminal(f) {
		return fmt.Errorf("%s: not asked (not a terminal); give --yes", question)
	}
	fmt.Fprintf(a.err, "%s [y/N] ", question)
	line, _ := bufio.NewReader(f).ReadString('\n')
	if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
		return errors.New("not confirmed; nothing changed")
	}
	return nil
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// findABN returns version v (0: the latest) of ABN number (or case) id.
func findABN(s *store.Store, id string, v int) (*booking.ABN, error) {
	no := id
	if !booking.ValidCaseNumber(id) {
		var err error
		if no, err = s.FindByABN(id); err != nil {
			return nil, err
		}
	}
	f, err := s.CaseFile(no)
	if err != nil {
		return nil, err
	}
	num := booking.ABNNumberFor(&f.Case)
	var out *booking.ABN
	for _, x := range f.ABNVersions() {
		if x.Number == num && (v == 0 || x.Version == v) {
			x := x
			out = &x
		}
	}
	switch {
	case out != nil:
		return out, nil
	case v != 0:
		return nil, booking.Errorf(booking.ENOTFOUND, "version", "ABN %s has no version %d", num, v)
	case f.Case.ABNNumber != "":
		return nil, booking.Errorf(booking.ENOTFOUND, "abn", "ABN %s of case %s was issued elsewhere; no version is on this desk", num, no)
	}
	return nil, booking.Errorf(booking.ENOTFOUND, "abn", "case %s has no ABN", no)
}

func newABNShowCmd(a *app) *cobra.Command {
	var version int
	var asJSON bool
	c := &cobra.Command{
		Use:   "show ABN",
		Short: "Print an ABN (the latest version, or --version N); ABN or case number",
		Args:  exactArgs(1, "ABN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withWrite(cmd, func(s *store.Store) error {
				x, err := findABN(s, args[0], version)
				if err != nil {
					return err
				}
				if err := a.noteAccess(s, x.Case, "abn show"); err != nil {
					return err
				}
				if asJSON {
					return writeJSON(a.out, x)
				}
				_, err = fmt.Fprint(a.out, x.Text())
				return err
			})
		},
	}
	c.Flags().IntVar(&version, "version", 0, "version to show (default: the latest)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func newABNExportCmd(a *app) *cobra.Command {
	var version int
	var format, out string
	c := &cobra.Command{
		Use:   "export ABN --format text|json --out FILE",
		Short: "Write an ABN to a file for sending",
		Args:  exactArgs(1, "ABN --format text|json --out FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format must be text or json, not %q", format)}
			}
			if out == "" {
				return usageError{fmt.Errorf("--out FILE is required")}
			}
			return a.withWrite(cmd, func(s *store.Store) error {
				x, err := findABN(s, args[0], version)
				if err != nil {
					return err
				}
				if err := a.noteAccess(s, x.Case, "abn export"); err != nil {
					return err
				}
				var buf bytes.Buffer
				if format == "json" {
					err = writeJSON(&buf, x)
				} else {
					buf.WriteString(x.Text())
				}
				if err != nil {
					return err
				}
				if err := writePrivate(a.file(out), buf.Bytes()); err != nil {
					return err
				}
				printf(a.out, "wrote %s version %d to %s\n", x.Number, x.Version, out)
				return nil
			})
		},
	}
	c.Flags().IntVar(&version, "version", 0, "version to export (default: the latest)")
	c.Flags().StringVar(&format, "format", "text", "text or json")
	c.Flags().StringVar(&out, "out", "", "file to write")
	return c
}
