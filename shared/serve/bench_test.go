package serve_test

import (
	"bufio"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/benchdata"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/peakrss"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/throttle"
)

// The benchmarks of meta4-repo serve, each beside its reference in the
// same run (ci/bench serve):
//
//	MLR_SERVE_SIZE=1073741824 go test -run '^$' -bench BenchmarkServe -benchtime 3x ./shared/serve/
//
// The server is the built meta4-repo binary, so that its peak RSS
// (peak-RSS-MiB) is its own, not the benchmark's.

// benchBinary is meta4-repo, built once per benchmark run.
var benchBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "serve-bench-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "meta4-repo")
	out, err := exec.Command("go", "build", "-o", path, "github.com/metalink-resources/metalink-resources/shared/cmd/meta4-repo").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v: %s", err, out)
	}
	return path, nil
})

// serveChild is a meta4-repo serve process.
type serveChild struct {
	URL  string
	cmd  *exec.Cmd
	peak func() int64
}

var benchListening = regexp.MustCompile(`serve: listening on (http://\S+)`)

// startServeChild serves the file repository repoDir with the cache dir.
func startServeChild(b *testing.B, repoDir, cache string) *serveChild {
	b.Helper()
	binary, err := benchBinary()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(binary, "serve", "--listen", "127.0.0.1:0", "--cache", cache, "file://"+repoDir)
	cmd.Env = append(os.Environ(), "HOME="+b.TempDir())
	return startChild(b, cmd)
}

// startFileServerChild serves dir with http.FileServer in a process of
// its own, as the server under test runs in one.
func startFileServerChild(b *testing.B, dir string) *serveChild {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFileServerChild$")
	cmd.Env = append(os.Environ(), "MLR_SERVE_FILESERVER="+dir)
	return startChild(b, cmd)
}

// TestFileServerChild is the reference server of the benchmarks; it does
// nothing in an ordinary test run.
func TestFileServerChild(t *testing.T) {
	dir := os.Getenv("MLR_SERVE_FILESERVER")
	if dir == "" {
		t.Skip("run by the benchmarks as their reference server")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	server := &http.Server{Handler: http.FileServer(http.Dir(dir)), ReadHeaderTimeout: time.Minute}
	go func() {
		<-ctx.Done()
		_ = server.Close()
	}()
	fmt.Fprintf(os.Stderr, "serve: listening on http://%s\n", ln.Addr())
	if err := server.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		t.Fatal(err)
	}
}

// startChild starts cmd and waits for its "listening on" line.
func startChild(b *testing.B, cmd *exec.Cmd) *serveChild {
	b.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	child := &serveChild{cmd: cmd, peak: peakrss.Watch(cmd.Process.Pid)}
	lines := bufio.NewScanner(stderr)
	for child.URL == "" && lines.Scan() {
		if m := benchListening.FindStringSubmatch(lines.Text()); m != nil {
			child.URL = m[1]
		}
	}
	if child.URL == "" {
		_ = cmd.Process.Kill()
		b.Fatalf("%s did not start", cmd.Path)
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }() // the access log
	return child
}

// stop ends the server and returns its peak RSS in MiB.
func (c *serveChild) stop(b *testing.B) float64 {
	b.Helper()
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	if err := c.cmd.Wait(); err != nil {
		b.Fatalf("%s: %v", c.cmd.Path, err)
	}
	return float64(c.peak()) / 1024
}

// benchClient keeps up to 64 connections per host, as many clients would.
var benchClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 0}}

// fetchAll GETs url and reads the whole body, returning its length.
func fetchAll(url string) (int64, error) {
	resp, err := benchClient.Get(url)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	// A large buffer, so that the client costs both servers alike and little.
	buf := buffers.Get().(*[]byte)
	defer buffers.Put(buf)
	return io.CopyBuffer(struct{ io.Writer }{io.Discard}, resp.Body, *buf)
}

var buffers = sync.Pool{New: func() any {
	buf := make([]byte, 1<<20)
	return &buf
}}

// bigFile writes size random bytes to dir/name and its metalink (sha-512,
// the URL) to repo/v1.meta4.
func bigFile(b *testing.B, dir, name string, size int64, repo, url string) {
	b.Helper()
	sum, err := benchdata.WriteFile(filepath.Join(dir, name), size)
	if err != nil {
		b.Fatal(err)
	}
	writeBenchDoc(b, repo, metalink.File{Name: name, Version: "1", Size: uint64(size),
		Hashes: []metalink.Hash{{Type: "sha-512", Hash: sum}}, URLs: []metalink.URL{{URL: url}}})
}

func writeBenchDoc(b *testing.B, repo string, files ...metalink.File) {
	b.Helper()
	data, err := metalink.MarshalXML(metalink.Metalink{Files: files})
	if err == nil {
		err = os.WriteFile(filepath.Join(repo, "v1.meta4"), data, 0o644)
	}
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkServeCachedGET: a GET of a cached file, against Go's
// http.FileServer serving the same file.
func BenchmarkServeCachedGET(b *testing.B) {
	size, err := benchdata.Size("MLR_SERVE_SIZE", 256<<20)
	if err != nil {
		b.Fatal(err)
	}
	files, repo := b.TempDir(), b.TempDir()
	reference := startFileServerChild(b, files)
	bigFile(b, files, "big.bin", size, repo, reference.URL+"/big.bin")
	child := startServeChild(b, repo, b.TempDir())
	if _, err := fetchAll(child.URL + "/name/big.bin"); err != nil { // into the cache
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name   string
		server *serveChild
		url    string
	}{
		{"reference-fileserver", reference, reference.URL + "/big.bin"},
		{"serve", child, child.URL + "/name/big.bin"},
	} {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				if n, err := fetchAll(mode.url); err != nil || n != size {
					b.Fatalf("%d bytes: %v", n, err)
				}
			}
			b.ReportMetric(mode.server.stop(b), "peak-RSS-MiB")
		})
	}
}

