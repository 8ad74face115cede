package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/desk"
	"movedesk/store"
)

// Duties before departure: checklists, escorts, exit permits, custody,
// counselling, and the gated move to ready-to-depart.

// checklistReport is `checklist show --json`: every checklist and the gate.
type checklistReport struct {
	Case       string               `json:"case"`
	Status     booking.Status       `json:"status"`
	Programme  string               `json:"programme"`
	Departure  booking.Date         `json:"departure,omitzero"`
	Checklists []booking.Checklist  `json:"checklists"`
	EscortNeed []booking.EscortNeed `json:"escort_needs"`
	Permits    []booking.ExitPermit `json:"permits"`
	Custody    []booking.Custody    `json:"custody"`
	Gate       []booking.GateItem   `json:"gate"`
	GateOpen   bool                 `json:"gate_open"`
}

func newChecklistCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "checklist", Short: "Duties before departure: checklists and the ready-to-depart gate", Args: noArgs}
	c.AddCommand(newChecklistShowCmd(a), newChecklistToggleCmd(a), newChecklistSetCmd(a, true), newChecklistSetCmd(a, false), newChecklistReadyCmd(a))
	return c
}

func newChecklistShowCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show CASE",
		Short: "Show every checklist of a case and the gate with its open items",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withReadDesk(cmd, func(d *desk.Service) error {
				f, err := d.Store().CaseFile(args[0])
				if err != nil {
					return err
				}
				in := d.GateInput(f)
				pt, dep := in.Templates.For(f.Case.Programme), f.DepartureDate()
				r := checklistReport{Case: f.Case.Number, Status: f.Case.Status, Programme: f.Case.Programme, Departure: dep,
					Checklists: f.Checklists(pt, dep), EscortNeed: f.EscortNeeds(pt, dep), Permits: f.Permits, Custody: f.Custody,
					Gate: f.GateWith(in)}
				r.GateOpen = len(r.Gate) == 0
				if r.Gate == nil {
					r.Gate = []booking.GateItem{}
				}
				if asJSON {
					return writeJSON(a.out, r)
				}
				printChecklists(a.out, &r)
				return nil
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	return c
}

func printChecklists(w io.Writer, r *checklistReport) {
	printf(w, "%s  %s  %s  departs %s\n", r.Case, r.Status, r.Programme, r.Departure)
	for _, cl := range r.Checklists {
		open := len(cl.Open())
		printf(w, "\n%s (%s): %d item(s), %d open\n", cl.Title, cl.Name, len(cl.Items), open)
		group := ""
		for _, it := range cl.Items {
			if it.Group != group {
				group = it.Group
				printf(w, "  %s\n", group)
			}
			mark, who := "[ ]", ""
			if it.Done {
				mark, who = "[x]", fmt.Sprintf("  %s %s", it.By, it.At.Local().Format("2006-01-02 15:04"))
			}
			opt := ""
			if !it.Gate {
				opt = " (optional)"
			}
			printf(w, "    %s %-22s %s%s%s\n", mark, it.Key, it.Label, opt, who)
		}
	}
	if len(r.EscortNeed) > 0 {
		fmt.Fprintln(w, "\nEscort needed:")
		for _, n := range r.EscortNeed {
			printf(w, "  traveller %d: %s escort (rule %s)\n", n.Traveller, n.Type, n.Rule)
		}
	}
	if len(r.Permits) > 0 {
		fmt.Fprintln(w, "\nExit permits:")
		for _, p := range r.Permits {
			who := "whole case"
			if p.Member > 0 {
				who = fmt.Sprintf("traveller %d", p.Member)
			}
			printf(w, "  %s %s (%s): %s\n", p.ID, who, p.Authority, p.Describe())
		}
	}
	if r.GateOpen {
		fmt.Fprintln(w, "\nGate: open; the case may move to ready-to-depart")
		return
	}
	printf(w, "\nGate: %d open item(s)\n", len(r.Gate))
	for _, it := range r.Gate {
		printf(w, "  - [%s] %s\n", it.Code, it.Message)
	}
}

func newChecklistToggleCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "toggle CASE CHECKLIST ITEM",
		Short: "Tick or untick one item (verification, counselling, escort, travel-bag)",
		Long: `Tick or untick one checklist item; the item keys are those printed by
checklist show (e.g. 01/biodata, transit, E0001/briefed, 02/medical-records).
Each toggle is one change recorded with who and when.`,
		Args: exactArgs(3, "CASE CHECKLIST ITEM"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(d *desk.Service) error {
				it, _, err := d.ToggleItem(a.cfg.User, args[0], args[1], args[2])
				if err != nil {
					return err
				}
				state := "unticked"
				if it.Done {
					state = "ticked by " + it.By
				}
				printf(a.out, "%s %s: %s %s\n", args[0], it.Key, it.Label, state)
				return nil
			})
		},
	}
}

