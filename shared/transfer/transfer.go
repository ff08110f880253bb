// Package transfer opens the bytes behind download URLs (file, http(s), ftp;
// s3 is added by package urlhandlers) behind one small interface.
package transfer

import (
	"context"
	"errors"
	"io"
)

// Handler reads one family of URLs.
type Handler interface {
	// Handles reports whether this handler reads rawURL.
	Handles(rawURL string) bool
	// Open returns the bytes of rawURL from offset on (offset > 0 resumes a
	// partial transfer) and the total size of the resource, or -1 if unknown.
	// Errors worth retrying are wrapped with Transient.
	Open(ctx context.Context, rawURL string, offset int64) (body io.ReadCloser, size int64, err error)
}

// Router sends each URL to the first handler that handles it.
type Router []Handler

// Open implements Handler over the router.
func (r Router) Open(ctx context.Context, rawURL string, offset int64) (io.ReadCloser, int64, error) {
	return nil, 0, errors.New("transfer: Router.Open not implemented")
}

// Handles reports whether any handler takes rawURL.
func (r Router) Handles(rawURL string) bool { return false }

// Defaults returns the handlers every resource has: file, http(s) and ftp.
func Defaults() Router { return nil }

// Transient marks err as worth a retry (connection reset, 5xx, timeout).
func Transient(err error) error { return err }

// IsTransient reports whether err was marked by Transient.
func IsTransient(err error) bool { return false }
