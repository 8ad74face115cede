// Package desk is the use-case layer: every write a user can make, from the
// app or the command line, is one typed method of Service that takes the
// acting user first and runs as one store transaction built from the
// booking functions. Screens and cobra commands parse input and show
// results; they never open transactions or build store records.
//
// The Service also owns what those writes are judged with: the active tariff
// version (followed as sync brings new ones) and the effective duty
// templates.
package desk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"movedesk/booking"
	"movedesk/store"
	"movedesk/tariffs"
)

// Config is what a Service judges writes with besides the store.
type Config struct {
	// Rules are the quote engine's thresholds and the desk's tolerances.
	Rules tariffs.Rules
	// Templates is the `templates:` map of the desk's configuration and
	// Programmes the programmes cases may belong to.
	Templates  map[string]any
	Programmes []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service is the one use-case layer over an open store.
type Service struct {
	s   *store.Store
	cfg Config

	tmu     sync.Mutex
	version string // active tariff version loaded
	set     *tariffs.Set

	pmu     sync.Mutex
	tplHave bool
	tplRaw  []byte
	tpl     *booking.Templates
	tplWarn string

	dmu sync.Mutex
	dup *dupIndex
}

// New returns the Service over s. The active tariff version is loaded on
// first use (call Tariffs to load it now and see whether it parses): the
// commands that repair a broken active version go through the Service too.
func New(s *store.Store, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	// The store's invariants judge dates by the desk's clock and rules.
	s.SetWriteRules(booking.WriteRules{Today: func() booking.Date { return booking.DateOf(cfg.Now()) },
		DepartureToleranceDays: cfg.Rules.DepartureToleranceDays})
	d := &Service{s: s, cfg: cfg}
	// Report rows keep the gate of open booked cases judged as GateInput does.
	s.SetReportGate((&gateJudge{cfg: cfg, d: d}).reportGate)
	return d
}

// JudgeReportRows has the report rows s writes from now on keep the
// ready-to-depart gate judged as a Service with cfg judges it (what New
// does, without the rest of a Service): the hub's rows, written as desks'
// pushes merge, then spare its quality reports the case files.
func JudgeReportRows(s *store.Store, cfg Config) {
	s.SetReportGate((&gateJudge{cfg: cfg}).reportGate)
}

// Store returns the store the Service writes (for reads).
func (d *Service) Store() *store.Store { return d.s }

// Rules returns the configured rule thresholds.
func (d *Service) Rules() tariffs.Rules { return d.cfg.Rules }

func (d *Service) now() time.Time { return d.cfg.Now() }

func (d *Service) today() booking.Date { return booking.DateOf(d.now()) }

// Tariffs returns the active tariff set, loading it again when the active
// version changed since the last call (sync may bring a new one while the
// app runs). A version that does not parse is an error on first load;
// later, the set in use is kept.
func (d *Service) Tariffs() (*tariffs.Set, error) {
	d.tmu.Lock()
	defer d.tmu.Unlock()
	var act tariffs.ActiveRecord
	var rec *tariffs.SetRecord
	err := d.s.View(func(tx *store.Tx) error {
		if _, err := tx.Get(tariffs.ActiveKey, &act); err != nil {
			return err
		}
		if act.Version == "" {
			act.Version = tariffs.EmbeddedVersion
		}
		if d.set != nil && act.Version == d.version || act.Version == tariffs.EmbeddedVersion {
			return nil
		}
		rec = &tariffs.SetRecord{}
		ok, err := tx.Get(tariffs.SetKey(act.Version), rec)
		if !ok {
			rec = nil
		}
		return err
	})
	if err == nil && (d.set == nil || act.Version != d.version) {
		var set *tariffs.Set
		if rec != nil {
			set, err = rec.Set()
			if err != nil {
				err = fmt.Errorf("active tariff version %s does not parse: %w", act.Version, err)
			}
		} else {
			// No such version stored: the embedded tables, as before activation.
			set, err = tariffs.Embedded()
		}
		if err == nil {
			d.set, d.version = set, act.Version
		}
	}
	if err != nil && d.set != nil {
		return d.set, nil
	}
	return d.set, err
}

// Templates returns the duty templates this desk works with: the embedded
// defaults, then the templates the hub published (they arrive by sync), then
// the desk's own configuration. warn is set when the published templates do
// not apply here (the desk then works without them).
func (d *Service) Templates() (tpl *booking.Templates, warn string, err error) {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	var raw []byte
	if err := d.s.View(func(tx *store.Tx) error {
		var err error
		raw, _, err = tx.GetRaw(booking.TemplatesKey)
		return err
	}); err != nil {
		return nil, "", err
	}
	if d.tplHave && bytes.Equal(raw, d.tplRaw) {
		return d.tpl, d.tplWarn, nil
	}
	if tpl, warn, err = templatesFrom(raw, d.cfg); err != nil {
		return nil, "", err
	}
	d.tplHave, d.tplRaw, d.tpl, d.tplWarn = true, raw, tpl, warn
	return tpl, warn, nil
}

// templatesFrom makes the effective templates from the published record
// raw (nil: none) and the desk's configuration.
func templatesFrom(raw []byte, cfg Config) (tpl *booking.Templates, warn string, err error) {
	var pub *booking.TemplatesRecord
	if raw != nil {
		pub = &booking.TemplatesRecord{}
		if err := json.Unmarshal(raw, pub); err != nil {
			pub = nil
		}
	}
	tpl, err = booking.EffectiveTemplates(pub, cfg.Templates, cfg.Programmes)
	if err != nil && pub != nil {
		// A publication this build cannot read must not stop the desk.
		warn = fmt.Sprintf("templates version %d published by the hub do not apply here (%v); using the defaults and this desk's config", pub.Version, err)
		tpl, err = booking.ParseTemplates(cfg.Templates, cfg.Programmes)
	}
	if err != nil {
		return nil, "", err
	}
	tpl.OvernightMinLayover = cfg.Rules.OvernightMinLayover
	return tpl, warn, nil
}

// templates is Templates without the warning.
func (d *Service) templates() (*booking.Templates, error) {
	tpl, _, err := d.Templates()
	return tpl, err
}

// Quote prices req against the active tariff version with the configured
// rules (req.Rules is ignored). Without tables that parse, the quote is
// unpriced with one blocking finding that says why.
func (d *Service) Quote(req tariffs.QuoteRequest) tariffs.QuoteResult {
	set, err := d.Tariffs()
	if set == nil {
		return tariffs.QuoteResult{Findings: []tariffs.Finding{{Code: "no-tariffs", Severity: tariffs.Blocking,
			Message: fmt.Sprintf("no tariff tables to price with: %v", err)}}}
	}
	return quote(set, d.cfg.Rules, req)
}

// quote prices req against set with rules.
func quote(set *tariffs.Set, rules tariffs.Rules, req tariffs.QuoteRequest) tariffs.QuoteResult {
	req.Rules = &rules
	return tariffs.Quote(set, req)
}

// QuoteBooking quotes booking b of case file f: its travellers with their
// documents, dated b.BookedOn, against the case's destination and the
// members left off. The programme's cap per flight is not judged (see
// quoteBookingWith).
func (d *Service) QuoteBooking(f *booking.CaseFile, b *booking.Booking) tariffs.QuoteResult {
	return d.quoteBookingWith(f, b, nil)
}

// quoteBookingWith is QuoteBooking with the other cases on b's flights
// (nil: not counted).
func (d *Service) quoteBookingWith(f *booking.CaseFile, b *booking.Booking, loads []tariffs.FlightLoad) tariffs.QuoteResult {
	return d.Quote(bookingRequest(f, b, loads))
}

// bookingRequest is the quote request of booking b of case file f.
func bookingRequest(f *booking.CaseFile, b *booking.Booking, loads []tariffs.FlightLoad) tariffs.QuoteRequest {
	var ts, others []booking.Traveller
	docs := map[int][]booking.Document{}
	for _, t := range f.Travellers {
		if slices.Contains(b.Travellers, t.Member) {
			ts = append(ts, t)
			docs[t.Member] = f.DocumentsOf(t.Member)
		} else {
			others = append(others, t)
		}
	}
	return tariffs.QuoteRequest{Segments: b.Segments, Travellers: ts, Documents: docs,
		Programme: f.Case.Programme, BookingDate: b.BookedOn, EscortSeats: b.EscortSeats,
		Destination: f.Case.DestAirport, Others: others, FlightLoads: loads}
}

// blockingFindings returns the quote engine's blocking findings for f's
// active booking (none without one).
func (d *Service) blockingFindings(f *booking.CaseFile) []booking.BookingFinding {
	b := f.ActiveBooking()
	if b == nil {
		return nil
	}
	return blocking(d.QuoteBooking(f, b))
}

// blocking returns the blocking findings of a quote.
func blocking(res tariffs.QuoteResult) []booking.BookingFinding {
	var out []booking.BookingFinding
	for _, fd := range res.Findings {
		if fd.Severity == tariffs.Blocking {
			out = append(out, booking.BookingFinding{Code: fd.Code, Traveller: fd.Traveller, Message: fd.Message})
		}
	}
	return out
}

// GateInput is what the ready-to-depart gate needs for case file f beyond
// it: the effective templates and the quote engine's blocking findings for
// its active booking, computed now with the active tariff version.
func (d *Service) GateInput(f *booking.CaseFile) booking.GateInput {
	tpl, err := d.templates()
	if err != nil {
		// The store could not be read: judge with the templates in use.
		d.pmu.Lock()
		tpl = d.tpl
		d.pmu.Unlock()
	}
	return booking.GateInput{Templates: tpl, Findings: d.blockingFindings(f), FindingsChecked: true, Today: d.today()}
}
