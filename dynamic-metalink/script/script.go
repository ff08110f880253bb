// Package script runs the user's version_check and metalink_get scripts.
//
// A script without its own "#!" line runs with /bin/bash -euo pipefail, so an
// unset variable or a failing stage of a pipeline fails the script. A script
// with a "#!" line is written to a private executable file and executed, so
// the kernel honours the interpreter it names. Either way the script runs in
// a fresh, empty working directory that is removed afterwards, in its own
// process group: when the script ends or times out the whole group is killed,
// so background jobs and pipeline members never outlive it.
package script

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// stderrDrainGrace bounds the wait for the script's stderr once its process
// group is gone; only a process that left the group can still hold it open.
const stderrDrainGrace = time.Second

// Runner runs scripts. The zero value runs without a timeout and discards the
// script's stderr.
type Runner struct {
	Timeout time.Duration // script_timeout; 0 means no timeout
	Stderr  io.Writer     // the script's stderr is streamed here
	TempDir string        // parent for the fresh working directory ("" = os.TempDir())
	// CABundle is source.ca_certs (PEM): when set, the script's TLS clients
	// trust it beside the system's CAs (see trustEnv).
	CABundle []byte
}

// Run runs script with extra environment variables and returns its stdout.
// The extra variables are added to this process's environment, replacing any
// of the same name.
//
// The directory the script runs in is removed afterwards. When that fails (a
// script made a directory it cannot be deleted from, say), so does Run: what
// is left holds the script and its output.
func (r Runner) Run(ctx context.Context, script string, env map[string]string) (output []byte, err error) {
	root, err := os.MkdirTemp(r.TempDir, "dynamic-metalink-script-")
	if err != nil {
		return nil, fmt.Errorf("create script directory: %w", err)
	}
	defer func() {
		if removeErr := os.RemoveAll(root); removeErr != nil {
			output, err = nil, errors.Join(err, fmt.Errorf("remove script directory: %w", removeErr))
		}
	}()
	return r.runIn(ctx, root, script, env)
}

// runIn runs script with its files under root.
func (r Runner) runIn(ctx context.Context, root, script string, env map[string]string) ([]byte, error) {
	run, err := prepare(root, script)
	if err != nil {
		return nil, err
	}
	trust, err := r.trustEnv(root)
	if err != nil {
		return nil, err
	}
	maps.Copy(trust, env)
	env = trust
	// Only the script wrote to the file, through its own descriptor.
	defer func() { _ = run.stdout.Close() }()

	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, r.Timeout, errTimedOut)
		defer cancel()
	}
	if err := r.execute(ctx, run, env); err != nil {
		return nil, r.explain(ctx, run, err)
	}
	return readAll(run.stdout)
}

// errTimedOut marks a context ended by Runner.Timeout rather than by the caller.
var errTimedOut = errors.New("script timed out")

// prepared is a script laid out on disk, ready to start.
type prepared struct {
	argv        []string // program and arguments
	interpreter string   // what the script's own #! line names; "" for bash
	workDir     string   // the script's fresh working directory
	stdout      *os.File // where the script's stdout goes, read back afterwards
}

// prepare writes the script and creates its working directory and stdout
// file under root. Stdout goes to a file rather than a pipe so that waiting
// for the script never depends on which processes still hold the pipe.
func prepare(root, script string) (prepared, error) {
	path := filepath.Join(root, "script")
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		return prepared{}, fmt.Errorf("write script: %w", err)
	}
	workDir := filepath.Join(root, "work")
	if err := os.Mkdir(workDir, 0o700); err != nil {
		return prepared{}, fmt.Errorf("create script working directory: %w", err)
	}
	stdout, err := os.Create(filepath.Join(root, "stdout"))
	if err != nil {
		return prepared{}, fmt.Errorf("create script output file: %w", err)
	}
	run := prepared{argv: []string{"/bin/bash", "-euo", "pipefail", path}, workDir: workDir, stdout: stdout}
	if rest, ok := strings.CutPrefix(script, "#!"); ok {
		run.argv = []string{path}
		line, _, _ := strings.Cut(rest, "\n")
		if fields := strings.Fields(line); len(fields) > 0 {
			run.interpreter = fields[0]
		}
	}
	return run, nil
}

