// Package throttle is a real HTTP server for tests and benchmarks of
// segmented downloads: it serves one body on a loopback address of its own
// (127.0.0.2, 127.0.0.3, …, so that limits per host mean something), at most
// Rate bytes per second on each connection as CDN mirrors do, honouring
// Range unless told not to, and can die, stall or ignore Range on demand.
package throttle

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Config describes one server.
type Config struct {
	// Addr is the loopback address to listen on ("127.0.0.2"); "" means
	// 127.0.0.1. The port is chosen by the system.
	Addr string
	// Path is the one path served ("/file.bin"); every other is 404.
	Path string
	// Body returns a fresh reader of the whole body for each request.
	Body func() io.ReadSeeker
	// Also serves more paths, each with its body, on the same terms: a
	// mirror of a release of several files.
	Also map[string]func() io.ReadSeeker
	// Rate caps each connection, in bytes per second; 0 means no cap.
	Rate int64
	// IgnoreRange answers every request with 200 and the whole body.
	IgnoreRange bool
	// DieAfter, when positive, kills the server once it has sent that many
	// bytes in all: its connections drop and new ones are refused.
	DieAfter int64
	// StallAfter, when positive, makes every response go silent after that
	// many bytes until the client gives up.
	StallAfter int64
	// Delay is how long every response waits before its headers: a mirror
	// slow to answer (far away, or busy), however fast it then sends.
	Delay time.Duration
	// MaxConcurrent, when positive, answers a request beyond that many in
	// flight with 503 and a Retry-After, as mirrors that limit each client
	// do; BusyFirst answers the first that many requests so, whatever the
	// load. RetryAfter is the header's value in seconds; 0 means 1.
	MaxConcurrent int
	BusyFirst     int
	RetryAfter    int
	// Together, when positive, holds every response until that many
	// requests have arrived: a client that never has that many under way
	// at once is never answered, which is how a test proves it has.
	Together int
}

// Server is a running throttled server.
type Server struct {
	URL string // of Config.Path

	cfg      Config
	http     *http.Server
	listener net.Listener
	sent     atomic.Int64
	requests atomic.Int32
	inFlight atomic.Int32
	peak     atomic.Int32
	refused  atomic.Int32
	together chan struct{} // closed when Together requests have arrived
	dieOnce  sync.Once
	served   chan struct{}

	mu     sync.Mutex
	ranges []string
}

// Start listens on cfg.Addr and serves until Close.
func Start(cfg Config) (*Server, error) {
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1"
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(addr, "0"))
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, listener: listener, served: make(chan struct{}), together: make(chan struct{}),
		URL: "http://" + listener.Addr().String() + cfg.Path}
	s.http = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.served)
		_ = s.http.Serve(listener) // ends with ErrServerClosed
	}()
	return s, nil
}

// Close stops the server and its connections, and waits for it.
func (s *Server) Close() {
	s.die()
	<-s.served
}

// Sent is the number of body bytes written so far.
func (s *Server) Sent() int64 { return s.sent.Load() }

// Requests is the number of requests received.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// Peak is the most requests that were under way at once.
func (s *Server) Peak() int { return int(s.peak.Load()) }

// Refused is the number of requests answered 503 because the server was
// busy (MaxConcurrent, BusyFirst).
func (s *Server) Refused() int { return int(s.refused.Load()) }

// Ranges are the Range headers of the requests served (not those refused
// as busy), in order ("" for none).
func (s *Server) Ranges() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ranges...)
}

