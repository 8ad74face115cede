package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"movedesk/booking"
	"movedesk/reports"
)

// Report rows: what the reports read of each case (reports.CaseFacts,
// computed by reports.Facts from the whole case file), kept beside the
// queue row and refreshed in the same transaction as every write to the
// case's records, local or merged by sync. A report over 100k cases reads
// this bucket (tens of MB) instead of the case files (GB).
var (
	bReportRows = []byte("reportrows")
	// bReportGates holds, beside a report row whose gate was judged, the
	// open gate items (reports.AppendGateItems) when there are any: long
	// sentences that every report would otherwise decode with every row.
	bReportGates = []byte("reportgates")
	// kReportFacts is the reports.FactsVersion the rows were made with; a
	// store opened for writing by a build of another version makes them
	// again.
	kReportFacts = []byte("reportfacts")
)

// rowsFill is the fill percent of the report row buckets' pages.
const rowsFill = 0.9

// putReportRow stores the facts of case file f, or removes case no's row
// when f is nil.
func (tx *Tx) putReportRow(no string, f *booking.CaseFile) error {
	b := tx.btx.Bucket(bReportRows)
	if b == nil {
		return nil // before the migration that makes it: it fills the bucket
	}
	gates := tx.btx.Bucket(bReportGates)
	// Rows are added in case-number order and read all at once: pages
	// split nearly full, so a report faults in half as many of them.
	b.FillPercent = rowsFill
	if gates != nil {
		gates.FillPercent = rowsFill
	}
	if f == nil {
		if gates != nil {
			if err := gates.Delete([]byte(no)); err != nil {
				return err
			}
		}
		return b.Delete([]byte(no))
	}
	x := reports.Facts(f)
	var items []booking.GateItem
	if gates != nil && reports.GateJudged(&x) {
		if g := tx.reportGate(); g.stamp != 0 {
			x.Gate.Stamp, items = g.stamp, g.judge(f)
		}
	}
	if gates != nil {
		if len(items) == 0 {
			if err := gates.Delete([]byte(no)); err != nil {
				return err
			}
		} else {
			sealed, err := tx.s.codec.Seal(reports.AppendGateItems(nil, items))
			if err != nil {
				return err
			}
			if err := gates.Put([]byte(no), sealed); err != nil {
				return err
			}
		}
	}
	data, err := x.AppendBinary(nil)
	if err != nil {
		return err
	}
	sealed, err := tx.s.codec.Seal(data)
	if err != nil {
		return err
	}
	return b.Put([]byte(no), sealed)
}

// ReportFacts calls fn with the facts of every case, in case-number order.
// x is reused: fn must not keep it (its strings may be kept; the text the
// rows repeat is shared between them). Facts of another version, or a
// store whose rows are not made yet (opened read-only before its
// migration), are computed from the case files.
func (tx *Tx) ReportFacts(fn func(x *reports.CaseFacts) error) error {
	var x reports.CaseFacts
	var dc reports.Decoder
	b := tx.btx.Bucket(bReportRows)
	if b == nil {
		return tx.btx.Bucket(bRows).ForEach(func(k, _ []byte) error {
			f, err := tx.CaseFile(string(k))
			if err != nil {
				return err
			}
			x = reports.Facts(f)
			return fn(&x)
		})
	}
	return b.ForEach(func(k, v []byte) error {
		p, err := tx.s.codec.Open(v)
		if err != nil {
			return fmt.Errorf("report row %s: %w", k, err)
		}
		if err := dc.Decode(&x, p); errors.Is(err, reports.ErrFactsVersion) {
			f, err := tx.CaseFile(string(k))
			if err != nil {
				return err
			}
			x = reports.Facts(f)
		} else if err != nil {
			return fmt.Errorf("report row %s: %w", k, err)
		}
		return fn(&x)
	})
}

// ReportGate returns what the ready-to-depart gate is judged with in the
// state tx sees: a stamp naming the templates, tariffs and rules (0: the
// gate cannot be judged now; rows then keep none), and the judge. The gate
// of an open, booked case depends on nothing else, so a row keeps it with
// its stamp, and a report judging under the same stamp takes it from the
// row (the items beside it, in reportgates/) instead of reading and
// judging the whole file. Rows whose stamp
// differs (templates published, a tariff version activated, another
// configuration) are judged from their files until they are written again.
type ReportGate func(tx *Tx) (stamp uint64, judge func(f *booking.CaseFile) []booking.GateItem)

