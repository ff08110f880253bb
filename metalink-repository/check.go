package metalinkrepository

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

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
	repo, err := openRepository(ctx, cfg, env.Log)
	if err != nil {
		return nil, err
	}
	if stated, ok := repo.(repository.Stated); ok {
		return checkMemoized(ctx, stated, req, cfg, env.Log)
	}
	all, err := repo.List(ctx)
	if err != nil {
		// Backends already name the repository and the document at fault.
		return nil, err
	}
	return answer(all, req, cfg, env.Log)
}

// checkMemoized answers from the memo of the last check while the
// repository's state and the version asked about are the same (see
// checkMemo), and otherwise lists the repository and keeps a new memo.
func checkMemoized(ctx context.Context, repo repository.Stated, req *CheckRequest, cfg settings, log io.Writer) ([]concourse.Version, error) {
	path, err := memoPath(req.Source)
	if err != nil {
		return nil, err
	}
	state, err := repo.State(ctx)
	if err != nil {
		return nil, err
	}
	current := concourse.Current(req.Version)
	if memo := loadMemo(path); memo.answers(state, current) {
		memo.replay(log)
		return memo.Answer, nil
	}
	all, state, err := repo.ListState(ctx)
	if err != nil {
		return nil, err
	}
	var warnings strings.Builder
	found, err := answer(all, req, cfg, io.MultiWriter(log, &warnings))
	if err == nil && state != "" {
		saveMemo(path, checkMemo{State: state, Current: current, Answer: found, Warnings: warnings.String()}, log)
	}
	return found, err
}

// answer is check's answer from every entry of the repository.
func answer(all []repository.Entry, req *CheckRequest, cfg settings, log io.Writer) ([]concourse.Version, error) {
	return concourse.CheckAnswer(entryVersions(cfg.entries.Select(all), log), req.Version)
}

// openRepository connects to the source's repository.
func openRepository(ctx context.Context, cfg settings, log io.Writer) (repository.Repository, error) {
	repo, err := cfg.repository(ctx, repository.Env{TempDir: os.TempDir(), Stderr: log, Network: cfg.get.Network})
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	return repo, nil
}

// listEntries opens the repository and returns the entries that pass
// source.version and source.filters.
func listEntries(ctx context.Context, cfg settings, log io.Writer) ([]repository.Entry, error) {
	repo, err := openRepository(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	all, err := repo.List(ctx)
	if err != nil {
		// Backends already name the repository and the document at fault.
		return nil, err
	}
	return cfg.entries.Select(all), nil
}

// entryVersions returns the version each entry is known by; entries without
// a usable one are skipped with a warning on log naming them.
func entryVersions(entries []repository.Entry, log io.Writer) []versions.Version {
	var found []versions.Version
	for _, v := range repository.WithVersions(entries, log) {
		found = append(found, v.Version)
	}
	return found
}
