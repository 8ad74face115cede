package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// A read over a whole bucket (every report row, queue row or identity
// row) through bbolt's mapping of the file touches each of its pages for
// the first time: on the desks' virtual machines that costs 5 to 30 µs a
// page, 55 ms for the 10k pages of report rows over 100k cases, and the
// pages then count against the app until dropped. Reading the same pages
// with pread into one reused buffer costs 12 ms and maps nothing. So a
// read-only transaction reads its big buckets with pread (fileTree),
// following bbolt's page layout, stable since boltdb:
//
//	page:   id u64, flags u16, count u16, overflow u32, then elements
//	branch: pos u32, ksize u32, child page id u64 (key at element+pos)
//	leaf:   flags u32, pos u32, ksize u32, vsize u32 (key, then value, at element+pos)
//
// Every page read is checked against it (its id, its kind, its elements
// inside it); a page that is not what the tree says is an error naming it.
// The pages a read-only transaction sees are never written while it is
// open (bbolt frees them only after), so the file holds what the mapping
// does.

const (
	pageHeader    = 16
	branchElem    = 16
	leafElem      = 16
	branchFlag    = 0x01
	leafFlag      = 0x02
	bucketLeaf    = 0x01 // a leaf element that is a nested bucket
	maxReadPages  = 64   // pages per pread of a run of leaves
	maxTreeHeight = 32
)

// openPageFile opens the store file for pread beside bbolt's own handle,
// where that is worth it: Linux, whose mapping faults are the cost above
// (elsewhere bbolt's mapping is read as before).
func openPageFile(path string) *os.File {
	if runtime.GOOS != "linux" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	return f
}

// fileTree reads one bucket of a read-only transaction from the file.
type fileTree struct {
	f      *os.File
	name   string
	ps     int
	top    uint64 // the pages the transaction sees
	root   uint64
	branch map[uint64][]byte // branch pages read, kept for lookups
	depth  int               // branch levels above the leaves; -1 until read
	buf    []byte
}

// fileTree returns a reader of b (named name) for a read-only transaction;
// nil where bbolt's own reads serve (a writable transaction, whose pages may
// not be written yet; an inline bucket; no file handle).
func (tx *Tx) fileTree(b *bolt.Bucket, name []byte) *fileTree {
	if b == nil || tx.btx.Writable() || tx.s.file == nil || b.Root() == 0 {
		return nil
	}
	if t := tx.trees[string(name)]; t != nil {
		return t
	}
	ps := tx.s.db.Info().PageSize
	t := &fileTree{f: tx.s.file, name: string(name), ps: ps, top: uint64(tx.btx.Size()) / uint64(ps),
		root: uint64(b.Root()), branch: map[uint64][]byte{}, depth: -1}
	if tx.trees == nil {
		tx.trees = map[string]*fileTree{}
	}
	tx.trees[string(name)] = t
	return t
}

func (t *fileTree) errorf(id uint64, format string, a ...any) error {
	return fmt.Errorf("bucket %s, page %d: %s", t.name, id, fmt.Sprintf(format, a...))
}

// read reads n pages from page id on into t.buf.
func (t *fileTree) read(id uint64, n int) ([]byte, error) {
	if id < 2 || id+uint64(n) > t.top {
		return nil, t.errorf(id, "outside the file's %d pages", t.top)
	}
	size := n * t.ps
	if cap(t.buf) < size {
		t.buf = make([]byte, size, max(size, maxReadPages*t.ps))
	}
	b := t.buf[:size]
	if _, err := t.f.ReadAt(b, int64(id)*int64(t.ps)); err != nil {
		return nil, t.errorf(id, "%v", err)
	}
	return b, nil
}

// check returns page id of p (the first of its pages) if it is a page of
// kind flags, with its overflow pages in p.
func (t *fileTree) check(p []byte, id uint64, flags uint16) (count int, err error) {
	if got := binary.LittleEndian.Uint64(p); got != id {
		return 0, t.errorf(id, "holds page %d", got)
	}
	if f := binary.LittleEndian.Uint16(p[8:]); f != flags {
		return 0, t.errorf(id, "is of kind %#x, want %#x", f, flags)
	}
	count = int(binary.LittleEndian.Uint16(p[10:]))
	if over := int(binary.LittleEndian.Uint32(p[12:])); (1+over)*t.ps > len(p) {
		return 0, t.errorf(id, "has %d overflow pages beyond the %d read", over, len(p)/t.ps-1)
	}
	return count, nil
}

