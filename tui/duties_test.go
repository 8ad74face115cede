package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// fakeDesk ranks and assigns escorts and records permits over a
// dutySource with the booking rules; the store-backed desk is tested end to
// end in cmd/movedesk.
type fakeDesk struct {
	src  *dutySource
	pool []booking.Escort
	rets [][]booking.Segment // return trips asked for, per assignment
}

func (d *fakeDesk) trip(f *booking.CaseFile, e *booking.Escort) (*booking.EscortTrip, error) {
	return booking.NewEscortTrip(f.Case.Number, e, f.ActiveBooking(), nil, nil, nil)
}

func (d *fakeDesk) Rank(no string) ([]booking.EscortCandidate, error) {
	f := d.src.copy()
	probe := booking.Escort{ID: "PROBE", Type: booking.EscortOperational}
	t, err := d.trip(f, &probe)
	if err != nil {
		return nil, err
	}
	return booking.RankEscorts(d.pool, *t, nil, "", f.Languages()), nil
}

func (d *fakeDesk) Assign(actor, no, id string, ret []booking.Segment) (*booking.EscortTrip, []booking.EscortProblem, error) {
	var trip *booking.EscortTrip
	var warns []booking.EscortProblem
	err := d.src.update(func(tx *dutyTx) error {
		f, _ := tx.CaseFile(no)
		for i := range d.pool {
			e := &d.pool[i]
			if e.ID != id {
				continue
			}
			t, err := d.trip(f, e)
			if err != nil {
				return err
			}
			t.Return = ret
			for _, p := range booking.CheckEscortTrip(e, t, nil, "", f.Languages()) {
				if p.Blocking {
					return booking.Errorf(booking.ECONFLICT, "escort", "cannot assign %s to case %s: %s", id, no, p.Message)
				}
				warns = append(warns, p)
			}
			trip = t
			d.rets = append(d.rets, ret)
			return tx.Put(t)
		}
		return booking.Errorf(booking.ENOTFOUND, "escort", "no escort %s in the pool", id)
	})
	return trip, warns, err
}

func (d *fakeDesk) SetPermit(actor, no string, member int, id string, pp PermitPatch) (booking.ExitPermit, error) {
	if id == "" {
		id = "P1-dtest" // a new application: the desk makes its id
	}
	p := booking.ExitPermit{Case: no, Member: member, ID: id}
	err := d.src.update(func(tx *dutyTx) error {
		p.Country, p.Authority, p.Status = *pp.Country, *pp.Authority, *pp.Status
		p.ReasonCode, p.ReasonText = *pp.ReasonCode, *pp.ReasonText
		p.Submitted, p.Decided, p.ValidFrom, p.ValidUntil = *pp.Submitted, *pp.Decided, *pp.ValidFrom, *pp.ValidUntil
		return tx.Put(&p)
	})
	return p, err
}

func (d *fakeDesk) AddCustody(actor, no string, m int, doc string, e booking.CustodyEvent) (*booking.Custody, error) {
	var out *booking.Custody
	e.By, e.At = actor, testNow()
	err := d.src.update(func(tx *dutyTx) error {
		f, _ := tx.CaseFile(no)
		rec, err := f.LogCustody(m, doc, e, "")
		if err != nil {
			return err
		}
		out = rec
		return tx.Put(rec)
	})
	return out, err
}

func dutyPool() []booking.Escort {
	d := booking.MustDate
	return []booking.Escort{
		{ID: "E0001", Name: "Karim Tazi", Type: booking.EscortMedical, Languages: []string{"ar", "fr"}, PassportExpiry: d("2031-01-01")},
		{ID: "E0002", Name: "Old Passport", Type: booking.EscortOperational, PassportExpiry: d("2026-01-01")},
		{ID: "E0003", Name: "Petra Hoffmann", Type: booking.EscortOperational, Languages: []string{"de"}, PassportExpiry: d("2030-01-01")},
	}
}

func dutyDeps(t testing.TB, src *dutySource) (DutyDeps, *fakeDesk) {
	t.Helper()
	st, err := DefaultStyles("dark", true)
	if err != nil {
		t.Fatal(err)
	}
	desk := &fakeDesk{src: src, pool: dutyPool()}
	return DutyDeps{Source: src, User: "amina", Keys: DefaultKeyMap(), Styles: st, Now: testNow, Escorts: desk, Permits: desk, Custody: desk}, desk
}

