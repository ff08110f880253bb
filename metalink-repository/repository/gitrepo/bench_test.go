package gitrepo_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/metalink-resources/metalink-resources/metalink-repository/repository"
	"github.com/metalink-resources/metalink-resources/metalink-repository/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

// BenchmarkList compares List with `git clone --depth 1` of the same
// repository: N versions, one commit each, all *.meta4 at the root.
//
//	go test ./metalink-repository/repository/gitrepo/ -run '^$' -bench List -benchtime 5x
//
// Sub-benchmarks: git-clone (the yardstick, with checkout), git-clone-bare,
// cold (fresh $TMPDIR: fetch and parse everything), warm (same $TMPDIR, tip
// unchanged) and cold-subprocess, which runs a cold List in a child process
// and reports its peak RSS.
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
			b.Run("cold-subprocess", func(b *testing.B) {
				var peak int64
				for b.Loop() {
					peak = max(peak, listInChild(b, uri, versions))
				}
				b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
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
	r, err := gitrepo.Open(context.Background(), uri, nil, repository.Env{TempDir: tempDir, Stderr: io.Discard})
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

// listInChild runs a cold List in a new process of this test binary (see
// TestMain) and returns the child's peak RSS in KiB.
func listInChild(b *testing.B, uri string, want int) int64 {
	b.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(),
		helperURI+"="+uri,
		helperTempDir+"="+b.TempDir(),
		helperWant+"="+strconv.Itoa(want))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("child list: %v: %s", err, out)
	}
	return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
}

const (
	helperURI     = "GITREPO_LIST_CHILD_URI"
	helperTempDir = "GITREPO_LIST_CHILD_TMPDIR"
	helperWant    = "GITREPO_LIST_CHILD_WANT"
)

// TestMain runs the tests, or, started by listInChild, one List and nothing else.
func TestMain(m *testing.M) {
	if uri := os.Getenv(helperURI); uri != "" {
		os.Exit(listAsChild(uri))
	}
	os.Exit(m.Run())
}

func listAsChild(uri string) int {
	want, err := strconv.Atoi(os.Getenv(helperWant))
	if err == nil {
		var r repository.Repository
		r, err = gitrepo.Open(context.Background(), uri, nil, repository.Env{TempDir: os.Getenv(helperTempDir), Stderr: os.Stderr})
		if err == nil {
			var entries []repository.Entry
			if entries, err = r.List(context.Background()); err == nil && len(entries) != want {
				err = fmt.Errorf("listed %d metalinks, want %d", len(entries), want)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
