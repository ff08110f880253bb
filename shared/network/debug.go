package network

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// requestLog writes one line per request once its body is read to the end
// or closed: method, URL (redacted, see redact.URL), status, the bytes of
// the body read and the time since the request was sent. Header values are
// never written: they carry credentials (Authorization, cookies, tokens).
type requestLog struct {
	next http.RoundTripper
	out  *lineWriter
}

// lineWriter writes one line at a time from concurrent requests, of every
// transport of a Client.
type lineWriter struct {
	mu  sync.Mutex
	out io.Writer
}

func (l *requestLog) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := l.next.RoundTrip(req)
	target := redact.URL(req.URL)
	if err != nil {
		l.printf("debug: %s %s: failed after %s: %s\n", req.Method, target, since(start), redact.String(err.Error()))
		return resp, err
	}
	resp.Body = &countedBody{body: resp.Body, done: func(n int64) {
		l.printf("debug: %s %s: %d, %d bytes, %s\n", req.Method, target, resp.StatusCode, n, since(start))
	}}
	return resp, nil
}

func (l *requestLog) printf(format string, args ...any) {
	l.out.mu.Lock()
	defer l.out.mu.Unlock()
	_, _ = fmt.Fprintf(l.out.out, format, args...)
}

func since(start time.Time) time.Duration {
	return time.Since(start).Round(time.Millisecond)
}

// countedBody counts what was read and reports it once: at EOF or at Close,
// whichever comes first.
type countedBody struct {
	body io.ReadCloser
	n    int64
	once sync.Once
	done func(n int64)
}

func (b *countedBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	b.n += int64(n)
	if err == io.EOF {
		b.once.Do(func() { b.done(b.n) })
	}
	return n, err
}

func (b *countedBody) Close() error {
	err := b.body.Close()
	b.once.Do(func() { b.done(b.n) })
	return err
}
