package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"

	"movedesk/booking"
	"movedesk/central"
	"movedesk/reports"
	"movedesk/store"
)

// reportFlags are the flags every report takes.
type reportFlags struct {
	from, to, today   string
	by                []string
	office, programme string
	csv, json         bool
	xlsx, table       string
}

func (f *reportFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.from, "from", "", "first day of the period, YYYY-MM-DD or YYYY-MM (default: open)")
	c.Flags().StringVar(&f.to, "to", "", "last day of the period, YYYY-MM-DD or YYYY-MM (default: open)")
	c.Flags().StringSliceVar(&f.by, "by", nil, "group by these fields, comma-separated (see the report's help)")
	c.Flags().StringVar(&f.office, "office", "", "only this office's cases")
	c.Flags().StringVar(&f.programme, "programme", "", "only this programme's cases")
	c.Flags().BoolVar(&f.csv, "csv", false, "write CSV (every table, or the one --table names)")
	c.Flags().BoolVar(&f.json, "json", false, "write the report as JSON")
	c.Flags().StringVar(&f.xlsx, "xlsx", "", "write a spreadsheet to FILE, one sheet per table (mode 0600)")
	c.Flags().StringVar(&f.table, "table", "", "only this table of the report")
	c.Flags().StringVar(&f.today, "today", "", "day the report is judged on (default today)")
}

// reportShort is each report's one-line help.
var reportShort = map[string]string{
	"costs":      "Costs of bookings in USD by programme, office, carrier, route, month, passenger type; escorts apart",
	"loans":      "Travel loans per case and per adult, promissory-note status, totals by programme and month",
	"timeliness": "Days per step from request to departure: median, 90th percentile, target, cases over target",
	"permits":    "Exit-permit applications, approvals and denials by authority, country and reason",
	"workload":   "Open cases per associate by queue and age, the longest waiting, ABNs not sent",
	"quality":    "Data-quality findings, each with its case",
}

// reportHelp describes each report for its --help.
var reportHelp = map[string]string{
	"costs": `Costs of active bookings departing in the period, in USD with the exchange
rates used, by programme, office, carrier, route, month (of departure) or
passenger type (pax); escort seats in a table of their own. Fares come from
the booking, else the latest ABN, else the booking's total split evenly
(the fares_from column says which). Cases cancelled after booking are left
out and counted in a note.`,
	"loans": `Travel loans of cases departing in the period, in programmes with a loan:
totals by programme, office or month, each case's loan (tickets and the
programme's loan items, config reports.loan_items), and every adult (18 or
older on the departure day) with their share and promissory-note status.`,
	"timeliness": `Days per step (received > documents > travel-ready > booked > abn-sent >
departed, and total) by office, programme, month (the step's end) or
assignee: median and 90th percentile against the targets in config
(reports.targets), and every case over target, open cases included.`,
	"permits": `Exit-permit applications made in the period (submitted date) by authority,
country, reason, office, programme or month: approvals, denials, pending,
approval days (median, 90th percentile), and denials by reason code.`,
	"workload": `Open cases received in the period by assignee, status (queue), age band,
office or programme; the cases waiting longest; and active bookings older
than reports.abn_overdue_days whose ABN has not gone out.`,
	"quality": `Data-quality findings on cases received in the period, by check, office,
programme or assignee, and every finding with its case: missing or
inconsistent biodata, passenger types at odds with birth dates, documents
expiring before travel or soon after, open gate items on cases departing
within reports.gate_window_days, custody events out of order, likely
duplicate travellers across cases, SSR codes without a counselling note.`,
}

// newReportCmd: `movedesk report costs|loans|...` over this desk's store.
func newReportCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "report", Short: "Reports: costs, travel loans, timeliness, exit permits, workload, data quality"}
	for _, name := range reports.Names {
		c.AddCommand(reportSubcommand(a, name, false))
	}
	return c
}

// newHubReportCmd: `movedesk hub report ...`, the same reports across every
// office, over the hub's store in --data.
func newHubReportCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "report", Short: "Reports across every office, from the hub's store"}
	for _, name := range reports.Names {
		c.AddCommand(reportSubcommand(a, name, true))
	}
	return c
}

