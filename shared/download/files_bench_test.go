package download_test

import (
	"context"
	"fmt"
	"io"
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

// BenchmarkManyFiles fetches a release of many files, sha-256 verified,
// from two loopback mirrors that cap a connection at 10 MiB/s, answer after
// 150 ms and refuse (503) beyond 6 requests at once, as real mirrors do;
// ours (download.Files in a child process) and aria2c (-M with the
// release's metalink) one after the other in every iteration, both at
// their defaults, and in the cases named "-x6" both allowed 6 connections
// to a server for one file (max_connections_per_server and split; aria2c's
// -x and -s):
//
//	go test -run '^$' -bench BenchmarkManyFiles -benchtime 3x ./shared/download/
//
// Each case reports both times, ours over aria2c's, ours over the time the
// per-host budget allows (all bytes at 6 connections per mirror), both peak
// RSS and the 503s each provoked.
func BenchmarkManyFiles(b *testing.B) {
	if _, err := exec.LookPath("aria2c"); err != nil {
		b.Skip("aria2c is not installed (apt-get install aria2)")
	}
	mixed := []fileGroup{{count: 1, size: 256 << 20}, {count: 31, size: 1 << 20}}
	for _, c := range []manyFilesCase{
		{name: "32x4MiB", groups: []fileGroup{{count: 32, size: 4 << 20}}},
		{name: "200x256KiB", groups: []fileGroup{{count: 200, size: 256 << 10}}},
		{name: "256MiB+31x1MiB", groups: mixed},
		{name: "256MiB+31x1MiB-x6", groups: mixed, perServer: 6},
	} {
		b.Run(c.name, c.run)
	}
}

// The mirrors of BenchmarkManyFiles.
const (
	benchMirrorRate  = 10 << 20
	benchMirrorLimit = 6
)

type manyFilesCase struct {
	name      string
	groups    []fileGroup
	perServer int // connections to one server for one file, split 2× that; 0: defaults
}

// fileGroup is count files of one size, all served from one path.
type fileGroup struct {
	count  int
	size   int64
	path   string
	digest string
}

func (c manyFilesCase) run(b *testing.B) {
	served := map[string]func() io.ReadSeeker{}
	var total int64
	for i := range c.groups {
		g := &c.groups[i]
		body := throttle.Repeat(fixtures.RandomBytes(64<<10+3, byte(8+i)), g.size)
		g.path, g.digest = fmt.Sprintf("/group-%d.bin", i), sha256Of(b, body)
		served[g.path] = body
		total += int64(g.count) * g.size
	}
	var mirrors []*throttle.Server
	var roots []string
	for host := 2; host <= 3; host++ {
		server, err := throttle.Start(throttle.Config{Addr: throttle.Loopback(host), Also: served,
			Rate: benchMirrorRate, Delay: 150 * time.Millisecond, MaxConcurrent: benchMirrorLimit, RetryAfter: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(server.Close)
		mirrors = append(mirrors, server)
		roots = append(roots, server.URL)
	}
	release := releaseSpec(roots, c.groups)
	refused := func() int { return mirrors[0].Refused() + mirrors[1].Refused() }
	var ours, aria2c benchCost
	var oursRefused, aria2cRefused int
	for b.Loop() {
		before := refused()
		aria2c = aria2c.plus(runMeasured(b, c.aria2c(b, release)))
		aria2cRefused += refused() - before
		before = refused()
		ours = ours.plus(runMeasured(b, filesChild(release, c.perServer, b.TempDir())))
		oursRefused += refused() - before
	}
	runs := float64(b.N)
	limit := float64(total) / float64(len(mirrors)*benchMirrorLimit*benchMirrorRate)
	b.ReportMetric(ours.wall.Seconds()/runs, "ours-s")
	b.ReportMetric(aria2c.wall.Seconds()/runs, "aria2c-s")
	b.ReportMetric(ours.wall.Seconds()/aria2c.wall.Seconds(), "aria2c-ratio")
	b.ReportMetric(ours.wall.Seconds()/runs/limit, "limit-ratio")
	b.ReportMetric(float64(ours.peakKiB)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(aria2c.peakKiB)/1024, "aria2c-peak-RSS-MiB")
	b.ReportMetric(float64(oursRefused)/runs, "ours-503s")
	b.ReportMetric(float64(aria2cRefused)/runs, "aria2c-503s")
}

// aria2c fetches the release from its metalink, 5 files at once as at its
// defaults, checking each file's sha-256.
func (c manyFilesCase) aria2c(b *testing.B, release string) *exec.Cmd {
	dir := b.TempDir()
	files, err := parseRelease(release)
	if err != nil {
		b.Fatal(err)
	}
	data, err := metalink.MarshalXML(metalink.Metalink{Files: files})
	if err != nil {
		b.Fatal(err)
	}
	doc := filepath.Join(dir, "release.meta4")
	if err := os.WriteFile(doc, data, 0o644); err != nil {
		b.Fatal(err)
	}
	args := []string{"--no-conf", "--quiet", "--allow-overwrite=true", "--auto-file-renaming=false", "--dir", filepath.Join(dir, "out")}
	if c.perServer > 0 {
		args = append(args, "-x", strconv.Itoa(c.perServer), "-s", strconv.Itoa(2*c.perServer))
	}
	return exec.Command("aria2c", append(args, "-M", doc)...)
}

// releaseSpec describes the release to the child: the mirrors' roots, then
// a count:size:path:sha256 field per group.
func releaseSpec(roots []string, groups []fileGroup) string {
	fields := []string{strings.Join(roots, ",")}
	for _, g := range groups {
		fields = append(fields, fmt.Sprintf("%d:%d:%s:%s", g.count, g.size, g.path, g.digest))
	}
	return strings.Join(fields, " ")
}

// parseRelease is the files of a releaseSpec, each at every mirror.
func parseRelease(spec string) ([]metalink.File, error) {
	fields := strings.Fields(spec)
	if len(fields) < 2 {
		return nil, fmt.Errorf("release %q: no files", spec)
	}
	var files []metalink.File
	for _, field := range fields[1:] {
		var g fileGroup
		parts := strings.Split(field, ":")
		if len(parts) != 4 {
			return nil, fmt.Errorf("release group %q: want count:size:path:sha256", field)
		}
		var err error
		if g.count, err = strconv.Atoi(parts[0]); err != nil {
			return nil, err
		}
		if g.size, err = strconv.ParseInt(parts[1], 10, 64); err != nil {
			return nil, err
		}
		for range g.count {
			f := metalink.File{Name: fmt.Sprintf("asset-%03d.bin", len(files)), Size: uint64(g.size),
				Hashes: []metalink.Hash{{Type: "sha-256", Hash: parts[3]}}}
			for _, root := range strings.Split(fields[0], ",") {
				f.URLs = append(f.URLs, metalink.URL{URL: root + parts[2]})
			}
			files = append(files, f)
		}
	}
	return files, nil
}

// filesChild is a command that runs filesDownload in this test binary.
func filesChild(release string, perServer int, dir string) *exec.Cmd {
	return benchChild("files",
		"MLR_BENCH_RELEASE="+release,
		"MLR_BENCH_PER_SERVER="+strconv.Itoa(perServer),
		"MLR_BENCH_DIR="+dir)
}

// filesDownload is the child's side of ours: download.Files at its
// defaults, or with the case's connections to one server.
func filesDownload(ctx context.Context, dir string) error {
	files, err := parseRelease(os.Getenv("MLR_BENCH_RELEASE"))
	if err != nil {
		return err
	}
	perServer, err := strconv.Atoi(os.Getenv("MLR_BENCH_PER_SERVER"))
	if err != nil {
		return err
	}
	return download.Files(ctx, files, dir, download.Options{Segments: download.Segments{PerServer: perServer, Split: 2 * perServer}})
}
