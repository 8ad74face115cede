package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func runTUI(a *app, cmd *cobra.Command) error {
	return fmt.Errorf("the terminal app is being wired; use the subcommands (movedesk --help)")
}
