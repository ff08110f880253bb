package transfer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// DefaultStallTimeout ends an HTTP or file transfer that received no byte for
// this long. Large files may legitimately take hours, so there is no limit on
// the whole body, only on silence.
const DefaultStallTimeout = 2 * time.Minute

// maxRedirects is how many redirects one request follows, as net/http does.
const maxRedirects = 10

// HTTP reads http:// and https:// URLs with GET and resumes with Range.
type HTTP struct {
	// Client sends the requests: nil means http.DefaultClient. Its CheckRedirect is replaced: only http(s) redirects
	// are followed, and a loop ends at once.
	Client *http.Client
	// StallTimeout ends a body that delivered no byte for this long, as a
	// transient error; zero means DefaultStallTimeout.
	StallTimeout time.Duration
}

// NewHTTP returns a handler that sends its requests with client (see
// network.New: it limits connecting and waiting for headers but not the
// length of a body).
func NewHTTP(client *http.Client) *HTTP {
	return &HTTP{Client: client}
}

// Handles reports whether rawURL is http or https.
func (h *HTTP) Handles(rawURL string) bool {
	scheme := Scheme(rawURL)
	return scheme == "http" || scheme == "https"
}

// Open sends a GET, with a Range header when offset > 0. A server that
// ignores the Range and answers 200 gets its first offset bytes discarded,
// so the caller still receives the bytes from offset on; under RangesOnly
// that is ErrRangeIgnored instead.
func (h *HTTP) Open(ctx context.Context, rawURL string, offset int64) (io.ReadCloser, int64, error) {
	reqCtx, cancel := context.WithCancelCause(ctx)
	resp, err := h.get(reqCtx, rawURL, offset)
	if err != nil {
		cancel(nil)
		return nil, 0, err
	}
	body := watch(reqCtx, cancel, resp.Body, h.StallTimeout, Transient)
	size, err := h.position(ctx, resp, body, offset)
	if err != nil {
		_ = body.Close()
		return nil, 0, err
	}
	return body, size, nil
}

func (h *HTTP) get(ctx context.Context, rawURL string, offset int64) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("invalid URL: %w", unwrapURLError(err))
	}
	// Asking for identity keeps any client from decompressing on the fly:
	// the bytes verified must be the bytes served.
	req.Header.Set("Accept-Encoding", "identity")
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
	}
	client := http.DefaultClient
	if h.Client != nil {
		client = h.Client
	}
	// A copy, so that the redirect policy holds whatever client was given.
	withPolicy := *client
	withPolicy.CheckRedirect = checkRedirect
	resp, err := withPolicy.Do(req)
	if err != nil {
		return nil, requestError(ctx, err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		_ = resp.Body.Close()
		return nil, statusError(resp.StatusCode, resp.Header.Get("Retry-After"), time.Now())
	}
	return resp, nil
}

// position returns the total size of the resource and leaves body at offset.
func (h *HTTP) position(ctx context.Context, resp *http.Response, body io.Reader, offset int64) (int64, error) {
	if resp.StatusCode == http.StatusOK {
		if offset > 0 && rangesOnly(ctx) {
			return 0, ErrRangeIgnored
		}
		if offset > 0 {
			if _, err := io.CopyN(io.Discard, body, offset); err != nil {
				return 0, fmt.Errorf("skip %d bytes the server sent again (it ignored the Range request): %w", offset, err)
			}
		}
		return resp.ContentLength, nil
	}
	start, total, err := parseContentRange(resp.Header.Get("Content-Range"))
	if err != nil {
		return 0, err
	}
	if start != offset {
		return 0, fmt.Errorf("asked for bytes from %d on, the server sent bytes from %d on", offset, start)
	}
	return total, nil
}

// parseContentRange reads "bytes START-END/TOTAL" (TOTAL may be "*").
func parseContentRange(header string) (start, total int64, err error) {
	spec, found := strings.CutPrefix(strings.TrimSpace(header), "bytes ")
	rangePart, totalPart, hasTotal := strings.Cut(spec, "/")
	startPart, _, hasDash := strings.Cut(rangePart, "-")
	if !found || !hasTotal || !hasDash {
		return 0, 0, fmt.Errorf("invalid Content-Range %s in a 206 answer", redact.Quote(header))
	}
	if start, err = strconv.ParseInt(strings.TrimSpace(startPart), 10, 64); err != nil || start < 0 {
		return 0, 0, fmt.Errorf("invalid Content-Range %s in a 206 answer", redact.Quote(header))
	}
	if strings.TrimSpace(totalPart) == "*" {
		return start, -1, nil
	}
	if total, err = strconv.ParseInt(strings.TrimSpace(totalPart), 10, 64); err != nil || total < 0 {
		return 0, 0, fmt.Errorf("invalid Content-Range %s in a 206 answer", redact.Quote(header))
	}
	return start, total, nil
}

