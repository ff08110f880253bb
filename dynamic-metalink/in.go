package dynamicmetalink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/metalink-resources/metalink-resources/dynamic-metalink/script"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/selection"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

// quotedOutputBytes is how much of a script's output an error quotes.
const quotedOutputBytes = 200

// In runs metalink_get for the requested version and downloads its files.
type In struct {
	stdin   io.Reader
	stdout  io.Writer
	console *console
	args    []string
}

// NewIn builds in from its streams; args[1] is the destination directory.
func NewIn(stdin io.Reader, stdout, stderr io.Writer, args []string) *In {
	return &In{stdin: stdin, stdout: stdout, console: newConsole(stderr), args: args}
}

// Execute runs in and returns the process exit code.
func (c *In) Execute(ctx context.Context) int {
	return c.console.finish("in", c.run(ctx))
}

func (c *In) run(ctx context.Context) error {
	if len(c.args) < 2 || c.args[1] == "" {
		return errors.New("usage: in DESTINATION")
	}
	dest := c.args[1]
	var req InRequest
	cfg, err := readRequest(c.stdin, c.console, &req)
	if err != nil {
		return err
	}
	files := selection.Filter{
		Include:       req.Source.IncludeFiles,
		Exclude:       req.Source.ExcludeFiles,
		ParamsInclude: req.Params.IncludeFiles,
	}
	if err := files.Validate(); err != nil {
		return err
	}
	if err := cfg.permit(req.Version.Version); err != nil {
		return err
	}
	doc, err := c.getMetalink(ctx, cfg, req.Version.Version)
	if err != nil {
		return err
	}
	metadata, err := c.fetch(ctx, dest, cfg, getstep.Request{
		Metalink:     doc,
		Version:      req.Version.Version,
		Files:        files,
		SkipDownload: req.Params.SkipDownload,
	})
	if err != nil {
		return err
	}
	return concourse.Respond(c.stdout, concourse.InResponse{Version: req.Version, Metadata: metadata})
}

// fetch downloads what req selects into dest, through the url_handlers and
// with the verification the source asks for, logging to stderr.
func (c *In) fetch(ctx context.Context, dest string, cfg settings, req getstep.Request) ([]concourse.MetadataField, error) {
	router, err := urlhandlers.Router(cfg.URLHandlers)
	if err != nil {
		return nil, fmt.Errorf("source.%w", err)
	}
	req.Download = download.Options{
		Reader:   router,
		Verify:   cfg.verifyOptions(),
		Progress: c.console,
		Report:   c.console,
	}
	return getstep.Run(ctx, dest, req)
}

// getMetalink runs metalink_get with $version set and parses what it printed.
func (c *In) getMetalink(ctx context.Context, cfg settings, version string) (metalink.Metalink, error) {
	runner := script.Runner{Timeout: cfg.timeout, Stderr: c.console}
	out, err := runner.Run(ctx, cfg.MetalinkGet, map[string]string{"version": version})
	if err != nil {
		return metalink.Metalink{}, fmt.Errorf("metalink_get: %w", err)
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return metalink.Metalink{}, fmt.Errorf("metalink_get printed nothing for version %q; expected a metalink (JSON or meta4 XML)", version)
	}
	doc, err := metalink.Parse(out)
	if err != nil {
		return metalink.Metalink{}, fmt.Errorf("metalink_get did not print a metalink: %w%s", err, quoteStructured(out))
	}
	if err := doc.Validate(); err != nil {
		return metalink.Metalink{}, fmt.Errorf("metalink_get printed an unusable metalink: %w", err)
	}
	return doc, nil
}

// quoteStructured quotes the first bytes of output that looks like JSON or
// XML, enough to recognise an error page or a jq mistake. Output that is
// neither is already quoted by metalink.Parse.
func quoteStructured(out []byte) string {
	text := bytes.TrimLeft(bytes.TrimPrefix(out, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(text) == 0 || (text[0] != '{' && text[0] != '<') {
		return ""
	}
	if len(out) <= quotedOutputBytes {
		return fmt.Sprintf("; output began: %q", out)
	}
	return fmt.Sprintf("; output began: %q…", out[:quotedOutputBytes])
}
