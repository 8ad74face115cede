package store

import (
	"os"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestPrintBucketStats(t *testing.T) {
	if testing.Short() || os.Getenv("MOVEDESK_STATS") == "" {
		t.Skip()
	}
	s, _ := Open(t.TempDir(), Options{NoSync: true})
	fillDemo(t, s, 5000)
	s.db.View(func(tx *bolt.Tx) error {
		for _, n := range []string{"records", "log", "hist", "rows", "idx"} {
			st := tx.Bucket([]byte(n)).Stats()
			t.Logf("%-8s keys=%d leafInuse=%d leafAlloc=%d branchAlloc=%d", n, st.KeyN, st.LeafInuse, st.LeafAlloc, st.BranchAlloc)
		}
		return nil
	})
}
