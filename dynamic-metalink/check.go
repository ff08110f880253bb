package dynamicmetalink

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/metalink-resources/metalink-resources/dynamic-metalink/script"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// maxNamedSkips bounds how many skipped lines the warning quotes, so that a
// script printing thousands of non-versions does not flood the build log.
const maxNamedSkips = 10

// Check runs version_check and answers the versions Concourse should know.
type Check struct {
	stdin   io.Reader
	stdout  io.Writer
	console *console
}

// NewCheck builds check from its streams. check takes no arguments; args is
// accepted so that every command is built the same way.
func NewCheck(stdin io.Reader, stdout, stderr io.Writer, args []string) *Check {
	return &Check{stdin: stdin, stdout: stdout, console: newConsole(stderr)}
}

// Execute runs check and returns the process exit code.
func (c *Check) Execute(ctx context.Context) int {
	return c.console.finish("check", c.run(ctx))
}

func (c *Check) run(ctx context.Context) error {
	var req CheckRequest
	cfg, err := readRequest(c.stdin, c.console, &req)
	if err != nil {
		return err
	}
	runner := script.Runner{Timeout: cfg.timeout, Stderr: c.console}
	out, err := runner.Run(ctx, cfg.VersionCheck, nil)
	if err != nil {
		return fmt.Errorf("version_check: %w", err)
	}
	candidates := c.parseVersions(script.Lines(out), cfg)
	var current *string
	if req.Version != nil {
		current = &req.Version.Version
	}
	found, err := versions.Check(candidates, current)
	if err != nil {
		return err
	}
	response := make(CheckResponse, 0, len(found))
	for _, v := range found {
		response = append(response, concourse.Version{Version: v.Raw})
	}
	return concourse.Respond(c.stdout, response)
}

// parseVersions keeps the lines that are versions allowed by source.version.
// A line that is not a version is most likely a script's stray output, so it
// is skipped with a warning rather than failing the whole check.
func (c *Check) parseVersions(lines []string, cfg settings) []versions.Version {
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
		fmt.Fprintf(c.console, "warning: version_check printed %d line(s) that are not versions, skipped: %s\n",
			len(skipped), quoteSome(skipped, maxNamedSkips))
	}
	return candidates
}

// quoteSome quotes the first max items and counts the rest.
func quoteSome(items []string, max int) string {
	quoted := make([]string, 0, min(len(items), max)+1)
	for _, item := range items[:min(len(items), max)] {
		quoted = append(quoted, fmt.Sprintf("%q", item))
	}
	if len(items) > max {
		quoted = append(quoted, fmt.Sprintf("and %d more", len(items)-max))
	}
	return strings.Join(quoted, ", ")
}
