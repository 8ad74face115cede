package tui

import (
	"errors"
	"github.com/charmbracelet/x/ansi"
	"strings"
	"testing"

	"movedesk/booking"
)

// fakeQuoter prices ADT 1,000, CHD 750, INF 100 USD per trip; "ZZZ" as a
// destination has no fare (blocking); a travel document expiring within 30
// days of the first flight is a warning.
type fakeQuoter struct{}

func (fakeQuoter) Quote(req QuoteRequest) Quote {
	q := Quote{Version: "test-1"}
	if len(req.Segments) == 0 {
		q.Findings = append(q.Findings, Finding{Code: "no-segments", Blocking: true, Message: "add a segment"})
		return q
	}
	dep := req.Segments[0].Depart.Date()
	price := map[booking.PaxType]int64{booking.ADT: 100000, booking.CHD: 75000, booking.INF: 10000}
	q.Priced = true
	for _, t := range req.Travellers {
		p := booking.PassengerType(t.BirthDate, dep)
		q.Lines = append(q.Lines, FareLine{Traveller: t.Member, Name: t.FullName(), PaxType: p, USD: price[p], Priced: true})
		q.TotalUSD += price[p]
		for _, d := range req.Documents[t.Member] {
			if d.Type.IsTravelDocument() && d.ExpiresBefore(dep.AddDays(30)) {
				q.Findings = append(q.Findings, Finding{Code: "document-expiry", Traveller: t.Member, Message: "travel document expires " + d.ExpiryDate.String()})
			}
		}
	}
	for i := 0; i < req.EscortSeats; i++ {
		q.Lines = append(q.Lines, FareLine{Escort: i + 1, Name: "escort", PaxType: booking.ADT, USD: 100000, Priced: true})
		q.TotalUSD += 100000
	}
	for i, s := range req.Segments {
		if s.To == "LNG" {
			q.Findings = append(q.Findings, Finding{Code: "mct", Blocking: true, Segment: i + 1,
				Message: "connection at CDG from AT 200 to AF 1234 is 30m; the international minimum at CDG is 1h30m (assisted +30m)"})
		}
		if s.To == "ZZZ" {
			q.Priced = false
			q.Findings = append(q.Findings, Finding{Code: "no-fare", Blocking: true, Segment: i + 1, Message: "no fare to ZZZ"})
		}
	}
	return q
}

func TestCaseViewGolden(t *testing.T) {
	src := fixture(20)
	m := newTestModel(t, src, fakeQuoter{})
	keys(t, m, ":")
	typeText(t, m, "open RBA-2026-000105")
	keys(t, m, "enter")
	if got := m.top().Title(); got != "RBA-2026-000105" {
		t.Fatalf("top screen %q", got)
	}
	golden(t, "case_abn_sent", m)
	keys(t, m, "G")
	golden(t, "case_abn_sent_bottom", m)
	keys(t, m, "esc")
	if len(m.stack) != 1 {
		t.Fatal("esc should return to the queue")
	}
}

func TestCaseMoveStatus(t *testing.T) {
	src := fixture(20)
	m := newTestModel(t, src, fakeQuoter{})
	send(t, m, OpenCaseMsg{Number: "RBA-2026-000102"}) // travel-ready
	keys(t, m, "m")
	if !strings.Contains(screen(m), "▸ booked") {
		t.Fatalf("picker not shown:\n%s", screen(m))
	}
	keys(t, m, "j", "enter") // on-hold needs a reason
	if !strings.Contains(screen(m), "Reason for on-hold") {
		t.Fatalf("no reason prompt:\n%s", screen(m))
	}
	keys(t, m, "enter")
	if !m.msgErr {
		t.Fatal("empty reason accepted")
	}
	typeText(t, m, "medical re-check")
	keys(t, m, "enter")
	f, _ := src.CaseFile("RBA-2026-000102")
	if f.Case.Status != booking.StatusOnHold || f.Case.StatusReason != "medical re-check" {
		t.Fatalf("status %s (%q)", f.Case.Status, f.Case.StatusReason)
	}
	if !strings.Contains(screen(m), "ON-HOLD") || !strings.Contains(screen(m), "status → on-hold (medical re-check)") {
		t.Fatalf("case view not refreshed:\n%s", screen(m))
	}
	// The queue row moved to the Hold tab.
	keys(t, m, "q", ":")
	typeText(t, m, "queue hold")
	keys(t, m, "enter")
	found := false
	for _, i := range m.queue.shown {
		found = found || m.queue.rows[i].Number == "RBA-2026-000102"
	}
	if !found {
		t.Fatal("the held case is not in the Hold queue")
	}
}

