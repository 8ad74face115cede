package config

import (
	"strings"
	"testing"

	"movedesk/central"
)

// TestHubLimitsDefaults: the example and the defaults of the hub's limits
// are central.DefaultLimits, and HubLimits converts to central.Limits (the
// same fields).
func TestHubLimitsDefaults(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	want := central.DefaultLimits()
	for _, file := range []string{"../config.example.yaml", write(t, "data: /tmp/x\n")} {
		c, err := Load(file, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := central.Limits(c.Serve); got != want {
			t.Fatalf("%s: hub limits %+v, want %+v", file, got, want)
		}
	}
	c, err := Load(write(t, "data: /tmp/x\nserve:\n  max_ops: 10\n  desk_rate: 0.5\n"), nil)
	if err != nil || c.Serve.MaxOps != 10 || c.Serve.DeskRate != 0.5 || c.Serve.MaxString != want.MaxString {
		t.Fatalf("%+v %v", c.Serve, err)
	}
	if _, err := Load(write(t, "data: /tmp/x\nserve:\n  max_conns_per_ip: 0\n"), nil); err == nil {
		t.Fatal("max_conns_per_ip 0 accepted")
	}
	// The log is always capped: no rotation-less or tiny log.
	for _, bad := range []string{"log_keep: 0", "log_max: 1000"} {
		if _, err := Load(write(t, "data: /tmp/x\nserve:\n  "+bad+"\n"), nil); err == nil || !strings.Contains(err.Error(), "serve.log_") {
			t.Fatalf("%s: %v", bad, err)
		}
	}
}