// run feeds cmd's messages (batches flattened) back into s until none is
// left, and returns them.
func run(t *testing.T, s Screen, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var seen []tea.Msg
	queue := runCmd(cmd)
	for n := 0; len(queue) > 0; n++ {
		if n > 100 {
			t.Fatal("messages do not settle")
		}
		msg := queue[0]
		queue = queue[1:]
		seen = append(seen, msg)
		queue = append(queue, runCmd(s.Update(msg))...)
	}
	return seen
}

func open(t *testing.T, s Screen) Screen {
	t.Helper()
	s.SetSize(80, 24)
	run(t, s, s.Init())
	return s
}

// hit presses keys (and types text given as "text:...") on s.
func hit(t *testing.T, s Screen, ks ...string) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	for _, k := range ks {
		if txt, ok := strings.CutPrefix(k, "text:"); ok {
			for _, r := range txt {
				out = append(out, run(t, s, s.Update(tea.KeyPressMsg(tea.Key{Code: r, Text: string(r)})))...)
			}
			continue
		}
		out = append(out, run(t, s, s.Update(keyMsg(k)))...)
	}
	return out
}

func view(s Screen) string { return ansi.Strip(s.View()) }

func hasMsg[T any](msgs []tea.Msg) bool {
	for _, m := range msgs {
		if _, ok := m.(T); ok {
			return true
		}
	}
	return false
}

func TestEscortScreenRanksAndAssigns(t *testing.T) {
	src := &dutySource{f: dutyCaseFile()}
	d, desk := dutyDeps(t, src)
	s := open(t, NewEscortScreen(d, "RBA-2026-000101"))
	goldenText(t, "escort_ranked", view(s))
	// The expired passport is refused by the desk; its reason is shown and
	// nothing is written.
	hit(t, s, "j", "j")
	if !strings.Contains(view(s), "✗ passport") {
		t.Fatalf("unusable escort not marked:\n%s", view(s))
	}
	msgs := hit(t, s, "enter")
	if !hasMsg[ErrMsg](msgs) || len(src.puts) != 0 {
		t.Fatalf("refusal: msgs %v puts %v", msgs, src.puts)
	}
	goldenText(t, "escort_refused", view(s))
	// A typed return trip survives the refusal and goes with the next try.
	hit(t, s, "e", "text:AT,201,JFK,CMN,2026-12-05T18:00,2026-12-06T08:00", "enter", "k", "k")
	msgs = hit(t, s, "enter")
	if !hasMsg[SavedMsg](msgs) || len(src.puts) != 1 || len(desk.rets) != 1 || len(desk.rets[0]) != 1 ||
		booking.SegmentLine(desk.rets[0][0]) != booking.SegmentLine(booking.Segment{Carrier: "AT", Flight: "201", From: "JFK", To: "CMN",
			Depart: booking.MustLocalTime("2026-12-05T18:00"), Arrive: booking.MustLocalTime("2026-12-06T08:00")}) {
		t.Fatalf("assign: msgs %v puts %v rets %q", msgs, src.puts, desk.rets)
	}
	trip, ok := src.puts[0].(*booking.EscortTrip)
	if !ok || trip.Escort != "E0001" || !trip.HasReturn() {
		t.Fatalf("trip written: %+v", src.puts[0])
	}
	goldenText(t, "escort_assigned", view(s))
	if got := hit(t, s, "esc"); !hasMsg[BackMsg](got) {
		t.Fatalf("esc: %v", got)
	}
}

func TestEscortScreenReturnPromptCancels(t *testing.T) {
	src := &dutySource{f: dutyCaseFile()}
	d, _ := dutyDeps(t, src)
	s := open(t, NewEscortScreen(d, "RBA-2026-000101"))
	hit(t, s, "e", "text:AT,201")
	if c := s.(Capturer); !c.Capturing() || !strings.Contains(view(s), "return: AT,201█") {
		t.Fatalf("prompt:\n%s", view(s))
	}
	// esc cancels the prompt, not the screen.
	if msgs := hit(t, s, "esc"); hasMsg[BackMsg](msgs) || strings.Contains(view(s), "AT,201") {
		t.Fatalf("cancel: %v\n%s", msgs, view(s))
	}
}