// overflow returns the overflow pages of the page p starts.
func overflow(p []byte) int { return int(binary.LittleEndian.Uint32(p[12:])) }

// branchPage returns branch page id (kept) and its element count.
func (t *fileTree) branchPage(id uint64) ([]byte, int, error) {
	p, ok := t.branch[id]
	if !ok {
		b, err := t.read(id, 1)
		if err != nil {
			return nil, 0, err
		}
		if over := overflow(b); over > 0 {
			if b, err = t.read(id, 1+over); err != nil {
				return nil, 0, err
			}
		}
		p = bytes.Clone(b)
		if _, err := t.check(p, id, branchFlag); err != nil {
			return nil, 0, err
		}
		t.branch[id] = p
	}
	n := int(binary.LittleEndian.Uint16(p[10:]))
	if n == 0 || pageHeader+n*branchElem > len(p) {
		return nil, 0, t.errorf(id, "has %d elements", n)
	}
	return p, n, nil
}

// branchKey returns element i's key and child of branch page p.
func (t *fileTree) branchKey(p []byte, id uint64, i int) ([]byte, uint64, error) {
	e := pageHeader + i*branchElem
	pos, ks := int(binary.LittleEndian.Uint32(p[e:])), int(binary.LittleEndian.Uint32(p[e+4:]))
	if e+pos+ks > len(p) || pos < 0 || ks < 0 {
		return nil, 0, t.errorf(id, "element %d's key lies outside the page", i)
	}
	return p[e+pos : e+pos+ks], binary.LittleEndian.Uint64(p[e+8:]), nil
}

// height returns the number of branch levels above the leaves, read down
// the first child of each branch: every leaf of a B+tree is at one depth
// (and each leaf read is checked to be one).
func (t *fileTree) height() (int, error) {
	if t.depth >= 0 {
		return t.depth, nil
	}
	id := t.root
	for depth := 0; depth <= maxTreeHeight; depth++ {
		if _, ok := t.branch[id]; !ok {
			b, err := t.read(id, 1)
			if err != nil {
				return 0, err
			}
			switch binary.LittleEndian.Uint16(b[8:]) {
			case leafFlag:
				t.depth = depth
				return depth, nil
			case branchFlag:
			default:
				return 0, t.errorf(id, "is neither a branch nor a leaf page")
			}
		}
		p, _, err := t.branchPage(id)
		if err != nil {
			return 0, err
		}
		if _, id, err = t.branchKey(p, id, 0); err != nil {
			return 0, err
		}
	}
	return 0, t.errorf(t.root, "the tree is deeper than %d", maxTreeHeight)
}

