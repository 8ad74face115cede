package tui

import (
	"fmt"
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Palette names the colour roles of a theme.
type Palette struct {
	Text, Muted, Accent, Selected, SelectedText, Error, Warning, OK, Bar, BarText color.Color
}

// Themes accepted by DefaultStyles.
var themeNames = []string{"dark", "light", "high-contrast"}

// ThemePalette returns the palette of a named theme ("auto" and "" mean dark).
func ThemePalette(name string) (Palette, error) {
	switch name {
	case "", "auto", "dark":
		return Palette{
			Text: lipgloss.Color("#D0D0D0"), Muted: lipgloss.Color("#808080"), Accent: lipgloss.Color("#7AA2F7"),
			Selected: lipgloss.Color("#364A82"), SelectedText: lipgloss.Color("#FFFFFF"),
			Error: lipgloss.Color("#F7768E"), Warning: lipgloss.Color("#E0AF68"), OK: lipgloss.Color("#9ECE6A"),
			Bar: lipgloss.Color("#2A2E3F"), BarText: lipgloss.Color("#C0CAF5"),
		}, nil
	case "light":
		return Palette{
			Text: lipgloss.Color("#1F1F1F"), Muted: lipgloss.Color("#6B6B6B"), Accent: lipgloss.Color("#1D4ED8"),
			Selected: lipgloss.Color("#BFD3FF"), SelectedText: lipgloss.Color("#000000"),
			Error: lipgloss.Color("#B91C1C"), Warning: lipgloss.Color("#9A5B00"), OK: lipgloss.Color("#166534"),
			Bar: lipgloss.Color("#E5E7EB"), BarText: lipgloss.Color("#111827"),
		}, nil
	case "high-contrast":
		return Palette{
			Text: lipgloss.Color("#FFFFFF"), Muted: lipgloss.Color("#FFFFFF"), Accent: lipgloss.Color("#00FFFF"),
			Selected: lipgloss.Color("#FFFF00"), SelectedText: lipgloss.Color("#000000"),
			Error: lipgloss.Color("#FF0000"), Warning: lipgloss.Color("#FFFF00"), OK: lipgloss.Color("#00FF00"),
			Bar: lipgloss.Color("#FFFFFF"), BarText: lipgloss.Color("#000000"),
		}, nil
	}
	return Palette{}, fmt.Errorf("unknown theme %q (known: auto, %v)", name, themeNames)
}

// Styles is every style the screens use, built once from a palette. Views
// never build styles themselves.
type Styles struct {
	Text, Muted, Accent, Bold lipgloss.Style
	// Selected marks the cursor row; it uses reverse video without colour.
	Selected lipgloss.Style
	Error    lipgloss.Style
	Warning  lipgloss.Style
	OK       lipgloss.Style
	Header   lipgloss.Style
	Bar      lipgloss.Style
	TabOn    lipgloss.Style
	TabOff   lipgloss.Style
	Title    lipgloss.Style
	Help     help.Styles
	// Glyphs carry meaning without colour.
	Cursor, ErrGlyph, WarnGlyph, OKGlyph string
}

// DefaultStyles builds the styles of a theme; noColor keeps only reverse
// video, bold and glyphs.
func DefaultStyles(theme string, noColor bool) (Styles, error) {
	p, err := ThemePalette(theme)
	if err != nil {
		return Styles{}, err
	}
	n := lipgloss.NewStyle
	s := Styles{Cursor: "▸", ErrGlyph: "✗", WarnGlyph: "!", OKGlyph: "✓"}
	if noColor {
		s.Text, s.Muted, s.Accent, s.Bold = n(), n(), n().Bold(true), n().Bold(true)
		s.Selected = n().Reverse(true)
		s.Error, s.Warning, s.OK = n().Reverse(true), n().Bold(true), n()
		s.Header, s.Bar = n().Bold(true), n().Reverse(true)
		s.TabOn, s.TabOff = n().Reverse(true), n()
		s.Title = n().Bold(true).Underline(true)
		k := n().Bold(true)
		s.Help = help.Styles{ShortKey: k, ShortDesc: n(), ShortSeparator: n(), Ellipsis: n(), FullKey: k, FullDesc: n(), FullSeparator: n()}
		return s, nil
	}
	s.Text = n().Foreground(p.Text)
	s.Muted = n().Foreground(p.Muted)
	s.Accent = n().Foreground(p.Accent)
	s.Bold = n().Foreground(p.Text).Bold(true)
	s.Selected = n().Background(p.Selected).Foreground(p.SelectedText)
	if theme == "high-contrast" {
		s.Selected = s.Selected.Bold(true)
	}
	s.Error = n().Foreground(p.Error).Bold(true)
	s.Warning = n().Foreground(p.Warning)
	s.OK = n().Foreground(p.OK)
	s.Header = n().Foreground(p.Accent).Bold(true)
	s.Bar = n().Background(p.Bar).Foreground(p.BarText)
	s.TabOn = n().Background(p.Accent).Foreground(p.SelectedText).Bold(true)
	s.TabOff = n().Foreground(p.Muted)
	s.Title = n().Foreground(p.Accent).Bold(true)
	s.Help = help.Styles{
		ShortKey: n().Foreground(p.Accent), ShortDesc: n().Foreground(p.Muted), ShortSeparator: n().Foreground(p.Muted),
		Ellipsis: n().Foreground(p.Muted), FullKey: n().Foreground(p.Accent), FullDesc: n().Foreground(p.Text),
		FullSeparator: n().Foreground(p.Muted),
	}
	return s, nil
}