func (s *Server) die() {
	s.dieOnce.Do(func() { _ = s.http.Close() })
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	n := s.requests.Add(1)
	inFlight := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	raise(&s.peak, inFlight)
	if int(n) == s.cfg.Together {
		close(s.together)
	}
	if s.cfg.Together > 0 {
		select {
		case <-s.together:
		case <-r.Context().Done():
			return
		}
	}
	if int(n) <= s.cfg.BusyFirst || (s.cfg.MaxConcurrent > 0 && int(inFlight) > s.cfg.MaxConcurrent) {
		s.refused.Add(1)
		w.Header().Set("Retry-After", strconv.Itoa(max(s.cfg.RetryAfter, 1)))
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	s.mu.Lock()
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	s.mu.Unlock()
	body, found := s.cfg.Also[r.URL.Path]
	if r.URL.Path == s.cfg.Path {
		body, found = s.cfg.Body, true
	}
	if !found {
		http.NotFound(w, r)
		return
	}
	if s.cfg.IgnoreRange {
		r.Header.Del("Range")
	}
	if !sleep(r.Context().Done(), s.cfg.Delay) {
		return
	}
	paced := &pacedWriter{ResponseWriter: w, server: s, rate: s.cfg.Rate, start: time.Now(), done: r.Context().Done()}
	http.ServeContent(paced, r, "", time.Time{}, body())
}

var errGone = errors.New("throttle: the response ends here")

// pacedWriter writes the body in small steps, never ahead of rate since the
// response started, and plays the configured faults.
type pacedWriter struct {
	http.ResponseWriter
	server  *Server
	rate    int64
	start   time.Time
	written int64
	done    <-chan struct{}
}

// step is small enough for the pace to be smooth at a few MiB/s.
const step = 16 << 10

func (w *pacedWriter) Write(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		n := min(len(p), step)
		if err := w.allow(int64(n)); err != nil {
			return total, err
		}
		m, err := w.ResponseWriter.Write(p[:n])
		total += m
		w.written += int64(m)
		if sent := w.server.sent.Add(int64(m)); w.server.cfg.DieAfter > 0 && sent >= w.server.cfg.DieAfter {
			go w.server.die()
			return total, errGone
		}
		if err != nil {
			return total, err
		}
		p = p[n:]
	}
	return total, nil
}

// allow waits until n more bytes keep within the rate, or stalls for good.
func (w *pacedWriter) allow(n int64) error {
	if stall := w.server.cfg.StallAfter; stall > 0 && w.written+n > stall {
		_ = http.NewResponseController(w.ResponseWriter).Flush()
		<-w.done
		return errGone
	}
	if w.rate <= 0 {
		return nil
	}
	due := w.start.Add(time.Duration(float64(w.written+n) / float64(w.rate) * float64(time.Second)))
	if !sleep(w.done, time.Until(due)) {
		return errGone
	}
	return nil
}

// raise makes peak at least v.
func raise(peak *atomic.Int32, v int32) {
	for {
		p := peak.Load()
		if v <= p || peak.CompareAndSwap(p, v) {
			return
		}
	}
}

// sleep waits for d; false when done closes first.
func sleep(done <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-done:
		return false
	}
}

// Repeat is a body of size bytes made of block over and over: large bodies
// without holding them in memory.
func Repeat(block []byte, size int64) func() io.ReadSeeker {
	return func() io.ReadSeeker { return io.NewSectionReader(repeated{block}, 0, size) }
}

type repeated struct{ block []byte }

func (r repeated) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		at := (off + int64(n)) % int64(len(r.block))
		n += copy(p[n:], r.block[at:])
	}
	return n, nil
}

// Flip is body with the byte at offset inverted: a corrupt mirror.
func Flip(body func() io.ReadSeeker, offset int64) func() io.ReadSeeker {
	return func() io.ReadSeeker { return &flipped{ReadSeeker: body(), at: offset} }
}

type flipped struct {
	io.ReadSeeker
	pos, at int64
}

func (f *flipped) Read(p []byte) (int, error) {
	n, err := f.ReadSeeker.Read(p)
	if f.at >= f.pos && f.at < f.pos+int64(n) {
		p[f.at-f.pos] ^= 0xff
	}
	f.pos += int64(n)
	return n, err
}

func (f *flipped) Seek(offset int64, whence int) (int64, error) {
	pos, err := f.ReadSeeker.Seek(offset, whence)
	f.pos = pos
	return pos, err
}

// Loopback is the nth loopback address (1 is 127.0.0.1), for servers on
// distinct hosts.
func Loopback(n int) string { return "127.0.0." + strconv.Itoa(n) }
