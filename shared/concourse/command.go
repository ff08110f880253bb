package concourse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// maxRequestBytes bounds what is read from stdin: a real request (scripts,
// keys, a trust store) is a few kilobytes.
const maxRequestBytes = 16 << 20

// Settings are what a step compiles its request into. Secrets lists the
// values found while compiling (inside option maps) that must never be
// printed, also when compiling failed; the request's own secret fields are
// found by their tags.
type Settings interface {
	Secrets() []string
}

// Step is one command of a resource: R is its request as Concourse sends it,
// S the settings compiled from it.
type Step[R any, S Settings] struct {
	// Name is "check", "in" or "out": it starts the fatal line.
	Name string
	// TakesDir says the command takes exactly one argument, a directory (in's
	// destination, out's build directory); otherwise it takes none.
	TakesDir bool
	// Compile checks the whole request and builds what the run needs, before
	// any work: a mistake anywhere in source fails check already. env is
	// the run's (its Log takes warnings, such as skip_ssl_verification's,
	// and the clients built here log through it). Its errors name the key
	// at fault and never quote a value.
	Compile func(req *R, env Env) (S, error)
	// Run does the work; what it returns is the JSON answer.
	Run func(ctx context.Context, req *R, settings S, env Env) (any, error)
}

// Env is what a step's run gets from its surroundings.
type Env struct {
	Dir string    // the directory argument; "" for check
	Log io.Writer // stderr, every secret redacted
	// Getenv reads the environment (see WithEnviron); never nil.
	Getenv func(string) string
}

// Printf logs one line. A failed write is not lost: the console keeps the
// first one, and the command fails with it at the end.
func (e Env) Printf(format string, args ...any) {
	_, _ = fmt.Fprintf(e.Log, format, args...)
}

// Command is a step bound to its streams: what a main executes and what a
// test drives in-process.
type Command[R any, S Settings] struct {
	step   Step[R, S]
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	args   []string
	getenv func(string) string
}

// New binds step to its streams; args are the process arguments, args[0]
// being the program.
func New[R any, S Settings](step Step[R, S], stdin io.Reader, stdout, stderr io.Writer, args []string) *Command[R, S] {
	return &Command[R, S]{step: step, stdin: stdin, stdout: stdout, stderr: stderr, args: args,
		getenv: func(string) string { return "" }}
}

func (c *Command[R, S]) setGetenv(getenv func(string) string) { c.getenv = getenv }

// Execute runs the command and returns the process exit code.
func (c *Command[R, S]) Execute(ctx context.Context) int {
	console := newConsole(c.stderr)
	return console.finish(c.step.Name, c.run(ctx, console))
}

func (c *Command[R, S]) run(ctx context.Context, console *console) error {
	dir, err := c.dir()
	if err != nil {
		return err
	}
	var req R
	if err := decode(c.stdin, &req); err != nil {
		return err
	}
	console.redact(strictjson.Secrets(&req))
	env := Env{Dir: dir, Log: console, Getenv: c.getenv}
	settings, err := c.step.Compile(&req, env)
	// Even a failed compile may have found secrets its error could echo.
	console.redact(settings.Secrets())
	if err != nil {
		return err
	}
	answer, err := c.step.Run(ctx, &req, settings, env)
	if err != nil {
		return err
	}
	return respond(c.stdout, answer)
}

// dir checks the arguments before any work: Concourse passes in and out one
// directory and check none.
func (c *Command[R, S]) dir() (string, error) {
	var given []string
	if len(c.args) > 1 {
		given = c.args[1:]
	}
	if !c.step.TakesDir {
		if len(given) > 0 {
			return "", fmt.Errorf("usage: %s takes no arguments, got %d", c.step.Name, len(given))
		}
		return "", nil
	}
	if len(given) != 1 || given[0] == "" {
		return "", fmt.Errorf("usage: %s DIRECTORY (exactly one directory, got %d arguments)", c.step.Name, len(given))
	}
	return given[0], nil
}

// decode reads the one JSON request from stdin strictly: unknown, duplicate
// and case-variant keys are errors that name the key's path.
func decode(stdin io.Reader, req any) error {
	data, err := io.ReadAll(io.LimitReader(stdin, maxRequestBytes+1))
	if err != nil {
		return fmt.Errorf("read request: %w", err)
	}
	if len(data) > maxRequestBytes {
		return fmt.Errorf("request larger than %d MiB", maxRequestBytes>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("empty request: expected a JSON object on stdin")
	}
	err = strictjson.Decode(data, "", req)
	if mismatch := (*strictjson.MismatchError)(nil); errors.As(err, &mismatch) && mismatch.Path == "" {
		return fmt.Errorf(`the request must be a JSON object with "source" (got %s)`, mismatch.Got)
	}
	return err
}
