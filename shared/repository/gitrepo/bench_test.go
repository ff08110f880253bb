package gitrepo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"

	"github.com/onsi/gomega/gexec"

	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/peakrss"
)

// BenchmarkList compares List with `git clone --depth 1` of the same
// repository: N versions, one commit each, all *.meta4 at the root.
//
//	go test ./shared/repository/gitrepo/ -run '^$' -bench List -benchtime 5x
//
// Sub-benchmarks: git-clone (the yardstick, with checkout), git-clone-bare,
// cold (fresh $TMPDIR: fetch and parse everything), warm (same $TMPDIR, tip
// unchanged), and the real check command cold (with its peak RSS) and warm.
func BenchmarkList(b *testing.B) {
	for _, versions := range []int{5000, 20000} {
		b.Run(fmt.Sprintf("versions=%d", versions), func(b *testing.B) {
			uri := "git+" + versionedRepo(b, versions).FileURL()
			b.Run("git-clone", func(b *testing.B) { benchmarkClone(b, uri) })
			b.Run("git-clone-bare", func(b *testing.B) { benchmarkClone(b, uri, "--bare") })
			b.Run("cold", func(b *testing.B) {
				for b.Loop() {
					listOnce(b, uri, b.TempDir(), versions)
				}
			})
			b.Run("warm", func(b *testing.B) {
				tempDir := b.TempDir()
				listOnce(b, uri, tempDir, versions)
				for b.Loop() {
					listOnce(b, uri, tempDir, versions)
				}
			})
			check := checkBinary(b)
			b.Run("cold-check-binary", func(b *testing.B) {
				var peak int64
				for b.Loop() {
					peak = max(peak, runCheck(b, check, uri, b.TempDir()))
				}
				b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
			})
			b.Run("warm-check-binary", func(b *testing.B) {
				tmpDir := b.TempDir()
				runCheck(b, check, uri, tmpDir)
				for b.Loop() {
					runCheck(b, check, uri, tmpDir)
				}
			})
		})
	}
}

func versionedRepo(b *testing.B, versions int) *gitserver.Repo {
	b.Helper()
	repo := gitserver.NewRepo(b, b.TempDir(), "bench.git")
	repo.ImportVersions(b, versions, func(i int) (string, []byte) {
		version := fmt.Sprintf("1.%d.%d", i/100, i%100)
		return "v" + version + ".meta4", gitserver.Meta4(version)
	})
	return repo
}

func benchmarkClone(b *testing.B, uri string, flags ...string) {
	remote := uri[len("git+"):]
	for b.Loop() {
		args := append([]string{"clone", "--quiet", "--depth", "1"}, flags...)
		gitserver.Git(b, "", append(args, remote, filepath.Join(b.TempDir(), "clone"))...)
	}
}

func listOnce(b testing.TB, uri, tempDir string, want int) {
	b.Helper()
	r, err := repotest.Open(repository.Env{TempDir: tempDir, Stderr: io.Discard})(gitrepo.Configure(uri, gitrepo.Options{}, repotest.Names))
	if err != nil {
		b.Fatal(err)
	}
	entries, err := r.List(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if len(entries) != want {
		b.Fatalf("listed %d metalinks, want %d", len(entries), want)
	}
}

// checkBinary builds the resource's check command once per benchmark run.
func checkBinary(b *testing.B) string {
	b.Helper()
	path, err := gexec.Build("github.com/metalink-resources/metalink-resources/metalink-repository/cmd/check")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(gexec.CleanupBuildArtifacts)
	return path
}

// runCheck runs the real check command with tmpDir as $TMPDIR (fresh: a new
// check container; reused: a warm one) and returns its own peak RSS in KiB
// (not that of the git-upload-pack it starts for a file:// remote).
func runCheck(b *testing.B, check, uri, tmpDir string) int64 {
	b.Helper()
	request, err := json.Marshal(map[string]any{"source": map[string]any{"uri": uri}})
	if err != nil {
		b.Fatal(err)
	}
	var output bytes.Buffer
	cmd := exec.Command(check)
	cmd.Stdin = bytes.NewReader(request)
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.Env = append(os.Environ(), "TMPDIR="+tmpDir)
	_, peak, err := peakrss.Run(cmd)
	if err != nil {
		b.Fatalf("check: %v: %s", err, output.String())
	}
	return peak
}
