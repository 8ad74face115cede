package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"movedesk/auth"
	"movedesk/booking"
	"movedesk/central"
)

// newHubUserCmd: `movedesk hub user add|list|disable|role`, an office's
// users and their roles, published at the hub to the office's desks.
func newHubUserCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "Add, list, disable users of an office and set their roles",
		Long: `user manages an office's users at the hub. They reach the office's desks (and
only those) on their next sync, like the escort pool; from then on a desk
lets each user do what the role table allows (README: People and roles),
and the hub refuses a pushed change whose author may not make it. Until an
office has users, its desks' configured user acts as a team leader.
Once an office has an office-admin, only an office-admin of it (the
configured user here) changes its users.`,
		Args: noArgs,
	}
	var wait time.Duration
	c.PersistentFlags().DurationVar(&wait, "wait", 30*time.Second, "how long to wait for a running hub to apply it")
	var office, role, name string
	change := func(op string, needRole bool) func(cmd *cobra.Command, args []string) error {
		return func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && name == "" {
				name = args[0]
			}
			if office == "" || needRole && role == "" || name == "" || len(args) == 1 && args[0] != name {
				return usageError{fmt.Errorf("usage: %s", cmd.UseLine())}
			}
			u := central.UserChange{Op: op, Name: name, Office: strings.ToUpper(strings.TrimSpace(office))}
			// The passphrase is stretched here; only its public credential
			// goes to the hub.
			if op == central.UserPassphrase || op == central.UserAdd && a.passphraseFile(cmd) != "" {
				p, err := a.newPassphrase(cmd, name)
				if err != nil {
					return err
				}
				c, err := auth.NewCredential(p, credentialParams)
				if err != nil {
					return err
				}
				u.Credential = c.String()
			}
			if needRole {
				r, err := booking.ParseRole(role)
				if err != nil {
					return usageError{err}
				}
				u.Role = r
			}
			if err := a.load(cmd); err != nil {
				return err
			}
			return a.publish(cmd, &central.Publication{Actor: a.cfg.User, Users: []central.UserChange{u}}, wait)
		}
	}
	roles := make([]string, len(booking.Roles))
	for i, r := range booking.Roles {
		roles[i] = string(r)
	}
	roleHelp := "role: " + strings.Join(roles, ", ")
	add := &cobra.Command{
		Use:   "add NAME|--name NAME --office O --role R [--passphrase-file F]",
		Short: "Add a user to an office (or enable a disabled one again), with a first passphrase",
		Long: `add adds a user. With --passphrase-file F (mode 0600) or MOVEDESK_PASSPHRASE_FILE
it sets the user's first passphrase: only its Argon2id credential (salt, cost,
public key) is published, and the office's desks wrap their data key for the
user on their next sync. Without one, the user cannot sign in at a desk until
` + "`movedesk hub user passphrase`" + `.`,
		Args: cobra.RangeArgs(0, 1),
		RunE: change(central.UserAdd, true),
	}
	add.Flags().StringVar(&office, "office", "", "office code (e.g. RBA)")
	add.Flags().StringVar(&role, "role", "", roleHelp)
	add.Flags().StringVar(&name, "name", "", "the user's name")
	pw := &cobra.Command{
		Use:   "passphrase NAME|--name NAME --office O [--passphrase-file F]",
		Short: "Set a user's new passphrase (asked twice on the terminal, or from a 0600 file)",
		Long: `passphrase publishes the credential of a user's new passphrase. Each desk of
the office rewraps that user's key slot on its next sync (one slot; the data
is not re-encrypted) and drops the user's PIN there; until then the old
passphrase still opens a desk that has not synced.`,
		Args: cobra.RangeArgs(0, 1),
		RunE: change(central.UserPassphrase, false),
	}
	pw.Flags().StringVar(&office, "office", "", "office code")
	pw.Flags().StringVar(&name, "name", "", "the user's name")
	dis := &cobra.Command{
		Use:   "disable NAME --office O",
		Short: "Disable a user: a desk refuses their writes, the hub their changes",
		Args:  cobra.RangeArgs(0, 1),
		RunE:  change(central.UserDisable, false),
	}
	dis.Flags().StringVar(&office, "office", "", "office code")
	dis.Flags().StringVar(&name, "name", "", "the user's name")
	rl := &cobra.Command{
		Use:   "role NAME --office O --role R",
		Short: "Change a user's role",
		Args:  cobra.RangeArgs(0, 1),
		RunE:  change(central.UserRole, true),
	}
	rl.Flags().StringVar(&office, "office", "", "office code")
	rl.Flags().StringVar(&role, "role", "", roleHelp)
	rl.Flags().StringVar(&name, "name", "", "the user's name")

	var asJSON bool
	list := &cobra.Command{
		Use:   "list [--office O]",
		Short: "List the users the hub publishes",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.load(cmd); err != nil {
				return err
			}
			p, ok, err := central.ReadPublished(a.cfg.Data)
			if err != nil {
				return err
			}
			if !ok {
				return errors.New("the hub has not published anything yet (run `movedesk serve` once, or add a user)")
			}
			users := []booking.User{}
			for _, u := range p.Users {
				if office == "" || strings.EqualFold(u.Office, office) {
					users = append(users, u)
				}
			}
			if asJSON {
				return writeJSON(a.out, users)
			}
			tw := tabwriter.NewWriter(a.out, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "OFFICE\tNAME\tROLE\tSTATE\tPASSPHRASE\tBY")
			for _, u := range users {
				state := "active"
				if u.Disabled {
					state = "disabled"
				}
				pass := "set"
				if u.Credential == "" {
					pass = "none"
				}
				printf(tw, "%s\t%s\t%s\t%s\t%s\t%s %s\n", u.Office, u.Name, u.Role, state, pass,
					u.By, u.At.Local().Format("2006-01-02"))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			printf(a.err, "%d user(s) as of %s\n", len(users), p.At.Local().Format("2006-01-02 15:04:05"))
			return nil
		},
	}
	list.Flags().StringVar(&office, "office", "", "only this office's users")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.AddCommand(add, list, dis, rl, pw)
	return c
}
