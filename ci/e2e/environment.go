package e2e

import (
	"fmt"
	"os"
	"slices"
)

// environment gives the test-support servers (s3server, gitserver) what
// they ask of a test outside of one: temporary directories under the work
// directory, cleanups run in reverse order, and a way to fail.
type environment struct {
	workDir  string
	cleanups []func()
}

func newEnvironment(workDir string) *environment {
	return &environment{workDir: workDir}
}

func (e *environment) Helper() {}

// TempDir returns a new directory under the work directory.
func (e *environment) TempDir() string {
	dir, err := os.MkdirTemp(e.workDir, "e2e-")
	if err != nil {
		e.Fatalf("create a directory: %v", err)
	}
	return dir
}

// Cleanup registers f to run when the loop ends.
func (e *environment) Cleanup(f func()) { e.cleanups = append(e.cleanups, f) }

// fatal carries a Fatalf message to recoverFatal.
type fatal struct{ message string }

// Fatalf stops the loop; Run turns it into its error.
func (e *environment) Fatalf(format string, args ...any) {
	panic(fatal{message: fmt.Sprintf(format, args...)})
}

// recoverFatal turns a Fatalf into *err and lets any other panic go on.
func (e *environment) recoverFatal(err *error) {
	recovered := recover()
	if recovered == nil {
		return
	}
	f, ok := recovered.(fatal)
	if !ok {
		panic(recovered)
	}
	*err = fmt.Errorf("%s", f.message)
}

func (e *environment) cleanup() {
	for _, f := range slices.Backward(e.cleanups) {
		f()
	}
}
