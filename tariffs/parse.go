package tariffs

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // airports name IANA zones; desks may lack a zone database

	"movedesk/booking"
)

// TableError is one problem in one table file, at a line and column (both
// 1-based; 0 when the problem concerns the whole file or line).
type TableError struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Error returns "fares.csv:12:34: valid_to: message".
func (e *TableError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(":" + strconv.Itoa(e.Column))
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// TableErrors is every problem found in a table set, sorted by file, line
// and column. Parse returns all of them at once.
type TableErrors []*TableError

// maxErrorLines caps the text of Error; the slice keeps every error.
const maxErrorLines = 200

// Error lists the errors, one per line.
func (es TableErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d error(s) in the tariff tables:", len(es))
	for i, e := range es {
		if i == maxErrorLines {
			fmt.Fprintf(&b, "\n  ... and %d more", len(es)-i)
			break
		}
		b.WriteString("\n  " + e.Error())
	}
	return b.String()
}

// ParseFS parses the table files at the root of fsys.
func ParseFS(fsys fs.FS) (*Set, error) {
	files := map[string]string{}
	var errs TableErrors
	for _, name := range Files {
		b, err := fs.ReadFile(fsys, name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // Parse reports it
		case err != nil:
			errs = append(errs, &TableError{File: name, Message: err.Error()})
			continue
		}
		files[name] = string(b)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return Parse(files)
}

// Parse validates a table set given as file name to CSV text and builds its
// indexes. On any problem it returns nil and a TableErrors listing all of
// them; it never panics on malformed input.
func Parse(files map[string]string) (*Set, error) {
	p := &parser{broken: map[string]bool{}, s: &Set{
		airports: map[string]*Airport{},
		mct:      map[string]MCT{},
		mctDef:   MCT{Airport: "*", Domestic: 60 * time.Minute, International: 90 * time.Minute},
		rates:    map[string][]Rate{},
		texts:    map[string]string{},
		carriers: map[string]*CarrierRule{},
		holidays: map[holidayKey]Holiday{},
	}}
	for name := range files {
		if !slices.Contains(Files, name) {
			p.errs = append(p.errs, &TableError{File: name, Message: "unknown table file (want " + strings.Join(Files, ", ") + ")"})
		}
	}
	for _, name := range Files {
		text, ok := files[name]
		if !ok && slices.Contains(OptionalFiles, name) {
			continue
		}
		if !ok {
			p.errs = append(p.errs, &TableError{File: name, Message: "table file is missing"})
			continue
		}
		p.s.texts[name] = text
	}
	// Order matters: fares refer to airports and rates.
	p.parseVersion(files[FileVersion], files)
	p.parseAirports(files[FileAirports], files)
	p.parseMCT(files[FileMCT], files)
	p.parseRates(files[FileRates], files)
	p.parseFares(files[FileFares], files)
	p.parseCarriers(files[FileCarriers], files)
	p.parseTransit(files[FileTransit], files)
	p.parseHolidays(files[FileHolidays], files)
	p.parseProgrammes(files[FileProgrammes], files)
	if len(p.errs) > 0 {
		slices.SortStableFunc(p.errs, func(a, b *TableError) int {
			return cmp.Or(cmp.Compare(slices.Index(Files, a.File), slices.Index(Files, b.File)),
				strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
		})
		return nil, p.errs
	}
	p.s.index()
	return p.s, nil
}

type parser struct {
	s    *Set
	errs TableErrors
	// broken marks files whose structure failed (missing, empty, bad header,
	// CSV syntax): other tables then skip their checks against them rather
	// than repeat the same problem on every row.
	broken map[string]bool
}

// usable reports whether file was given and its structure is sound.
func (p *parser) usable(files map[string]string, file string) bool {
	_, ok := files[file]
	return ok && !p.broken[file]
}

// table is one CSV file read into rows, with header positions.
type table struct {
	p    *parser
	file string
	cols map[string]int
	rows []row
}

type row struct {
	t      *table
	line   int
	fields []string
	pos    []int // column of each field
}

// read splits text into rows. required columns must be in the header,
// optional ones may be; any other column is an error. A CSV syntax error
// ends the file (the rest cannot be trusted) but not the other files.
func (p *parser) read(file, text string, required, optional []string) *table {
	t := &table{p: p, file: file, cols: map[string]int{}}
	if text == "" {
		p.broken[file] = true
		if _, ok := p.s.texts[file]; ok {
			p.errs = append(p.errs, &TableError{File: file, Line: 1, Message: "file is empty (want a header: " + strings.Join(required, ",") + ")"})
		}
		return t
	}
	text = strings.TrimPrefix(text, "\ufeff")
	r := csv.NewReader(strings.NewReader(text))
	r.Comment = '#'
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		p.csvError(file, err)
		p.broken[file] = true
		return t
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		line, col := r.FieldPos(i)
		switch {
		case h == "":
			p.errs = append(p.errs, &TableError{File: file, Line: line, Column: col, Message: "empty column name in header"})
		case !slices.Contains(required, h) && !slices.Contains(optional, h):
			p.errs = append(p.errs, &TableError{File: file, Line: line, Column: col, Field: h,
				Message: "unknown column (known: " + strings.Join(append(slices.Clone(required), optional...), ", ") + ")"})
		case t.cols[h] != 0:
			p.errs = append(p.errs, &TableError{File: file, Line: line, Column: col, Field: h, Message: "column appears twice in header"})
		default:
			t.cols[h] = i + 1 // 0 means absent
		}
	}
	for _, h := range required {
		if t.cols[h] == 0 {
			p.errs = append(p.errs, &TableError{File: file, Line: 1, Field: h, Message: "required column is missing from the header"})
			p.broken[file] = true
		}
	}
	if p.broken[file] {
		return t // rows would only repeat the header problem
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			p.csvError(file, err)
			p.broken[file] = true
			break
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			_, col := r.FieldPos(len(rec) - 1)
			p.errs = append(p.errs, &TableError{File: file, Line: line, Column: col,
				Message: fmt.Sprintf("row has %d fields, the header has %d", len(rec), len(header))})
			continue
		}
		rw := row{t: t, line: line, fields: rec, pos: make([]int, len(rec))}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
			_, rw.pos[i] = r.FieldPos(i)
		}
		t.rows = append(t.rows, rw)
	}
	return t
}

