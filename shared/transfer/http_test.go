package transfer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

var content = bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB

// rangeLog records the Range header of every request a test server saw.
type rangeLog struct {
	mu     sync.Mutex
	ranges []string
}

func (l *rangeLog) record(r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ranges = append(l.ranges, r.Header.Get("Range"))
}

func (l *rangeLog) seen() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ranges...)
}

func startServer(handler http.HandlerFunc) *httptest.Server {
	server := httptest.NewServer(handler)
	DeferCleanup(server.Close)
	return server
}

func closedPortURL() string {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	addr := listener.Addr().String()
	Expect(listener.Close()).To(Succeed())
	return "http://user:s3cret@" + addr + "/go.tgz"
}

// fileWithSHA256 describes content as a metalink file with size and sha-256.
func fileWithSHA256(name string, content []byte, urls ...metalink.URL) metalink.File {
	sum := sha256.Sum256(content)
	return metalink.File{
		Name:   name,
		Size:   uint64(len(content)),
		Hashes: []metalink.Hash{{Type: "sha-256", Hash: hex.EncodeToString(sum[:])}},
		URLs:   urls,
	}
}

func readAll(body io.ReadCloser) ([]byte, error) {
	defer func() { _ = body.Close() }() // an aborted transfer fails its close too; the read says why
	return io.ReadAll(body)
}