func TestBookingFormFlow(t *testing.T) {
	src := fixture(20)
	m := newTestModel(t, src, fakeQuoter{})
	send(t, m, OpenCaseMsg{Number: "RBA-2026-000102"})
	keys(t, m, "b")
	if m.top().Title() != "Booking" {
		t.Fatalf("top is %s", m.top().Title())
	}
	// carrier, flight, from (prefilled CMN), to, depart, arrive
	typeText(t, m, "at")
	keys(t, m, "tab")
	typeText(t, m, "200")
	keys(t, m, "tab", "tab")
	typeText(t, m, "zzz")
	keys(t, m, "tab")
	typeText(t, m, "2026-12-10 10:05")
	keys(t, m, "tab")
	typeText(t, m, "2026-12-10 18:40")
	golden(t, "form_blocking", m)
	keys(t, m, "ctrl+s")
	if !m.msgErr || !strings.Contains(m.msg, "blocking") {
		t.Fatalf("blocking finding did not prevent saving: %q", m.msg)
	}
	// Fix the destination: shift+tab back to "to".
	keys(t, m, "shift+tab", "shift+tab")
	keys(t, m, "backspace", "backspace", "backspace")
	typeText(t, m, "yyz")
	keys(t, m, "ctrl+s")
	golden(t, "form_confirm", m)
	// A failed save keeps what was typed.
	src.failPut = errors.New("disk full")
	keys(t, m, "y")
	if m.top().Title() != "Booking" || !strings.Contains(m.msg, "disk full") {
		t.Fatalf("failed save: top %s msg %q", m.top().Title(), m.msg)
	}
	if !strings.Contains(screen(m), "YYZ") || !m.dirty() {
		t.Fatalf("input lost after a failed save:\n%s", screen(m))
	}
	src.failPut = nil
	keys(t, m, "ctrl+s", "y")
	if m.top().Title() != "RBA-2026-000102" {
		t.Fatalf("after save the case view should show, top is %s (msg %q)", m.top().Title(), m.msg)
	}
	f, _ := src.CaseFile("RBA-2026-000102")
	b := f.ActiveBooking()
	if b == nil || f.Case.Status != booking.StatusBooked {
		t.Fatalf("no booking saved: %+v", f)
	}
	if strings.Join(b.Confirmed, ",") != "document-expiry" || b.TotalUSDCents != 210000 || b.TariffVersion != "test-1" || b.BookedBy != "amina.idrissi" {
		t.Fatalf("booking: %+v", b)
	}
	if b.Segments[0].To != "YYZ" || b.Segments[0].Depart.String() != "2026-12-10T10:05" {
		t.Fatalf("segment: %+v", b.Segments[0])
	}
}

func TestFormCtrlCAsksOnlyWithInput(t *testing.T) {
	m := newTestModel(t, fixture(20), fakeQuoter{})
	send(t, m, BookMsg{Number: "RBA-2026-000102"})
	if m.dirty() {
		t.Fatal("an untouched form is not dirty")
	}
	typeText(t, m, "a")
	if keys(t, m, "ctrl+c") {
		t.Fatal("ctrl+c quit without asking while the form has input")
	}
	if !strings.Contains(screen(m), "Quit anyway?") {
		t.Fatalf("no question:\n%s", screen(m))
	}
	if keys(t, m, "n") {
		t.Fatal("n quit")
	}
	if !keys(t, m, "ctrl+c", "y") {
		t.Fatal("y did not quit")
	}
}

func TestABNScreenFlow(t *testing.T) {
	src := fixture(20)
	m := newTestModel(t, src, fakeQuoter{})
	send(t, m, ABNMsg{Number: "RBA-2026-000104"}) // booked, no ABN
	golden(t, "abn_draft", m)
	keys(t, m, "i")
	f, _ := src.CaseFile("RBA-2026-000104")
	if len(f.ABNs) != 1 || f.ABNs[0].Type != booking.ABNIssue || f.ABNs[0].TotalUSDCents != 210000 || len(f.ABNs[0].Fares) != 3 {
		t.Fatalf("ABNs after issue: %+v", f.ABNs)
	}
	keys(t, m, "S")
	if !strings.Contains(screen(m), "Mark ABN version 1 of RBA-2026-000104 sent? It cannot be undone.") {
		t.Fatalf("S does not ask first:\n%s", screen(m))
	}
	keys(t, m, "y")
	f, _ = src.CaseFile("RBA-2026-000104")
	if !f.ABNs[0].Sent || f.Case.Status != booking.StatusABNSent {
		t.Fatalf("after mark sent: sent=%v status %s", f.ABNs[0].Sent, f.Case.Status)
	}
	golden(t, "abn_sent", m)
	// Cancellation with a reason.
	keys(t, m, "x")
	typeText(t, m, "exit permit denied")
	keys(t, m, "enter")
	if f, _ = src.CaseFile("RBA-2026-000104"); f.LatestABN().Type == booking.ABNCancellation {
		t.Fatal("the cancellation notice was issued without asking")
	}
	keys(t, m, "y")
	f, _ = src.CaseFile("RBA-2026-000104")
	last := f.LatestABN()
	if last.Type != booking.ABNCancellation || last.Version != 2 || last.Reason != "exit permit denied" || f.Case.Status != booking.StatusTravelReady {
		t.Fatalf("after cancellation: %+v status %s", last, f.Case.Status)
	}
	keys(t, m, "[")
	if !strings.Contains(screen(m), "version 1 of 2") {
		t.Fatalf("[ should show version 1:\n%s", screen(m))
	}
}