func reportSubcommand(a *app, name string, hub bool) *cobra.Command {
	var f reportFlags
	var wait time.Duration
	valid, def := reports.Fields(name)
	c := &cobra.Command{
		Use:   name,
		Short: reportShort[name],
		Long:  reportHelp[name] + "\n\nGrouping fields (--by): " + strings.Join(valid, ", ") + " (default " + strings.Join(def, ",") + ").",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.load(cmd); err != nil {
				return err
			}
			p, err := f.params(a, hub)
			if err != nil {
				return err
			}
			if hub {
				return a.withHubStore(cmd, wait, func(s *store.Store) error { return a.runReport(s, name, p, &f) })
			}
			return a.withRead(cmd, func(s *store.Store) error { return a.runReport(s, name, p, &f) })
		},
	}
	f.register(c)
	if hub {
		c.Flags().DurationVar(&wait, "wait", 2*time.Minute, "how long to wait for a running hub to hand over a copy of its store")
	}
	return c
}

// params checks the flags: a bad date or several outputs are usage errors
// (exit 2); a reversed period or an unknown field are refused by New (exit 1).
func (f *reportFlags) params(a *app, hub bool) (reports.Params, error) {
	var p reports.Params
	outs := 0
	for _, on := range []bool{f.csv, f.json, f.xlsx != ""} {
		if on {
			outs++
		}
	}
	if outs > 1 {
		return p, usageError{errors.New("choose one of --csv, --json and --xlsx")}
	}
	var err error
	if p.From, err = periodDay(f.from, false); err != nil {
		return p, usageError{fmt.Errorf("--from: %w", err)}
	}
	if p.To, err = periodDay(f.to, true); err != nil {
		return p, usageError{fmt.Errorf("--to: %w", err)}
	}
	p.Today = booking.DateOf(time.Now())
	if f.today != "" {
		if p.Today, err = booking.ParseDate(f.today); err != nil {
			return p, usageError{fmt.Errorf("--today: %w", err)}
		}
	}
	for _, b := range f.by {
		if b = strings.TrimSpace(strings.ToLower(b)); b != "" {
			p.By = append(p.By, b)
		}
	}
	p.Office, p.Programme = strings.ToUpper(strings.TrimSpace(f.office)), strings.TrimSpace(f.programme)
	// A desk reports on its office (config key office, which --office also
	// sets); the hub on every office unless --office picks one.
	if !hub && p.Office == "" {
		p.Office = a.cfg.Office
	}
	if p.Programme != "" {
		i := slices.IndexFunc(a.cfg.Programmes, func(q string) bool { return strings.EqualFold(q, p.Programme) })
		if i < 0 {
			return p, fmt.Errorf("unknown programme %q (known: %s)", p.Programme, strings.Join(a.cfg.Programmes, ", "))
		}
		p.Programme = a.cfg.Programmes[i]
	}
	p.Config = a.cfg.Reports
	return p, nil
}

// periodDay parses YYYY-MM-DD, or YYYY-MM as the first (or, for the end of
// a period, the last) day of that month.
func periodDay(s string, end bool) (booking.Date, error) {
	s = strings.TrimSpace(s)
	if len(s) == 7 && s[4] == '-' {
		d, err := booking.ParseDate(s + "-01")
		if err != nil {
			return d, fmt.Errorf("%q is not a month (want YYYY-MM)", s)
		}
		if end {
			d = booking.DateOf(d.Time().AddDate(0, 1, -1))
		}
		return d, nil
	}
	return booking.ParseDate(s)
}

// runReport makes report name from the store and writes it as asked.
func (a *app) runReport(s *store.Store, name string, p reports.Params, f *reportFlags) error {
	d, err := a.newDesk(s)
	if err != nil {
		return err
	}
	tpl, _, err := d.Templates()
	if err != nil {
		return err
	}
	p.TravelLoan = func(prog string) bool { return tpl.For(prog).TravelLoan }
	if name == "quality" {
		p.Gate = func(cf *booking.CaseFile) []booking.GateItem { return cf.GateWith(d.GateInput(cf)) }
		p.GateStamp = s.ReportGateStamp() // rows judged the same way need no file
	}
	b, err := reports.New(name, p)
	if err != nil {
		return err
	}
	// A bulk read: collect garbage less often, but keep the heap under
	// what the whole process may use.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(120 << 20))
	if err := addCases(s, b, reports.NeedOf(name), nil); err != nil {
		return err
	}
	r := b.Report()
	if f.json && f.table == "" {
		return writeReportJSON(a.out, r)
	}
	tables := r.Tables()
	if f.table != "" {
		var names []string
		var keep []reports.Table
		for _, t := range tables {
			names = append(names, t.Name)
			if t.Name == f.table {
				keep = append(keep, t)
			}
		}
		if keep == nil {
			return fmt.Errorf("the %s report has no table %q (tables: %s)", name, f.table, strings.Join(names, ", "))
		}
		tables = keep
	}
	switch {
	case f.json:
		return writeReportJSON(a.out, r)
	case f.csv:
		return writeReportCSV(a.out, tables)
	case f.xlsx != "":
		if err := writeReportXLSX(a.file(f.xlsx), tables); err != nil {
			return err
		}
		printf(a.out, "wrote the %s report to %s (%d sheets)\n", name, f.xlsx, len(tables))
		return nil
	}
	writeReportText(a.out, r.Header(), tables)
	return nil
}

