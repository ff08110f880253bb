package dynamicmetalink

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// NewIn builds in, which runs metalink_get for the requested version and
// downloads its files, from its streams and arguments (the destination).
func NewIn(stdin io.Reader, stdout, stderr io.Writer, args []string) concourse.Executor {
	return concourse.New(concourse.Step[InRequest, settings]{Name: "in", TakesDir: true, Compile: compileIn, Run: in}, stdin, stdout, stderr, args)
}

func compileIn(req *InRequest, env concourse.Env) (settings, error) {
	cfg, err := req.Source.compile(env.Log)
	if err != nil {
		return settings{}, err
	}
	if cfg.get, err = cfg.get.WithParams(req.Params); err != nil {
		return settings{}, err
	}
	return cfg, cfg.permit(req.Version.Version)
}

func in(ctx context.Context, req *InRequest, cfg settings, env concourse.Env) (any, error) {
	doc, err := getMetalink(ctx, cfg, req.Version.Version, env.Log)
	if err != nil {
		return nil, err
	}
	return cfg.get.Get(ctx, env, doc, req.Version, req.Params)
}

// getMetalink runs metalink_get with $version set and parses what it printed.
func getMetalink(ctx context.Context, cfg settings, version string, log io.Writer) (metalink.Metalink, error) {
	runner := cfg.runner(log)
	out, err := runner.Run(ctx, cfg.metalinkGet, map[string]string{"version": version})
	if err != nil {
		return metalink.Metalink{}, fmt.Errorf("metalink_get: %w", err)
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return metalink.Metalink{}, fmt.Errorf("metalink_get printed nothing for version %s; expected a metalink (JSON or meta4 XML)", redact.Quote(version))
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
	return "; output began: " + redact.Quote(string(out))
}
