package integration_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// The benchmark of out with params.files runs in every test run at a small
// size; OUT_BENCH_SIZE (bytes, e.g. 1073741824) makes it the real one, and
// OUT_BENCH_MAX_RATIO (e.g. 1.4) turns the time target into an assertion
// (left off by default: on a shared machine wall times are noise).
const (
	defaultBenchSize = 64 << 20
	maxRSS           = 64 << 20
)

// measured is one process's cost.
type measured struct {
	wall     time.Duration
	cpu      time.Duration // user + system
	maxRSSKB int64
}

func (m measured) String() string {
	return fmt.Sprintf("%6.2fs wall %6.2fs cpu %6.1f MiB peak RSS", m.wall.Seconds(), m.cpu.Seconds(), float64(m.maxRSSKB)/1024)
}

// measure runs cmd to completion and reads its cost. Its peak RSS is read
// from /proc (VmHWM) while it runs: the ru_maxrss the kernel reports for a
// child a Go process starts counts that parent's own peak too.
func measure(cmd *exec.Cmd) measured {
	GinkgoHelper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	Expect(cmd.Start()).To(Succeed())
	done := make(chan struct{})
	peak := make(chan int64, 1)
	go watchPeakRSS(cmd.Process.Pid, done, peak)
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	Expect(err).NotTo(HaveOccurred(), "%s: %s", cmd.Path, stderr.String())
	return measured{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), maxRSSKB: <-peak}
}

// watchPeakRSS polls the high-water mark of pid's resident set until done.
func watchPeakRSS(pid int, done <-chan struct{}, peak chan<- int64) {
	var highest int64
	ticker := time.NewTicker(10 * time.Millisecond)
	defer ticker.Stop()
	for {
		if status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
			for _, line := range strings.Split(string(status), "\n") {
				if value, found := strings.CutPrefix(line, "VmHWM:"); found {
					kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "kB")), 10, 64)
					highest = max(highest, kb)
				}
			}
		}
		select {
		case <-done:
			peak <- highest
			return
		case <-ticker.C:
		}
	}
}

func benchSize() int64 {
	if text := os.Getenv("OUT_BENCH_SIZE"); text != "" {
		size, err := strconv.ParseInt(text, 10, 64)
		Expect(err).NotTo(HaveOccurred(), "OUT_BENCH_SIZE")
		return size
	}
	return defaultBenchSize
}

// writeRandomFile streams size pseudo-random bytes to path.
func writeRandomFile(path string, size int64) {
	file, err := os.Create(path)
	Expect(err).NotTo(HaveOccurred())
	defer file.Close()
	_, err = io.CopyN(file, rand.NewChaCha8([32]byte{42}), size)
	Expect(err).NotTo(HaveOccurred())
}

var _ = Describe("out's cost with params.files", Label("benchmark"), Serial, func() {
	It("hashes, mirrors and publishes a large file about as fast as sha512sum reads it, in bounded memory", func() {
		size := benchSize()
		build := newOutBuild()
		path := filepath.Join(string(build), "dist", "big.bin")
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		writeRandomFile(path, size)
		build.write("version", []byte("1.0.0"))

		baseline := measure(exec.Command("sha512sum", path))

		runPut := func(destination string, handlers []any) measured {
			repo := newOutRepo()
			request, err := json.Marshal(map[string]any{
				"source": map[string]any{
					"uri": "git+" + repo.FileURL() + "//metalinks", "url_handlers": handlers,
					"mirror_files": []map[string]any{{"destination": destination}},
				},
				"params": map[string]any{"files": []string{"dist/big.bin"}, "version": "version"},
			})
			Expect(err).NotTo(HaveOccurred())
			cmd := exec.Command(bin.Out, string(build))
			cmd.Stdin = bytes.NewReader(request)
			cmd.Env = append(os.Environ(), "TMPDIR="+GinkgoT().TempDir())
			cost := measure(cmd)
			Expect(repo.Files(GinkgoT())).To(ContainElement("metalinks/v1.0.0.meta4"))
			return cost
		}
		toFile := runPut("file://"+GinkgoT().TempDir()+"/{{.Version}}/{{.Name}}", nil)
		bucket := newOutBucket()
		toS3 := runPut(bucket.url("{{.Version}}/{{.Name}}"), []any{world.s3Handler(s3server.SecretKey)})

		ratio := toFile.wall.Seconds() / baseline.wall.Seconds()
		report := fmt.Sprintf("size %d bytes\n  sha512sum           %s\n  out, file:// mirror %s (%.2fx the wall time, %.2fx the cpu of sha512sum)\n  out, S3 mirror      %s\n",
			size, baseline, toFile, ratio, toFile.cpu.Seconds()/baseline.cpu.Seconds(), toS3)
		AddReportEntry("out benchmark", report)
		fmt.Fprint(GinkgoWriter, report)

		Expect(toFile.maxRSSKB*1024).To(BeNumerically("<=", maxRSS), "peak RSS with a file:// mirror")
		Expect(toS3.maxRSSKB*1024).To(BeNumerically("<=", maxRSS), "peak RSS with an S3 mirror")
		if text := os.Getenv("OUT_BENCH_MAX_RATIO"); text != "" {
			limit, err := strconv.ParseFloat(text, 64)
			Expect(err).NotTo(HaveOccurred(), "OUT_BENCH_MAX_RATIO")
			Expect(ratio).To(BeNumerically("<=", limit))
		}
	})
})
