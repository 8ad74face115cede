package central

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"movedesk/store"
)

// CheckBackupPath refuses a backup destination that could destroy
// something: a path that is not absolute, a file that exists (whatever it
// is: an older backup, the hub's own store, desks.json), and any path inside
// the hub's data directory dataDir (symbolic links resolved), whose files
// the hub owns.
func CheckBackupPath(dataDir, path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("backup path %s must be absolute", path)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup file %s exists: a backup never replaces a file; choose a new name", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup file %s: %w", path, err)
	}
	parent, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("backup directory %s: %w", filepath.Dir(path), err)
	}
	data, err := filepath.Abs(dataDir)
	if err == nil {
		if d, err := filepath.EvalSymlinks(data); err == nil {
			data = d
		}
	}
	rel, err := filepath.Rel(data, filepath.Join(parent, filepath.Base(path)))
	if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("backup file %s is inside the hub's data directory %s: write it elsewhere (another disk, ideally)", path, dataDir)
	}
	return nil
}

// backupTo writes a backup of s to path after CheckBackupPath, never
// replacing a file that appeared meanwhile: the copy is made under a
// temporary name beside path, then linked to path (which fails if path
// exists).
func backupTo(s *store.Store, dataDir, path string) (int64, error) {
	if err := CheckBackupPath(dataDir, path); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".movedesk-backup-*")
	if err != nil {
		return 0, err
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	n, err := s.Backup(tmp)
	if err != nil {
		return 0, err
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return 0, fmt.Errorf("backup file %s exists: a backup never replaces a file; choose a new name", path)
		}
		// A file system without hard links: the check above stands.
		if _, serr := os.Lstat(path); serr == nil {
			return 0, fmt.Errorf("backup file %s exists: a backup never replaces a file; choose a new name", path)
		}
		if err := os.Rename(tmp, path); err != nil {
			return 0, err
		}
	}
	return n, nil
}
