package serve

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

const (
	metalinkType = "application/metalink4+xml"
	// immutable: the bytes of a content-addressed file never change.
	immutable = "public, max-age=31536000, immutable"
)

// ServeHTTP answers GET and HEAD of the index, a file or its metalink, and
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
	p, herr := requestPath(r)
	if herr != nil {
		fail(rec, herr)
		return
	}
	idx := s.index.Load()
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

// fileHeaders say what the bytes are (ETag, Digest, Repr-Digest), where
// else they are (Link duplicates) and where their metalink is.
func (s *Server) fileHeaders(h http.Header, r *http.Request, c *content) {
	h.Set("Cache-Control", immutable)
	_, digest := splitKey(c.key)
	h.Set("ETag", `"`+digest+`"`)
	var digests, reprDigests []string
	for _, algo := range algorithmsOf(c.hashes) {
		raw, _ := hex.DecodeString(c.hashes[algo.Name])
		b64 := base64.StdEncoding.EncodeToString(raw)
		digests = append(digests, rfc3230Names[algo.Name]+"="+b64)
		if algo.Name == "sha-256" || algo.Name == "sha-512" {
			reprDigests = append(reprDigests, algo.Name+"=:"+b64+":")
		}
	}
	h.Set("Digest", strings.Join(digests, ","))
	if len(reprDigests) > 0 {
		h.Set("Repr-Digest", strings.Join(reprDigests, ", "))
	}
	for i, u := range publicURLs(c.file.URLs) {
		link := fmt.Sprintf("<%s>; rel=duplicate; pri=%d", u.URL, priorityOf(u, i))
		if u.Location != "" {
			link += "; geo=" + strings.ToLower(u.Location)
		}
		h.Add("Link", link)
	}
	h.Add("Link", fmt.Sprintf(`<%s%s>; rel=describedby; type="%s"`, s.baseURL(r), hashPath(c)+metalinkSuffix, metalinkType))
}

// rfc3230Names are the hash types as RFC 3230 and RFC 5843 spell them.
var rfc3230Names = map[string]string{"sha-512": "SHA-512", "sha-256": "SHA-256", "sha-1": "SHA", "md5": "MD5"}

// hashPath is the content's canonical path: by its key's hash, the
// sha-256 when it has one.
func hashPath(c *content) string {
	typ, digest := splitKey(c.key)
	return "/" + pathSegment(typ) + "/" + digest
}

func priorityOf(u metalink.URL, i int) uint {
	if u.Priority != nil {
		return *u.Priority
	}
	return uint(i + 1)
}

// publicURLs are the URLs a client may be told, in priority order: http(s)
// and ftp, without userinfo or a query that carries a credential (a signed
// URL), which are the repository's secrets.
func publicURLs(urls []metalink.URL) []metalink.URL {
	var public []metalink.URL
	for _, u := range metalink.ByPriority(urls) {
		parsed, err := url.Parse(u.URL)
		if err != nil || parsed.User != nil || parsed.Fragment != "" {
			continue
		}
		switch parsed.Scheme {
		case "http", "https", "ftp":
			if redact.URL(parsed) == u.URL {
				public = append(public, u)
			}
		}
	}
	return public
}

// serveMetalink answers an RFC 5854 metalink of c alone: this server's
// URL first, then the file's public URLs.
func (s *Server) serveMetalink(w http.ResponseWriter, r *http.Request, c *content) {
	f := c.file
	f.MetaURLs = nil
	f.Hashes = nil
	for _, algo := range algorithmsOf(c.hashes) {
		f.Hashes = append(f.Hashes, metalink.Hash{Type: algo.Name, Hash: c.hashes[algo.Name]})
	}
	first := uint(1)
	f.URLs = []metalink.URL{{URL: s.baseURL(r) + hashPath(c), Priority: &first}}
	for i, u := range publicURLs(c.file.URLs) {
		pri := priorityOf(u, i) + 1
		f.URLs = append(f.URLs, metalink.URL{URL: u.URL, Location: u.Location, Priority: &pri})
	}
	data, err := metalink.MarshalXML(metalink.Metalink{Files: []metalink.File{f}, Generator: "meta4-repo serve"})
	if err != nil {
		fail(w, errorf(http.StatusInternalServerError, "%s: %s", c.file.Name, oneLine(err.Error())))
		return
	}
	w.Header().Set("Content-Type", metalinkType)
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	if r.Method == http.MethodGet {
		_, _ = w.Write(data)
	}
}

// indexEntry is one description of a file in index.json.
type indexEntry struct {
	claim
	Size   uint64            `json:"size,omitempty"`
	Hashes map[string]string `json:"hashes"`
	Paths  []string          `json:"paths"`
}

// serveIndex lists every file the server serves, with its paths.
func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request, idx *index) {
	files := []indexEntry{}
	for _, c := range idx.contents {
		for _, by := range c.claims {
			files = append(files, indexEntry{claim: by, Size: c.file.Size, Hashes: c.hashes, Paths: pathsOf(c, by)})
		}
	}
	data, err := json.Marshal(struct {
		Files []indexEntry `json:"files"`
	}{files})
	if err != nil {
		fail(w, errorf(http.StatusInternalServerError, "index: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(data)+1))
	if r.Method == http.MethodGet {
		_, _ = w.Write(append(data, '\n'))
	}
}

// pathsOf are the paths c is served under: its hashes, its http(s) URLs,
// its name, and its metalink.
func pathsOf(c *content, by claim) []string {
	var paths []string
	for _, algo := range algorithmsOf(c.hashes) {
		paths = append(paths, "/"+pathSegment(algo.Name)+"/"+c.hashes[algo.Name])
	}
	for _, u := range c.file.URLs {
		if at := urlKey(u.URL); at != "" {
			paths = append(paths, "/"+at)
		}
	}
	return append(paths, "/name/"+by.Name, hashPath(c)+metalinkSuffix)
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

func (o *Options) checkPublicURL() error {
	if o.PublicURL == "" {
		return nil
	}
	u, err := url.Parse(o.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" {
		return o.Names.ValueError("public_url", redact.Quote(o.PublicURL), errors.New("expected http(s)://HOST[:PORT][/PATH]"))
	}
	o.PublicURL = strings.TrimSuffix(o.PublicURL, "/")
	return nil
}

// fail answers err's status with its one line.
func fail(w http.ResponseWriter, err *httpError) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(err.status)
	_, _ = io.WriteString(w, err.text+"\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// logRequest writes the access log line: method, path (escaped, without
// query or secrets), status, bytes, duration and how the cache answered.
func (s *Server) logRequest(r *http.Request, rec *recorder, took time.Duration, how string) {
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	logf(s.opts.Log, "%s %s %d %d %s %s\n", r.Method, redact.Excerpt(redact.String(r.URL.EscapedPath()), 300),
		status, rec.bytes, took.Round(time.Microsecond), how)
}

// recorder keeps a response's status and size for the log, and passes
// ReadFrom through so that a cached file still goes out by sendfile.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(p []byte) (int, error) {
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	var n int64
	var err error
	if from, ok := r.ResponseWriter.(io.ReaderFrom); ok {
		n, err = from.ReadFrom(src)
	} else {
		// HTTP/2's writer has no ReadFrom: copy through Write.
		n, err = io.Copy(struct{ io.Writer }{r.ResponseWriter}, src)
	}
	r.bytes += n
	return n, err
}