// addCases adds every case of the store to b by its report row (the
// facts the store keeps per case, with the gate items kept beside it where
// b asks for them), and by its whole case file where b still asks for it;
// keep, if not nil, is called with each case b took (not in case-number
// order: those with a kept gate come last). The rows are read in one
// transaction, walked on this goroutine and decoded on another; the few
// case files on two workers, each in its own. Only the parts of the rows
// named by parts are decoded (reports.NeedOf of b's report).
func addCases(s *store.Store, b reports.Builder, parts reports.Need, keep func(x *reports.CaseFacts, f *booking.CaseFile)) error {
	var mu sync.Mutex // b and keep
	// need carries the cases b asks more of: the gate items kept beside
	// the row (x set: its facts), else the whole file.
	type job struct {
		no string
		x  *reports.CaseFacts
	}
	need := make(chan job, 256)
	errs := make(chan error, 2)
	stop := make(chan struct{})
	var stopOnce sync.Once
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.View(func(tx *store.Tx) error {
				n := 0
				fail := func(err error) error {
					stopOnce.Do(func() { close(stop) })
					for range need { // let the reader finish
					}
					return err
				}
				for j := range need {
					if j.x != nil {
						if err := tx.LoadReportGate(j.x); err != nil {
							return fail(err)
						}
						mu.Lock()
						took := b.AddFacts(j.x)
						if took && keep != nil {
							keep(j.x, nil)
						}
						mu.Unlock()
						if took {
							continue
						}
					}
					f, err := tx.CaseFile(j.no)
					if err != nil {
						return fail(err)
					}
					x := reports.Facts(f) // of this very file
					mu.Lock()
					b.AddFile(&x, f)
					if keep != nil {
						keep(&x, f)
					}
					mu.Unlock()
					// The file pages read stay mapped and count against
					// this process; drop them now and then (they stay in
					// the page cache).
					if n++; n%256 == 0 {
						_ = s.ReleaseMemory()
					}
				}
				return nil
			})
		}()
	}
	// The rows are read from the file, not mapped (store/pageread.go):
	// they add nothing to the resident size.
	err := s.View(func(tx *store.Tx) error {
		defer close(need)
		return tx.ReportFactsPiped(parts, func(x *reports.CaseFacts) error {
			mu.Lock()
			took := b.AddFacts(x)
			if took && keep != nil {
				keep(x, nil)
			}
			mu.Unlock()
			if took {
				return nil
			}
			j := job{no: x.Number}
			if x.Gate.Stamp != 0 && !x.Gate.Loaded {
				// Its gate is kept beside its row: a worker reads it
				// while the walk goes on.
				j.x = x.Clone()
			}
			select {
			case need <- j:
			case <-stop:
				return errStopped
			}
			return nil
		})
	})
	wg.Wait()
	close(errs)
	for e := range errs {
		if e != nil {
			return e
		}
	}
	return err
}

// cellText formats one cell for text and CSV; money with thousands
// separators only in text.
func cellText(v any, k reports.Kind, text bool) string {
	if v == nil {
		return ""
	}
	switch k {
	case reports.USD:
		c := v.(int64)
		if text {
			return strings.TrimPrefix(booking.USD(c), "USD ")
		}
		return strconv.FormatFloat(float64(c)/100, 'f', 2, 64)
	case reports.Days, reports.Percent:
		return strconv.FormatFloat(v.(float64), 'f', 1, 64)
	case reports.Date:
		return v.(booking.Date).String()
	case reports.Int:
		return strconv.Itoa(v.(int))
	}
	return booking.Printable(fmt.Sprint(v))
}

