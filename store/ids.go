package store

import "hash/fnv"

// Desk returns the id of this store's desk: what the booking functions that
// make record ids (booking.NewID) take, so ids made here are unique across
// desks.
func (tx *Tx) Desk() string { return tx.s.desk }

// NumberSlot is this desk's block of case numbers (00 to 99): the desks of
// an office number new cases offline, each in its own block, so two desks
// never give one number to two families. It is drawn from the desk id; the
// hub refuses a case created under a number another desk already used.
func (s *Store) NumberSlot() int {
	h := fnv.New32a()
	h.Write([]byte(s.desk))
	return int(h.Sum32() % 100)
}
