package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/desk"
	"movedesk/flights"
)

func newFlightCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "flight", Short: "Flights: who is on a carrier-flight-date, and its manifests", Args: noArgs}
	c.AddCommand(newFlightListCmd(a), newFlightShowCmd(a), newFlightManifestCmd(a))
	return c
}

// flightKey reads CARRIER FLIGHT DATE (or CARRIERFLIGHT DATE).
func flightKey(args []string) (flights.Key, error) {
	var k flights.Key
	var err error
	if len(args) == 2 {
		k, err = flights.ParseKey(args[0], "", args[1])
	} else {
		k, err = flights.ParseKey(args[0], args[1], args[2])
	}
	if err != nil {
		return k, usageError{err}
	}
	return k, nil
}

func flightArgs(cmd *cobra.Command, args []string) error {
	if len(args) != 2 && len(args) != 3 {
		return usageError{fmt.Errorf("usage: %s CARRIER FLIGHT DATE (or CARRIERFLIGHT DATE)", cmd.CommandPath())}
	}
	return nil
}

// loadFlight reads the flight k over the flight index, with the active
// tariff version's caps and the escorts' names.
func (a *app) loadFlight(cmd *cobra.Command, k flights.Key) (*flights.Flight, error) {
	var fl *flights.Flight
	err := a.withReadDesk(cmd, func(d *desk.Service) error {
		files, err := d.Store().FlightFiles(k)
		if err != nil {
			return err
		}
		opt, err := flightOptions(d)
		if err != nil {
			return err
		}
		fl = flights.Build(k, files, opt)
		return nil
	})
	return fl, err
}

// flightOptions are the programme caps of the active tariff version and
// the escorts' names.
func flightOptions(d *desk.Service) (flights.Options, error) {
	opt := flights.Options{EscortNames: map[string]string{}, Caps: flightCaps(d)}
	es, err := d.Escorts()
	if err != nil {
		return opt, err
	}
	for _, e := range es {
		opt.EscortNames[e.ID] = e.Name
	}
	return opt, nil
}

// flightCaps are the programme caps per flight of the active tariff
// version (none when it cannot be read).
func flightCaps(d *desk.Service) []flights.Cap {
	var out []flights.Cap
	rs, _ := d.ProgrammeRules()
	for _, r := range rs {
		if r.MaxPerFlight > 0 {
			out = append(out, flights.Cap{Programme: r.Programme, Country: r.Country, Max: r.MaxPerFlight})
		}
	}
	return out
}

func newFlightListCmd(a *app) *cobra.Command {
	var from, to, today string
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "Upcoming carrier-flight-dates with counts of cases, travellers, wheelchairs, escorts and MEDIFs",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now, err := dateFlag("--today", today, booking.DateOf(a.clock()))
			if err != nil {
				return err
			}
			lo, err := dateFlag("--from", from, now)
			if err != nil {
				return err
			}
			hi, err := dateFlag("--to", to, lo.AddDays(30))
			if err != nil {
				return err
			}
			if hi.Before(lo) {
				return usageError{fmt.Errorf("--to %s is before --from %s", hi, lo)}
			}
			return a.withReadDesk(cmd, func(d *desk.Service) error {
				ls, err := d.Store().FlightList(lo, hi, flightCaps(d))
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSONLines(a.out, ls)
				}
				// tabwriter writes cell by cell: buffer, or a month is 400k writes.
				bw := bufio.NewWriterSize(a.out, 1<<16)
				tw := tabwriter.NewWriter(bw, 0, 2, 2, ' ', 0)
				fmt.Fprintln(tw, "FLIGHT\tDATE\tROUTE\tDEPARTS\tCASES\tPAX\tADT\tCHD\tINF\tWCH\tESCORTS\tMEDIF\tCAP")
				// A month is tens of thousands of rows: appended, not formatted.
				var row []byte
				for _, f := range ls {
					t := f.Totals
					row = append(row[:0], booking.Printable(f.Carrier+f.Flight)...)
					row = append(append(row, '\t'), f.Date.String()...)
					row = append(append(row, '\t'), booking.Printable(f.From+"-"+f.To)...)
					row = append(append(row, '\t'), f.Depart.String()...)
					for _, n := range []int{t.Cases, t.Travellers, t.ADT, t.CHD, t.INF, t.Wheelchairs, t.EscortSeats, t.MEDIFs} {
						row = strconv.AppendInt(append(row, '\t'), int64(n), 10)
					}
					row = append(append(append(row, '\t'), booking.Printable(capsText(f.Caps))...), '\n')
					if _, err := tw.Write(row); err != nil {
						return err
					}
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				if err := bw.Flush(); err != nil {
					return err
				}
				printf(a.err, "%d flight(s) from %s to %s\n", len(ls), lo, hi)
				return nil
			})
		},
	}
	c.Flags().StringVar(&from, "from", "", "first departure day (default today)")
	c.Flags().StringVar(&to, "to", "", "last departure day (default 30 days after --from)")
	c.Flags().StringVar(&today, "today", "", "the date to count from (default the clock)")
	c.Flags().BoolVar(&asJSON, "json", false, "JSON output (an array of flights)")
	return c
}

