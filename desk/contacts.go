package desk

import (
	"movedesk/booking"
	"movedesk/store"
)

// AddContact records a new contact of case no (a traveller's, or a
// sponsor's or relative's) and returns it with its id.
func (d *Service) AddContact(actor, no string, c booking.Contact) (booking.Contact, error) {
	return d.contactWrite(actor, no, func(f *booking.CaseFile, desk string) (*booking.Contact, error) {
		return f.NewContact(c, actor, desk, d.now())
	})
}

// ChangeContact corrects contact id of case no to the fields of c.
func (d *Service) ChangeContact(actor, no, id string, c booking.Contact) (booking.Contact, error) {
	return d.contactWrite(actor, no, func(f *booking.CaseFile, _ string) (*booking.Contact, error) {
		return f.ChangeContact(id, c, actor, d.now())
	})
}

// RemoveContact removes contact id of case no as a correction, with the
// reason; the contact stays in the history.
func (d *Service) RemoveContact(actor, no, id, reason string) (booking.Contact, error) {
	return d.contactWrite(actor, no, func(f *booking.CaseFile, _ string) (*booking.Contact, error) {
		return f.RemoveContact(id, reason, actor, d.now())
	})
}

func (d *Service) contactWrite(actor, no string, make func(f *booking.CaseFile, desk string) (*booking.Contact, error)) (booking.Contact, error) {
	if err := d.allow(actor, booking.ActContacts); err != nil {
		return booking.Contact{}, err
	}
	var out booking.Contact
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		c, err := make(f, tx.Desk())
		if err != nil {
			return err
		}
		out = *c
		return tx.Put(c)
	})
	return out, err
}

// LogComm appends entry e to the communication log of case no (a
// correction of an earlier entry when e.Corrects names it) and returns it
// with its id.
func (d *Service) LogComm(actor, no string, e booking.CommEntry) (booking.CommEntry, error) {
	if err := d.allow(actor, booking.ActContacts); err != nil {
		return booking.CommEntry{}, err
	}
	var out booking.CommEntry
	err := d.s.Update(actor, func(tx *store.Tx) error {
		f, err := tx.CaseFile(no)
		if err != nil {
			return err
		}
		x, err := f.LogComm(e, actor, tx.Desk(), d.now())
		if err != nil {
			return err
		}
		out = *x
		return tx.Put(x)
	})
	return out, err
}
