// Command demo runs the whole loop of the two resources once, with the real
// binaries, and tells what it does step by step on stderr:
//
//	go run ./ci/e2e/cmd/demo
//
// It builds the binaries with the go tool, needs git and versitygw (on PATH
// or in $VERSITYGW), listens on 127.0.0.1 only, and removes everything it
// made unless -keep is given.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/metalink-resources/metalink-resources/ci/e2e"
)

const module = "github.com/metalink-resources/metalink-resources/"

func main() {
	keep := flag.Bool("keep", false, "keep the work directory (its path is printed)")
	size := flag.Int("size", 0, "size of the upstream release file in bytes (default 6 MiB)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := demo(ctx, *keep, *size)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "demo: %v\n", err)
		os.Exit(1)
	}
}

func demo(ctx context.Context, keep bool, size int) (err error) {
	workDir, err := os.MkdirTemp("", "metalink-demo-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintf(os.Stderr, "demo: work directory %s is kept\n", workDir)
	} else {
		defer func() {
			if removeErr := os.RemoveAll(workDir); removeErr != nil {
				err = errors.Join(err, fmt.Errorf("remove the work directory: %w", removeErr))
			}
		}()
	}
	binaries, err := build(ctx, filepath.Join(workDir, "bin"))
	if err != nil {
		return err
	}
	return e2e.Run(ctx, e2e.Config{Binaries: binaries, WorkDir: workDir, Log: os.Stderr, FileSize: size})
}

// build compiles the five commands the loop runs into dir.
func build(ctx context.Context, dir string) (e2e.Binaries, error) {
	b := e2e.Binaries{
		DynamicCheck:    filepath.Join(dir, "dynamic-metalink", "check"),
		DynamicIn:       filepath.Join(dir, "dynamic-metalink", "in"),
		RepositoryCheck: filepath.Join(dir, "metalink-repository", "check"),
		RepositoryIn:    filepath.Join(dir, "metalink-repository", "in"),
		RepositoryOut:   filepath.Join(dir, "metalink-repository", "out"),
	}
	packages := map[string]string{
		b.DynamicCheck:    "dynamic-metalink/cmd/check",
		b.DynamicIn:       "dynamic-metalink/cmd/in",
		b.RepositoryCheck: "metalink-repository/cmd/check",
		b.RepositoryIn:    "metalink-repository/cmd/in",
		b.RepositoryOut:   "metalink-repository/cmd/out",
	}
	fmt.Fprintln(os.Stderr, "demo: building the resources' binaries")
	for output, pkg := range packages {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", output, module+pkg)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return e2e.Binaries{}, fmt.Errorf("go build %s: %w", pkg, err)
		}
	}
	return b, nil
}
