package central

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"
)

// RegistryFile is the desk registry inside the hub's data directory. It is a
// small JSON file apart from the store so `movedesk hub desk add` works while
// the hub runs; the server re-reads it when its modification time changes.
const RegistryFile = "desks.json"

// Desk is one registered desk. The token itself is never stored.
type Desk struct {
	Name      string     `json:"name"`
	Office    string     `json:"office"`
	TokenHash string     `json:"token_sha256"`
	Created   time.Time  `json:"created"`
	Revoked   *time.Time `json:"revoked,omitempty"`
}

type registryFile struct {
	Desks []Desk `json:"desks"`
}

var (
	officeRe = regexp.MustCompile(`^[A-Z]{3}$`)
	nameRe   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
)

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

func readRegistry(dir string) (registryFile, error) {
	var r registryFile
	b, err := os.ReadFile(filepath.Join(dir, RegistryFile))
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("%s: %w", filepath.Join(dir, RegistryFile), err)
	}
	return r, nil
}

func writeRegistry(dir string, r registryFile) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(dir, RegistryFile, append(b, '\n'))
}

// writeAtomic writes dir/name by way of a synced temporary file renamed into
// place, so a reader (the running hub) never sees half a file.
func writeAtomic(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name))
}

// AddDesk registers a desk and returns its token (shown once).
func AddDesk(dir, office, name string) (string, error) {
	if !officeRe.MatchString(office) {
		return "", fmt.Errorf("office %q must be a 3-letter upper-case office code", office)
	}
	if !nameRe.MatchString(name) {
		return "", fmt.Errorf("desk name %q: use letters, digits, '.', '_' or '-'", name)
	}
	r, err := readRegistry(dir)
	if err != nil {
		return "", err
	}
	for _, d := range r.Desks {
		if d.Name == name {
			return "", fmt.Errorf("desk %s is already registered (revoke it and add a new name)", name)
		}
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	tok := "mdt_" + hex.EncodeToString(b[:])
	r.Desks = append(r.Desks, Desk{Name: name, Office: office, TokenHash: hashToken(tok), Created: time.Now().UTC().Truncate(time.Second)})
	return tok, writeRegistry(dir, r)
}

// ListDesks returns the registered desks.
func ListDesks(dir string) ([]Desk, error) {
	r, err := readRegistry(dir)
	return r.Desks, err
}

// RevokeDesk revokes a desk's token; its next request gets 401.
func RevokeDesk(dir, name string) error {
	r, err := readRegistry(dir)
	if err != nil {
		return err
	}
	for i := range r.Desks {
		if r.Desks[i].Name == name {
			if r.Desks[i].Revoked == nil {
				now := time.Now().UTC().Truncate(time.Second)
				r.Desks[i].Revoked = &now
			}
			return writeRegistry(dir, r)
		}
	}
	return fmt.Errorf("no desk named %s", name)
}

// registry caches desks.json, reloading it when the file changes.
type registry struct {
	dir   string
	mu    sync.Mutex
	mtime time.Time
	size  int64
	desks []Desk
}

// named returns the registered desk called name (as last read by lookup).
func (g *registry) named(name string) (Desk, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, d := range g.desks {
		if d.Name == name {
			return d, true
		}
	}
	return Desk{}, false
}

func (g *registry) lookup(token string) (Desk, bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	fi, err := os.Stat(filepath.Join(g.dir, RegistryFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		g.desks = nil
	case err != nil:
		return Desk{}, false, err
	case !fi.ModTime().Equal(g.mtime) || fi.Size() != g.size || g.desks == nil:
		r, err := readRegistry(g.dir)
		if err != nil {
			return Desk{}, false, err
		}
		g.desks, g.mtime, g.size = r.Desks, fi.ModTime(), fi.Size()
	}
	h := hashToken(token)
	for _, d := range g.desks {
		if subtle.ConstantTimeCompare([]byte(d.TokenHash), []byte(h)) == 1 {
			return d, d.Revoked == nil, nil
		}
	}
	return Desk{}, false, nil
}
