package change

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDiffAndApplyRoundTrip(t *testing.T) {
	old := Object{"a": json.RawMessage(`1`), "b": json.RawMessage(`"x"`), "c": json.RawMessage(`true`)}
	new := Object{"a": json.RawMessage(`1`), "b": json.RawMessage(`"y"`), "d": json.RawMessage(`[1]`)}
	d := Diff(old, new)
	if len(d) != 3 || string(d["b"]) != `"y"` || string(d["c"]) != "null" || string(d["d"]) != "[1]" {
		t.Fatalf("diff = %v", d)
	}
	old.Apply(d)
	if string(old.Encode()) != string(new.Encode()) {
		t.Fatalf("apply gave %s, want %s", old.Encode(), new.Encode())
	}
	if len(Diff(new, new)) != 0 {
		t.Fatal("diff of equal objects is not empty")
	}
}

func TestClockMonotonicWhenWallGoesBack(t *testing.T) {
	wall := time.UnixMilli(1_000_000)
	c := NewClock(0, func() time.Time { return wall })
	a := c.Now()
	wall = wall.Add(-time.Hour)
	b := c.Now()
	if b <= a {
		t.Fatalf("clock went back: %v then %v", a, b)
	}
	r := MakeHLC(5_000_000, 7)
	if o := c.Observe(r); o <= r {
		t.Fatalf("observe(%v) = %v, not after remote", r, o)
	}
	if c.Now() <= r {
		t.Fatal("clock fell behind an observed timestamp")
	}
}

func TestHLCJSON(t *testing.T) {
	h := MakeHLC(1_790_000_000_000, 42)
	b, _ := json.Marshal(h)
	var back HLC
	if err := json.Unmarshal(b, &back); err != nil || back != h {
		t.Fatalf("round trip %s -> %v (%v)", b, back, err)
	}
	if back.Counter() != 42 || back.Millis() != 1_790_000_000_000 {
		t.Fatalf("parts %d %d", back.Millis(), back.Counter())
	}
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	op := Op{Desk: "d1", Seq: 42, Actor: "amina <a&b>\n\"q\"\x01 é \u2028 \xff", HLC: MakeHLC(1_790_000_000_000, 3),
		Kind: "traveller", Key: "RBA-2026-000001/traveller/01", Case: "RBA-2026-000001", Office: "RBA",
		Fields: map[string]json.RawMessage{"z": json.RawMessage(`1`), "a": json.RawMessage(`"x"`), "m": json.RawMessage(`["A","B"]`)}}
	want, err := json.Marshal(op)
	if err != nil {
		t.Fatal(err)
	}
	if got := op.AppendJSON(nil); string(got) != string(want) {
		t.Fatalf("AppendJSON\n got %s\nwant %s", got, want)
	}
	op.Case, op.Office = "", ""
	var back Op
	if err := json.Unmarshal(op.AppendJSON(nil), &back); err != nil || back.Key != op.Key || back.Case != "" {
		t.Fatalf("shared-record op does not decode: %v %+v", err, back)
	}
}
