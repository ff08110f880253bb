package download_test

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

func sha512hex(b []byte) string {
	sum := sha512.Sum512(b)
	return hex.EncodeToString(sum[:])
}

func sha1Pieces(b []byte, length int) []string {
	var out []string
	for start := 0; start < len(b); start += length {
		sum := sha1.Sum(b[start:min(start+length, len(b))])
		out = append(out, hex.EncodeToString(sum[:]))
	}
	return out
}

// fileFor describes content as a metalink file with size and sha-512.
func fileFor(name string, content []byte, urls ...metalink.URL) metalink.File {
	return metalink.File{
		Name:   name,
		Size:   uint64(len(content)),
		Hashes: []metalink.Hash{{Type: "sha-512", Hash: sha512hex(content)}},
		URLs:   urls,
	}
}

// hitLog records which mirror was asked, in order, across mirrors.
type hitLog struct {
	mu   sync.Mutex
	hits []string
}

func (l *hitLog) add(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hits = append(l.hits, name)
}

func (l *hitLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.hits...)
}

// mirror is a real HTTP server on 127.0.0.1 that counts what it sends.
type mirror struct {
	server   *httptest.Server
	sent     atomic.Int64
	requests atomic.Int32
	inFlight atomic.Int32
	mu       sync.Mutex
	ranges   []string
}

// startMirror serves with behave; the nth request (from 1) is passed along.
func startMirror(hits *hitLog, name string, behave func(m *mirror, n int, w http.ResponseWriter, r *http.Request)) *mirror {
	m := &mirror{}
	m.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.inFlight.Add(1)
		defer m.inFlight.Add(-1)
		if hits != nil {
			hits.add(name)
		}
		m.mu.Lock()
		m.ranges = append(m.ranges, r.Header.Get("Range"))
		m.mu.Unlock()
		behave(m, int(m.requests.Add(1)), &countingWriter{ResponseWriter: w, sent: &m.sent}, r)
	}))
	DeferCleanup(m.server.Close)
	return m
}

func (m *mirror) url(path string) string { return m.server.URL + path }

// settledSent is the number of body bytes sent once every request has ended:
// a client can hold the last bytes before the handler's Write returns and
// counts them, so reading sent at once can come up short.
func (m *mirror) settledSent() int64 {
	Eventually(m.inFlight.Load).Should(BeZero(), "every request to %s ended", m.server.URL)
	return m.sent.Load()
}

func (m *mirror) rangeHeaders() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.ranges...)
}

type countingWriter struct {
	http.ResponseWriter
	sent *atomic.Int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.sent.Add(int64(n))
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (to hijack).
func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// serving answers every request with content, honouring Range.
func serving(content []byte) func(*mirror, int, http.ResponseWriter, *http.Request) {
	return func(_ *mirror, _ int, w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(content))
	}
}

// failing answers every request with status.
func failing(status int) func(*mirror, int, http.ResponseWriter, *http.Request) {
	return func(_ *mirror, _ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
	}
}

// cutting sends the first cut bytes of content and drops the connection on
// the first request, then serves normally.
func cutting(content []byte, cut int) func(*mirror, int, http.ResponseWriter, *http.Request) {
	return func(m *mirror, n int, w http.ResponseWriter, r *http.Request) {
		if n > 1 {
			serving(content)(m, n, w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		_, _ = w.Write(content[:cut])
		controller := http.NewResponseController(w)
		_ = controller.Flush()
		conn, _, err := controller.Hijack()
		Expect(err).NotTo(HaveOccurred())
		_ = conn.Close()
	}
}

// stalling sends the first part bytes and then nothing until the client goes.
func stalling(content []byte, part int) func(*mirror, int, http.ResponseWriter, *http.Request) {
	return func(_ *mirror, _ int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		_, _ = w.Write(content[:part])
		_ = http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}
}

// trickling sends content in small steps with pauses.
func trickling(content []byte, step int, pause time.Duration) func(*mirror, int, http.ResponseWriter, *http.Request) {
	return func(_ *mirror, _ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		for start := 0; start < len(content); start += step {
			if _, err := w.Write(content[start:min(start+step, len(content))]); err != nil {
				return
			}
			_ = http.NewResponseController(w).Flush()
			time.Sleep(pause)
		}
	}
}

// deadURL is an http URL on a port where nothing listens.
func deadURL(path string) string {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	addr := listener.Addr().String()
	Expect(listener.Close()).To(Succeed())
	return fmt.Sprintf("http://%s%s", addr, path)
}
