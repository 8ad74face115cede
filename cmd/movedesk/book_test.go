package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
	"movedesk/config"
	"movedesk/store"
	"movedesk/tariffs"
	"movedesk/tui"
)

// bookable is a store with one travel-ready case and a segment the
// embedded tables price. Traveller 1 books clean; traveller 2 has no
// medical clearance on file (a warning).
type bookable struct {
	dir, no string
	seg     string // --segment text
	day     booking.Date
}

func newBookable(t *testing.T) bookable {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	carrier, from, to, day := pricedNonstop(t)
	const no = "RBA-2026-000777"
	c := &booking.Case{Number: no, Programme: "USRAP", Office: "RBA", OriginCity: "Origin", OriginAirport: from,
		DestCity: "Destination", DestAirport: to, Sponsor: "IRC", Priority: 2, Received: booking.MustDate("2026-01-10"),
		TravelReady: booking.MustDate("2026-02-01"), Status: booking.StatusTravelReady, Assignee: "tester"}
	tr := &booking.Traveller{Case: no, Member: 1, Principal: true, FamilyName: "Haddad", GivenNames: "Omar",
		BirthDate: booking.MustDate("1980-05-05"), Sex: "M", Nationality: "SYR", Relationship: "PA",
		MedicalDate: booking.DateOf(time.Now()), MedicalValidUntil: day.AddDays(90)}
	doc := &booking.Document{Case: no, Member: 1, ID: "p1", Type: booking.DocPassport, Number: "N1", IssuingCountry: "SYR",
		ExpiryDate: day.AddDays(2000)}
	tr2 := &booking.Traveller{Case: no, Member: 2, FamilyName: "Haddad", GivenNames: "Layla",
		BirthDate: booking.MustDate("1984-02-02"), Sex: "F", Nationality: "SYR", Relationship: "spouse"}
	doc2 := &booking.Document{Case: no, Member: 2, ID: "p1", Type: booking.DocPassport, Number: "N2", IssuingCountry: "SYR",
		ExpiryDate: day.AddDays(2000)}
	if err := s.PutRecords("setup", c, tr, doc, tr2, doc2); err != nil {
		t.Fatal(err)
	}
	s.Close()
	seg := strings.Join([]string{carrier, "123", from, to, day.String() + "T10:00", day.String() + "T16:00"}, ",")
	return bookable{dir: dir, no: no, seg: seg, day: day}
}

