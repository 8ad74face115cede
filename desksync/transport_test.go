package desksync_test

import (
	"strings"
	"testing"

	"movedesk/desksync"
)

func TestCheckHub(t *testing.T) {
	for _, c := range []struct {
		url   string
		plain bool
		bad   string
	}{
		{url: "https://hub.example.org:8443"},
		{url: "http://127.0.0.1:8470"},
		{url: "http://localhost:8470"},
		{url: "http://[::1]:8470"},
		{url: "http://10.0.0.5:8470", bad: "unencrypted"},
		{url: "http://hub.example.org", bad: "unencrypted"},
		{url: "http://10.0.0.5:8470", plain: true},
		{url: "hub.example.org:8470", bad: "want https://"},
		{url: "ftp://hub.example.org", bad: "want https://"},
	} {
		err := desksync.CheckHub(c.url, c.plain)
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("%s: %v", c.url, err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad)):
			t.Errorf("%s: err %v, want %q", c.url, err, c.bad)
		}
	}
}