// leaves returns the bucket's leaf pages in key order.
func (t *fileTree) leaves() ([]uint64, error) {
	depth, err := t.height()
	if err != nil || depth == 0 {
		return []uint64{t.root}, err
	}
	var out []uint64
	var walk func(id uint64, level int) error
	walk = func(id uint64, level int) error {
		p, n, err := t.branchPage(id)
		if err != nil {
			return err
		}
		for i := range n {
			_, child, err := t.branchKey(p, id, i)
			if err != nil {
				return err
			}
			if level+1 == depth {
				out = append(out, child)
			} else if err := walk(child, level+1); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(t.root, 0)
}

// forEach calls fn with every key and value in key order (v nil for a
// nested bucket), as bolt.Bucket.ForEach does. k and v are valid only
// during the call.
func (t *fileTree) forEach(fn func(k, v []byte) error) error {
	ids, err := t.leaves()
	if err != nil {
		return err
	}
	for i := 0; i < len(ids); {
		j := i + 1
		for j < len(ids) && j-i < maxReadPages && ids[j] == ids[j-1]+1 {
			j++
		}
		run, err := t.read(ids[i], j-i)
		if err != nil {
			return err
		}
		for k := i; k < j; k++ {
			p := run[(k-i)*t.ps:]
			if over := overflow(p); over > 0 {
				if k != j-1 {
					return t.errorf(ids[k], "has %d overflow pages where leaf %d is", over, ids[k+1])
				}
				if p, err = t.read(ids[k], 1+over); err != nil {
					return err
				}
			} else {
				p = p[:t.ps]
			}
			if err := t.leafEach(p, ids[k], fn); err != nil {
				return err
			}
		}
		i = j
	}
	return nil
}

// leafEach calls fn with each element of leaf page p (id).
func (t *fileTree) leafEach(p []byte, id uint64, fn func(k, v []byte) error) error {
	n, err := t.check(p, id, leafFlag)
	if err != nil {
		return err
	}
	if pageHeader+n*leafElem > len(p) {
		return t.errorf(id, "has %d elements", n)
	}
	for i := range n {
		k, v, err := t.leafKV(p, id, i)
		if err != nil {
			return err
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

func (t *fileTree) leafKV(p []byte, id uint64, i int) ([]byte, []byte, error) {
	e := pageHeader + i*leafElem
	flags := binary.LittleEndian.Uint32(p[e:])
	pos := int(binary.LittleEndian.Uint32(p[e+4:]))
	ks := int(binary.LittleEndian.Uint32(p[e+8:]))
	vs := int(binary.LittleEndian.Uint32(p[e+12:]))
	if pos < 0 || ks < 0 || vs < 0 || e+pos+ks+vs > len(p) {
		return nil, nil, t.errorf(id, "element %d lies outside the page", i)
	}
	k := p[e+pos : e+pos+ks]
	if flags&bucketLeaf != 0 {
		return k, nil, nil
	}
	return k, p[e+pos+ks : e+pos+ks+vs], nil
}

// get returns key's value (valid until the next read of t), or nil.
func (t *fileTree) get(key []byte) ([]byte, error) {
	depth, err := t.height()
	if err != nil {
		return nil, err
	}
	id := t.root
	for range depth {
		p, n, err := t.branchPage(id)
		if err != nil {
			return nil, err
		}
		// The last element whose key is at most key (bbolt's search).
		var ferr error
		i := sort.Search(n, func(i int) bool {
			k, _, err := t.branchKey(p, id, i)
			if err != nil {
				ferr = err
				return true
			}
			return bytes.Compare(k, key) > 0
		})
		if ferr != nil {
			return nil, ferr
		}
		if _, id, err = t.branchKey(p, id, max(i-1, 0)); err != nil {
			return nil, err
		}
	}
	p, err := t.read(id, 1)
	if err != nil {
		return nil, err
	}
	if over := overflow(p); over > 0 {
		if p, err = t.read(id, 1+over); err != nil {
			return nil, err
		}
	}
	n, err := t.check(p, id, leafFlag)
	if err != nil {
		return nil, err
	}
	if pageHeader+n*leafElem > len(p) {
		return nil, t.errorf(id, "has %d elements", n)
	}
	var ferr error
	i := sort.Search(n, func(i int) bool {
		k, _, err := t.leafKV(p, id, i)
		if err != nil {
			ferr = err
			return true
		}
		return bytes.Compare(k, key) >= 0
	})
	if ferr != nil || i == n {
		return nil, ferr
	}
	k, v, err := t.leafKV(p, id, i)
	if err != nil || !bytes.Equal(k, key) {
		return nil, err
	}
	return v, nil
}

// forEach calls fn with every key and value of bucket b (named name) in key
// order, as b.ForEach does, but k and v are valid only during the call.
func (tx *Tx) forEach(b *bolt.Bucket, name []byte, fn func(k, v []byte) error) error {
	if t := tx.fileTree(b, name); t != nil {
		return t.forEach(fn)
	}
	return b.ForEach(fn)
}

// get returns key's value in bucket b (named name), as b.Get does, but
// valid only until the next read of the transaction.
func (tx *Tx) get(b *bolt.Bucket, name, key []byte) ([]byte, error) {
	if t := tx.fileTree(b, name); t != nil {
		return t.get(key)
	}
	return b.Get(key), nil
}
