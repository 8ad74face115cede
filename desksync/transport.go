package desksync

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"
)

// NewHTTPClient returns the client a desk syncs with: a 60 s timeout, and
// when caFile is set, its PEM certificates trusted beside the system's (an
// office's own certificate authority, or the hub's self-signed certificate).
func NewHTTPClient(caFile string) (*http.Client, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// Keep the connection between background syncs (every 2 min by
	// default): a new one costs two round trips (TCP, TLS), over a second on
	// a far link.
	t.IdleConnTimeout = 10 * time.Minute
	c := &http.Client{Timeout: 60 * time.Second, Transport: t}
	if caFile == "" {
		return c, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("sync.ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("sync.ca_file %s: no PEM certificate in it", caFile)
	}
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return c, nil
}

// CheckHub refuses a hub URL that would send personal data unencrypted
// across a network: http:// is accepted only for a hub on this machine,
// unless allowPlain says the network is trusted.
func CheckHub(hub string, allowPlain bool) error {
	u, err := url.Parse(hub)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("sync.hub %q: want https://HOST[:PORT]", hub)
	}
	if u.Scheme == "https" || allowPlain {
		return nil
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("sync.hub %s is plain HTTP: the cases' personal data would cross the network unencrypted; "+
		"serve the hub with --tls-cert and --tls-key and use https:// (sync.ca_file trusts its certificate), "+
		"or set sync.allow_plain_http: true on a trusted private network", hub)
}
