package tui

import (
	"strings"

	"movedesk/booking"
)

// contactEvent is a timeline line for a contact added or removed, or a
// communication-log entry: what happened, not the record's fields.
func contactEvent(e HistoryEntry, known bool) string {
	v := func(f string) string { return histValue(e.Fields[f]) }
	id := e.Key[strings.LastIndexByte(e.Key, '/')+1:]
	if e.Kind == booking.KindComm {
		arrow := "→"
		if v("direction") == "in" {
			arrow = "←"
		}
		s := "log " + id + ": " + v("channel") + " " + arrow + " " + v("who") + ": " + v("text")
		if c := v("corrects"); c != "—" {
			verb := "corrects"
			if v("void") == "true" {
				verb = "withdraws"
			}
			s += " (" + verb + " " + c + ")"
		}
		return s
	}
	if known {
		return "contact " + id + " removed: " + v("removed_reason")
	}
	whom := v("name") + " (" + v("relation") + ")"
	if t := v("traveller"); t != "—" {
		whom = "traveller " + t
	}
	var how []string
	for _, f := range []string{"phone", "email", "address"} {
		if x := v(f); x != "—" {
			how = append(how, x)
		}
	}
	return "contact " + id + " added: " + whom + " " + strings.Join(how, ", ")
}
