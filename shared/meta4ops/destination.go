package meta4ops

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// destination is where Download writes: name, a local path inside
// dir, the directory the user named. Everything written goes through an
// os.Root of dir, so that no name and no symlink on the way leads out of it,
// whatever the document says: the second guard after document validation.
type destination struct {
	dir  string
	name string
}

// destinationOf interprets Download's path for a file called fileName:
// an existing directory, or a path ending in a slash, receives the file
// under its own name; any other path is the file itself.
func destinationOf(path, fileName string) destination {
	if info, err := os.Stat(path); hasTrailingSlash(path) || (err == nil && info.IsDir()) {
		return destination{dir: path, name: filepath.FromSlash(fileName)}
	}
	return destination{dir: filepath.Dir(path), name: filepath.Base(path)}
}

// open creates the directory when it is missing, as a PATH ending in a
// slash asks, and opens it as the root every write goes through.
func (d destination) open() (*os.Root, error) {
	info, err := os.Stat(filepath.Clean(d.dir)) // "file/" is not found, but is a file
	switch {
	case err == nil && !info.IsDir():
		return nil, fmt.Errorf("%s is a file, not a directory", d.dir)
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(d.dir, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", d.dir, err)
		}
	}
	root, err := os.OpenRoot(d.dir)
	if err != nil {
		return nil, fmt.Errorf("write into %s: %w", d.dir, err)
	}
	return root, nil
}

func hasTrailingSlash(path string) bool {
	return strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(filepath.Separator))
}

// path is the destination as the user would write it.
func (d destination) path() string { return filepath.Join(d.dir, d.name) }

// check refuses, before anything is downloaded, a name that leaves dir, a
// symlink on the way that leads out of it, a file where a directory must be
// and a directory where the file must be.
func (d destination) check(root *os.Root) error {
	if !filepath.IsLocal(d.name) {
		return fmt.Errorf("%s would be written outside %s", d.path(), d.dir)
	}
	parts := strings.Split(d.name, string(filepath.Separator))
	for i := range parts {
		if err := d.checkStep(root, filepath.Join(parts[:i+1]...), i == len(parts)-1); err != nil {
			return err
		}
	}
	return nil
}

// checkStep checks one existing component of the name; a missing one ends
// the check, as everything below it will be created inside dir.
func (d destination) checkStep(root *os.Root, name string, last bool) error {
	shown := filepath.Join(d.dir, name)
	link, err := root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", shown, err)
	}
	info, err := root.Stat(name)
	if link.Mode()&fs.ModeSymlink != 0 && err != nil {
		return fmt.Errorf("%s is a symlink that leads outside %s", shown, d.dir)
	}
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", shown, err)
	case last && info.IsDir():
		return fmt.Errorf("%s is a directory, not a file", shown)
	case !last && !info.IsDir():
		return fmt.Errorf("%s is a file, not a directory", shown)
	}
	return nil
}

// stage makes a private directory inside dir that a download is written
// into before it is moved to its name; remove discards it and what is left.
func (d destination) stage() (dir string, remove func(), err error) {
	dir, err = os.MkdirTemp(d.dir, ".meta4-download-*")
	if err != nil {
		return "", nil, fmt.Errorf("write into %s: %w", d.dir, err)
	}
	return dir, func() { _ = os.RemoveAll(dir) }, nil
}

// place moves the staged file staged (a name inside dir) to the
// destination's name through root, creating the directories between.
func (d destination) place(root *os.Root, staged string) error {
	if parent := filepath.Dir(d.name); parent != "." {
		if err := root.MkdirAll(parent, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Join(d.dir, parent), err)
		}
	}
	if err := root.Rename(staged, d.name); err != nil {
		return fmt.Errorf("write %s: %w", d.path(), err)
	}
	return nil
}
