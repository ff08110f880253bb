package redact

import (
	"bytes"
	"io"
	"slices"
	"sort"
	"sync"
)

// maxLine is how long an unterminated line may grow before Writer writes
// its start: a script printing megabytes without a newline must not be held
// in memory.
const maxLine = 64 << 10

// Writer redacts secrets from everything written through it, line by
// line, so that a secret split across two writes is still caught. Of a line
// that does not end it holds at most maxLine bytes plus the longest secret,
// unless one URL authority (scheme:// up to a '/' or white space) or a
// chain of overlapping secrets runs longer: that it holds whole.
type Writer struct {
	mu      sync.Mutex
	out     io.Writer
	needles []string
	longest int // bytes of the longest needle
	partial []byte
	retry   int // when cut found no place, the length at which to try again
}

// NewWriter wraps out (usually stderr).
func NewWriter(out io.Writer, secrets ...string) *Writer {
	w := &Writer{out: out, needles: slices.Collect(needles(secrets))}
	for _, needle := range w.needles {
		w.longest = max(w.longest, len(needle))
	}
	return w
}

// Write buffers until a newline and writes whole redacted lines, or the
// start of a line that has grown past maxLine.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	held := len(w.partial)
	w.partial = append(w.partial, p...)
	if last := bytes.LastIndexAny(p, "\n\r"); last >= 0 { // the rest holds none
		if err := w.emit(held + last + 1); err != nil {
			return 0, err
		}
	}
	for len(w.partial) > max(maxLine+w.longest, w.retry) {
		n := w.cut()
		if n == 0 { // one span fills the buffer: look again once it doubled
			w.retry = 2 * len(w.partial)
			break
		}
		if err := w.emit(n); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes any unterminated last line.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.emit(len(w.partial))
}

// emit writes the first n buffered bytes, redacted, and keeps the rest.
func (w *Writer) emit(n int) error {
	if n == 0 {
		return nil
	}
	text := hide(string(w.partial[:n]), slices.Values(w.needles))
	w.partial = append(w.partial[:0], w.partial[n:]...)
	w.retry = 0
	_, err := io.WriteString(w.out, text)
	return err
}

// cut picks where to split a long unterminated line so that its two parts
// redact as the whole would, or returns 0 when it cannot. It keeps the last
// longest-1 bytes, where a secret may have begun that later writes
// complete, and never cuts within a secret found in the buffer nor within a
// URL's scheme and authority. It cuts after a byte that is no word byte, so
// no edge of a secret shifts, looking back at most maxLine/2 bytes for one
// so that a cut writes a good chunk, not a trickle per write. A longer run
// of word bytes is cut inside, where a secret that begins right at the cut
// might be redacted though glued to the word before: too much, never too
// little.
func (w *Writer) cut() int {
	s := string(w.partial)
	spans := merge(append(occurrences(s, slices.Values(w.needles)), authorities(s)...))
	limit := len(s) - max(w.longest-1, 0)
	for n := limit; n > limit-maxLine/2; n-- {
		if !isWordByte(s[n-1]) && !inside(spans, n) {
			return n
		}
	}
	return outside(spans, limit)
}

// inside reports whether n falls strictly within one of the sorted spans.
func inside(spans []span, n int) bool {
	_, ok := around(spans, n)
	return ok
}

// outside moves n back out of the span it falls within, to its start.
func outside(spans []span, n int) int {
	if sp, ok := around(spans, n); ok {
		return sp.start
	}
	return n
}

// around returns the span of the sorted spans that n falls strictly within.
func around(spans []span, n int) (span, bool) {
	i := sort.Search(len(spans), func(i int) bool { return spans[i].end > n })
	if i < len(spans) && spans[i].start < n {
		return spans[i], true
	}
	return span{}, false
}