// statusError names the status; server-side trouble and throttling are
// worth a retry, any other refusal is final. A 503 or 429 carries the wait
// its Retry-After asks for (seconds, or a date, as of now).
func statusError(code int, retryAfter string, now time.Time) error {
	err := fmt.Errorf("%d %s", code, http.StatusText(code))
	switch {
	case code == http.StatusServiceUnavailable || code == http.StatusTooManyRequests:
		return &TransientError{Err: err, RetryAfter: parseRetryAfter(retryAfter, now)}
	case code >= 500 || code == http.StatusRequestTimeout:
		return Transient(err)
	}
	return err
}

// parseRetryAfter reads a Retry-After value, delay-seconds or an HTTP date
// (RFC 9110 10.2.3); 0 when it is missing, malformed or already past. A
// wait under a second counts as one, so that "asked to wait" is never 0.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	var wait time.Duration
	if seconds, err := strconv.ParseUint(value, 10, 32); err == nil {
		wait = time.Duration(seconds) * time.Second
	} else if date, err := http.ParseTime(value); err == nil {
		wait = date.Sub(now)
	}
	if wait <= 0 {
		return 0
	}
	return max(wait, time.Second)
}

// requestError drops the URL the client puts in its errors (it may hold
// userinfo) and marks network trouble as transient.
func requestError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	inner := unwrapURLError(err)
	var certErr *tls.CertificateVerificationError
	if errors.As(inner, &certErr) || errors.Is(inner, http.ErrSchemeMismatch) {
		return inner // the same certificate or scheme will fail again
	}
	var redirect *redirectError
	if errors.As(inner, &redirect) || isDeadHost(inner) {
		return inner // the same answer again, or a mirror that is not there: try the next one at once
	}
	return Transient(inner)
}

// redirectError is a redirect that is not followed: to a scheme other than
// http(s), back to a URL already asked, or one too many. The server will
// answer the same way next time, so it is final for that URL.
type redirectError struct {
	reason string
}

func (e *redirectError) Error() string { return e.reason }

// checkRedirect follows http and https redirects only, and stops at a loop
// or after maxRedirects. Its errors name the target without userinfo.
func checkRedirect(req *http.Request, via []*http.Request) error {
	target := redact.String(req.URL.String())
	if scheme := strings.ToLower(req.URL.Scheme); scheme != "http" && scheme != "https" {
		return &redirectError{reason: fmt.Sprintf("refused a redirect to %s: only http and https redirects are followed", target)}
	}
	for _, earlier := range via {
		if earlier.URL.String() == req.URL.String() {
			return &redirectError{reason: fmt.Sprintf("redirect loop: %s redirects back to itself", target)}
		}
	}
	if len(via) >= maxRedirects {
		return &redirectError{reason: fmt.Sprintf("stopped after %d redirects, the last to %s", maxRedirects, target)}
	}
	return nil
}

func unwrapURLError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

var errStalled = errors.New("stalled")

// watch returns body under a stall watchdog: a body that delivers no byte
// for stall (zero: DefaultStallTimeout) has ctx cancelled with errStalled,
// which must end its blocked Read, and then fails as transient. cancel
// cancels ctx; Close calls it. A Read error while ctx is still live goes
// through classify (nil: as it is). HTTP and file bodies share it.
func watch(ctx context.Context, cancel context.CancelCauseFunc, body io.ReadCloser, stall time.Duration, classify func(error) error) *watchedBody {
	if stall <= 0 {
		stall = DefaultStallTimeout
	}
	w := &watchedBody{ctx: ctx, cancel: cancel, body: body, stall: stall, classify: classify}
	w.timer = time.AfterFunc(stall, func() { cancel(errStalled) })
	return w
}

type watchedBody struct {
	ctx       context.Context
	cancel    context.CancelCauseFunc
	body      io.ReadCloser
	stall     time.Duration
	classify  func(error) error
	timer     *time.Timer
	closeOnce sync.Once
	closeErr  error
}

func (w *watchedBody) Read(p []byte) (int, error) {
	n, err := w.body.Read(p)
	if n > 0 {
		w.timer.Reset(w.stall)
	}
	if err == nil || err == io.EOF {
		return n, err
	}
	return n, w.failure(err)
}

// failure explains err from work done under the watch: a stall, the reason
// ctx ended, or err as classified.
func (w *watchedBody) failure(err error) error {
	if errors.Is(context.Cause(w.ctx), errStalled) {
		return Transient(fmt.Errorf("no data received for %s", w.stall))
	}
	if w.ctx.Err() != nil {
		return context.Cause(w.ctx)
	}
	if w.classify == nil {
		return err
	}
	return w.classify(err)
}

func (w *watchedBody) Close() error {
	w.closeOnce.Do(func() {
		w.timer.Stop()
		w.closeErr = w.body.Close()
		w.cancel(nil)
	})
	return w.closeErr
}

// IsDeadHost reports a host that refuses connections or has no address: a
// dead mirror, not a passing fault, so retrying it only delays the fallback.
// Every handler that dials (http, ftp, s3) leaves such errors unmarked by
// Transient.
func IsDeadHost(err error) bool { return isDeadHost(err) }

func isDeadHost(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}
