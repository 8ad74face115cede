package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"movedesk/auth"
	"movedesk/booking"
	"movedesk/central"
	"movedesk/store"
)

// credentialParams are the Argon2id costs of new credentials (tests lower
// them; the README documents the defaults).
var credentialParams = auth.DefaultParams

// passphraseEnv names a passphrase file for scripts, like --passphrase-file.
const passphraseEnv = "MOVEDESK_PASSPHRASE_FILE"

// pinSlot is the slot name of user's PIN on this desk (":" is not allowed
// in user names, so it never clashes with a user's slot).
func pinSlot(user string) string { return "pin:" + user }

// passphraseFile returns the file given by --passphrase-file or the
// environment, "" for none.
func (a *app) passphraseFile(cmd *cobra.Command) string {
	if f := cmd.Flags().Lookup("passphrase-file"); f != nil && f.Value.String() != "" {
		return a.file(f.Value.String())
	}
	if v := os.Getenv(passphraseEnv); v != "" {
		return a.file(v)
	}
	return ""
}

// readSecretFile reads a passphrase from path, which only its owner may
// read: a passphrase in a file others can read is already given away.
func readSecretFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("passphrase file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("passphrase file %s can be read by others (mode %v): refusing it; chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("passphrase file: %w", err)
	}
	b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
	if len(b) == 0 {
		return nil, fmt.Errorf("passphrase file %s is empty", path)
	}
	return b, nil
}

// readPassphrase reads a passphrase from the passphrase file, else from the
// terminal without echo. It never takes one from the command line.
func (a *app) readPassphrase(cmd *cobra.Command, prompt string) ([]byte, error) {
	if f := a.passphraseFile(cmd); f != "" {
		return readSecretFile(f)
	}
	in, ok := a.in.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return nil, fmt.Errorf("%s needs a passphrase: give --passphrase-file FILE (mode 0600) or set %s, or run it on a terminal", cmd.CommandPath(), passphraseEnv)
	}
	fmt.Fprint(a.err, prompt)
	p, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(a.err)
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	return p, nil
}

// newPassphrase reads a passphrase to set (twice on a terminal) and checks
// it is long enough.
func (a *app) newPassphrase(cmd *cobra.Command, user string) ([]byte, error) {
	p, err := a.readPassphrase(cmd, fmt.Sprintf("new passphrase for %s: ", user))
	if err != nil {
		return nil, err
	}
	if a.passphraseFile(cmd) == "" {
		again, err := a.readPassphrase(cmd, "again: ")
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(p, again) {
			return nil, errors.New("the two passphrases differ; nothing changed")
		}
	}
	if err := auth.CheckPassphrase(p); err != nil {
		return nil, err
	}
	return p, nil
}

// signIn checks secret against user's slot (or, with pin, the user's PIN
// slot on this desk) and returns the data key. Wrong attempts count
// towards the desk's throttle, which refuses to try while it makes one wait.
func (a *app) signIn(dir string, slots map[string][]byte, user string, secret []byte, pin bool) ([]byte, error) {
	th := auth.NewThrottle(dir, a.now)
	if w, n := th.Wait(); w > 0 {
		return nil, &auth.TooSoonError{Wait: w, Failures: n}
	}
	name := user
	if pin {
		name = pinSlot(user)
	}
	dk, err := openSlot(slots[name], secret)
	if err != nil {
		if errors.Is(err, auth.ErrWrongPassphrase) {
			if ferr := th.Fail(); ferr != nil {
				return nil, ferr
			}
			if w, n := th.Wait(); w > 0 {
				return nil, fmt.Errorf("%w (%d wrong in a row: the next attempt waits %s)", err, n, w.Round(1e9))
			}
		}
		return nil, err
	}
	return dk, th.Reset()
}

func openSlot(raw, secret []byte) ([]byte, error) {
	if raw == nil {
		// Unknown user: the same answer and cost as a wrong passphrase.
		_, _ = auth.NewCredential(secret, credentialParams)
		return nil, auth.ErrWrongPassphrase
	}
	sl, err := auth.DecodeSlot(raw)
	if err != nil {
		return nil, err
	}
	return auth.OpenSlot(sl, secret)
}

