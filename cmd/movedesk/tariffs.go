package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/store"
	"movedesk/tariffs"
)

func newTariffsCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "tariffs", Short: "HIT tariff tables: list, show, quote, import, activate", Args: noArgs}
	c.AddCommand(newTariffsListCmd(a), newTariffsShowCmd(a), newTariffsQuoteCmd(a), newTariffsImportCmd(a), newTariffsActivateCmd(a))
	return c
}

// tariffVersion is one version as listed: stored metadata without the tables.
type tariffVersion struct {
	Version      string       `json:"version"`
	Effective    booking.Date `json:"effective"`
	Description  string       `json:"description,omitempty"`
	Fares        int          `json:"fares"`
	ImportedBy   string       `json:"imported_by,omitempty"`
	ImportedAt   time.Time    `json:"imported_at,omitzero"`
	Active       bool         `json:"active"`
	Illustrative bool         `json:"illustrative,omitempty"`
}

// tariffState is what the store says about tariffs.
type tariffState struct {
	active   string // "" when nothing was ever activated
	versions []tariffVersion
}

// storeExists reports whether --data holds a store; without one the
// embedded tables are all there is.
func (a *app) storeExists(cmd *cobra.Command) (bool, error) {
	if err := a.load(cmd); err != nil {
		return false, err
	}
	_, err := os.Stat(filepath.Join(a.cfg.Data, store.FileName))
	return err == nil, nil
}

// readTariffState lists the stored versions and the active one.
func readTariffState(tx *store.Tx) (tariffState, error) {
	var st tariffState
	var act tariffs.ActiveRecord
	ok, err := tx.Get(tariffs.ActiveKey, &act)
	if err != nil {
		return st, err
	}
	if ok {
		st.active = act.Version
	}
	err = tx.Scan(tariffs.SetKeyPrefix, func(key string, data []byte) error {
		var v tariffVersion
		if err := json.Unmarshal(data, &v); err != nil {
			return fmt.Errorf("record %s: %w", key, err)
		}
		st.versions = append(st.versions, v)
		return nil
	})
	return st, err
}

