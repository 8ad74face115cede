// Package arch holds the architecture test: the layering that STYLE.md
// describes, checked with `go list -deps` so it stays true as code grows.
package arch

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "movedesk/"+pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

func ours(ds []string, self string) []string {
	var out []string
	for _, d := range ds {
		if strings.HasPrefix(d, "movedesk/") && d != "movedesk/"+self {
			out = append(out, strings.TrimPrefix(d, "movedesk/"))
		}
	}
	return out
}

func TestLayering(t *testing.T) {
	allowed := map[string][]string{
		"booking": {},
		"change":  {},
		"tariffs": {"booking"},
		// flights and reports are pure (booking only): the store keeps
		// flight index entries and a report row per case.
		"store": {"booking", "change", "flights", "reports"},
		// The use-case layer: every user write, over the store.
		"desk":    {"booking", "change", "dupes", "flights", "reports", "store", "tariffs"},
		"dupes":   {"booking"},
		"tui":     {"booking", "flights"},
		"demo":    {"booking"},
		"reports": {"booking"},
		"flights": {"booking"},
		// Sync: the wire format knows ops, not stores; the hub and the desk
		// client meet only through it.
		"wire":     {"booking", "change"},
		"central":  {"booking", "change", "flights", "reports", "store", "tariffs", "wire"},
		"desksync": {"booking", "change", "flights", "reports", "store", "wire"},
	}
	for pkg, may := range allowed {
		for _, d := range ours(deps(t, pkg), pkg) {
			if !slices.Contains(may, d) && !strings.HasPrefix(d, pkg+"/") {
				t.Errorf("%s imports movedesk/%s; it may import only %v", pkg, d, may)
			}
		}
	}
}

// TestOnlyCmdImportsDesk keeps the use-case layer wired in one place: the
// command (the app and the CLI). The sync packages may call it later.
func TestOnlyCmdImportsDesk(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "movedesk/...").Output()
	if err != nil {
		t.Fatal(err)
	}
	may := []string{"movedesk/cmd/movedesk", "movedesk/central", "movedesk/desksync"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if slices.Contains(f[1:], "movedesk/desk") && !slices.Contains(may, f[0]) {
			t.Errorf("%s imports movedesk/desk; only %v may", f[0], may)
		}
	}
}

// userWrite matches what opens a write transaction or writes a record
// directly: store.(*Store).Update (or tui's former Source.Update) with a
// transaction function, Tx.Put/PutObject/Delete, Store.PutRecords.
var userWrite = regexp.MustCompile(`\.Update\([^)]*func\(tx |\btx\.(Put|PutObject|Delete)\(|\.PutRecords\(`)

// TestUserWritesGoThroughDesk: no screen and no command writes to the store
// itself; they call desk. Not user writes, and allowed: the demo generator
// (demo.go, and its users: demousers.go) and import (transfer.go).
func TestUserWritesGoThroughDesk(t *testing.T) {
	allowed := map[string]bool{"cmd/movedesk/demo.go": true, "cmd/movedesk/demousers.go": true, "cmd/movedesk/transfer.go": true}
	for _, dir := range []string{"tui", "cmd/movedesk"} {
		files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		for _, f := range files {
			name := filepath.ToSlash(filepath.Join(dir, filepath.Base(f)))
			if strings.HasSuffix(f, "_test.go") || allowed[name] {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(b), "\n") {
				if userWrite.MatchString(line) {
					t.Errorf("%s:%d writes to the store itself (call desk): %s", name, i+1, strings.TrimSpace(line))
				}
			}
		}
	}
}

func TestOnlyStoreImportsBbolt(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "movedesk/...").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if slices.Contains(f[1:], "go.etcd.io/bbolt") && f[0] != "movedesk/store" {
			t.Errorf("%s imports bbolt; only movedesk/store may", f[0])
		}
	}
}

func TestNoCharmV1(t *testing.T) {
	for _, d := range deps(t, "cmd/movedesk") {
		for _, v1 := range []string{"github.com/charmbracelet/bubbletea", "github.com/charmbracelet/bubbles", "github.com/charmbracelet/lipgloss"} {
			if d == v1 || strings.HasPrefix(d, v1+"/") {
				t.Errorf("the app links %s: only the charm.land v2 stack is allowed", d)
			}
		}
	}
}
