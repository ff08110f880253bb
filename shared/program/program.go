// Package program runs one program of an executable as the process. The
// resources' check, in and out and the tools start, stop and exit the same
// way, and an image's one executable picks among them by the name it is run
// under.
package program

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// ExitUsage is the exit code of a program called wrongly.
const ExitUsage = 2

// Process is what a program gets from the process it runs as.
type Process struct {
	Args   []string // the program's name, then its arguments, as os.Args
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// Program runs until it is done or ctx ends and returns the exit code.
type Program func(ctx context.Context, p Process) int

// Programs are an executable's programs by the names it may be run under.
type Programs map[string]Program

// Run runs prog as the process and exits with its code. An interrupt or a
// SIGTERM (how Concourse stops an aborted build) cancels ctx, so that the
// program can kill what it started and remove its partial files.
func Run(prog Program) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := prog(ctx, Process{Args: os.Args, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// Dispatch runs, as Run does, the program of tables named by the base name
// the executable was started under: an image links /opt/resource/check and
// /usr/local/bin/meta4 to one file, which carries the download code and SDKs
// once instead of five times.
func Dispatch(tables ...Programs) {
	prog, err := Lookup(filepath.Base(os.Args[0]), tables...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(ExitUsage)
	}
	Run(prog)
}

// Lookup finds the program called name in tables.
func Lookup(name string, tables ...Programs) (Program, error) {
	var names []string
	for _, table := range tables {
		if prog, ok := table[name]; ok {
			return prog, nil
		}
		for known := range table {
			names = append(names, known)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: this executable has no programs", name)
	}
	last := len(names) - 1
	choices := strings.Join(names[:last], ", ")
	if last > 0 {
		choices += " or "
	}
	return nil, fmt.Errorf("%s: run as %s%s (a link of that name to this file)", name, choices, names[last])
}
