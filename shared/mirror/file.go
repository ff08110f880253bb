package mirror

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// parseFileDestination returns the local path of file:///ABS/PATH or of
// file://./REL/PATH, which is relative to baseDir (the build's directory).
// The path is percent-decoded; '?' and '#' are part of it, as in s3:// keys.
func parseFileDestination(raw, baseDir string) (string, error) {
	rest := raw[len("file://"):]
	host, encoded, _ := strings.Cut(rest, "/")
	decoded, err := url.PathUnescape(encoded)
	if err != nil {
		return "", fmt.Errorf("destination %s: bad percent-encoding: %w", redact.Quote(raw), err)
	}
	if decoded == "" || strings.HasSuffix(decoded, "/") {
		return "", fmt.Errorf("destination %s names a directory, not a file", redact.Quote(raw))
	}
	switch host {
	case "", "localhost":
		return filepath.Clean("/" + decoded), nil
	case ".":
		return filepath.Join(baseDir, filepath.FromSlash(decoded)), nil
	}
	return "", fmt.Errorf("destination %s: file:// URLs take no host (use file:///absolute/path or file://./relative/path)", redact.Quote(raw))
}

// fileDestination is a local file, usually on a shared volume.
type fileDestination struct {
	path string
}

func (d fileDestination) String() string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(d.path)}).String()
}

func (d fileDestination) existing(context.Context) (*existing, error) {
	info, err := os.Stat(d.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("destination %s exists and is not a regular file", d)
	}
	return &existing{size: info.Size(), digest: d.digest}, nil
}

// digest reads the existing copy: a plain file keeps no record of its hashes.
func (d fileDestination) digest(_ context.Context, hashType string) (string, error) {
	f, err := os.Open(d.path)
	if err != nil {
		return "", err
	}
	sum, err := hashFile(f, hashType)
	if err = errors.Join(err, f.Close()); err != nil {
		return "", fmt.Errorf("read %s: %w", d, err)
	}
	return sum, nil
}

// create writes into a temporary file beside the destination, so that the
// final rename is atomic and a failed copy leaves nothing under its name.
func (d fileDestination) create(context.Context, metalink.File) (upload, error) {
	dir := filepath.Dir(d.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	temp, err := os.CreateTemp(dir, "."+filepath.Base(d.path)+".mirror-*")
	if err != nil {
		return nil, err
	}
	return &fileUpload{temp: temp, target: d.path}, nil
}

type fileUpload struct {
	temp   *os.File
	target string
	done   bool
}

func (u *fileUpload) remote() bool { return false }

func (u *fileUpload) Write(p []byte) (int, error) { return u.temp.Write(p) }

func (u *fileUpload) commit() error {
	u.done = true
	err := errors.Join(u.temp.Chmod(0o644), u.temp.Close())
	if err == nil {
		err = os.Rename(u.temp.Name(), u.target)
	}
	if err != nil {
		_ = os.Remove(u.temp.Name())
		return fmt.Errorf("write %s: %w", u.target, err)
	}
	return nil
}

func (u *fileUpload) abort(error) {
	if u.done {
		return
	}
	u.done = true
	_ = u.temp.Close()
	_ = os.Remove(u.temp.Name())
}