// SetReportGate sets the gate judge of rows written from now on (the use
// case layer sets it with its configuration).
func (s *Store) SetReportGate(g ReportGate) {
	if g == nil {
		s.gate.Store(nil)
		return
	}
	s.gate.Store(&g)
}

// ReportGateStamp returns the stamp the gate would be judged under now
// (0: none): a report passes it as reports.Params.GateStamp.
func (s *Store) ReportGateStamp() uint64 {
	var stamp uint64
	_ = s.View(func(tx *Tx) error {
		stamp = tx.reportGate().stamp
		return nil
	})
	return stamp
}

// gateJudge is a transaction's ReportGate, asked once.
type gateJudge struct {
	stamp uint64
	judge func(f *booking.CaseFile) []booking.GateItem
}

func (tx *Tx) reportGate() *gateJudge {
	if tx.gate == nil {
		tx.gate = &gateJudge{}
		if g := tx.s.gate.Load(); g != nil {
			tx.gate.stamp, tx.gate.judge = (*g)(tx)
			if tx.gate.judge == nil {
				tx.gate.stamp = 0
			}
		}
	}
	return tx.gate
}

// LoadReportGate reads the gate items of x's case kept beside its row
// (x.Gate.Stamp set: judged when the row was written) into x.
func (tx *Tx) LoadReportGate(x *reports.CaseFacts) error {
	var data []byte
	if b := tx.btx.Bucket(bReportGates); b != nil {
		v, err := tx.get(b, bReportGates, []byte(x.Number))
		if err != nil {
			return fmt.Errorf("report gate %s: %w", x.Number, err)
		}
		if v != nil {
			p, err := tx.s.codec.Open(v)
			if err != nil {
				return fmt.Errorf("report gate %s: %w", x.Number, err)
			}
			data = p
		}
	}
	return x.LoadGateItems(data)
}