func (p *parser) csvError(file string, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		p.errs = append(p.errs, &TableError{File: file, Line: pe.Line, Column: pe.Column, Message: "CSV syntax: " + pe.Err.Error()})
		return
	}
	p.errs = append(p.errs, &TableError{File: file, Message: err.Error()})
}

// get returns the trimmed field of column name, "" if the column is absent.
func (r *row) get(name string) string {
	i := r.t.cols[name]
	if i == 0 {
		return ""
	}
	return r.fields[i-1]
}

// errf records an error at column name of the row.
func (r *row) errf(name, format string, args ...any) {
	e := &TableError{File: r.t.file, Line: r.line, Field: name, Message: fmt.Sprintf(format, args...)}
	if i := r.t.cols[name]; i != 0 {
		e.Column = r.pos[i-1]
	}
	r.t.p.errs = append(r.t.p.errs, e)
}

// code reads an upper-case code of n letters (digits too when alnum).
func (r *row) code(name string, n int, alnum bool) (string, bool) {
	v := strings.ToUpper(r.get(name))
	if !isCode(v, n, alnum) {
		what := "letters"
		if alnum {
			what = "letters or digits"
		}
		r.errf(name, "%q must be %d %s", v, n, what)
		return "", false
	}
	return v, true
}

func isCode(v string, n int, alnum bool) bool {
	if len(v) != n {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'A' && c <= 'Z') && !(alnum && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (r *row) date(name string) (booking.Date, bool) {
	v := r.get(name)
	if v == "" {
		r.errf(name, "date is required (YYYY-MM-DD)")
		return booking.Date{}, false
	}
	d, err := booking.ParseDate(v)
	if err != nil {
		r.errf(name, "%v", err)
		return booking.Date{}, false
	}
	return d, true
}

// intIn reads a whole number in [lo, hi]; empty is def.
func (r *row) intIn(name string, lo, hi, def int) (int, bool) {
	v := r.get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		if err == nil && n < 0 {
			r.errf(name, "%d is negative", n)
		} else {
			r.errf(name, "%q must be a whole number from %d to %d", v, lo, hi)
		}
		return 0, false
	}
	return n, true
}

// amount reads a non-negative decimal with at most two places, in hundredths.
func (r *row) amount(name string) (int64, bool) {
	v := r.get(name)
	n, err := parseDecimal(v, 2)
	switch {
	case v == "":
		r.errf(name, "amount is required")
	case err != nil:
		r.errf(name, "%q %v", v, err)
	case n < 0:
		r.errf(name, "amount %s is negative", v)
	default:
		return n, true
	}
	return 0, false
}

// parseDecimal parses [-]digits[.digits] with at most places decimals and
// returns it scaled by 10^places.
func parseDecimal(v string, places int) (int64, error) {
	neg := strings.HasPrefix(v, "-")
	if neg {
		v = v[1:]
	}
	whole, frac, hasDot := strings.Cut(v, ".")
	if whole == "" && frac == "" || len(frac) > places || (hasDot && frac == "") || len(whole) > 12 {
		return 0, fmt.Errorf("is not a decimal with at most %d places", places)
	}
	var n int64
	for _, part := range []string{whole, frac + strings.Repeat("0", places-len(frac))} {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("is not a decimal with at most %d places", places)
			}
			n = n*10 + int64(c-'0')
		}
	}
	if neg {
		n = -n
	}
	return n, nil
}