// An update's changes read "field: old ⇒ new" and wrap at 80 columns, so
// the new value is on screen.
func TestABNUpdateChangesWrap(t *testing.T) {
	src := fixture(20)
	m := newTestModel(t, src, fakeQuoter{})
	no := "RBA-2026-000104"
	send(t, m, ABNMsg{Number: no})
	keys(t, m, "i", "S", "y", "esc")
	f, _ := src.CaseFile(no)
	b := *f.ActiveBooking()
	b.Segments = append([]booking.Segment(nil), b.Segments...)
	b.Segments[1].Depart = booking.MustLocalTime("2026-12-10T19:00")
	b.Segments[1].Arrive = booking.MustLocalTime("2026-12-10T20:45")
	if _, err := src.Book("amina.idrissi", no, b, true); err != nil {
		t.Fatal(err)
	}
	send(t, m, ABNMsg{Number: no})
	keys(t, m, "i")
	f, _ = src.CaseFile(no)
	if l := f.LatestABN(); l.Version != 2 || len(l.Changes) == 0 {
		t.Fatalf("no update issued: %+v", l)
	}
	keys(t, m, "G")
	got := screen(m)
	if !strings.Contains(got, "segment 2: AC 701 JFK 2026-12-10T17:00 -> SEA 2026-12-10T18:40 ⇒") ||
		!strings.Contains(got, "AC 701 JFK 2026-12-10T19:00 -> SEA 2026-12-10T20:45") {
		t.Fatalf("the change is cut:\n%s", got)
	}
	golden(t, "abn_update_changes", m)
}

// A finding keeps the number that explains it: long ones wrap instead of
// being cut at 80 columns; a bad date says what is wrong with it.
func TestBookingFormWrapsFindingsAndExplainsBadDates(t *testing.T) {
	m := newTestModel(t, fixture(20), fakeQuoter{})
	send(t, m, OpenCaseMsg{Number: "RBA-2026-000102"})
	keys(t, m, "b")
	typeText(t, m, "at")
	keys(t, m, "tab")
	typeText(t, m, "200")
	keys(t, m, "tab", "tab")
	typeText(t, m, "lng")
	keys(t, m, "tab")
	typeText(t, m, "2026-12-10 10:05")
	keys(t, m, "tab")
	typeText(t, m, "2026-12-10 18:40")
	fr := screen(m)
	flat := strings.Join(strings.Fields(fr), " ")
	if !strings.Contains(flat, "the international minimum at CDG is 1h30m (assisted +30m)") {
		t.Fatalf("the finding was cut:\n%s", fr)
	}
	for i, l := range strings.Split(fr, "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Fatalf("line %d is %d cells: %q", i, ansi.StringWidth(l), l)
		}
	}
	keys(t, m, "shift+tab")
	for range 16 {
		keys(t, m, "backspace")
	}
	typeText(t, m, "2026-13-40 10:05")
	fr = screen(m)
	if !strings.Contains(fr, "month 13 does not exist") {
		t.Fatalf("bad date not explained:\n%s", fr)
	}
}

// esc on a typed reason asks before dropping it; n keeps the text, y closes.
func TestReasonEscAsks(t *testing.T) {
	src := fixture(20)
	m := newTestModel(t, src, fakeQuoter{})
	send(t, m, OpenCaseMsg{Number: "RBA-2026-000102"})
	keys(t, m, "m", "j", "enter")
	typeText(t, m, "waiting for clearance")
	keys(t, m, "esc")
	if !strings.Contains(screen(m), "Discard the reason you typed?") {
		t.Fatalf("esc dropped the reason without asking:\n%s", screen(m))
	}
	keys(t, m, "n")
	if !strings.Contains(screen(m), "Reason for on-hold: waiting for clearance") {
		t.Fatalf("n lost the reason:\n%s", screen(m))
	}
	keys(t, m, "esc", "y")
	if strings.Contains(screen(m), "Reason for on-hold") {
		t.Fatalf("y kept the prompt:\n%s", screen(m))
	}
	// An empty prompt closes at once.
	keys(t, m, "m", "j", "enter", "esc")
	if strings.Contains(screen(m), "Reason for on-hold") || strings.Contains(screen(m), "Discard") {
		t.Fatalf("empty prompt did not close:\n%s", screen(m))
	}
}
