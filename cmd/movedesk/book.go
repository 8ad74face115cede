package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/desk"
	"movedesk/tariffs"
)

// bookReport is `book --json`: the quote with every finding and, when
// saved, the booking as written.
type bookReport struct {
	Case    string              `json:"case"`
	Saved   bool                `json:"saved"`
	Booking *booking.Booking    `json:"booking,omitempty"`
	Quote   tariffs.QuoteResult `json:"quote"`
}

func newBookCmd(a *app) *cobra.Command {
	var segs []string
	var travellers []int
	var escorts int
	var confirm, asJSON bool
	var reason, pnr string
	c := &cobra.Command{
		Use:   "book CASE --segment CARRIER,FLIGHT,FROM,TO,DEPART,ARRIVE...",
		Short: "Book a case: quote the itinerary, show every finding, save only when nothing blocks",
		Long: `Book a case as the app's booking form does: the itinerary is priced against
the active tariff version and judged against the travel rules; the quote (per
traveller, total USD, tariff version) and every finding are printed. The
booking is saved only when no finding blocks, and, when there are warnings,
only with --confirm-warnings (their codes are recorded on the booking).
Otherwise nothing is saved and the exit code is 1.`,
		Args: exactArgs(1, "CASE --segment CARRIER,FLIGHT,FROM,TO,DEPART,ARRIVE..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(segs) == 0 {
				return usageError{fmt.Errorf("book needs at least one --segment CARRIER,FLIGHT,FROM,TO,DEPART,ARRIVE")}
			}
			if escorts < 0 || escorts > 9 {
				return usageError{fmt.Errorf("--escort-seats must be 0 to 9, not %d", escorts)}
			}
			b := booking.Booking{Travellers: travellers, EscortSeats: escorts, Reason: reason, PNR: strings.ToUpper(strings.TrimSpace(pnr))}
			if b.PNR != "" && !booking.ValidPNR(b.PNR) {
				return usageError{fmt.Errorf("--pnr %q must be 6 letters or digits (like ABC123)", pnr)}
			}
			for _, x := range segs {
				sg, err := parseSegment(x)
				if err != nil {
					return usageError{fmt.Errorf("--segment %w", err)}
				}
				b.Segments = append(b.Segments, sg)
			}
			no := args[0]
			return a.withDesk(cmd, func(d *desk.Service) error {
				f, err := d.Store().CaseFile(no)
				if err != nil {
					return err
				}
				res, err := d.Book(a.cfg.User, no, b, confirm)
				if asJSON {
					if jerr := writeJSON(a.out, bookReport{Case: no, Saved: res.Saved, Booking: res.Booking, Quote: res.Quote}); jerr != nil {
						return jerr
					}
				} else {
					printBookQuote(a.out, f, res)
				}
				if err != nil {
					return err
				}
				if !asJSON {
					printf(a.out, "%s booked: booking %s, %d traveller(s), USD %s", no, res.Booking.ID, len(res.Booking.Travellers), tariffs.FormatAmount(res.Booking.TotalUSDCents))
					if len(res.Booking.Confirmed) > 0 {
						printf(a.out, " (warnings confirmed: %s)", strings.Join(res.Booking.Confirmed, ", "))
					}
					fmt.Fprintln(a.out)
				}
				return nil
			})
		},
	}
	c.Flags().StringArrayVar(&segs, "segment", nil, "segment CARRIER,FLIGHT,FROM,TO,DEPART,ARRIVE (repeatable, in travel order)")
	c.Flags().IntSliceVar(&travellers, "travellers", nil, "members travelling (default the whole case)")
	c.Flags().IntVar(&escorts, "escort-seats", 0, "escort seats to price with the booking")
	c.Flags().BoolVar(&confirm, "confirm-warnings", false, "save despite warnings (recorded on the booking)")
	c.Flags().StringVar(&reason, "reason", "", "why members of the case are left off the booking (required then)")
	c.Flags().StringVar(&pnr, "pnr", "", "the airline record locator (6 letters or digits); cases of a group share one")
	c.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	return c
}

// printBookQuote prints the quote of a booking attempt and every finding.
func printBookQuote(w io.Writer, f *booking.CaseFile, res *desk.BookResult) {
	q := res.Quote
	fmt.Fprintf(w, "%s  quote, tariff version %s\n", f.Case.Number, printable(q.Version))
	for _, p := range q.Passengers {
		who := fmt.Sprintf("%02d %s", p.Traveller, printable(p.Name))
		if p.Escort != 0 {
			who = fmt.Sprintf("escort seat %d", p.Escort)
		}
		usd := "(no tariff)"
		if p.Priced {
			usd = "USD " + tariffs.FormatAmount(p.USD)
		}
		printf(w, "  %-40s %-4s %s\n", who, p.FarePax, usd)
	}
	fmt.Fprintf(w, "  %-45s USD %s", "total", tariffs.FormatAmount(q.TotalUSD))
	if !q.Priced() {
		fmt.Fprint(w, " (incomplete: some segments have no tariff)")
	}
	fmt.Fprintln(w)
	if len(q.Findings) == 0 {
		fmt.Fprintln(w, "No findings.")
		return
	}
	fmt.Fprintln(w, "Findings:")
	for _, x := range q.Findings {
		fmt.Fprintln(w, "  "+printable(x.String()))
	}
}

// printable escapes control characters in s: text from storage is data,
// never terminal commands.
func printable(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}
