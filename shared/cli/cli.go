// Package cli runs the project's command-line tools (meta4, meta4-repo),
// built with cobra, by the rules both share: data on stdout; logs, progress
// and the one error line on stderr, redacted; exit 1 on an error, 2 with the
// command's usage when the command was called wrongly; a version command.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/program"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = program.ExitUsage
)

// Streams are what a tool reads and writes, so that tests can drive it in
// process as the main does with the real ones.
type Streams struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (os.Getenv in the main).
	Getenv func(string) string
}

// UsageError is a command called wrongly: a bad flag, a wrong number of
// arguments, a missing required flag.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }

func (e UsageError) Unwrap() error { return e.Err }

// Usagef makes a UsageError.
func Usagef(format string, args ...any) error {
	return UsageError{Err: fmt.Errorf(format, args...)}
}

// Args wraps a cobra argument check so that its complaint is a usage error.
func Args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return UsageError{Err: err}
		}
		return nil
	}
}

// Prepare applies the shared conventions to a root command and its
// sub-commands: errors are printed by Run (not by cobra), flag errors and
// unknown commands are usage errors, help goes to stdout, and the tool gets
// a version command.
func Prepare(root *cobra.Command, streams Streams) {
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(streams.Stdout)
	root.SetErr(streams.Stderr)
	root.SetIn(streams.Stdin)
	root.SetFlagErrorFunc(flagError)
	if root.Args == nil {
		root.Args = Args(cobra.NoArgs)
	}
	if root.RunE == nil && root.Run == nil {
		root.RunE = func(*cobra.Command, []string) error { return Usagef("a command is required") }
	}
	root.AddCommand(versionCommand(root.Name()))
}

// Run executes root with args and returns the exit code. An error becomes
// one line on console, "<tool> <command>: <error>", redacted; a usage error
// is followed by the command's own usage (shortUsage).
func Run(ctx context.Context, root *cobra.Command, args []string, console *Console) int {
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		err = console.Flush()
	}
	if err == nil {
		return ExitOK
	}
	if cmd == nil {
		cmd = root
	}
	console.Fail(cmd.CommandPath(), err)
	var usage UsageError
	if errors.As(err, &usage) {
		console.Plain(shortUsage(cmd))
		return ExitUsage
	}
	return ExitError
}

// lineBreaks are what oneLine replaces; other spacing is the message's own
// ("HEX  NAME" says two spaces).
var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// oneLine joins the lines of an error message.
func oneLine(text string) string {
	return strings.TrimSpace(lineBreaks.Replace(text))
}
