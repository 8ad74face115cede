package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"movedesk/reports"
	"movedesk/tariffs"
)

func TestExampleConfigLoads(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	c, err := Load("../config.example.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.User != "amina.benali" || c.Office != "RBA" || c.Sync.Interval != 2*time.Minute || len(c.Programmes) != 5 {
		t.Fatalf("example config = %+v", c)
	}
	// The example documents the defaults: it must not drift from them.
	want := tariffs.DefaultRules()
	c.Rules.Severity, want.Severity = nil, nil
	if fmt.Sprint(c.Rules) != fmt.Sprint(want) {
		t.Fatalf("example rules %+v differ from the defaults %+v", c.Rules, want)
	}
	if r := reports.DefaultConfig(); fmt.Sprint(c.Reports) != fmt.Sprint(r) {
		t.Fatalf("example reports %+v differ from the defaults %+v", c.Reports, r)
	}
}

func TestReportsConfig(t *testing.T) {
	c, err := Load(write(t, "data: /x\nreports:\n  targets:\n    booked: 10\n  loan_items:\n    USRAP:\n      - {name: Exam, per: adult, usd: 12.5}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Reports.Targets.Booked != 10 || c.Reports.Targets.Documents != 60 || c.Reports.LoanItems["USRAP"][0].Cents() != 1250 {
		t.Fatalf("reports = %+v", c.Reports)
	}
	for body, key := range map[string]string{
		"reports:\n  targets:\n    booked: -1\n":                         "reports.targets.booked",
		"reports:\n  loan_items:\n    USRAP: [{name: X, per: family}]\n": "reports.loan_items.USRAP.1.per",
		"reports:\n  target: 3\n":                                        "target",
	} {
		_, err := Load(write(t, "data: /x\n"+body), nil)
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%q: err = %v, want it to name %s", body, err, key)
		}
	}
}

func write(t *testing.T, body string) string {
	f := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(f, []byte(body), 0o600)
	return f
}

func TestUnknownKeyNamesFileAndKey(t *testing.T) {
	f := write(t, "data: /tmp/x\ncolour: blue\n")
	_, err := Load(f, nil)
	if err == nil || !strings.Contains(err.Error(), f) || !strings.Contains(err.Error(), "colour") {
		t.Fatalf("err = %v", err)
	}
}

func TestBadValueNamesKey(t *testing.T) {
	for body, key := range map[string]string{
		"theme: purple\n":           "theme",
		"sync:\n  interval: soon\n": "interval",
		"office: rabat\n":           "office",
		"sync:\n  interval: 10ms\n": "sync.interval",
		"programmes: []\n":          "programmes",
	} {
		_, err := Load(write(t, body), nil)
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%q: err = %v, want it to name %s", body, err, key)
		}
	}
}

func TestPrecedenceFlagsEnvFileDefaults(t *testing.T) {
	f := write(t, "data: /from/file\nuser: file-user\ntheme: light\n")
	t.Setenv("MOVEDESK_USER", "env-user")
	t.Setenv("MOVEDESK_THEME", "")
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.String("data", "", "")
	fs.Parse([]string{"--data", "/from/flag"})
	c, err := Load(f, fs)
	if err != nil {
		t.Fatal(err)
	}
	if c.Data != "/from/flag" || c.User != "env-user" || c.Theme != "light" || c.Sync.Interval != 2*time.Minute {
		t.Fatalf("got data=%s user=%s theme=%s interval=%s", c.Data, c.User, c.Theme, c.Sync.Interval)
	}
}

func TestNoColorEnv(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	c, err := Load(write(t, "data: /x\n"), nil)
	if err != nil || !c.NoColor {
		t.Fatalf("NO_COLOR not honoured: %+v %v", c, err)
	}
}

func TestRulesDefaultsAndOverrides(t *testing.T) {
	c, err := Load(write(t, "data: /x\nrules:\n  medif_notice: 72h\n  severity:\n    mct-assisted: warning\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Rules.MEDIFNotice != 72*time.Hour || c.Rules.PregnancyNoTravelWeek != 36 || c.Rules.Severity["mct-assisted"] != "warning" {
		t.Fatalf("rules = %+v", c.Rules)
	}
	t.Setenv("MOVEDESK_RULES_PREGNANCY_NO_TRAVEL_WEEK", "34")
	c, err = Load(write(t, "data: /x\n"), nil)
	if err != nil || c.Rules.PregnancyNoTravelWeek != 34 || c.Rules.MEDIFNotice != 48*time.Hour {
		t.Fatalf("env rule: %+v %v", c.Rules, err)
	}
	if _, err := Load(write(t, "data: /x\nrules:\n  medif_notise: 72h\n"), nil); err == nil || !strings.Contains(err.Error(), "medif_notise") {
		t.Fatalf("misspelt rule key: %v", err)
	}
}