// capsText is "CA-GAR 23/75" per programme cap on a flight, "!" when over.
func capsText(cs []flights.CapCount) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s %d/%d", c.Programme, c.Travellers, c.Max)
		if c.Over {
			parts[i] += "!"
		}
	}
	return orDash(strings.Join(parts, " "))
}

// dateFlag parses a date flag, def when empty.
func dateFlag(name, v string, def booking.Date) (booking.Date, error) {
	if v == "" {
		return def, nil
	}
	d, err := booking.ParseDate(v)
	if err != nil || d.IsZero() {
		return d, usageError{fmt.Errorf("%s %q must be YYYY-MM-DD", name, v)}
	}
	return d, nil
}

func newFlightShowCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show CARRIER FLIGHT DATE",
		Short: "Every case and traveller on a carrier-flight-date, with totals, SSRs, escorts, MEDIFs, PNR groups and programme caps",
		Args:  flightArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := flightKey(args)
			if err != nil {
				return err
			}
			fl, err := a.loadFlight(cmd, k)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.out, fl)
			}
			printFlight(a.out, fl)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	return c
}

// printFlight prints a flight: header, totals, caps, then each party and
// its passengers.
func printFlight(w io.Writer, fl *flights.Flight) {
	printf(w, "%s  %s-%s  departs %s  arrives %s\n", fl.Key, fl.From, fl.To, fl.Depart, fl.Arrive)
	printTotals(w, &fl.Totals)
	for _, c := range fl.Caps {
		over := ""
		if c.Over {
			over = "  OVER THE CAP"
		}
		printf(w, "Cap: %s (%s) %d of at most %d%s\n", c.Programme, c.Country, c.Travellers, c.Max, over)
	}
	if len(fl.Parties) == 0 {
		fmt.Fprintln(w, "Nobody is booked on this flight.")
		return
	}
	for _, p := range fl.Parties {
		pnr := p.PNR
		if pnr == "" {
			pnr = "-"
		}
		printf(w, "%s  %s  booking %s segment %d  PNR %s", p.Case, p.Programme, p.Booking, p.Segment, pnr)
		if p.EscortSeats > 0 {
			printf(w, "  escort seats %d", p.EscortSeats)
		}
		fmt.Fprintln(w)
		if len(p.Group) > 0 {
			printf(w, "    same PNR: %s\n", strings.Join(p.Group, ", "))
		}
		if len(p.Escorts) > 0 {
			printf(w, "    escorts: %s\n", strings.Join(p.Escorts, ", "))
		}
		for _, x := range p.Passengers {
			medif := ""
			if x.MEDIF {
				medif = "  MEDIF " + orDash(x.MEDIFStatus)
			}
			printf(w, "  %2d %-30s %s seats %d  %s  ticket %s%s\n", x.Member, x.Name(), x.PaxType, x.Seats,
				orDash(strings.Join(x.SSR, " ")), orDash(x.Ticket), medif)
		}
	}
}

