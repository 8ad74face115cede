// Package config loads movedesk's typed configuration with viper: flags, then
// MOVEDESK_* environment variables, then the config file, then defaults.
// Unknown keys and bad values are errors naming the file and key.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"movedesk/booking"
	"movedesk/reports"
	"movedesk/tariffs"
)

// Config is movedesk's configuration.
type Config struct {
	// Data is the data directory holding the desk's store.
	Data string `mapstructure:"data"`
	// User is the name recorded as the actor of every change.
	User string `mapstructure:"user"`
	// Office is this desk's office code; empty shows all offices.
	Office string `mapstructure:"office"`
	// Desk is the id given to a new store (op ids start with it).
	Desk string `mapstructure:"desk"`
	// KeyFile holds the store's encryption key (hex); empty: not encrypted.
	KeyFile string `mapstructure:"key_file"`
	// Theme is auto, dark, light or high-contrast.
	Theme string `mapstructure:"theme"`
	// NoColor disables colour (also NO_COLOR in the environment).
	NoColor bool `mapstructure:"no_color"`
	// Programmes lists the programmes cases may belong to.
	Programmes []string `mapstructure:"programmes"`
	// Keys overrides TUI key bindings: action name to keys.
	Keys map[string][]string `mapstructure:"keys"`
	// Sync configures the connection to the central office hub.
	Sync Sync `mapstructure:"sync"`
	// Signin configures sign-in at a desk whose store has users.
	Signin Signin `mapstructure:"signin"`
	// Serve holds the limits of `movedesk serve` (the hub), see HubLimits.
	Serve HubLimits `mapstructure:"serve"`
	// Rules are the travel-rule thresholds of the quote engine.
	Rules tariffs.Rules `mapstructure:"rules"`
	// Templates are the duty templates (counselling topics, escort rules,
	// escort checklist, travel bag) by programme, as written; parsed and
	// checked by booking.ParseTemplates over the embedded defaults.
	Templates map[string]any `mapstructure:"templates"`
	// Reports are the targets and thresholds of `movedesk report`.
	Reports reports.Config `mapstructure:"reports"`

	// File is the config file that was read, if any.
	File string `mapstructure:"-"`
}

// Sync configures the desk's sync with the hub.
type Sync struct {
	// Hub is the hub's base URL, e.g. https://hub.example.org:8443.
	Hub string `mapstructure:"hub"`
	// Token is this desk's token, printed once by `movedesk hub desk add`.
	Token string `mapstructure:"token"`
	// TokenFile is a file (mode 0600) holding the token, when Token is
	// empty.
	TokenFile string `mapstructure:"token_file"`
	// Interval is how often the TUI syncs in the background.
	Interval time.Duration `mapstructure:"interval"`
	// CAFile is a PEM file of certificates to trust for an https hub, beside
	// the system's (a hub with the office's own certificate authority).
	CAFile string `mapstructure:"ca_file"`
	// AllowPlainHTTP permits an http:// hub that is not on this machine:
	// personal data then crosses the network unencrypted.
	AllowPlainHTTP bool `mapstructure:"allow_plain_http"`
}

// HubLimits bound what one desk token, or a client with none, can make the
// hub hold. It has central.Limits' fields exactly (serve converts it);
// config.example.yaml documents each with its default.
type HubLimits struct {
	MaxOps        int           `mapstructure:"max_ops"`
	MaxString     int           `mapstructure:"max_string"`
	MaxBody       int64         `mapstructure:"max_body"`
	MaxPlain      int64         `mapstructure:"max_plain"`
	HeaderTimeout time.Duration `mapstructure:"header_timeout"`
	BodyTimeout   time.Duration `mapstructure:"body_timeout"`
	IdleTimeout   time.Duration `mapstructure:"idle_timeout"`
	MaxConns      int           `mapstructure:"max_conns"`
	MaxConnsPerIP int           `mapstructure:"max_conns_per_ip"`
	MaxInflight   int           `mapstructure:"max_inflight"`
	DeskRate      float64       `mapstructure:"desk_rate"`
	DeskBurst     int           `mapstructure:"desk_burst"`
	LogMax        int64         `mapstructure:"log_max"`
	LogKeep       int           `mapstructure:"log_keep"`
}

// Signin configures the app's lock.
type Signin struct {
	// LockAfter locks the app after this long without a key (0: never).
	LockAfter time.Duration `mapstructure:"lock_after"`
}

