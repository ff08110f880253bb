package download_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/benchdata"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/peakrss"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/throttle"
)

// BenchmarkSegmented fetches one file (MLR_SEG_SIZE bytes, default 256 MiB),
// sha-256 verified, from throttled loopback mirrors, with ours and with
// aria2c (Debian's aria2) one after the other in every iteration, so both
// see the same machine load:
//
//	go test -run '^$' -bench BenchmarkSegmented -benchtime 3x ./shared/download/
//
// Each case reports our time and aria2c's, ours over aria2c's (aria2c-ratio),
// ours over the physical limit, size over the sum of the mirrors' rates
// (limit-ratio), and the peak RSS of both processes.
func BenchmarkSegmented(b *testing.B) {
	if _, err := exec.LookPath("aria2c"); err != nil {
		b.Skip("aria2c is not installed (apt-get install aria2)")
	}
	for _, c := range []segmentedCase{
		{name: "4-mirrors-25MiBps", rates: []int64{25, 25, 25, 25}, perServer: 1},
		{name: "1-url-25MiBps-4-connections", rates: []int64{25}, perServer: 4},
		{name: "mirrors-40-25-10-2MiBps", rates: []int64{40, 25, 10, 2}, perServer: 1},
	} {
		b.Run(c.name, c.run)
	}
}

type segmentedCase struct {
	name      string
	rates     []int64 // MiB/s per connection, one mirror each
	perServer int
}

func (c segmentedCase) run(b *testing.B) {
	size, err := benchdata.Size("MLR_SEG_SIZE", 256<<20)
	if err != nil {
		b.Fatal(err)
	}
	body := throttle.Repeat(fixtures.RandomBytes(1<<20+7, 4), size)
	digest := sha256Of(b, body)
	var urls []string
	var combined int64
	for i, rate := range c.rates {
		server, err := throttle.Start(throttle.Config{Addr: throttle.Loopback(i + 2), Path: "/bench.bin", Body: body, Rate: rate << 20})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(server.Close)
		urls = append(urls, server.URL)
		combined += rate << 20 * int64(min(c.perServer, 4))
	}
	limit := time.Duration(float64(size) / float64(combined) * float64(time.Second))

	var ours, aria2c benchCost
	for b.Loop() {
		aria2c = aria2c.plus(runMeasured(b, c.aria2c(b, urls, digest)))
		ours = ours.plus(runMeasured(b, c.ours(b, urls, digest, size)))
	}
	runs := float64(b.N)
	b.ReportMetric(ours.wall.Seconds()/runs, "ours-s")
	b.ReportMetric(aria2c.wall.Seconds()/runs, "aria2c-s")
	b.ReportMetric(ours.wall.Seconds()/aria2c.wall.Seconds(), "aria2c-ratio")
	b.ReportMetric(ours.wall.Seconds()/runs/limit.Seconds(), "limit-ratio")
	b.ReportMetric(float64(ours.peakKiB)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(aria2c.peakKiB)/1024, "aria2c-peak-RSS-MiB")
}

// aria2c is the same download by aria2c, verifying the same sha-256 (which
// it does by reading the file again once it is complete).
func (c segmentedCase) aria2c(b *testing.B, urls []string, digest string) *exec.Cmd {
	args := []string{"--no-conf", "--quiet", "--allow-overwrite=true", "--auto-file-renaming=false",
		"--dir", b.TempDir(), "--out", "bench.bin", "--checksum=sha-256=" + digest,
		"--split=4", "--max-connection-per-server=" + strconv.Itoa(c.perServer), "--min-split-size=16M"}
	return exec.Command("aria2c", append(args, urls...)...)
}

// ours runs download.File in a child process (this test binary), for its
// peak RSS alone.
func (c segmentedCase) ours(b *testing.B, urls []string, digest string, size int64) *exec.Cmd {
	return segmentedChild(urls, digest, size, c.perServer, b.TempDir())
}

// segmentedChild is a command that runs segmentedDownload in this test
// binary.
func segmentedChild(urls []string, digest string, size int64, perServer int, dir string) *exec.Cmd {
	return benchChild("segmented",
		"MLR_BENCH_URL="+strings.Join(urls, " "),
		"MLR_BENCH_SHA256="+digest,
		"MLR_BENCH_SIZE="+strconv.FormatInt(size, 10),
		"MLR_BENCH_PER_SERVER="+strconv.Itoa(perServer),
		"MLR_BENCH_DIR="+dir)
}

// segmentedDownload is the child's side of ours.
func segmentedDownload(ctx context.Context, dir string) error {
	size, err := strconv.ParseInt(os.Getenv("MLR_BENCH_SIZE"), 10, 64)
	if err != nil {
		return err
	}
	perServer, err := strconv.Atoi(os.Getenv("MLR_BENCH_PER_SERVER"))
	if err != nil {
		return err
	}
	f := metalink.File{Name: "bench.bin", Size: uint64(size), Hashes: []metalink.Hash{{Type: "sha-256", Hash: os.Getenv("MLR_BENCH_SHA256")}}}
	for _, u := range strings.Fields(os.Getenv("MLR_BENCH_URL")) {
		f.URLs = append(f.URLs, metalink.URL{URL: u})
	}
	// The file stays: each run has a directory of its own, and aria2c's
	// time does not include removing its file either.
	return download.File(ctx, f, dir, download.Options{Segments: download.Segments{PerServer: perServer}})
}

// benchCost is the wall time of processes and the largest peak RSS.
type benchCost struct {
	wall    time.Duration
	peakKiB int64
}

func (c benchCost) plus(o benchCost) benchCost {
	return benchCost{wall: c.wall + o.wall, peakKiB: max(c.peakKiB, o.peakKiB)}
}

func runMeasured(b *testing.B, cmd *exec.Cmd) benchCost {
	var output strings.Builder
	cmd.Stdout, cmd.Stderr = &output, &output
	elapsed, peak, err := peakrss.Run(cmd)
	if err != nil {
		b.Fatal(fmt.Errorf("%s: %w: %s", filepath.Base(cmd.Path), err, output.String()))
	}
	return benchCost{wall: elapsed, peakKiB: peak}
}