// bundleVariables name the CA bundle of curl, git, OpenSSL (and Go) and
// Python's requests.
var bundleVariables = []string{"SSL_CERT_FILE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "REQUESTS_CA_BUNDLE"}

// systemBundles are where the common distributions keep their CA bundle.
var systemBundles = []string{"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"}

// trustEnv makes ca_certs count for the script's own requests (curl in
// metalink_get), as for the resource's: it writes the system's bundle
// followed by CABundle under root and points bundleVariables at it. The
// variables replace a tool's bundle rather than add to it, hence the copy.
// Without CABundle it returns no variable, so the script sees the
// environment as it is.
func (r Runner) trustEnv(root string) (map[string]string, error) {
	vars := map[string]string{}
	if len(r.CABundle) == 0 {
		return vars, nil
	}
	system, err := systemBundle()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(root, "ca-certificates.crt")
	if err := os.WriteFile(path, append(system, r.CABundle...), 0o600); err != nil {
		return nil, fmt.Errorf("write the scripts' CA bundle: %w", err)
	}
	for _, name := range bundleVariables {
		vars[name] = path
	}
	return vars, nil
}

// systemBundle reads the bundle SSL_CERT_FILE names, or the system's; none
// at all leaves the script trusting ca_certs alone.
func systemBundle() ([]byte, error) {
	candidates := systemBundles
	if own := os.Getenv("SSL_CERT_FILE"); own != "" {
		candidates = []string{own}
	}
	for _, path := range candidates {
		data, err := os.ReadFile(path)
		if err == nil {
			return append(data, '\n'), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read the system's CA bundle %s: %w", path, err)
		}
	}
	return nil, nil
}

// execute runs the prepared script to its end, streaming its stderr, and
// kills whatever is left of its process group.
func (r Runner) execute(ctx context.Context, run prepared, env map[string]string) error {
	stderrRead, stderrWrite, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("create script stderr pipe: %w", err)
	}
	// Closing the read end loses nothing, and it may be closed already below.
	defer func() { _ = stderrRead.Close() }()

	cmd, err := start(ctx, run, environ(env), stderrWrite)
	// The child has its own copy now; ours, never written to, would keep the pipe open.
	_ = stderrWrite.Close()
	if err != nil {
		return err
	}
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		if _, err := io.Copy(r.stderr(), stderrRead); err != nil {
			// Keep reading: a script blocked on a full stderr pipe would hang.
			_, _ = io.Copy(io.Discard, stderrRead)
		}
	}()

	waitErr := cmd.Wait()
	killGroup(cmd)
	select {
	case <-drained:
	case <-time.After(stderrDrainGrace):
		_ = stderrRead.Close() // unblocks the copy
		<-drained
	}
	return waitErr
}

// start starts the script in its own process group. Executing a file just
// written can fail with "text file busy" while another goroutine's fork still
// holds a copy of its write descriptor; nothing has run then, so retry.
func start(ctx context.Context, run prepared, env []string, stderr *os.File) (*exec.Cmd, error) {
	const attempts = 20
	for attempt := 1; ; attempt++ {
		cmd := exec.CommandContext(ctx, run.argv[0], run.argv[1:]...)
		cmd.Dir = run.workDir
		cmd.Env = env
		cmd.Stdout = run.stdout
		cmd.Stderr = stderr
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { killGroup(cmd); return nil }
		err := cmd.Start()
		if err == nil {
			return cmd, nil
		}
		if !errors.Is(err, syscall.ETXTBSY) || attempt == attempts {
			return nil, startError(run, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startError explains a script that could not be started. For a script with
// its own #! line the kernel's error is about the interpreter that line
// names, not about the private file the script was written to, whose
// random path would only mislead.
func startError(run prepared, err error) error {
	var errno syscall.Errno
	if len(run.argv) == 1 && errors.As(err, &errno) {
		return fmt.Errorf("start script: cannot run the interpreter its #! line names, %s: %w", redact.Quote(run.interpreter), errno)
	}
	return fmt.Errorf("start script: %w", err)
}

// killGroup kills every process in the script's process group. The group is
// gone already when the script and all its children have ended.
func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

func (r Runner) stderr() io.Writer {
	if r.Stderr == nil {
		return io.Discard
	}
	return r.Stderr
}

// environ is this process's environment plus extra, in a stable order; for
// duplicate names exec uses the last value, so extra wins.
func environ(extra map[string]string) []string {
	env := os.Environ()
	for _, name := range slices.Sorted(maps.Keys(extra)) {
		env = append(env, name+"="+extra[name])
	}
	return env
}

// explain turns a failed run into one line a pipeline author can act on:
// how the script ended and the start of what it printed.
func (r Runner) explain(ctx context.Context, run prepared, err error) error {
	how, ok := r.describeEnd(ctx, err)
	if !ok {
		return err
	}
	output, readErr := readAll(run.stdout)
	switch {
	case readErr != nil:
		return fmt.Errorf("script %s; %w", how, readErr)
	case len(output) == 0:
		return fmt.Errorf("script %s and printed nothing on stdout", how)
	default:
		return fmt.Errorf("script %s; stdout began: %s", how, redact.Quote(string(output)))
	}
}

// describeEnd says how a script that ran came to fail; ok is false when
// err is not about the script's end (it could not be started, say).
func (r Runner) describeEnd(ctx context.Context, err error) (how string, ok bool) {
	if ctx.Err() != nil {
		if errors.Is(context.Cause(ctx), errTimedOut) {
			return fmt.Sprintf("timed out after %s", r.Timeout), true
		}
		return fmt.Sprintf("was cancelled (%v)", context.Cause(ctx)), true
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return "", false
	}
	status, _ := exitErr.Sys().(syscall.WaitStatus)
	if status.Signaled() {
		return fmt.Sprintf("was killed by signal %d (%s)", status.Signal(), status.Signal()), true
	}
	return fmt.Sprintf("exited with status %d", status.ExitStatus()), true
}

// readAll reads the script's stdout file from its start.
func readAll(stdout *os.File) ([]byte, error) {
	if _, err := stdout.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("read script output: %w", err)
	}
	output, err := io.ReadAll(stdout)
	if err != nil {
		return nil, fmt.Errorf("read script output: %w", err)
	}
	return output, nil
}

// Lines splits check output into one entry per line, each trimmed of
// surrounding whitespace (a "\r" of CRLF output included), empty lines dropped.
func Lines(output []byte) []string {
	var lines []string
	for line := range bytes.Lines(output) {
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			lines = append(lines, string(trimmed))
		}
	}
	return lines
}
