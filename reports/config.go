package reports

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Config holds the targets and thresholds of the reports (the reports
// section of the config file).
type Config struct {
	// Targets are the most days each step of a case should take.
	Targets Targets `mapstructure:"targets"`
	// ABNOverdueDays: a booking this many days old without a sent ABN is
	// listed by the workload report.
	ABNOverdueDays int `mapstructure:"abn_overdue_days"`
	// LongestWaiting is how many of the longest-waiting open cases the
	// workload report lists.
	LongestWaiting int `mapstructure:"longest_waiting"`
	// ExpiryWarningDays: a document expiring within this many days after
	// departure is a data-quality finding (it may not carry the traveller
	// through transit and arrival).
	ExpiryWarningDays int `mapstructure:"expiry_warning_days"`
	// GateWindowDays: open gate items on cases departing within this many
	// days are data-quality findings.
	GateWindowDays int `mapstructure:"gate_window_days"`
	// LoanItems are the items a programme's travel loan covers besides the
	// tickets, by programme.
	LoanItems map[string][]LoanItem `mapstructure:"loan_items"`
}

// Targets are days per timeliness step.
type Targets struct {
	// Documents: request received to documents complete.
	Documents int `mapstructure:"documents"`
	// TravelReady: documents complete to travel-ready.
	TravelReady int `mapstructure:"travel_ready"`
	// Booked: travel-ready to first booking.
	Booked int `mapstructure:"booked"`
	// ABNSent: booked to the first ABN sent.
	ABNSent int `mapstructure:"abn_sent"`
	// Departed: ABN sent to departure.
	Departed int `mapstructure:"departed"`
	// Total: request received to departure.
	Total int `mapstructure:"total"`
}

// LoanItem is one cost a travel loan covers besides the tickets.
type LoanItem struct {
	Name string `mapstructure:"name"`
	// Per is traveller, adult or case.
	Per string `mapstructure:"per"`
	// USD is the amount in US dollars (two decimals).
	USD float64 `mapstructure:"usd"`
}

// LoanPers are the accepted LoanItem.Per values.
var LoanPers = []string{"traveller", "adult", "case"}

// Cents returns the item's amount in US cents.
func (l LoanItem) Cents() int64 { return int64(math.Round(l.USD * 100)) }

// DefaultConfig returns the documented defaults (config.example.yaml).
func DefaultConfig() Config {
	return Config{
		Targets:           Targets{Documents: 60, TravelReady: 30, Booked: 21, ABNSent: 5, Departed: 30, Total: 150},
		ABNOverdueDays:    3,
		LongestWaiting:    20,
		ExpiryWarningDays: 30,
		GateWindowDays:    7,
		LoanItems:         map[string][]LoanItem{},
	}
}

func (c *Config) isZero() bool {
	return c.Targets == (Targets{}) && c.ABNOverdueDays == 0 && c.LongestWaiting == 0 && c.ExpiryWarningDays == 0 &&
		c.GateWindowDays == 0 && len(c.LoanItems) == 0
}

// Validate checks the values; errors name the key under reports.
func (c *Config) Validate() error {
	var errs []error
	neg := func(key string, v int) {
		if v < 0 {
			errs = append(errs, fmt.Errorf("reports.%s: %d must not be negative", key, v))
		}
	}
	t := c.Targets
	neg("targets.documents", t.Documents)
	neg("targets.travel_ready", t.TravelReady)
	neg("targets.booked", t.Booked)
	neg("targets.abn_sent", t.ABNSent)
	neg("targets.departed", t.Departed)
	neg("targets.total", t.Total)
	neg("abn_overdue_days", c.ABNOverdueDays)
	neg("longest_waiting", c.LongestWaiting)
	neg("expiry_warning_days", c.ExpiryWarningDays)
	neg("gate_window_days", c.GateWindowDays)
	progs := make([]string, 0, len(c.LoanItems))
	for p := range c.LoanItems {
		progs = append(progs, p)
	}
	sort.Strings(progs)
	for _, p := range progs {
		for i, it := range c.LoanItems[p] {
			key := fmt.Sprintf("reports.loan_items.%s.%d", p, i+1)
			switch {
			case strings.TrimSpace(it.Name) == "":
				errs = append(errs, fmt.Errorf("%s.name: a loan item needs a name", key))
			case !slices.Contains(LoanPers, it.Per):
				errs = append(errs, fmt.Errorf("%s.per: %q must be one of %s", key, it.Per, strings.Join(LoanPers, ", ")))
			case it.USD < 0 || math.IsNaN(it.USD) || math.IsInf(it.USD, 0):
				errs = append(errs, fmt.Errorf("%s.usd: %v must be a non-negative amount", key, it.USD))
			}
		}
	}
	return errors.Join(errs...)
}
