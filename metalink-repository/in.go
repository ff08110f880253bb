package metalinkrepository

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/redact"

	"github.com/metalink-resources/metalink-resources/metalink-repository/repository"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/verify"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// In is the in command: it finds the metalink of the requested version and
// downloads its files, verified, into the destination directory.
type In struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	args   []string
}

// NewIn builds in from its streams and arguments (args[1] is the destination).
func NewIn(stdin io.Reader, stdout, stderr io.Writer, args []string) *In {
	return &In{stdin: stdin, stdout: stdout, stderr: stderr, args: args}
}

// Run performs one get and returns the process exit code.
func (c *In) Run(ctx context.Context) int {
	if len(c.args) < 2 || c.args[1] == "" {
		return concourse.Fail(c.stderr, "in", errors.New("bad invocation: expected the destination directory as the only argument"))
	}
	var req InRequest
	return execute("in", c.stdin, c.stderr, &req, func(log io.Writer) error {
		return c.in(ctx, c.args[1], req, log)
	})
}

func (c *In) in(ctx context.Context, dest string, req InRequest, log io.Writer) error {
	if req.Version.Version == "" {
		return errors.New("bad request: version.version is required")
	}
	cfg, err := req.Source.compile(req.Params.IncludeFiles)
	if err != nil {
		return err
	}
	entries, err := listEntries(ctx, req.Source, cfg.entries, log)
	if err != nil {
		return err
	}
	entry, err := pickVersion(entries, req.Version.Version, req.Source.URI)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "metalink %s: %d file(s)\n", entry.Path, len(entry.Metalink.Files))
	metadata, err := getstep.Run(ctx, dest, getstep.Request{
		Metalink:     entry.Metalink,
		Version:      req.Version.Version,
		Files:        cfg.files,
		SkipDownload: req.Params.SkipDownload,
		Download: download.Options{
			Reader: cfg.router,
			Verify: verify.Options{
				SkipHash:      req.Source.SkipHashVerification,
				SkipSignature: req.Source.SkipSignatureVerification,
				TrustStore:    cfg.trustStore,
			},
			Progress: log,
			Report:   log,
		},
	})
	if err != nil {
		return err
	}
	return concourse.Respond(c.stdout, concourse.InResponse{Version: req.Version, Metadata: metadata})
}

// pickVersion returns the one entry whose first file has the requested
// version, as the same string or as an equal version.
func pickVersion(entries []repository.Entry, requested, uri string) (repository.Entry, error) {
	want, parseErr := versions.Parse(requested)
	var found []repository.Entry
	var paths []string
	for _, entry := range entries {
		if len(entry.Metalink.Files) == 0 {
			continue
		}
		have := entry.Metalink.Files[0].Version
		if have == requested || (parseErr == nil && equalVersion(have, want)) {
			found = append(found, entry)
			paths = append(paths, entry.Path)
		}
	}
	switch len(found) {
	case 0:
		return repository.Entry{}, fmt.Errorf("no metalink for version %s in %s", requested, redact.String(uri))
	case 1:
		return found[0], nil
	default:
		return repository.Entry{}, fmt.Errorf("%d metalinks for version %s (%s): expected exactly one",
			len(found), requested, strings.Join(paths, ", "))
	}
}

func equalVersion(raw string, want versions.Version) bool {
	v, err := versions.Parse(raw)
	return err == nil && v.Compare(want) == 0
}