// loadTariffs returns the table set named version ("" for the active one)
// and every known version, the embedded one included.
func (a *app) loadTariffs(cmd *cobra.Command, version string) (*tariffs.Set, []tariffVersion, error) {
	emb, err := tariffs.Embedded()
	if err != nil {
		return nil, nil, err
	}
	embedded := tariffVersion{Version: emb.Version, Effective: emb.Effective, Description: emb.Description,
		Fares: emb.Len(), Illustrative: true}
	exists, err := a.storeExists(cmd)
	if err != nil {
		return nil, nil, err
	}
	var st tariffState
	var rec *tariffs.SetRecord
	if exists {
		s, done, err := a.openRead(cmd)
		if err != nil {
			return nil, nil, err
		}
		defer done()
		err = s.View(func(tx *store.Tx) error {
			var err error
			if st, err = readTariffState(tx); err != nil {
				return err
			}
			want := version
			if want == "" {
				want = st.active
			}
			if want == "" || want == tariffs.EmbeddedVersion {
				return nil
			}
			r := &tariffs.SetRecord{}
			ok, err := tx.Get(tariffs.SetKey(want), r)
			if err != nil {
				return err
			}
			if !ok {
				return booking.Errorf(booking.ENOTFOUND, "version", "no tariff version %q (list them with `movedesk tariffs list`)", want)
			}
			rec = r
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	} else if version != "" && version != tariffs.EmbeddedVersion {
		return nil, nil, fmt.Errorf("no tariff version %q: no store in %s, only %s", version, a.cfg.Data, tariffs.EmbeddedVersion)
	}
	embedded.Active = st.active == "" || st.active == tariffs.EmbeddedVersion
	versions := []tariffVersion{embedded}
	for _, v := range st.versions {
		v.Active = v.Version == st.active
		versions = append(versions, v)
	}
	if rec == nil {
		return emb, versions, nil
	}
	set, err := rec.Set()
	if err != nil {
		return nil, nil, fmt.Errorf("stored tariff version %s does not parse: %w", rec.Version, err)
	}
	return set, versions, nil
}

func isIllustrative(s *tariffs.Set) bool { return s.Version == tariffs.EmbeddedVersion }

// routeSummary is one origin-destination pair of a version.
type routeSummary struct {
	Origin      string            `json:"origin"`
	Destination string            `json:"destination"`
	Routings    []tariffs.Routing `json:"routings"`
	Fares       int               `json:"fares"`
	Periods     [][2]booking.Date `json:"periods"`
	Programmes  []string          `json:"programmes,omitempty"`
	routings    []string          // text form
}

func summarizeRoutes(s *tariffs.Set) []routeSummary {
	var out []routeSummary
	for _, p := range s.Pairs() {
		r := routeSummary{Origin: p[0], Destination: p[1], Routings: s.Routings(p[0], p[1])}
		for _, f := range s.FaresBetween(p[0], p[1], booking.Date{}) {
			r.Fares++
			if f.Programme != "" && !slices.Contains(r.Programmes, f.Programme) {
				r.Programmes = append(r.Programmes, f.Programme)
			}
			if k := [2]booking.Date{f.ValidFrom, f.ValidTo}; !slices.Contains(r.Periods, k) {
				r.Periods = append(r.Periods, k)
			}
		}
		slices.SortFunc(r.Periods, func(a, b [2]booking.Date) int { return a[0].Time().Compare(b[0].Time()) })
		for _, rt := range r.Routings {
			r.routings = append(r.routings, rt.String())
		}
		out = append(out, r)
	}
	return out
}

func newTariffsListCmd(a *app) *cobra.Command {
	var version string
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List tariff versions and the routes of one (default: the active version)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set, versions, err := a.loadTariffs(cmd, version)
			if err != nil {
				return err
			}
			routes := summarizeRoutes(set)
			if asJSON {
				out := struct {
					Versions     []tariffVersion   `json:"versions"`
					Version      string            `json:"version"`
					Effective    booking.Date      `json:"effective"`
					Illustrative bool              `json:"illustrative"`
					Note         string            `json:"note,omitempty"`
					Fares        int               `json:"fares"`
					Airports     int               `json:"airports"`
					Carriers     []string          `json:"carriers"`
					Periods      [][2]booking.Date `json:"periods"`
					Routes       []routeSummary    `json:"routes"`
				}{versions, set.Version, set.Effective, isIllustrative(set), "", set.Len(), len(set.Airports()),
					set.Carriers(), set.Periods(), routes}
				if out.Illustrative {
					out.Note = tariffs.IllustrativeNote
				}
				return writeJSON(a.out, out)
			}
			tw := tabwriter.NewWriter(a.out, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "ACTIVE\tVERSION\tEFFECTIVE\tFARES\tIMPORTED")
			for _, v := range versions {
				mark, imported := "", "embedded (illustrative)"
				if v.Active {
					mark = "*"
				}
				if !v.ImportedAt.IsZero() {
					imported = v.ImportedBy + " " + v.ImportedAt.Local().Format("2006-01-02 15:04")
				}
				printf(tw, "%s\t%s\t%s\t%d\t%s\n", mark, v.Version, v.Effective, v.Fares, imported)
			}
			tw.Flush()
			printf(a.out, "\nVersion %s: %s\n", set.Version, set.Description)
			printf(a.out, "%d fares, %d airports, carriers %s\n", set.Len(), len(set.Airports()), strings.Join(set.Carriers(), " "))
			if isIllustrative(set) {
				printLine(a.out, "NOTE:", tariffs.IllustrativeNote)
			}
			printLine(a.out)
			tw = tabwriter.NewWriter(a.out, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "FROM\tTO\tFARES\tVALID\tROUTINGS")
			for _, r := range routes {
				var ps []string
				for _, p := range r.Periods {
					ps = append(ps, p[0].String()+".."+p[1].String())
				}
				rt := strings.Join(r.routings, ", ")
				if len(r.Programmes) > 0 {
					rt += " [programmes: " + strings.Join(r.Programmes, ", ") + "]"
				}
				printf(tw, "%s\t%s\t%d\t%s\t%s\n", r.Origin, r.Destination, r.Fares, strings.Join(ps, " "), rt)
			}
			return tw.Flush()
		},
	}
	c.Flags().StringVar(&version, "version", "", "version to list (default: the active one)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func parseDateFlag(name, v string) (booking.Date, error) {
	d, err := booking.ParseDate(v)
	if err != nil {
		return booking.Date{}, usageError{fmt.Errorf("--%s: %v", name, err)}
	}
	return d, nil
}

func airportFlag(name, v string) (string, error) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if len(v) != 3 {
		return "", usageError{fmt.Errorf("--%s %q must be a 3-letter IATA airport code", name, v)}
	}
	return v, nil
}

