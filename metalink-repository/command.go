package metalinkrepository

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/metalink-resources/metalink-resources/shared/redact"

	"github.com/metalink-resources/metalink-resources/metalink-repository/backend"
	"github.com/metalink-resources/metalink-resources/metalink-repository/repository"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
)

// request is a decoded stdin document that knows which of its values are secret.
type request interface {
	secrets() []string
}

func (r *CheckRequest) secrets() []string { return r.Source.secrets() }
func (r *InRequest) secrets() []string    { return r.Source.secrets() }

// execute decodes stdin into req and runs body with a log (stderr) that
// redacts the request's secrets. Any failure becomes one redacted line
// "<command>: <error>" on stderr and exit code 1.
func execute(command string, stdin io.Reader, stderr io.Writer, req request, body func(log io.Writer) error) int {
	if err := concourse.Decode(stdin, req); err != nil {
		return concourse.Fail(stderr, command, fmt.Errorf("bad request: %w", err))
	}
	secrets := req.secrets()
	log := redact.NewWriter(stderr, secrets...)
	err := body(log)
	// A log line left without its newline must still come before the error line.
	if flushErr := log.Flush(); err == nil && flushErr != nil {
		err = fmt.Errorf("write log: %w", flushErr)
	}
	if err != nil {
		return concourse.Fail(stderr, command, err, secrets...)
	}
	return 0
}

// listEntries opens the source's repository and returns the entries that pass
// source.version and source.filters.
func listEntries(ctx context.Context, src Source, filter entryFilter, log io.Writer) ([]repository.Entry, error) {
	repo, err := backend.Open(ctx, src.URI, src.Options, repository.Env{TempDir: os.TempDir(), Stderr: log})
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	all, err := repo.List(ctx)
	if err != nil {
		// Backends already name the repository and the document at fault.
		return nil, err
	}
	var matching []repository.Entry
	for _, entry := range all {
		if filter.matches(entry) {
			matching = append(matching, entry)
		}
	}
	return matching, nil
}
