// Command movedesk is the movement-operations desk: a terminal app over a
// local store that syncs with the central office, plus scriptable commands.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/config"
	"movedesk/desk"
	"movedesk/store"
)

// Exit codes: a contract for desk scripts.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usageError marks errors in how a command was called (exit 2).
type usageError struct{ error }

// app is what every command shares: flags, loaded config, output streams.
type app struct {
	configFile string
	in         io.Reader
	out, err   io.Writer
	cfg        *config.Config
	// now is the clock of the desk and the app (tests fix it); nil means
	// time.Now.
	now func() time.Time
	// wd is the working directory relative file names resolve against
	// ("": the process's); inApp is set when the command runs inside the
	// app, sent through its socket (socket.go).
	wd    string
	inApp *inApp
	// args is the command line, sent on as it is to a running app.
	args []string
	// dataKey is the store's data key once a user signed in (signin.go);
	// locked reports the app's lock (the socket refuses commands then).
	dataKey []byte
	locked  func() bool
	// user is the user the app behind its sign-in works as, for the
	// socket's goroutines (nil when the app has no sign-in).
	user *signedInUser
}

// clock returns the app's clock.
func (a *app) clock() time.Time {
	if a.now != nil {
		return a.now()
	}
	return time.Now()
}

// run executes the command line and returns the exit code.
func run(args []string, in io.Reader, out, errOut io.Writer) int {
	return runApp(&app{in: in, out: out, err: errOut}, args)
}

// runApp executes the command line with a (its streams and clock).
func runApp(a *app, args []string) int {
	in, out, errOut := a.in, a.out, a.err
	a.args = args
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var fw forwarded
	if errors.As(err, &fw) {
		return fw.code // the running app ran it and said so
	}
	// Errors may quote stored values; keep their own line breaks (a gate
	// error lists one open item a line) and escape everything else.
	fmt.Fprintln(errOut, "movedesk:", booking.PrintableLines(err.Error()))
	var ue usageError
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag") {
		return exitUsage
	}
	return exitError
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "movedesk",
		Short: "Book refugee and migrant travel: work queues, bookings, ABNs, offline with sync",
		Long: `movedesk is the movement-operations desk. Without a subcommand it opens the
terminal app on the store in --data. Subcommands script the same store.`,
		Args:          noArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE:          func(cmd *cobra.Command, _ []string) error { return runTUI(a, cmd) },
		// With the app open on the store, a command runs inside it.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return a.throughApp(cmd, args) },
	}
	root.PersistentFlags().StringVar(&a.configFile, "config", "", "config file (default $XDG_CONFIG_HOME/movedesk/config.yaml)")
	root.PersistentFlags().String("data", "", "data directory holding the store (config key data)")
	root.PersistentFlags().Bool("no-color", false, "disable colour (also NO_COLOR=1)")
	root.PersistentFlags().String("user", "", "name recorded as the author of changes (config key user); at a desk with users, the user who signs in")
	root.PersistentFlags().String("passphrase-file", "", "file (mode 0600) holding the passphrase, for scripts (also "+passphraseEnv+"); else asked on the terminal")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newCaseCmd(a),
		newImportCmd(a),
		newExportCmd(a),
		newDemoCmd(a),
		newTariffsCmd(a),
		newKeyCmd(a),
		newChecklistCmd(a),
		newEscortCmd(a),
		newPermitCmd(a),
		newCustodyCmd(a),
		newCounsellingCmd(a),
		newABNCmd(a),
		newBookCmd(a),
		newBookingCmd(a),
		newFlightCmd(a),
		newReportCmd(a),
		newCentralServeCmd(a),
		newCentralHubCmd(a),
		newCentralSyncCmd(a),
		newCentralConflictsCmd(a),
		newReviewCmd(a),
		newAuditCmd(a),
	)
	requireSubcommand(root)
	return root
}

// requireSubcommand makes every command group reject a missing or unknown
// subcommand with a usage error (cobra would print help and exit 0, which
// hides typos in desk scripts).
func requireSubcommand(c *cobra.Command) {
	for _, sub := range c.Commands() {
		requireSubcommand(sub)
	}
	if c.HasSubCommands() && c.Run == nil && c.RunE == nil {
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(cmd *cobra.Command, args []string) error {
			names := []string{}
			for _, s := range cmd.Commands() {
				if s.IsAvailableCommand() {
					names = append(names, s.Name())
				}
			}
			if len(args) > 0 {
				return usageError{fmt.Errorf("unknown command %q for %s (try: %s)", args[0], cmd.CommandPath(), strings.Join(names, ", "))}
			}
			return usageError{fmt.Errorf("%s needs a subcommand: %s", cmd.CommandPath(), strings.Join(names, ", "))}
		}
	}
}

// load reads the configuration for cmd (flags win).
func (a *app) load(cmd *cobra.Command) error {
	if a.cfg != nil {
		return nil
	}
	if a.inApp != nil {
		return a.loadInApp(cmd)
	}
	c, err := config.Load(a.configFile, cmd.Flags())
	if err != nil {
		return err
	}
	a.cfg = c
	return nil
}

// storeMode is how a command needs the store.
type storeMode int

const (
	modeCreate storeMode = iota // for writing, created if there is none
	modeWrite                   // an existing store, for writing
	modeRead                    // an existing store, read-only (shared lock)
)