func printTotals(w io.Writer, t *flights.Totals) {
	printf(w, "Cases %d  travellers %d (ADT %d, CHD %d, INF %d)  seats %d  wheelchairs %d  meet-and-assist %d  escort seats %d  MEDIFs %d\n",
		t.Cases, t.Travellers, t.ADT, t.CHD, t.INF, t.Seats, t.Wheelchairs, t.MeetAssist, t.EscortSeats, t.MEDIFs)
	if len(t.SSR) > 0 {
		parts := make([]string, len(t.SSR))
		for i, s := range t.SSR {
			parts[i] = s.Code + " " + strconv.Itoa(s.Count)
		}
		printf(w, "SSR: %s\n", strings.Join(parts, ", "))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newFlightManifestCmd(a *app) *cobra.Command {
	var forWho, out string
	var asCSV, asJSON bool
	c := &cobra.Command{
		Use:   "manifest CARRIER FLIGHT DATE --for airline|airport|agency",
		Short: "The manifest of a flight for the airline (no diagnoses), airport assistance or the agency",
		Long: `The manifest of a carrier-flight-date for one recipient:
  airline  names (FAMILY/GIVEN), passenger types, seats, SSR codes, PNR, tickets,
           MEDIF flags, totals; never case numbers, notes, vulnerabilities or reasons
  airport  the assistance list: wheelchairs, meet and assist, stretcher, blind,
           deaf, DPNA and UMNR, with each party's escorts
  agency   every party with case, programme, PNR, tickets, SSRs, totals, PNR
           groups and the programme caps
As text (default), --csv or --json; --out writes a private file (mode 0600).`,
		Args: flightArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := flightKey(args)
			if err != nil {
				return err
			}
			if forWho == "" {
				return usageError{errors.New("--for airline|airport|agency is required")}
			}
			r, err := flights.ParseRecipient(forWho)
			if err != nil {
				return usageError{err}
			}
			if asCSV && asJSON {
				return usageError{errors.New("choose one of --csv and --json")}
			}
			fl, err := a.loadFlight(cmd, k)
			if err != nil {
				return err
			}
			if err := a.noteManifest(cmd, fl, forWho); err != nil {
				return err
			}
			m := fl.Manifest(r)
			w := a.out
			if out != "" {
				f, err := openPrivate(a.file(out))
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			switch {
			case asJSON:
				err = writeJSON(w, m)
			case asCSV:
				err = writeManifestCSV(w, &m)
			default:
				printManifest(w, &m)
			}
			if err != nil {
				return err
			}
			if out != "" {
				printf(a.err, "wrote the %s manifest of %s to %s (%d row(s))\n", r, k, out, len(m.Rows))
			}
			return nil
		},
	}
	c.Flags().StringVar(&forWho, "for", "", "recipient: airline, airport or agency")
	c.Flags().BoolVar(&asCSV, "csv", false, "CSV output")
	c.Flags().BoolVar(&asJSON, "json", false, "JSON output")
	c.Flags().StringVar(&out, "out", "", "write to this file (mode 0600) instead of stdout")
	return c
}

// printManifest prints a manifest as a table with its header and totals.
func printManifest(w io.Writer, m *flights.Manifest) {
	printf(w, "%s manifest  %s  %s-%s  departs %s  arrives %s\n", strings.ToUpper(string(m.Recipient)), m.Flight, m.From, m.To, m.Depart, m.Arrive)
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(m.Columns(), "\t"))
	for i := range m.Rows {
		rec := m.Record(i)
		format := strings.Repeat("%s\t", len(rec)-1) + "%s\n"
		args := make([]any, len(rec))
		for j, s := range rec {
			args[j] = orDash(s)
		}
		printf(tw, format, args...)
	}
	tw.Flush()
	if m.Totals != nil {
		printTotals(w, m.Totals)
	}
	if len(m.Assist) > 0 {
		parts := make([]string, len(m.Assist))
		for i, s := range m.Assist {
			parts[i] = s.Code + " " + strconv.Itoa(s.Count)
		}
		printf(w, "Assistance: %s\n", strings.Join(parts, ", "))
	}
	for _, g := range m.Groups {
		printf(w, "PNR %s holds cases %s\n", g.PNR, strings.Join(g.Cases, ", "))
	}
	for _, c := range m.Caps {
		over := ""
		if c.Over {
			over = "  OVER THE CAP"
		}
		printf(w, "Cap: %s (%s) %d of at most %d%s\n", c.Programme, c.Country, c.Travellers, c.Max, over)
	}
}

// writeManifestCSV writes the header and one record a row; text a
// spreadsheet would run as a formula is quoted with an apostrophe.
func writeManifestCSV(w io.Writer, m *flights.Manifest) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(m.Columns()); err != nil {
		return err
	}
	for i := range m.Rows {
		rec := m.Record(i)
		for j, s := range rec {
			if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
				s = "'" + s
			}
			rec[j] = booking.Printable(s)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func newBookingCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "booking", Short: "The airline's references on a case's active booking", Args: noArgs}
	c.AddCommand(newBookingPNRCmd(a), newBookingMEDIFCmd(a))
	return c
}

