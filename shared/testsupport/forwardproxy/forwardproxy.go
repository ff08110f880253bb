// Package forwardproxy is an HTTP forward proxy on 127.0.0.1 for tests, as
// a corporate network puts in front of its clients: CONNECT tunnels for
// https and absolute-form requests for http. It counts the requests per
// host it was asked for, and resolves made-up names (mirror.example.test)
// to 127.0.0.1, since net/http never proxies loopback addresses: a test
// names its servers by such names so that the proxy is used at all.
package forwardproxy

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Suffix is the domain that the proxy resolves to 127.0.0.1; .test is
// reserved and never resolves elsewhere.
const Suffix = ".example.test"

// TB is the part of testing.TB (and of GinkgoT()) the proxy needs.
type TB interface {
	Helper()
	Cleanup(func())
}

// Proxy is a running forward proxy.
type Proxy struct {
	URL string // http://127.0.0.1:PORT, for HTTP_PROXY and HTTPS_PROXY

	mu       sync.Mutex
	requests map[string]int // by host:port as asked
	tunnels  sync.WaitGroup
	closing  chan struct{}
}

// Start runs a proxy until the test ends.
func Start(t TB) *Proxy {
	t.Helper()
	p := &Proxy{requests: map[string]int{}, closing: make(chan struct{})}
	server := httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = server.URL
	t.Cleanup(func() {
		close(p.closing)
		server.Close()
		p.tunnels.Wait()
	})
	return p
}

// Requests counts the requests (CONNECT tunnels and plain http requests)
// for hostPort so far.
func (p *Proxy) Requests(hostPort string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests[hostPort]
}

// Total counts every request so far.
func (p *Proxy) Total() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	total := 0
	for _, n := range p.requests {
		total += n
	}
	return total
}

func (p *Proxy) count(hostPort string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests[hostPort]++
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.tunnel(w, r)
		return
	}
	if r.URL.Host == "" {
		http.Error(w, "forwardproxy: expected an absolute-form request", http.StatusBadRequest)
		return
	}
	p.count(r.URL.Host)
	p.forward(w, r)
}

// forward sends an absolute-form request on, keeping the Host the client
// asked for (and signed, for S3).
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Proxy-Connection")
	out.Header.Del("Proxy-Authorization")
	transport := &http.Transport{DialContext: dialResolved, DisableCompression: true}
	defer transport.CloseIdleConnections()
	resp, err := transport.RoundTrip(out)
	if err != nil {
		http.Error(w, "forwardproxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer func() { _ = resp.Body.Close() }()
	for name, values := range resp.Header {
		w.Header()[name] = values
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// tunnel joins the client to the host of a CONNECT, which then speaks TLS
// end to end: the proxy sees only the host.
func (p *Proxy) tunnel(w http.ResponseWriter, r *http.Request) {
	p.count(r.Host)
	upstream, err := dialResolved(r.Context(), "tcp", r.Host)
	if err != nil {
		http.Error(w, "forwardproxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		_ = upstream.Close()
		http.Error(w, "forwardproxy: cannot hijack", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
	client, buffered, err := hijacker.Hijack()
	if err != nil {
		_ = upstream.Close()
		return
	}
	p.tunnels.Add(1)
	go func() {
		defer p.tunnels.Done()
		p.pipe(client, buffered, upstream)
	}()
}

// pipe copies both ways until either side ends or the proxy closes.
func (p *Proxy) pipe(client net.Conn, buffered io.Reader, upstream net.Conn) {
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(upstream, buffered); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, upstream); done <- struct{}{} }()
	select {
	case <-done:
	case <-p.closing:
	}
	_ = client.Close()
	_ = upstream.Close()
	<-done
}

// dialResolved dials 127.0.0.1 for a name under Suffix, the address
// itself otherwise.
func dialResolved(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(host, Suffix) || host == strings.TrimPrefix(Suffix, ".") {
		host = "127.0.0.1"
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	return dialer.DialContext(ctx, network, net.JoinHostPort(host, port))
}
