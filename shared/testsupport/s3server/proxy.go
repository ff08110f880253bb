package s3server

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
)

// RefusingProxy stands in front of a Server and answers 500 InternalError
// to every upload of one part number of any multipart upload, as an S3 node
// with a failing disk would; everything else passes through.
type RefusingProxy struct {
	Host string // 127.0.0.1:PORT, as written in s3:// URLs

	refused atomic.Int64
}

// StartRefusingProxy proxies server, refusing every upload of part, until
// the test ends.
func StartRefusingProxy(t TB, server *Server, part int) *RefusingProxy {
	t.Helper()
	p := &RefusingProxy{}
	refused := strconv.Itoa(part)
	endpoint := startFront(t, server, func(w http.ResponseWriter, r *http.Request, forward http.Handler) {
		if r.Method != http.MethodPut || r.URL.Query().Get("partNumber") != refused {
			forward.ServeHTTP(w, r)
			return
		}
		p.refused.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+
			`<Error><Code>InternalError</Code><Message>disk failure</Message></Error>`)
	})
	p.Host = strings.TrimPrefix(endpoint, "http://")
	return p
}

// URL is the s3:// URL of bucket/key through the proxy.
func (p *RefusingProxy) URL(bucket, key string) string { return s3URL(p.Host, bucket, key) }

// Refused counts the part uploads refused so far.
func (p *RefusingProxy) Refused() int64 { return p.refused.Load() }

// startFront serves handle on 127.0.0.1 in front of server until the test
// ends, and returns its http:// URL. handle passes a request on to server
// with forward, which keeps the Host the client sent (and signed).
func startFront(t TB, server *Server, handle func(w http.ResponseWriter, r *http.Request, forward http.Handler)) string {
	t.Helper()
	backend, err := url.Parse(server.Endpoint)
	if err != nil {
		t.Fatalf("s3server: %v", err)
	}
	forward := httputil.NewSingleHostReverseProxy(backend)
	listener := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handle(w, r, forward)
	}))
	t.Cleanup(listener.Close)
	return listener.URL
}

// TLSFront serves a Server over TLS with a certificate of a private CA (see
// tlsca), as a TLS-terminating load balancer in front of S3 would.
type TLSFront struct {
	Host string // 127.0.0.1:PORT, as written in s3:// URLs (no disable_ssl)
}

// StartTLS serves server over TLS with cert until the test ends.
func StartTLS(t TB, server *Server, cert tls.Certificate) *TLSFront {
	t.Helper()
	backend, err := url.Parse(server.Endpoint)
	if err != nil {
		t.Fatalf("s3server: %v", err)
	}
	listener := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(backend))
	listener.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	listener.StartTLS()
	t.Cleanup(listener.Close)
	return &TLSFront{Host: strings.TrimPrefix(listener.URL, "https://")}
}

// URL is the s3:// URL of bucket/key through the TLS front.
func (f *TLSFront) URL(bucket, key string) string { return s3URL(f.Host, bucket, key) }

// Options reach the server through the front with the root credentials.
func (f *TLSFront) Options() map[string]any {
	return map[string]any{"access_key": AccessKey, "secret_key": SecretKey}
}
