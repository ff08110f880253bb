package cli

import (
	"context"

	"github.com/metalink-resources/metalink-resources/shared/program"
)

// Tool is a tool's entry point (meta4cmd.Main, meta4repocmd.Main): it runs args on streams until ctx
// ends and returns the exit code.
type Tool func(ctx context.Context, args []string, streams Streams) int

// Program runs tool with the process's streams and environment and the arguments after the program
// name. An interrupt or SIGTERM (an aborted build) cancels its context.
func Program(tool Tool) program.Program {
	return func(ctx context.Context, p program.Process) int {
		return tool(ctx, p.Args[1:], Streams{Stdin: p.Stdin, Stdout: p.Stdout, Stderr: p.Stderr, Getenv: p.Getenv})
	}
}
