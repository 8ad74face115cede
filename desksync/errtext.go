package desksync

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"movedesk/booking"
	"movedesk/store"
	"movedesk/wire"
)

// RecoveryText says in words what happened when a sync found this desk's
// store behind the hub (restored from a copy, a copied machine, two
// machines sharing a data directory, or an answer lost before a restart)
// and what was done, for `movedesk sync` and the app's :sync.
func RecoveryText(r *store.Recovery) string {
	if r == nil {
		return ""
	}
	state := "all of them came back"
	if !r.Done {
		state = "they are still coming back: sync again"
	}
	return fmt.Sprintf("on %s this desk's store was found older than the hub's record of it: "+
		"it was restored from a backup or copied from another machine (the hub had this desk's changes up to #%d, "+
		"this store only up to #%d). Nothing is lost: %d changes made here since were renumbered and sent, "+
		"and the hub's %d changes this store lacked were taken back (%s). "+
		"If another machine still works on a copy of this store, stop using that copy: the hub now refuses it",
		r.At.Local().Format("2006-01-02 15:04"), r.HubAcked, r.Pushed, r.Renumbered, r.Recovered, state)
}

// ErrorText says in words what a failed sync means and what to do about it,
// for the status bar and `movedesk sync`: a token the hub no longer
// accepts, a hub asking the desk to wait, a certificate the desk does not
// trust (named). Other errors are returned as they are.
func ErrorText(err error) string {
	var he *HTTPError
	var cve *tls.CertificateVerificationError
	switch {
	case errors.As(err, &he) && he.Status == http.StatusUnauthorized:
		return "the hub no longer accepts this desk's token (401: revoked, or unknown to it): " +
			"ask the office for a new token and set it in sync.token (or MOVEDESK_SYNC_TOKEN); " +
			"this desk's changes stay here and go up once it syncs again (hub: " + he.Msg + ")"
	case he != nil && (he.Status == http.StatusUpgradeRequired || he.Code == wire.CodeUpgrade):
		return "this movedesk is too old for the hub (426: " + he.Msg + "): upgrade movedesk on this desk; " +
			"its changes stay here and go up once it syncs again"
	case he != nil && he.Code == wire.CodeHubTooOld:
		return "the hub runs an older movedesk than this desk (" + he.Msg + "): ask the office to upgrade the hub; " +
			"this desk's changes stay here and go up once it syncs again"
	case he != nil && he.Code == wire.CodeStoreCopy:
		return "the hub refuses this copy of the desk's store (403): another copy of it, restored or copied from this one, " +
			"has synced since and took over, and two live copies of one desk would mix their changes. " +
			"Use only the other copy; this copy's changes since then stay here and are not sent " +
			"(`movedesk export` keeps them to enter again). To work on this machine too, ask the office for " +
			"a token of a new desk and start from an empty data directory (hub: " + he.Msg + ")"
	case he != nil && he.Code == wire.CodeChain:
		return "the hub refuses this desk's changes (409): they do not link to the hash chain of this desk's history " +
			"the hub received, so the history here was altered or is not this desk's; nothing was sent. " +
			"Run `movedesk audit verify` here and tell the office (hub: " + he.Msg + ")"
	case he != nil && he.Busy():
		wait := "a while"
		if he.RetryAfter > 0 {
			wait = he.RetryAfter.Round(time.Second).String()
		}
		return "the hub is limiting this desk's requests (429, too many): it asks for " + wait +
			" before the next; nothing is lost"
	case errors.As(err, &cve):
		what := "hub certificate not trusted"
		if len(cve.UnverifiedCertificates) > 0 {
			what += ", " + DescribeCert(cve.UnverifiedCertificates[0])
		}
		why := cve.Err.Error()
		var he x509.HostnameError
		var ie x509.CertificateInvalidError
		switch {
		case errors.As(cve.Err, &he):
			why = "it is not for this host name (" + booking.Printable(he.Host) + "): set sync.hub to a name it holds, or make it anew with `movedesk hub cert --host`"
		case errors.As(cve.Err, &ie) && ie.Reason == x509.Expired:
			why = "it has expired: make a new one at the hub (`movedesk hub cert --force`) and copy it to the desks"
		default:
			why = booking.Printable(why) + ": set sync.ca_file to this certificate (the hub's hub.crt, or the office authority's)"
		}
		return what + ": " + why
	}
	return err.Error()
}

// DescribeCert names a certificate for a person checking it: subject, the
// names it holds, issuer, validity and the start of its SHA-256
// fingerprint. Every part is escaped: it came from the network.
func DescribeCert(c *x509.Certificate) string {
	names := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	sum := sha256.Sum256(c.Raw)
	subject := c.Subject.CommonName
	if subject == "" {
		subject = c.Subject.String()
	}
	return booking.Printable(fmt.Sprintf("%q (for %s; issued by %q; valid %s to %s; SHA-256 %s…)",
		subject, strings.Join(names, ", "), c.Issuer.CommonName,
		c.NotBefore.UTC().Format("2006-01-02"), c.NotAfter.UTC().Format("2006-01-02"), hex.EncodeToString(sum[:8])))
}
