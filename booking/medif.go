package booking

import (
	"slices"
	"strings"
)

// MEDIF statuses with an operating carrier: the form was sent to it, it
// approved the traveller, or it refused.
const (
	MEDIFSent     = "sent"
	MEDIFApproved = "approved"
	MEDIFRefused  = "refused"
)

// MEDIFStatuses lists them in the order a MEDIF moves.
var MEDIFStatuses = []string{MEDIFSent, MEDIFApproved, MEDIFRefused}

// MEDIF is where one traveller's MEDIF stands with one operating carrier of
// the booking: each carrier that flies the traveller approves on its own.
type MEDIF struct {
	Member  int    `json:"member"`
	Carrier string `json:"carrier"`
	Status  string `json:"status"`
	On      Date   `json:"on"`
}

// MEDIFStatus returns the status of member m's MEDIF with carrier ("" when
// none is recorded).
func (b *Booking) MEDIFStatus(m int, carrier string) string {
	for _, x := range b.MEDIFs {
		if x.Member == m && x.Carrier == carrier {
			return x.Status
		}
	}
	return ""
}

// MEDIFCarriers returns the operating carriers of the booking's segments,
// in flight order, each once.
func (b *Booking) MEDIFCarriers() []string {
	var out []string
	for _, s := range b.Segments {
		if !slices.Contains(out, s.Carrier) {
			out = append(out, s.Carrier)
		}
	}
	return out
}

// validateMEDIFs: a traveller on the booking, a carrier that flies it, a
// known status and its date, one entry per traveller and carrier.
func (b *Booking) validateMEDIFs() error {
	carriers := b.MEDIFCarriers()
	for i, x := range b.MEDIFs {
		switch {
		case !slices.Contains(b.Travellers, x.Member):
			return Errorf(EINVALID, "medifs", "MEDIF for member %d, who is not on the booking", x.Member)
		case !slices.Contains(carriers, x.Carrier):
			return Errorf(EINVALID, "medifs", "MEDIF with carrier %q, which flies no segment of the booking (%s)", x.Carrier, strings.Join(carriers, ", "))
		case !slices.Contains(MEDIFStatuses, x.Status):
			return Errorf(EINVALID, "medifs", "MEDIF status %q must be one of %s", x.Status, strings.Join(MEDIFStatuses, ", "))
		case x.On.IsZero():
			return Errorf(EINVALID, "medifs", "MEDIF of member %d with %s needs the date of its status", x.Member, x.Carrier)
		case slices.ContainsFunc(b.MEDIFs[:i], func(o MEDIF) bool { return o.Member == x.Member && o.Carrier == x.Carrier }):
			return Errorf(EINVALID, "medifs", "member %d has two MEDIF entries with %s", x.Member, x.Carrier)
		}
	}
	return nil
}
