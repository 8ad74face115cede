package booking

import (
	"strings"
	"testing"
)

func TestChecklistsFollowTheCase(t *testing.T) {
	f := dutyFixture()
	f.Travellers[0].SSR = []string{"MOML"}
	pt := DefaultTemplates().For("USRAP")
	dep := f.DepartureDate()
	cl, err := f.Checklist(ChecklistCounselling, pt, dep)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, it := range cl.Items {
		keys = append(keys, it.Key)
		if it.Key == "meals" && it.Label != "Meals on board (MOML)" {
			t.Errorf("meal label %q", it.Label)
		}
	}
	want := "check-in security transit document-bag arrival meals medication wheelchair baggage loan 01/promissory-note 02/promissory-note"
	if strings.Join(keys, " ") != want {
		t.Fatalf("counselling items\n got %s\nwant %s", strings.Join(keys, " "), want)
	}
	bag, _ := f.Checklist(ChecklistTravelBag, pt, dep)
	if n := len(bag.Items); n != 1+2*4 { // arrival forms; per traveller document, permit (case permit), medical records, loan papers
		t.Fatalf("bag items %d: %+v", n, bag.Items)
	}
	esc, _ := f.Checklist(ChecklistEscort, pt, dep)
	if len(esc.Items) != 4 || esc.Items[0].Key != "E0001/briefed" { // no medical kit for an operational escort
		t.Fatalf("escort items %+v", esc.Items)
	}
	if _, err := f.Checklist("laundry", pt, dep); ErrorField(err) != "checklist" {
		t.Fatalf("unknown checklist: %v", err)
	}
}

func TestToggleRecordsWhoAndWhen(t *testing.T) {
	f := dutyFixture()
	pt := DefaultTemplates().For("USRAP")
	dep := f.DepartureDate()
	rec, err := f.Toggle(ChecklistVerification, "02/document", pt, dep, "amina", dutyAt)
	if err != nil {
		t.Fatal(err)
	}
	v := rec.(*Verification)
	if v.DocumentNumber != "P200" || v.DocumentID != "d1" || v.Ticks[VerifyDocument].By != "amina" || !v.Ticks[VerifyDocument].At.Equal(dutyAt) {
		t.Fatalf("verification %+v", v)
	}
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	f.Apply(rec)
	cl, _ := f.Checklist(ChecklistVerification, pt, dep)
	if it := cl.Items[5]; !it.Done || it.By != "amina" || it.Label != "Document number recorded: P200" {
		t.Fatalf("item %+v", it)
	}
	// Toggling again unticks and forgets the number.
	rec, _ = f.Toggle(ChecklistVerification, "02/document", pt, dep, "amina", dutyAt)
	if v := rec.(*Verification); v.DocumentNumber != "" || len(v.Ticks) != 0 {
		t.Fatalf("untick %+v", v)
	}
	// A counselling tick creates the session record.
	rec, err = f.Toggle(ChecklistCounselling, "transit", pt, dep, "youssef", dutyAt)
	if err != nil || !rec.(*Counselling).Recorded() || rec.(*Counselling).Counsellor != "youssef" {
		t.Fatalf("counselling %+v %v", rec, err)
	}
	if _, err := f.Toggle(ChecklistCounselling, "juggling", pt, dep, "a", dutyAt); ErrorCode(err) != ENOTFOUND || !strings.Contains(err.Error(), "items: check-in") {
		t.Fatalf("unknown item: %v", err)
	}
	if _, err := f.Toggle(ChecklistTravelBag, "arrival-forms", pt, dep, "", dutyAt); ErrorField(err) != "by" {
		t.Fatalf("no actor: %v", err)
	}
	f.Documents = nil
	if _, err := f.Toggle(ChecklistVerification, "01/document", pt, dep, "a", dutyAt); ErrorField(err) != "document" {
		t.Fatalf("no document: %v", err)
	}
}
