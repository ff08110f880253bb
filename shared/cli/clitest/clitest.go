// Package clitest runs the built command-line tools in tests, each run in a
// directory of its own with an environment that holds only what the test
// gives it (no AWS profile, no instance metadata, no user git config).
package clitest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

// Timeout bounds one run of a tool.
const Timeout = 2 * time.Minute

// Tool is a built binary, the directory it runs in and its environment.
type Tool struct {
	Path string
	Dir  string
	Env  []string
}

// Result is what one run left behind.
type Result struct {
	Code   int
	Stdout string
	Stderr string
}

// Build builds the main package pkg (an import path) and returns its path.
func Build(pkg string) string {
	path, err := gexec.Build(pkg)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	return path
}

// New is the tool at path, run in dir with the isolated environment plus env.
func New(path, dir string, env ...string) Tool {
	return Tool{Path: path, Dir: dir, Env: append(IsolatedEnv(), env...)}
}

// With is t with more environment variables (later ones win).
func (t Tool) With(env ...string) Tool {
	t.Env = append(append([]string(nil), t.Env...), env...)
	return t
}

// In is t running in dir.
func (t Tool) In(dir string) Tool {
	t.Dir = dir
	return t
}

// Run runs the tool with args and no stdin, and waits for it.
func (t Tool) Run(args ...string) Result { return t.RunStdin("", args...) }

// RunStdin runs the tool with stdin and args, and waits for it.
func (t Tool) RunStdin(stdin string, args ...string) Result {
	ginkgo.GinkgoHelper()
	return t.start(stdin, args).Wait()
}

// Started is a run of a tool under way, for a test that acts on the
// process (sends it a signal) before it waits for the result.
type Started struct{ session *gexec.Session }

// Start runs the tool with args and no stdin, without waiting for it. The
// process is killed when the spec ends, should it still run.
func (t Tool) Start(args ...string) Started {
	ginkgo.GinkgoHelper()
	return t.start("", args)
}

func (t Tool) start(stdin string, args []string) Started {
	ginkgo.GinkgoHelper()
	cmd := exec.Command(t.Path, args...)
	cmd.Dir = t.Dir
	cmd.Env = t.Env
	cmd.Stdin = strings.NewReader(stdin)
	session, err := gexec.Start(cmd, ginkgo.GinkgoWriter, ginkgo.GinkgoWriter)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	ginkgo.DeferCleanup(session.Kill)
	return Started{session: session}
}

// Signal sends sig to the process.
func (s Started) Signal(sig os.Signal) { s.session.Signal(sig) }

// Stderr is what the process printed on stderr so far.
func (s Started) Stderr() string { return string(s.session.Err.Contents()) }

// Wait waits, at most Timeout, for the process to end and returns what it
// left behind.
func (s Started) Wait() Result {
	ginkgo.GinkgoHelper()
	gomega.Eventually(s.session).WithTimeout(Timeout).Should(gexec.Exit())
	return Result{Code: s.session.ExitCode(), Stdout: string(s.session.Out.Contents()), Stderr: string(s.session.Err.Contents())}
}

// Succeed runs the tool, expects exit 0 and returns its stdout.
func (t Tool) Succeed(args ...string) string {
	ginkgo.GinkgoHelper()
	r := t.Run(args...)
	gomega.Expect(r.Code).To(gomega.Equal(0), "%s %s\nstdout: %s\nstderr: %s", filepath.Base(t.Path), strings.Join(args, " "), r.Stdout, r.Stderr)
	return r.Stdout
}

// Fail runs the tool, expects exit 1 with exactly one line on stderr and
// returns that line.
func (t Tool) Fail(args ...string) string {
	ginkgo.GinkgoHelper()
	r := t.Run(args...)
	return r.FailedLine()
}

// FailedLine expects r to be a failure (exit 1) whose stderr ends in its
// one error line, and returns that line.
func (r Result) FailedLine() string {
	ginkgo.GinkgoHelper()
	gomega.Expect(r.Code).To(gomega.Equal(1), "stdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	lines := strings.Split(strings.TrimSuffix(r.Stderr, "\n"), "\n")
	return lines[len(lines)-1]
}

// IsolatedEnv is PATH, a private HOME and TMPDIR, and settings that keep the
// AWS SDK off the machine's profiles and instance metadata.
func IsolatedEnv() []string {
	home := ginkgo.GinkgoT().TempDir()
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TMPDIR=" + ginkgo.GinkgoT().TempDir(),
		"AWS_CONFIG_FILE=" + filepath.Join(home, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
	}
}
