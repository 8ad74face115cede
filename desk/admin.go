package desk

import (
	"fmt"
	"io"

	"movedesk/booking"
	"movedesk/store"
	"movedesk/tariffs"
)

// ResolveConflict resolves sync conflict id as actor in one transaction;
// take is "winner", "loser" or a literal value (a bare word is a string).
// The resolution is written as a new change. A case's status resolved to
// one that has no reason (anything but on-hold and cancelled) drops the
// reason and held-from status the other side left behind, in the same
// transaction: taking data-entry over on-hold must not keep "exit permit
// pending".
func (d *Service) ResolveConflict(actor, id, take string) (store.Conflict, error) {
	if err := d.allowResolve(actor, id); err != nil {
		return store.Conflict{}, err
	}
	var k store.Conflict
	err := d.s.Update(actor, func(tx *store.Tx) error {
		var err error
		k, err = tx.ResolveConflict(id, take)
		if err != nil || k.Field != "status" {
			return err
		}
		no, kind := booking.SplitKey(k.Key)
		if kind != booking.KindCase {
			return nil
		}
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		c := f.Case
		switch c.Status {
		case booking.StatusOnHold, booking.StatusCancelled:
			return nil
		}
		if c.StatusReason == "" && c.HeldFrom == "" {
			return nil
		}
		c.StatusReason, c.HeldFrom = "", ""
		return tx.Put(&c)
	})
	return k, err
}

// ImportTariffs stores tariff version set (read from source, a path shown
// in `tariffs list`) and activates it in one transaction; a version that
// exists is refused (versions never change). It returns the version that
// was active before.
func (d *Service) ImportTariffs(actor string, set *tariffs.Set, source string) (previous string, err error) {
	if err := d.allow(actor, booking.ActTariffs); err != nil {
		return "", err
	}
	now := d.now()
	err = d.s.Update(actor, func(tx *store.Tx) error {
		var act tariffs.ActiveRecord
		if _, err := tx.Get(tariffs.ActiveKey, &act); err != nil {
			return err
		}
		previous = act.Version
		if previous == "" {
			previous = tariffs.EmbeddedVersion
		}
		var old tariffs.SetRecord
		exists, err := tx.Get(tariffs.SetKey(set.Version), &old)
		if err != nil {
			return err
		}
		if exists {
			return booking.Errorf(booking.ECONFLICT, "version", "tariff version %s was already imported by %s on %s; versions never change, give a new --version",
				set.Version, old.ImportedBy, old.ImportedAt.Local().Format("2006-01-02"))
		}
		if err := tx.Put(tariffs.NewSetRecord(set, actor, now, source)); err != nil {
			return err
		}
		return tx.Put(&tariffs.ActiveRecord{Version: set.Version, Previous: previous, ActivatedBy: actor, ActivatedAt: now.UTC()})
	})
	return previous, err
}

// ActivateTariff makes stored tariff version v (or the embedded tables) the
// active one; a version that no longer parses is refused.
func (d *Service) ActivateTariff(actor, v string) error {
	if err := d.allow(actor, booking.ActTariffs); err != nil {
		return err
	}
	return d.s.Update(actor, func(tx *store.Tx) error {
		var act tariffs.ActiveRecord
		if _, err := tx.Get(tariffs.ActiveKey, &act); err != nil {
			return err
		}
		if v != tariffs.EmbeddedVersion {
			var rec tariffs.SetRecord
			ok, err := tx.Get(tariffs.SetKey(v), &rec)
			if err != nil {
				return err
			}
			if !ok {
				return booking.Errorf(booking.ENOTFOUND, "version", "no tariff version %q (list them with `movedesk tariffs list`)", v)
			}
			if _, err := rec.Set(); err != nil {
				return fmt.Errorf("tariff version %s does not parse: %w", v, err)
			}
		}
		return tx.Put(&tariffs.ActiveRecord{Version: v, Previous: act.Version, ActivatedBy: actor, ActivatedAt: d.now().UTC()})
	})
}

// Import reads records as JSON Lines (see store.Import): each line changes
// only the fields it names and passes every invariant, status moves to
// ready-to-depart pass the gate; with restore, an export is loaded into an
// empty store as it was. All or nothing.
func (d *Service) Import(actor string, r io.Reader, restore bool) (int, error) {
	if err := d.allow(actor, booking.ActImport); err != nil {
		return 0, err
	}
	opt := store.ImportOptions{Restore: restore}
	if !restore {
		opt.Gate = d.GateInput
		opt.Entry = d.checkAirports
	}
	return d.s.Import(actor, r, opt)
}
