package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/benchdata"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/peakrss"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// The cost of out with params.files: hash a large file (four hashes),
// mirror it, publish to a git repository, against sha512sum of the same
// file in the same run.
//
// The Ginkgo spec runs in every test run at a small size and holds the
// memory bound. BenchmarkOut is the real measurement (ci/bench out):
//
//	OUT_BENCH_SIZE=1073741824 go test ./metalink-repository/integration/ -run '^$' -bench BenchmarkOut -benchtime 1x
//
// OUT_BENCH_MAX_RATIO (e.g. 1.4) turns the time target into an assertion,
// off by default: on a shared machine wall times are noise.
const (
	defaultBenchSize = 64 << 20
	maxPeakRSS       = 64 << 20
)

// cost is what one process took.
type cost struct {
	wall      time.Duration
	cpu       time.Duration // user + system
	peakRSSKB int64
}

func (c cost) String() string {
	return fmt.Sprintf("%6.2fs wall %6.2fs cpu %6.1f MiB peak RSS", c.wall.Seconds(), c.cpu.Seconds(), float64(c.peakRSSKB)/1024)
}

// benchResult compares out with sha512sum.
type benchResult struct {
	size                    int64
	sha512sum, toFile, toS3 cost
	// sdkUpload is the reference for toS3: the SDK's transfer manager, with
	// its defaults, uploading the same file to the same server; 0 when the
	// setup has no client.
	sdkUpload time.Duration
}

func (r benchResult) ratio() float64 { return r.toFile.wall.Seconds() / r.sha512sum.wall.Seconds() }

func (r benchResult) String() string {
	return fmt.Sprintf("size %d bytes\n  sha512sum           %s\n  out, file:// mirror %s (%.2fx the wall time, %.2fx the cpu of sha512sum)\n  out, S3 mirror      %s\n  SDK upload          %6.2fs wall\n",
		r.size, r.sha512sum, r.toFile, r.ratio(), r.toFile.cpu.Seconds()/r.sha512sum.cpu.Seconds(), r.toS3, r.sdkUpload.Seconds())
}

// benchSetup is where the measured puts go.
type benchSetup struct {
	t        gitserver.TB
	out      string // the out binary
	gitRoot  string
	s3Bucket string // a bucket URL prefix, s3://HOST/BUCKET/
	s3       map[string]any
	// s3Client, when set, uploads the file for the reference to bucket.
	s3Client *s3.Client
	bucket   string
}

// measureOut runs sha512sum and two puts of a new file of size bytes.
func measureOut(setup benchSetup, size int64) (benchResult, error) {
	build := setup.t.TempDir()
	path := filepath.Join(build, "dist", "big.bin")
	if _, err := benchdata.WriteFile(path, size); err != nil {
		return benchResult{}, err
	}
	if err := os.WriteFile(filepath.Join(build, "version"), []byte("1.0.0"), 0o644); err != nil {
		return benchResult{}, err
	}
	result := benchResult{size: size}
	var err error
	if result.sha512sum, err = measureProcess(exec.Command("sha512sum", path)); err != nil {
		return benchResult{}, err
	}
	fileDestination := "file://" + setup.t.TempDir() + "/{{.Version}}/{{.Name}}"
	if result.toFile, err = measurePut(setup, build, fileDestination, nil); err != nil {
		return benchResult{}, err
	}
	if result.toS3, err = measurePut(setup, build, setup.s3Bucket+"{{.Version}}/{{.Name}}", []any{setup.s3}); err != nil {
		return benchResult{}, err
	}
	if setup.s3Client != nil {
		if result.sdkUpload, err = sdkUpload(setup, path); err != nil {
			return benchResult{}, err
		}
	}
	return result, nil
}

// sdkUpload times the SDK's transfer manager, as a user of the SDK would
// call it, putting path to the setup's bucket.
func sdkUpload(setup benchSetup, path string) (time.Duration, error) {
	file, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer func() { _ = file.Close() }() // read only: nothing to learn from closing it
	syscall.Sync()
	start := time.Now()
	_, err = transfermanager.New(setup.s3Client).UploadObject(context.Background(), &transfermanager.UploadObjectInput{
		Bucket: aws.String(setup.bucket), Key: aws.String(fmt.Sprintf("reference-%d", start.UnixNano())), Body: file,
	})
	return time.Since(start), err
}

func measurePut(setup benchSetup, build, destination string, handlers []any) (cost, error) {
	repo := gitserver.NewRepo(setup.t, setup.gitRoot, fmt.Sprintf("bench-%d.git", time.Now().UnixNano()))
	request, err := json.Marshal(map[string]any{
		"source": map[string]any{
			"uri": "git+" + repo.FileURL() + "//metalinks#" + gitserver.DefaultBranch, "url_handlers": handlers,
			"mirror_files": []map[string]any{{"destination": destination}},
		},
		"params": map[string]any{"files": []string{"dist/big.bin"}, "version": "version"},
	})
	if err != nil {
		return cost{}, err
	}
	cmd := exec.Command(setup.out, build)
	cmd.Stdin = bytes.NewReader(request)
	cmd.Env = append(os.Environ(), "TMPDIR="+setup.t.TempDir())
	measured, err := measureProcess(cmd)
	if err != nil {
		return cost{}, err
	}
	if files := repo.Files(setup.t); len(files) != 1 || files[0] != "metalinks/v1.0.0.meta4" {
		return cost{}, fmt.Errorf("put to %s published %v", destination, files)
	}
	return measured, nil
}

