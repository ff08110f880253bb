package download

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// partial is the temporary file a download streams into, in the target's
// directory so that the final rename is atomic. Its name starts with a dot
// and never equals the target's.
type partial struct {
	file      *os.File
	target    string
	committed bool
}

func createPartial(target string) (*partial, error) {
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, localError{err: err}
	}
	file, err := os.CreateTemp(parent, "."+filepath.Base(target)+".partial-*")
	if err != nil {
		return nil, localError{err: err}
	}
	return &partial{file: file, target: target}, nil
}

// Write appends to the file; its errors are local ones.
func (p *partial) Write(b []byte) (int, error) {
	n, err := p.file.Write(b)
	if err != nil {
		return n, localError{err: err}
	}
	return n, nil
}

// Writers is the file itself: partial is the Sink of File.
func (p *partial) Writers() []io.Writer { return []io.Writer{p} }

// Rewind empties the file for a transfer that starts from byte zero.
func (p *partial) Rewind() error {
	if err := p.file.Truncate(0); err != nil {
		return localError{err: err}
	}
	if _, err := p.file.Seek(0, io.SeekStart); err != nil {
		return localError{err: err}
	}
	return nil
}

// commit gives the verified file its final name.
func (p *partial) commit() error {
	if err := p.file.Chmod(0o644); err != nil {
		return localError{err: err}
	}
	if err := p.file.Close(); err != nil {
		return localError{err: err}
	}
	if err := os.Rename(p.file.Name(), p.target); err != nil {
		return localError{err: err}
	}
	p.committed = true
	return nil
}

// discard removes the file unless it was committed.
func (p *partial) discard() {
	if p.committed {
		return
	}
	_ = p.file.Close()
	_ = os.Remove(p.file.Name())
}

// localError is a failure of this machine (disk full, permissions), not of a
// mirror: another mirror would not help, so the download stops.
type localError struct {
	err   error
	plain bool // the error speaks for itself: no "local file" prefix
}

func (e localError) Error() string {
	if e.plain {
		return e.err.Error()
	}
	return fmt.Sprintf("local file: %v", e.err)
}

func (e localError) Unwrap() error { return e.err }

func isLocal(err error) bool {
	var local localError
	return errors.As(err, &local)
}

// asLocal marks a sink's failure as local, keeping its message: an upload
// that fails is no mirror's fault either.
func asLocal(err error) error {
	if err == nil || isLocal(err) {
		return err
	}
	return localError{err: err, plain: true}
}

// localWriters mark the errors of a sink's writers as local.
func localWriters(writers []io.Writer) []io.Writer {
	marked := make([]io.Writer, len(writers))
	for i, w := range writers {
		marked[i] = localWriter{w}
	}
	return marked
}

type localWriter struct{ io.Writer }

func (w localWriter) Write(p []byte) (int, error) {
	n, err := w.Writer.Write(p)
	return n, asLocal(err)
}
