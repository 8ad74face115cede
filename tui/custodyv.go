package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// custodyScreen records one step of a document's custody trail, as
// `movedesk custody add` does, and shows the document's trail so far.
type custodyScreen struct {
	formBase
}

// custodyParty is the field each action needs (custody add's flags).
var custodyParty = map[string]string{
	booking.CustodyReceived: "from", booking.CustodyStored: "location",
	booking.CustodyHandedOver: "to", booking.CustodyReturned: "to",
}

// NewCustodyScreen returns the custody form of case no.
func NewCustodyScreen(d DutyDeps, no string) Screen {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &custodyScreen{formBase{d: d, id: newScreenID(), no: no}}
	s.form.fields = []*dutyField{
		choiceField("document", "document", []string{}, []string{}),
		choiceField("action", "event", booking.CustodyActions, nil),
		textField("from", "from", "received from whom", 80),
		textField("to", "to", "handed or returned to whom", 80),
		textField("location", "stored at", "where it is kept", 80),
		textField("note", "note", "optional", 120),
	}
	s.showParty()
	return s
}

// Init implements Screen.
func (s *custodyScreen) Init() tea.Cmd { return loadDutyCmd(s.d.Source, s.id, s.no) }

// Title implements Screen.
func (s *custodyScreen) Title() string { return "custody" }

// showParty shows only the party field the chosen action takes.
func (s *custodyScreen) showParty() {
	want := custodyParty[s.form.get("action").value()]
	for _, n := range []string{"from", "to", "location"} {
		s.form.get(n).hidden = n != want
	}
}

// doc returns the chosen document's member and id.
func (s *custodyScreen) doc() (int, string) {
	m, id, _ := strings.Cut(s.form.get("document").value(), "/")
	n, _ := strconv.Atoi(m)
	return n, id
}

func (s *custodyScreen) load(f *booking.CaseFile) {
	first := s.file == nil
	s.file = f
	d := s.form.get("document")
	cur := d.value()
	d.choices, d.labels, d.pick = nil, nil, 0
	for _, t := range f.Travellers {
		for _, doc := range f.DocumentsOf(t.Member) {
			d.choices = append(d.choices, fmt.Sprintf("%d/%s", t.Member, doc.ID))
			d.labels = append(d.labels, fmt.Sprintf("%02d %s %s %s · %s", t.Member, doc.ID, doc.Type, doc.Number, t.FullName()))
		}
	}
	d.set(cur)
	if first {
		s.initial = s.form.snapshot()
	}
}

// Update implements Screen.
func (s *custodyScreen) Update(msg tea.Msg) tea.Cmd {
	return s.update(msg, formHooks{load: s.load, save: s.saveCmd, changed: s.showParty,
		check: func() error {
			if len(s.form.get("document").choices) == 0 {
				return fmt.Errorf("case %s has no documents", s.no)
			}
			return nil
		}})
}

// saveCmd logs the event in one transaction with the same booking call as
// `movedesk custody add`; a hand-over before verification is refused there.
func (s *custodyScreen) saveCmd() tea.Cmd {
	d, id, no := s.d, s.id, s.no
	m, doc := s.doc()
	e := booking.CustodyEvent{Action: s.form.get("action").value(), Note: s.form.get("note").value(), By: d.User, At: d.Now()}
	switch custodyParty[e.Action] {
	case "from":
		e.From = s.form.get("from").value()
	case "to":
		e.To = s.form.get("to").value()
	case "location":
		e.Location = s.form.get("location").value()
	}
	return func() tea.Msg {
		var holder string
		err := d.Source.Update(d.User, func(tx Tx) error {
			f, err := tx.CaseFile(no)
			if err != nil {
				return err
			}
			rec, err := f.LogCustody(m, doc, e, tx.Desk())
			if err != nil {
				return err
			}
			holder = rec.Holder()
			return tx.Put(rec)
		})
		if err != nil {
			return dutySavedMsg{id: id, err: fmt.Errorf("custody not recorded: %w", err)}
		}
		return dutySavedMsg{id: id, what: fmt.Sprintf("document %s of traveller %d %s; held by %s", doc, m, e.Action, holder)}
	}
}

// View implements Screen.
func (s *custodyScreen) View() string {
	if s.file == nil {
		return s.loading()
	}
	st := &s.d.Styles
	head := []string{st.Bold.Render("Document custody · " + s.no)}
	if len(s.form.get("document").choices) == 0 {
		return s.frame(append(head, st.Muted.Render("this case has no documents")))
	}
	m, doc := s.doc()
	ver := st.OK.Render(st.OKGlyph + " identity and document verified")
	if !s.file.Verification(m).Verified() {
		ver = st.Warning.Render(fmt.Sprintf("%s traveller %d not verified: a hand-over will be refused", st.WarnGlyph, m))
	}
	head = append(head, ver, "")
	body := s.frame(head)
	// The trail of the chosen document fills the room the form leaves.
	c := s.file.CustodyOf(m, doc)
	trail := []string{st.Title.Render("trail of " + doc)}
	if c == nil {
		trail = append(trail, st.Muted.Render("  nothing recorded yet"))
	} else {
		for _, e := range c.Events {
			who := e.From
			if e.Action != booking.CustodyReceived {
				who = orDash(e.To)
			}
			if e.Action == booking.CustodyStored {
				who = e.Location
			}
			trail = append(trail, fmt.Sprintf("  %s %-11s %-24s by %s", e.At.UTC().Format("2006-01-02 15:04"), e.Action, fit(who, 24), e.By))
		}
		trail = append(trail, st.Muted.Render("  held by "+c.Holder()))
	}
	return s.withTrail(body, trail)
}

// withTrail puts trail in the empty lines between the form and the
// footer, keeping its last lines when it is long.
func (s *custodyScreen) withTrail(body string, trail []string) string {
	l := strings.Split(body, "\n")
	used := len(s.form.lines(&s.d.Styles, s.w)) + 3
	foot := len(s.footer())
	room := s.h - used - foot - 1
	if room < 2 {
		return body
	}
	if len(trail) > room {
		trail = append(trail[:1], trail[len(trail)-room+1:]...)
	}
	for i, t := range trail {
		l[used+1+i] = ansi.Truncate(t, s.w, "…")
	}
	return strings.Join(l, "\n")
}
