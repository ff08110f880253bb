package serve

import (
	"io"
	"net/http"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

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
