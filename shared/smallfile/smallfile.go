// Package smallfile reads the small files a tool or a library is handed
// (documents, keys, signatures, checksum lists) whole, within a bound.
package smallfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Read reads a small regular file whole, or stdin for "-" (when stdin is
// not nil), refusing more than limit bytes: documents, keys and signatures
// are small, and a path that names a huge file or a device by mistake must
// not fill memory.
func Read(path string, stdin io.Reader, limit int64) ([]byte, fs.FileInfo, error) {
	if path == "-" && stdin == nil {
		return nil, nil, errors.New("- (stdin) is not accepted here: name a file")
	}
	if path == "-" {
		data, err := readLimited(stdin, limit, "stdin")
		return data, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	// Read only: a failed close loses nothing.
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := readLimited(f, limit, path)
	return data, info, err
}

func readLimited(r io.Reader, limit int64, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s holds more than %d bytes", name, limit)
	}
	return data, nil
}