func TestPermitFormErrorOnFieldKeepsInput(t *testing.T) {
	src := &dutySource{f: dutyCaseFile()}
	d, _ := dutyDeps(t, src)
	s := open(t, NewPermitScreen(d, "RBA-2026-000101"))
	// Traveller 1, permit P1, country, authority, then status denied.
	hit(t, s, "space", "tab", "tab", "text:ma", "tab", "text:DGSN", "tab", "space", "space")
	if !strings.Contains(view(s), "‹ denied ›") || !strings.Contains(view(s), "reason code") {
		t.Fatalf("denied shows no reason fields:\n%s", view(s))
	}
	msgs := hit(t, s, "ctrl+s")
	if !hasMsg[ErrMsg](msgs) || len(src.puts) != 0 {
		t.Fatalf("denial without reason saved: %v %v", msgs, src.puts)
	}
	goldenText(t, "permit_error", view(s))
	if !s.(Dirtier).Dirty() {
		t.Fatal("failed save lost the input")
	}
	// Pick a reason on the field the error is on, and save.
	for range 5 {
		hit(t, s, "tab")
	}
	hit(t, s, "space", "space", "space")
	msgs = hit(t, s, "ctrl+s")
	if !hasMsg[SavedMsg](msgs) || len(src.puts) != 1 {
		t.Fatalf("save: %v\n%s", msgs, view(s))
	}
	p := src.puts[0].(*booking.ExitPermit)
	if p.Member != 1 || p.ID != "P1-dtest" || p.Country != "MA" || p.Authority != "DGSN" || p.Status != booking.PermitDenied || p.ReasonCode != "military-service" {
		t.Fatalf("permit %+v", p)
	}
	goldenText(t, "permit_saved", view(s))
	if s.(Dirtier).Dirty() {
		t.Fatal("dirty after save")
	}
}

func TestPermitFormOpensOnRecordedPermit(t *testing.T) {
	f := dutyCaseFile()
	f.Permits = []booking.ExitPermit{{Case: f.Case.Number, Member: 2, ID: "P1", Authority: "DGSN", Status: booking.PermitApproved,
		ValidUntil: booking.MustDate("2027-01-31")}}
	src := &dutySource{f: f}
	d, _ := dutyDeps(t, src)
	s := open(t, NewPermitScreen(d, "RBA-2026-000101"))
	v := view(s)
	if !strings.Contains(v, "‹ 2 HADDAD, Layla ›") || !strings.Contains(v, "until    2027-01-31") || !strings.Contains(v, "‹ approved ›") {
		t.Fatalf("recorded permit not shown:\n%s", v)
	}
	// Another id is a new application: dates cleared, authority kept.
	hit(t, s, "tab", "backspace", "text:2")
	v = view(s)
	if strings.Contains(v, "until    2027-01-31") || !strings.Contains(v, "‹ pending ›") || !strings.Contains(v, "DGSN") {
		t.Fatalf("new permit id:\n%s", v)
	}
}

func TestCustodyHandOverBeforeVerificationRefused(t *testing.T) {
	src := &dutySource{f: dutyCaseFile()}
	d, _ := dutyDeps(t, src)
	s := open(t, NewCustodyScreen(d, "RBA-2026-000101"))
	goldenText(t, "custody_new", view(s))
	// handed-over asks "to whom"; the hand-over is refused: not verified.
	hit(t, s, "tab", "space", "space", "tab", "text:the traveller")
	msgs := hit(t, s, "ctrl+s")
	if !hasMsg[ErrMsg](msgs) || len(src.puts) != 0 {
		t.Fatalf("hand-over saved: %v", msgs)
	}
	if v := view(s); !strings.Contains(v, "verification is not recorded") || !strings.Contains(v, "the traveller") {
		t.Fatalf("refusal not shown or input lost:\n%s", v)
	}
	goldenText(t, "custody_refused", view(s))
	// received from the embassy is recorded, with who and when.
	hit(t, s, "shift+tab", "space", "space", "tab", "text:embassy")
	msgs = hit(t, s, "ctrl+s")
	if !hasMsg[SavedMsg](msgs) || len(src.puts) != 1 {
		t.Fatalf("received: %v\n%s", msgs, view(s))
	}
	c := src.puts[0].(*booking.Custody)
	if e := c.Events[0]; c.Member != 1 || c.Document != "d1" || e.Action != booking.CustodyReceived || e.From != "embassy" || e.By != "amina" || !e.At.Equal(testNow()) {
		t.Fatalf("custody %+v", c)
	}
	goldenText(t, "custody_saved", view(s))
}