// writeReportText writes each table aligned, numbers to the right.
func writeReportText(w io.Writer, m reports.Meta, tables []reports.Table) {
	period := "all dates"
	switch {
	case !m.From.IsZero() && !m.To.IsZero():
		period = m.From.String() + " to " + m.To.String()
	case !m.From.IsZero():
		period = "from " + m.From.String()
	case !m.To.IsZero():
		period = "to " + m.To.String()
	}
	scope := "every office"
	if m.Office != "" {
		scope = "office " + m.Office
	}
	if m.Programme != "" {
		scope += ", programme " + m.Programme
	}
	printf(w, "%s report: %s; %s; as of %s\n", m.Report, period, scope, m.Today)
	for _, t := range tables {
		printf(w, "\n%s\n", t.Title)
		if len(t.Rows) == 0 {
			printLine(w, "  (nothing in the period)")
		} else {
			cells := make([][]string, len(t.Rows)+1)
			width := make([]int, len(t.Columns))
			cells[0] = make([]string, len(t.Columns))
			for i, c := range t.Columns {
				cells[0][i] = c.Name
				width[i] = utf8.RuneCountInString(c.Name)
			}
			for r, row := range t.Rows {
				cells[r+1] = make([]string, len(t.Columns))
				for i, c := range t.Columns {
					s := cellText(row[i], c.Kind, true)
					if s == "" {
						s = "-"
					}
					cells[r+1][i] = s
					width[i] = max(width[i], utf8.RuneCountInString(s))
				}
			}
			for _, row := range cells {
				var b strings.Builder
				b.WriteString(" ")
				for i, s := range row {
					pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(s))
					b.WriteString(" ")
					if t.Columns[i].Kind == reports.Text {
						b.WriteString(s + pad)
					} else {
						b.WriteString(pad + s)
					}
				}
				printLine(w, strings.TrimRight(b.String(), " "))
			}
		}
		for _, n := range t.Notes {
			printf(w, "  %s\n", n)
		}
	}
}

// writeReportJSON writes the typed report as indented JSON, stored text
// escaped where a terminal would obey it. Its lists go out one element at a
// time: a report listing every case of 100k is never held whole as text.
func writeReportJSON(w io.Writer, r reports.Report) error {
	jw := &jsonControlWriter{w: w}
	bw := bufio.NewWriterSize(jw, 64<<10)
	if err := streamJSON(bw, reflect.ValueOf(r)); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return jw.Close()
}

// streamJSON writes struct v (or a pointer to one) as indented JSON,
// honouring the json tags (names, omitempty, omitzero, embedded structs),
// with the elements of its lists one a line: a list of 300k adults is
// written as it is encoded, and reads as a table.
func streamJSON(w *bufio.Writer, v reflect.Value) error {
	v = reflect.Indirect(v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	first := true
	var walk func(v reflect.Value) error
	walk = func(v reflect.Value) error {
		t := v.Type()
		for i := range t.NumField() {
			sf, fv := t.Field(i), v.Field(i)
			tag := sf.Tag.Get("json")
			if !sf.IsExported() || tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" && fv.Kind() == reflect.Struct {
				if err := walk(fv); err != nil {
					return err
				}
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if strings.Contains(opts, "omitempty") && emptyJSON(fv) || strings.Contains(opts, "omitzero") && fv.IsZero() {
				continue
			}
			if !first {
				w.WriteByte(',')
			}
			first = false
			key, _ := json.Marshal(name)
			w.WriteString("\n  ")
			w.Write(key)
			w.WriteString(": ")
			if fv.Kind() != reflect.Slice || fv.Len() == 0 {
				b, err := json.MarshalIndent(fv.Interface(), "  ", "  ")
				if err != nil {
					return err
				}
				w.Write(b)
				continue
			}
			w.WriteByte('[')
			for j := range fv.Len() {
				if j > 0 {
					w.WriteByte(',')
				}
				w.WriteString("\n    ")
				if err := enc.Encode(fv.Index(j).Interface()); err != nil {
					return err
				}
				if _, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
					return err
				}
				buf.Reset()
			}
			w.WriteString("\n  ]")
		}
		return nil
	}
	w.WriteByte('{')
	if err := walk(v); err != nil {
		return err
	}
	_, err := w.WriteString("\n}\n")
	return err
}

