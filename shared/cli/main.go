package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Tool is a tool's entry point (meta4cmd.Main, meta4repocmd.Main): it runs args on streams until ctx
// ends and returns the exit code.
type Tool func(ctx context.Context, args []string, streams Streams) int

// Main runs tool as the process: with the process's streams and environment, arguments after the
// program name, a context that an interrupt or SIGTERM (an aborted build) cancels, and its exit
// code. Every main that runs a tool, one tool per binary or several in one, goes through here.
func Main(tool Tool) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := tool(ctx, os.Args[1:], Streams{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