// measureProcess runs cmd to completion and reads its wall and CPU time and
// its own peak RSS. It first flushes what earlier steps wrote (sync), whose
// writeback would otherwise slow down whichever step comes next.
func measureProcess(cmd *exec.Cmd) (cost, error) {
	syscall.Sync()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	wall, peak, err := peakrss.Run(cmd)
	if err != nil {
		return cost{}, fmt.Errorf("%s: %w: %s", cmd.Path, err, stderr.String())
	}
	return cost{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), peakRSSKB: peak}, nil
}

// checkRatio applies OUT_BENCH_MAX_RATIO when it is set.
func checkRatio(r benchResult) error {
	text := os.Getenv("OUT_BENCH_MAX_RATIO")
	if text == "" {
		return nil
	}
	limit, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return fmt.Errorf("OUT_BENCH_MAX_RATIO: %w", err)
	}
	if r.ratio() > limit {
		return fmt.Errorf("out took %.2fx the wall time of sha512sum, more than %.2fx", r.ratio(), limit)
	}
	return nil
}

var _ = Describe("out's cost with params.files", Label("benchmark"), Serial, func() {
	It("hashes, mirrors and publishes a file in bounded memory", func() {
		size, err := benchdata.Size("OUT_BENCH_SIZE", defaultBenchSize)
		Expect(err).NotTo(HaveOccurred(), "OUT_BENCH_SIZE")
		bucket := newOutBucket()
		result, err := measureOut(benchSetup{
			t: GinkgoT(), out: bin.Out, gitRoot: world.gitRoot,
			s3Bucket: bucket.url(""), s3: world.s3Handler(s3server.SecretKey),
		}, size)
		Expect(err).NotTo(HaveOccurred())
		AddReportEntry("out benchmark", result.String())
		Expect(result.toFile.peakRSSKB*1024).To(BeNumerically("<=", maxPeakRSS), "peak RSS with a file:// mirror")
		Expect(result.toS3.peakRSSKB*1024).To(BeNumerically("<=", maxPeakRSS), "peak RSS with an S3 mirror")
		Expect(checkRatio(result)).To(Succeed())
	})
})

// BenchmarkOut measures a 1 GiB put (OUT_BENCH_SIZE) outside the Ginkgo
// suite, with its own binary and servers.
func BenchmarkOut(b *testing.B) {
	size, err := benchdata.Size("OUT_BENCH_SIZE", 1<<30)
	if err != nil {
		b.Fatalf("OUT_BENCH_SIZE: %v", err)
	}
	binary, err := gexec.Build("github.com/metalink-resources/metalink-resources/metalink-repository/cmd/out")
	if err != nil {
		b.Fatalf("build out: %v", err)
	}
	b.Cleanup(gexec.CleanupBuildArtifacts)
	server := s3server.Start(b, "bench")
	setup := benchSetup{
		t: b, out: binary, gitRoot: b.TempDir(), s3Bucket: server.URL("bench", ""),
		s3:       map[string]any{"type": "s3", "options": server.Options()},
		s3Client: server.NewClient(s3server.AccessKey, s3server.SecretKey), bucket: "bench",
	}
	for b.Loop() {
		result, err := measureOut(setup, size)
		if err != nil {
			b.Fatal(err)
		}
		// One line per run: go test shows only the first lines a benchmark logs.
		b.Logf("S3 mirror %.2fs, SDK upload %.2fs: %.2fx; file:// mirror %.2fs, sha512sum %.2fs; peak RSS %.1f MiB",
			result.toS3.wall.Seconds(), result.sdkUpload.Seconds(), result.toS3.wall.Seconds()/result.sdkUpload.Seconds(),
			result.toFile.wall.Seconds(), result.sha512sum.wall.Seconds(), float64(max(result.toFile.peakRSSKB, result.toS3.peakRSSKB))/1024)
		b.ReportMetric(result.ratio(), "x-sha512sum")
		b.ReportMetric(result.toFile.wall.Seconds(), "s-file-mirror")
		b.ReportMetric(result.toS3.wall.Seconds(), "s-s3-mirror")
		b.ReportMetric(result.sdkUpload.Seconds(), "s-sdk-upload")
		b.ReportMetric(result.toS3.wall.Seconds()/result.sdkUpload.Seconds(), "x-sdk-upload")
		b.ReportMetric(float64(max(result.toFile.peakRSSKB, result.toS3.peakRSSKB))/1024, "MiB-peak-RSS")
		if err := checkRatio(result); err != nil {
			b.Error(err)
		}
	}
}
