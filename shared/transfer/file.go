package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"syscall"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// File reads file:// URLs: absolute local paths, with an empty host or
// "localhost". Only regular files are read: a named pipe or a device is not a
// file a metalink can describe, and opening one could block.
//
// A local read can hang as long as a network one (a dead NFS server), so the
// body has the stall watchdog of HTTP bodies and honours ctx. The kernel does
// not let go of a read stuck in such a mount, and closing the file does not
// interrupt it, so every open and read runs in a goroutine of its own that the
// caller stops waiting for when ctx ends or the transfer stalls. A call left
// behind that way finishes whenever the kernel returns; its bytes are dropped
// and the descriptor is released then.
type File struct {
	// StallTimeout ends a body that delivered no byte for this long, as a
	// transient error; zero means DefaultStallTimeout.
	StallTimeout time.Duration
}

// NewFile returns the file:// handler.
func NewFile() File { return File{} }

// Handles reports whether rawURL is a file URL.
func (File) Handles(rawURL string) bool { return Scheme(rawURL) == "file" }

// Open opens the local file and seeks to offset.
func (h File) Open(ctx context.Context, rawURL string, offset int64) (io.ReadCloser, int64, error) {
	path, err := LocalPath(rawURL)
	if err != nil {
		return nil, 0, err
	}
	// The watch starts before the open: an open can hang too.
	body, local := watchLocal(ctx, h.StallTimeout)
	size, err := local.open(path, offset)
	if err != nil {
		err = body.failure(err) // before Close, which ends readCtx
		_ = body.Close()        // nothing was read; the open's error is the news
		return nil, 0, err
	}
	return body, size, nil
}

// LocalPath returns the path of a file:// URL, refusing remote hosts.
func LocalPath(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("invalid file URL: %w", unwrapURLError(err))
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("file URL host %s is not supported: use file:///absolute/path", redact.Quote(u.Host))
	}
	if u.Path == "" || u.Path[0] != '/' {
		return "", errors.New("file URL has no absolute path: use file:///absolute/path")
	}
	return u.Path, nil
}

// watchLocal returns a local file body, not open yet, under the stall watch.
// Errors other than a stall or the end of ctx are returned as they are: a
// local file that fails to read fails the same way next time.
func watchLocal(ctx context.Context, stall time.Duration) (*watchedBody, *localFile) {
	readCtx, cancel := context.WithCancelCause(ctx)
	local := &localFile{ctx: readCtx}
	return watch(readCtx, cancel, local, stall, nil), local
}

// localFile reads a local file with each system call in a goroutine of its
// own (see File), giving up on it when ctx ends.
type localFile struct {
	ctx  context.Context
	file *os.File
	buf  []byte // what the read goroutine reads into, never the caller's slice
	err  error  // set once a call was left behind: every later Read fails so
}

type opened struct {
	file *os.File
	size int64
	err  error
}

// open opens path, refusing anything but a regular file, and seeks to offset.
func (l *localFile) open(path string, offset int64) (int64, error) {
	result, left := await(l.ctx, func() opened { return openRegular(path, offset) }, func(late opened) {
		if late.file != nil {
			_ = late.file.Close() // nobody waits for this file any more
		}
	})
	if left {
		l.err = context.Cause(l.ctx)
		return 0, l.err
	}
	if result.err != nil {
		return 0, result.err
	}
	l.file = result.file
	return result.size, nil
}

// openRegular opens path without blocking on a named pipe or a device (with
// O_NONBLOCK) and refuses anything that is not a regular file.
func openRegular(path string, offset int64) opened {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return opened{err: err}
	}
	size, err := positionRegular(f, offset)
	if err != nil {
		_ = f.Close() // the error that matters is err
		return opened{err: err}
	}
	return opened{file: f, size: size}
}

// positionRegular checks that f is a regular file, makes its reads blocking
// again (a file system may honour O_NONBLOCK) and seeks to offset.
func positionRegular(f *os.File, offset int64) (int64, error) {
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if !info.Mode().IsRegular() {
		return 0, fmt.Errorf("%s is not a regular file (%s)", f.Name(), fileKind(info.Mode()))
	}
	if err := setBlocking(f); err != nil {
		return 0, fmt.Errorf("open %s: %w", f.Name(), err)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, err
	}
	return info.Size(), nil
}

func setBlocking(f *os.File) error {
	raw, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var setErr error
	if err := raw.Control(func(fd uintptr) { setErr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return setErr
}

// fileKind names what a non-regular file is, for the refusal.
func fileKind(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + mode.Type().String()
}

type readResult struct {
	n   int
	err error
}

// Read reads into a buffer of its own in a goroutine and copies what came to
// p, so that a read left behind never writes into the caller's memory.
func (l *localFile) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if l.file == nil {
		return 0, errors.New("read from a file that is not open")
	}
	if cap(l.buf) < len(p) {
		l.buf = make([]byte, len(p))
	}
	buf := l.buf[:len(p)]
	result, left := await(l.ctx, func() readResult {
		n, err := l.file.Read(buf)
		return readResult{n: n, err: err}
	}, nil)
	if left {
		l.buf = nil // the read left behind still owns it
		l.err = context.Cause(l.ctx)
		return 0, l.err
	}
	return copy(p, buf[:result.n]), result.err
}

// Close closes the file. A read left behind keeps the descriptor until it
// returns; Close does not wait for that.
func (l *localFile) Close() error {
	if l.file == nil {
		return nil
	}
	return l.file.Close()
}

// await runs call in a goroutine of its own and returns its result, or
// left = true as soon as ctx ends, whichever comes first. A call left behind
// runs on; its result then goes to late, when late is not nil.
func await[T any](ctx context.Context, call func() T, late func(T)) (result T, left bool) {
	if ctx.Err() != nil {
		return result, true
	}
	done := make(chan T, 1)
	go func() { done <- call() }()
	select {
	case result = <-done:
		return result, false
	case <-ctx.Done():
		if late != nil {
			go func() { late(<-done) }()
		}
		return result, true
	}
}
