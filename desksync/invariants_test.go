package desksync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/change"
	"movedesk/store"
	"movedesk/wire"
)

// badChange is one write that breaks an invariant, as raw fields laid over
// the record stored at key (nil fields with del: a deletion).
type badChange struct {
	name   string
	key    string
	fields map[string]any
	del    bool
	code   string
	field  string
	// typed is false for changes no typed record can carry (a wrong JSON
	// type, an unknown kind): the app and the CLI cannot make them.
	typed bool
}

// invariantFixture: a travel-ready case with two travellers, a booked case
// without an ABN, and a ready-to-depart case whose flight is in ten days
// and whose departure notice is issued.
func invariantFixture(t *testing.T) []booking.Record {
	t.Helper()
	today := booking.DateOf(time.Now().UTC())
	mk := func(no string, st booking.Status) *booking.Case {
		return &booking.Case{Number: no, Programme: "USRAP", Office: "RBA", OriginAirport: "RBA", DestAirport: "JFK",
			DestCity: "New York", Priority: 3, Received: today.AddDays(-60), TravelReady: today.AddDays(-30), Status: st}
	}
	var recs []booking.Record
	for i, no := range []string{"RBA-2026-000001", "RBA-2026-000002", "RBA-2026-000003"} {
		c := mk(no, []booking.Status{booking.StatusTravelReady, booking.StatusBooked, booking.StatusReadyToDepart}[i])
		t1 := &booking.Traveller{Case: no, Member: 1, Principal: true, FamilyName: "HADDAD", GivenNames: "Omar", BirthDate: booking.MustDate("1980-01-02"), Sex: "M", Nationality: "SYR", Relationship: "PA"}
		t2 := &booking.Traveller{Case: no, Member: 2, FamilyName: "HADDAD", GivenNames: "Lina", BirthDate: booking.MustDate("1984-03-04"), Sex: "F", Nationality: "SYR", Relationship: "spouse"}
		d1 := &booking.Document{Case: no, Member: 1, ID: "d1", Type: "passport", Number: "N1234567", IssuingCountry: "SYR"}
		recs = append(recs, c, t1, t2, d1)
		if i == 0 {
			recs = append(recs, &booking.Contact{Case: no, ID: "c1", Traveller: 1, Phone: "+212 612 345 678", By: "fixture"},
				&booking.CommEntry{Case: no, ID: "m1", When: booking.MustLocalTime(today.AddDays(-1).String() + "T09:30"), Channel: "phone",
					Direction: "out", Who: "Omar", Text: "documents requested by phone", By: "fixture", Logged: time.Now().UTC().Truncate(time.Second)})
			continue
		}
		dep := today.AddDays(10).Time()
		b := &booking.Booking{Case: no, ID: "b1", Status: booking.BookingActive, Travellers: []int{1, 2}, Segments: []booking.Segment{{
			Carrier: "AT", Flight: "200", From: "RBA", To: "JFK",
			Depart: booking.MustLocalTime(dep.Format("2006-01-02") + "T10:00"), Arrive: booking.MustLocalTime(dep.Format("2006-01-02") + "T14:00")}}}
		c.Departure = b.Departure().Date()
		recs = append(recs, b)
		if i == 2 {
			f := &booking.CaseFile{Case: *c, Travellers: []booking.Traveller{*t1, *t2}, Bookings: []booking.Booking{*b}}
			a, err := f.DraftABN(booking.ABNRequest{Type: booking.ABNIssue, By: "fixture", At: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			a.Sent, a.SentBy, a.SentAt = true, "fixture", time.Now().UTC().Truncate(time.Second)
			f.ABNs = append(f.ABNs, *a)
			d, err := f.DraftABN(booking.ABNRequest{Type: booking.ABNDeparture, By: "fixture", At: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			c.ABNNumber = a.Number
			recs = append(recs, a, d)
		}
	}
	return recs
}

// putFixture writes the fixture as a desk would have, step by step, so that
// a desk's first sync replays a legal history.
func putFixture(t *testing.T, s *store.Store) {
	t.Helper()
	final := map[string]booking.Case{}
	var later []booking.Record
	err := s.Update("fixture", func(tx *store.Tx) error {
		for _, r := range invariantFixture(t) {
			switch v := r.(type) {
			case *booking.Case:
				final[v.Number] = *v
				c := *v
				c.Status = booking.StatusTravelReady
				if err := tx.Put(&c); err != nil {
					return err
				}
			case *booking.Booking, *booking.ABN:
				later = append(later, r)
			default:
				if err := tx.Put(r); err != nil {
					return err
				}
			}
		}
		step := func(no string, st booking.Status) error {
			c := final[no]
			c.Status = st
			return tx.Put(&c)
		}
		for _, r := range later {
			if b, ok := r.(*booking.Booking); ok {
				if err := tx.Put(b); err != nil {
					return err
				}
				if err := step(b.Case, booking.StatusBooked); err != nil {
					return err
				}
			}
		}
		for _, r := range later {
			a, ok := r.(*booking.ABN)
			if !ok {
				continue
			}
			if err := tx.Put(a); err != nil {
				return err
			}
			if a.Type == booking.ABNIssue {
				if err := step(a.Case, booking.StatusABNSent); err != nil {
					return err
				}
				if err := step(a.Case, booking.StatusReadyToDepart); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// goodKey is a record no bad change touches: the valid change sent with
// each bad one.
const goodKey = "RBA-2026-000003/traveller/02"

var badChanges = []badChange{
	{name: "travel-ready straight to departed", key: "RBA-2026-000001", fields: map[string]any{"status": "departed"}, code: booking.ECONFLICT, field: "status", typed: true},
	{name: "abn-sent without an ABN", key: "RBA-2026-000002", fields: map[string]any{"status": "abn-sent"}, code: booking.ECONFLICT, field: "status", typed: true},
	{name: "departed before the flight", key: "RBA-2026-000003", fields: map[string]any{"status": "departed"}, code: booking.ECONFLICT, field: "departure", typed: true},
	{name: "on hold without a reason", key: "RBA-2026-000001", fields: map[string]any{"status": "on-hold", "held_from": "travel-ready"}, code: booking.EINVALID, field: "reason", typed: true},
	{name: "priority out of range", key: "RBA-2026-000001", fields: map[string]any{"priority": 7}, code: booking.EINVALID, field: "priority", typed: true},
	{name: "priority of the wrong type", key: "RBA-2026-000001", fields: map[string]any{"priority": "urgent"}, code: booking.EINVALID, field: "priority"},
	{name: "airport code", key: "RBA-2026-000001", fields: map[string]any{"dest_airport": "ZZZZ"}, code: booking.EINVALID, field: "dest_airport", typed: true},
	{name: "notes over the limit", key: "RBA-2026-000001", fields: map[string]any{"notes": strings.Repeat("n", 5000)}, code: booking.EINVALID, field: "notes", typed: true},
	{name: "escape sequence in a name", key: "RBA-2026-000001/traveller/02", fields: map[string]any{"family_name": "EVIL\x1b]0;pwned\x07"}, code: booking.EINVALID, field: "family_name", typed: true},
	{name: "newline in a name", key: "RBA-2026-000001/traveller/02", fields: map[string]any{"given_names": "Lina\nRBA-2026-999999"}, code: booking.EINVALID, field: "given_names", typed: true},
	{name: "bidi override in notes", key: "RBA-2026-000001", fields: map[string]any{"notes": "paid \u202e0001 USD"}, code: booking.EINVALID, field: "notes", typed: true},
	{name: "document of a traveller that does not exist", key: "RBA-2026-000001/document/09/d1", fields: map[string]any{"case": "RBA-2026-000001", "member": 9, "id": "d1", "type": "passport"}, code: booking.ENOTFOUND, field: "member", typed: true},
	{name: "traveller of a case that does not exist", key: "RBA-2026-000077/traveller/01", fields: map[string]any{"case": "RBA-2026-000077", "member": 1, "family_name": "X", "birth_date": "1980-01-02"}, code: booking.ENOTFOUND, field: "case", typed: true},
	{name: "renumbering a case", key: "RBA-2026-000001", fields: map[string]any{"number": "RBA-2026-000002"}, code: booking.EINVALID, field: "number"},
	{name: "another office's prefix", key: "SAL-2026-000001", fields: map[string]any{"number": "SAL-2026-000001", "office": "RBA", "programme": "USRAP", "status": "received"}, code: booking.EINVALID, field: "number", typed: true},
	{name: "a new case already departed", key: "RBA-2026-000050", fields: map[string]any{"number": "RBA-2026-000050", "office": "RBA", "programme": "USRAP", "status": "departed"}, code: booking.ECONFLICT, field: "status", typed: true},
	{name: "deleting a case", key: "RBA-2026-000001", del: true, code: booking.ECONFLICT, field: "case", typed: true},
	{name: "contact of a traveller the case does not hold", key: "RBA-2026-000001/contact/c9", fields: map[string]any{"case": "RBA-2026-000001", "id": "c9", "traveller": 9, "phone": "+212612345678"}, code: booking.ENOTFOUND, field: "member", typed: true},
	{name: "a phone with letters", key: "RBA-2026-000001/contact/c1", fields: map[string]any{"phone": "call me"}, code: booking.EINVALID, field: "phone", typed: true},
	{name: "a communication-log entry rewritten", key: "RBA-2026-000001/comm/m1", fields: map[string]any{"text": "rewritten"}, code: booking.ECONFLICT, field: "comm", typed: true},
	{name: "a record of an unknown kind", key: "RBA-2026-000001/widget/1", fields: map[string]any{"case": "RBA-2026-000001"}, code: booking.EINVALID, field: "kind"},
}

// overlay returns the record at key in s with fields laid over it.
func overlay(t *testing.T, s *store.Store, key string, fields map[string]any) change.Object {
	t.Helper()
	obj := change.Object{}
	s.View(func(tx *store.Tx) error {
		raw, ok, err := tx.GetRaw(key)
		if err == nil && ok {
			obj, err = change.ToObject(raw)
		}
		return err
	})
	for f, v := range fields {
		b, _ := json.Marshal(v)
		obj[f] = b
	}
	return obj
}

func rawOf(s *store.Store, key string) string {
	var out []byte
	s.View(func(tx *store.Tx) error {
		out, _, _ = tx.GetRaw(key)
		return nil
	})
	return string(out)
}

func wantRefusal(t *testing.T, path string, bc badChange, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: %s: accepted", path, bc.name)
		return
	}
	if booking.ErrorCode(err) != bc.code || booking.ErrorField(err) != bc.field {
		t.Errorf("%s: %s: refused with %s/%s (%v), want %s/%s", path, bc.name, booking.ErrorCode(err), booking.ErrorField(err), err, bc.code, bc.field)
	}
}

func wantReason(t *testing.T, path string, bc badChange, reason string) {
	t.Helper()
	if want := bc.code + ": " + bc.field + ": "; !strings.Contains(reason, want) {
		t.Errorf("%s: %s: refused with %q, want %q", path, bc.name, reason, want)
	}
}

// TestInvariantsOnEveryPath runs every bad change through a local write
// (what the app and the CLI do through the use-case layer), an import, the
// hub merging a desk's push and a desk merging the hub's answer: each is
// refused with the same code and field, and nothing of it is stored.
func TestInvariantsOnEveryPath(t *testing.T) {
	h := newHub(t)
	putFixture(t, h.store)
	d := newDesk(t, h, "RBA", "rba-1")
	d.sync(t)
	hubSeq := uint64(0)
	for _, bc := range badChanges {
		before := rawOf(d.s, bc.key)

		// A local write of the typed record.
		if bc.typed {
			err := d.s.Update("amina", func(tx *store.Tx) error {
				if bc.del {
					return tx.Delete(bc.key)
				}
				_, kind := booking.SplitKey(bc.key)
				rec := booking.NewRecord(kind)
				if err := json.Unmarshal(overlay(t, d.s, bc.key, bc.fields).Encode(), rec); err != nil {
					t.Fatalf("%s: %v", bc.name, err)
				}
				return tx.Put(rec)
			})
			wantRefusal(t, "local write", bc, err)
		}

		// An import line.
		if !bc.del {
			line, _ := json.Marshal(store.Line{Key: bc.key, Record: overlay(t, d.s, bc.key, bc.fields).Encode()})
			_, err := d.s.Import("amina", bytes.NewReader(append(line, '\n')), store.ImportOptions{})
			want := bc.field
			if bc.name == "renumbering a case" {
				want = "key" // a line's key and its record disagree
			}
			if err == nil {
				t.Errorf("import: %s: accepted", bc.name)
			} else if !strings.Contains(err.Error(), "field "+want) {
				t.Errorf("import: %s: %v does not name %s", bc.name, err, bc.field)
			}
		}
		if got := rawOf(d.s, bc.key); got != before {
			t.Fatalf("%s: stored at the desk: %s", bc.name, got)
		}

		// The hub merging a desk's push: refused alone, the rest applies.
		hubSeq += 2
		op := wire.Op{Seq: hubSeq - 1, HLC: uint64(change.MakeHLC(time.Now().UnixMilli(), 0)), Key: bc.key, Fields: map[string]json.RawMessage{}}
		if bc.del {
			op.Fields["_deleted"] = json.RawMessage("true")
		}
		for f, v := range bc.fields {
			op.Fields[f], _ = json.Marshal(v)
		}
		good := wire.Op{Seq: hubSeq, HLC: op.HLC + 1, Key: goodKey, Fields: map[string]json.RawMessage{"given_names": json.RawMessage(`"after ` + strings.ReplaceAll(bc.name, `"`, "") + `"`)}}
		hubBefore := rawOf(h.store, bc.key)
		resp := pushRaw(t, h, "crafty", []wire.Op{op, good})
		if resp.Acked != hubSeq || len(resp.Refused) != 1 || resp.Refused[0].Seq != op.Seq {
			t.Errorf("hub: %s: acked %d, refused %+v", bc.name, resp.Acked, resp.Refused)
		} else {
			wantReason(t, "hub", bc, resp.Refused[0].Reason)
		}
		if got := rawOf(h.store, bc.key); got != hubBefore {
			t.Errorf("hub: %s: stored: %s", bc.name, got)
		}
		if got := rawOf(h.store, goodKey); !strings.Contains(got, "after "+bc.name) {
			t.Errorf("hub: %s: the valid op of the batch was not applied", bc.name)
		}
	}
}

// TestDeskRefusesBadHubChanges: changes the hub holds that break an
// invariant (written before the rules, or by a hub that did not check)
// are refused by the desk alone, listed, and the rest of the answer and
// the desk's next sync go through.
func TestDeskRefusesBadHubChanges(t *testing.T) {
	for _, bc := range badChanges {
		if bc.name == "a record of an unknown kind" || strings.Contains(bc.name, "does not exist") || strings.Contains(bc.name, "wrong type") {
			continue // a store cannot hold these at all, the hub's included
		}
		t.Run(bc.name, func(t *testing.T) {
			h := newHub(t)
			putFixture(t, h.store)
			d := newDesk(t, h, "RBA", "rba-1")
			d.sync(t)
			before := rawOf(d.s, bc.key)
			if err := h.store.Update("hub", func(tx *store.Tx) error {
				_, kind := booking.SplitKey(bc.key)
				if bc.del {
					return tx.ApplyRemote(change.Op{Desk: "old", Seq: 1, HLC: change.MakeHLC(time.Now().UnixMilli(), 0), Kind: kind, Key: bc.key,
						Office: "RBA", Fields: map[string]json.RawMessage{"_deleted": json.RawMessage("true")}})
				}
				if err := tx.PutObject(bc.key, kind, overlay(t, h.store, bc.key, bc.fields)); err != nil {
					return err
				}
				return tx.PutObject(goodKey, booking.KindTraveller, overlay(t, h.store, goodKey, map[string]any{"given_names": "valid"}))
			}); err != nil {
				t.Fatal(err)
			}
			r := d.sync(t)
			if got := rawOf(d.s, bc.key); got != before {
				t.Fatalf("stored at the desk: %s", got)
			}
			if r.Rejected != 1 {
				t.Errorf("rejected %d, want 1", r.Rejected)
			}
			rs, _ := d.s.Refusals()
			if len(rs) != 1 || !rs[0].Incoming {
				t.Fatalf("refusals %+v", rs)
			}
			wantReason(t, "desk", bc, rs[0].Reason)
			if bc.del {
				return
			}
			if got := rawOf(d.s, goodKey); !strings.Contains(got, `"valid"`) {
				t.Errorf("the valid change of the answer was not applied: %s", got)
			}
			d.sync(t) // and the next sync goes through
		})
	}
}

// pushRaw posts ops as desk id to the hub with a token of its own.
func pushRaw(t *testing.T, h *hub, id string, ops []wire.Op) wire.SyncResponse {
	t.Helper()
	tok, ok := rawTokens[h]
	if !ok {
		tok = h.token(t, "RBA", "crafted-"+id)
		rawTokens[h] = tok
	}
	body, err := wire.Encode(wire.SyncRequest{Desk: id, Ops: ops, Proto: wire.Proto, Instance: "i-test"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, h.srv.URL+wire.Path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var resp wire.SyncResponse
	if res.StatusCode != http.StatusOK {
		var eb wire.ErrorBody
		wire.Decode(res.Body, wire.MaxBody, &eb)
		t.Fatalf("push: %d %s", res.StatusCode, eb.Error)
	}
	if err := wire.Decode(res.Body, wire.MaxBody, &resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

var rawTokens = map[*hub]string{}