func (b bookable) caseFile(t *testing.T) *booking.CaseFile {
	t.Helper()
	s, err := store.Open(b.dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := s.CaseFile(b.no)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestBookCLI(t *testing.T) {
	b := newBookable(t)
	// A blocking finding: the quote and the findings are printed, nothing
	// is saved, exit 1.
	bad := strings.Replace(b.seg, strings.Split(b.seg, ",")[0]+",", "ZZ,", 1)
	code, out, e := cli(t, "book", b.no, "--segment", bad, "--travellers", "1", "--data", b.dir)
	if code != 1 || !strings.Contains(out, "Findings:") || !strings.Contains(out, "blocking") || !strings.Contains(e, "not booked") {
		t.Fatalf("blocking booking: exit %d\n%s\n%s", code, out, e)
	}
	if f := b.caseFile(t); len(f.Bookings) != 0 || f.Case.Status != booking.StatusTravelReady {
		t.Fatalf("a refused booking was saved: %+v", f.Bookings)
	}
	// A warning (traveller 2 has no medical clearance on file; the whole
	// case travels by default): refused without --confirm-warnings.
	code, out, e = cli(t, "book", b.no, "--segment", b.seg, "--json", "--data", b.dir)
	var r bookReport
	if code != 1 || json.Unmarshal([]byte(out), &r) != nil || r.Saved || !strings.Contains(e, "need a confirmation") {
		t.Fatalf("warning without confirmation: exit %d\n%s\n%s", code, out, e)
	}
	if len(r.Quote.Findings) == 0 || r.Quote.Version == "" {
		t.Fatalf("quote not reported: %+v", r.Quote)
	}
	if f := b.caseFile(t); len(f.Bookings) != 0 {
		t.Fatal("an unconfirmed booking was saved")
	}
	// Confirmed: saved, with the warnings recorded.
	code, out, e = cli(t, "book", b.no, "--segment", b.seg, "--confirm-warnings", "--data", b.dir)
	if code != 0 || !strings.Contains(out, "tariff version") || !strings.Contains(out, "total") || !strings.Contains(out, "warnings confirmed: medical-clearance-missing") {
		t.Fatalf("confirmed booking: exit %d\n%s\n%s", code, out, e)
	}
	f := b.caseFile(t)
	bk := f.ActiveBooking()
	if bk == nil || f.Case.Status != booking.StatusBooked || bk.BookedBy != "tester" || bk.TotalUSDCents <= 0 ||
		len(bk.Confirmed) != 1 || bk.Confirmed[0] != "medical-clearance-missing" || bk.TariffVersion == "" || len(bk.Travellers) != 2 {
		t.Fatalf("booking %+v, status %s", bk, f.Case.Status)
	}
	// One member only: the member left off is a warning whose reason is
	// required and recorded.
	code, _, e = cli(t, "book", b.no, "--segment", b.seg, "--travellers", "1", "--confirm-warnings", "--data", b.dir)
	if code == 0 || !strings.Contains(e, "member left off") || !strings.Contains(e, "reason") {
		t.Fatalf("member left off without a reason: exit %d %s", code, e)
	}
	code, out, e = cli(t, "book", b.no, "--segment", b.seg, "--travellers", "1", "--confirm-warnings", "--reason", "spouse travels later", "--json", "--data", b.dir)
	r = bookReport{}
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || !r.Saved || r.Booking == nil || r.Booking.TotalUSDCents != r.Quote.TotalUSD ||
		r.Booking.Reason != "spouse travels later" || !slices.Contains(r.Booking.Confirmed, "member-left-off") {
		t.Fatalf("booking one member: exit %d\n%s\n%s", code, out, e)
	}
	// Usage errors.
	if code, _, e := cli(t, "book", b.no, "--data", b.dir); code != exitUsage || !strings.Contains(e, "--segment") {
		t.Fatalf("no segment: exit %d %s", code, e)
	}
	if code, _, e := cli(t, "book", b.no, "--segment", "AT,1", "--data", b.dir); code != exitUsage || !strings.Contains(e, "want CARRIER") {
		t.Fatalf("bad segment: exit %d %s", code, e)
	}
}

func TestABNCLI(t *testing.T) {
	b := newBookable(t)
	// Nothing to issue before booking: the error names the case and status.
	if code, _, e := cli(t, "abn", "issue", b.no, "--data", b.dir); code != 1 || !strings.Contains(e, "case "+b.no+" is travel-ready") {
		t.Fatalf("issue before booking: exit %d %s", code, e)
	}
	if code, _, e := cli(t, "book", b.no, "--segment", b.seg, "--travellers", "1", "--confirm-warnings", "--reason", "spouse travels later", "--data", b.dir); code != 0 {
		t.Fatalf("book: %s", e)
	}
	if code, _, e := cli(t, "abn", "send", b.no, "--data", b.dir); code != 1 || !strings.Contains(e, "case "+b.no+" is booked") {
		t.Fatalf("send before issue: exit %d %s", code, e)
	}
	if code, out, e := cli(t, "abn", "issue", b.no, "--data", b.dir); code != 0 || !strings.Contains(out, "ABN-"+b.no) || !strings.Contains(out, "issued") {
		t.Fatalf("issue: exit %d %s %s", code, out, e)
	}
	if code, out, e := cli(t, "abn", "send", "ABN-"+b.no, "--data", b.dir); code != 0 || !strings.Contains(out, "marked sent") {
		t.Fatalf("send by ABN number: exit %d %s %s", code, out, e)
	}
	if f := b.caseFile(t); f.Case.Status != booking.StatusABNSent || !f.LatestABN().Sent || f.LatestABN().SentBy != "tester" {
		t.Fatalf("after send: %s %+v", f.Case.Status, f.LatestABN())
	}
	// Departure needs ready-to-depart.
	if code, _, e := cli(t, "abn", "depart", b.no, "--yes", "--data", b.dir); code != 1 || !strings.Contains(e, "case "+b.no+" is abn-sent") {
		t.Fatalf("depart from abn-sent: exit %d %s", code, e)
	}
	// Cancel needs a reason.
	if code, _, e := cli(t, "abn", "cancel", b.no, "--data", b.dir); code != exitUsage || !strings.Contains(e, "--reason") {
		t.Fatalf("cancel without reason: exit %d %s", code, e)
	}
	if code, out, e := cli(t, "abn", "cancel", b.no, "--reason", "flight cancelled by the carrier", "--data", b.dir); code != 0 || !strings.Contains(out, "cancellation") {
		t.Fatalf("cancel: exit %d %s %s", code, out, e)
	}
	if f := b.caseFile(t); f.Case.Status != booking.StatusTravelReady || f.ActiveBooking() != nil {
		t.Fatalf("after cancel: %s", f.Case.Status)
	}
	if code, _, e := cli(t, "abn", "cancel", b.no, "--reason", "again", "--data", b.dir); code != 1 || !strings.Contains(e, "case "+b.no+" is travel-ready") {
		t.Fatalf("second cancel: exit %d %s", code, e)
	}
}

// readyCase returns a ready-to-depart case of a demo store with its first
// flight's date.
func readyCase(t *testing.T, dir string) (string, booking.Date) {
	t.Helper()
	no := firstCase(t, dir, booking.StatusReadyToDepart)
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := s.CaseFile(no)
	if err != nil {
		t.Fatal(err)
	}
	return no, f.ActiveBooking().Segments[0].Depart.Date()
}

// cliAt is cli with the desk's clock at day (noon).
func cliAt(t *testing.T, day booking.Date, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("MOVEDESK_USER", "tester")
	var out, errb bytes.Buffer
	now := day.Time().Add(12 * time.Hour)
	code := runApp(&app{in: strings.NewReader(""), out: &out, err: &errb, now: func() time.Time { return now }}, args)
	return code, out.String(), errb.String()
}

func TestABNDepartCLI(t *testing.T) {
	dir := demoStore(t, "60")
	no, dep := readyCase(t, dir)
	// Too early: refused with the flight date, whatever --yes says.
	code, _, e := cliAt(t, dep.AddDays(-2), "abn", "depart", no, "--yes", "--data", dir)
	if code != 1 || !strings.Contains(e, "departs "+dep.String()) || !strings.Contains(e, "case "+no+" is ready-to-depart") {
		t.Fatalf("early departure: exit %d %s", code, e)
	}
	// Not a terminal and no --yes: not asked, refused.
	code, _, e = cliAt(t, dep, "abn", "depart", no, "--data", dir)
	if code != 1 || !strings.Contains(e, "give --yes") {
		t.Fatalf("departure without --yes: exit %d %s", code, e)
	}
	// The day before (tolerance 1): issued, the case departed.
	code, out, e := cliAt(t, dep.AddDays(-1), "abn", "depart", no, "--yes", "--data", dir)
	if code != 0 || !strings.Contains(out, "departure") {
		t.Fatalf("departure: exit %d %s %s", code, out, e)
	}
	if code, out, _ := cli(t, "case", "show", no, "--data", dir); code != 0 || !strings.Contains(out, "departed") {
		t.Fatalf("case after departure:\n%s", out)
	}
}

// TestDepartKeyAsksAndRefusesEarly drives the app: D on the ABN screen of a
// ready-to-depart case is refused before the first flight's date (less the
// tolerance), and otherwise asks, naming the flight date.
func TestDepartKeyAsksAndRefusesEarly(t *testing.T) {
	dir := demoStore(t, "60")
	no, dep := readyCase(t, dir)
	open := func(day booking.Date) (*store.Store, tea.Model) {
		t.Helper()
		s, err := store.Open(dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		now := day.Time().Add(12 * time.Hour)
		cfg := &config.Config{User: "amina.idrissi", Office: "RBA", Theme: "dark", NoColor: true, Rules: tariffs.DefaultRules()}
		opts, err := tuiOptions(&app{cfg: cfg, now: func() time.Time { return now }}, s)
		if err != nil {
			t.Fatal(err)
		}
		opts.Changes = nil
		m, err := tui.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		press(t, m, tea.Key{Code: ':', Text: ":"})
		typeKeys(t, m, "abn "+no)
		press(t, m, kEnter)
		return s, m
	}
	kD := tea.Key{Code: 'D', Text: "D"}
	s, m := open(dep.AddDays(-3))
	press(t, m, kD)
	if fr := frame(m); !strings.Contains(fr, "departs "+dep.String()) || strings.Contains(fr, "(y/n)") {
		t.Fatalf("early D not refused:\n%s", fr)
	}
	if f, _ := s.CaseFile(no); f.Case.Status != booking.StatusReadyToDepart {
		t.Fatalf("status %s", f.Case.Status)
	}
	s.Close()

	s, m = open(dep)
	defer s.Close()
	press(t, m, kD)
	fr := frame(m)
	if !strings.Contains(fr, "first flight "+dep.String()+"? (y/n)") {
		t.Fatalf("D does not ask naming the flight date:\n%s", fr)
	}
	if n := len(strings.Split(fr, "\n")); n > 24 {
		t.Fatalf("frame has %d lines", n)
	}
	press(t, m, tea.Key{Code: 'n', Text: "n"})
	if f, _ := s.CaseFile(no); f.Case.Status != booking.StatusReadyToDepart || strings.Contains(frame(m), "(y/n)") {
		t.Fatalf("n did not cancel: %s\n%s", f.Case.Status, frame(m))
	}
	press(t, m, kD, tea.Key{Code: 'y', Text: "y"})
	f, _ := s.CaseFile(no)
	if f.Case.Status != booking.StatusDeparted || f.LatestABN().Type != booking.ABNDeparture || f.LatestABN().IssuedBy != "amina.idrissi" {
		t.Fatalf("after y: %s %+v\n%s", f.Case.Status, f.LatestABN(), frame(m))
	}
}

// TestBookAndABNFromCLIShowInApp books and notifies from the command line,
// then opens the app on the same store: the case and its sent ABN are there.
func TestBookAndABNFromCLIShowInApp(t *testing.T) {
	b := newBookable(t)
	for _, args := range [][]string{
		{"book", b.no, "--segment", b.seg, "--confirm-warnings"},
		{"abn", "issue", b.no},
		{"abn", "send", b.no},
	} {
		if code, out, e := cli(t, append(args, "--data", b.dir)...); code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, e)
		}
	}
	s, err := store.Open(b.dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg := &config.Config{User: "amina.idrissi", Office: "RBA", Theme: "dark", NoColor: true, Rules: tariffs.DefaultRules()}
	opts, err := tuiOptions(&app{cfg: cfg}, s)
	if err != nil {
		t.Fatal(err)
	}
	opts.Changes = nil
	m, err := tui.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, tea.Key{Code: ':', Text: ":"})
	typeKeys(t, m, "open "+b.no)
	press(t, m, kEnter)
	if fr := frame(m); !strings.Contains(fr, "ABN-SENT") {
		t.Fatalf("case view:\n%s", fr)
	}
	press(t, m, tea.Key{Code: 'a', Text: "a"})
	fr := frame(m)
	if !strings.Contains(fr, "ABN-"+b.no) || !strings.Contains(fr, "version 1 of 1 · sent") || !strings.Contains(fr, "by tester") {
		t.Fatalf("ABN screen:\n%s", fr)
	}
}
