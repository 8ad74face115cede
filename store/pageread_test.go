package store

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

type kv struct{ k, v []byte }

// fillBuckets writes buckets of every shape a read from the file meets:
// an inline bucket (read by bbolt), one leaf, several levels of branches (30k keys), values longer than a
// page (overflow pages), nested buckets, empty values; keys in random
// order, so pages split as they do in a store.
func fillBuckets(t *testing.T, s *Store) map[string][]kv {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 9))
	want := map[string][]kv{}
	shapes := map[string]int{"inline": 2, "one-leaf": 20, "deep": 30000, "overflow": 300, "nested": 2000}
	err := s.db.Update(func(btx *bolt.Tx) error {
		for name, n := range shapes {
			b, err := btx.CreateBucket([]byte(name))
			if err != nil {
				return err
			}
			for _, i := range r.Perm(n) {
				k := []byte(fmt.Sprintf("KLT-2026-%06d", i))
				size := r.IntN(300)
				switch {
				case name == "overflow" && i%7 == 0:
					size = 4096*(1+i%3) + r.IntN(4096)
				case i%11 == 0:
					size = 0
				}
				v := make([]byte, size)
				for j := range v {
					v[j] = byte(r.Uint32())
				}
				if name == "nested" && i%10 == 0 {
					nb, err := b.CreateBucket(k)
					if err != nil {
						return err
					}
					if err := nb.Put([]byte("x"), v); err != nil {
						return err
					}
					continue
				}
				if err := b.Put(k, v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.db.View(func(btx *bolt.Tx) error {
		for name := range shapes {
			err := btx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
				want[name] = append(want[name], kv{bytes.Clone(k), bytes.Clone(v)})
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// A bucket read from the file gives what bbolt gives, key by key, in
// order, and each key's value on a lookup, for every shape of bucket; a
// key not there is nil.
func TestFileTreeMatchesBolt(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("read from the file on Linux only")
	}
	s := openTemp(t)
	want := fillBuckets(t, s)
	err := s.View(func(tx *Tx) error {
		for name, kvs := range want {
			b := tx.btx.Bucket([]byte(name))
			ft := tx.fileTree(b, []byte(name))
			if (ft == nil) != (name == "inline") {
				return fmt.Errorf("%s read from the file: %v", name, ft != nil)
			}
			i := 0
			err := tx.forEach(b, []byte(name), func(k, v []byte) error {
				if i >= len(kvs) || !bytes.Equal(k, kvs[i].k) || !bytes.Equal(v, kvs[i].v) || (v == nil) != (kvs[i].v == nil) {
					return fmt.Errorf("%s: element %d is %q (%d bytes, nil %v)", name, i, k, len(v), v == nil)
				}
				i++
				return nil
			})
			if err != nil {
				return err
			}
			if i != len(kvs) {
				return fmt.Errorf("%s: %d keys, want %d", name, i, len(kvs))
			}
			if name == "deep" {
				d, _ := ft.height()
				if d < 2 {
					return fmt.Errorf("the deep bucket has %d levels of branches: the test reads no deep tree", d)
				}
			}
			for _, e := range kvs {
				v, err := tx.get(b, []byte(name), e.k)
				if err != nil {
					return err
				}
				if !bytes.Equal(v, e.v) || (v == nil) != (e.v == nil) {
					return fmt.Errorf("%s: get %s gives %d bytes, want %d", name, e.k, len(v), len(e.v))
				}
			}
			for _, k := range []string{"", "A", "KLT-2026-", "KLT-2026-0000005", "KLT-2026-999999", "ZZZ"} {
				v, err := tx.get(b, []byte(name), []byte(k))
				if err != nil || v != nil {
					return fmt.Errorf("%s: get %q gives %q, %v", name, k, v, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A writable transaction reads through bbolt: what it wrote is not in the
// file yet.
func TestFileTreeNotInWrites(t *testing.T) {
	s := openTemp(t)
	fillBuckets(t, s)
	err := s.db.Update(func(btx *bolt.Tx) error {
		tx := newTx(s, btx, "")
		b := btx.Bucket([]byte("deep"))
		if err := b.Put([]byte("KLT-2026-000001"), []byte("new")); err != nil {
			return err
		}
		if tx.fileTree(b, []byte("deep")) != nil {
			return fmt.Errorf("a writable transaction reads from the file")
		}
		v, err := tx.get(b, []byte("deep"), []byte("KLT-2026-000001"))
		if err != nil || string(v) != "new" {
			return fmt.Errorf("get in the writing transaction: %q %v", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A page that is not what the tree says (here a leaf's kind and then its
// id overwritten in the file) is an error naming the bucket and the page,
// never a crash or a wrong answer.
func TestFileTreeBadPage(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("read from the file on Linux only")
	}
	s := openTemp(t)
	want := fillBuckets(t, s)
	var leaf uint64
	_ = s.View(func(tx *Tx) error {
		ids, err := tx.fileTree(tx.btx.Bucket([]byte("deep")), []byte("deep")).leaves()
		if err != nil {
			t.Fatal(err)
		}
		leaf = ids[len(ids)/2]
		return nil
	})
	ps := int64(s.db.Info().PageSize)
	f, err := os.OpenFile(s.db.Path(), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		off  int64
		data []byte
		msg  string
	}{
		{8, []byte{0x10, 0}, "is of kind 0x10"},
		{0, []byte{1, 2, 3, 4, 5, 6, 7, 8}, "holds page"},
	} {
		if _, err := f.WriteAt(c.data, int64(leaf)*ps+c.off); err != nil {
			t.Fatal(err)
		}
		err = s.View(func(tx *Tx) error {
			b := tx.btx.Bucket([]byte("deep"))
			n := 0
			err := tx.forEach(b, []byte("deep"), func(k, v []byte) error { n++; return nil })
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("bucket deep, page %d: %s", leaf, c.msg)) {
				return fmt.Errorf("walk over a bad page: %v", err)
			}
			if n == 0 || n >= len(want["deep"]) {
				return fmt.Errorf("walk stopped after %d keys", n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
