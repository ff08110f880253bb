package metalinkrepository

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// NewIn builds in, which finds the metalink of the requested version and
// downloads its files, verified, from its streams and arguments (the
// destination directory).
func NewIn(stdin io.Reader, stdout, stderr io.Writer, args []string) concourse.Executor {
	return concourse.New(concourse.Step[InRequest, settings]{Name: "in", TakesDir: true, Compile: compileIn, Run: in}, stdin, stdout, stderr, args)
}

func compileIn(req *InRequest, env concourse.Env) (settings, error) {
	cfg, err := req.Source.compile(nil, env.Log)
	if err != nil {
		return cfg, err
	}
	if req.Version.Version == "" {
		return cfg, errNoVersion
	}
	cfg.get, err = cfg.get.WithParams(req.Params)
	return cfg, err
}

func in(ctx context.Context, req *InRequest, cfg settings, env concourse.Env) (any, error) {
	entries, err := listEntries(ctx, cfg, env.Log)
	if err != nil {
		return nil, err
	}
	entry, err := pickVersion(entries, req.Version.Version, req.Source.URI)
	if err != nil {
		return nil, err
	}
	env.Printf("metalink %s: %d file(s)\n", entry.Path, len(entry.Metalink.Files))
	// Say which document is at fault; the download would refuse it anyway.
	if err := metalink.CheckDocument(entry.Metalink); err != nil {
		return nil, fmt.Errorf("metalink %s: %w", entry.Path, err)
	}
	return cfg.get.Get(ctx, env, entry.Metalink, req.Version, req.Params)
}

// pickVersion returns the one entry whose first file has the requested
// version, as the same string or as an equal version.
func pickVersion(entries []repository.Entry, requested, uri string) (repository.Entry, error) {
	want, parseErr := versions.Parse(requested)
	var found []repository.Entry
	var paths []string
	for _, entry := range entries {
		have := repository.RawVersion(entry.Metalink)
		if have == requested || (parseErr == nil && equalVersion(have, want)) {
			found = append(found, entry)
			paths = append(paths, entry.Path)
		}
	}
	switch len(found) {
	case 0:
		return repository.Entry{}, fmt.Errorf("no metalink for version %s in %s", redact.Excerpt(requested, redact.ExcerptBytes), redact.String(uri))
	case 1:
		return found[0], nil
	default:
		return repository.Entry{}, fmt.Errorf("%d metalinks for version %s (%s): expected exactly one",
			len(found), redact.Excerpt(requested, redact.ExcerptBytes), strings.Join(paths, ", "))
	}
}

func equalVersion(raw string, want versions.Version) bool {
	v, err := versions.Parse(raw)
	return err == nil && v.Compare(want) == 0
}
