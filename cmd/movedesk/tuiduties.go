package main

import (
	"movedesk/store"
	"movedesk/tui"
)

// caseActions are the case-view actions opening the checklist, escort,
// exit-permit and custody screens, wired to the desk with the same calls
// `checklist toggle`, `escort list --case`, `escort assign`, `permit set`
// and `custody add` make.
func caseActions(a *app, s *store.Store, td tuiDesk, keys tui.KeyMap, st tui.Styles) []tui.CaseAction {
	src := storeSource{s}
	acts := tui.ChecklistActions(tui.ChecklistDeps{Source: src, Checklists: td, User: a.cfg.User, Keys: keys, Styles: st,
		Gate: td.GateInput})
	acts = append(acts, tui.DutyActions(tui.DutyDeps{Source: src, User: a.cfg.User, Keys: keys, Styles: st,
		Escorts: td, Permits: td, Custody: td})...)
	acts = append(acts, tui.ContactActions(tui.DutyDeps{Source: src, User: a.cfg.User, Keys: keys, Styles: st,
		Now: a.now, Contacts: td})...)
	return append(acts, tui.EditActions(tui.DutyDeps{Source: src, User: a.cfg.User, Keys: keys, Styles: st,
		Edit: td, Office: a.cfg.Office, Now: a.now, Dupes: tuiDupes{td.Service}})...)
}
