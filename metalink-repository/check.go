package metalinkrepository

import (
	"context"
	"fmt"
	"io"

	"github.com/metalink-resources/metalink-resources/metalink-repository/repository"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// Check is the check command: it lists the repository and prints the
// versions Concourse should know about, oldest first.
type Check struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// NewCheck builds check from its streams. Concourse passes no arguments, so
// args is accepted only to match the other commands.
func NewCheck(stdin io.Reader, stdout, stderr io.Writer, args []string) *Check {
	return &Check{stdin: stdin, stdout: stdout, stderr: stderr}
}

// Run performs one check and returns the process exit code.
func (c *Check) Run(ctx context.Context) int {
	var req CheckRequest
	return execute("check", c.stdin, c.stderr, &req, func(log io.Writer) error {
		return c.check(ctx, req, log)
	})
}

func (c *Check) check(ctx context.Context, req CheckRequest, log io.Writer) error {
	cfg, err := req.Source.compile(nil)
	if err != nil {
		return err
	}
	entries, err := listEntries(ctx, req.Source, cfg.entries, log)
	if err != nil {
		return err
	}
	var current *string
	if req.Version != nil && req.Version.Version != "" {
		current = &req.Version.Version
	}
	found, err := versions.Check(entryVersions(entries, log), current)
	if err != nil {
		return err
	}
	answer := make([]concourse.Version, 0, len(found))
	for _, v := range found {
		answer = append(answer, concourse.Version{Version: v.Raw})
	}
	return concourse.Respond(c.stdout, answer)
}

// entryVersions returns the version each entry is known by, that of its first
// file. Entries without a usable one are skipped with a warning naming them.
func entryVersions(entries []repository.Entry, log io.Writer) []versions.Version {
	var found []versions.Version
	for _, entry := range entries {
		if len(entry.Metalink.Files) == 0 || entry.Metalink.Files[0].Version == "" {
			fmt.Fprintf(log, "warning: skipping %s: its first file has no version\n", entry.Path)
			continue
		}
		v, err := versions.Parse(entry.Metalink.Files[0].Version)
		if err != nil {
			fmt.Fprintf(log, "warning: skipping %s: %v\n", entry.Path, err)
			continue
		}
		found = append(found, v)
	}
	return found
}
