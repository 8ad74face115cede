package store

// Desk returns the id of this store's desk: what the booking functions that
// make record ids (booking.NewID) take, so ids made here are unique across
// desks.
func (tx *Tx) Desk() string { return tx.s.desk }