func newBookingMEDIFCmd(a *app) *cobra.Command {
	var member int
	var carrier, status, on string
	c := &cobra.Command{
		Use:   "medif CASE --member N --carrier XX --status sent|approved|refused [--date D]",
		Short: "Record where a traveller's MEDIF stands with an operating carrier of the active booking",
		Args:  exactArgs(1, "CASE --member N --carrier XX --status sent|approved|refused"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if member <= 0 || carrier == "" || status == "" {
				return usageError{errors.New("give --member, --carrier and --status")}
			}
			d, err := dateFlag("--date", on, booking.Date{})
			if err != nil {
				return err
			}
			return a.withDesk(cmd, func(ds *desk.Service) error {
				b, err := ds.SetMEDIF(a.cfg.User, args[0], member, strings.ToUpper(strings.TrimSpace(carrier)), strings.ToLower(strings.TrimSpace(status)), d)
				if err != nil {
					return fmt.Errorf("case %s: %w", args[0], err)
				}
				for _, x := range b.MEDIFs {
					printf(a.out, "%s member %d: MEDIF %s with %s on %s\n", args[0], x.Member, x.Status, x.Carrier, x.On)
				}
				return nil
			})
		},
	}
	c.Flags().IntVar(&member, "member", 0, "the traveller (member number)")
	c.Flags().StringVar(&carrier, "carrier", "", "an operating carrier of the booking (2 letters)")
	c.Flags().StringVar(&status, "status", "", "sent, approved or refused")
	c.Flags().StringVar(&on, "date", "", "date of the status (default today)")
	return c
}

func newBookingPNRCmd(a *app) *cobra.Command {
	var pnr string
	var tickets []string
	c := &cobra.Command{
		Use:   "pnr CASE [--pnr X] [--ticket MEMBER=NUMBER ...]",
		Short: "Record the PNR (6 letters or digits) and ticket numbers (13 digits) of a case's active booking",
		Args:  exactArgs(1, "CASE [--pnr X] [--ticket MEMBER=NUMBER ...]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if pnr == "" && len(tickets) == 0 {
				return usageError{errors.New("give --pnr, --ticket MEMBER=NUMBER, or both")}
			}
			ts, err := parseTickets(tickets)
			if err != nil {
				return err
			}
			return a.withDesk(cmd, func(d *desk.Service) error {
				b, err := d.SetBookingRefs(a.cfg.User, args[0], strings.ToUpper(strings.TrimSpace(pnr)), ts)
				if err != nil {
					return fmt.Errorf("case %s: %w", args[0], err)
				}
				printf(a.out, "%s: booking %s PNR %s, %d ticket(s)\n", args[0], b.ID, orDash(b.PNR), len(b.Tickets))
				return nil
			})
		},
	}
	c.Flags().StringVar(&pnr, "pnr", "", "the airline record locator (6 letters or digits)")
	c.Flags().StringArrayVar(&tickets, "ticket", nil, "MEMBER=NUMBER, a traveller's 13-digit ticket number (repeatable)")
	return c
}

// parseTickets reads MEMBER=NUMBER flags.
func parseTickets(in []string) ([]booking.Ticket, error) {
	var out []booking.Ticket
	for _, s := range in {
		m, n, ok := strings.Cut(s, "=")
		member, err := strconv.Atoi(strings.TrimSpace(m))
		if !ok || err != nil {
			return nil, usageError{fmt.Errorf("--ticket %q: want MEMBER=NUMBER", s)}
		}
		out = append(out, booking.Ticket{Member: member, Number: strings.TrimSpace(n)})
	}
	return out, nil
}
