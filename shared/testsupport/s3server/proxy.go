package s3server

import (
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
	backend, err := url.Parse(server.Endpoint)
	if err != nil {
		t.Fatalf("s3server: %v", err)
	}
	p := &RefusingProxy{}
	forward := httputil.NewSingleHostReverseProxy(backend)
	refused := strconv.Itoa(part)
	listener := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	}))
	t.Cleanup(listener.Close)
	p.Host = strings.TrimPrefix(listener.URL, "http://")
	return p
}

// URL is the s3:// URL of bucket/key through the proxy.
func (p *RefusingProxy) URL(bucket, key string) string {
	return "s3://" + p.Host + "/" + bucket + "/" + key
}

// Refused counts the part uploads refused so far.
func (p *RefusingProxy) Refused() int64 { return p.refused.Load() }