// newChecklistSetCmd is `checklist tick` (done) or `checklist untick`:
// unlike toggle, running it twice leaves the item as asked.
func newChecklistSetCmd(a *app, done bool) *cobra.Command {
	verb, short := "untick", "Untick one item (no change if it is not ticked)"
	if done {
		verb, short = "tick", "Tick one item (no change if it is already ticked)"
	}
	return &cobra.Command{
		Use:   verb + " CASE CHECKLIST ITEM",
		Short: short,
		Long: short + `; the item keys are those printed by checklist show
(e.g. 01/biodata, transit, E0001/briefed, 02/medical-records). Safe to run
twice from a script, unlike toggle.`,
		Args: exactArgs(3, "CASE CHECKLIST ITEM"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(d *desk.Service) error {
				it, changed, err := d.SetItem(a.cfg.User, args[0], args[1], args[2], done)
				if err != nil {
					return err
				}
				state := "unticked"
				if it.Done {
					state = "ticked by " + it.By
				}
				if !changed {
					state = "already " + state + " (no change)"
				}
				printf(a.out, "%s %s: %s %s\n", args[0], it.Key, it.Label, state)
				return nil
			})
		},
	}
}

func newChecklistReadyCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "ready CASE",
		Short: "Move a case to ready-to-depart through the full gate (lists the open items if refused)",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(d *desk.Service) error {
				if err := d.MoveStatus(a.cfg.User, args[0], booking.StatusReadyToDepart, ""); err != nil {
					return err
				}
				printf(a.out, "%s is ready to depart\n", args[0])
				return nil
			})
		},
	}
}

func newEscortCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "escort", Short: "The escort pool and escort assignments", Args: noArgs}
	c.AddCommand(newEscortListCmd(a), newEscortAddCmd(a), newEscortAssignCmd(a))
	return c
}

func newEscortListCmd(a *app) *cobra.Command {
	var asJSON bool
	var caseNo string
	c := &cobra.Command{
		Use:   "list",
		Short: "List the escort pool; with --case, ranked for that case's booking (best match first)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withReadDesk(cmd, func(d *desk.Service) error {
				pool, err := d.Escorts()
				if err != nil {
					return err
				}
				if caseNo == "" {
					if asJSON {
						return writeJSON(a.out, pool)
					}
					tw := tabwriter.NewWriter(a.out, 0, 2, 2, ' ', 0)
					fmt.Fprintln(tw, "ID\tNAME\tTYPE\tLANGUAGES\tPASSPORT EXPIRY\tAVAILABLE")
					for _, e := range pool {
						printf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Name, e.Type, strings.Join(e.Languages, ","), e.PassportExpiry, windows(e.Available))
					}
					return tw.Flush()
				}
				ranked, err := d.RankEscorts(caseNo)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(a.out, ranked)
				}
				tw := tabwriter.NewWriter(a.out, 0, 2, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tTYPE\tSHARED LANGUAGES\tPROBLEMS")
				for _, c := range ranked {
					var ps []string
					for _, p := range c.Problems {
						ps = append(ps, p.Message)
					}
					printf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Escort.ID, c.Escort.Name, c.Escort.Type, strings.Join(c.Shared, ","), strings.Join(ps, "; "))
				}
				return tw.Flush()
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	c.Flags().StringVar(&caseNo, "case", "", "rank the pool for this case's active booking")
	return c
}

func windows(ws []booking.Window) string {
	if len(ws) == 0 {
		return "any time"
	}
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.From.String() + ".." + w.To.String()
	}
	return strings.Join(parts, ", ")
}

// escortFlags are the flags that describe an escort, shared by `escort add`
// at a desk and `hub publish escort` at the hub.
type escortFlags struct {
	e           booking.Escort
	typ, expiry string
	avail       []string
}

