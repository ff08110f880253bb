package concourse

import (
	"context"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/program"
)

// Executor is what a main runs: a command bound to its streams.
type Executor interface {
	Execute(ctx context.Context) int
}

// Constructor binds a resource command to its streams and arguments, as
// every resource's NewCheck, NewIn and NewOut do.
type Constructor func(stdin io.Reader, stdout, stderr io.Writer, args []string) Executor

// Program runs the command newCommand builds on the process's streams.
// Concourse stops an aborted build with SIGTERM, which cancels the context,
// so that a running script's process group is killed and partial files are
// removed.
func Program(newCommand Constructor) program.Program {
	return func(ctx context.Context, p program.Process) int {
		return WithEnviron(newCommand(p.Stdin, p.Stdout, p.Stderr, p.Args), p.Getenv).Execute(ctx)
	}
}

// WithEnviron gives a command the environment Concourse runs it in, where
// the build's metadata is (BUILD_TEAM_NAME, ATC_EXTERNAL_URL, …; see
// Env.BuildURL). Without it a command sees an empty environment.
func WithEnviron(e Executor, getenv func(string) string) Executor {
	if c, ok := e.(environed); ok {
		c.setGetenv(getenv)
	}
	return e
}

type environed interface {
	setGetenv(getenv func(string) string)
}
