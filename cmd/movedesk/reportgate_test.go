package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"movedesk/booking"
	"movedesk/config"
	"movedesk/desk"
	"movedesk/reports"
	"movedesk/reports/reportstest"
	"movedesk/store"
	"movedesk/tariffs"
)

// checkRowGates checks every report row of s: a case the gate is judged on
// keeps it under stamp with the items GateWith gives under d (loaded only
// on asking), any other keeps none. It returns how many were judged, how
// many of those have open items, and the item codes seen.
func checkRowGates(t *testing.T, s *store.Store, d *desk.Service, stamp uint64) (judged, open int, codes map[string]bool) {
	t.Helper()
	codes = map[string]bool{}
	err := s.View(func(tx *store.Tx) error {
		return tx.ReportFacts(func(x *reports.CaseFacts) error {
			if !reports.GateJudged(x) {
				if x.Gate.Stamp != 0 || len(x.Gate.Items) > 0 {
					t.Errorf("%s (%s) keeps a gate it is never judged on", x.Number, x.Status)
				}
				return nil
			}
			judged++
			f, err := tx.CaseFile(x.Number)
			if err != nil {
				return err
			}
			want := f.GateWith(d.GateInput(f))
			if x.Gate.Loaded {
				t.Errorf("%s: gate items loaded with the row", x.Number)
			}
			if err := tx.LoadReportGate(x); err != nil {
				return err
			}
			if x.Gate.Stamp != stamp {
				t.Errorf("%s: stamp %x, want %x", x.Number, x.Gate.Stamp, stamp)
			}
			if !sameGate(x.Gate.Items, want) {
				t.Errorf("%s: row gate\n%v\nwant\n%v", x.Number, x.Gate.Items, want)
			}
			if len(want) > 0 {
				open++
			}
			for _, it := range want {
				codes[it.Code] = true
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return judged, open, codes
}

// sameGate compares gate items, none and an empty list alike.
func sameGate(a, b []booking.GateItem) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}

// Every open booked case of a demo store keeps in its report row the gate
// the desk judges from its whole file (templates and the quote engine's
// findings), under the stamp the desk judges with now.
func TestReportRowsKeepTheGate(t *testing.T) {
	dir := demoStore(t, "400")
	s := openReadOnly(t, dir)
	d, err := (&app{cfg: &config.Config{Rules: tariffs.DefaultRules(), Programmes: booking.Programmes}}).newDesk(s)
	if err != nil {
		t.Fatal(err)
	}
	stamp := s.ReportGateStamp()
	if stamp == 0 {
		t.Fatal("no gate stamp")
	}
	judged, open, codes := checkRowGates(t, s, d, stamp)
	if judged < 50 || open == 0 || open == judged || len(codes) < 4 {
		t.Fatalf("the demo judged %d gates, %d with open items, codes %v: too little to compare", judged, open, codes)
	}
}

// The judge the store keeps gates with equals GateWith under the desk's
// GateInput on case files varied at random (duties dropped, documents and
// medical clearances expiring, programmes changed, flights moved), and a
// change of configuration changes the stamp.
func TestReportGateJudgeVariedFiles(t *testing.T) {
	dir := demoStore(t, "200")
	s := openReadOnly(t, dir)
	a := &app{cfg: &config.Config{Rules: tariffs.DefaultRules(), Programmes: booking.Programmes}}
	d, err := a.newDesk(s)
	if err != nil {
		t.Fatal(err)
	}
	var files []*booking.CaseFile
	rows, _ := s.AllRows()
	for _, r := range rows {
		f, err := s.CaseFile(r.Number)
		if err != nil {
			t.Fatal(err)
		}
		if f.ActiveBooking() != nil {
			files = append(files, f)
		}
	}
	var stamp, other uint64
	var judge func(*booking.CaseFile) []booking.GateItem
	cfg2 := a.deskConfig()
	cfg2.Rules.OvernightMinLayover += time.Hour
	if err := s.View(func(tx *store.Tx) error {
		stamp, judge = desk.ReportGate(a.deskConfig())(tx)
		other, _ = desk.ReportGate(cfg2)(tx)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if stamp == 0 || stamp != s.ReportGateStamp() || other == stamp {
		t.Fatalf("stamps %x (store %x), other rules %x", stamp, s.ReportGateStamp(), other)
	}
	rng := rand.New(rand.NewPCG(14, 1))
	progs := booking.Programmes
	diff := 0
	for round := range 3 {
		for _, orig := range files {
			f := cloneFile(t, orig)
			for range 1 + rng.IntN(4) {
				switch rng.IntN(9) {
				case 0:
					f.Verifications = nil
				case 1:
					if len(f.Custody) > 0 {
						f.Custody = f.Custody[1:]
					}
				case 2:
					f.Permits = nil
				case 3:
					f.Counselling = nil
				case 4:
					f.TravelBag = nil
				case 5:
					for i := range f.Travellers {
						f.Travellers[i].MedicalValidUntil = f.DepartureDate().AddDays(-rng.IntN(3))
					}
				case 6:
					for i := range f.Documents {
						if !f.Documents[i].ExpiryDate.IsZero() {
							f.Documents[i].ExpiryDate = f.DepartureDate().AddDays(rng.IntN(5) - 2)
						}
					}
				case 7:
					f.Case.Programme = progs[rng.IntN(len(progs))]
				case 8:
					b := f.ActiveBooking()
					shift := time.Duration(rng.IntN(400)-200) * 24 * time.Hour
					for i := range b.Segments {
						sg := &b.Segments[i]
						sg.Depart, _ = booking.ParseLocalTime(sg.Depart.Wall().Add(shift).Format(booking.LocalTimeLayout))
						sg.Arrive, _ = booking.ParseLocalTime(sg.Arrive.Wall().Add(shift).Format(booking.LocalTimeLayout))
					}
				}
			}
			got, want := judge(f), f.GateWith(d.GateInput(f))
			if !sameGate(got, want) {
				t.Fatalf("round %d, %s: judged\n%v\nwant\n%v", round, f.Case.Number, got, want)
			}
			if !sameGate(want, orig.GateWith(d.GateInput(orig))) {
				diff++
			}
		}
	}
	if diff < len(files) {
		t.Fatalf("only %d of %d varied files changed their gate", diff, 3*len(files))
	}
}

// cloneFile deep-copies f through its JSON form.
func cloneFile(t *testing.T, f *booking.CaseFile) *booking.CaseFile {
	t.Helper()
	var out booking.CaseFile
	if err := out.Add(f.Case.Number, mustJSON(t, f.Case)); err != nil {
		t.Fatal(err)
	}
	add := func(kind string, v any) {
		if err := out.Add(f.Case.Number+"/"+kind+"/x", mustJSON(t, v)); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range f.Travellers {
		add(booking.KindTraveller, x)
	}
	for _, x := range f.Documents {
		add(booking.KindDocument, x)
	}
	for _, x := range f.Bookings {
		add(booking.KindBooking, x)
	}
	for _, x := range f.EscortTrips {
		add(booking.KindEscortTrip, x)
	}
	for _, x := range f.Verifications {
		add(booking.KindVerification, x)
	}
	for _, x := range f.Custody {
		add(booking.KindCustody, x)
	}
	for _, x := range f.Permits {
		add(booking.KindPermit, x)
	}
	for _, x := range f.Actions {
		add(booking.KindAction, x)
	}
	if f.Counselling != nil {
		add(booking.KindCounselling, f.Counselling)
	}
	if f.TravelBag != nil {
		add(booking.KindTravelBag, f.TravelBag)
	}
	if !reflect.DeepEqual(out.GateWith(booking.GateInput{}), f.GateWith(booking.GateInput{})) {
		t.Fatalf("%s: the copy judges otherwise", f.Case.Number)
	}
	return &out
}

// A quality report made from rows whose gate was judged under another
// stamp (another configuration) reads those files and judges them anew:
// it equals the report made from whole files under that configuration.
func TestQualityRowsUnderAnotherStamp(t *testing.T) {
	dir := demoStore(t, "300")
	s := openReadOnly(t, dir)
	a := &app{cfg: &config.Config{Rules: tariffs.DefaultRules(), Programmes: booking.Programmes}}
	a.cfg.Rules.OvernightMinLayover += time.Hour
	a.cfg.Templates = map[string]any{"USRAP": map[string]any{"exit_permit_required": true}}
	d, err := a.newDesk(s)
	if err != nil {
		t.Fatal(err)
	}
	var files []*booking.CaseFile
	rows, _ := s.AllRows()
	for _, r := range rows {
		f, err := s.CaseFile(r.Number)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	gate := func(cf *booking.CaseFile) []booking.GateItem { return cf.GateWith(d.GateInput(cf)) }
	p := reports.Params{Today: reportstest.Today, Config: reports.DefaultConfig(), Gate: gate, GateStamp: s.ReportGateStamp()}
	want, err := reports.Run("quality", p, reports.Slice(files))
	if err != nil {
		t.Fatal(err)
	}
	b, err := reports.New("quality", p)
	if err != nil {
		t.Fatal(err)
	}
	files0 := 0
	if err := addCases(s, b, reports.NeedOf("quality"), func(x *reports.CaseFacts, f *booking.CaseFile) {
		if f != nil {
			files0++
		}
	}); err != nil {
		t.Fatal(err)
	}
	got := b.Report()
	if files0 == 0 {
		t.Fatal("no case file read: the rows' gate was taken under another stamp")
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("the quality report from rows differs from the one from whole files")
	}
	gates := 0
	for _, f := range got.(*reports.QualityReport).Findings {
		if f.Check == "gate-open" {
			gates++
		}
	}
	if gates == 0 || !slices.ContainsFunc(want.(*reports.QualityReport).Findings, func(f reports.Finding) bool { return f.Check == "gate-open" }) {
		t.Fatal("no gate finding to compare")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The hub's report rows, written as a desk's push merges, keep the gate as
// `hub report` judges it (the stamp of the hub's configuration, the items
// GateWith gives): its quality report reads no case file for them.
func TestHubRowsKeepTheGate(t *testing.T) {
	root := t.TempDir()
	hubDir, deskDir := filepath.Join(root, "hub"), filepath.Join(root, "desk")
	cfgFile := filepath.Join(root, "hub.yaml")
	if err := os.WriteFile(cfgFile, []byte("data: "+hubDir+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tok := addDesk(t, hubDir, "RBA", "rba-1")
	if code, _, e := cli(t, "demo", "--no-users", "--data", deskDir, "--cases", "120", "--office", "RBA"); code != 0 {
		t.Fatalf("demo: %s", e)
	}
	hub := serveHub(t, "--config", cfgFile)
	if code, out, e := cli(t, "sync", "--data", deskDir, "--hub", "http://"+hub.addr, "--token", tok, "-q"); code != 0 {
		t.Fatalf("sync: %d %q %q", code, out, e)
	}
	if code := hub.stop(t); code != 0 {
		t.Fatalf("serve: %d %q", code, hub.serr.String())
	}

	cfg, err := config.Load(cfgFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(hubDir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, err := (&app{cfg: cfg}).newDesk(s)
	if err != nil {
		t.Fatal(err)
	}
	stamp := s.ReportGateStamp()
	if stamp == 0 {
		t.Fatal("no gate stamp at the hub")
	}
	if judged, _, _ := checkRowGates(t, s, d, stamp); judged < 10 {
		t.Fatalf("only %d cases at the hub have a gate to judge", judged)
	}
	p := reports.Params{Today: booking.DateOf(time.Now()), Config: reports.DefaultConfig(), GateStamp: stamp,
		Gate: func(cf *booking.CaseFile) []booking.GateItem { return cf.GateWith(d.GateInput(cf)) }}
	b, err := reports.New("quality", p)
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	if err := addCases(s, b, reports.NeedOf("quality"), func(_ *reports.CaseFacts, f *booking.CaseFile) {
		if f != nil {
			files++
		}
	}); err != nil {
		t.Fatal(err)
	}
	if files != 0 {
		t.Fatalf("the hub's quality report read %d case files", files)
	}
}
