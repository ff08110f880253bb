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
}

// Meter counts the bytes of one file and prints its progress lines.
type Meter struct {
	out     io.Writer
	name    string
	now     func() time.Time
	bytes   atomic.Int64
	total   atomic.Int64
	mirrors atomic.Int32

	mu        sync.Mutex // guards the fields below
	start     time.Time
	lastAt    time.Time
	lastBytes int64

	stop     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

// Start begins metering name, printing to out every interval until Stop.
// A nil out makes a meter that counts but prints nothing.
func Start(out io.Writer, name string, opts Options) *Meter {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	m := &Meter{out: out, name: name, now: now, stop: make(chan struct{}), stopped: make(chan struct{})}
	m.total.Store(-1)
	m.start = now()
	m.lastAt = m.start
	if out == nil {
		close(m.stopped)
		return m
	}
	if opts.Ticks != nil {
		go m.tick(opts.Ticks, func() {})
		return m
	}
	interval := opts.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	ticker := time.NewTicker(interval)
	go m.tick(ticker.C, ticker.Stop)
	return m
}

func (m *Meter) tick(ticks <-chan time.Time, release func()) {
	defer close(m.stopped)
	defer release()
	for {
		select {
		case <-m.stop:
			return
		case <-ticks:
			if m.bytes.Load() > 0 {
				m.print(m.recentLine())
			}
		}
	}
}

// SetTotal records the file's size once known (-1: unknown).
func (m *Meter) SetTotal(total int64) { m.total.Store(total) }

// SetMirrors records how many mirrors send the file at the same time; the
// lines name them when there are several.
func (m *Meter) SetMirrors(n int) { m.mirrors.Store(int32(n)) }

// Add counts n more bytes; safe from any goroutine.
func (m *Meter) Add(n int64) { m.bytes.Add(n) }

// Restart counts from zero again, as when another mirror starts over.
func (m *Meter) Restart() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bytes.Store(0)
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
		close(m.stop)
		<-m.stopped
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