func newTariffsShowCmd(a *app) *cobra.Command {
	var from, to, date, version string
	var asJSON bool
	c := &cobra.Command{
		Use:   "show --from RBA --to JFK [--date D]",
		Short: "Show the fares between two airports (valid on --date if given)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if from, err = airportFlag("from", from); err != nil {
				return err
			}
			if to, err = airportFlag("to", to); err != nil {
				return err
			}
			d, err := parseDateFlag("date", date)
			if err != nil {
				return err
			}
			set, _, err := a.loadTariffs(cmd, version)
			if err != nil {
				return err
			}
			fares := set.FaresBetween(from, to, d)
			if asJSON {
				return writeJSON(a.out, struct {
					Version      string         `json:"version"`
					Illustrative bool           `json:"illustrative"`
					Fares        []tariffs.Fare `json:"fares"`
				}{set.Version, isIllustrative(set), fares})
			}
			if len(fares) == 0 {
				when := ""
				if !d.IsZero() {
					when = " valid on " + d.String()
				}
				return booking.Errorf(booking.ENOTFOUND, "", "no fares from %s to %s%s in tariff version %s", from, to, when, set.Version)
			}
			if isIllustrative(set) {
				printLine(a.out, "NOTE:", tariffs.IllustrativeNote)
			}
			tw := tabwriter.NewWriter(a.out, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tCARRIER\tROUTE\tCABIN\tBASIS\tPAX\tFARE\tTAXES\tBAG\tVALID\tPROGRAMME\tNOTES")
			for _, f := range fares {
				printf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s..%s\t%s\t%s\n", f.ID, f.Carrier, f.Route(), f.Cabin, f.FareBasis, f.Pax,
					tariffs.Money{Amount: f.Fare, Currency: f.Currency}, tariffs.Money{Amount: f.Taxes, Currency: f.Currency},
					f.Baggage, f.ValidFrom, f.ValidTo, f.Programme, f.Notes)
			}
			return tw.Flush()
		},
	}
	c.Flags().StringVar(&from, "from", "", "origin airport (required)")
	c.Flags().StringVar(&to, "to", "", "destination airport (required)")
	c.Flags().StringVar(&date, "date", "", "only fares valid on this travel date (YYYY-MM-DD)")
	c.Flags().StringVar(&version, "version", "", "tariff version (default: the active one)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// quoteOption is one routing quoted by `tariffs quote`.
type quoteOption struct {
	Routing  tariffs.Routing     `json:"routing"`
	TotalUSD int64               `json:"total_usd_cents"`
	Blocking bool                `json:"blocking"`
	Result   tariffs.QuoteResult `json:"-"`
}

func newTariffsQuoteCmd(a *app) *cobra.Command {
	var from, to, date, pax, via, carrier, cabin, programme, version string
	var escorts int
	var asJSON bool
	c := &cobra.Command{
		Use:   "quote --from RBA --to JFK --date 2026-12-03 --pax ADT,ADT,CHD,INF [--via CDG] [--carrier AF]",
		Short: "Price a party on a route and check the travel rules (exit 1 on a blocking finding)",
		Long: `Price a party of passenger types on a route and date. Without --carrier every
routing the tables price is quoted and the cheapest one without blocking
findings is shown in full. Travellers are synthetic (one per --pax entry, born
so that they have that type on the date), so only the tariff, infant and
connection rules apply; segment times are unknown, so connections are not
checked. Exit status 1 when the shown quote has a blocking finding.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if from, err = airportFlag("from", from); err != nil {
				return err
			}
			if to, err = airportFlag("to", to); err != nil {
				return err
			}
			if date == "" {
				return usageError{errors.New("--date is required")}
			}
			d, err := parseDateFlag("date", date)
			if err != nil {
				return err
			}
			travellers, err := syntheticTravellers(pax, d)
			if err != nil {
				return err
			}
			if escorts < 0 || escorts > 9 {
				return usageError{fmt.Errorf("--escorts %d must be 0 to 9", escorts)}
			}
			var hubs []string
			for _, h := range strings.FieldsFunc(via, func(r rune) bool { return r == ',' || r == '/' || r == ' ' }) {
				h, err := airportFlag("via", h)
				if err != nil {
					return err
				}
				hubs = append(hubs, h)
			}
			set, _, err := a.loadTariffs(cmd, version)
			if err != nil {
				return err
			}
			var routings []tariffs.Routing
			if carrier != "" {
				routings = []tariffs.Routing{{Carrier: strings.ToUpper(carrier), Via: hubs}}
			} else {
				for _, r := range set.Routings(from, to) {
					if via == "" || slices.Equal(r.Via, hubs) {
						routings = append(routings, r)
					}
				}
				if len(routings) == 0 {
					return booking.Errorf(booking.ENOTFOUND, "", "no tariff from %s to %s%s in version %s (see `movedesk tariffs list`)",
						from, to, viaText(hubs), set.Version)
				}
			}
			rules := a.cfg.Rules
			// Synthetic travellers have no medical record nor passenger data to judge.
			rules.Severity = maps.Clone(rules.Severity)
			if rules.Severity == nil {
				rules.Severity = map[string]tariffs.Severity{}
			}
			rules.Severity[tariffs.CodeMedicalMissing] = tariffs.SeverityOff
			rules.Severity[tariffs.CodeDOCSIncomplete] = tariffs.SeverityOff
			var opts []quoteOption
			for _, r := range routings {
				res := tariffs.Quote(set, tariffs.QuoteRequest{
					Segments:    quoteSegments(r, from, to, d, strings.ToUpper(cabin)),
					Travellers:  travellers,
					Programme:   strings.ToUpper(programme),
					EscortSeats: escorts,
					Rules:       &rules,
				})
				opts = append(opts, quoteOption{Routing: r, TotalUSD: res.TotalUSD, Blocking: res.Blocking(), Result: res})
			}
			// Cheapest bookable first; unbookable ones after, in table order.
			slices.SortStableFunc(opts, func(x, y quoteOption) int {
				if x.Blocking != y.Blocking {
					if x.Blocking {
						return 1
					}
					return -1
				}
				if x.Blocking {
					return 0
				}
				return int(x.TotalUSD - y.TotalUSD)
			})
			best := opts[0]
			if asJSON {
				err = writeJSON(a.out, struct {
					Illustrative bool                `json:"illustrative"`
					Routing      tariffs.Routing     `json:"routing"`
					Quote        tariffs.QuoteResult `json:"quote"`
					Alternatives []quoteOption       `json:"alternatives"`
				}{isIllustrative(set), best.Routing, best.Result, opts})
			} else {
				err = printQuote(a.out, set, from, to, d, opts)
			}
			if err != nil {
				return err
			}
			if best.Blocking {
				return errors.New("the quote has blocking findings")
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&from, "from", "", "origin airport (required)")
	f.StringVar(&to, "to", "", "destination airport (required)")
	f.StringVar(&date, "date", "", "travel date YYYY-MM-DD (required)")
	f.StringVar(&pax, "pax", "ADT", "passenger types, comma-separated (ADT, CHD, INF)")
	f.StringVar(&via, "via", "", "hub airports, comma-separated (default: any routing)")
	f.StringVar(&carrier, "carrier", "", "carrier (default: every carrier with a tariff)")
	f.StringVar(&cabin, "cabin", "Y", "cabin")
	f.StringVar(&programme, "programme", "", "programme, for programme-restricted fares (e.g. AVRR)")
	f.IntVar(&escorts, "escorts", 0, "escort seats to price")
	f.StringVar(&version, "version", "", "tariff version (default: the active one)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func viaText(hubs []string) string {
	if len(hubs) == 0 {
		return ""
	}
	return " via " + strings.Join(hubs, "/")
}

// syntheticTravellers makes one traveller per passenger type, born so that
// the type holds on day d.
func syntheticTravellers(pax string, d booking.Date) ([]booking.Traveller, error) {
	var out []booking.Traveller
	for i, p := range strings.Split(pax, ",") {
		years := 0
		switch booking.PaxType(strings.ToUpper(strings.TrimSpace(p))) {
		case booking.ADT:
			years = 30
		case booking.CHD:
			years = 6
		case booking.INF:
			years = 1
		default:
			return nil, usageError{fmt.Errorf("--pax: %q is not ADT, CHD or INF", p)}
		}
		out = append(out, booking.Traveller{Member: i + 1, FamilyName: "PAX", GivenNames: fmt.Sprint(i + 1),
			BirthDate: booking.DateOf(d.Time().AddDate(-years, 0, 0))})
	}
	if len(out) > 9 {
		return nil, usageError{fmt.Errorf("--pax: %d travellers, at most 9", len(out))}
	}
	return out, nil
}

// quoteSegments builds the segments of a routing on day d, without times.
func quoteSegments(r tariffs.Routing, from, to string, d booking.Date, cabin string) []booking.Segment {
	points := append(append([]string{from}, r.Via...), to)
	dep := booking.MustLocalTime(d.String() + "T00:00")
	var segs []booking.Segment
	for i := 1; i < len(points); i++ {
		segs = append(segs, booking.Segment{Carrier: r.Carrier, From: points[i-1], To: points[i], Depart: dep, Cabin: cabin})
	}
	return segs
}

func printQuote(w io.Writer, set *tariffs.Set, from, to string, d booking.Date, opts []quoteOption) error {
	best := opts[0]
	res := &best.Result
	if isIllustrative(set) {
		printLine(w, "NOTE:", tariffs.IllustrativeNote)
	}
	if len(opts) > 1 {
		tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', tabwriter.AlignRight)
		printf(w, "Routings %s-%s on %s:\n", from, to, d)
		for _, o := range opts {
			status := "ok"
			if o.Blocking {
				status = "blocked"
			}
			printf(tw, "  %s\tUSD %s\t  %s\t\n", o.Routing, tariffs.FormatAmount(o.TotalUSD), status)
		}
		tw.Flush()
		printLine(w)
	}
	printf(w, "Quote %s %s on %s, tariff version %s\n", best.Routing, strings.Join(append(append([]string{from}, best.Routing.Via...), to), "-"), d, res.Version)
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "PAX\tSEG\tROUTE\tTYPE\tFARE ID\tBASIS\tFARE\tTAXES\tRATE\tUSD\tBAG")
	segs := quoteSegments(best.Routing, from, to, d, "")
	for _, l := range res.Lines {
		who := fmt.Sprint(l.Traveller)
		if l.Escort != 0 {
			who = fmt.Sprintf("escort %d", l.Escort)
		}
		route := segs[l.Segment-1].From + "-" + segs[l.Segment-1].To
		typ := string(l.FarePax)
		if l.PaxType != l.FarePax {
			typ = fmt.Sprintf("%s (%s fare)", l.PaxType, l.FarePax)
		}
		switch {
		case l.Component == 0:
			printf(tw, "%s\t%d\t%s\t%s\t(no tariff)\t\t\t\t\t\t\n", who, l.Segment, route, typ)
		case l.Through:
			printf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t(through fare)\t\t\t\t%s\n", who, l.Segment, route, typ, l.FareID, l.FareBasis, l.Baggage)
		default:
			printf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", who, l.Segment, route, typ, l.FareID, l.FareBasis,
				l.Fare, l.Taxes, rateText(l.Rate), tariffs.FormatAmount(l.USD), l.Baggage)
		}
	}
	tw.Flush()
	printf(w, "Total USD %s", tariffs.FormatAmount(res.TotalUSD))
	if !res.Priced() {
		fmt.Fprint(w, " (incomplete: some segments have no tariff)")
	}
	printLine(w)
	if len(res.Findings) > 0 {
		fmt.Fprintln(w, "Findings:")
		for _, f := range res.Findings {
			printLine(w, "  "+f.String())
		}
	}
	return nil
}

func newTariffsImportCmd(a *app) *cobra.Command {
	var version, effective, description string
	c := &cobra.Command{
		Use:   "import PATH [--version V] [--effective D]",
		Short: "Validate tariff tables (a directory, or one table file) and activate them",
		Long: `Import a table set and make it active, atomically: every row of every file is
checked first and all errors are listed (file:line:column: field: message);
with any error nothing changes. PATH is a directory holding version.csv,
airports.csv, mct.csv, rates.csv and fares.csv (and optionally the rule tables
carriers.csv, transit.csv, holidays.csv, programmes.csv), or a single one of those files,
in which case the other tables are taken from the active version and
--version names the new one. --version and --effective override version.csv.
The previous version stays stored, so bookings made under it can still be
explained; ` + "`movedesk tariffs activate VERSION`" + ` switches back.`,
		Args: exactArgs(1, "PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := a.file(args[0])
			info, err := os.Stat(path)
			if err != nil {
				return err
			}
			files := map[string]string{}
			if info.IsDir() {
				if files, err = readTariffDir(path); err != nil {
					return err
				}
			} else {
				base := filepath.Base(path)
				if !slices.Contains(tariffs.Files, base) {
					return usageError{fmt.Errorf("%s: a single table file must be named one of %s", path, strings.Join(tariffs.Files, ", "))}
				}
				if base != tariffs.FileVersion && version == "" {
					return usageError{errors.New("importing one table file needs --version for the new version")}
				}
				current, _, err := a.loadTariffs(cmd, "")
				if err != nil {
					return err
				}
				files = current.Texts()
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				files[base] = string(b)
			}
			set, err := parseTariffFiles(files, path, version, effective, description, a.err)
			if err != nil {
				return err
			}
			s, done, err := a.open(cmd)
			if err != nil {
				return err
			}
			defer done()
			d, err := a.newDesk(s)
			if err != nil {
				return err
			}
			previous, err := d.ImportTariffs(a.cfg.User, set, path)
			if err != nil {
				return err
			}
			printf(a.out, "imported tariff version %s (effective %s): %d fares, %d airports, %d routes; now active (previous: %s, still readable)\n",
				set.Version, set.Effective, set.Len(), len(set.Airports()), len(set.Pairs()), previous)
			return nil
		},
	}
	c.Flags().StringVar(&version, "version", "", "version id of the new set (overrides version.csv)")
	c.Flags().StringVar(&effective, "effective", "", "effective date YYYY-MM-DD (overrides version.csv; default today)")
	c.Flags().StringVar(&description, "description", "", "description (overrides version.csv)")
	return c
}

// readTariffDir reads the table files (*.csv) of a directory.
func readTariffDir(path string) (map[string]string, error) {
	names, err := filepath.Glob(filepath.Join(path, "*.csv"))
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		files[filepath.Base(n)] = string(b)
	}
	return files, nil
}

// parseTariffFiles parses a table set, the version, effective date and
// description overridden by those given, printing every table error to errOut.
func parseTariffFiles(files map[string]string, path, version, effective, description string, errOut io.Writer) (*tariffs.Set, error) {
	if version != "" || effective != "" || description != "" {
		if err := overrideVersion(files, version, effective, description); err != nil {
			return nil, err
		}
	}
	set, err := tariffs.Parse(files)
	if err != nil {
		var te tariffs.TableErrors
		if errors.As(err, &te) {
			for _, e := range te {
				printLine(errOut, e)
			}
			return nil, fmt.Errorf("%d error(s) in %s; nothing imported, the active version is unchanged", len(te), path)
		}
		return nil, err
	}
	if set.Version == tariffs.EmbeddedVersion {
		return nil, fmt.Errorf("version %s is reserved for the embedded tables; give another --version", set.Version)
	}
	return set, nil
}

// overrideVersion rewrites version.csv from the flags, keeping what the
// flags leave unset from the file when it parses.
func overrideVersion(files map[string]string, version, effective, description string) error {
	if effective != "" {
		if _, err := parseDateFlag("effective", effective); err != nil {
			return err
		}
	}
	if version != "" && !tariffs.ValidVersion(version) {
		return usageError{fmt.Errorf("--version %q must be 1 to 40 letters, digits, '.', '_' or '-'", version)}
	}
	// Take the unset values from the current version.csv, if it has them.
	old := strings.Split(strings.TrimSpace(files[tariffs.FileVersion]), "\n")
	if len(old) == 2 && strings.HasPrefix(strings.TrimPrefix(old[0], "\ufeff"), "version,effective") {
		cols := strings.SplitN(strings.TrimSpace(old[1]), ",", 3)
		if version == "" {
			version = cols[0]
		}
		if effective == "" && len(cols) > 1 {
			effective = cols[1]
		}
		if description == "" && len(cols) > 2 {
			description = strings.Trim(cols[2], `"`)
		}
	}
	if effective == "" {
		effective = booking.DateOf(time.Now()).String()
	}
	description = strings.ReplaceAll(description, `"`, `""`)
	files[tariffs.FileVersion] = fmt.Sprintf("version,effective,description\n%s,%s,\"%s\"\n", version, effective, description)
	return nil
}

func newTariffsActivateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "activate VERSION",
		Short: "Make a stored tariff version (or " + tariffs.EmbeddedVersion + ") the active one",
		Args:  exactArgs(1, "VERSION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v := args[0]
			s, done, err := a.openExisting(cmd)
			if err != nil {
				return err
			}
			defer done()
			d, err := a.newDesk(s)
			if err != nil {
				return err
			}
			if err := d.ActivateTariff(a.cfg.User, v); err != nil {
				return err
			}
			printf(a.out, "tariff version %s is active\n", v)
			return nil
		},
	}
}

// rateText returns "1.08" for a USD rate of 1.08 per unit.
func rateText(r tariffs.Rate) string {
	if r.Currency == "USD" {
		return "1"
	}
	s := r.String()
	_, v, _ := strings.Cut(s, " = ")
	v, _, _ = strings.Cut(v, " USD")
	return v
}
