package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"movedesk/booking"
)

// TestFamilyOfFiveFromNothing is an associate's whole task in the app,
// without the CLI: a family of five (a pregnant mother, an infant, a
// grandfather in a wheelchair) is entered from nothing, moved to
// travel-ready, booked, its ABN issued and sent, its duties done, and the
// case moved to ready-to-depart.
func TestFamilyOfFiveFromNothing(t *testing.T) {
	dir := bareDemoStore(t, "1")
	now := func() time.Time { return time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC) }
	s, m := openApp(t, dir, now)
	defer s.Close()
	key := func(r rune) tea.Key { return tea.Key{Code: r, Text: string(r)} }
	var (
		kSpace = tea.Key{Code: tea.KeySpace, Text: " "}
		kSave  = tea.Key{Code: 's', Mod: tea.ModCtrl}
		kEsc   = tea.Key{Code: tea.KeyEscape}
	)
	tabs := func(n int) {
		for range n {
			press(t, m, kTab)
		}
	}
	want := func(what string, subs ...string) {
		t.Helper()
		f := frame(m)
		for _, x := range subs {
			if !strings.Contains(f, x) {
				t.Fatalf("%s: no %q in\n%s", what, x, f)
			}
		}
	}
	typ := func(s string) { typeKeys(t, m, s) }

	// The case and its principal applicant.
	press(t, m, key('n'))
	want("new case form", "New case")
	tabs(3)
	typ("Casablanca")
	tabs(1)
	typ("CMN")
	tabs(1)
	typ("New York")
	tabs(1)
	typ("JFK")
	tabs(1)
	typ("IRC New York")
	tabs(3)
	typ("UNHCR Rabat")
	tabs(1)
	typ("MAR-26-1187")
	tabs(1)
	typ("Haidari")
	tabs(1)
	typ("Shafiq")
	tabs(1)
	typ("1986-03-14")
	tabs(1)
	press(t, m, kSpace, kSpace) // sex: — F M
	tabs(1)
	typ("AFG")
	press(t, m, kSave)
	no := ""
	for _, w := range strings.Fields(frame(m)) {
		if booking.ValidCaseNumber(w) && strings.HasPrefix(w, "RBA-") {
			no = w
		}
	}
	if no == "" {
		t.Fatalf("no case number after saving the new case:\n%s", frame(m))
	}
	// The request came from UNHCR: its receipt is a tracked item.
	want("receipt pending", "request from UNHCR Rabat (ref MAR-26-1187): receipt not yet confirmed")
	press(t, m, key(':'))
	typ("receipt")
	press(t, m, kEnter)
	want("receipt confirmed", "receipt confirmed 2026-12-04 by")

	// Four more travellers: the pregnant mother, a child, an infant and a
	// grandfather in a wheelchair.
	type member struct {
		family, given, born string
		sex                 int // presses on the sex choice: 1 F, 2 M
		rel                 int // presses on the relationship choice
		ssr, pregnancy      string
	}
	for i, mb := range []member{
		{"Haidari", "Zahra", "1990-07-02", 1, 2, "", "24"},
		{"Haidari", "Omid", "2017-05-20", 2, 3, "", ""},
		{"Haidari", "Maryam", "2026-06-01", 1, 3, "", ""},
		{"Haidari", "Ghulam", "1950-01-15", 2, 4, "WCHR", ""},
	} {
		press(t, m, key('T'))
		for range i + 1 {
			press(t, m, kSpace) // the choice after the last traveller: new
		}
		want("new traveller", "new traveller")
		tabs(1)
		typ(mb.family)
		tabs(1)
		typ(mb.given)
		tabs(1)
		typ(mb.born)
		tabs(1)
		for range mb.sex {
			press(t, m, kSpace)
		}
		tabs(1)
		typ("AFG")
		tabs(1)
		typ("prs")
		tabs(1)
		for range mb.rel {
			press(t, m, kSpace)
		}
		tabs(1)
		typ(mb.ssr)
		tabs(2)
		typ(mb.pregnancy)
		tabs(2)
		typ("2026-11-30") // medical exam
		tabs(1)
		typ("2027-05-30")
		press(t, m, kSave)
		want("traveller saved", "saved")
		press(t, m, kEsc)
	}

	// A passport and a US visa for each.
	for mb := 1; mb <= 5; mb++ {
		for d, doc := range []struct {
			typ     int // presses on the type choice: 0 passport, 4 visa
			number  string
			country string
		}{{0, "P0" + string(rune('0'+mb)) + "77123", "AFG"}, {4, "V0" + string(rune('0'+mb)) + "55123", "USA"}} {
			press(t, m, key('O'))
			for range mb - 1 {
				press(t, m, kSpace)
			}
			tabs(1)
			for range d {
				press(t, m, kSpace) // past the first document: new
			}
			tabs(2)
			for range doc.typ {
				press(t, m, kSpace)
			}
			tabs(1)
			typ(doc.number)
			tabs(1)
			typ(doc.country)
			tabs(1)
			typ("2026-09-01")
			tabs(1)
			typ("2031-08-31")
			press(t, m, kSave)
			want("document saved", "saved")
			press(t, m, kEsc)
		}
	}

	// Intake done: data entry, then travel-ready.
	for _, to := range []string{"data-entry", "travel-ready"} {
		press(t, m, key('m'))
		want("move menu", "▸ "+to)
		press(t, m, kEnter)
		want("moved", strings.ToUpper(to))
	}
	want("travel-ready date stamped", "travel-ready 2026-12-04")

	// Book AT 200 CMN-JFK for all five; warnings are confirmed.
	press(t, m, key('b'))
	typ("AT")
	tabs(1)
	typ("200")
	tabs(2)
	typ("JFK")
	tabs(1)
	typ("2027-01-20 10:00")
	tabs(1)
	typ("2027-01-20 13:30")
	want("priced", "Total USD")
	press(t, m, kSave)
	if strings.Contains(frame(m), "y/n") {
		press(t, m, key('y'))
	}
	want("booked", "BOOKED")

	// The ABN: issued, then sent.
	press(t, m, key('a'), key('i'))
	want("ABN issued", "ABN-"+no)
	press(t, m, key('S'))
	want("asks first", "cannot be undone. (y/n)")
	press(t, m, key('y'))
	want("ABN sent", "marked sent")
	press(t, m, kEsc)
	want("case", "ABN-SENT")
	press(t, m, key('o'))
	want("open items", "open item(s) before ready-to-depart")
	press(t, m, kEsc)

	// The principal applicant's medical clearance.
	press(t, m, key('T'))
	tabs(12)
	typ("2026-11-30")
	tabs(1)
	typ("2027-05-30")
	press(t, m, kSave)
	want("medical clearance saved", "saved")
	press(t, m, kEsc)

	// The counselling session.
	press(t, m, key('K'))
	typ("2026-12-03")
	tabs(2)
	typ("prs")
	tabs(1)
	typ("Farid Noori")
	press(t, m, kSave)
	want("counselling saved", "saved")
	press(t, m, kEsc)

	// Each passport received from the embassy.
	for mb := 1; mb <= 5; mb++ {
		press(t, m, key('d'))
		for range 2 * (mb - 1) {
			press(t, m, kSpace)
		}
		want("passport picked", fmt.Sprintf("%02d d1 passport", mb))
		tabs(2)
		typ("US embassy Rabat")
		press(t, m, kSave)
		want("custody saved", "saved")
		press(t, m, kEsc)
	}
	// Every checklist item, list by list: each tick is one change.
	press(t, m, key('c'))
	for _, list := range []struct {
		tab string
		n   int
	}{{"Verification 0/15", 15}, {"Counselling 0/12", 12}, {"Escorts 0/0", 0}, {"Travel bag 0/19", 19}} {
		want("list", list.tab)
		for range list.n {
			press(t, m, kSpace, key('j'))
		}
		press(t, m, kTab)
	}
	want("all ticked", "Verification 15/15", "Counselling 12/12", "Travel bag 19/19", "gate open")
	press(t, m, kEsc)

	// The gate opens: ready to depart.
	press(t, m, key('m'))
	want("move menu", "▸ ready-to-depart")
	press(t, m, kEnter)
	want("ready to depart", "READY-TO-DEPART")

	f, err := s.CaseFile(no)
	if err != nil {
		t.Fatal(err)
	}
	if f.Case.RequestFrom != "UNHCR Rabat" || f.Case.ReceiptConfirmedBy != "amina.idrissi" {
		t.Fatalf("request: %+v", f.Case)
	}
	if f.Case.Status != booking.StatusReadyToDepart || len(f.Travellers) != 5 || len(f.Documents) != 10 {
		t.Fatalf("case %s: %d travellers, %d documents", f.Case.Status, len(f.Travellers), len(f.Documents))
	}
	b := f.ActiveBooking()
	if b == nil || len(b.Travellers) != 5 || len(b.Fares) != 5 || !slices.Contains(b.Confirmed, "pregnancy-certificate") {
		t.Fatalf("booking: %+v", b)
	}
	if a := f.LatestABN(); a == nil || !a.Sent || len(a.Travellers) != 5 || a.Travellers[3].PaxType != booking.INF {
		t.Fatalf("ABN: %+v", a)
	}
	if p := f.Traveller(2); p.PregnancyWeeks != 24 || f.Traveller(5).SSR[0] != "WCHR" {
		t.Fatalf("travellers: %+v", f.Travellers)
	}
	hist, err := s.History(no)
	if err != nil || len(hist) < 60 {
		t.Fatalf("history: %d ops, %v; every save must be in the change log", len(hist), err)
	}
	for _, h := range hist {
		if h.Actor != "amina.idrissi" {
			t.Fatalf("a change by %q: every change is the signed-in associate's", h.Actor)
		}
	}
}
