package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
)

// File reads file:// URLs: absolute local paths, with an empty host or
// "localhost".
type File struct{}

// NewFile returns the file:// handler.
func NewFile() File { return File{} }

// Handles reports whether rawURL is a file URL.
func (File) Handles(rawURL string) bool { return Scheme(rawURL) == "file" }

// Open opens the local file and seeks to offset.
func (File) Open(_ context.Context, rawURL string, offset int64) (io.ReadCloser, int64, error) {
	path, err := LocalPath(rawURL)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	size, err := seekRegular(f, offset)
	if err != nil {
		_ = f.Close()
		return nil, 0, err
	}
	return f, size, nil
}

// LocalPath returns the path of a file:// URL, refusing remote hosts.
func LocalPath(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("invalid file URL: %w", unwrapURLError(err))
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("file URL host %q is not supported: use file:///absolute/path", u.Host)
	}
	if u.Path == "" || u.Path[0] != '/' {
		return "", errors.New("file URL has no absolute path: use file:///absolute/path")
	}
	return u.Path, nil
}

func seekRegular(f *os.File, offset int64) (int64, error) {
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if !info.Mode().IsRegular() {
		return 0, fmt.Errorf("%s is not a regular file", f.Name())
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, err
	}
	return info.Size(), nil
}
