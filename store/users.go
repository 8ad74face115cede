package store

import (
	"encoding/json"
	"fmt"

	"movedesk/booking"
)

// Users returns the users of office (every office's with ""), by name. A
// desk holds only its own office's (the hub sends it no others).
func (tx *Tx) Users(office string) (map[string]booking.User, error) {
	out := map[string]booking.User{}
	err := tx.Scan(booking.UserKeyPrefix(office), func(key string, data []byte) error {
		var u booking.User
		if err := json.Unmarshal(data, &u); err != nil {
			return fmt.Errorf("record %s: %w", key, err)
		}
		out[u.Name] = u
		return nil
	})
	return out, err
}

// Users is Tx.Users in a read transaction of its own.
func (s *Store) Users(office string) (map[string]booking.User, error) {
	var out map[string]booking.User
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = tx.Users(office)
		return err
	})
	return out, err
}

// FourEyes returns office o's four-eyes policy, nil when it has none.
func (tx *Tx) FourEyes(o string) (*booking.FourEyes, error) {
	var p booking.FourEyes
	ok, err := tx.Get(booking.FourEyesKey(o), &p)
	if err != nil || !ok {
		return nil, err
	}
	return &p, nil
}

// FourEyes is Tx.FourEyes in a read transaction of its own.
func (s *Store) FourEyes(o string) (*booking.FourEyes, error) {
	var out *booking.FourEyes
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = tx.FourEyes(o)
		return err
	})
	return out, err
}
