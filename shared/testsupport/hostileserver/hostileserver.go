// Package hostileserver is an HTTP download site on 127.0.0.1 that misbehaves
// on purpose, for the hostile-input corpora of both resources. Every file it
// knows is served under every behaviour; the behaviour is the first path
// segment of /BEHAVIOUR/NAME:
//
//	ok        the bytes, with Range support
//	404       404 Not Found
//	500       500 on every request
//	corrupt   the right length, with one byte in the middle changed
//	html      200 with an HTML login page instead of the bytes
//	longer    a Content-Length one byte larger than the file
//	shorter   a Content-Length one byte smaller, and that many bytes
//	range     206 with a Content-Range that starts at byte 100, whatever was asked
//	gzip      the bytes gzip-compressed, with Content-Encoding: gzip, although identity was asked for
//	loop      a redirect to itself
//	tofile    a redirect to file:///etc/passwd
//	reset     the full length announced, half the bytes sent, then a TCP reset
//	slow      the full length announced, then one byte every 50 ms until the client goes away
//	slowonce  the first request of each file as slow, with 64 KiB every 50 ms; later ones as ok
//
// Hits counts the requests per behaviour and Sent the bytes of the slow
// answers, so that a test can wait for a binary to be in the middle of a
// transfer rather than sleep.
package hostileserver

import (
	"bytes"
	"compress/gzip"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TB is the part of testing.TB (and of GinkgoT()) the server needs.
type TB interface {
	Helper()
	Cleanup(func())
}

// HTMLPage is what the html behaviour serves with 200.
const HTMLPage = "<html><head><title>Sign in</title></head><body>Please sign in to download.</body></html>\n"

// Server is a running misbehaving site.
type Server struct {
	URL   string // http://127.0.0.1:PORT
	files map[string][]byte

	mu   sync.Mutex
	hits map[string]int
	sent map[string]int64
	once map[string]bool // files slowonce has answered slowly
	done chan struct{}
}

// Start serves files until the test ends.
func Start(t TB, files map[string][]byte) *Server {
	t.Helper()
	s := &Server{files: files, hits: map[string]int{}, sent: map[string]int64{}, once: map[string]bool{}, done: make(chan struct{})}
	server := httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = server.URL
	t.Cleanup(func() {
		close(s.done) // ends the slow answers first, or Close would wait for them
		server.CloseClientConnections()
		server.Close()
	})
	return s
}

// FileURL is where behaviour serves name.
func (s *Server) FileURL(behaviour, name string) string {
	return s.URL + "/" + behaviour + "/" + name
}

// Hits is how many requests behaviour got so far.
func (s *Server) Hits(behaviour string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[behaviour]
}

// Sent is how many bytes the slow answers of behaviour have written so far.
func (s *Server) Sent(behaviour string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent[behaviour]
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	behaviour, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	s.mu.Lock()
	s.hits[behaviour]++
	slowNow := behaviour == "slowonce" && !s.once[name]
	if slowNow {
		s.once[name] = true
	}
	s.mu.Unlock()
	content, ok := s.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch behaviour {
	case "ok":
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(content))
	case "corrupt":
		spoiled := bytes.Clone(content)
		spoiled[len(spoiled)/2] ^= 0xff
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(spoiled))
	case "500":
		http.Error(w, "the mirror is broken", http.StatusInternalServerError)
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(HTMLPage))
	case "longer":
		announce(w, len(content)+1, http.StatusOK)
		_, _ = w.Write(content)
	case "shorter":
		announce(w, len(content)-1, http.StatusOK)
		_, _ = w.Write(content[:len(content)-1])
	case "range":
		w.Header().Set("Content-Range", "bytes 100-"+strconv.Itoa(len(content)-1)+"/"+strconv.Itoa(len(content)))
		announce(w, len(content)-100, http.StatusPartialContent)
		_, _ = w.Write(content[100:])
	case "gzip":
		var zipped bytes.Buffer
		zw := gzip.NewWriter(&zipped)
		_, _ = zw.Write(content)
		_ = zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		announce(w, zipped.Len(), http.StatusOK)
		_, _ = w.Write(zipped.Bytes())
	case "loop":
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	case "tofile":
		w.Header().Set("Location", "file:///etc/passwd")
		w.WriteHeader(http.StatusFound)
	case "reset":
		announce(w, len(content), http.StatusOK)
		_, _ = w.Write(content[:len(content)/2])
		reset(w)
	case "slow":
		s.dribble(w, r, behaviour, content, 1)
	case "slowonce":
		if slowNow {
			s.dribble(w, r, behaviour, content, 64<<10)
			return
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(content))
	default:
		http.NotFound(w, r)
	}
}

func announce(w http.ResponseWriter, length, status int) {
	w.Header().Set("Content-Length", strconv.Itoa(length))
	w.WriteHeader(status)
}

// reset flushes what was written and aborts the connection with a TCP RST.
func reset(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	conn, _, err := rc.Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// dribble sends the bytes chunk by chunk, one every 50 ms, until the client
// or the server goes.
func (s *Server) dribble(w http.ResponseWriter, r *http.Request, behaviour string, content []byte, chunk int) {
	announce(w, len(content), http.StatusOK)
	rc := http.NewResponseController(w)
	ticker := time.NewTicker(50 * time.Millisecond)
	defer ticker.Stop()
	for start := 0; start < len(content); start += chunk {
		n, err := w.Write(content[start:min(start+chunk, len(content))])
		s.mu.Lock()
		s.sent[behaviour] += int64(n)
		s.mu.Unlock()
		if err != nil || rc.Flush() != nil {
			return
		}
		select {
		case <-ticker.C:
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}
