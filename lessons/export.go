package lessons

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Export writes the built-in lesson files into dir, for an instructor to
// edit and load back with --lessons. It creates dir if need be and never
// overwrites a file: an edited copy is not lost to a second export.
func Export(dir string) ([]string, error) {
	sub, err := fs.Sub(builtin, "content")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(sub, "*.md")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, name := range names {
		// Lstat: a symbolic link in the way is a file in the way, even one
		// that points nowhere.
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return nil, fmt.Errorf("%s already exists: export into a new directory, or move your copy away first", filepath.Join(dir, name))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	var wrote []string
	for _, name := range names {
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			return wrote, err
		}
		path := filepath.Join(dir, name)
		if err := writeNew(path, b); err != nil {
			return wrote, err
		}
		wrote = append(wrote, path)
	}
	return wrote, nil
}

// writeNew writes a file that must not exist yet: O_EXCL fails on
// anything at path, a symbolic link included, rather than writing through
// it to wherever it points.
func writeNew(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// LoadDir reads lesson files from dir, as Export wrote them and an
// instructor edited them. Errors name the file and the line.
func LoadDir(dir string) (*Book, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	b, err := Load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return b, nil
}
