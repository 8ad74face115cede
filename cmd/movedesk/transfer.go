package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func newImportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Import records from JSON Lines, all or nothing (- reads standard input)",
		Args:  exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			r := a.in
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
			}
			s, err := a.open(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			n, err := s.Import(a.cfg.User, r)
			if err != nil {
				return fmt.Errorf("%s: %w (nothing imported)", args[0], err)
			}
			printf(a.out, "imported %d record(s)\n", n)
			return nil
		},
	}
}

func newExportCmd(a *app) *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "export",
		Short: "Export every record as JSON Lines",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.openRead(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			w := a.out
			if out != "" {
				f, err := openPrivate(out)
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