// Themes accepted in Theme.
var Themes = []string{"auto", "dark", "light", "high-contrast"}

func defaults(v *viper.Viper) {
	v.SetDefault("data", defaultDataDir())
	v.SetDefault("user", defaultUser())
	v.SetDefault("office", "")
	v.SetDefault("desk", "")
	v.SetDefault("key_file", "")
	v.SetDefault("theme", "auto")
	v.SetDefault("no_color", false)
	v.SetDefault("programmes", []string{"USRAP", "CA-GAR", "AU-HUM", "AVRR", "EU-REL"})
	v.SetDefault("keys", map[string][]string{})
	v.SetDefault("sync.hub", "")
	v.SetDefault("sync.token", "")
	v.SetDefault("sync.token_file", "")
	v.SetDefault("sync.interval", "2m")
	v.SetDefault("signin.lock_after", "10m")
	v.SetDefault("sync.ca_file", "")
	v.SetDefault("sync.allow_plain_http", false)
	// The hub's limits (central.DefaultLimits; a test keeps them equal).
	for k, val := range map[string]any{"max_ops": 5000, "max_string": 65536, "max_body": 8 << 20, "max_plain": 64 << 20,
		"header_timeout": "10s", "body_timeout": "2m", "idle_timeout": "10m", "max_conns": 1024, "max_conns_per_ip": 64,
		"max_inflight": 16, "desk_rate": 120, "desk_burst": 60, "log_max": 16 << 20, "log_keep": 3} {
		v.SetDefault("serve."+k, val)
	}
	// Every rules key gets its default, so each is known to the environment
	// (MOVEDESK_RULES_MEDIF_NOTICE) and a partial rules section keeps the rest.
	var rules map[string]any
	_ = mapstructure.Decode(tariffs.DefaultRules(), &rules)
	for k, val := range rules {
		if k == "severity" {
			continue
		}
		v.SetDefault("rules."+k, val)
	}
	r := reports.DefaultConfig()
	for k, val := range map[string]int{"targets.documents": r.Targets.Documents, "targets.travel_ready": r.Targets.TravelReady,
		"targets.booked": r.Targets.Booked, "targets.abn_sent": r.Targets.ABNSent, "targets.departed": r.Targets.Departed,
		"targets.total": r.Targets.Total, "abn_overdue_days": r.ABNOverdueDays, "longest_waiting": r.LongestWaiting,
		"expiry_warning_days": r.ExpiryWarningDays, "gate_window_days": r.GateWindowDays} {
		v.SetDefault("reports."+k, val)
	}
	v.SetDefault("reports.loan_items", map[string]any{})
}

// Load reads the configuration. file is the --config flag ("" to look in the
// default places); flags holds the command's flags, bound by their names
// (--data to data, --no-color to no_color ...) when the user set them.
func Load(file string, flags *pflag.FlagSet) (*Config, error) {
	v := viper.New()
	defaults(v)
	v.SetEnvPrefix("MOVEDESK")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	if file == "" {
		file = defaultFile()
	} else if _, err := os.Stat(file); err != nil {
		return nil, fmt.Errorf("config file %s: %w", file, err)
	}
	if file != "" {
		v.SetConfigFile(file)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config file %s: %w", file, err)
		}
	}
	if flags != nil {
		flags.VisitAll(func(f *pflag.Flag) {
			key := strings.ReplaceAll(f.Name, "-", "_")
			if key == "passphrase_file" {
				return // not configuration: MOVEDESK_PASSPHRASE_FILE is read where the passphrase is
			}
			if v.IsSet(key) || isKnown(key) {
				_ = v.BindPFlag(key, f)
			}
		})
	}
	c := Config{Rules: tariffs.DefaultRules()}
	where := "configuration"
	if file != "" {
		where = "config file " + file
	}
	if err := v.UnmarshalExact(&c, viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(
		mapstructure.StringToTimeDurationHookFunc(), mapstructure.StringToSliceHookFunc(",")))); err != nil {
		return nil, fmt.Errorf("%s: %s", where, cleanDecodeError(err))
	}
	c.File = file
	if os.Getenv("NO_COLOR") != "" {
		c.NoColor = true
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return &c, nil
}

