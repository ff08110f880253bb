package catalog

import (
	"io"
	"net/http"
	"strconv"
	"strings"
)

// securityPolicy lets a page load only the site's own style sheet and
// script: a value that escaped escaping could still run nothing.
const securityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handles tells whether p, a request's path, is a page of the catalog:
// "/", "/index.html" or anything under "/-/". A server mounts the catalog
// by asking this first.
func Handles(p string) bool {
	return p == "/" || p == "/"+indexPage || strings.HasPrefix(p, "/"+assetDir+"/")
}

// ServeHTTP answers GET and HEAD of the site's files; "/" is the
// repositories page.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		plain(w, http.StatusMethodNotAllowed, "only GET and HEAD")
		return
	}
	p := strings.TrimPrefix(r.URL.Path, "/")
	if p == "" {
		p = indexPage
	}
	data, contentType, found, err := s.render(r.Context(), p)
	switch {
	case err != nil:
		plain(w, http.StatusInternalServerError, oneLine(err.Error()))
		return
	case !found:
		plain(w, http.StatusNotFound, "no catalog page here: the catalog starts at /")
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Security-Policy", securityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	if r.Method == http.MethodGet {
		_, _ = w.Write(data)
	}
}

func plain(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text+"\n")
}
