// Package progress prints how a download advances: one plain line per file
// every few seconds and a final line, such as
//
//	go1.2.tgz: 512.0 MiB / 1.0 GiB (50%) 210.3 MiB/s
//
// Lines, never carriage returns or a spinner: a Concourse log keeps every byte.
package progress

import (
	"fmt"
	"io"
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
	out   io.Writer
	name  string
	now   func() time.Time
	bytes atomic.Int64
	total atomic.Int64

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
			m.print(m.recentLine())
		}
	}
}

// SetTotal records the file's size once known (-1: unknown).
func (m *Meter) SetTotal(total int64) { m.total.Store(total) }

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

// Stop ends the periodic lines and prints the final one, with the average
// rate since the start. Later calls do nothing.
func (m *Meter) Stop() {
	m.stopOnce.Do(func() {
		close(m.stop)
		<-m.stopped
		m.mu.Lock()
		bytes, elapsed := m.bytes.Load(), m.now().Sub(m.start)
		m.mu.Unlock()
		m.print(Format(m.name, bytes, m.total.Load(), rate(bytes, elapsed)))
	})
}

// recentLine describes the progress with the rate since the previous line.
func (m *Meter) recentLine() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	now, bytes := m.now(), m.bytes.Load()
	recent := rate(bytes-m.lastBytes, now.Sub(m.lastAt))
	m.lastAt, m.lastBytes = now, bytes
	return Format(m.name, bytes, m.total.Load(), recent)
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
