package catalog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// marker is the file that tells a directory Write made: Write replaces
// such a directory, and refuses to replace any other that is not empty.
const marker = assetDir + "/catalog.css"

// Write renders the static site of s into dir: every page, with relative
// links, so that it works from file://, S3 or any web server. The site is
// written beside dir and renamed into place, so that dir is never a half
// site: it is the old site or the new one (an earlier site in dir is
// replaced; a directory that holds anything else is refused). Histories
// are read first; a repository whose history fails fails the write.
func (s *Site) Write(ctx context.Context, dir string) error {
	dir = filepath.Clean(dir)
	if err := checkReplaceable(dir); err != nil {
		return err
	}
	if err := s.LoadHistories(ctx); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("create the site beside %s: %w", dir, err)
	}
	defer func() { _ = os.RemoveAll(tmp) }() // gone once renamed; on failure, the half site
	for _, p := range s.paths() {
		data, _, _, err := s.render(ctx, p)
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(tmp, filepath.FromSlash(p)), data); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp made it 0700: a site is for reading
		return fmt.Errorf("write the site: %w", err)
	}
	return replace(tmp, dir)
}

// checkReplaceable refuses a dir that exists and is neither empty nor a
// site Write made: --output pointed at the wrong directory loses nothing.
func checkReplaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("%s: %w", dir, err)
	case len(entries) == 0:
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(marker))); err != nil {
		return fmt.Errorf("%s is not empty and holds no catalog (no %s): refusing to replace it", dir, marker)
	}
	return nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write the site: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil { //nolint:gosec // a site is for reading
		return fmt.Errorf("write the site: %w", err)
	}
	return nil
}

// replace renames the finished site tmp to dir, moving an earlier site
// aside first and removing it after.
func replace(tmp, dir string) error {
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("move the earlier site %s aside: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir) // put the earlier site back; the error says what failed
		}
		return fmt.Errorf("rename the site into %s: %w", dir, err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("remove the earlier site %s: %w", old, err)
		}
	}
	return nil
}
