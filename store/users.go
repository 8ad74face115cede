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
