// Package progress prints how a download advances: one plain line per file
// every few seconds and a final line, such as
//
//	go1.2.tgz: 512.0 MiB / 1.0 GiB (50%) 210.3 MiB/s from 4 mirrors
//
// and a last line that says who served the file:
//
//	go1.2.tgz: 1.0 GiB / 1.0 GiB (100%) 205.1 MiB/s, served by https://a/go1.2.tgz (700.0 MiB), https://b/go1.2.tgz (324.0 MiB)
//
// Lines, never carriage returns or a spinner: a Concourse log keeps every
// byte. Nothing is printed for a transfer that has not started: a mirror
// that is retried before its first byte has no progress to show.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultInterval is the time between two progress lines.
const DefaultInterval = 5 * time.Second

// Options tune a Meter; the zero value prints every DefaultInterval.
type Options struct {
	Interval time.Duration
	Now      func() time.Time
	// Ticks, when set, replaces the interval's ticker: a line per value.
	Ticks <-chan time.Time
	// Release, when set, is the release the file belongs to: it counts the
	// file's bytes and the file once done.
	Release *Release
}

// Every calls f on every tick of opts until the returned stop is called,
// which waits for a call under way: the clock of a line that is not about
// bytes (meta4-repo verify's "checked 120/600 URLs").
func Every(opts Options, f func()) (stop func()) {
	ticks, release := opts.Ticks, func() {}
	if ticks == nil {
		interval := opts.Interval
		if interval <= 0 {
			interval = DefaultInterval
		}
		ticker := time.NewTicker(interval)
		ticks, release = ticker.C, ticker.Stop
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		defer release()
		for {
			select {
			case <-done:
				return
			case <-ticks:
				f()
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}

// Meter counts the bytes of one file and prints its progress lines.
type Meter struct {
	out     io.Writer
	name    string
	now     func() time.Time
	bytes   atomic.Int64
	total   atomic.Int64
	mirrors atomic.Int32

	release *Release // counts the bytes too; nil for a file alone

	mu        sync.Mutex // guards the fields below
	start     time.Time
	lastAt    time.Time
	lastBytes int64

	stopTicks func()
	stopOnce  sync.Once
}

// Start begins metering name, printing to out every interval until Stop.
// A nil out makes a meter that counts but prints nothing.
func Start(out io.Writer, name string, opts Options) *Meter {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	m := &Meter{out: out, name: name, now: now, release: opts.Release, stopTicks: func() {}}
	m.total.Store(-1)
	m.start = now()
	m.lastAt = m.start
	if out != nil {
		m.stopTicks = Every(opts, func() {
			if m.bytes.Load() > 0 {
				m.print(m.recentLine())
			}
		})
	}
	return m
}

// SetTotal records the file's size once known (-1: unknown).
func (m *Meter) SetTotal(total int64) { m.total.Store(total) }

// SetMirrors records how many mirrors send the file at the same time; the
// lines name them when there are several.
func (m *Meter) SetMirrors(n int) { m.mirrors.Store(int32(n)) }

// Add counts n more bytes; safe from any goroutine.
func (m *Meter) Add(n int64) {
	m.bytes.Add(n)
	m.release.add(n)
}

// Restart counts from zero again, as when another mirror starts over.
func (m *Meter) Restart() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.release.add(-m.bytes.Swap(0))
	m.start = m.now()
	m.lastAt, m.lastBytes = m.start, 0
}

// Served is how many bytes of a file one URL (already redacted) delivered.
type Served struct {
	URL   string
	Bytes int64
}

// Done ends the periodic lines and prints the final one, with the average
// rate since the start and who served the file. Later calls, and Stop, do
// nothing.
func (m *Meter) Done(served []Served) {
	m.end(func(line string) string { return line + ", served by " + servedBy(served) })
	m.release.fileDone()
}

// Stop ends the periodic lines, and prints a final one unless the transfer
// never started. Later calls, and Done, do nothing.
func (m *Meter) Stop() {
	m.end(func(line string) string {
		if m.bytes.Load() == 0 {
			return ""
		}
		return line
	})
}

// end stops the ticks once and prints the final line as finish makes it
// ("" prints nothing).
func (m *Meter) end(finish func(line string) string) {
	m.stopOnce.Do(func() {
		m.stopTicks()
		m.mu.Lock()
		bytes, elapsed := m.bytes.Load(), m.now().Sub(m.start)
		m.mu.Unlock()
		if line := finish(Format(m.name, bytes, m.total.Load(), rate(bytes, elapsed))); line != "" {
			m.print(line)
		}
	})
}

func servedBy(served []Served) string {
	if len(served) == 1 {
		return served[0].URL
	}
	parts := make([]string, len(served))
	for i, s := range served {
		parts[i] = fmt.Sprintf("%s (%s)", s.URL, Bytes(s.Bytes))
	}
	return strings.Join(parts, ", ")
}

// recentLine describes the progress with the rate since the previous line
// and, when several send at once, the number of mirrors.
func (m *Meter) recentLine() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	now, bytes := m.now(), m.bytes.Load()
	recent := rate(bytes-m.lastBytes, now.Sub(m.lastAt))
	m.lastAt, m.lastBytes = now, bytes
	line := Format(m.name, bytes, m.total.Load(), recent)
	if n := m.mirrors.Load(); n > 1 {
		line += fmt.Sprintf(" from %d mirrors", n)
	}
	return line
}

func (m *Meter) print(line string) {
	if m.out != nil {
		_, _ = io.WriteString(m.out, line+"\n")
	}
}

func rate(bytes int64, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return float64(bytes) / elapsed.Seconds()
}

// Format writes one progress line; total < 0 means the size is unknown.
func Format(name string, bytes, total int64, bytesPerSecond float64) string {
	if total < 0 {
		return fmt.Sprintf("%s: %s %s/s", name, Bytes(bytes), Bytes(int64(bytesPerSecond)))
	}
	percent := 100
	if total > 0 {
		percent = int(float64(bytes) / float64(total) * 100)
	}
	return fmt.Sprintf("%s: %s / %s (%d%%) %s/s", name, Bytes(bytes), Bytes(total), percent, Bytes(int64(bytesPerSecond)))
}

// Bytes writes a byte count in binary units: "512 B", "1.5 KiB", "1.0 GiB".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	value, prefix := float64(n)/unit, 0
	for value >= unit && prefix < len("KMGTPE")-1 {
		value /= unit
		prefix++
	}
	return fmt.Sprintf("%.1f %ciB", value, "KMGTPE"[prefix])
}

