// Package arch holds the architecture test: the layering that STYLE.md
// describes, checked with `go list -deps` so it stays true as code grows.
package arch

import (
	"os/exec"
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
		"store":   {"booking", "change"},
		"tui":     {"booking"},
		"demo":    {"booking"},
		"reports": {"booking"},
		// Sync: the wire format knows ops, not stores; the hub and the desk
		// client meet only through it.
		"wire":     {"booking", "change"},
		"central":  {"booking", "change", "store", "tariffs", "wire"},
		"desksync": {"booking", "change", "store", "wire"},
	}
	for pkg, may := range allowed {
		for _, d := range ours(deps(t, pkg), pkg) {
			if !slices.Contains(may, d) && !strings.HasPrefix(d, pkg+"/") {
				t.Errorf("%s imports movedesk/%s; it may import only %v", pkg, d, may)
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
