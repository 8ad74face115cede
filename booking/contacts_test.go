package booking

import (
	"testing"
	"time"
)

func TestCheckPhone(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"", true}, {"+212 6 12 34 56 78", true}, {"(0522) 45-67-89", true}, {"0612.34.56.78", true},
		{"12345", false}, {"+1234567890123456", false}, {"06 12 ab 56", false}, {"6+12345678", false}, {"+212\n612345678", false},
	} {
		if err := CheckPhone("phone", c.in); (err == nil) != c.ok {
			t.Errorf("CheckPhone(%q) = %v, want ok %v", c.in, err, c.ok)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"", true}, {"omar.haddad@example.org", true}, {"a+b@mail.example.co.uk", true},
		{"omar", false}, {"@example.org", false}, {"omar@example", false}, {"omar@@example.org", false},
		{"omar haddad@example.org", false}, {"omar@example..org", false}, {"omar@.org", false}, {"a@b.org; c@d.org", false},
	} {
		if err := CheckEmail("email", c.in); (err == nil) != c.ok {
			t.Errorf("CheckEmail(%q) = %v, want ok %v", c.in, err, c.ok)
		}
	}
}

// TestContactRules: each named rule refuses its case and names its field.
func TestContactRules(t *testing.T) {
	ok := Contact{Case: "RBA-2026-000001", ID: "c1", Traveller: 1, Phone: "+212612345678"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rule, field string
		edit        func(c *Contact)
	}{
		{"contact-record", "id", func(c *Contact) { c.ID = "a/b" }},
		{"contact-whom", "name", func(c *Contact) { c.Traveller = 0 }},
		{"contact-whom", "relation", func(c *Contact) { c.Traveller, c.Name, c.Relation = 0, "Leila", "cousin" }},
		{"contact-reachable", "phone", func(c *Contact) { c.Phone = "" }},
		{"phone-shape", "phone", func(c *Contact) { c.Phone = "call me" }},
		{"email-shape", "email", func(c *Contact) { c.Email = "leila" }},
		{"removal-reason", "removed_reason", func(c *Contact) { c.Removed = true }},
	} {
		x := ok
		c.edit(&x)
		err := x.Validate()
		if ErrorField(err) != c.field {
			t.Errorf("%s: got %v, want an error on %s", c.rule, err, c.field)
		}
		found := false
		for _, r := range ContactRules {
			if r.Name == c.rule {
				found = r.Check(&x) != nil
			}
		}
		if !found {
			t.Errorf("rule %s does not refuse its case", c.rule)
		}
	}
}

func TestCommRules(t *testing.T) {
	logged := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	ok := CommEntry{Case: "RBA-2026-000001", ID: "m1", When: MustLocalTime("2026-11-22T09:30"), Channel: "phone", Direction: "out",
		Who: "Omar", Text: "documents requested by phone", By: "amina", Logged: logged}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		field string
		edit  func(e *CommEntry)
	}{
		{"when", func(e *CommEntry) { e.When = LocalTime{} }},
		{"when", func(e *CommEntry) { e.When = MustLocalTime("2026-11-25T09:30") }},
		{"channel", func(e *CommEntry) { e.Channel = "fax" }},
		{"direction", func(e *CommEntry) { e.Direction = "both" }},
		{"who", func(e *CommEntry) { e.Who = " " }},
		{"text", func(e *CommEntry) { e.Text = "" }},
		{"void", func(e *CommEntry) { e.Void = true }},
		{"by", func(e *CommEntry) { e.By = "" }},
	} {
		x := ok
		c.edit(&x)
		if err := x.Validate(); ErrorField(err) != c.field {
			t.Errorf("got %v, want an error on %s", err, c.field)
		}
	}
}

// TestContactBelongsToTraveller: a contact of a traveller the case does
// not hold is refused by the write invariants (as the hub judges a synced
// one).
func TestContactBelongsToTraveller(t *testing.T) {
	c := &Contact{Case: "RBA-2026-000001", ID: "c1-d1", Traveller: 3, Phone: "+212612345678"}
	has := func(k string) bool { return k == "RBA-2026-000001" || k == TravellerKey("RBA-2026-000001", 1) }
	err := CheckWrite(Write{Key: c.Key(), New: c, Has: has}, WriteRules{})
	if ErrorField(err) != "member" {
		t.Errorf("contact of traveller 3: %v", err)
	}
	c.Traveller = 1
	if err := CheckWrite(Write{Key: c.Key(), New: c, Has: has}, WriteRules{}); err != nil {
		t.Errorf("contact of traveller 1: %v", err)
	}
	e := &CommEntry{Case: "RBA-2026-000001", ID: "m1", When: MustLocalTime("2026-11-22T09:30"), Channel: "sms", Direction: "in",
		Who: "Omar", Text: "arrived", By: "a", Logged: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	changed := *e
	changed.Text = "edited"
	if err := CheckWrite(Write{Key: e.Key(), Old: e, New: &changed, Has: has}, WriteRules{}); ErrorCode(err) != ECONFLICT {
		t.Errorf("changing a log entry: %v", err)
	}
	same := *e
	if err := CheckWrite(Write{Key: e.Key(), Old: e, New: &same, Has: has}, WriteRules{}); err != nil {
		t.Errorf("the same entry again (a sync resend): %v", err)
	}
}
