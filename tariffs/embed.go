package tariffs

import (
	"embed"
	"hash/fnv"
	"io/fs"
	"slices"
	"sync"
)

//go:embed defaults/*.csv
var defaultsFS embed.FS

// EmbeddedVersion is the version id of the embedded default tables.
const EmbeddedVersion = "embedded-2026"

// IllustrativeNote marks the embedded amounts wherever they are shown.
const IllustrativeNote = "The embedded tables are ILLUSTRATIVE: routes follow real hubs, but the amounts are made up; offices import their own negotiated tables."

// embedded parses the defaults once; the tables are immutable afterwards.
var embedded = sync.OnceValues(func() (*Set, error) {
	sub, err := fs.Sub(defaultsFS, "defaults")
	if err != nil {
		return nil, err
	}
	return ParseFS(sub)
})

// Embedded returns the embedded default table set, parsed once and cached.
// It is active when no version has been imported.
func Embedded() (*Set, error) { return embedded() }

// embeddedProgrammes parses only the embedded programmes.csv: a flight's
// caps should not cost a parse of every embedded fare.
var embeddedProgrammes = sync.OnceValues(func() ([]ProgrammeRule, error) {
	b, err := defaultsFS.ReadFile("defaults/" + FileProgrammes)
	if err != nil {
		return nil, err
	}
	return ParseProgrammeRules(string(b))
})

// EmbeddedProgrammeRules returns the embedded programmes.csv rows, as
// Embedded().ProgrammeRules() would, without parsing the fares.
func EmbeddedProgrammeRules() ([]ProgrammeRule, error) {
	rs, err := embeddedProgrammes()
	return slices.Clone(rs), err
}

// EmbeddedDigest identifies the content of the embedded tables: a build
// with other tables under the same EmbeddedVersion has another digest.
var EmbeddedDigest = sync.OnceValue(func() uint64 {
	h := fnv.New64a()
	_ = fs.WalkDir(defaultsFS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := defaultsFS.ReadFile(path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return h.Sum64()
})
