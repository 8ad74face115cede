package store

import (
	"testing"
	"time"
)

// TestChangesOnlyForRecords: a transaction that writes only sync
// bookkeeping (cursor, acks, refusals, clock offset) notifies no
// subscriber, so neither the sync loop nor the app wakes for it; a record
// write does.
func TestChangesOnlyForRecords(t *testing.T) {
	s := openTemp(t)
	ch := s.Changes()
	if err := s.Update("sync", func(tx *Tx) error {
		if err := tx.SetReplicaUint(MetaCursor, 7); err != nil {
			return err
		}
		if err := tx.SetReplicaUint(MetaPushed, 3); err != nil {
			return err
		}
		if err := tx.RecordRefusal(3, Refusal{Op: "dtest:3", Key: "RBA-2026-000001", Reason: "test", At: time.Now()}); err != nil {
			return err
		}
		return tx.SetClockOffset(time.Minute)
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
		t.Fatal("sync bookkeeping notified the store's subscribers")
	default:
	}
	if err := s.PutRecords("amina", sampleCase("RBA-2026-000001")...); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	default:
		t.Fatal("a record write did not notify")
	}
}