// newDutyModel is the app with the duty actions on the case view, opened on
// the duty fixture's case.
func newDutyModel(t *testing.T) (*Model, *dutySource) {
	t.Helper()
	src := &dutySource{f: dutyCaseFile()}
	d, _ := dutyDeps(t, src)
	m, err := New(Options{Source: src, User: "amina", Keys: d.Keys, Styles: d.Styles, Now: testNow, CaseActions: DutyActions(d)})
	if err != nil {
		t.Fatal(err)
	}
	send(t, m, teaSize(80, 24))
	send(t, m, OpenCaseMsg{Number: "RBA-2026-000101"})
	return m, src
}

func TestDutyActionsOpenFromCaseView(t *testing.T) {
	m, _ := newDutyModel(t)
	keys(t, m, "?")
	for _, want := range []string{"e escorts", "p exit permit", "d doc custody"} {
		if !strings.Contains(screen(m), want) {
			t.Errorf("help lacks %q:\n%s", want, screen(m))
		}
	}
	keys(t, m, "?")
	for k, title := range map[string]string{"e": "escorts", "p": "exit permit", "d": "custody"} {
		keys(t, m, k)
		if m.top().Title() != title {
			t.Fatalf("%s opened %q", k, m.top().Title())
		}
		if !strings.Contains(screen(m), "esc back") {
			t.Errorf("%s: help bar lacks esc:\n%s", title, screen(m))
		}
		keys(t, m, "esc")
		if m.top().Title() != "RBA-2026-000101" {
			t.Fatalf("esc from %s went to %q", title, m.top().Title())
		}
	}
}