// BenchmarkServeCold64: 64 clients ask at once for a cold file on a mirror
// capped at 100 MiB/s; the reference is one client's cold GET (the fetch)
// and one cached GET after it.
func BenchmarkServeCold64(b *testing.B) {
	size, err := benchdata.Size("MLR_SERVE_COLD_SIZE", 256<<20)
	if err != nil {
		b.Fatal(err)
	}
	files, repo := b.TempDir(), b.TempDir()
	path := filepath.Join(files, "cold.bin")
	if _, err := benchdata.WriteFile(path, size); err != nil {
		b.Fatal(err)
	}
	body, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = body.Close() }()
	up, err := throttle.Start(throttle.Config{Path: "/cold.bin", Rate: 100 << 20,
		Body: func() io.ReadSeeker { return io.NewSectionReader(body, 0, size) }})
	if err != nil {
		b.Fatal(err)
	}
	defer up.Close()
	sum, err := sha512Of(path)
	if err != nil {
		b.Fatal(err)
	}
	writeBenchDoc(b, repo, metalink.File{Name: "cold.bin", Version: "1", Size: uint64(size),
		Hashes: []metalink.Hash{{Type: "sha-512", Hash: sum}}, URLs: []metalink.URL{{URL: up.URL}}})

	for _, mode := range []struct {
		name    string
		clients int
		after   int // clients that GET the cached file at once afterwards
	}{{"reference-one-fetch-one-get", 1, 1}, {"reference-one-fetch-then-64-cached", 1, 64}, {"serve-64-clients", 64, 0}} {
		b.Run(mode.name, func(b *testing.B) {
			var peak float64
			for b.Loop() {
				b.StopTimer()
				child := startServeChild(b, repo, b.TempDir())
				before := up.Requests()
				b.StartTimer()
				getAtOnce(b, child.URL+"/name/cold.bin", mode.clients, size)
				if mode.after > 0 {
					getAtOnce(b, child.URL+"/name/cold.bin", mode.after, size)
				}
				b.StopTimer()
				if fetched := up.Requests() - before; fetched != 1 {
					b.Fatalf("%d upstream requests, want 1", fetched)
				}
				peak = max(peak, child.stop(b))
				b.StartTimer()
			}
			b.ReportMetric(peak, "peak-RSS-MiB")
		})
	}
}

func sha512Of(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	h := sha512.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// getAtOnce has n clients GET url at once, each expecting size bytes.
func getAtOnce(b *testing.B, url string, n int, size int64) {
	var wg sync.WaitGroup
	var failed atomic.Value
	for range n {
		wg.Go(func() {
			if got, err := fetchAll(url); err != nil || got != size {
				failed.Store(fmt.Sprintf("%d bytes: %v", got, err))
			}
		})
	}
	wg.Wait()
	if msg := failed.Load(); msg != nil {
		b.Fatal(msg)
	}
}

// BenchmarkServeSmallFiles: 1,000 GETs of small cached files, 32 at once,
// against http.FileServer serving the same files; requests/s and the 99th
// percentile of the latency.
func BenchmarkServeSmallFiles(b *testing.B) {
	const count, concurrency = 1000, 32
	files, repo := b.TempDir(), b.TempDir()
	reference := startFileServerChild(b, files)
	var docs []metalink.File
	for i := range count {
		data := fixtures.RandomBytes(4096, byte(i))
		name := fmt.Sprintf("f%04d.bin", i)
		if err := os.WriteFile(filepath.Join(files, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
		docs = append(docs, metalink.File{Name: name, Version: "1", Size: uint64(len(data)), Hashes: hashes(data)[:1],
			URLs: []metalink.URL{{URL: reference.URL + "/" + name}}})
	}
	writeBenchDoc(b, repo, docs...)
	child := startServeChild(b, repo, b.TempDir())
	for _, f := range docs { // into the cache
		if _, err := fetchAll(child.URL + "/name/" + f.Name); err != nil {
			b.Fatal(err)
		}
	}
	for _, mode := range []struct {
		name   string
		server *serveChild
		base   string
	}{
		{"reference-fileserver", reference, reference.URL + "/"},
		{"serve", child, child.URL + "/name/"},
	} {
		b.Run(mode.name, func(b *testing.B) {
			var latencies []time.Duration
			var elapsed time.Duration
			for b.Loop() {
				start := time.Now()
				latencies = append(latencies, requestAll(b, mode.base, docs, concurrency)...)
				elapsed += time.Since(start)
			}
			slices.Sort(latencies)
			b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(mode.server.stop(b), "peak-RSS-MiB")
		})
	}
}

// requestAll GETs base+name of every file, concurrency at once, and
// returns each request's latency.
func requestAll(b *testing.B, base string, docs []metalink.File, concurrency int) []time.Duration {
	latencies := make([]time.Duration, len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for range concurrency {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(docs); i = int(next.Add(1) - 1) {
				start := time.Now()
				if _, err := fetchAll(base + docs[i].Name); err != nil {
					failed.Store(err.Error())
				}
				latencies[i] = time.Since(start)
			}
		})
	}
	wg.Wait()
	if msg := failed.Load(); msg != nil {
		b.Fatal(msg)
	}
	return latencies
}
