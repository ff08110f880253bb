package concourse

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Main runs one command of a resource and exits with its code. Concourse
// stops an aborted build with SIGTERM: the context is cancelled then, so that
// a running script's process group is killed and partial files are removed.
func Main(run func(ctx context.Context) int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx)
	stop()
	os.Exit(code)
}
