package download_test

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/benchdata"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
)

// Run both benchmarks side by side, e.g. with a 1 GiB file:
//
//	MLR_BENCH_SIZE=1073741824 go test -run '^$' -bench . -benchtime 3x ./shared/download/
//
// Each also reports the peak RSS (peak-RSS-MiB), which must not grow with the
// file's size, and the CPU time (child-cpu-ms) of a separate process doing one
// download of the same file.

const defaultBenchSize = 64 << 20

// benchSource serves size bytes made of one random MiB repeated.
type benchSource struct {
	url    string
	size   int64
	sha512 string
}

func benchSizeFromEnv(tb testing.TB) int64 {
	size, err := benchdata.Size("MLR_BENCH_SIZE", defaultBenchSize)
	if err != nil {
		tb.Fatal(err)
	}
	return size
}

func startBenchSource(tb testing.TB) *benchSource {
	size := benchSizeFromEnv(tb)
	block := fixtures.RandomBytes(1<<20, 3)
	hash := sha512.New()
	_ = writeRepeated(hash, block, size)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		_ = writeRepeated(w, block, size)
	}))
	tb.Cleanup(server.Close)
	return &benchSource{url: server.URL + "/bench.bin", size: size, sha512: hex.EncodeToString(hash.Sum(nil))}
}

func writeRepeated(w io.Writer, block []byte, size int64) error {
	for remaining := size; remaining > 0; {
		n := min(remaining, int64(len(block)))
		if _, err := w.Write(block[:n]); err != nil {
			return err
		}
		remaining -= n
	}
	return nil
}

// referenceDownload is the plain way: one GET through io.MultiWriter(file, sha512).
func referenceDownload(src *benchSource, dir string) error {
	resp, err := http.Get(src.url)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }() // read to its end or failed already
	path := filepath.Join(dir, "bench.bin")
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	hash := sha512.New()
	if _, err := io.Copy(io.MultiWriter(file, hash), resp.Body); err != nil {
		_ = file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	if got := hex.EncodeToString(hash.Sum(nil)); got != src.sha512 {
		return fmt.Errorf("sha-512 mismatch: got %s", got)
	}
	return os.Remove(path)
}

// ourDownload is download.File with a sha-512 and the size to verify.
func ourDownload(src *benchSource, dir string) error {
	f := metalink.File{
		Name:   "bench.bin",
		Size:   uint64(src.size),
		Hashes: []metalink.Hash{{Type: "sha-512", Hash: src.sha512}},
		URLs:   []metalink.URL{{URL: src.url}},
	}
	if err := download.File(context.Background(), f, dir, download.Options{}); err != nil {
		return err
	}
	return os.Remove(filepath.Join(dir, "bench.bin"))
}

var benchModes = map[string]func(*benchSource, string) error{
	"reference": referenceDownload,
	"ours":      ourDownload,
}

func BenchmarkReferenceMultiWriter(b *testing.B) { runBenchmark(b, "reference") }

func BenchmarkDownloadSHA512(b *testing.B) { runBenchmark(b, "ours") }

func runBenchmark(b *testing.B, mode string) {
	src := startBenchSource(b)
	dir := b.TempDir()
	b.SetBytes(src.size)
	for b.Loop() {
		if err := benchModes[mode](src, dir); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	usage := childUsage(b, mode, src)
	b.ReportMetric(float64(usage.Maxrss)/1024, "peak-RSS-MiB") // Linux reports KiB
	cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
	b.ReportMetric(cpu.Seconds()*1000, "child-cpu-ms")
}

// childUsage runs one download of mode in a child process (this test binary
// running TestBenchmarkChild) and returns that process's resource usage: its
// peak RSS, and its CPU time, which unlike wall time does not depend on what
// else the machine is running.
func childUsage(b *testing.B, mode string, src *benchSource) *syscall.Rusage {
	cmd := benchChild(mode,
		"MLR_BENCH_URL="+src.url,
		"MLR_BENCH_SHA512="+src.sha512,
		"MLR_BENCH_SIZE="+strconv.FormatInt(src.size, 10),
		"MLR_BENCH_DIR="+b.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("child %s download: %v\n%s", mode, err, out)
	}
	usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Fatal("no resource usage for the child process")
	}
	return usage
}

// benchChild is a command that runs this test binary as TestBenchmarkChild
// in mode, with env (MLR_BENCH_…) telling it what to fetch.
func benchChild(mode string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchmarkChild$")
	cmd.Env = append(append(os.Environ(), "MLR_BENCH_CHILD="+mode), env...)
	return cmd
}

// sha256Of is the hex sha-256 of the body a benchmark's mirrors serve.
func sha256Of(b *testing.B, body func() io.ReadSeeker) string {
	hash := sha256.New()
	if _, err := io.Copy(hash, body()); err != nil {
		b.Fatal(err)
	}
	return hex.EncodeToString(hash.Sum(nil))
}

// TestBenchmarkChild is the child process of the benchmarks and of the
// SIGTERM spec; it does nothing in an ordinary test run.
func TestBenchmarkChild(t *testing.T) {
	mode := os.Getenv("MLR_BENCH_CHILD")
	if mode == "" {
		t.Skip("run by the benchmarks to measure peak memory")
	}
	if child, ok := map[string]func(context.Context, string) error{"segmented": segmentedDownload, "files": filesDownload}[mode]; ok {
		// As the resources do: SIGTERM (an aborted build) ends the context.
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		defer stop()
		if err := child(ctx, os.Getenv("MLR_BENCH_DIR")); err != nil {
			t.Fatal(err)
		}
		return
	}
	src := &benchSource{url: os.Getenv("MLR_BENCH_URL"), size: benchSizeFromEnv(t), sha512: os.Getenv("MLR_BENCH_SHA512")}
	download, ok := benchModes[mode]
	if !ok {
		t.Fatalf("unknown MLR_BENCH_CHILD mode %q", mode)
	}
	if err := download(src, os.Getenv("MLR_BENCH_DIR")); err != nil {
		t.Fatal(err)
	}
}
