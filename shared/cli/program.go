package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/program"
)

// Tool builds a tool's command tree on streams, and the console its errors
// are printed on (meta4cmd.New, meta4repocmd.New).
type Tool func(streams Streams) (*cobra.Command, *Console)

// Program runs tool with the process's streams and environment and the
// arguments after the program name. An interrupt or SIGTERM (an aborted
// build) cancels its context.
func Program(tool Tool) program.Program {
	return func(ctx context.Context, p program.Process) int {
		root, console := tool(Streams{Stdin: p.Stdin, Stdout: p.Stdout, Stderr: p.Stderr, Getenv: p.Getenv})
		return Run(ctx, root, p.Args[1:], console)
	}
}
