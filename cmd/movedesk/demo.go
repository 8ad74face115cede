package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"movedesk/auth"
	"movedesk/booking"
	"movedesk/demo"
	"movedesk/desk"
	"movedesk/store"
)

// demoBatch is how many cases go in one transaction: large enough to
// amortise commits, small enough to bound memory.
const demoBatch = 1000

// fillDemo generates the demo on one core and writes it on the other:
// batches of demoBatch cases flow through a small channel, each written in
// one transaction. A write error stops the generator.
func fillDemo(s *store.Store, opts demo.Options) error {
	batches := make(chan []booking.Record, 2)
	stop := make(chan struct{})
	genErr := make(chan error, 1)
	go func() {
		defer close(batches)
		var batch []booking.Record
		n := 0
		err := demo.Generate(opts, func(recs []booking.Record) error {
			// Encoded here, on the generator's core: the writer is the
			// bottleneck.
			for _, r := range recs {
				b, err := json.Marshal(r)
				if err != nil {
					return err
				}
				batch = append(batch, &store.Encoded{Record: r, JSON: b})
			}
			if n++; n%demoBatch == 0 {
				select {
				case batches <- batch:
				case <-stop:
					return errStopped
				}
				batch = nil
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			select {
			case batches <- batch:
			case <-stop:
			}
		}
		genErr <- err
	}()
	var werr error
	for batch := range batches {
		if werr != nil {
			continue
		}
		werr = s.Update("demo", func(tx *store.Tx) error {
			tx.Generated() // drawn whole by our generator, in a legal order
			written := map[string]*booking.Case{}
			last := map[string]int{}
			caseOf := func(r booking.Record) (*booking.Case, bool) {
				c, ok := r.(*store.Encoded).Record.(*booking.Case)
				return c, ok
			}
			for i, r := range batch {
				if c, ok := caseOf(r); ok {
					last[c.Number] = i
				}
			}
			for i, r := range batch {
				var err error
				if c, ok := caseOf(r); ok && written[c.Number] != nil && last[c.Number] != i && sameButStatus(written[c.Number], c) {
					// A status step on the way: only its three fields change
					// (the last write stores the case as Put encodes it).
					err = tx.SetFields(c.Number, statusFields(c))
				} else {
					err = tx.Put(r)
				}
				if err != nil {
					return fmt.Errorf("%s: %w", r.Key(), err)
				}
				if c, ok := caseOf(r); ok {
					written[c.Number] = c
				}
			}
			return nil
		})
		if werr != nil {
			close(stop)
		}
	}
	if err := <-genErr; err != nil && !errors.Is(err, errStopped) {
		return err
	}
	return werr
}

var errStopped = errors.New("stopped")

// sameButStatus reports whether b differs from a only in its status fields.
func sameButStatus(a, b *booking.Case) bool {
	x, y := *a, *b
	x.Status, x.HeldFrom, x.StatusReason = "", "", ""
	y.Status, y.HeldFrom, y.StatusReason = "", "", ""
	return x == y
}

// statusFields are c's status fields as a change (nil removes an empty one).
func statusFields(c *booking.Case) map[string]json.RawMessage {
	str := func(s string) json.RawMessage {
		if s == "" {
			return nil
		}
		b, _ := json.Marshal(s)
		return b
	}
	return map[string]json.RawMessage{"status": str(string(c.Status)), "held_from": str(string(c.HeldFrom)), "status_reason": str(c.StatusReason)}
}

func newDemoCmd(a *app) *cobra.Command {
	var cases int
	var seed uint64
	var office, today string
	var noDuties, noUsers bool
	c := &cobra.Command{
		Use:   "demo",
		Short: "Create a store of seeded, realistic demo cases (refuses a non-empty store)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.load(cmd); err != nil {
				return err
			}
			if cases < 1 {
				return usageError{fmt.Errorf("--cases must be at least 1")}
			}
			day := booking.DateOf(time.Now())
			if today != "" {
				d, err := booking.ParseDate(today)
				if err != nil {
					return usageError{fmt.Errorf("--today: %w", err)}
				}
				day = d
			}
			if fi, err := os.Stat(filepath.Join(a.cfg.Data, store.FileName)); err == nil && fi.Size() > 0 {
				return fmt.Errorf("%s already holds a store; demo only fills a new one (remove it or pick another --data)", a.cfg.Data)
			}
			start := time.Now()
			// A bulk generator with memory to spare: collect garbage less often.
			defer debug.SetGCPercent(debug.SetGCPercent(400))
			codec, err := a.codec()
			if err != nil {
				return err
			}
			// With users, the store is encrypted under a new data key
			// wrapped for each of them (a key file is not needed).
			var dk []byte
			var creds <-chan map[string]auth.Credential
			if !noUsers {
				dk, creds = store.NewDataKey(), demoCredentials()
				if codec, err = store.NewAESCodec(dk); err != nil {
					return err
				}
			}
			s, err := store.Open(a.cfg.Data, store.Options{Desk: a.cfg.Desk, NoSync: true, Bulk: true, Codec: codec,
				ReportGate: desk.ReportGate(a.deskConfig())})
			if err != nil {
				return err
			}
			opts := demo.Options{Cases: cases, Seed: seed, Office: office, Today: day, NoDuties: noDuties}
			if err := demoRouting(&opts); err != nil {
				s.Close()
				return err
			}
			err = fillDemo(s, opts)
			if err == nil && !noUsers {
				err = addDemoUsers(a, s, cmp.Or(office, a.cfg.Office, "RBA"), <-creds, dk)
			}
			if cerr := s.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "created %d demo cases in %s (%s)\n", cases, a.cfg.Data, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	c.Flags().IntVar(&cases, "cases", 2000, "number of cases")
	c.Flags().Uint64Var(&seed, "seed", 1, "random seed (same seed and day, same data)")
	c.Flags().StringVar(&office, "office", "", "put every case in this office (RBA, KLT, SAL, WAS)")
	c.Flags().StringVar(&today, "today", "", "date the demo is relative to (default today)")
	c.Flags().BoolVar(&noUsers, "no-users", false, "no users and no encryption (anyone at the keyboard acts as the configured user)")
	c.Flags().BoolVar(&noDuties, "no-duties", false, "leave out escorts, checklists, exit permits and custody (a clean slate)")
	return c
}
