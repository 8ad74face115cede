package central

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"movedesk/booking"
	"movedesk/store"
	"movedesk/tariffs"
)

// PublishDir, inside the hub's data directory, holds publications on their
// way into the hub store. `movedesk hub publish` drops one file per
// publication there (renamed into place whole); whoever holds the store (the
// running hub, or the publish command itself when the hub is stopped)
// applies each in one transaction and leaves a result file beside it. The
// hub store's lock is never needed by the publisher, as with desks.json.
const PublishDir = "publish"

// Publication is what the central office sends to every desk: a tariff
// version (imported and made active), a switch of the active version, and
// duty templates. Any subset, applied together or not at all.
type Publication struct {
	ID     string    `json:"id"`
	Actor  string    `json:"actor"`
	Queued time.Time `json:"queued"`
	// Tariffs is a new version, activated when applied.
	Tariffs *tariffs.SetRecord `json:"tariffs,omitempty"`
	// Activate makes a stored version (or the embedded one) active.
	Activate string `json:"activate,omitempty"`
	// Templates replaces the published templates; its version is assigned
	// when applied.
	Templates *booking.TemplatesRecord `json:"templates,omitempty"`
	// Escorts are added to (or updated in) the shared escort pool.
	Escorts []booking.Escort `json:"escorts,omitempty"`
	// Users are changes to offices' users (see UserChange); each user
	// reaches only the desks of its office.
	Users []UserChange `json:"users,omitempty"`
	// FourEyes sets offices' four-eyes policies (programmes whose bookings
	// a team leader approves before the ABN is sent; none turns it off);
	// each reaches only the desks of its office.
	FourEyes []booking.FourEyes `json:"four_eyes,omitempty"`
	// Backup, alone in its request, is not a publication: it asks whoever
	// holds the store for a consistent copy of it at this path (absolute).
	Backup string `json:"backup,omitempty"`
}