func (p *parser) parseVersion(text string, files map[string]string) {
	t := p.read(FileVersion, text, []string{"version", "effective"}, []string{"description"})
	if _, ok := files[FileVersion]; ok && len(t.rows) != 1 && len(t.cols) > 0 {
		p.errs = append(p.errs, &TableError{File: FileVersion, Line: 2, Message: fmt.Sprintf("want exactly one row, found %d", len(t.rows))})
	}
	for i := range t.rows {
		r := &t.rows[i]
		v := r.get("version")
		if !ValidVersion(v) {
			r.errf("version", "version %q must be 1 to 40 letters, digits, '.', '_' or '-'", v)
		}
		d, _ := r.date("effective")
		if i == 0 {
			p.s.Version, p.s.Effective, p.s.Description = v, d, r.get("description")
		}
	}
}

// ValidVersion reports whether v can name a table set version.
func ValidVersion(v string) bool {
	if len(v) == 0 || len(v) > 40 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (p *parser) parseAirports(text string, _ map[string]string) {
	t := p.read(FileAirports, text, []string{"code", "city", "country", "tz"}, nil)
	zones := map[string]*time.Location{}
	lines := map[string]int{}
	for i := range t.rows {
		r := &t.rows[i]
		code, ok := r.code("code", 3, false)
		if ok && lines[code] != 0 {
			r.errf("code", "airport %s already defined on line %d", code, lines[code])
			ok = false
		}
		city := r.get("city")
		if city == "" {
			r.errf("city", "city is required")
			ok = false
		}
		country, cok := r.code("country", 2, false)
		tzName := r.get("tz")
		loc, zok := zones[tzName]
		if !zok {
			var err error
			if tzName == "" || tzName == "Local" || !strings.Contains(tzName, "/") && tzName != "UTC" {
				err = errors.New("want an IANA zone such as Europe/Paris")
			} else {
				loc, err = time.LoadLocation(tzName)
			}
			if err != nil {
				r.errf("tz", "unknown time zone %q: %v", tzName, err)
				loc = nil
			}
			zones[tzName] = loc
		}
		if loc == nil {
			ok = false
		}
		if code != "" && lines[code] == 0 {
			lines[code] = r.line
		}
		if ok && cok {
			p.s.airports[code] = &Airport{Code: code, City: city, Country: country, TZName: tzName, TZ: loc}
		}
	}
}

func (p *parser) parseMCT(text string, files map[string]string) {
	t := p.read(FileMCT, text, []string{"airport", "domestic", "international"}, nil)
	lines := map[string]int{}
	haveAirports := p.usable(files, FileAirports)
	for i := range t.rows {
		r := &t.rows[i]
		a := strings.ToUpper(r.get("airport"))
		ok := true
		switch {
		case a != "*" && !isCode(a, 3, false):
			r.errf("airport", "%q must be 3 letters or * (the default)", a)
			ok = false
		case a != "*" && haveAirports && p.s.airports[a] == nil:
			r.errf("airport", "unknown airport %s (not in %s)", a, FileAirports)
			ok = false
		case lines[a] != 0:
			r.errf("airport", "airport %s already has a row on line %d", a, lines[a])
			ok = false
		}
		dom, dok := r.intIn("domestic", 0, 1440, -1)
		intl, iok := r.intIn("international", 0, 1440, -1)
		if dom == -1 {
			r.errf("domestic", "minutes are required")
			dok = false
		}
		if intl == -1 {
			r.errf("international", "minutes are required")
			iok = false
		}
		if lines[a] == 0 {
			lines[a] = r.line
		}
		if !ok || !dok || !iok {
			continue
		}
		m := MCT{Airport: a, Domestic: time.Duration(dom) * time.Minute, International: time.Duration(intl) * time.Minute}
		if a == "*" {
			p.s.mctDef = m
		} else {
			p.s.mct[a] = m
		}
	}
}

func (p *parser) parseRates(text string, _ map[string]string) {
	t := p.read(FileRates, text, []string{"currency", "effective", "usd"}, nil)
	lines := map[[2]string]int{}
	for i := range t.rows {
		r := &t.rows[i]
		cur, ok := r.code("currency", 3, false)
		if ok && cur == "USD" {
			r.errf("currency", "USD needs no rate (it is always 1)")
			ok = false
		}
		d, dok := r.date("effective")
		v := r.get("usd")
		micros, err := parseDecimal(v, 6)
		switch {
		case err != nil:
			r.errf("usd", "%q %v", v, err)
			ok = false
		case micros <= 0:
			r.errf("usd", "rate %s must be positive", v)
			ok = false
		}
		k := [2]string{cur, d.String()}
		if ok && dok && lines[k] != 0 {
			r.errf("effective", "%s already has a rate from %s on line %d", cur, d, lines[k])
			continue
		}
		lines[k] = r.line
		if ok && dok {
			p.s.rates[cur] = append(p.s.rates[cur], Rate{Currency: cur, Effective: d, USDMicros: micros})
		}
	}
	for _, rs := range p.s.rates {
		slices.SortFunc(rs, func(a, b Rate) int { return a.Effective.Time().Compare(b.Effective.Time()) })
	}
}

// fareColumns are the columns of fares.csv.
var (
	fareRequired = []string{"id", "carrier", "origin", "destination", "fare_basis", "pax", "fare", "taxes", "currency", "valid_from", "valid_to"}
	fareOptional = []string{"via", "cabin", "bag_pieces", "bag_kg", "programme", "notes"}
)

func (p *parser) parseFares(text string, files map[string]string) {
	t := p.read(FileFares, text, fareRequired, fareOptional)
	haveAirports := p.usable(files, FileAirports)
	haveRates := p.usable(files, FileRates)
	ids := make(map[string]int, len(t.rows))
	fares := make([]Fare, 0, len(t.rows))
	rowOf := make([]*row, 0, len(t.rows))
	// Interning keeps 50,000 rows from holding 50,000 copies of "ADT".
	intern := map[string]string{}
	in := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		intern[s] = s
		return s
	}
	airport := func(r *row, name, code string) bool {
		if haveAirports && p.s.airports[code] == nil {
			r.errf(name, "unknown airport %s (not in %s)", code, FileAirports)
			return false
		}
		return true
	}
	for i := range t.rows {
		r := &t.rows[i]
		f := Fare{Line: r.line}
		ok := true
		okIf := func(b bool) {
			if !b {
				ok = false
			}
		}
		f.ID = r.get("id")
		switch {
		case f.ID == "":
			r.errf("id", "id is required")
			ok = false
		case ids[f.ID] != 0:
			r.errf("id", "id %s already used on line %d", f.ID, ids[f.ID])
			ok = false
		default:
			ids[f.ID] = r.line
		}
		var b bool
		f.Carrier, b = r.code("carrier", 2, true)
		okIf(b)
		f.Origin, b = r.code("origin", 3, false)
		okIf(b && airport(r, "origin", f.Origin))
		f.Destination, b = r.code("destination", 3, false)
		okIf(b && airport(r, "destination", f.Destination))
		if f.Origin != "" && f.Origin == f.Destination {
			r.errf("destination", "destination is the origin %s", f.Origin)
			ok = false
		}
		if v := strings.ToUpper(r.get("via")); v != "" {
			for _, h := range strings.Split(v, "/") {
				h = strings.TrimSpace(h)
				switch {
				case !isCode(h, 3, false):
					r.errf("via", "via %q must be airport codes separated by /", v)
					ok = false
				case h == f.Origin || h == f.Destination || slices.Contains(f.Via, h):
					r.errf("via", "via %s repeats an airport of the route", v)
					ok = false
				case !airport(r, "via", h):
					ok = false
				}
				f.Via = append(f.Via, in(h))
			}
			if len(f.Via) > 3 {
				r.errf("via", "at most 3 via airports")
				ok = false
			}
		}
		f.Cabin = strings.ToUpper(r.get("cabin"))
		if f.Cabin == "" {
			f.Cabin = "Y"
		} else if !isCode(f.Cabin, 1, false) {
			r.errf("cabin", "cabin %q must be one letter (Y economy, W premium, C business, F first)", f.Cabin)
			ok = false
		}
		f.FareBasis = strings.ToUpper(r.get("fare_basis"))
		if f.FareBasis == "" || len(f.FareBasis) > 15 || strings.ContainsFunc(f.FareBasis, func(c rune) bool {
			return !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/')
		}) {
			r.errf("fare_basis", "fare basis %q must be 1 to 15 letters, digits or /", f.FareBasis)
			ok = false
		}
		switch pax := booking.PaxType(strings.ToUpper(r.get("pax"))); pax {
		case booking.ADT, booking.CHD, booking.INF:
			f.Pax = pax
		default:
			r.errf("pax", "passenger type %q must be ADT, CHD or INF", pax)
			ok = false
		}
		f.Fare, b = r.amount("fare")
		okIf(b)
		f.Taxes, b = r.amount("taxes")
		okIf(b)
		f.Baggage.Pieces, b = r.intIn("bag_pieces", 0, 9, 0)
		okIf(b)
		f.Baggage.Kg, b = r.intIn("bag_kg", 0, 99, 0)
		okIf(b)
		var fok, tok bool
		f.ValidFrom, fok = r.date("valid_from")
		f.ValidTo, tok = r.date("valid_to")
		if fok && tok && f.ValidFrom.After(f.ValidTo) {
			r.errf("valid_to", "valid_to %s is before valid_from %s", f.ValidTo, f.ValidFrom)
			ok = false
		}
		okIf(fok && tok)
		f.Currency, b = r.code("currency", 3, false)
		if b && fok && haveRates {
			if _, has := p.s.Rate(f.Currency, f.ValidFrom); !has {
				r.errf("currency", "no USD rate for %s on %s in %s", f.Currency, f.ValidFrom, FileRates)
				b = false
			}
		}
		okIf(b)
		f.Programme = strings.ToUpper(r.get("programme"))
		if f.Programme != "" && (len(f.Programme) > 16 || strings.ContainsFunc(f.Programme, func(c rune) bool {
			return !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')
		})) {
			r.errf("programme", "programme %q must be up to 16 letters, digits or -", f.Programme)
			ok = false
		}
		f.Notes = r.get("notes")
		if len(f.Notes) > 200 {
			r.errf("notes", "notes are limited to 200 characters")
			ok = false
		}
		if ok {
			f.Carrier, f.Origin, f.Destination, f.Cabin = in(f.Carrier), in(f.Origin), in(f.Destination), in(f.Cabin)
			f.Currency, f.Programme, f.Notes = in(f.Currency), in(f.Programme), in(f.Notes)
			fares = append(fares, f)
			rowOf = append(rowOf, r)
		}
	}
	p.checkOverlaps(fares, rowOf)
	p.s.fares = fares
}