// Release counts the files of a release and their bytes, and prints a line
// for the whole release every interval, beside the files' own:
//
//	12/32 files, 48.0 MiB / 128.0 MiB (37%), 61.2 MiB/s
type Release struct {
	out   io.Writer
	files int
	total int64 // -1: some file's size is unknown
	now   func() time.Time
	done  atomic.Int32
	bytes atomic.Int64

	mu        sync.Mutex // guards the fields below
	lastAt    time.Time
	lastBytes int64

	stopTicks func()
	stopOnce  sync.Once
}

// StartRelease begins metering files files of total bytes (-1: unknown),
// printing to out every interval until Stop.
func StartRelease(out io.Writer, files int, total int64, opts Options) *Release {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	r := &Release{out: out, files: files, total: total, now: now, lastAt: now()}
	r.stopTicks = Every(opts, func() { r.print() })
	return r
}

func (r *Release) add(n int64) {
	if r != nil {
		r.bytes.Add(n)
	}
}

func (r *Release) fileDone() {
	if r != nil {
		r.done.Add(1)
	}
}

// Stop ends the lines. Later calls do nothing.
func (r *Release) Stop() { r.stopOnce.Do(r.stopTicks) }

func (r *Release) print() {
	r.mu.Lock()
	now, bytes := r.now(), r.bytes.Load()
	// A file started over takes its bytes back: no negative rate.
	recent := rate(max(bytes-r.lastBytes, 0), now.Sub(r.lastAt))
	r.lastAt, r.lastBytes = now, bytes
	r.mu.Unlock()
	line := fmt.Sprintf("%d/%d files, %s", r.done.Load(), r.files, Bytes(bytes))
	if r.total >= 0 {
		percent := 100
		if r.total > 0 {
			percent = int(float64(bytes) / float64(r.total) * 100)
		}
		line += fmt.Sprintf(" / %s (%d%%)", Bytes(r.total), percent)
	}
	_, _ = io.WriteString(r.out, fmt.Sprintf("%s, %s/s\n", line, Bytes(int64(recent))))
}
