package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"movedesk/booking"
)

// openItemsLoadedMsg delivers a case file to the open-items screen id.
type openItemsLoadedMsg struct {
	id   int
	file *booking.CaseFile
	err  error
}

// openItemsScreen lists every open item of the ready-to-depart gate of one
// case, wrapped to the width and scrollable: the case view and the gate's
// refusal show only the first few.
type openItemsScreen struct {
	e      *env
	id     int
	no     string
	items  []booking.GateItem
	loaded bool
	err    error
	offset int
	w, h   int
}

func newOpenItemsScreen(e *env, no string) *openItemsScreen {
	return &openItemsScreen{e: e, id: newScreenID(), no: no}
}

// Init implements Screen: it reads the case and judges the gate.
func (o *openItemsScreen) Init() tea.Cmd {
	src, id, no := o.e.src, o.id, o.no
	return func() tea.Msg {
		f, err := src.CaseFile(no)
		return openItemsLoadedMsg{id: id, file: f, err: err}
	}
}

// Title implements Screen.
func (o *openItemsScreen) Title() string { return "open items" }

// SetSize implements Screen.
func (o *openItemsScreen) SetSize(w, h int) { o.w, o.h = w, h; o.clamp() }

// CurrentCase implements CaseContext.
func (o *openItemsScreen) CurrentCase() string { return o.no }

// KeyMap implements Screen.
func (o *openItemsScreen) KeyMap() help.KeyMap {
	k := o.e.keys
	scroll := len(o.lines()) > o.room()
	nav := []key.Binding{k.Down, k.Up, k.Top, k.Bottom, k.HalfDown, k.HalfUp, k.PageDown, k.PageUp}
	for i := range nav {
		nav[i].SetEnabled(scroll)
	}
	return bindings{short: append(nav[:2:2], k.Back, k.Help),
		full: [][]key.Binding{nav, {k.Back, k.Quit, k.Command, k.Help, k.ForceQuit}}}
}

// Update implements Screen.
func (o *openItemsScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case openItemsLoadedMsg:
		if msg.id != o.id {
			return nil
		}
		o.loaded, o.err = true, msg.err
		if msg.file != nil {
			o.items = msg.file.GateWith(o.e.gateInput(msg.file))
		}
		o.clamp()
	case SavedMsg:
		if msg.Case == o.no {
			return o.Init()
		}
	case tea.KeyPressMsg:
		k := o.e.keys
		page := max(o.room(), 1)
		switch {
		case key.Matches(msg, k.Back):
			return msgCmd(BackMsg{})
		default:
			o.offset, _ = moveCursor(k, msg, o.offset, len(o.lines())+1, page)
		}
		o.clamp()
	}
	return nil
}

// room is the number of list lines under the heading and above the
// position line.
func (o *openItemsScreen) room() int { return max(o.h-2, 1) }

func (o *openItemsScreen) clamp() { o.offset = max(0, min(o.offset, len(o.lines())-o.room())) }

// lines are the items numbered and wrapped to the width, continuation
// lines indented under the text.
func (o *openItemsScreen) lines() []string {
	var out []string
	num := len(fmt.Sprint(len(o.items)))
	w := max(o.w-num-4, 10)
	for i, it := range o.items {
		text := ansi.Wrap(oneLine(it.Message), w, "")
		for j, l := range strings.Split(text, "\n") {
			if j == 0 {
				out = append(out, fmt.Sprintf("%*d. %s", num+1, i+1, l))
			} else {
				out = append(out, strings.Repeat(" ", num+3)+l)
			}
		}
	}
	return out
}

// View implements Screen.
func (o *openItemsScreen) View() string {
	st := o.e.st
	switch {
	case o.err != nil:
		return clip(st.Error.Render(st.ErrGlyph+" "+printable(o.err.Error())), o.w, o.h)
	case !o.loaded:
		return clip(st.Muted.Render("loading "+printable(o.no)+"…"), o.w, o.h)
	case len(o.items) == 0:
		return clip(st.OK.Render(st.OKGlyph+" "+printable(o.no)+": nothing open; the case may move to ready-to-depart"), o.w, o.h)
	}
	lines := o.lines()
	head := st.Title.Render(fmt.Sprintf("%s: %d open item(s) before ready-to-depart", printable(o.no), len(o.items)))
	end := min(len(lines), o.offset+o.room())
	body := append([]string{head}, lines[o.offset:end]...)
	for len(body) < o.h-1 {
		body = append(body, "")
	}
	if len(lines) > o.room() {
		body = append(body, st.Muted.Render(fmt.Sprintf("lines %d–%d of %d", o.offset+1, end, len(lines))))
	}
	return clip(strings.Join(body, "\n"), o.w, o.h)
}
