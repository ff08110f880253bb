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
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/throttle"
)

// BenchmarkManyFiles fetches a release of many files of one size, sha-256
// verified, from two loopback mirrors that cap a connection at 10 MiB/s,
// answer after 150 ms and refuse (503) beyond 6 requests at once, as real
// mirrors do; ours (download.Files in a child process, at its defaults)
// and aria2c (-M with the release's metalink, at its defaults) one after
// the other in every iteration:
//
//	go test -run '^$' -bench BenchmarkManyFiles -benchtime 3x ./shared/download/
//
// Each case reports both times, ours over aria2c's, both peak RSS and the
// 503s each provoked.
func BenchmarkManyFiles(b *testing.B) {
	if _, err := exec.LookPath("aria2c"); err != nil {
		b.Skip("aria2c is not installed (apt-get install aria2)")
	}
	for _, c := range []manyFilesCase{
		{name: "32x4MiB", count: 32, size: 4 << 20},
		{name: "200x256KiB", count: 200, size: 256 << 10},
	} {
		b.Run(c.name, c.run)
	}
}

type manyFilesCase struct {
	name  string
	count int
	size  int64
}

func (c manyFilesCase) run(b *testing.B) {
	body := throttle.Repeat(fixtures.RandomBytes(64<<10+3, 8), c.size)
	digest := sha256Of(b, body)
	var mirrors []*throttle.Server
	var urls []string
	for host := 2; host <= 3; host++ {
		server, err := throttle.Start(throttle.Config{Addr: throttle.Loopback(host), Path: "/asset.bin", Body: body,
			Rate: 10 << 20, Delay: 150 * time.Millisecond, MaxConcurrent: 6, RetryAfter: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(server.Close)
		mirrors = append(mirrors, server)
		urls = append(urls, server.URL)
	}
	refused := func() int { return mirrors[0].Refused() + mirrors[1].Refused() }
	var ours, aria2c benchCost
	var oursRefused, aria2cRefused int
	for b.Loop() {
		before := refused()
		aria2c = aria2c.plus(runMeasured(b, c.aria2c(b, urls, digest)))
		aria2cRefused += refused() - before
		before = refused()
		ours = ours.plus(runMeasured(b, filesChild(urls, digest, c.size, c.count, b.TempDir())))
		oursRefused += refused() - before
	}
	runs := float64(b.N)
	b.ReportMetric(ours.wall.Seconds()/runs, "ours-s")
	b.ReportMetric(aria2c.wall.Seconds()/runs, "aria2c-s")
	b.ReportMetric(ours.wall.Seconds()/aria2c.wall.Seconds(), "aria2c-ratio")
	b.ReportMetric(float64(ours.peakKiB)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(aria2c.peakKiB)/1024, "aria2c-peak-RSS-MiB")
	b.ReportMetric(float64(oursRefused)/runs, "ours-503s")
	b.ReportMetric(float64(aria2cRefused)/runs, "aria2c-503s")
}

// aria2c fetches the release from its metalink, at aria2c's defaults (5
// files at once), checking each file's sha-256.
func (c manyFilesCase) aria2c(b *testing.B, urls []string, digest string) *exec.Cmd {
	dir := b.TempDir()
	data, err := metalink.MarshalXML(metalink.Metalink{Files: releaseFiles(urls, digest, c.size, c.count)})
	if err != nil {
		b.Fatal(err)
	}
	doc := filepath.Join(dir, "release.meta4")
	if err := os.WriteFile(doc, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return exec.Command("aria2c", "--no-conf", "--quiet", "--allow-overwrite=true", "--auto-file-renaming=false",
		"--dir", filepath.Join(dir, "out"), "-M", doc)
}

// releaseFiles are count files of size bytes, each at every URL.
func releaseFiles(urls []string, digest string, size int64, count int) []metalink.File {
	files := make([]metalink.File, count)
	for i := range files {
		files[i] = metalink.File{Name: fmt.Sprintf("asset-%03d.bin", i), Size: uint64(size),
			Hashes: []metalink.Hash{{Type: "sha-256", Hash: digest}}}
		for _, u := range urls {
			files[i].URLs = append(files[i].URLs, metalink.URL{URL: u})
		}
	}
	return files
}

// filesChild is a command that runs filesDownload in this test binary.
func filesChild(urls []string, digest string, size int64, count int, dir string) *exec.Cmd {
	return benchChild("files",
		"MLR_BENCH_URL="+strings.Join(urls, " "),
		"MLR_BENCH_SHA256="+digest,
		"MLR_BENCH_SIZE="+strconv.FormatInt(size, 10),
		"MLR_BENCH_COUNT="+strconv.Itoa(count),
		"MLR_BENCH_DIR="+dir)
}

// filesDownload is the child's side of ours: download.Files at its defaults.
func filesDownload(ctx context.Context, dir string) error {
	size, err := strconv.ParseInt(os.Getenv("MLR_BENCH_SIZE"), 10, 64)
	if err != nil {
		return err
	}
	count, err := strconv.Atoi(os.Getenv("MLR_BENCH_COUNT"))
	if err != nil {
		return err
	}
	files := releaseFiles(strings.Fields(os.Getenv("MLR_BENCH_URL")), os.Getenv("MLR_BENCH_SHA256"), size, count)
	return download.Files(ctx, files, dir, download.Options{})
}
