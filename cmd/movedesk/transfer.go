package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"movedesk/store"
)

func newImportCmd(a *app) *cobra.Command {
	var restore bool
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "Import records from JSON Lines through the rules, all or nothing (- reads standard input)",
		Long: `Import records from JSON Lines, {"key":...,"record":{...}} a line, in one
transaction. A line for a record that exists changes only the fields it
names; a case's status moves only through the state machine (ready-to-depart
through the gate). A line for a new record is the whole record; records of a
case that neither exists nor comes earlier in the file are refused. Every
failed line is listed (line, key, field); when any fails nothing is imported.
A traveller the import entered who likely duplicates a traveller of another
case is named in a warning (imported all the same).

--restore loads an export into an empty store exactly as it was exported.`,
		Args: exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			r := a.in
			if args[0] != "-" {
				f, err := os.Open(a.file(args[0]))
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
			}
			s, done, err := a.open(cmd)
			if err != nil {
				return err
			}
			defer done()
			d, err := a.newDesk(s)
			if err != nil {
				return err
			}
			res, err := d.Import(a.cfg.User, r, restore)
			if err != nil {
				return fmt.Errorf("%s: nothing imported: %w", args[0], err)
			}
			printf(a.out, "imported %d record(s)\n", res.Records)
			for _, dp := range res.Duplicates {
				m := dp.Match
				printf(a.out, "warning: %s traveller %d %s may be %s traveller %d %s (%s; movedesk case duplicates %s)\n",
					dp.Traveller.Case, dp.Traveller.Member, dp.Traveller.Name(), m.Other.Case, m.Other.Member, m.Other.Name(), m.Reason, dp.Traveller.Case)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&restore, "restore", false, "load an export into an empty store as it is (statuses as exported)")
	return c
}

func newExportCmd(a *app) *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "export",
		Short: "Export every record as JSON Lines",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, done, err := a.openExisting(cmd)
			if err != nil {
				return err
			}
			defer done()
			if err := a.noteAccess(s, store.AccessAllCases, "export"); err != nil {
				return err
			}
			w := a.out
			if out != "" {
				f, err := openPrivate(a.file(out))
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			jw := &jsonControlWriter{w: w}
			n, err := s.Export(jw)
			if err == nil {
				err = jw.Close()
			}
			if err != nil {
				return err
			}
			printf(a.err, "exported %d record(s)\n", n)
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "", "write to FILE (mode 0600) instead of standard output")
	return c
}
