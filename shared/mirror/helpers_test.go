package mirror_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/lockedbuffer"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/mirror"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

const bucket = "mirror"

// mirrorFileKeys name a target's fields as the resource does.
func mirrorFileKeys(i int) field.Names { return field.Under(fmt.Sprintf("source.mirror_files[%d]", i)) }

func hexOf(sum []byte) string { return hex.EncodeToString(sum) }

// allHashes are the four hashes a generated metalink carries, in its order.
func allHashes(content []byte) []metalink.Hash {
	s512, s256, s1, m5 := sha512.Sum512(content), sha256.Sum256(content), sha1.Sum(content), md5.Sum(content)
	return []metalink.Hash{
		{Type: "sha-512", Hash: hexOf(s512[:])},
		{Type: "sha-256", Hash: hexOf(s256[:])},
		{Type: "sha-1", Hash: hexOf(s1[:])},
		{Type: "md5", Hash: hexOf(m5[:])},
	}
}

// writeLocal writes content as name in a new directory and returns its path.
func writeLocal(name string, content []byte) string {
	path := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(path, content, 0o644)).To(Succeed())
	return path
}

// reads opens local files for mirror.Run, through os.Open, and counts for
// each path how often it was opened and closed and how many bytes were read
// from it. A second open of a path fails at once, naming it, so that a run
// that would read a file twice fails there instead of reading it again.
type reads struct {
	mu    sync.Mutex
	files map[string]*fileReads
}

// fileReads is what reads counted for one path.
type fileReads struct {
	Opens, Closes int
	Bytes         int64
}

func countReads() *reads { return &reads{files: map[string]*fileReads{}} }

func (r *reads) open(path string) (io.ReadCloser, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	counts := r.files[path]
	if counts == nil {
		counts = &fileReads{}
		r.files[path] = counts
	}
	counts.Opens++
	if counts.Opens > 1 {
		return nil, fmt.Errorf("%s opened %d times: each local file is to be read once", path, counts.Opens)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &countedReader{file: f, reads: r, counts: counts}, nil
}

// of is what was counted for path.
func (r *reads) of(path string) fileReads {
	r.mu.Lock()
	defer r.mu.Unlock()
	if counts := r.files[path]; counts != nil {
		return *counts
	}
	return fileReads{}
}

// countedReader is an opened file that counts into reads; it is a plain
// io.ReadCloser, so the bytes cannot be had but through Read.
type countedReader struct {
	file   *os.File
	reads  *reads
	counts *fileReads
}

func (c *countedReader) Read(p []byte) (int, error) {
	n, err := c.file.Read(p)
	c.reads.mu.Lock()
	c.counts.Bytes += int64(n)
	c.reads.mu.Unlock()
	return n, err
}

func (c *countedReader) Close() error {
	c.reads.mu.Lock()
	c.counts.Closes++
	c.reads.mu.Unlock()
	return c.file.Close()
}

// generated is the metalink out generates for local files before their hashes.
func generated(version string, paths ...string) metalink.Metalink {
	var m metalink.Metalink
	for _, path := range paths {
		info, err := os.Stat(path)
		Expect(err).NotTo(HaveOccurred())
		m.Files = append(m.Files, metalink.File{Name: filepath.Base(path), Version: version, Size: uint64(info.Size())})
	}
	return m
}

// described is a metalink file for content with a sha-512 and URLs.
func described(name string, content []byte, urls ...string) metalink.File {
	f := metalink.File{Name: name, Version: "1.0.0", Size: uint64(len(content)), Hashes: allHashes(content)[:1]}
	for _, u := range urls {
		f.URLs = append(f.URLs, metalink.URL{URL: u})
	}
	return f
}

func fileURL(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// request is what a test mirrors: a mirror.Request with the targets and
// url_handlers its plan is compiled from.
type request struct {
	Metalink         metalink.Metalink
	Local            []string
	Targets          []mirror.Target
	Handlers         []urlhandlers.Config
	BaseDir          string
	Verify           verify.Options
	Concurrency      int
	ProgressInterval time.Duration
	// Open, when set, opens the Local files instead of os.Open (see reads).
	Open func(path string) (io.ReadCloser, error)
}

// run compiles the plan and mirrors req, with a log it returns.
func run(req request) (mirror.Result, string, error) {
	handlers, err := urlhandlers.Compile("source.url_handlers", req.Handlers, network.Default())
	if err != nil {
		return mirror.Result{}, "", err
	}
	plan, err := mirror.Compile(req.Targets, mirrorFileKeys, handlers)
	if err != nil {
		return mirror.Result{}, "", err
	}
	var log lockedbuffer.Buffer
	mirrorReq := mirror.Request{
		Metalink: req.Metalink, Local: req.Local, BaseDir: req.BaseDir, Verify: req.Verify, Log: &log,
		Concurrency: req.Concurrency, ProgressInterval: req.ProgressInterval,
	}
	if req.Open != nil {
		mirrorReq = mirror.WithLocalOpener(mirrorReq, req.Open)
	}
	result, err := mirror.Run(context.Background(), plan, mirrorReq)
	return result, log.String(), err
}

// store is versitygw with a bucket and the handlers that reach it.
type store struct {
	server *s3server.Server
}

func startStore() store {
	return store{server: s3server.Start(GinkgoT(), bucket)}
}

func (s store) handlers() []urlhandlers.Config {
	return []urlhandlers.Config{{Type: "s3", Options: s.server.Credentials()}}
}

func (s store) url(key string) string { return s.server.URL(bucket, key) }

// object returns the content and metadata of key, or ok=false when absent.
func (s store) object(key string) (content []byte, metadata map[string]string, ok bool) {
	out, err := s.server.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		Expect(err.Error()).To(ContainSubstring("NoSuchKey"))
		return nil, nil, false
	}
	content, err = io.ReadAll(out.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(out.Body.Close()).To(Succeed())
	return content, out.Metadata, true
}

// keys lists every object in the bucket.
func (s store) keys() []string {
	out, err := s.server.Client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	Expect(err).NotTo(HaveOccurred())
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

// pendingUploads counts multipart uploads that were neither completed nor aborted.
func (s store) pendingUploads() int {
	out, err := s.server.Client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	Expect(err).NotTo(HaveOccurred())
	return len(out.Uploads)
}

// refuseCopies stands in front of the store and answers 500 to every
// server-side copy (a request with x-amz-copy-source), passing everything
// else through. It returns the s3:// URL of key through it.
func (s store) refuseCopies(key string) string {
	backend, err := url.Parse(s.server.Endpoint)
	Expect(err).NotTo(HaveOccurred())
	forward := httputil.NewSingleHostReverseProxy(backend)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Copy-Source") == "" {
			forward.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>copy failed</Message></Error>`)
	}))
	DeferCleanup(proxy.Close)
	return "s3://" + strings.TrimPrefix(proxy.URL, "http://") + "/" + bucket + "/" + key
}

// source serves files over HTTP; a path under /corrupt/ serves the bytes
// with one bit flipped, /gone/ answers 404.
type source struct {
	server *httptest.Server
	files  map[string][]byte
	hits   atomic.Int32
}

func startSource(files map[string][]byte) *source {
	s := &source{files: files}
	s.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		dir, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		content, ok := s.files[name]
		if !ok || dir == "gone" {
			http.NotFound(w, r)
			return
		}
		if dir == "corrupt" {
			content = bytes.Clone(content)
			content[len(content)/2] ^= 1
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(content))
	}))
	DeferCleanup(s.server.Close)
	return s
}

func (s *source) url(dir, name string) string { return s.server.URL + "/" + dir + "/" + name }
