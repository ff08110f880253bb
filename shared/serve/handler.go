package serve

import (
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/catalog"
)

const (
	metalinkType = "application/metalink4+xml"
	// immutable: the bytes of a content-addressed file never change.
	immutable = "public, max-age=31536000, immutable"
)

// ServeHTTP answers GET and HEAD of the index, a file or its metalink, or
// a page of the catalog (/, /index.html and /-/…, see catalog.Handles), and
// logs one line per request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	how := "-"
	defer func() { s.logRequest(r, rec, time.Since(start), how) }()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rec.Header().Set("Allow", "GET, HEAD")
		fail(rec, errorf(http.StatusMethodNotAllowed, "only GET and HEAD"))
		return
	}
	idx := s.index.Load()
	if catalog.Handles(r.URL.Path) {
		idx.catalog.ServeHTTP(rec, r)
		return
	}
	p, herr := requestPath(r)
	if herr != nil {
		fail(rec, herr)
		return
	}
	if p == "index.json" {
		s.serveIndex(rec, r, idx)
		return
	}
	c, asMetalink, herr := idx.lookup(p)
	if herr != nil {
		fail(rec, herr)
		return
	}
	if asMetalink {
		s.serveMetalink(rec, r, c)
		return
	}
	how = s.serveFile(rec, r, c)
}

// statusClientGone logs a request whose client left before the answer,
// as nginx does.
const statusClientGone = 499

// serveFile sends c's verified bytes from the cache, fetching them first.
func (s *Server) serveFile(w *recorder, r *http.Request, c *content) string {
	f, how, err := s.cache.open(r.Context(), s.fetchCtx, c)
	switch {
	case err != nil && r.Context().Err() != nil:
		w.status = statusClientGone
		return how
	case err != nil:
		fail(w, errorf(http.StatusBadGateway, "%s", oneLine(err.Error())))
		return how
	}
	defer func() { _ = f.Close() }()
	s.fileHeaders(w.Header(), r, c)
	http.ServeContent(w, r, path.Base(c.file.Name), time.Time{}, f)
	return how
}

// baseURL is how the client reached this server.
func (s *Server) baseURL(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// fail answers err's status with its one line.
func fail(w http.ResponseWriter, err *httpError) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(err.status)
	_, _ = io.WriteString(w, err.text+"\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
