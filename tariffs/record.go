package tariffs

import (
	"time"

	"movedesk/booking"
)

// Record kinds and keys of the shared tariff records.
const (
	KindTariffSet    = "tariffset"
	KindTariffActive = "tariffactive"
	// SetKeyPrefix starts the key of every stored version.
	SetKeyPrefix = "~" + KindTariffSet + "/"
	// ActiveKey is the key of the record naming the active version.
	ActiveKey = "~" + KindTariffActive + "/current"
)

// SetKey is the store key of version v.
func SetKey(v string) string { return SetKeyPrefix + v }

// SetRecord is one imported version as stored and synced: the CSV text of
// each table, so every desk parses exactly what was imported and a booking
// made under an old version can still be explained.
type SetRecord struct {
	Version     string       `json:"version"`
	Effective   booking.Date `json:"effective"`
	Description string       `json:"description,omitempty"`
	ImportedBy  string       `json:"imported_by"`
	ImportedAt  time.Time    `json:"imported_at"`
	Source      string       `json:"source,omitempty"`
	Fares       int          `json:"fares"`
	VersionCSV  string       `json:"version_csv"`
	AirportsCSV string       `json:"airports_csv"`
	MCTCSV      string       `json:"mct_csv"`
	RatesCSV    string       `json:"rates_csv"`
	FaresCSV    string       `json:"fares_csv"`
	// The rule tables, empty when the version has none.
	CarriersCSV   string `json:"carriers_csv,omitempty"`
	TransitCSV    string `json:"transit_csv,omitempty"`
	HolidaysCSV   string `json:"holidays_csv,omitempty"`
	ProgrammesCSV string `json:"programmes_csv,omitempty"`
}

// NewSetRecord returns the record storing s.
func NewSetRecord(s *Set, by string, at time.Time, source string) *SetRecord {
	return &SetRecord{
		Version: s.Version, Effective: s.Effective, Description: s.Description,
		ImportedBy: by, ImportedAt: at.UTC(), Source: source, Fares: s.Len(),
		VersionCSV: s.Text(FileVersion), AirportsCSV: s.Text(FileAirports), MCTCSV: s.Text(FileMCT),
		RatesCSV: s.Text(FileRates), FaresCSV: s.Text(FileFares),
		CarriersCSV: s.Text(FileCarriers), TransitCSV: s.Text(FileTransit), HolidaysCSV: s.Text(FileHolidays),
		ProgrammesCSV: s.Text(FileProgrammes),
	}
}

// Kind implements booking.Record.
func (r *SetRecord) Kind() string { return KindTariffSet }

// Key implements booking.Record.
func (r *SetRecord) Key() string { return SetKey(r.Version) }

// CaseNumber implements booking.Record: tariff versions are shared.
func (r *SetRecord) CaseNumber() string { return "" }

// Validate implements booking.Record. It checks the identity fields only:
// the tables were fully checked by Parse before the record was built, and
// Set parses them again on load.
func (r *SetRecord) Validate() error {
	switch {
	case !ValidVersion(r.Version):
		return booking.Errorf(booking.EINVALID, "version", "version %q must be 1 to 40 letters, digits, '.', '_' or '-'", r.Version)
	case r.Version == EmbeddedVersion:
		return booking.Errorf(booking.EINVALID, "version", "version %q is reserved for the embedded tables", r.Version)
	case r.Effective.IsZero():
		return booking.Errorf(booking.EINVALID, "effective", "effective date is required")
	case r.FaresCSV == "":
		return booking.Errorf(booking.EINVALID, "fares_csv", "fares table is empty")
	}
	return nil
}

// Set parses the stored tables.
func (r *SetRecord) Set() (*Set, error) {
	files := map[string]string{
		FileVersion: r.VersionCSV, FileAirports: r.AirportsCSV, FileMCT: r.MCTCSV,
		FileRates: r.RatesCSV, FileFares: r.FaresCSV,
	}
	for name, text := range map[string]string{FileCarriers: r.CarriersCSV, FileTransit: r.TransitCSV,
		FileHolidays: r.HolidaysCSV, FileProgrammes: r.ProgrammesCSV} {
		if text != "" {
			files[name] = text
		}
	}
	return Parse(files)
}

// ActiveRecord names the active version. Without one, the embedded tables
// are active.
type ActiveRecord struct {
	Version     string    `json:"version"`
	Previous    string    `json:"previous,omitempty"`
	ActivatedBy string    `json:"activated_by"`
	ActivatedAt time.Time `json:"activated_at"`
}

// Kind implements booking.Record.
func (r *ActiveRecord) Kind() string { return KindTariffActive }

// Key implements booking.Record.
func (r *ActiveRecord) Key() string { return ActiveKey }

// CaseNumber implements booking.Record.
func (r *ActiveRecord) CaseNumber() string { return "" }

// Validate implements booking.Record.
func (r *ActiveRecord) Validate() error {
	if !ValidVersion(r.Version) {
		return booking.Errorf(booking.EINVALID, "version", "version %q must be 1 to 40 letters, digits, '.', '_' or '-'", r.Version)
	}
	return nil
}
