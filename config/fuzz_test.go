package config

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLoad loads arbitrary config files: an error, never a panic, and a
// config it accepts has passed Validate.
func FuzzLoad(f *testing.F) {
	if b, err := os.ReadFile("../config.example.yaml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("user: amina\nsync:\n  hub: https://hub.example.org:8470\n  interval: 2m\n"))
	f.Add([]byte("templates:\n  USRAP:\n    counselling:\n      - {label: x}\n"))
	f.Add([]byte("serve:\n  max_ops: -1\n  desk_rate: 1e400\n"))
	f.Add([]byte("rules: [1, 2]\n"))
	f.Add([]byte("{\"data\": 3}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				panic(fmt.Sprintf("Load took over 5 s on %q", data))
			}
		}()
		c, err := Load(file, nil)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Load accepted a config Validate refuses: %v", err)
		}
	})
}
