package serve_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/filerepo"
	"github.com/metalink-resources/metalink-resources/shared/serve"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/lockedbuffer"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/patience"
)

func TestServe(t *testing.T) {
	RegisterFailHandler(Fail)
	patience.Apply()
	RunSpecs(t, "Serve Suite")
}

// mirror is an upstream HTTP server of files by path that counts the
// requests for each, and can send corrupt bytes or hold its answers.
type mirror struct {
	*httptest.Server
	mu       sync.Mutex
	files    map[string][]byte
	requests map[string]int
	corrupt  bool
	gate     chan struct{} // when set, answers wait until it is closed
}

func startMirror(files map[string][]byte) *mirror {
	m := &mirror{files: files, requests: map[string]int{}}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	DeferCleanup(m.Close)
	return m
}

func (m *mirror) serve(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	data, ok := m.files[r.URL.Path]
	m.requests[r.URL.Path]++
	corrupt, gate := m.corrupt, m.gate
	m.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	if corrupt {
		data = bytes.Clone(data)
		data[len(data)/2] ^= 0xff
	}
	http.ServeContent(w, r, r.URL.Path, time.Time{}, bytes.NewReader(data))
}

func (m *mirror) url(path string) string { return m.URL + path }

func (m *mirror) count(path string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.requests[path]
}

func (m *mirror) setCorrupt(corrupt bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.corrupt = corrupt
}

// hold makes answers wait until the returned func is called.
func (m *mirror) hold() (release func()) {
	gate := make(chan struct{})
	m.mu.Lock()
	m.gate = gate
	m.mu.Unlock()
	return sync.OnceFunc(func() { close(gate) })
}

// file is a file of a test metalink.
type file struct {
	name, version string
	data          []byte
	urls          []string
	signature     string // armored, detached
}

// withAllHashes is f as a metalink file with its size and four hashes.
func (f file) metalink() metalink.File {
	m := metalink.File{Name: f.name, Version: f.version, Size: uint64(len(f.data)), Hashes: hashes(f.data)}
	for _, u := range f.urls {
		m.URLs = append(m.URLs, metalink.URL{URL: u})
	}
	if f.signature != "" {
		m.Signatures = []metalink.Signature{{MediaType: "application/pgp-signature", Signature: f.signature}}
	}
	return m
}

func hashes(data []byte) []metalink.Hash {
	s256, s512, s1, m5 := sha256.Sum256(data), sha512.Sum512(data), sha1.Sum(data), md5.Sum(data)
	return []metalink.Hash{
		{Type: "sha-256", Hash: hex.EncodeToString(s256[:])},
		{Type: "sha-512", Hash: hex.EncodeToString(s512[:])},
		{Type: "sha-1", Hash: hex.EncodeToString(s1[:])},
		{Type: "md5", Hash: hex.EncodeToString(m5[:])},
	}
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// writeDoc writes a metalink of files to dir/path.
func writeDoc(dir, path string, files ...file) {
	GinkgoHelper()
	var doc metalink.Metalink
	for _, f := range files {
		doc.Files = append(doc.Files, f.metalink())
	}
	data, err := metalink.MarshalXML(doc)
	Expect(err).NotTo(HaveOccurred())
	filetree.Write(filepath.Join(dir, path), string(data))
}

// fileSource is the file repository in dir.
func fileSource(dir string) serve.Source {
	GinkgoHelper()
	opener, err := filerepo.Configure("file://"+dir, nil)
	Expect(err).NotTo(HaveOccurred())
	temp := GinkgoT().TempDir()
	return serve.Source{Name: "file://" + dir, Open: func(ctx context.Context) (repository.Repository, error) {
		return opener(ctx, repository.Env{TempDir: temp, Stderr: GinkgoWriter})
	}}
}

// running is a server under test.
type running struct {
	URL    string
	Server *serve.Server
	Log    *lockedbuffer.Buffer
	Cache  string
	stop   context.CancelFunc
	done   chan error
}

// startServer serves opts (Sources set) on 127.0.0.1 with a fresh cache
// unless opts has one; it stops when the spec ends.
func startServer(opts serve.Options) *running {
	GinkgoHelper()
	log := &lockedbuffer.Buffer{}
	if opts.CacheDir == "" {
		opts.CacheDir = GinkgoT().TempDir()
	}
	opts.Log = io.MultiWriter(log, GinkgoWriter)
	opts.Download.Backoff = func(int) time.Duration { return 10 * time.Millisecond }
	opts.Download.Report = opts.Log
	server, err := serve.New(opts)
	Expect(err).NotTo(HaveOccurred())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{URL: "http://" + ln.Addr().String(), Server: server, Log: log, Cache: opts.CacheDir, stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- server.Serve(ctx, ln) }()
	DeferCleanup(r.Stop)
	// Serve reads the repositories before it listens: a spec that changes
	// them must not race that first read.
	Eventually(log.String).Should(ContainSubstring("serve: listening on"))
	return r
}

// Stop ends the server and returns what Serve returned.
func (r *running) Stop() error {
	r.stop()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(patience.Eventually):
		Fail("the server did not stop")
		return nil
	}
}

// get is a GET of path, with headers as pairs.
func (r *running) get(path string, headers ...string) (*http.Response, string) {
	GinkgoHelper()
	return r.do(http.MethodGet, path, headers...)
}

func (r *running) do(method, path string, headers ...string) (*http.Response, string) {
	GinkgoHelper()
	req, err := http.NewRequest(method, r.URL+path, nil)
	Expect(err).NotTo(HaveOccurred())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return resp, string(body)
}

// cacheFiles are the names in the cache directory.
func cacheFiles(dir string) []string {
	GinkgoHelper()
	entries, err := os.ReadDir(dir)
	Expect(err).NotTo(HaveOccurred())
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
