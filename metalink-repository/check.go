package metalinkrepository

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// checkStep lists the repository and answers the versions Concourse should
// know about, oldest first.
var checkStep = concourse.Step[CheckRequest, settings]{
	Name:    "check",
	Compile: func(req *CheckRequest, env concourse.Env) (settings, error) { return req.Source.compile(nil, env.Log) },
	Run:     check,
}

// NewCheck builds check from its streams and arguments (it takes none).
func NewCheck(stdin io.Reader, stdout, stderr io.Writer, args []string) concourse.Executor {
	return concourse.New(checkStep, stdin, stdout, stderr, args)
}

func check(ctx context.Context, req *CheckRequest, cfg settings, env concourse.Env) (any, error) {
	entries, err := listEntries(ctx, cfg, env.Log)
	if err != nil {
		return nil, err
	}
	return concourse.CheckAnswer(entryVersions(entries, env), req.Version)
}

// listEntries opens the repository and returns the entries that pass
// source.version and source.filters.
func listEntries(ctx context.Context, cfg settings, log io.Writer) ([]repository.Entry, error) {
	repo, err := cfg.repository(ctx, repository.Env{TempDir: os.TempDir(), Stderr: log, Network: cfg.get.Network})
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	all, err := repo.List(ctx)
	if err != nil {
		// Backends already name the repository and the document at fault.
		return nil, err
	}
	return cfg.entries.Select(all), nil
}

// entryVersions returns the version each entry is known by; entries without
// a usable one are skipped with a warning naming them.
func entryVersions(entries []repository.Entry, env concourse.Env) []versions.Version {
	var found []versions.Version
	for _, v := range repository.WithVersions(entries, env.Log) {
		found = append(found, v.Version)
	}
	return found
}