// checkOverlaps reports fares whose validity overlaps an earlier row with the
// same carrier, route, cabin, passenger type and programme: a quote must
// never have to choose between two rows.
func (p *parser) checkOverlaps(fares []Fare, rows []*row) {
	type key struct {
		fareKey
		programme string
	}
	groups := map[key][]int{}
	for i := range fares {
		f := &fares[i]
		k := key{fareKey{f.Carrier, f.Origin, f.Destination, strings.Join(f.Via, "/"), f.Cabin, f.Pax}, f.Programme}
		groups[k] = append(groups[k], i)
	}
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		slices.SortFunc(g, func(a, b int) int {
			return cmp.Or(fares[a].ValidFrom.Time().Compare(fares[b].ValidFrom.Time()), cmp.Compare(fares[a].Line, fares[b].Line))
		})
		last := g[0]
		for _, i := range g[1:] {
			if !fares[i].ValidFrom.After(fares[last].ValidTo) {
				rows[i].errf("valid_from", "validity %s..%s overlaps fare %s on line %d (same carrier, route, cabin, pax and programme)",
					fares[i].ValidFrom, fares[i].ValidTo, fares[last].ID, fares[last].Line)
			}
			if fares[i].ValidTo.After(fares[last].ValidTo) {
				last = i
			}
		}
	}
}

// index builds the lookup maps once the rows are valid.
func (s *Set) index() {
	s.byKey = make(map[fareKey][]int32, len(s.fares))
	s.byOD = map[odKey][]int32{}
	s.byPair = map[[2]string][]int32{}
	vias := map[string]string{}
	for i := range s.fares {
		f := &s.fares[i]
		via := ""
		if len(f.Via) > 0 {
			j := strings.Join(f.Via, "/")
			if v, ok := vias[j]; ok {
				via = v
			} else {
				vias[j], via = j, j
			}
		}
		k := fareKey{f.Carrier, f.Origin, f.Destination, via, f.Cabin, f.Pax}
		s.byKey[k] = append(s.byKey[k], int32(i))
		od := odKey{f.Origin, f.Destination, via}
		s.byOD[od] = append(s.byOD[od], int32(i))
		pr := [2]string{f.Origin, f.Destination}
		s.byPair[pr] = append(s.byPair[pr], int32(i))
	}
	for _, idx := range s.byKey {
		slices.SortFunc(idx, func(a, b int32) int {
			return s.fares[a].ValidFrom.Time().Compare(s.fares[b].ValidFrom.Time())
		})
	}
}
