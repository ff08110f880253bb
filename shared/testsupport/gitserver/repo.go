// Package gitserver gives tests real git remotes: bare repositories made with
// the git CLI, `git http-backend` behind basic auth, and an SSH server that runs
// the real git-upload-pack / git-receive-pack. Servers listen on 127.0.0.1 only
// and stop in the test's cleanup.
package gitserver

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TB is the part of testing.TB (and of GinkgoT()) that the helpers use.
type TB interface {
	Helper()
	TempDir() string
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// DefaultBranch is the branch HEAD points at in repositories made by NewRepo.
const DefaultBranch = "main"

// Repo is a bare repository on disk.
type Repo struct {
	Root string // directory the servers serve; Path is inside it
	Name string // path relative to Root, slash separated, e.g. "org/repo.git"
	Path string // absolute path of the bare repository
}

// NewRepo creates an empty bare repository at root/name whose HEAD is DefaultBranch.
func NewRepo(t TB, root, name string) *Repo {
	t.Helper()
	repo := &Repo{Root: root, Name: name, Path: filepath.Join(root, filepath.FromSlash(name))}
	if err := os.MkdirAll(repo.Path, 0o755); err != nil {
		t.Fatalf("gitserver: create %s: %v", repo.Path, err)
	}
	Git(t, repo.Path, "init", "--quiet", "--bare", "--initial-branch="+DefaultBranch)
	return repo
}

// FileURL is the repository's file:// URL.
func (r *Repo) FileURL() string { return "file://" + filepath.ToSlash(r.Path) }

// Git runs the real git CLI in dir, isolated from the user's and the system's
// configuration, and returns its trimmed stdout. Failure fails the test.
func Git(t TB, dir string, args ...string) string {
	t.Helper()
	out, err := runGit(dir, nil, args...)
	if err != nil {
		t.Fatalf("gitserver: %v", err)
	}
	return out
}

func runGit(dir string, stdin io.Reader, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = IsolatedGitEnv()
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// IsolatedGitEnv is the process environment without any git configuration
// from the machine, so tests behave the same everywhere.
func IsolatedGitEnv() []string {
	return append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0")
}

// Head returns the commit the default branch points at, or "" when the
// repository has no commit yet.
func (r *Repo) Head(t TB) string {
	t.Helper()
	out, err := runGit(r.Path, nil, "rev-parse", "--verify", "--quiet", "refs/heads/"+DefaultBranch)
	if err != nil {
		return ""
	}
	return out
}

// CommitCount returns how many commits the default branch has.
func (r *Repo) CommitCount(t TB) int {
	t.Helper()
	if r.Head(t) == "" {
		return 0
	}
	n, err := strconv.Atoi(Git(t, r.Path, "rev-list", "--count", DefaultBranch))
	if err != nil {
		t.Fatalf("gitserver: count commits: %v", err)
	}
	return n
}

// Show returns the content of path at the tip of the default branch.
func (r *Repo) Show(t TB, path string) string {
	t.Helper()
	return Git(t, r.Path, "show", DefaultBranch+":"+path)
}

// Files lists every file path at the tip of the default branch, sorted.
func (r *Repo) Files(t TB) []string {
	t.Helper()
	out := Git(t, r.Path, "ls-tree", "-r", "--name-only", DefaultBranch)
	if out == "" {
		return nil
	}
	files := strings.Split(out, "\n")
	sort.Strings(files)
	return files
}

// CommitInfo describes one commit.
type CommitInfo struct {
	Hash           string
	AuthorName     string
	AuthorEmail    string
	CommitterName  string
	CommitterEmail string
	Message        string
}

// LastCommit describes the tip of the default branch.
func (r *Repo) LastCommit(t TB) CommitInfo {
	t.Helper()
	out := Git(t, r.Path, "log", "-1", "--format=%H%x00%an%x00%ae%x00%cn%x00%ce%x00%B", DefaultBranch)
	fields := strings.SplitN(out, "\x00", 6)
	if len(fields) != 6 {
		t.Fatalf("gitserver: unexpected git log output %q", out)
	}
	return CommitInfo{
		Hash: fields[0], AuthorName: fields[1], AuthorEmail: fields[2],
		CommitterName: fields[3], CommitterEmail: fields[4], Message: strings.TrimSpace(fields[5]),
	}
}

// WriteFiles commits files (path => content) on top of the default branch and
// returns the new commit.
func (r *Repo) WriteFiles(t TB, message string, files map[string]string) string {
	t.Helper()
	return r.importCommit(t, message, files, nil, false)
}

// DeleteFiles commits the removal of paths and returns the new commit.
func (r *Repo) DeleteFiles(t TB, message string, paths ...string) string {
	t.Helper()
	return r.importCommit(t, message, nil, paths, false)
}

// ReplaceHistory force-moves the default branch to a new root commit holding
// only files, as a force-push that rewrites history would.
func (r *Repo) ReplaceHistory(t TB, message string, files map[string]string) string {
	t.Helper()
	return r.importCommit(t, message, files, nil, true)
}

func (r *Repo) importCommit(t TB, message string, files map[string]string, deletions []string, orphan bool) string {
	t.Helper()
	parent := ""
	if !orphan {
		parent = r.Head(t)
	}
	stream := &bytes.Buffer{}
	writeCommitHeader(stream, message, time.Now().Unix(), parent)
	paths := make([]string, 0, len(files))
	for path := range files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	if orphan {
		stream.WriteString("deleteall\n")
	}
	for _, path := range paths {
		writeFileChange(stream, path, []byte(files[path]))
	}
	for _, path := range deletions {
		fmt.Fprintf(stream, "D %s\n", path)
	}
	r.fastImport(t, stream)
	return r.Head(t)
}

// ImportVersions appends n commits to the default branch, commit i adding the
// file that file(i) returns. It streams into `git fast-import`, so thousands of
// commits take seconds, not minutes.
func (r *Repo) ImportVersions(t TB, n int, file func(i int) (path string, content []byte)) {
	t.Helper()
	parent := r.Head(t)
	reader, writer := io.Pipe()
	go func() { writer.CloseWithError(writeVersions(writer, n, parent, file)) }()
	r.fastImport(t, reader)
}

// writeVersions writes the fast-import stream of ImportVersions to w. Each
// commit is put together in memory, so that there is one write to check.
func writeVersions(w io.Writer, n int, parent string, file func(i int) (path string, content []byte)) error {
	buffered := bufio.NewWriterSize(w, 1<<16)
	start := time.Now().Unix() - int64(n)
	var commit bytes.Buffer
	for i := 0; i < n; i++ {
		path, content := file(i)
		commit.Reset()
		writeCommitHeader(&commit, "add "+path, start+int64(i), parent)
		writeFileChange(&commit, path, content)
		if _, err := buffered.Write(commit.Bytes()); err != nil {
			return err
		}
		parent = "" // fast-import chains later commits on the branch itself
	}
	return buffered.Flush()
}

func writeCommitHeader(b *bytes.Buffer, message string, when int64, parent string) {
	fmt.Fprintf(b, "commit refs/heads/%s\n", DefaultBranch)
	fmt.Fprintf(b, "committer Test <test@localhost> %d +0000\n", when)
	fmt.Fprintf(b, "data %d\n%s\n", len(message), message)
	if parent != "" {
		fmt.Fprintf(b, "from %s\n", parent)
	}
}

func writeFileChange(b *bytes.Buffer, path string, content []byte) {
	fmt.Fprintf(b, "M 100644 inline %s\ndata %d\n", path, len(content))
	b.Write(content)
	b.WriteString("\n")
}

func (r *Repo) fastImport(t TB, stream io.Reader) {
	t.Helper()
	// --force lets ReplaceHistory move the branch to an unrelated commit.
	if _, err := runGit(r.Path, stream, "fast-import", "--quiet", "--force"); err != nil {
		t.Fatalf("gitserver: %v", err)
	}
}

// RejectPushes installs a pre-receive hook that declines every push.
func (r *Repo) RejectPushes(t TB) {
	t.Helper()
	hook := filepath.Join(r.Path, "hooks", "pre-receive")
	script := "#!/bin/sh\necho 'pushes are rejected by this test repository' >&2\nexit 1\n"
	if err := os.WriteFile(hook, []byte(script), 0o755); err != nil {
		t.Fatalf("gitserver: write pre-receive hook: %v", err)
	}
}

// Meta4 returns a small valid RFC 5854 document for version, describing one
// file "app-<version>.tgz" with a sha-256 and one URL.
func Meta4(version string) []byte {
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <file name="app-%[1]s.tgz">
    <version>%[1]s</version>
    <size>1024</size>
    <hash type="sha-256">%[2]x</hash>
    <url priority="1">https://downloads.example.com/app-%[1]s.tgz</url>
  </file>
</metalink>
`, version, sha256.Sum256([]byte(version)))
}
