// Command check is the /opt/resource/check of the dynamic-metalink resource.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	dynamicmetalink "github.com/metalink-resources/metalink-resources/dynamic-metalink"
)

func main() {
	// Concourse stops an aborted build with SIGTERM: cancelling lets a running
	// script's process group be killed and partial downloads be removed.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dynamicmetalink.NewCheck(os.Stdin, os.Stdout, os.Stderr, os.Args).Execute(ctx)
	stop()
	os.Exit(code)
}