var _ = Describe("the HTTP handler", func() {
	var handler *transfer.HTTP

	BeforeEach(func() {
		handler = transfer.NewHTTP(network.Default().HTTP)
	})

	It("handles http and https URLs only", func() {
		Expect(handler.Handles("http://example.com/x")).To(BeTrue())
		Expect(handler.Handles("HTTPS://example.com/x")).To(BeTrue())
		Expect(handler.Handles("ftp://example.com/x")).To(BeFalse())
		Expect(handler.Handles("s3://example.com/b/x")).To(BeFalse())
	})

	It("streams the whole body and reports its size", func(ctx SpecContext) {
		server := startServer(func(w http.ResponseWriter, r *http.Request) {
			http.ServeContent(w, r, "go.tgz", time.Time{}, bytes.NewReader(content))
		})
		body, size, err := handler.Open(ctx, server.URL+"/go.tgz", 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(size).To(Equal(int64(len(content))))
		Expect(readAll(body)).To(Equal(content))
	})

	It("resumes with a Range request and reports the total size from Content-Range", func(ctx SpecContext) {
		log := &rangeLog{}
		server := startServer(func(w http.ResponseWriter, r *http.Request) {
			log.record(r)
			http.ServeContent(w, r, "go.tgz", time.Time{}, bytes.NewReader(content))
		})
		body, size, err := handler.Open(ctx, server.URL+"/go.tgz", 1000)
		Expect(err).NotTo(HaveOccurred())
		Expect(size).To(Equal(int64(len(content))))
		Expect(readAll(body)).To(Equal(content[1000:]))
		Expect(log.seen()).To(Equal([]string{"bytes=1000-"}))
	})

	It("skips the bytes already held when the server ignores the Range request", func(ctx SpecContext) {
		server := startServer(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write(content)
		})
		body, _, err := handler.Open(ctx, server.URL+"/go.tgz", 1000)
		Expect(err).NotTo(HaveOccurred())
		Expect(readAll(body)).To(Equal(content[1000:]))
	})

	DescribeTable("rejects a 206 answer whose Content-Range does not fit",
		func(ctx SpecContext, header, message string) {
			server := startServer(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Range", header)
				w.WriteHeader(http.StatusPartialContent)
				_, _ = w.Write(content[10:])
			})
			_, _, err := handler.Open(ctx, server.URL+"/go.tgz", 10)
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("wrong start", "bytes 0-65535/65536", "the server sent bytes from 0 on"),
		Entry("missing", "", "invalid Content-Range"),
		Entry("not bytes", "items 10-20/30", "invalid Content-Range"),
		Entry("bad start", "bytes x-20/30", "invalid Content-Range"),
		Entry("bad total", "bytes 10-20/many", "invalid Content-Range"),
	)

	It("accepts a 206 answer with an unknown total", func(ctx SpecContext) {
		server := startServer(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Range", "bytes 10-65535/*")
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(content[10:])
		})
		body, size, err := handler.Open(ctx, server.URL+"/go.tgz", 10)
		Expect(err).NotTo(HaveOccurred())
		Expect(size).To(Equal(int64(-1)))
		Expect(readAll(body)).To(Equal(content[10:]))
	})

	DescribeTable("classifies refusals by status",
		func(ctx SpecContext, status int, message string, transient bool) {
			server := startServer(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(status)
			})
			_, _, err := handler.Open(ctx, server.URL+"/go.tgz", 0)
			Expect(err).To(MatchError(message))
			Expect(transfer.IsTransient(err)).To(Equal(transient))
		},
		Entry("404 is final", http.StatusNotFound, "404 Not Found", false),
		Entry("403 is final", http.StatusForbidden, "403 Forbidden", false),
		Entry("500 is transient", http.StatusInternalServerError, "500 Internal Server Error", true),
		Entry("503 is transient", http.StatusServiceUnavailable, "503 Service Unavailable", true),
		Entry("429 is transient", http.StatusTooManyRequests, "429 Too Many Requests", true),
	)

	DescribeTable("carries the pause a busy server asks for",
		func(ctx SpecContext, status int, retryAfter func() string, want time.Duration) {
			server := startServer(func(w http.ResponseWriter, r *http.Request) {
				if value := retryAfter(); value != "" {
					w.Header().Set("Retry-After", value)
				}
				w.WriteHeader(status)
			})
			_, _, err := handler.Open(ctx, server.URL+"/go.tgz", 0)
			Expect(transfer.IsTransient(err)).To(BeTrue())
			Expect(transfer.RetryAfter(err)).To(BeNumerically("~", want, time.Second))
		},
		Entry("503, seconds", http.StatusServiceUnavailable, func() string { return "7" }, 7*time.Second),
		Entry("429, seconds", http.StatusTooManyRequests, func() string { return " 120 " }, 2*time.Minute),
		Entry("503, an HTTP date", http.StatusServiceUnavailable,
			func() string { return time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat) }, 90*time.Second),
		Entry("503, a date already past", http.StatusServiceUnavailable,
			func() string { return time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat) }, time.Duration(0)),
		Entry("503, no header", http.StatusServiceUnavailable, func() string { return "" }, time.Duration(0)),
		Entry("503, nonsense", http.StatusServiceUnavailable, func() string { return "soon" }, time.Duration(0)),
		Entry("500 with a header: only 503 and 429 mean busy", http.StatusInternalServerError, func() string { return "7" }, time.Duration(0)),
	)

	It("reports a dead server as final, so the next mirror is tried at once, without the URL's password", func(ctx SpecContext) {
		_, _, err := handler.Open(ctx, closedPortURL(), 0)
		Expect(err).To(HaveOccurred())
		Expect(transfer.IsTransient(err)).To(BeFalse())
		Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
		Expect(err.Error()).To(ContainSubstring("connection refused"))
	})

	It("reports a connection cut mid-body as a transient read error", func(ctx SpecContext) {
		server := startServer(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(content)))
			_, _ = w.Write(content[:1000])
			w.(http.Flusher).Flush()
			conn, _, err := http.NewResponseController(w).Hijack()
			Expect(err).NotTo(HaveOccurred())
			_ = conn.Close()
		})
		body, size, err := handler.Open(ctx, server.URL+"/go.tgz", 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(size).To(Equal(int64(len(content))))
		got, err := readAll(body)
		Expect(got).To(Equal(content[:1000]))
		Expect(transfer.IsTransient(err)).To(BeTrue())
	})

	It("gives up on a body that stops sending, as a transient error", func(ctx SpecContext) {
		server := startServer(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(content)))
			_, _ = w.Write(content[:1000])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		})
		handler.StallTimeout = 100 * time.Millisecond
		body, _, err := handler.Open(ctx, server.URL+"/go.tgz", 0)
		Expect(err).NotTo(HaveOccurred())
		_, err = readAll(body)
		Expect(err).To(MatchError("no data received for 100ms"))
		Expect(transfer.IsTransient(err)).To(BeTrue())
	})

	It("ends a blocked read when the context is cancelled, and that is not transient", func(ctx SpecContext) {
		server := startServer(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(content)))
			_, _ = w.Write(content[:1000])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		})
		openCtx, cancel := context.WithCancel(ctx)
		body, _, err := handler.Open(openCtx, server.URL+"/go.tgz", 0)
		Expect(err).NotTo(HaveOccurred())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err = readAll(body)
		Expect(errors.Is(err, context.Canceled)).To(BeTrue())
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("asks for the bytes as stored and never decompresses them, whatever the client", func(ctx SpecContext) {
		handler = &transfer.HTTP{} // http.DefaultClient decompresses gzip it asked for
		server := startServer(func(w http.ResponseWriter, r *http.Request) {
			Expect(r.Header.Get("Accept-Encoding")).To(Equal("identity"))
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write([]byte("raw bytes"))
		})
		body, _, err := handler.Open(ctx, server.URL+"/go.tgz", 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(readAll(body)).To(Equal([]byte("raw bytes")))
	})

	Describe("redirects", func() {
		It("follows a redirect to another http URL", func(ctx SpecContext) {
			server := startServer(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/old.tgz" {
					http.Redirect(w, r, "/go.tgz", http.StatusFound)
					return
				}
				_, _ = w.Write(content)
			})
			body, _, err := handler.Open(ctx, server.URL+"/old.tgz", 0)
			Expect(err).NotTo(HaveOccurred())
			Expect(readAll(body)).To(Equal(content))
		})

		It("calls a redirect back to the same URL a loop, final for that URL", func(ctx SpecContext) {
			var requests atomic.Int32
			server := startServer(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				http.Redirect(w, r, r.URL.Path, http.StatusFound)
			})
			rawURL := strings.Replace(server.URL, "http://", "http://user:s3cret@", 1) + "/go.tgz"
			_, _, err := handler.Open(ctx, rawURL, 0)
			shown := strings.Replace(server.URL, "http://", "http://[redacted]@", 1) + "/go.tgz"
			Expect(err).To(MatchError("redirect loop: " + shown + " redirects back to itself"))
			Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
			Expect(transfer.IsTransient(err)).To(BeFalse())
			Expect(requests.Load()).To(Equal(int32(1)), "the loop is seen before the next request")
		})

		It("stops after 10 redirects, final for that URL", func(ctx SpecContext) {
			var requests atomic.Int32
			server := startServer(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, fmt.Sprintf("/hop%d", requests.Add(1)), http.StatusFound)
			})
			_, _, err := handler.Open(ctx, server.URL+"/go.tgz", 0)
			Expect(err).To(MatchError("stopped after 10 redirects, the last to " + server.URL + "/hop10"))
			Expect(transfer.IsTransient(err)).To(BeFalse())
			Expect(requests.Load()).To(Equal(int32(10)))
		})

		DescribeTable("refuses a redirect to another scheme, naming it without userinfo, final for that URL",
			func(ctx SpecContext, target, shown string) {
				server := startServer(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Location", target)
					w.WriteHeader(http.StatusMovedPermanently)
				})
				body, _, err := handler.Open(ctx, server.URL+"/go.tgz", 0)
				Expect(body).To(BeNil())
				Expect(err).To(MatchError("refused a redirect to " + shown + ": only http and https redirects are followed"))
				Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
				Expect(transfer.IsTransient(err)).To(BeFalse())
			},
			Entry("ftp", "ftp://user:s3cret@127.0.0.1:21/go.tgz", "ftp://[redacted]@127.0.0.1:21/go.tgz"),
			Entry("a local file", "file:///etc/passwd", "file:///etc/passwd"),
			Entry("a scheme in upper case", "FILE:///etc/passwd", "file:///etc/passwd"),
		)

		It("lets a download move on from a redirect loop at once, without retrying it", func(ctx SpecContext) {
			var loops atomic.Int32
			looping := startServer(func(w http.ResponseWriter, r *http.Request) {
				loops.Add(1)
				http.Redirect(w, r, r.URL.Path, http.StatusFound)
			})
			good := startServer(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(content) })
			var retries atomic.Int32
			report := gbytes.NewBuffer()
			f := fileWithSHA256("go.tgz", content,
				metalink.URL{URL: looping.URL + "/go.tgz", Priority: fixtures.Priority(1)},
				metalink.URL{URL: good.URL + "/go.tgz", Priority: fixtures.Priority(2)})
			err := download.File(ctx, f, GinkgoT().TempDir(), download.Options{
				Reader:  transfer.Defaults(network.Default().HTTP),
				Report:  report,
				Backoff: func(int) time.Duration { retries.Add(1); return time.Millisecond },
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(retries.Load()).To(BeZero())
			Expect(loops.Load()).To(Equal(int32(1)))
			Expect(report).To(gbytes.Say("go.tgz: " + looping.URL + "/go.tgz failed: redirect loop: "))
		})
	})

	It("rejects a malformed URL without echoing its userinfo", func(ctx SpecContext) {
		_, _, err := handler.Open(ctx, "http://user:s3cret@[::1/x", 0)
		Expect(err).To(MatchError(ContainSubstring("invalid URL")))
		Expect(strings.Contains(err.Error(), "s3cret")).To(BeFalse())
	})
})
