package tui

import (
	"time"

	"movedesk/booking"
)

// Source is what the screens read. cmd/movedesk adapts the store to it;
// tests use a real temporary store through the same adapter or a fake.
// Writes go through the use-case interfaces below (CaseWriter, ABNDesk,
// ChecklistDesk, EscortDesk, PermitDesk, CustodyDesk, ConflictSource):
// no screen opens a transaction or builds a store record.
type Source interface {
	// Rows returns every case's queue row.
	Rows() ([]booking.Summary, error)
	// Summary returns one case's queue row.
	Summary(no string) (booking.Summary, error)
	// CaseFile reads one case with all its records.
	CaseFile(no string) (*booking.CaseFile, error)
	// History returns the changes of one case, oldest first.
	History(no string) ([]HistoryEntry, error)
	// FindByABN returns the case holding ABN number abn.
	FindByABN(abn string) (string, error)
}

// RowChanges is what a Source may also offer: which cases' rows changed
// since a generation, so a change made elsewhere (a sync, a command) reads
// only those rows again.
type RowChanges interface {
	// RowGen returns the row generation now.
	RowGen() uint64
	// RowsChangedSince returns the cases whose rows changed after gen and
	// the generation now; all says read every row.
	RowsChangedSince(gen uint64) (cases []string, now uint64, all bool)
}

// CaseWriter moves cases through the state machine and books them, each
// call one transaction as actor.
type CaseWriter interface {
	// MoveStatus moves case no to status to (the gate judged for
	// ready-to-depart); reason is required for on-hold and cancelled.
	MoveStatus(actor, no string, to booking.Status, reason string) error
	// Book quotes draft b (segments, travellers, escort seats) again and
	// saves it as case no's active booking when no finding blocks;
	// warnings need confirmWarnings and are recorded on the booking. It
	// returns the booking as saved.
	Book(actor, no string, b booking.Booking, confirmWarnings bool) (booking.Booking, error)
}

// ABNDesk issues and sends a case's Advance Booking Notifications, each
// write one transaction as actor.
type ABNDesk interface {
	// DraftABN returns what issuing would produce now for case file f (the
	// first notice or an update), writing nothing.
	DraftABN(actor string, f *booking.CaseFile) (*booking.ABN, error)
	// IssueABN issues the case's ABN, or an update of the one in force.
	IssueABN(actor, no string) (*booking.ABN, error)
	// MarkABNSent records that version v of the case's ABN went out.
	MarkABNSent(actor, no string, v int) (*booking.ABN, error)
	// CancelABN issues a cancellation notice with reason.
	CancelABN(actor, no, reason string) (*booking.ABN, error)
	// DepartABN issues the departure notification.
	DepartABN(actor, no string) (*booking.ABN, error)
	// DepartureCheck reports why case file f cannot be notified as departed
	// on day today (before its first flight's date, less the tolerance).
	DepartureCheck(f *booking.CaseFile, today booking.Date) error
}

// HistoryEntry is one change of a case, as the timeline shows it.
type HistoryEntry struct {
	Actor  string
	When   time.Time
	Kind   string
	Key    string
	Fields map[string]string
}

// Quoter prices a booking draft against the tariff tables and judges it
// against the travel rules. It must be fast: the form calls it as the user
// types.
type Quoter interface {
	Quote(req QuoteRequest) Quote
}

// QuoteRequest is what the booking form has typed so far.
type QuoteRequest struct {
	Segments    []booking.Segment
	Travellers  []booking.Traveller
	Documents   map[int][]booking.Document
	Programme   string
	BookingDate booking.Date
	EscortSeats int
}

// Quote is the priced draft: one line per traveller or escort seat, the total
// and the findings.
type Quote struct {
	Version  string
	Lines    []FareLine
	TotalUSD int64 // cents
	Priced   bool
	Findings []Finding
}

// FareLine is one traveller's (or escort seat's) whole-trip fare.
type FareLine struct {
	Traveller int // member id, 0 for an escort seat
	Escort    int // 1-based escort seat, 0 for a traveller
	Name      string
	PaxType   booking.PaxType
	USD       int64 // cents
	Priced    bool
}

