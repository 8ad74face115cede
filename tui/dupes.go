package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// DuplicateFinder finds the travellers of other cases who are likely the
// person being entered (`movedesk case duplicates` judges the same way).
// It must be fast: the forms call it as the user types.
type DuplicateFinder interface {
	// FindDuplicates returns the likely duplicates of t (as typed: it need
	// not be stored nor valid; its own case is left out) with its
	// documents docs, best first.
	FindDuplicates(t booking.Traveller, docs []booking.Document) ([]Duplicate, error)
}

// DuplicateWarmer is implemented by finders whose first check reads the
// whole store: the forms that check call it in a command as they open, so
// the index is ready by the time a name and birth date are typed.
type DuplicateWarmer interface{ WarmDuplicates() error }

// warmDupesCmd is the command warming f, or nil.
func warmDupesCmd(f DuplicateFinder) tea.Cmd {
	w, ok := f.(DuplicateWarmer)
	if !ok {
		return nil
	}
	return func() tea.Msg {
		if err := w.WarmDuplicates(); err != nil {
			return ErrMsg{fmt.Errorf("duplicate check: %w", err)}
		}
		return nil
	}
}

// Duplicate is one likely duplicate as the forms show it.
type Duplicate struct {
	Case   string
	Member int
	Name   string
	Birth  booking.Date
	Score  int
	Reason string // "same passport number", "name ~ and same birth date"
}

// dupesMsg carries the answer to check seq of form id.
type dupesMsg struct {
	id, seq int
	found   []Duplicate
	err     error
}

// dupPanel is the "possible duplicates" box of the traveller, document and
// new-case forms: checked as the names, birth date or document number
// change (a command, so a store still being indexed never blocks typing),
// shown under the form, and the first opened with Keys.OpenDuplicate.
type dupPanel struct {
	seq   int
	asked string // the identity last checked
	found []Duplicate
	err   string
}

// dupShown is how many matches the panel lists.
const dupShown = 3

// check returns the command checking t with docs, or nil when nothing the
// matcher looks at changed since the last check. Without a family name
// and a birth date or a document number there is nothing to match yet.
func (p *dupPanel) check(f DuplicateFinder, id int, t booking.Traveller, docs []booking.Document) tea.Cmd {
	if f == nil {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%s\x00%s\x00%s", t.Case, t.FamilyName, t.GivenNames, t.BirthDate)
	hasDoc := false
	for _, d := range docs {
		if d.Member == t.Member && d.Number != "" {
			fmt.Fprintf(&b, "\x00%s:%s", d.Type, d.Number)
			hasDoc = true
		}
	}
	sig := b.String()
	if sig == p.asked {
		return nil
	}
	p.asked = sig
	p.seq++
	if (strings.TrimSpace(t.FamilyName) == "" || t.BirthDate.IsZero()) && !hasDoc {
		p.found, p.err = nil, ""
		return nil
	}
	seq := p.seq
	return func() tea.Msg {
		found, err := f.FindDuplicates(t, docs)
		return dupesMsg{id: id, seq: seq, found: found, err: err}
	}
}

// answer takes a check's answer; stale ones (the input changed since) are
// dropped.
func (p *dupPanel) answer(m dupesMsg) {
	if m.seq != p.seq {
		return
	}
	p.found, p.err = m.found, ""
	if m.err != nil {
		p.found, p.err = nil, m.err.Error()
	}
}

// open is the command opening the best match's case, or nil.
func (p *dupPanel) open() tea.Cmd {
	if len(p.found) == 0 {
		return nil
	}
	return msgCmd(OpenCaseMsg{Number: p.found[0].Case})
}

// binding is the open key, enabled only with a match to open.
func (p *dupPanel) binding(k *KeyMap) key.Binding {
	b := k.OpenDuplicate
	b.SetEnabled(len(p.found) > 0)
	return b
}

// lines renders the panel in w cells: nothing without a match.
func (p *dupPanel) lines(st *Styles, k *KeyMap, w int) []string {
	if p.err != "" {
		return []string{ansi.Truncate(st.Error.Render(st.ErrGlyph+" duplicate check: "+printable(p.err)), w, "…")}
	}
	if len(p.found) == 0 {
		return nil
	}
	l := []string{ansi.Truncate(st.Warning.Render(fmt.Sprintf("%s possible duplicate(s) in other cases · %s opens %s",
		st.WarnGlyph, k.OpenDuplicate.Help().Key, p.found[0].Case)), w, "…")}
	for i, d := range p.found {
		if i == dupShown {
			l = append(l, st.Muted.Render(fmt.Sprintf("  … %d more: movedesk case duplicates", len(p.found)-dupShown)))
			break
		}
		born := ""
		if !d.Birth.IsZero() {
			born = " " + d.Birth.String()
		}
		l = append(l, ansi.Truncate(sprintf("  %s/%d %s%s · %s", d.Case, d.Member, d.Name, born, d.Reason), w, "…"))
	}
	return l
}

// typedTraveller is the traveller of record rec with the form's names and
// birth date as typed (a value that does not parse is left out).
func typedTraveller(rec booking.Traveller, value func(string) string) booking.Traveller {
	for _, n := range []string{"family_name", "given_names", "birth_date"} {
		if booking.SetFieldValue(&rec, n, value(n)) != nil && n == "birth_date" {
			rec.BirthDate = booking.Date{}
		}
	}
	return rec
}