// TestDutyScreensFitInColour checks the colour views stay within 80 cells.
func TestDutyScreensFitInColour(t *testing.T) {
	src := &dutySource{f: dutyCaseFile()}
	d, _ := dutyDeps(t, src)
	st, _ := DefaultStyles("dark", false)
	d.Styles = st
	for _, s := range []Screen{NewEscortScreen(d, "RBA-2026-000101"), NewPermitScreen(d, "RBA-2026-000101"), NewCustodyScreen(d, "RBA-2026-000101")} {
		open(t, s)
		hit(t, s, "ctrl+s")
		lines := strings.Split(s.View(), "\n")
		if len(lines) != 24 {
			t.Errorf("%s: %d lines", s.Title(), len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > 80 {
				t.Errorf("%s: line %d is %d cells", s.Title(), i+1, w)
			}
		}
	}
}

func TestCustodyScreenWithoutDocuments(t *testing.T) {
	f := dutyCaseFile()
	f.Documents = nil
	src := &dutySource{f: f}
	d, _ := dutyDeps(t, src)
	s := open(t, NewCustodyScreen(d, "RBA-2026-000101"))
	if msgs := hit(t, s, "ctrl+s"); !hasMsg[ErrMsg](msgs) || len(src.puts) != 0 {
		t.Fatalf("save without documents: %v", msgs)
	}
	if !strings.Contains(view(s), "this case has no documents") {
		t.Fatalf("view:\n%s", view(s))
	}
}

// On a case without a booking, c and e say why they do nothing, and ?
// lists neither (nor scrolling, when everything fits).
func TestCaseKeysThatDoNothingSayWhy(t *testing.T) {
	src := &dutySource{f: dutyCaseFile()}
	src.f.Bookings = nil
	src.f.Case.Status = booking.StatusTravelReady
	d, _ := dutyDeps(t, src)
	acts := append(DutyActions(d), ChecklistActions(ChecklistDeps{Source: src, Checklists: src, User: "amina", Keys: d.Keys, Styles: d.Styles})...)
	m, err := New(Options{Source: src, User: "amina", Keys: d.Keys, Styles: d.Styles, Now: testNow, CaseActions: acts})
	if err != nil {
		t.Fatal(err)
	}
	send(t, m, teaSize(80, 24))
	send(t, m, OpenCaseMsg{Number: "RBA-2026-000101"})
	for k, want := range map[string]string{
		"c": "✗ checklists need a booking; RBA-2026-000101 (travel-ready) has none: b books it",
		"e": "✗ escorts need a booking; RBA-2026-000101 (travel-ready) has none: b books it",
	} {
		m.msg = ""
		keys(t, m, k)
		if m.top().Title() != "RBA-2026-000101" || !strings.Contains(screen(m), want) {
			t.Errorf("%s: top %q, footer:\n%s", k, m.top().Title(), screen(m))
		}
	}
	m.msg = ""
	keys(t, m, "?")
	got := screen(m)
	for _, absent := range []string{"c checklists", "e escorts", "j/↓ down", "G bottom"} {
		if strings.Contains(got, absent) {
			t.Errorf("help lists %q, which does nothing here:\n%s", absent, got)
		}
	}
	golden(t, "case_help_travel_ready", m)
}

// The return prompt keeps its format in sight while typing, takes pasted
// text, and one enter assigns the selected escort with it.
func TestEscortReturnPromptOneEnter(t *testing.T) {
	src := &dutySource{f: dutyCaseFile()}
	d, desk := dutyDeps(t, src)
	s := open(t, NewEscortScreen(d, "RBA-2026-000101"))
	hit(t, s, "e", "text:AT,201,")
	run(t, s, s.Update(tea.PasteMsg{Content: "JFK,CMN,2026-12-05T18:00,2026-12-06T08:00\n"}))
	got := view(s)
	if !strings.Contains(got, "return: AT,201,JFK,CMN,2026-12-05T18:00,2026-12-06T08:00█") || !strings.Contains(got, "CARRIER,FLIGHT,FROM,TO,DEPART,ARRIVE") {
		t.Fatalf("prompt while typing:\n%s", got)
	}
	goldenText(t, "escort_return_typing", got)
	msgs := hit(t, s, "enter")
	if !hasMsg[SavedMsg](msgs) || len(src.puts) != 1 || len(desk.rets) != 1 || len(desk.rets[0]) != 1 {
		t.Fatalf("one enter: msgs %v puts %v rets %v", msgs, src.puts, desk.rets)
	}
}

// A validity that ends before the departure was accepted without a word;
// the gate refused the permit days later.
func TestPermitFormWarnsWhenValidityMissesTheDeparture(t *testing.T) {
	src := &dutySource{f: dutyCaseFile()}
	d, _ := dutyDeps(t, src)
	s := open(t, NewPermitScreen(d, "RBA-2026-000101"))
	// whole case, new id, country, authority, status, submitted, decided, from, until
	hit(t, s, "tab", "tab", "text:ma", "tab", "text:DGSN", "tab", "tab", "tab", "tab", "tab", "text:2026-12-01")
	if v := view(s); !strings.Contains(v, "valid until 2026-12-01 ends before the departure on 2026-12-03") {
		t.Fatalf("no warning for a validity ending before the departure:\n%s", v)
	}
	for range 10 {
		hit(t, s, "backspace")
	}
	hit(t, s, "text:2026-12-31")
	if v := view(s); strings.Contains(v, "before the departure") {
		t.Fatalf("warning stays for a validity covering the departure:\n%s", v)
	}
}

// A refusal stayed on screen after the user picked another document, as if
// that one had been refused too.
func TestCustodyRefusalClearsWhenTheInputChanges(t *testing.T) {
	f := dutyCaseFile()
	src := &dutySource{f: f}
	d, _ := dutyDeps(t, src)
	s := open(t, NewCustodyScreen(d, "RBA-2026-000101"))
	hit(t, s, "tab", "space", "space", "tab", "text:the traveller")
	hit(t, s, "ctrl+s")
	if !strings.Contains(view(s), "verification is not recorded") {
		t.Fatalf("refusal not shown:\n%s", view(s))
	}
	hit(t, s, "shift+tab", "shift+tab", "space") // another document
	if v := view(s); strings.Contains(v, "verification is not recorded") {
		t.Fatalf("the refusal of the other document is still shown:\n%s", v)
	}
}
