package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/desk"
	"movedesk/flights"
	"movedesk/store"
)

func newCaseCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "case", Short: "List, show and change cases", Args: noArgs}
	c.AddCommand(newCaseListCmd(a), newCaseShowCmd(a), newCaseSetCmd(a), newCaseStatusCmd(a), newCaseHistoryCmd(a), newCaseAssignCmd(a), newCaseReceiptCmd(a), newCaseDuplicatesCmd(a), newCaseContactCmd(a), newCaseLogCmd(a))
	return c
}

// writeJSON writes v as indented JSON, with the controls encoding/json
// leaves raw escaped too (jsonEscapeControls).
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(jsonEscapeControls(buf.Bytes()))
	return err
}

// writeJSONLines writes a JSON array with one compact element per line:
// valid JSON for tools, greppable for people, and fast on 100k rows.
func writeJSONLines[T any](w io.Writer, items []T) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("[")
	for i := range items {
		b, err := json.Marshal(&items[i])
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n")
		bw.Write(jsonEscapeControls(b))
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

func newCaseListCmd(a *app) *cobra.Command {
	var status, office, assignee string
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List cases (from the indexes; fast on large stores)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := store.Filter{Office: office, Assignee: assignee}
			if status != "" {
				st, err := booking.ParseStatus(status)
				if err != nil {
					return usageError{err}
				}
				f.Status = st
			}
			s, done, err := a.openRead(cmd)
			if err != nil {
				return err
			}
			defer done()
			rows, err := s.List(f)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSONLines(a.out, rows)
			}
			tw := tabwriter.NewWriter(a.out, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "CASE\tSTATUS\tPRI\tPRINCIPAL\tPAX\tTO\tREADY\tDEPARTS")
			for _, r := range rows {
				printf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", r.Number, r.Status, booking.PriorityName(r.Priority),
					r.Principal, r.Size, r.DestAirport, r.TravelReady, r.Departure)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			printf(a.err, "%d case(s)\n", len(rows))
			return nil
		},
	}
	c.Flags().StringVar(&status, "status", "", "only cases in this status")
	c.Flags().StringVar(&office, "office", "", "only cases of this office")
	c.Flags().StringVar(&assignee, "assignee", "", "only cases assigned to this user")
	c.Flags().BoolVar(&asJSON, "json", false, "JSON output (an array of rows)")
	return c
}

func newCaseShowCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show CASE",
		Short: "Show a case with its travellers, documents and bookings",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Written to: the desk's access log notes who opened the case.
			return a.withWrite(cmd, func(s *store.Store) error {
				f, err := s.CaseFile(args[0])
				if err != nil {
					return err
				}
				if err := a.noteAccess(s, f.Case.Number, "case show"); err != nil {
					return err
				}
				if asJSON {
					return writeJSON(a.out, f)
				}
				printCaseFile(a.out, f, booking.DateOf(time.Now()))
				if b := f.ActiveBooking(); b != nil && b.PNR != "" {
					// A group's cases fly together: read the cases on this one's flights.
					var files []*booking.CaseFile
					for _, sg := range b.Segments {
						k, err := flights.ParseKey(sg.Carrier, sg.Flight, sg.Depart.Date().String())
						if err != nil {
							continue
						}
						fs, err := s.FlightFiles(k)
						if err != nil {
							return err
						}
						files = append(files, fs...)
					}
					if others := flights.PNRCases(files, b.PNR, f.Case.Number); len(others) > 0 {
						printf(a.out, "PNR %s also holds: %s\n", b.PNR, strings.Join(others, ", "))
					}
				}
				return nil
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	return c
}

func printCaseFile(w io.Writer, f *booking.CaseFile, today booking.Date) {
	c := f.Case
	printf(w, "%s  %s  %s  office %s  priority %s\n", c.Number, c.Programme, c.Status, c.Office, booking.PriorityName(c.Priority))
	if c.StatusReason != "" {
		printf(w, "  reason: %s\n", c.StatusReason)
	}
	printf(w, "  from %s (%s) to %s (%s)   sponsor: %s\n", c.OriginCity, c.OriginAirport, c.DestCity, c.DestAirport, c.Sponsor)
	printf(w, "  received %s  travel-ready %s  departure %s  assignee %s  ABN %s\n", c.Received, c.TravelReady, c.Departure, c.Assignee, c.ABNNumber)
	if c.RequestFrom != "" {
		printf(w, "  request from %s%s: %s\n", c.RequestFrom, refSuffix(c.RequestRef), receiptState(c))
	}
	if c.Notes != "" {
		printf(w, "  notes: %s\n", c.Notes)
	}
	fmt.Fprintln(w, "Travellers:")
	for _, t := range f.Travellers {
		pa := " "
		if t.Principal {
			pa = "*"
		}
		printf(w, " %s%2d %-30s %s %s age %d %s %s  %s\n", pa, t.Member, t.FullName(), t.Sex, t.BirthDate,
			t.BirthDate.Age(today), booking.PassengerType(t.BirthDate, today), t.Relationship, strings.Join(t.SSR, " "))
		for _, d := range f.DocumentsOf(t.Member) {
			flag := ""
			switch {
			case d.ExpiresBefore(today):
				flag = "  EXPIRED"
			case d.ExpiresBefore(today.AddDays(90)):
				flag = "  expires soon"
			}
			printf(w, "      %-4s %s expires %s%s\n", d.ID, d.Describe(), d.ExpiryDate, flag)
		}
	}
	for _, b := range f.Bookings {
		printf(w, "Booking %s (%s), travellers %s, escort seats %d", b.ID, b.Status, joinInts(b.Travellers), b.EscortSeats)
		if b.PNR != "" {
			printf(w, ", PNR %s", b.PNR)
		}
		for _, t := range b.Tickets {
			printf(w, ", ticket %d %s", t.Member, t.Number)
		}
		fmt.Fprintln(w)
		for _, s := range b.Segments {
			printf(w, "   %s%-4s %s-%s  %s  %s\n", s.Carrier, s.Flight, s.From, s.To, s.Depart, s.Arrive)
		}
	}
	printf(w, "Allowed next: %s\n", allowedNext(c))
}

func refSuffix(ref string) string {
	if ref == "" {
		return ""
	}
	return " (ref " + ref + ")"
}

// receiptState says whether the request's receipt was confirmed.
func receiptState(c booking.Case) string {
	if c.ReceiptConfirmed.IsZero() {
		return "receipt NOT yet confirmed"
	}
	return "receipt confirmed " + c.ReceiptConfirmed.String() + " by " + c.ReceiptConfirmedBy
}

// newCaseReceiptCmd is `case receipt CASE`: the receipt of the request was
// confirmed to its sender.
func newCaseReceiptCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "receipt CASE",
		Short: "Record that the receipt of the case's request was confirmed to its sender (request_from)",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(d *desk.Service) error {
				c, err := d.ConfirmReceipt(a.cfg.User, args[0])
				if err != nil {
					return err
				}
				printf(a.out, "%s: receipt of the request from %s%s confirmed on %s by %s\n", c.Number, c.RequestFrom, refSuffix(c.RequestRef), c.ReceiptConfirmed, c.ReceiptConfirmedBy)
				return nil
			})
		},
	}
}