// Finding is one rule outcome of a quote.
type Finding struct {
	Code      string
	Blocking  bool
	Traveller int // member id or 0
	Segment   int // 1-based segment or 0
	Escort    int // 1-based escort seat or 0
	Message   string
}

// Blocking reports whether any finding blocks saving.
func (q Quote) Blocking() bool {
	for _, f := range q.Findings {
		if f.Blocking {
			return true
		}
	}
	return false
}

// Warnings returns the codes of the non-blocking findings, in order, without
// duplicates.
func (q Quote) Warnings() []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range q.Findings {
		if !f.Blocking && !seen[f.Code] {
			seen[f.Code] = true
			out = append(out, f.Code)
		}
	}
	return out
}

// SyncStatus is the desk's sync state as the status bar shows it. The sync
// engine sends one on the channel given in Options.Sync whenever it changes.
type SyncStatus struct {
	// Configured is false when no hub is set up ("not configured").
	Configured bool
	Online     bool
	LastSync   time.Time
	// Waiting is the number of local changes not yet sent.
	Waiting int
	// Conflicts is the number of conflicts that need a person.
	Conflicts int
	// Progress is 0 to 1 while a sync runs, or negative when idle.
	Progress float64
	// Err is the last sync error, if any.
	Err string
	// ClockOffset is the hub's clock minus this desk's when the desk's is
	// off by more than the tolerance (its writes are stamped in hub time).
	ClockOffset time.Duration
	// Refused counts this desk's changes the hub refused (they stay here;
	// `movedesk sync refused` lists them).
	Refused int
	// Restored, when set, says that this desk's store was found behind the
	// hub (restored or copied) and what was done about it.
	Restored string
	// Notice, when set, is news the sync brought that changes the work
	// ("tariff version X is now active"); the footer shows it once.
	Notice string
}

// ConflictSource lists and resolves sync conflicts (same-field clashes
// between two desks' writes). cmd/movedesk adapts the store to it.
type ConflictSource interface {
	// Conflicts returns the open conflicts.
	Conflicts() ([]ConflictView, error)
	// Resolve resolves conflict id as actor in one transaction; take is
	// "winner", "loser" or a literal value (a bare word is a string).
	Resolve(actor, id, take string) error
}

// ConflictView is one open conflict as the conflicts screen shows it.
type ConflictView struct {
	ID     string
	Case   string // case number ("" for a record outside cases)
	Record string // the record within the case: "case", "traveller/2" ...
	Field  string
	// Winner is the side in force; Loser the one it replaced.
	Winner, Loser ConflictSide
	// At is when the clash was found.
	At time.Time
}

// ConflictSide is one of the two writes of a conflict.
type ConflictSide struct {
	Value string // as JSON text
	Actor string
	Desk  string
	When  time.Time
}

// CaseEditor is intake and editing: new cases, field changes of a case, its
// travellers and documents, and its counselling session, each call one
// transaction as actor through the same use cases as the CLI.
type CaseEditor interface {
	// NewCase opens a case at office with c's fields and its principal
	// applicant pa (traveller 1) and returns the number it got.
	NewCase(actor, office string, c booking.Case, pa booking.Traveller) (string, error)
	// SetFields applies changes (paths as `case set` takes them:
	// "notes", "traveller.2.birth_date", "traveller.2.document.p1.number")
	// to case no; setting a field of a traveller or document not yet
	// recorded creates it.
	SetFields(actor, no string, changes []FieldChange) error
	// SetCounselling records or updates the counselling session of case no.
	SetCounselling(actor, no string, p CounsellingPatch) error
	// AddCounsellingAction notes an action item for traveller member (0:
	// the whole case) of case no; it blocks the gate until ticked.
	AddCounsellingAction(actor, no string, member int, note string) (string, error)
	// ConfirmReceipt records that the receipt of case no's request was
	// confirmed to its sender today (:receipt).
	ConfirmReceipt(actor, no string) (booking.Case, error)
}

// FieldChange sets one field, named by its path, to its text form (lists
// comma-separated; empty clears).
type FieldChange struct{ Path, Value string }

// CounsellingPatch changes the counselling session; nil fields stay.
type CounsellingPatch struct {
	Date                              *booking.Date
	Counsellor, Language, Interpreter *string
}
