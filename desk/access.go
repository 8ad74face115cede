package desk

import (
	"movedesk/booking"
	"movedesk/store"
)

// NoteAccess records in the desk's access log that actor opened case no's
// personal data, by what (the screen or command). It is kept on the desk
// only (store.AccessCap bounds it).
func (d *Service) NoteAccess(actor, no, what string) error {
	return d.s.NoteAccess(store.AccessEntry{At: d.cfg.Now().UTC(), User: actor, Case: no, What: what})
}

// AccessLog returns the access log entries f selects, newest first, to a
// user who may read it (booking.ActReadAudit: team leaders).
func (d *Service) AccessLog(actor string, f store.AccessFilter) ([]store.AccessEntry, error) {
	if err := d.allow(actor, booking.ActReadAudit); err != nil {
		return nil, err
	}
	return d.s.AccessLog(f)
}
