package desk

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"sync"

	"movedesk/booking"
	"movedesk/store"
	"movedesk/tariffs"
)

// ReportGate returns the store's ReportGate for a desk configured with cfg,
// for a store opened before its Service exists (a store whose report rows
// are remade on opening judges their gates with it); New sets the
// Service's own.
func ReportGate(cfg Config) store.ReportGate {
	return (&gateJudge{cfg: cfg}).reportGate
}

// gateJudge judges the report rows' gate, keeping what it judged with.
type gateJudge struct {
	cfg Config
	// d, if set, is the Service whose parsed tariff set may be reused.
	d    *Service
	mu   sync.Mutex
	last gateInputs
}

// gateInputs are the templates and tariff set the report rows' gate was
// last judged with, and their stamp.
type gateInputs struct {
	have    bool
	raw     []byte
	version string
	tpl     *booking.Templates
	set     *tariffs.Set
	stamp   uint64
}

// reportGate is a store.ReportGate: the gate judged as
// cf.GateWith(d.GateInput(cf)) does, with the templates and active tariff
// version tx sees. The stamp hashes everything the gate depends on besides
// the case file: the published templates, the desk's templates, programmes
// and rules, the tariff version (and the embedded tables' content) and the
// gate's rules. Where GateInput would fall back (templates or tables that
// do not parse), the stamp is 0 and the rows keep no gate.
func (j *gateJudge) reportGate(tx *store.Tx) (uint64, func(f *booking.CaseFile) []booking.GateItem) {
	raw, _, err := tx.GetRaw(booking.TemplatesKey)
	if err != nil {
		return 0, nil
	}
	var act tariffs.ActiveRecord
	if _, err := tx.Get(tariffs.ActiveKey, &act); err != nil {
		return 0, nil
	}
	if act.Version == "" {
		act.Version = tariffs.EmbeddedVersion
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	g := &j.last
	if !g.have || !bytes.Equal(raw, g.raw) || act.Version != g.version {
		in, ok := j.inputs(tx, raw, act.Version)
		if !ok {
			return 0, nil
		}
		*g = in
	}
	tpl, set, rules := g.tpl, g.set, j.cfg.Rules
	return g.stamp, func(f *booking.CaseFile) []booking.GateItem {
		in := booking.GateInput{Templates: tpl, FindingsChecked: true}
		if b := f.ActiveBooking(); b != nil {
			in.Findings = blocking(quote(set, rules, bookingRequest(f, b, nil)))
		}
		return f.GateWith(in)
	}
}

// gateInputs reads and parses what the gate is judged with.
func (j *gateJudge) inputs(tx *store.Tx, raw []byte, version string) (gateInputs, bool) {
	tpl, _, err := templatesFrom(raw, j.cfg)
	if err != nil {
		return gateInputs{}, false
	}
	h := fnv.New64a()
	var set *tariffs.Set
	if d := j.d; d != nil {
		d.tmu.Lock()
		if d.set != nil && d.version == version {
			set = d.set // parsed already by Tariffs
		}
		d.tmu.Unlock()
	}
	var rec tariffs.SetRecord
	found := false
	if version != tariffs.EmbeddedVersion {
		if found, err = tx.Get(tariffs.SetKey(version), &rec); err != nil {
			return gateInputs{}, false
		}
	}
	if !found {
		// As Tariffs: no such version stored means the embedded tables.
		h.Write(binary.BigEndian.AppendUint64(nil, tariffs.EmbeddedDigest()))
		if set == nil {
			if set, err = tariffs.Embedded(); err != nil {
				return gateInputs{}, false
			}
		}
	} else if set == nil {
		if set, err = rec.Set(); err != nil {
			return gateInputs{}, false
		}
	}
	conf, err := json.Marshal([]any{j.cfg.Templates, j.cfg.Programmes, j.cfg.Rules, booking.GateRuleNames()})
	if err != nil {
		return gateInputs{}, false
	}
	for _, part := range [][]byte{raw, []byte(version), conf} {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(part))))
		h.Write(part)
	}
	stamp := h.Sum64()
	if stamp == 0 {
		stamp = 1
	}
	return gateInputs{have: true, raw: bytes.Clone(raw), version: version, tpl: tpl, set: set, stamp: stamp}, true
}
