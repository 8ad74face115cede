package main

import (
	"fmt"
	"os"
)

// openPrivate opens the --out file path for writing, truncated: a new file
// is created 0600, and an existing regular file is set to 0600 before
// anything is written to it, so it keeps nothing of its old mode (exports
// hold personal data). A device or pipe (/dev/stdout) is used as it is.
func openPrivate(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && fi.Mode().IsRegular() {
		err = f.Chmod(0o600)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// writePrivate writes data to path as openPrivate opens it.
func writePrivate(path string, data []byte) error {
	f, err := openPrivate(path)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
