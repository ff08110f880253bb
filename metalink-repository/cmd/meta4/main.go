// Command meta4 creates, inspects, changes and uses a metalink document.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/metalink-resources/metalink-resources/metalink-repository/clirun"
	"github.com/metalink-resources/metalink-resources/metalink-repository/meta4"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := meta4.Main(ctx, os.Args[1:], clirun.Streams{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
