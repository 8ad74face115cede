package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/desk"
)

// newReviewCmd: `movedesk review list|approve|reject`, the four-eyes check
// of bookings by a team leader.
func newReviewCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "review",
		Short: "The four-eyes check: bookings a team leader approves before their ABN is sent",
		Long: `review lists the bookings awaiting a team leader's approval (where the
office's four-eyes policy, published at the hub, names the case's programme),
and approves or rejects one. An approval holds for the booking as it is: any
later change to the booking needs a new one. Nobody approves their own
booking. A rejection needs a reason and sends the case back to who booked it.`,
		Args: noArgs,
	}
	var asJSON, all bool
	list := &cobra.Command{
		Use:   "list [--all] [--json]",
		Short: "Bookings awaiting approval (--all: rejected and approved ones of booked cases too)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withReadDesk(cmd, func(d *desk.Service) error {
				items, err := d.ReviewList(all)
				if err != nil {
					return err
				}
				if asJSON {
					out := make([]reviewRow, len(items))
					for i, it := range items {
						out[i] = newReviewRow(it)
					}
					return writeJSONLines(a.out, out)
				}
				if len(items) == 0 {
					printLine(a.out, "no booking awaits review")
					return nil
				}
				for _, it := range items {
					r := newReviewRow(it)
					printf(a.out, "%-16s %-9s %-8s %-22s booked by %-14s on %s  %s %s\n", r.Case, r.State, r.Programme,
						trimTo(r.Principal, 22), r.BookedBy, r.BookedOn, r.Departure, r.Assignee)
					if r.Reason != "" {
						printf(a.out, "    rejected by %s: %s\n", r.By, r.Reason)
					}
				}
				return nil
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	list.Flags().BoolVar(&all, "all", false, "also the rejected and approved bookings of booked cases")
	approve := &cobra.Command{
		Use:   "approve CASE",
		Short: "Approve the case's booking as it is (team leaders; not your own booking)",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(d *desk.Service) error {
				r, err := d.ApproveBooking(a.cfg.User, args[0])
				if err != nil {
					return err
				}
				printf(a.out, "%s: booking %s approved by %s; its ABN may be sent\n", r.Case, r.Booking, r.By)
				return nil
			})
		},
	}
	var reason string
	reject := &cobra.Command{
		Use:   "reject CASE --reason TEXT",
		Short: "Reject the case's booking with a reason; the case goes back to who booked it",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return usageError{fmt.Errorf("usage: movedesk review reject CASE --reason TEXT (the reason is required)")}
			}
			return a.withDesk(cmd, func(d *desk.Service) error {
				r, err := d.RejectBooking(a.cfg.User, args[0], reason)
				if err != nil {
					return err
				}
				back := ""
				if r.Author != "" {
					back = "; back to " + r.Author
				}
				printf(a.out, "%s: booking %s rejected by %s%s: %s\n", r.Case, r.Booking, r.By, back, r.Reason)
				return nil
			})
		},
	}
	reject.Flags().StringVar(&reason, "reason", "", "why (required): what must change")
	c.AddCommand(list, approve, reject)
	return c
}

// reviewRow is one line of `review list --json`.
type reviewRow struct {
	Case      string `json:"case"`
	State     string `json:"state"`
	Office    string `json:"office"`
	Programme string `json:"programme"`
	Principal string `json:"principal"`
	Assignee  string `json:"assignee,omitempty"`
	Booking   string `json:"booking"`
	BookedBy  string `json:"booked_by,omitempty"`
	BookedOn  string `json:"booked_on,omitempty"`
	Departure string `json:"departure,omitempty"`
	By        string `json:"by,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

func newReviewRow(it desk.ReviewItem) reviewRow {
	r := reviewRow{Case: it.Summary.Number, State: string(it.State), Office: it.Summary.Office, Programme: it.Summary.Programme,
		Principal: it.Summary.Principal, Assignee: it.Summary.Assignee, Booking: it.Booking.ID, BookedBy: it.Booking.BookedBy}
	if !it.Booking.BookedOn.IsZero() {
		r.BookedOn = it.Booking.BookedOn.String()
	}
	if !it.Summary.Departure.IsZero() {
		r.Departure = it.Summary.Departure.String()
	}
	if it.State != booking.ReviewAwaiting && it.Review != nil {
		r.By, r.Reason = it.Review.By, it.Review.Reason
	}
	return r
}

func trimTo(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// newHubFourEyesCmd: `movedesk hub publish four-eyes --office O
// --programmes P,Q|--all|--off`.
func newHubFourEyesCmd(a *app, wait *time.Duration) *cobra.Command {
	var office, programmes string
	var every, off bool
	c := &cobra.Command{
		Use:   "four-eyes --office O (--programmes P,Q | --all | --off)",
		Short: "Set an office's four-eyes check: bookings a team leader approves before their ABN is sent",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n := 0
			for _, b := range []bool{programmes != "", every, off} {
				if b {
					n++
				}
			}
			if office == "" || n != 1 {
				return usageError{fmt.Errorf("usage: %s", cmd.UseLine())}
			}
			fe := booking.FourEyes{Office: strings.ToUpper(strings.TrimSpace(office))}
			switch {
			case every:
				fe.Programmes = []string{booking.FourEyesAll}
			case programmes != "":
				for _, p := range strings.Split(programmes, ",") {
					if p = strings.TrimSpace(p); p != "" {
						fe.Programmes = append(fe.Programmes, p)
					}
				}
			}
			if err := a.load(cmd); err != nil {
				return err
			}
			return a.publish(cmd, &central.Publication{Actor: a.cfg.User, FourEyes: []booking.FourEyes{fe}}, *wait)
		},
	}
	c.Flags().StringVar(&office, "office", "", "office code (e.g. RBA)")
	c.Flags().StringVar(&programmes, "programmes", "", "programmes under the check, comma-separated")
	c.Flags().BoolVar(&every, "all", false, "every programme of the office")
	c.Flags().BoolVar(&off, "off", false, "turn the check off for the office")
	return c
}
