package booking

import (
	"strings"
	"testing"
	"time"
)

func TestCustodyHandOverNeedsVerification(t *testing.T) {
	f := dutyFixture()
	at := dutyAt
	c, err := f.LogCustody(1, "d1", CustodyEvent{Action: CustodyReceived, From: "US embassy Rabat", By: "amina", At: at}, "")
	if err != nil {
		t.Fatal(err)
	}
	f.Apply(c)
	c, err = f.LogCustody(1, "d1", CustodyEvent{Action: CustodyStored, Location: "safe 2", By: "amina", At: at.Add(time.Minute)}, "")
	if err != nil || c.Holder() != "office: safe 2" {
		t.Fatalf("stored: %v %v", c, err)
	}
	f.Apply(c)
	hand := CustodyEvent{Action: CustodyHandedOver, To: "Omar Haddad", By: "amina", At: at.Add(time.Hour)}
	_, err = f.LogCustody(1, "d1", hand, "")
	if ErrorCode(err) != ECONFLICT || !strings.Contains(err.Error(), "verification is not recorded") {
		t.Fatalf("hand-over before verification: %v", err)
	}
	f.Apply(&Verification{Case: f.Case.Number, Member: 1, DocumentNumber: "P100",
		Ticks: map[string]Tick{VerifyBiodata: {By: "a", At: at}, VerifyPhoto: {By: "a", At: at}}})
	if _, err = f.LogCustody(1, "d1", hand, ""); err == nil {
		t.Fatal("hand-over with the document check missing")
	}
	f.Verifications[0].Ticks[VerifyDocument] = Tick{By: "a", At: at}
	c, err = f.LogCustody(1, "d1", hand, "dRBA1")
	if err != nil || c.Holder() != "Omar Haddad" || len(c.Events) != 1 || c.ID != "e3-dRBA1" || !c.InCustody() {
		t.Fatalf("hand-over: %+v %v", c, err)
	}
	if len(f.CustodyOf(1, "d1").Events) != 2 {
		t.Fatal("LogCustody changed the file")
	}
	f.Apply(c)
	if trail := f.CustodyOf(1, "d1"); len(trail.Events) != 3 || trail.Holder() != "Omar Haddad" {
		t.Fatalf("trail: %+v", trail)
	}
}

func TestCustodyEventValidation(t *testing.T) {
	f := dutyFixture()
	tests := []struct {
		e     CustodyEvent
		field string
	}{
		{CustodyEvent{Action: "lost", By: "a", At: dutyAt}, "events.1.action"},
		{CustodyEvent{Action: CustodyReceived, By: "a", At: dutyAt}, "events.1.from"},
		{CustodyEvent{Action: CustodyStored, By: "a", At: dutyAt}, "events.1.location"},
		{CustodyEvent{Action: CustodyReturned, By: "a", At: dutyAt}, "events.1.to"},
		{CustodyEvent{Action: CustodyReceived, From: "x", At: dutyAt}, "events.1.by"},
	}
	for _, tt := range tests {
		if _, err := f.LogCustody(1, "d1", tt.e, ""); ErrorField(err) != tt.field {
			t.Errorf("%+v: err %v, want field %s", tt.e, err, tt.field)
		}
	}
	if _, err := f.LogCustody(1, "zz", CustodyEvent{Action: CustodyReceived, From: "x", By: "a", At: dutyAt}, ""); ErrorCode(err) != ENOTFOUND {
		t.Errorf("unknown document: %v", err)
	}
}

func TestExitPermitValidate(t *testing.T) {
	base := ExitPermit{Case: "RBA-2026-000001", Member: 1, ID: "P1", Authority: "DGSN", Status: PermitPending}
	tests := []struct {
		change func(p *ExitPermit)
		field  string
	}{
		{func(p *ExitPermit) { p.Status = "lost" }, "status"},
		{func(p *ExitPermit) { p.Status = PermitDenied }, "reason_code"},
		{func(p *ExitPermit) { p.Status, p.ReasonCode = PermitDenied, "other" }, "reason_text"},
		{func(p *ExitPermit) { p.ReasonCode = "security" }, "reason_code"},
		{func(p *ExitPermit) { p.Status = PermitApproved }, "valid_until"},
		{func(p *ExitPermit) { p.Authority = " " }, "authority"},
		{func(p *ExitPermit) { p.Member = 100 }, "member"},
		{func(p *ExitPermit) {
			p.Submitted, p.Decided = MustDate("2026-10-02"), MustDate("2026-10-01")
		}, "decided"},
	}
	for i, tt := range tests {
		p := base
		tt.change(&p)
		if err := p.Validate(); ErrorField(err) != tt.field {
			t.Errorf("%d: err %v, want field %s", i, err, tt.field)
		}
	}
	p := base
	p.Status, p.ValidFrom, p.ValidUntil = PermitApproved, MustDate("2026-12-01"), MustDate("2026-12-31")
	if err := p.Validate(); err != nil || !p.ValidOn(MustDate("2026-12-01")) || p.ValidOn(MustDate("2026-11-30")) || p.ValidOn(MustDate("2027-01-01")) {
		t.Fatalf("approved window: %v", err)
	}
}
