package tui

import (
	"strings"
	"testing"

	"movedesk/booking"
)

// The case view's "… N more" and the gate's refusal open a view listing
// every open item, scrollable at 80x24.
func TestOpenItemsView(t *testing.T) {
	src := fixture(20)
	m := newTestModel(t, src, fakeQuoter{})
	send(t, m, OpenCaseMsg{Number: "RBA-2026-000105"}) // abn-sent
	f, _ := src.CaseFile("RBA-2026-000105")
	n := len(f.GateWith(booking.GateInput{}))
	if n < 20 {
		t.Fatalf("only %d open items: the list fits", n)
	}
	if cv := strings.Join(m.top().(*caseScreen).lines, "\n"); !strings.Contains(cv, "… 20 more (o lists them all)") {
		t.Fatalf("no hint to the list:\n%s", cv)
	}
	keys(t, m, "o")
	if got := m.top().Title(); got != "open items" {
		t.Fatalf("o opened %q", got)
	}
	golden(t, "open_items", m)
	keys(t, m, "G")
	last := f.GateWith(booking.GateInput{})[n-1].Message
	if !strings.Contains(screen(m), last[:min(len(last), 60)]) {
		t.Fatalf("G does not show the last item %q:\n%s", last, screen(m))
	}
	golden(t, "open_items_bottom", m)
	keys(t, m, "esc")

	// Moving to ready-to-depart is refused; the refusal opens the list.
	keys(t, m, "m")
	for i, s := range booking.Allowed(f.Case.Status, f.Case.HeldFrom) {
		if s == booking.StatusReadyToDepart {
			for range i {
				keys(t, m, "j")
			}
		}
	}
	keys(t, m, "enter")
	if got := m.top().Title(); got != "open items" {
		t.Fatalf("refusal left %q on top:\n%s", got, screen(m))
	}
	if !m.msgErr || !strings.Contains(m.msg, "open item(s), listed here") {
		t.Fatalf("footer %q", m.msg)
	}
	golden(t, "open_items_refused", m)
}

// o where nothing is listed says why.
func TestOpenItemsKeySaysWhy(t *testing.T) {
	m := newTestModel(t, fixture(20), fakeQuoter{})
	send(t, m, OpenCaseMsg{Number: "RBA-2026-000102"}) // travel-ready
	keys(t, m, "o")
	if m.top().Title() != "RBA-2026-000102" || !strings.Contains(m.msg, "open items are listed once the ABN is sent; RBA-2026-000102 is travel-ready") {
		t.Fatalf("o: top %q, footer %q", m.top().Title(), m.msg)
	}
}