// allowedNext lists the statuses case c may move to, in words.
func allowedNext(c booking.Case) string {
	next := booking.Allowed(c.Status, c.HeldFrom)
	if len(next) == 0 {
		return "none (" + string(c.Status) + " is final)"
	}
	names := make([]string, len(next))
	for i, s := range next {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// joinInts prints member numbers as "1, 2, 3".
func joinInts(ns []int) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return strings.Join(out, ", ")
}

func newCaseSetCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "set CASE FIELD=VALUE...",
		Short: "Set case or traveller fields (traveller.2.family_name=..., traveller.2.document.d1.expiry_date=...)",
		Args:  minArgs(2, "CASE FIELD=VALUE..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			var as []store.Assignment
			for _, arg := range args[1:] {
				as1, err := store.ParseAssignment(arg)
				if err != nil {
					return usageError{err}
				}
				as = append(as, as1)
			}
			return a.withDesk(cmd, func(d *desk.Service) error {
				if err := d.SetFields(a.cfg.User, args[0], as); err != nil {
					return fmt.Errorf("case %s: %w", args[0], err)
				}
				printf(a.out, "%s: %d field(s) set\n", args[0], len(as))
				return nil
			})
		},
	}
}

func newCaseStatusCmd(a *app) *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "status CASE STATUS",
		Short: "Move a case to another status (through the state machine)",
		Args:  exactArgs(2, "CASE STATUS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			to, err := booking.ParseStatus(args[1])
			if err != nil {
				return err
			}
			return a.withDesk(cmd, func(d *desk.Service) error {
				if err := d.MoveStatus(a.cfg.User, args[0], to, reason); err != nil {
					return err
				}
				printf(a.out, "%s: now %s\n", args[0], to)
				return nil
			})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "reason (required for on-hold and cancelled)")
	return c
}

func newCaseHistoryCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "history CASE",
		Short: "Show who changed what and when, from the change log",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := a.openRead(cmd)
			if err != nil {
				return err
			}
			defer done()
			ops, err := s.History(args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.out, ops)
			}
			for _, op := range ops {
				_, rest, _ := strings.Cut(op.Key, "/")
				if rest == "" {
					rest = "case"
				}
				printf(a.out, "%s  %-14s %-22s %s\n    %s\n", op.HLC.Time().Local().Format("2006-01-02 15:04:05"),
					op.Actor, rest, op.ID(), op.Summary(60))
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	return c
}

func newCaseAssignCmd(a *app) *cobra.Command {
	var to string
	c := &cobra.Command{
		Use:   "assign CASE... --to USER",
		Short: "Assign cases to a user (team leaders; all or none, in one transaction)",
		Args:  minArgs(1, "CASE..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			if to == "" {
				return usageError{fmt.Errorf("usage: movedesk case assign CASE... --to USER")}
			}
			return a.withDesk(cmd, func(d *desk.Service) error {
				n, err := d.AssignCases(a.cfg.User, to, args...)
				if err != nil {
					return err
				}
				printf(a.out, "%d case(s) assigned to %s (%d already were)\n", n, to, len(uniq(args))-n)
				return nil
			})
		},
	}
	c.Flags().StringVar(&to, "to", "", "user to assign the cases to")
	return c
}

// uniq returns ss without repeats, in order.
func uniq(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
