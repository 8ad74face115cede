package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"movedesk/store"
)

func newKeyCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "key", Short: "Encryption keys for stores at rest", Args: noArgs}
	var out string
	gen := &cobra.Command{
		Use:   "new --out FILE",
		Short: "Write a new random store key to FILE (mode 0600); point key_file at it before creating a store",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageError{fmt.Errorf("--out FILE is required")}
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return fmt.Errorf("key file: %w (an existing key is never overwritten)", err)
			}
			if _, err := fmt.Fprintln(f, store.NewKey()); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(a.out, "wrote a new key to %s; keep a copy somewhere safe: without it the store cannot be read\n", out)
			return nil
		},
	}
	gen.Flags().StringVar(&out, "out", "", "file to create")
	c.AddCommand(gen)
	return c
}
