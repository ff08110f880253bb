// Package transfer opens the bytes behind download URLs (file, http(s), ftp;
// s3 is added by package urlhandlers) behind one small interface.
package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// Handler reads one family of URLs.
type Handler interface {
	// Handles reports whether this handler reads rawURL.
	Handles(rawURL string) bool
	// Open returns the bytes of rawURL from offset on (offset > 0 resumes a
	// partial transfer) and the total size of the resource, or -1 if unknown.
	// Errors worth retrying are wrapped with Transient. The body honours ctx:
	// cancelling it ends a blocked Read. Errors never contain URL userinfo.
	Open(ctx context.Context, rawURL string, offset int64) (body io.ReadCloser, size int64, err error)
}

// Router sends each URL to the first handler that handles it.
type Router []Handler

// Open implements Handler over the router.
func (r Router) Open(ctx context.Context, rawURL string, offset int64) (io.ReadCloser, int64, error) {
	for _, h := range r {
		if h.Handles(rawURL) {
			return h.Open(ctx, rawURL, offset)
		}
	}
	return nil, 0, fmt.Errorf("%w in %s", UnsupportedScheme(rawURL), redact.String(rawURL))
}

// Handles reports whether any handler takes rawURL.
func (r Router) Handles(rawURL string) bool {
	for _, h := range r {
		if h.Handles(rawURL) {
			return true
		}
	}
	return false
}

// Defaults returns the handlers every resource has: file, http(s) and ftp;
// http(s) requests go through client.
func Defaults(client *http.Client) Router {
	return Router{NewFile(), NewHTTP(client), NewFTP()}
}

// ErrUnsupportedScheme is matched (errors.Is) by UnsupportedScheme errors.
var ErrUnsupportedScheme = errors.New("unsupported URL scheme")

// UnsupportedScheme says that no handler reads rawURL, naming its scheme but
// not the URL itself, so callers that already print the URL do not repeat it.
func UnsupportedScheme(rawURL string) error {
	return fmt.Errorf("%w %s", ErrUnsupportedScheme, redact.Quote(Scheme(rawURL)))
}

// Scheme returns the lower-cased scheme of rawURL, or "" when it has none.
func Scheme(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		before, _, found := strings.Cut(rawURL, "://")
		if !found {
			return ""
		}
		return strings.ToLower(before)
	}
	return strings.ToLower(u.Scheme)
}

// ErrRangeIgnored is matched (errors.Is) by the error of a ranged read from
// a server that sent the whole resource instead, when the caller asked with
// RangesOnly: a stream that starts at byte 0 whatever offset was asked is
// no use to a segmented download.
var ErrRangeIgnored = errors.New("the server ignores Range requests")

type rangesOnlyKey struct{}

// RangesOnly makes Open, under the returned context, fail with
// ErrRangeIgnored where it would read and discard the bytes before offset.
func RangesOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, rangesOnlyKey{}, true)
}

func rangesOnly(ctx context.Context) bool {
	only, _ := ctx.Value(rangesOnlyKey{}).(bool)
	return only
}

// TransientError marks an error worth a retry; find it with errors.As.
type TransientError struct {
	Err error
	// RetryAfter is how long the server asked to be left alone before the
	// next request (an HTTP 503 or 429 with Retry-After); 0 when it did
	// not say. Such a server is busy, not dead.
	RetryAfter time.Duration
}

func (e *TransientError) Error() string { return e.Err.Error() }

// Unwrap gives the marked error.
func (e *TransientError) Unwrap() error { return e.Err }

// Transient marks err as worth a retry (connection reset, 5xx, timeout).
// A nil err stays nil.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return &TransientError{Err: err}
}

// IsTransient reports whether err was marked by Transient.
func IsTransient(err error) bool {
	var transient *TransientError
	return errors.As(err, &transient)
}

// RetryAfter is the wait the server asked for in err (see
// TransientError.RetryAfter), or 0.
func RetryAfter(err error) time.Duration {
	var transient *TransientError
	if errors.As(err, &transient) {
		return transient.RetryAfter
	}
	return 0
}
