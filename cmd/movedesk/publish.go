package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/store"
	"movedesk/tariffs"
)

// newHubPublishCmd: `movedesk hub publish tariffs|templates|status`, which
// the central office uses to send tariff versions and duty templates to
// every desk. It works whether the hub runs or not.
func newHubPublishCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "publish",
		Short: "Publish tariff versions, duty templates and escorts to every desk",
		Long: `publish puts tariff versions and duty templates into the hub store, from where
every desk receives them on its next sync. It works while the hub runs: the
publication is checked here, queued in DATA/publish/ and applied by the hub
within a second (or by this command when the hub is stopped), all or nothing.`,
		Args: noArgs,
	}
	var wait time.Duration
	c.PersistentFlags().DurationVar(&wait, "wait", 30*time.Second, "how long to wait for a running hub to apply it")

	var version, effective, description, activate string
	tar := &cobra.Command{
		Use:   "tariffs DIR [--version V] [--effective D] | --activate VERSION",
		Short: "Publish a tariff version (a directory of the five tables) and make it active",
		Long: `Publish a complete table set (DIR holds version.csv, airports.csv, mct.csv,
rates.csv and fares.csv) as a new version and make it active at every desk;
every row is checked first and all errors are listed (file:line:column).
--activate VERSION switches every desk back to a version published before
(or to ` + tariffs.EmbeddedVersion + `, the embedded tables).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if (activate == "") == (len(args) == 0) || len(args) > 1 {
				return usageError{errors.New("usage: movedesk hub publish tariffs DIR | --activate VERSION")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd); err != nil {
				return err
			}
			p := &central.Publication{Actor: a.cfg.User, Activate: activate}
			if len(args) == 1 {
				dir := args[0]
				if fi, err := os.Stat(dir); err != nil {
					return err
				} else if !fi.IsDir() {
					return usageError{fmt.Errorf("%s: publish a directory holding the five tables (%v)", dir, tariffs.Files)}
				}
				files, err := readTariffDir(dir)
				if err != nil {
					return err
				}
				set, err := parseTariffFiles(files, dir, version, effective, description, a.err)
				if err != nil {
					return err
				}
				abs, _ := filepath.Abs(dir)
				p.Tariffs = tariffs.NewSetRecord(set, a.cfg.User, time.Now(), abs)
			}
			return a.publish(cmd, p, wait)
		},
	}
	tar.Flags().StringVar(&version, "version", "", "version id of the new set (overrides version.csv)")
	tar.Flags().StringVar(&effective, "effective", "", "effective date YYYY-MM-DD (overrides version.csv)")
	tar.Flags().StringVar(&description, "description", "", "description (overrides version.csv)")
	tar.Flags().StringVar(&activate, "activate", "", "make a published version active everywhere")

	tpl := &cobra.Command{
		Use:   "templates FILE",
		Short: "Publish duty templates (YAML or JSON, the config's templates map)",
		Long: `Publish the duty templates every desk uses: counselling topics, escort rules,
the escort checklist and the travel bag, per programme. FILE holds the same
map as the configuration's "templates" key (at the top, or under a
"templates" key); it replaces what was published before. A desk uses the
embedded defaults, then the published templates, then its own config.`,
		Args: exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd); err != nil {
				return err
			}
			rec, err := readTemplatesFile(args[0], a.cfg.Programmes)
			if err != nil {
				return err
			}
			return a.publish(cmd, &central.Publication{Actor: a.cfg.User, Templates: rec}, wait)
		},
	}

	var ef escortFlags
	esc := &cobra.Command{
		Use:   "escort ID --name NAME [--type medical|operational] ...",
		Short: "Add or update an escort in the pool every desk shares",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd); err != nil {
				return err
			}
			e, err := ef.escort(args[0])
			if err != nil {
				return err
			}
			return a.publish(cmd, &central.Publication{Actor: a.cfg.User, Escorts: []booking.Escort{*e}}, wait)
		},
	}
	ef.register(esc)

	status := &cobra.Command{
		Use:   "status",
		Short: "What the hub publishes to every desk, and what is still waiting",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.load(cmd); err != nil {
				return err
			}
			p, ok, err := central.ReadPublished(a.cfg.Data)
			if err != nil {
				return err
			}
			if ok {
				printf(a.out, "as of %s:\n", p.At.Local().Format("2006-01-02 15:04:05"))
				printf(a.out, "  tariff version %s active", p.Tariff)
				if p.TariffBy != "" {
					printf(a.out, " (by %s, %s)", p.TariffBy, p.TariffAt.Local().Format("2006-01-02 15:04"))
				}
				printf(a.out, "; stored: %s\n", strings.Join(append([]string{tariffs.EmbeddedVersion}, p.Versions...), ", "))
				if p.Templates > 0 {
					printf(a.out, "  duty templates version %d (by %s, %s)\n", p.Templates, p.TemplatesBy, p.TemplatesAt.Local().Format("2006-01-02 15:04"))
				} else {
					fmt.Fprintln(a.out, "  duty templates: none published (desks use the defaults and their config)")
				}
				printf(a.out, "  escort pool: %d escorts\n", p.Escorts)
				for _, fe := range p.FourEyes {
					if len(fe.Programmes) == 0 {
						printf(a.out, "  four-eyes check of %s: off (by %s)\n", fe.Office, fe.By)
					} else {
						what := strings.Join(fe.Programmes, ", ")
						if slices.Contains(fe.Programmes, booking.FourEyesAll) {
							what = "every programme"
						}
						printf(a.out, "  four-eyes check of %s: %s (by %s, %s)\n", fe.Office, what, fe.By, fe.At.Local().Format("2006-01-02 15:04"))
					}
				}
			}
			ids, err := central.PendingPublications(a.cfg.Data)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				fmt.Fprintln(a.out, "no publications waiting")
				return nil
			}
			for _, id := range ids {
				printf(a.out, "%s waiting (applied when the hub next runs)\n", id)
			}
			return nil
		},
	}
	c.AddCommand(tar, tpl, esc, status, newHubFourEyesCmd(a, &wait))
	return c
}

// readTemplatesFile reads and checks a templates file.
func readTemplatesFile(path string, programmes []string) (*booking.TemplatesRecord, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(raw) == 1 {
		if inner, ok := raw["templates"].(map[string]any); ok {
			raw = inner
		}
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%s: no templates (want keys default and programme names)", path)
	}
	if _, err := booking.ParseTemplates(raw, programmes); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	js, err := json.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	abs, _ := filepath.Abs(path)
	return &booking.TemplatesRecord{Version: 1, Templates: js, Programmes: programmes, Source: abs}, nil
}

// publish queues p at the hub in --data and sees it applied: by this
// process when the hub store is free, else by the running hub.
func (a *app) publish(cmd *cobra.Command, p *central.Publication, wait time.Duration) error {
	dir := a.cfg.Data
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("no hub data directory %s (run `movedesk serve --data %s` once, or fix --data)", dir, dir)
	}
	codec, err := a.codec()
	if err != nil {
		return err
	}
	if err := central.QueuePublication(dir, p); err != nil {
		return err
	}
	deadline := time.Now().Add(wait)
	told := false
	for {
		r, ok, err := central.PublicationResult(dir, p.ID)
		if err != nil {
			return err
		}
		if ok {
			os.Remove(filepath.Join(dir, central.PublishDir, p.ID+".result.json"))
			switch {
			case !r.OK && p.Backup != "":
				return fmt.Errorf("backup failed: %s", r.Message)
			case !r.OK:
				return fmt.Errorf("publication refused, nothing changed: %s", r.Message)
			case p.Backup != "":
				printLine(a.out, r.Message)
			default:
				printf(a.out, "published: %s; desks receive it on their next sync\n", r.Message)
			}
			return nil
		}
		s, err := store.Open(dir, store.Options{Desk: "hub", Codec: codec, LockTimeout: 100 * time.Millisecond})
		switch {
		case err == nil:
			_, err = central.ApplyPublications(s, dir)
			if cerr := s.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			continue
		case !errors.Is(err, store.ErrInUse):
			// This process cannot open the hub store (say, without its
			// key_file): take the publication back rather than leave it for
			// a hub that may apply it later.
			if rerr := os.Remove(filepath.Join(dir, central.PublishDir, p.ID+".json")); rerr == nil {
				return fmt.Errorf("%w; nothing published", err)
			}
			return err
		}
		if !told {
			fmt.Fprintln(a.err, "the hub is running; it takes the request within a second")
			told = true
		}
		if time.Now().After(deadline) {
			printf(a.out, "queued as %s; the hub store is busy, so it is applied when the hub next runs (see `movedesk hub publish status`)\n", p.ID)
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
}
