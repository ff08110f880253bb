// Package redact hides secrets and URL userinfo in everything the resources print.
package redact

import (
	"io"
	"regexp"
	"strings"
	"sync"
)

// userinfo matches the credentials part of a URL (scheme://user:pass@host).
var userinfo = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@`)

// String removes every secret and any URL userinfo from s.
func String(s string, secrets ...string) string {
	for _, secret := range secrets {
		if strings.TrimSpace(secret) == "" {
			continue
		}
		s = strings.ReplaceAll(s, secret, "[redacted]")
		// Multi-line secrets (private keys) may be printed line by line.
		for _, line := range strings.Split(secret, "\n") {
			if len(strings.TrimSpace(line)) >= 8 {
				s = strings.ReplaceAll(s, line, "[redacted]")
			}
		}
	}
	return userinfo.ReplaceAllString(s, "${1}[redacted]@")
}

// UnparsedURL hides the userinfo of a URL that did not parse, for the
// error that says so. A password with an unencoded '/', or a URL without its
// scheme, is beyond what String recognises, so everything before the last '@'
// (after "://", when there is one) goes; a path that holds an '@' is hidden
// too, which costs nothing in that message.
func UnparsedURL(raw string) string {
	prefix, rest := "", raw
	if scheme, afterScheme, found := strings.Cut(raw, "://"); found {
		prefix, rest = scheme+"://", afterScheme
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return String(raw)
	}
	return prefix + "[redacted]@" + rest[at+1:]
}

// Writer redacts secrets from everything written through it, line by
// line, so that a secret split across two writes is still caught.
type Writer struct {
	mu      sync.Mutex
	out     io.Writer
	secrets []string
	partial []byte
}

// NewWriter wraps out (usually stderr).
func NewWriter(out io.Writer, secrets ...string) *Writer {
	return &Writer{out: out, secrets: secrets}
}

// Write buffers until a newline and writes whole redacted lines.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	last := strings.LastIndexAny(string(w.partial), "\n\r")
	if last < 0 {
		return len(p), nil
	}
	complete := string(w.partial[:last+1])
	w.partial = append(w.partial[:0], w.partial[last+1:]...)
	if _, err := io.WriteString(w.out, String(complete, w.secrets...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes any unterminated last line.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.partial) == 0 {
		return nil
	}
	_, err := io.WriteString(w.out, String(string(w.partial), w.secrets...))
	w.partial = w.partial[:0]
	return err
}
