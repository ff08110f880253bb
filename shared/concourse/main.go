package concourse

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Executor is what a main runs: a command bound to its streams.
type Executor interface {
	Execute(ctx context.Context) int
}

// Main runs one command of a resource and exits with its code. Concourse
// stops an aborted build with SIGTERM: the context is cancelled then, so that
// a running script's process group is killed and partial files are removed.
func Main(command Executor) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := command.Execute(ctx)
	stop()
	os.Exit(code)
}
