package dynamicmetalink

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/metalink-resources/metalink-resources/dynamic-metalink/script"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// maxNamedSkips bounds how many skipped lines the warning quotes, so that a
// script printing thousands of non-versions does not flood the build log.
const maxNamedSkips = 10

// checkStep runs version_check and answers the versions Concourse should know.
var checkStep = concourse.Step[CheckRequest, settings]{
	Name:    "check",
	Compile: func(req *CheckRequest, env concourse.Env) (settings, error) { return req.Source.compile(env.Log) },
	Run:     check,
}

// NewCheck builds check from its streams and arguments (it takes none).
func NewCheck(stdin io.Reader, stdout, stderr io.Writer, args []string) concourse.Executor {
	return concourse.New(checkStep, stdin, stdout, stderr, args)
}

func check(ctx context.Context, req *CheckRequest, cfg settings, env concourse.Env) (any, error) {
	runner := cfg.runner(env.Log)
	out, err := runner.Run(ctx, cfg.versionCheck, nil)
	if err != nil {
		return nil, fmt.Errorf("version_check: %w", err)
	}
	return concourse.CheckAnswer(parseVersions(script.Lines(out), cfg, env), req.Version)
}

// parseVersions keeps the lines that are versions allowed by source.version.
// A line that is not a version is most likely a script's stray output, so it
// is skipped with a warning rather than failing the whole check.
func parseVersions(lines []string, cfg settings, env concourse.Env) []versions.Version {
	candidates := make([]versions.Version, 0, len(lines))
	var skipped []string
	for _, line := range lines {
		v, err := versions.Parse(line)
		if err != nil {
			skipped = append(skipped, line)
			continue
		}
		if cfg.allows(v) {
			candidates = append(candidates, v)
		}
	}
	if len(skipped) > 0 {
		env.Printf("warning: version_check printed %d line(s) that are not versions, skipped: %s\n",
			len(skipped), quoteSome(skipped, maxNamedSkips))
	}
	return candidates
}

// quoteSome quotes the first max items and counts the rest.
func quoteSome(items []string, max int) string {
	quoted := make([]string, 0, min(len(items), max)+1)
	for _, item := range items[:min(len(items), max)] {
		quoted = append(quoted, redact.Quote(item))
	}
	if len(items) > max {
		quoted = append(quoted, fmt.Sprintf("and %d more", len(items)-max))
	}
	return strings.Join(quoted, ", ")
}
