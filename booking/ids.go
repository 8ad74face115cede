package booking

import (
	"strconv"
	"strings"
)

// Record ids made at a desk (bookings, ABN versions, exit permits, custody
// events) carry the desk's tag: two desks that record the same thing of one
// case while offline make two records with different keys, and sync keeps
// both instead of blending them field by field. The number before the tag
// is counted at the desk, so an id stays short and reads in order there:
// "b2-d3fa91c02" is the second booking, made at desk d3fa91c02.

// DeskTag returns the part of a desk id used in record ids: its letters,
// digits and '-'. Desk ids are unique among the hub's desks; the tag of an
// ordinary id is the id itself.
func DeskTag(desk string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, desk)
}

// NewID returns the id of a record made at desk: prefix, the first number
// from n up whose id is not taken, '-' and the desk's tag ("P1-d3fa91c02").
// Without a desk (tests, pure tools) it is the bare "P1".
func NewID(prefix string, n int, desk string, taken func(id string) bool) string {
	tag := DeskTag(desk)
	n = max(n, 1)
	for {
		id := prefix + strconv.Itoa(n)
		if tag != "" {
			id += "-" + tag
		}
		if taken == nil || !taken(id) {
			return id
		}
		n++
	}
}

// idNumber returns the number of an id made by NewID ("b12-d1" gives 12),
// or 0.
func idNumber(id string) int {
	head, _, _ := strings.Cut(id, "-")
	i := strings.IndexFunc(head, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return 0
	}
	n, err := strconv.Atoi(head[i:])
	if err != nil {
		return 0
	}
	return n
}
