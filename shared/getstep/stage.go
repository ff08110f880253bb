package getstep

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// stagePrefix starts the name of the staging directory inside the
// destination; an earlier run that was killed may have left one behind.
const stagePrefix = ".in-staging-"

// stage is where an `in` writes before anything gets a final name, and what
// it did to the destination, so that a failure can take all of it back.
type stage struct {
	dir     string
	dest    string
	made    []string // files moved into dest and directories made there, in order
	madeDir bool     // dest itself did not exist
}

// newStage creates the destination and a staging directory inside it, on
// the same file system, so that publishing is a series of renames. Staging
// directories an earlier, killed run left are removed first.
func newStage(dest string, log io.Writer) (*stage, error) {
	s := &stage{dest: dest}
	if _, err := os.Stat(dest); errors.Is(err, os.ErrNotExist) {
		s.madeDir = true
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return nil, fmt.Errorf("create destination: %w", err)
	}
	if err := removeStale(dest, log); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(dest, stagePrefix)
	if err != nil {
		return nil, fmt.Errorf("create staging directory in destination: %w", err)
	}
	s.dir = dir
	return s, nil
}

// removeStale removes the staging directories of earlier runs. Two `in`s
// into one directory at the same time are not supported (Concourse never
// does that), so any staging directory found is stale.
func removeStale(dest string, log io.Writer) error {
	entries, err := os.ReadDir(dest)
	if err != nil {
		return fmt.Errorf("read destination: %w", err)
	}
	for _, entry := range entries {
		if !entry.IsDir() || !strings.HasPrefix(entry.Name(), stagePrefix) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dest, entry.Name())); err != nil {
			return fmt.Errorf("remove the staging directory an earlier run left: %w", err)
		}
		if log != nil {
			_, _ = fmt.Fprintf(log, "removed %s, left by an earlier run that did not finish\n", entry.Name())
		}
	}
	return nil
}

// publish moves every staged name to its final place. Should one move
// fail, everything already moved, and every directory made for it, is
// removed again so that no partial result stays.
func (s *stage) publish(names []string) error {
	for _, name := range names {
		if err := s.move(name); err != nil {
			return errors.Join(err, s.rollback())
		}
	}
	s.made = nil
	return nil
}

func (s *stage) move(name string) error {
	target := filepath.Join(s.dest, filepath.FromSlash(name))
	if err := s.mkdirs(filepath.Dir(target)); err != nil {
		return fmt.Errorf("move %s into the destination: %w", name, err)
	}
	if err := os.Rename(filepath.Join(s.dir, filepath.FromSlash(name)), target); err != nil {
		return fmt.Errorf("move %s into the destination: %w", name, err)
	}
	s.made = append(s.made, target)
	return nil
}

// mkdirs makes dir and its missing parents inside the destination,
// remembering each for the rollback.
func (s *stage) mkdirs(dir string) error {
	var missing []string
	for d := dir; d != s.dest; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil {
			return err
		}
		s.made = append(s.made, missing[i])
	}
	return nil
}

// rollback removes what publish made, the last first.
func (s *stage) rollback() error {
	var errs []error
	for i := len(s.made) - 1; i >= 0; i-- {
		if err := os.Remove(s.made[i]); err != nil {
			errs = append(errs, fmt.Errorf("roll back: %w", err))
		}
	}
	s.made = nil
	return errors.Join(errs...)
}

// close removes the staging directory, and the destination too when this
// run created it and failed (it is then empty), adding any failure to err.
func (s *stage) close(err error) error {
	if rmErr := os.RemoveAll(s.dir); rmErr != nil {
		err = errors.Join(err, fmt.Errorf("remove the staging directory: %w", rmErr))
	}
	if err != nil && s.madeDir {
		if rmErr := os.Remove(s.dest); rmErr != nil {
			err = errors.Join(err, fmt.Errorf("remove the destination it created: %w", rmErr))
		}
	}
	return err
}
