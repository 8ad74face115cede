package central

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The hub's own TLS certificate, made by `movedesk hub cert`: serve uses it
// when no --tls-cert is given, and desks trust it through sync.ca_file.
var (
	CertFile = filepath.Join("tls", "hub.crt")
	KeyFile  = filepath.Join("tls", "hub.key")
)

// NewCert writes a self-signed ECDSA P-256 certificate for hosts (names or
// IP addresses) into dir, valid for the given time. P-256 keeps the TLS
// handshake small, which counts on a 64 kbit/s link. It refuses to replace
// an existing certificate unless force.
func NewCert(dir string, hosts []string, valid time.Duration, force bool) (certPath, keyPath string, err error) {
	if len(hosts) == 0 {
		return "", "", errors.New("name at least one host the desks use to reach the hub")
	}
	certPath, keyPath = filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)
	if _, err := os.Stat(certPath); err == nil && !force {
		return "", "", fmt.Errorf("%s exists (desks trust it); --force replaces it, and every desk then needs the new one", certPath)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return "", "", err
	}
	now := time.Now()
	tpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: hosts[0], Organization: []string{"movedesk hub"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(valid),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // self-signed: desks trust it as its own authority
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tpl.IPAddresses = append(tpl.IPAddresses, ip)
		} else {
			tpl.DNSNames = append(tpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return "", "", err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", "", err
	}
	tdir := filepath.Join(dir, "tls")
	if err := writeAtomic(tdir, filepath.Base(KeyFile), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})); err != nil {
		return "", "", err
	}
	if err := writeAtomic(tdir, filepath.Base(CertFile), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})); err != nil {
		return "", "", err
	}
	// The certificate is public: desks copy it.
	return certPath, keyPath, os.Chmod(certPath, 0o644)
}