// migratePackReportRows writes the report row buckets again, in key order
// and 90% full: rows written one by one left their pages half full, and a
// report reads every page. The rows are the same bytes (sealed as they
// were).
func migratePackReportRows(btx *bolt.Tx, _ string, _ Codec) error {
	for _, name := range [][]byte{bReportRows, bReportGates} {
		b := btx.Bucket(name)
		if b == nil {
			continue
		}
		// The keys and rows stay where they are in the file until the
		// transaction ends (the old pages are freed only then, and bbolt
		// copies what its nodes point to before it remaps the file).
		var keys, vals [][]byte
		if err := b.ForEach(func(k, v []byte) error {
			keys, vals = append(keys, k), append(vals, v)
			return nil
		}); err != nil {
			return err
		}
		if err := btx.DeleteBucket(name); err != nil {
			return err
		}
		nb, err := btx.CreateBucket(name)
		if err != nil {
			return err
		}
		nb.FillPercent = rowsFill
		for i, k := range keys {
			if err := nb.Put(k, vals[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// migrateReportRows makes the report rows bucket and fills it.
func migrateReportRows(btx *bolt.Tx, _ string, codec Codec) error {
	if _, err := btx.CreateBucketIfNotExists(bReportRows); err != nil {
		return err
	}
	return rebuildReportRows(btx, &Store{codec: codec})
}

// rebuildReportRows makes every case's report row from its case file (the
// gate judged with s's judge, if any) and records the facts version.
func rebuildReportRows(btx *bolt.Tx, s *Store) error {
	tx := &Tx{s: s, btx: btx}
	// Fresh buckets, filled in key order: their pages are full, so a
	// report reads half as many as after rows were rewritten one by one.
	for _, name := range [][]byte{bReportRows, bReportGates} {
		if btx.Bucket(name) != nil {
			if err := btx.DeleteBucket(name); err != nil {
				return err
			}
		}
		b, err := btx.CreateBucket(name)
		if err != nil {
			return err
		}
		b.FillPercent = rowsFill
	}
	// Keys first: the bucket is written while the cases are read.
	var cases []string
	if err := btx.Bucket(bRows).ForEach(func(k, _ []byte) error {
		cases = append(cases, string(k))
		return nil
	}); err != nil {
		return err
	}
	for _, no := range cases {
		f, err := tx.CaseFile(no)
		if err != nil {
			return fmt.Errorf("case %s: %w", no, err)
		}
		if err := tx.putReportRow(no, f); err != nil {
			return err
		}
	}
	return btx.Bucket(bMeta).Put(kReportFacts, u64(reports.FactsVersion))
}

// reportRowsStale reports whether the rows were made by another facts
// version (checked read-only, so an up-to-date store opens without a
// write).
func reportRowsStale(db *bolt.DB) bool {
	stale := false
	_ = db.View(func(btx *bolt.Tx) error {
		if btx.Bucket(bReportRows) == nil {
			return nil // the migration makes them
		}
		v := btx.Bucket(bMeta).Get(kReportFacts)
		stale = len(v) != 8 || binary.BigEndian.Uint64(v) != reports.FactsVersion
		return nil
	})
	return stale
}

// rowBatch is a run of report rows copied out of the store for the
// decoding goroutine of ReportFactsPiped: keys and rows end to end in buf.
type rowBatch struct {
	buf  []byte
	ends []int // key end, row end, key end, ...
	// facts are the rows of another facts version, computed from the file
	// here (they need the transaction), by index.
	facts map[int]*reports.CaseFacts
}

// pipedBatch is how many rows go to the decoder at a time.
const pipedBatch = 512

// ReportFactsPiped is ReportFacts with the work split over two goroutines:
// the caller's walks the rows and copies them out (the faults of a cold
// read of the bucket's pages, and the codec), another decodes them and
// calls fn, in the same case-number order. fn must not use tx. Only the
// parts of the facts named by need are decoded (reports.NeedOf); the
// others are left empty.
func (tx *Tx) ReportFactsPiped(need reports.Need, fn func(x *reports.CaseFacts) error) error {
	b := tx.btx.Bucket(bReportRows)
	if b == nil {
		return tx.ReportFacts(fn)
	}
	free, full := make(chan *rowBatch, 3), make(chan *rowBatch, 3)
	for range cap(free) {
		free <- &rowBatch{}
	}
	var stop atomic.Bool
	done := make(chan error, 1)
	go func() {
		var x reports.CaseFacts
		dc := reports.Decoder{Skip: reports.NeedAll &^ need}
		var err error
		for bt := range full {
			start := 0
			for i := 0; err == nil && i < len(bt.ends); i += 2 {
				key, row := bt.buf[start:bt.ends[i]], bt.buf[bt.ends[i]:bt.ends[i+1]]
				start = bt.ends[i+1]
				if f := bt.facts[i/2]; f != nil {
					err = fn(f)
				} else if e := dc.Decode(&x, row); e != nil {
					err = fmt.Errorf("report row %s: %w", key, e)
				} else {
					err = fn(&x)
				}
			}
			if err != nil {
				stop.Store(true)
			}
			free <- bt
		}
		done <- err
	}()
	bt := <-free
	bt.buf, bt.ends, bt.facts = bt.buf[:0], bt.ends[:0], nil
	// An encrypted store's rows are decrypted straight into the batch.
	opener, _ := tx.s.codec.(interface {
		OpenAppend(dst, sealed []byte) ([]byte, error)
	})
	err := tx.forEach(b, bReportRows, func(k, v []byte) error {
		row := len(bt.ends) / 2
		bt.buf = append(bt.buf, k...)
		bt.ends = append(bt.ends, len(bt.buf))
		start := len(bt.buf)
		if opener != nil {
			out, err := opener.OpenAppend(bt.buf, v)
			if err != nil {
				return fmt.Errorf("report row %s: %w", k, err)
			}
			bt.buf = out
		} else {
			p, err := tx.s.codec.Open(v)
			if err != nil {
				return fmt.Errorf("report row %s: %w", k, err)
			}
			bt.buf = append(bt.buf, p...)
		}
		if reports.FactsVersionOf(bt.buf[start:]) != reports.FactsVersion {
			f, err := tx.CaseFile(string(k))
			if err != nil {
				return err
			}
			x := reports.Facts(f)
			if bt.facts == nil {
				bt.facts = map[int]*reports.CaseFacts{}
			}
			bt.facts[row] = &x
			bt.buf = bt.buf[:start]
		}
		bt.ends = append(bt.ends, len(bt.buf))
		if len(bt.ends) < 2*pipedBatch {
			return nil
		}
		if stop.Load() {
			return errPipeStopped
		}
		full <- bt
		bt = <-free
		bt.buf, bt.ends, bt.facts = bt.buf[:0], bt.ends[:0], nil
		return nil
	})
	if err == nil && len(bt.ends) > 0 {
		full <- bt
	}
	close(full)
	if derr := <-done; derr != nil {
		return derr // the decoder's error stopped the walk
	}
	return err
}

var errPipeStopped = errors.New("stopped")