// PublishResult is how applying a publication ended.
type PublishResult struct {
	ID      string    `json:"id"`
	OK      bool      `json:"ok"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

const resultSuffix = ".result.json"

// newPublicationID sorts by queue time, so publications apply in order.
func newPublicationID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(b[:])
}

// QueuePublication checks p and drops it into dir's publish queue; it fills
// p.ID and p.Queued.
func QueuePublication(dir string, p *Publication) error {
	if p.Tariffs == nil && p.Activate == "" && p.Templates == nil && len(p.Escorts) == 0 && len(p.Users) == 0 && len(p.FourEyes) == 0 && p.Backup == "" {
		return errors.New("nothing to publish")
	}
	if p.Actor == "" {
		return errors.New("a publication needs an actor (config user)")
	}
	if err := p.check(); err != nil {
		return err
	}
	p.Queued = time.Now().UTC()
	p.ID = newPublicationID(p.Queued)
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, PublishDir), p.ID+".json", b)
}

// check validates the publication's contents on their own (what the store
// holds is checked when applied).
func (p *Publication) check() error {
	if p.Backup != "" {
		switch {
		case p.Tariffs != nil || p.Activate != "" || p.Templates != nil || len(p.Escorts) > 0 || len(p.Users) > 0 || len(p.FourEyes) > 0:
			return errors.New("a backup goes in a request of its own")
		case !filepath.IsAbs(p.Backup):
			return fmt.Errorf("backup path %s must be absolute", p.Backup)
		}
	}
	if p.Tariffs != nil {
		if err := p.Tariffs.Validate(); err != nil {
			return fmt.Errorf("tariffs: %w", err)
		}
		if _, err := p.Tariffs.Set(); err != nil {
			return fmt.Errorf("tariffs: %w", err)
		}
	}
	if p.Activate != "" && !tariffs.ValidVersion(p.Activate) {
		return fmt.Errorf("activate: version %q must be 1 to 40 letters, digits, '.', '_' or '-'", p.Activate)
	}
	for i := range p.Escorts {
		e := p.Escorts[i]
		if err := e.Validate(); err != nil {
			return fmt.Errorf("escort %s: %w", e.ID, err)
		}
	}
	for _, u := range p.Users {
		if err := u.check(); err != nil {
			return err
		}
	}
	for i := range p.FourEyes {
		if err := p.FourEyes[i].Validate(); err != nil {
			return fmt.Errorf("four-eyes policy of %s: %w", p.FourEyes[i].Office, err)
		}
	}
	if p.Templates != nil {
		t := *p.Templates
		t.Version = 1 // assigned when applied
		if err := t.Validate(); err != nil {
			return fmt.Errorf("templates: %w", err)
		}
	}
	return nil
}

// PublicationResult returns the result of publication id, if it was applied.
func PublicationResult(dir, id string) (PublishResult, bool, error) {
	var r PublishResult
	b, err := os.ReadFile(filepath.Join(dir, PublishDir, id+resultSuffix))
	if errors.Is(err, os.ErrNotExist) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, false, fmt.Errorf("%s: %w", id+resultSuffix, err)
	}
	return r, true, nil
}

// PendingPublications lists the ids still waiting in dir's queue.
func PendingPublications(dir string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(dir, PublishDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || !strings.HasSuffix(n, ".json") || strings.HasSuffix(n, resultSuffix) {
			continue
		}
		ids = append(ids, strings.TrimSuffix(n, ".json"))
	}
	sort.Strings(ids)
	return ids, nil
}

// ApplyPublications applies every queued publication of dir to s, oldest
// first, each in one transaction, and writes its result. A publication the
// store refuses (a version that exists with other tables, an unknown version
// to activate) gets a failed result and changes nothing. It stops at the
// first store error, leaving that publication queued.
func ApplyPublications(s *store.Store, dir string) ([]PublishResult, error) {
	ids, err := PendingPublications(dir)
	if err != nil {
		return nil, err
	}
	qdir := filepath.Join(dir, PublishDir)
	var out []PublishResult
	for _, id := range ids {
		path := filepath.Join(qdir, id+".json")
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue // taken by another process
		}
		if err != nil {
			return out, err
		}
		res := PublishResult{ID: id}
		var p Publication
		if err := json.Unmarshal(b, &p); err != nil {
			res.Message = fmt.Sprintf("%s: %v", path, err)
		} else if err := p.check(); err != nil {
			res.Message = err.Error()
		} else if p.Backup != "" {
			if n, err := backupTo(s, dir, p.Backup); err != nil {
				res.Message = err.Error()
			} else {
				res.OK, res.Message = true, fmt.Sprintf("backup written to %s (%d KiB)", p.Backup, (n+1023)/1024)
			}
		} else {
			p.ID = id
			var msg string
			err := s.Update(p.Actor, func(tx *store.Tx) error {
				// The mark makes a publication apply once even if the hub
				// stops between this commit and removing the file.
				mark := "publication/" + id
				if done := tx.ReplicaString(mark); done != "" {
					msg = done
					return nil
				}
				var err error
				if msg, err = applyPublication(tx, &p); err != nil {
					return err
				}
				return tx.SetReplicaString(mark, msg)
			})
			var be *booking.Error
			switch {
			case errors.As(err, &be):
				res.Message = err.Error()
			case err != nil:
				return out, err
			default:
				res.OK, res.Message = true, msg
			}
		}
		if res.OK && p.Backup == "" {
			// Before the result, so whoever waits for it reads a summary
			// that includes it.
			if err := WritePublished(s, dir, res.Message); err != nil {
				return out, err
			}
		}
		res.At = time.Now().UTC()
		rb, _ := json.Marshal(res)
		if err := writeAtomic(qdir, id+resultSuffix, rb); err != nil {
			return out, err
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

// applyPublication writes p's records in tx and says what it did. Refusals
// are *booking.Error, so the caller tells them from store failures.
func applyPublication(tx *store.Tx, p *Publication) (string, error) {
	var did []string
	now := time.Now().UTC()
	activate := func(v string) error {
		var act tariffs.ActiveRecord
		if _, err := tx.Get(tariffs.ActiveKey, &act); err != nil {
			return err
		}
		prev := act.Version
		if prev == "" {
			prev = tariffs.EmbeddedVersion
		}
		if prev == v && act.Version != "" {
			did = append(did, "tariff version "+v+" was already active")
			return nil
		}
		did = append(did, "tariff version "+v+" active (previous "+prev+")")
		return tx.Put(&tariffs.ActiveRecord{Version: v, Previous: prev, ActivatedBy: p.Actor, ActivatedAt: now})
	}
	if t := p.Tariffs; t != nil {
		var old tariffs.SetRecord
		exists, err := tx.Get(tariffs.SetKey(t.Version), &old)
		if err != nil {
			return "", err
		}
		switch {
		case exists && !sameTables(&old, t):
			return "", booking.Errorf(booking.ECONFLICT, "version", "tariff version %s was already published by %s on %s with other tables; versions never change, give a new --version",
				t.Version, old.ImportedBy, old.ImportedAt.Format("2006-01-02"))
		case exists:
			did = append(did, "tariff version "+t.Version+" was already published")
		default:
			rec := *t
			rec.ImportedBy, rec.ImportedAt = p.Actor, now
			if err := tx.Put(&rec); err != nil {
				return "", err
			}
			did = append(did, fmt.Sprintf("tariff version %s published (%d fares, effective %s)", t.Version, t.Fares, t.Effective))
		}
		if err := activate(t.Version); err != nil {
			return "", err
		}
	}
	if v := p.Activate; v != "" {
		if v != tariffs.EmbeddedVersion {
			var rec tariffs.SetRecord
			ok, err := tx.Get(tariffs.SetKey(v), &rec)
			if err != nil {
				return "", err
			}
			if !ok {
				return "", booking.Errorf(booking.ENOTFOUND, "version", "no tariff version %q at the hub (publish it first)", v)
			}
			if _, err := rec.Set(); err != nil {
				return "", booking.Errorf(booking.EINVALID, "version", "tariff version %s does not parse: %v", v, err)
			}
		}
		if err := activate(v); err != nil {
			return "", err
		}
	}
	if t := p.Templates; t != nil {
		var cur booking.TemplatesRecord
		if _, err := tx.Get(booking.TemplatesKey, &cur); err != nil {
			return "", err
		}
		rec := *t
		rec.Version = cur.Version + 1
		rec.PublishedBy, rec.PublishedAt = p.Actor, now
		if err := tx.Put(&rec); err != nil {
			return "", err
		}
		did = append(did, fmt.Sprintf("templates version %d published", rec.Version))
	}
	for i := range p.Escorts {
		e := p.Escorts[i]
		if err := tx.Put(&e); err != nil {
			return "", err
		}
		did = append(did, fmt.Sprintf("escort %s %s (%s) in the shared pool", e.ID, e.Name, e.Type))
	}
	for _, u := range p.Users {
		msg, err := applyUser(tx, u, p.Actor, now)
		if err != nil {
			return "", err
		}
		did = append(did, msg)
	}
	for _, fe := range p.FourEyes {
		msg, err := applyFourEyes(tx, fe, p.Actor, now)
		if err != nil {
			return "", err
		}
		did = append(did, msg)
	}
	return strings.Join(did, "; "), nil
}

func sameTables(a, b *tariffs.SetRecord) bool {
	return a.VersionCSV == b.VersionCSV && a.AirportsCSV == b.AirportsCSV && a.MCTCSV == b.MCTCSV &&
		a.RatesCSV == b.RatesCSV && a.FaresCSV == b.FaresCSV && a.CarriersCSV == b.CarriersCSV &&
		a.TransitCSV == b.TransitCSV && a.HolidaysCSV == b.HolidaysCSV && a.ProgrammesCSV == b.ProgrammesCSV
}

// PublishedFile summarises what the hub currently publishes, for the office
// to read while the hub holds its store (`movedesk hub publish status`).
const PublishedFile = "published.json"

// Published is what every desk receives, as the hub store holds it.
type Published struct {
	At          time.Time `json:"at"`
	Tariff      string    `json:"tariff"`
	TariffBy    string    `json:"tariff_by,omitempty"`
	TariffAt    time.Time `json:"tariff_at,omitzero"`
	Versions    []string  `json:"versions"`
	Templates   int       `json:"templates"`
	TemplatesBy string    `json:"templates_by,omitempty"`
	TemplatesAt time.Time `json:"templates_at,omitzero"`
	Escorts     int       `json:"escorts"`
	// Users are every office's users, by office and name.
	Users []booking.User `json:"users,omitempty"`
	// FourEyes are the offices' four-eyes policies.
	FourEyes      []booking.FourEyes `json:"four_eyes,omitempty"`
	LastPublished string             `json:"last_published,omitempty"`
}

// ReadPublished returns the hub's last summary (false: none written yet).
func ReadPublished(dir string) (Published, bool, error) {
	var p Published
	b, err := os.ReadFile(filepath.Join(dir, PublishedFile))
	if errors.Is(err, os.ErrNotExist) {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	return p, true, json.Unmarshal(b, &p)
}

// WritePublished writes the summary of what s publishes into dir.
func WritePublished(s *store.Store, dir, last string) error {
	p := Published{At: time.Now().UTC().Truncate(time.Second), Tariff: tariffs.EmbeddedVersion, LastPublished: last}
	err := s.View(func(tx *store.Tx) error {
		var act tariffs.ActiveRecord
		if ok, err := tx.Get(tariffs.ActiveKey, &act); err != nil {
			return err
		} else if ok {
			p.Tariff, p.TariffBy, p.TariffAt = act.Version, act.ActivatedBy, act.ActivatedAt
		}
		if err := tx.Scan(tariffs.SetKeyPrefix, func(key string, _ []byte) error {
			p.Versions = append(p.Versions, strings.TrimPrefix(key, tariffs.SetKeyPrefix))
			return nil
		}); err != nil {
			return err
		}
		var t booking.TemplatesRecord
		if ok, err := tx.Get(booking.TemplatesKey, &t); err != nil {
			return err
		} else if ok {
			p.Templates, p.TemplatesBy, p.TemplatesAt = t.Version, t.PublishedBy, t.PublishedAt
		}
		if err := tx.Scan(booking.EscortKey(""), func(string, []byte) error { p.Escorts++; return nil }); err != nil {
			return err
		}
		if err := tx.Scan("~"+booking.KindFourEyes+"/", func(key string, data []byte) error {
			var fe booking.FourEyes
			if err := json.Unmarshal(data, &fe); err != nil {
				return fmt.Errorf("record %s: %w", key, err)
			}
			p.FourEyes = append(p.FourEyes, fe)
			return nil
		}); err != nil {
			return err
		}
		users, err := tx.Users("")
		for _, u := range users {
			p.Users = append(p.Users, u)
		}
		sort.Slice(p.Users, func(i, j int) bool {
			a, b := p.Users[i], p.Users[j]
			return a.Office < b.Office || a.Office == b.Office && a.Name < b.Name
		})
		return err
	})
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(dir, PublishedFile, append(b, '\n'))
}

// Background applies queued publications and records the desks' last
// syncs every interval until done is closed, then records them once more.
func (h *Server) Background(done <-chan struct{}, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	first := true
	for {
		if first {
			if err := WritePublished(h.store, h.reg.dir, ""); err != nil {
				h.logf("%s: %v", PublishedFile, err)
			}
			first = false
		}
		rs, err := ApplyPublications(h.store, h.reg.dir)
		for _, r := range rs {
			if r.OK {
				h.logf("publication %s applied: %s", r.ID, r.Message)
			} else {
				h.logf("publication %s refused: %s", r.ID, r.Message)
			}
		}
		if err != nil {
			h.logf("publications: %v", err)
		}
		if err := h.FlushSeen(); err != nil {
			h.logf("%s: %v", SeenFile, err)
		}
		select {
		case <-done:
			if err := h.FlushSeen(); err != nil {
				h.logf("%s: %v", SeenFile, err)
			}
			return
		case <-t.C:
		}
	}
}
