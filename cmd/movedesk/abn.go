package main

import (
	"bytes"
	"fmt"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/store"
)

func newABNCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "abn", Short: "Show and export Advance Booking Notifications", Args: noArgs}
	c.AddCommand(newABNShowCmd(a), newABNExportCmd(a))
	return c
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
			return a.withRead(cmd, func(s *store.Store) error {
				x, err := findABN(s, args[0], version)
				if err != nil {
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
			return a.withRead(cmd, func(s *store.Store) error {
				x, err := findABN(s, args[0], version)
				if err != nil {
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
				if err := writePrivate(out, buf.Bytes()); err != nil {
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