func (f *escortFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.e.Name, "name", "", "full name (required)")
	c.Flags().StringVar(&f.typ, "type", "operational", "medical or operational")
	c.Flags().StringSliceVar(&f.e.Languages, "languages", nil, "languages spoken (comma-separated)")
	c.Flags().StringVar(&f.e.Sex, "sex", "", "F, M or X")
	c.Flags().StringVar(&f.e.PassportNumber, "passport", "", "passport number")
	c.Flags().StringVar(&f.expiry, "passport-expiry", "", "passport expiry (YYYY-MM-DD)")
	c.Flags().StringSliceVar(&f.e.Qualifications, "qualifications", nil, "qualifications (comma-separated)")
	c.Flags().StringArrayVar(&f.avail, "available", nil, "availability window FROM..TO (repeatable; none: any time)")
}

// escort returns the escort the flags describe, checked.
func (f *escortFlags) escort(id string) (*booking.Escort, error) {
	e := f.e
	e.ID = strings.ToUpper(id)
	t, err := booking.ParseEscortType(f.typ)
	if err != nil {
		return nil, usageError{err}
	}
	e.Type = t
	if e.PassportExpiry, err = booking.ParseDate(f.expiry); err != nil {
		return nil, usageError{fmt.Errorf("--passport-expiry: %w", err)}
	}
	for _, w := range f.avail {
		from, to, ok := strings.Cut(w, "..")
		fd, err1 := booking.ParseDate(from)
		td, err2 := booking.ParseDate(to)
		if !ok || err1 != nil || err2 != nil {
			return nil, usageError{fmt.Errorf("--available %q: want FROM..TO dates (2026-12-01..2026-12-20)", w)}
		}
		e.Available = append(e.Available, booking.Window{From: fd, To: td})
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return &e, nil
}

func newEscortAddCmd(a *app) *cobra.Command {
	var f escortFlags
	c := &cobra.Command{
		Use:   "add ID",
		Short: "Add or update an escort in this desk's pool",
		Long: `Add or update an escort in this desk's pool. The pool the central office
shares with every desk is published at the hub with ` + "`movedesk hub publish escort`" + `.`,
		Args: exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := f.escort(args[0])
			if err != nil {
				return err
			}
			return a.withDesk(cmd, func(d *desk.Service) error {
				if err := d.AddEscort(a.cfg.User, e); err != nil {
					return err
				}
				printf(a.out, "escort %s %s (%s), in this desk's pool\n", e.ID, e.Name, e.Type)
				return nil
			})
		},
	}
	f.register(c)
	return c
}

// parseSegment reads "CARRIER,FLIGHT,FROM,TO,DEPART,ARRIVE".
func parseSegment(s string) (booking.Segment, error) { return booking.ParseSegment(s) }

func newEscortAssignCmd(a *app) *cobra.Command {
	var segs, travellers []int
	var ret []string
	c := &cobra.Command{
		Use:   "assign CASE ESCORT",
		Short: "Assign an escort to a case's active booking (adds the escort seat and re-prices)",
		Long: `Assign an escort to the case's active booking. Refused when the escort is on
another trip at the same time, their passport expires before the trip ends,
they are unavailable, or the case needs a medical escort and they are not one.
A missing return trip or no shared language is a warning (the gate still
requires the return). The booking's escort seats are raised and re-priced.`,
		Args: exactArgs(2, "CASE ESCORT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			r := desk.EscortRequest{Case: args[0], Escort: args[1], Segments: segs, Travellers: travellers}
			for _, x := range ret {
				sg, err := parseSegment(x)
				if err != nil {
					return usageError{fmt.Errorf("--return %w", err)}
				}
				r.Return = append(r.Return, sg)
			}
			return a.withDesk(cmd, func(d *desk.Service) error {
				trip, warns, err := d.AssignEscort(a.cfg.User, r)
				if err != nil {
					return err
				}
				printf(a.out, "%s escorts case %s on booking %s, %s to %s\n", trip.Escort, trip.Case, trip.Booking, trip.Start, trip.End)
				for _, w := range warns {
					printf(a.err, "warning: %s\n", w.Message)
				}
				return nil
			})
		},
	}
	c.Flags().IntSliceVar(&segs, "segments", nil, "booking segments the escort flies (1-based; default all)")
	c.Flags().IntSliceVar(&travellers, "travellers", nil, "members escorted (default the whole case)")
	c.Flags().StringArrayVar(&ret, "return", nil, "return segment CARRIER,FLIGHT,FROM,TO,DEPART,ARRIVE (repeatable, in order)")
	return c
}

func newPermitCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "permit", Short: "Exit permits", Args: noArgs}
	c.AddCommand(newPermitSetCmd(a))
	return c
}

func newPermitSetCmd(a *app) *cobra.Command {
	var member int
	var id string
	var fresh bool
	str := map[string]*string{}
	fields := []string{"country", "authority", "status", "submitted", "decided", "valid-from", "valid-until", "reason-code", "reason-text"}
	c := &cobra.Command{
		Use:   "set CASE",
		Short: "Record or update an exit permit (of a traveller with --member, else of the whole case)",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var p desk.PermitPatch
			for _, name := range fields {
				if cmd.Flags().Changed(name) {
					if err := setPermitField(&p, name, *str[name]); err != nil {
						return err
					}
				}
			}
			return a.withDesk(cmd, func(d *desk.Service) error {
				pid := id
				if pid == "" && !fresh {
					// No id: the traveller's only permit, or a new one.
					f, err := d.Store().CaseFile(args[0])
					if err != nil {
						return err
					}
					if pid, err = f.OnlyPermit(member); err != nil {
						return err
					}
				}
				x, err := d.SetPermit(a.cfg.User, args[0], member, pid, p)
				if err != nil {
					return err
				}
				printf(a.out, "permit %s of %s: %s\n", x.ID, args[0], x.Describe())
				return nil
			})
		},
	}
	c.Flags().IntVar(&member, "member", 0, "traveller member id (0: the whole case)")
	c.Flags().StringVar(&id, "id", "", "permit id (default: the traveller's only permit, or a new one when none)")
	c.Flags().BoolVar(&fresh, "new", false, "record a new application (its id is made here)")
	c.MarkFlagsMutuallyExclusive("id", "new")
	for _, n := range fields {
		str[n] = new(string)
		c.Flags().StringVar(str[n], n, "", permitHelp[n])
	}
	return c
}

var permitHelp = map[string]string{
	"country":     "issuing country (2- or 3-letter code)",
	"authority":   "issuing authority",
	"status":      "pending, approved, denied or expired",
	"submitted":   "date submitted (YYYY-MM-DD)",
	"decided":     "date decided",
	"valid-from":  "valid from",
	"valid-until": "valid until (required when approved)",
	"reason-code": "denial reason: " + strings.Join(booking.PermitDenialReasons, ", "),
	"reason-text": "denial reason in words",
}

// setPermitField sets the patch field of `permit set`'s flag name from its
// text; a bad date is an error on the permit's field.
func setPermitField(p *desk.PermitPatch, name, v string) error {
	date := func(d **booking.Date) error {
		x, err := booking.ParseDate(v)
		if err != nil {
			return booking.Errorf(booking.EINVALID, strings.ReplaceAll(name, "-", "_"), "%v", err)
		}
		*d = &x
		return nil
	}
	switch name {
	case "country":
		p.Country = &v
	case "authority":
		p.Authority = &v
	case "status":
		p.Status = &v
	case "reason-code":
		p.ReasonCode = &v
	case "reason-text":
		p.ReasonText = &v
	case "submitted":
		return date(&p.Submitted)
	case "decided":
		return date(&p.Decided)
	case "valid-from":
		return date(&p.ValidFrom)
	case "valid-until":
		return date(&p.ValidUntil)
	}
	return nil
}

func newCustodyCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "custody", Short: "Document custody trails", Args: noArgs}
	c.AddCommand(newCustodyLogCmd(a), newCustodyAddCmd(a))
	return c
}

func newCustodyLogCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "log CASE",
		Short: "Show the custody trail of every document of a case",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withRead(cmd, func(s *store.Store) error {
				f, err := s.CaseFile(args[0])
				if err != nil {
					return err
				}
				if asJSON {
					out := f.Custody
					if out == nil {
						out = []booking.Custody{}
					}
					return writeJSON(a.out, out)
				}
				if len(f.Custody) == 0 {
					printf(a.out, "%s: no custody records\n", args[0])
					return nil
				}
				tw := tabwriter.NewWriter(a.out, 0, 2, 2, ' ', 0)
				fmt.Fprintln(tw, "TRAVELLER\tDOCUMENT\tWHEN\tACTION\tFROM\tTO / WHERE\tBY")
				for _, c := range f.Custody {
					for _, e := range c.Events {
						where := e.To
						if e.Action == booking.CustodyStored {
							where = e.Location
						}
						printf(tw, "%02d\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Member, c.Document, e.At.Local().Format("2006-01-02 15:04"), e.Action, e.From, where, e.By)
					}
				}
				return tw.Flush()
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	return c
}

func newCustodyAddCmd(a *app) *cobra.Command {
	var e booking.CustodyEvent
	c := &cobra.Command{
		Use:   "add CASE MEMBER DOCUMENT",
		Short: "Record a custody step: received, stored, handed-over (needs verification) or returned",
		Args:  exactArgs(3, "CASE MEMBER DOCUMENT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := strconv.Atoi(args[1])
			if err != nil {
				return usageError{fmt.Errorf("member %q must be a number", args[1])}
			}
			return a.withDesk(cmd, func(d *desk.Service) error {
				rec, err := d.AddCustody(a.cfg.User, args[0], m, args[2], e)
				if err != nil {
					return err
				}
				printf(a.out, "%s document %s of traveller %d: %s; held by %s\n", args[0], args[2], m, e.Action, rec.Holder())
				return nil
			})
		},
	}
	c.Flags().StringVar(&e.Action, "action", "", "received, stored, handed-over or returned")
	c.Flags().StringVar(&e.From, "from", "", "received from")
	c.Flags().StringVar(&e.To, "to", "", "handed or returned to")
	c.Flags().StringVar(&e.Location, "location", "", "stored where")
	c.Flags().StringVar(&e.Note, "note", "", "note")
	return c
}

func newCounsellingCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "counselling", Short: "Pre-departure counselling sessions", Args: noArgs}
	c.AddCommand(newCounsellingSetCmd(a), newCounsellingActionCmd(a))
	return c
}

func newCounsellingSetCmd(a *app) *cobra.Command {
	var date, counsellor, language, interpreter string
	c := &cobra.Command{
		Use:   "set CASE",
		Short: "Record the counselling session: date, counsellor, language, interpreter",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := booking.ParseDate(date)
			if err != nil {
				return usageError{fmt.Errorf("--date: %w", err)}
			}
			p := desk.CounsellingPatch{Date: &d}
			if counsellor != "" {
				p.Counsellor = &counsellor
			}
			if cmd.Flags().Changed("language") {
				p.Language = &language
			}
			if cmd.Flags().Changed("interpreter") {
				p.Interpreter = &interpreter
			}
			return a.withDesk(cmd, func(dk *desk.Service) error {
				c, err := dk.SetCounselling(a.cfg.User, args[0], p)
				if err != nil {
					return err
				}
				printf(a.out, "counselling of %s on %s by %s\n", args[0], c.Date, c.Counsellor)
				return nil
			})
		},
	}
	c.Flags().StringVar(&date, "date", "", "session date (default today)")
	c.Flags().StringVar(&counsellor, "counsellor", "", "counsellor (default you)")
	c.Flags().StringVar(&language, "language", "", "language of the session")
	c.Flags().StringVar(&interpreter, "interpreter", "", "interpreter used (name), empty if none")
	return c
}

func newCounsellingActionCmd(a *app) *cobra.Command {
	var traveller int
	c := &cobra.Command{
		Use:   "action CASE NOTE",
		Short: "Note a vulnerability as an action item (it blocks the gate until ticked)",
		Args:  exactArgs(2, "CASE NOTE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(d *desk.Service) error {
				id, err := d.AddCounsellingAction(a.cfg.User, args[0], traveller, args[1])
				if err != nil {
					return err
				}
				printf(a.out, "action/%s noted on %s (tick it with: movedesk checklist toggle %s counselling action/%s)\n", id, args[0], args[0], id)
				return nil
			})
		},
	}
	c.Flags().IntVar(&traveller, "traveller", 0, "traveller concerned (0: the whole case)")
	return c
}