// isKnown reports whether key is a top-level config key (for flag binding).
func isKnown(key string) bool {
	return slices.Contains([]string{"data", "user", "office", "desk", "key_file", "theme", "no_color"}, key)
}

// Validate checks values; errors name the key.
func (c *Config) Validate() error {
	var errs []error
	if c.Data == "" {
		errs = append(errs, errors.New("key data: a data directory is required"))
	}
	if !slices.Contains(Themes, c.Theme) {
		errs = append(errs, fmt.Errorf("key theme: %q is not one of %s", c.Theme, strings.Join(Themes, ", ")))
	}
	if c.Office != "" && (len(c.Office) != 3 || strings.ToUpper(c.Office) != c.Office) {
		errs = append(errs, fmt.Errorf("key office: %q must be a 3-letter upper-case office code", c.Office))
	}
	if c.Signin.LockAfter < 0 || (c.Signin.LockAfter > 0 && c.Signin.LockAfter < 10*time.Second) {
		errs = append(errs, fmt.Errorf("key signin.lock_after: %s: use 0 (never) or at least 10s", c.Signin.LockAfter))
	}
	if c.Sync.Interval < 0 || (c.Sync.Interval > 0 && c.Sync.Interval < time.Second) {
		errs = append(errs, fmt.Errorf("key sync.interval: %s is too short (at least 1s)", c.Sync.Interval))
	}
	for _, h := range []struct {
		key string
		bad bool
	}{
		{"max_ops", c.Serve.MaxOps < 1}, {"max_string", c.Serve.MaxString < 4096}, {"max_body", c.Serve.MaxBody < 1<<10},
		{"max_plain", c.Serve.MaxPlain < c.Serve.MaxBody}, {"header_timeout", c.Serve.HeaderTimeout < time.Second},
		{"body_timeout", c.Serve.BodyTimeout < time.Second}, {"idle_timeout", c.Serve.IdleTimeout < time.Second},
		{"max_conns", c.Serve.MaxConns < 1}, {"max_conns_per_ip", c.Serve.MaxConnsPerIP < 1 || c.Serve.MaxConnsPerIP > c.Serve.MaxConns},
		{"max_inflight", c.Serve.MaxInflight < 1}, {"desk_rate", c.Serve.DeskRate <= 0}, {"desk_burst", c.Serve.DeskBurst < 1},
		{"log_max", c.Serve.LogMax < 64<<10}, {"log_keep", c.Serve.LogKeep < 1 || c.Serve.LogKeep > 100},
	} {
		if h.bad {
			errs = append(errs, fmt.Errorf("key serve.%s: out of range (see config.example.yaml)", h.key))
		}
	}
	if len(c.Programmes) == 0 {
		errs = append(errs, errors.New("key programmes: at least one programme is required"))
	}
	if err := c.Rules.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("key rules: %w", err))
	}
	// Viper lowers map keys: give loan items their programme's spelling.
	items := map[string][]reports.LoanItem{}
	for k, v := range c.Reports.LoanItems {
		i := slices.IndexFunc(c.Programmes, func(p string) bool { return strings.EqualFold(p, k) })
		if i < 0 {
			errs = append(errs, fmt.Errorf("key reports.loan_items.%s: unknown programme (known: %s)", k, strings.Join(c.Programmes, ", ")))
			continue
		}
		items[c.Programmes[i]] = v
	}
	c.Reports.LoanItems = items
	if err := c.Reports.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("key %w", err))
	}
	if _, err := booking.ParseTemplates(c.Templates, c.Programmes); err != nil {
		errs = append(errs, fmt.Errorf("key %w", err))
	}
	return errors.Join(errs...)
}

func cleanDecodeError(err error) string {
	s := err.Error()
	s = strings.ReplaceAll(s, "decoding failed due to the following error(s):\n\n", "")
	s = strings.ReplaceAll(s, "has invalid keys:", "unknown key(s):")
	return strings.TrimSpace(s)
}

func defaultFile() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	f := filepath.Join(dir, "movedesk", "config.yaml")
	if _, err := os.Stat(f); err != nil {
		return ""
	}
	return f
}

func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "movedesk")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "movedesk")
	}
	return "movedesk-data"
}

func defaultUser() string {
	for _, k := range []string{"MOVEDESK_USER", "USER", "LOGNAME"} {
		if u := os.Getenv(k); u != "" {
			return u
		}
	}
	return "associate"
}