// openStore is the one place commands get their store. Inside the running
// app (a command sent through its socket, see socket.go) it is the app's
// open store, which done leaves open; otherwise the store in --data opened
// for mode, which done closes.
func (a *app) openStore(cmd *cobra.Command, mode storeMode) (s *store.Store, done func(), err error) {
	if mode == modeCreate {
		err = a.load(cmd)
	} else {
		err = a.mustExist(cmd)
	}
	if err != nil {
		return nil, nil, err
	}
	if a.inApp != nil {
		return a.inApp.s, func() {}, nil
	}
	booking.Programmes = a.cfg.Programmes
	codec, err := a.unlock(cmd, mode)
	if err != nil {
		return nil, nil, err
	}
	// Report rows remade on opening keep the gate judged as this desk does.
	opts := store.Options{Desk: a.cfg.Desk, Codec: codec, ReportGate: desk.ReportGate(a.deskConfig())}
	if mode == modeRead {
		if store.Behind(a.cfg.Data) {
			// A store from an older movedesk: migrate it once (e.g. build the
			// flight index), then read.
			w, err := hubHint(a.cfg.Data)(store.Open(a.cfg.Data, opts))
			if err != nil {
				return nil, nil, err
			}
			w.Close()
		}
		opts = store.Options{ReadOnly: true, Codec: codec}
	}
	if s, err = hubHint(a.cfg.Data)(store.Open(a.cfg.Data, opts)); err != nil {
		return nil, nil, err
	}
	return s, func() { a.closeStore(s, codec, mode) }, nil
}

// closeStore closes a store a command opened. A command that may have
// brought users (a sync) leaves their key slots in place, and a plain or
// key-file store that now has users with credentials is encrypted.
func (a *app) closeStore(s *store.Store, codec store.Codec, mode storeMode) {
	if mode == modeRead {
		s.Close()
		return
	}
	if a.dataKey != nil {
		if err := reconcileSlots(s, a.dataKey); err != nil {
			fmt.Fprintln(a.err, "movedesk: key slots:", err)
		}
		s.Close()
		return
	}
	s.Close()
	if _, err := a.encryptForUsers(a.cfg.Data, codec); err != nil {
		fmt.Fprintln(a.err, "movedesk: encrypt the store:", err)
	}
}

// open loads config and opens the store, creating it if there is none.
func (a *app) open(cmd *cobra.Command) (*store.Store, func(), error) {
	return a.openStore(cmd, modeCreate)
}

// hubHint points at `hub publish` when the store in use is a hub's: the
// running hub holds it, and publishing is how the office writes to it then.
func hubHint(dir string) func(*store.Store, error) (*store.Store, error) {
	return func(s *store.Store, err error) (*store.Store, error) {
		if errors.Is(err, store.ErrInUse) {
			if _, serr := os.Stat(filepath.Join(dir, central.RegistryFile)); serr == nil {
				err = fmt.Errorf("%w; this is a hub's store: while the hub runs, publish tariffs and templates with `movedesk hub publish`", err)
			}
		}
		return s, err
	}
}

// codec returns the store codec the configuration asks for.
func (a *app) codec() (store.Codec, error) {
	if a.cfg.KeyFile == "" {
		return store.PlainCodec{}, nil
	}
	key, err := store.ReadKeyFile(a.cfg.KeyFile)
	if err != nil {
		return nil, err
	}
	return store.NewAESCodec(key)
}

// openExisting opens a store that must already exist.
func (a *app) openExisting(cmd *cobra.Command) (*store.Store, func(), error) {
	return a.openStore(cmd, modeWrite)
}

// openRead opens an existing store read-only (shared lock, no writes).
func (a *app) openRead(cmd *cobra.Command) (*store.Store, func(), error) {
	return a.openStore(cmd, modeRead)
}

// withRead runs fn on the existing store opened read-only, then closes it.
func (a *app) withRead(cmd *cobra.Command, fn func(s *store.Store) error) error {
	return a.withStore(cmd, modeRead, fn)
}

// withCreate runs fn on the store, creating it if there is none yet (a new
// desk's first sync starts from an empty store), then closes it.
func (a *app) withCreate(cmd *cobra.Command, fn func(s *store.Store) error) error {
	return a.withStore(cmd, modeCreate, fn)
}

// withWrite runs fn on the existing store opened for writing, then closes it.
func (a *app) withWrite(cmd *cobra.Command, fn func(s *store.Store) error) error {
	return a.withStore(cmd, modeWrite, fn)
}

func (a *app) withStore(cmd *cobra.Command, mode storeMode, fn func(s *store.Store) error) error {
	s, done, err := a.openStore(cmd, mode)
	if err != nil {
		return err
	}
	defer done()
	return fn(s)
}

func (a *app) mustExist(cmd *cobra.Command) error {
	if err := a.load(cmd); err != nil {
		return err
	}
	if a.inApp == nil { // inside the app they are set, and read by its screens
		booking.Programmes = a.cfg.Programmes
	}
	if _, err := os.Stat(filepath.Join(a.cfg.Data, store.FileName)); err != nil {
		return fmt.Errorf("no movedesk store in %s (create one with `movedesk demo --data %s`)", a.cfg.Data, a.cfg.Data)
	}
	return nil
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])}
	}
	return nil
}

func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("usage: %s %s", cmd.CommandPath(), names)}
		}
		return nil
	}
}

func minArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageError{fmt.Errorf("usage: %s %s", cmd.CommandPath(), names)}
		}
		return nil
	}
}