// emptyJSON is encoding/json's omitempty test.
func emptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// writeReportCSV writes each table with its header row, tables apart by an
// empty line. Text that a spreadsheet would run as a formula is quoted
// with a leading apostrophe.
func writeReportCSV(w io.Writer, tables []reports.Table) error {
	cw := csv.NewWriter(w)
	for i, t := range tables {
		if i > 0 {
			cw.Flush()
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		head := make([]string, len(t.Columns))
		for j, c := range t.Columns {
			head[j] = c.Name
		}
		if err := cw.Write(head); err != nil {
			return err
		}
		for _, row := range t.Rows {
			rec := make([]string, len(row))
			for j, c := range t.Columns {
				rec[j] = cellText(row[j], c.Kind, false)
				if c.Kind == reports.Text && rec[j] != "" && strings.ContainsRune("=+-@", rune(rec[j][0])) {
					rec[j] = "'" + rec[j]
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeReportXLSX writes one sheet per table: a header row, then typed
// cells (numbers, US dollars, dates). The file is written beside its final
// name and renamed, mode 0600.
func writeReportXLSX(path string, tables []reports.Table) error {
	x := excelize.NewFile()
	defer x.Close()
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	money, _ := x.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	dayFmt := "yyyy-mm-dd"
	date, _ := x.NewStyle(&excelize.Style{CustomNumFmt: &dayFmt})
	oneDec := "0.0"
	dec, _ := x.NewStyle(&excelize.Style{CustomNumFmt: &oneDec})
	for i, t := range tables {
		sheet := t.Name
		if len(sheet) > 31 {
			sheet = sheet[:31]
		}
		if i == 0 {
			if err := x.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := x.NewSheet(sheet); err != nil {
			return err
		}
		sw, err := x.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		head := make([]any, len(t.Columns))
		for j, c := range t.Columns {
			head[j] = excelize.Cell{StyleID: bold, Value: c.Name}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		for r, row := range t.Rows {
			vals := make([]any, len(row))
			for j, c := range t.Columns {
				v := row[j]
				if v == nil {
					continue
				}
				switch c.Kind {
				case reports.USD:
					vals[j] = excelize.Cell{StyleID: money, Value: float64(v.(int64)) / 100}
				case reports.Date:
					if d := v.(booking.Date); !d.IsZero() {
						vals[j] = excelize.Cell{StyleID: date, Value: d.Time()}
					}
				case reports.Days, reports.Percent:
					vals[j] = excelize.Cell{StyleID: dec, Value: v.(float64)}
				case reports.Int:
					vals[j] = v.(int)
				default:
					vals[j] = booking.Printable(fmt.Sprint(v))
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := sw.SetRow(cell, vals); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".movedesk-report-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := x.Write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// withHubStore runs fn on the hub's store in --data, read-only. While the
// hub runs it holds the store, so it is asked (through the publication
// queue, like `hub backup`) for a consistent copy, which is read and
// removed.
func (a *app) withHubStore(cmd *cobra.Command, wait time.Duration, fn func(*store.Store) error) error {
	dir := a.cfg.Data
	if _, err := os.Stat(filepath.Join(dir, store.FileName)); err != nil {
		return fmt.Errorf("no hub store in %s (fix --data)", dir)
	}
	booking.Programmes = a.cfg.Programmes
	codec, err := a.codec()
	if err != nil {
		return err
	}
	s, err := store.Open(dir, store.Options{ReadOnly: true, Codec: codec, LockTimeout: 200 * time.Millisecond})
	if err == nil {
		defer s.Close()
		return fn(s)
	}
	if !errors.Is(err, store.ErrInUse) {
		return err
	}
	copyDir, err := os.MkdirTemp("", "movedesk-hub-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(copyDir)
	p := &central.Publication{Actor: a.cfg.User, Backup: filepath.Join(copyDir, store.FileName)}
	if err := central.QueuePublication(dir, p); err != nil {
		return err
	}
	fmt.Fprintln(a.err, "the hub is running; reporting from a copy of its store")
	deadline := time.Now().Add(wait)
	for {
		r, ok, err := central.PublicationResult(dir, p.ID)
		if err != nil {
			return err
		}
		if ok {
			os.Remove(filepath.Join(dir, central.PublishDir, p.ID+".result.json"))
			if !r.OK {
				return fmt.Errorf("the hub could not copy its store: %s", r.Message)
			}
			break
		}
		if time.Now().After(deadline) {
			os.Remove(filepath.Join(dir, central.PublishDir, p.ID+".json"))
			return fmt.Errorf("the hub did not hand over a copy of its store within %s", wait)
		}
		time.Sleep(200 * time.Millisecond)
	}
	cs, err := store.Open(copyDir, store.Options{ReadOnly: true, Codec: codec})
	if err != nil {
		return err
	}
	defer cs.Close()
	return fn(cs)
}