// unlock returns the codec of the store in dir: for a store with key
// slots, it signs the configured user in (passphrase from the file, the
// environment or the terminal) and records them as the author of every
// change; otherwise the key file's codec, or plain. A store without slots
// whose users have credentials is first encrypted in place.
func (a *app) unlock(cmd *cobra.Command, mode storeMode) (store.Codec, error) {
	codec, err := a.codec()
	if err != nil {
		return nil, err
	}
	info, err := store.Peek(a.cfg.Data)
	if err != nil || !info.Exists {
		return codec, err
	}
	if len(info.Slots) == 0 && info.Users == 0 {
		return codec, nil
	}
	if len(info.Slots) == 0 {
		// Any opening encrypts a store whose users have credentials.
		done, err := a.encryptForUsers(a.cfg.Data, codec)
		if err != nil || !done {
			return codec, err
		}
		if info, err = store.Peek(a.cfg.Data); err != nil {
			return nil, err
		}
	}
	if a.cfg.KeyFile != "" {
		fmt.Fprintf(a.err, "movedesk: store %s is encrypted by its users' passphrases; key_file %s is no longer used: remove it from the config and delete it\n", a.cfg.Data, a.cfg.KeyFile)
	}
	user := a.cfg.User
	pass, err := a.readPassphrase(cmd, fmt.Sprintf("passphrase for %s at %s: ", user, a.cfg.Data))
	if err != nil {
		return nil, err
	}
	dk, err := a.signIn(a.cfg.Data, info.Slots, user, pass, false)
	if err != nil {
		return nil, fmt.Errorf("sign in as %s: %w", booking.Printable(user), err)
	}
	a.dataKey = dk
	return store.NewAESCodec(dk)
}

// encryptForUsers encrypts the plain or key-file store in dir under a new
// data key with a slot for each active user that has a credential, once
// there are such users (they arrive from the hub, or the demo makes them).
// It reports whether it did.
func (a *app) encryptForUsers(dir string, codec store.Codec) (bool, error) {
	if _, err := os.Stat(filepath.Join(dir, central.RegistryFile)); err == nil {
		return false, nil // a hub's store: its users' passphrases must not open it
	}
	if info, err := store.Peek(dir); err != nil || info.Users == 0 || len(info.Slots) > 0 {
		return false, err
	}
	s, err := store.Open(dir, store.Options{ReadOnly: true, Codec: codec})
	if err != nil {
		return false, err
	}
	users, err := s.Users("")
	s.Close()
	if err != nil {
		return false, err
	}
	dk := store.NewDataKey()
	slots, _ := slotChanges(users, nil, dk)
	if len(slots) == 0 {
		return false, nil
	}
	to, err := store.NewAESCodec(dk)
	if err != nil {
		return false, err
	}
	if err := store.Encrypt(dir, codec, to, slots); err != nil {
		return false, err
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range slots {
			if !yield(n) {
				return
			}
		}
	})
	fmt.Fprintf(a.err, "movedesk: store %s is now encrypted; it opens with the passphrase of %s\n", dir, strings.Join(names, ", "))
	return true, nil
}

// slotChanges returns the slots to write (nil: remove) so that every active
// user with a credential, and no one else, has one: a new user or a new
// passphrase wraps one slot; a disabled user's slot and PIN go. have are
// the current slots.
func slotChanges(users map[string]booking.User, have map[string][]byte, dk []byte) (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, u := range users {
		if u.Disabled || u.Credential == "" {
			continue
		}
		cur, ok := have[name]
		if ok {
			if sl, err := auth.DecodeSlot(cur); err == nil && sl.Credential == u.Credential {
				continue
			}
			if _, pin := have[pinSlot(name)]; pin {
				out[pinSlot(name)] = nil // a new passphrase drops the old PIN
			}
		}
		c, err := auth.ParseCredential(u.Credential)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", name, err)
		}
		sl, err := auth.Wrap(dk, name, c)
		if err != nil {
			return nil, err
		}
		out[name] = sl.Encode()
	}
	for name := range have {
		user, _ := strings.CutPrefix(name, "pin:")
		if u, ok := users[user]; !ok || u.Disabled || u.Credential == "" {
			out[name] = nil
		}
	}
	return out, nil
}

// reconcileSlots brings the open store's slots in line with its users
// (after a sync brought new users, passphrases or disabled users).
func reconcileSlots(s *store.Store, dk []byte) error {
	users, err := s.Users("")
	if err != nil {
		return err
	}
	have, err := s.Slots()
	if err != nil {
		return err
	}
	ch, err := slotChanges(users, have, dk)
	if err != nil || len(ch) == 0 {
		return err
	}
	if err := s.SetSlots(ch); errors.Is(err, store.ErrLastSlot) {
		return nil // keep the last way in; the hub's change applies once another user exists
	} else if err != nil {
		return err
	}
	return nil
}

// setPIN adds a PIN slot for user on the open store (after a sign-in there
// with the passphrase).
func setPIN(s *store.Store, dk []byte, user string, pin []byte) error {
	if err := auth.CheckPIN(pin); err != nil {
		return err
	}
	c, err := auth.NewCredential(pin, credentialParams)
	if err != nil {
		return err
	}
	sl, err := auth.Wrap(dk, pinSlot(user), c)
	if err != nil {
		return err
	}
	return s.SetSlots(map[string][]byte{pinSlot(user): sl.Encode()})
}
