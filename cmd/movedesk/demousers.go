package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"movedesk/auth"
	"movedesk/booking"
	"movedesk/store"
)

// demoUsers are the users `movedesk demo` makes (unless --no-users), one
// per role; their names are demo assignees, so each has a Mine queue.
var demoUsers = []struct {
	name string
	role booking.Role
}{
	{"amina.benali", booking.RoleAssociate},
	{"petra.schulz", booking.RoleTeamLeader},
	{"youssef.idrissi", booking.RoleDataProcessing},
	{"jonas.weber", booking.RoleViewer},
	{"grace.kim", booking.RoleOfficeAdmin},
}

// demoPassphrase is a demo user's passphrase: demo stores are for trying
// movedesk, never for real data.
func demoPassphrase(name string) string { return name + "-demo-passphrase" }

// passphraseDir is where the demo writes its users' passphrase files:
// beside the data directory, not in it, as DIR.passphrases/NAME (0600).
func passphraseDir(data string) string {
	return filepath.Clean(data) + ".passphrases"
}

// demoCredentials makes the demo users' credentials (one Argon2id run
// each, on a second core while the cases are written).
func demoCredentials() <-chan map[string]auth.Credential {
	out := make(chan map[string]auth.Credential, 1)
	go func() {
		m := map[string]auth.Credential{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, u := range demoUsers {
			wg.Go(func() {
				c, err := auth.NewCredential([]byte(demoPassphrase(u.name)), credentialParams)
				if err == nil {
					mu.Lock()
					m[u.name] = c
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		out <- m
	}()
	return out
}

// addDemoUsers writes the demo users of office with their credentials, a
// key slot each for data key dk, and their passphrase files.
func addDemoUsers(a *app, s *store.Store, office string, creds map[string]auth.Credential, dk []byte) error {
	if len(creds) != len(demoUsers) {
		return fmt.Errorf("demo users: %d of %d credentials made", len(creds), len(demoUsers))
	}
	slots := map[string][]byte{}
	if err := s.Update("demo", func(tx *store.Tx) error {
		for _, u := range demoUsers {
			rec := booking.User{Name: u.name, Office: office, Role: u.role, Credential: creds[u.name].String(), By: "demo"}
			if err := tx.Put(&rec); err != nil {
				return err
			}
			sl, err := auth.Wrap(dk, u.name, creds[u.name])
			if err != nil {
				return err
			}
			slots[u.name] = sl.Encode()
		}
		return nil
	}); err != nil {
		return err
	}
	if err := s.SetSlots(slots); err != nil {
		return err
	}
	dir := passphraseDir(a.cfg.Data)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var lines []string
	for _, u := range demoUsers {
		f := filepath.Join(dir, u.name)
		if err := os.WriteFile(f, []byte(demoPassphrase(u.name)+"\n"), 0o600); err != nil {
			return err
		}
		if err := os.Chmod(f, 0o600); err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("  %-16s %-16s %s", u.name, u.role, f))
	}
	fmt.Fprintf(a.out, "the store is encrypted; sign in as one of these users (passphrase NAME-demo-passphrase, also in the file):\n%s\n", strings.Join(lines, "\n"))
	fmt.Fprintf(a.out, "  e.g. movedesk --data %s --user amina.benali   or, for a script, add --passphrase-file %s\n", a.cfg.Data, filepath.Join(dir, "amina.benali"))
	return nil
}
