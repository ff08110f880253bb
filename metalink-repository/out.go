package metalinkrepository

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/templating"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/mirror"
	"github.com/metalink-resources/metalink-resources/shared/progress"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/publish"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

const (
	// defaultName is where a metalink is stored without rename, as in the original.
	defaultName = "v{{.Version}}.meta4"
	// generator is written into generated metalinks.
	generator = "metalink-repository-resource"
)

// NewOut builds out, which publishes a metalink (given, or generated from
// local files) after copying its files to the mirror_files destinations,
// from its streams and arguments (the build's directory, which every path of
// params is relative to).
func NewOut(stdin io.Reader, stdout, stderr io.Writer, args []string) concourse.Executor {
	return concourse.New(concourse.Step[OutRequest, outSettings]{Name: "out", TakesDir: true, Compile: compileOut, Run: out}, stdin, stdout, stderr, args)
}

// outSettings are the compiled source and params of a put.
type outSettings struct {
	settings
	dir    string               // the build's directory, absolute
	rename *templating.Template // nil: rename_from_file or the default name
}

func compileOut(req *OutRequest, env concourse.Env) (outSettings, error) {
	dir, err := filepath.Abs(env.Dir)
	if err != nil {
		return outSettings{}, fmt.Errorf("build directory: %w", err)
	}
	src := req.Source
	src.URI = resolveRelativeURI(src.URI, dir)
	cfg, err := src.compile(req.Params.Options, env.Log)
	if err != nil {
		return outSettings{settings: cfg}, err
	}
	if err := req.Params.check(); err != nil {
		return outSettings{}, err
	}
	if err := req.Params.checkRecords("params"); err != nil {
		return outSettings{}, err
	}
	compiled := outSettings{settings: cfg, dir: dir}
	if req.Params.Rename != "" {
		if compiled.rename, err = parseName("params.rename", req.Params.Rename); err != nil {
			return compiled, err
		}
		// A sample version surfaces an unknown field or an unsafe name now.
		_, err = compiled.storedName(req.Params, "1.0.0")
	}
	return compiled, err
}

// check rejects params that name nothing to publish.
func (p OutParams) check() error {
	switch {
	case len(p.Files) > 0 && strings.TrimSpace(p.Version) == "":
		return errors.New("params.version is required with params.files")
	case len(p.Files) == 0 && strings.TrimSpace(p.Metalink) == "":
		return errors.New("params.metalink or params.files is required")
	}
	return nil
}

func out(ctx context.Context, req *OutRequest, cfg outSettings, env concourse.Env) (any, error) {
	doc, local, err := req.Params.document(cfg.dir)
	if err != nil {
		return nil, err
	}
	req.Params.Records.over(req.Source.Records).apply(&doc)
	name, err := cfg.storedName(req.Params, repository.RawVersion(doc))
	if err != nil {
		return nil, err
	}
	repo, err := cfg.repository(ctx, repository.Env{TempDir: os.TempDir(), Stderr: env.Log, Network: cfg.get.Network})
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	// A put the repository would refuse copies nothing to the mirrors.
	if err := repo.CheckPut(name); err != nil {
		return nil, fmt.Errorf("publish %s to %s: %w", name, redact.String(req.Source.URI), err)
	}
	published, err := repo.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish %s to %s: %w", name, redact.String(req.Source.URI), err)
	}
	// What is known before mirroring (a given document's hashes, a
	// generated one's sizes) is refused before any byte is copied.
	if !req.Params.AllowChangedBytes {
		if err := publish.Unchanged(published, name, doc, false, allowChangedBytes, env.Log); err != nil {
			return nil, err
		}
	}
	mirrored, err := mirror.Run(ctx, cfg.mirror, mirror.Request{
		Metalink: doc, Local: local, BaseDir: cfg.dir, Log: env.Log, Verify: cfg.get.Verify, Segments: cfg.get.Segments,
	})
	if err != nil {
		return nil, err
	}
	if err := publish.Unchanged(published, name, mirrored.Metalink, req.Params.AllowChangedBytes, allowChangedBytes, env.Log); err != nil {
		return nil, err
	}
	reportMirrors(env, mirrored, cfg.mirror.Targets())
	if err := publish.Put(ctx, repo, name, mirrored.Metalink, provenance(env)...); err != nil {
		return nil, fmt.Errorf("publish %s to %s: %w", name, redact.String(req.Source.URI), err)
	}
	env.Printf("published %s\n", name)
	return outResponse(mirrored, name), nil
}

// provenance is the trailers that tie a put to the build that made it.
func provenance(env concourse.Env) []repository.Trailer {
	if build := env.BuildURL(); build != "" {
		return []repository.Trailer{{Key: "Mirrored-by", Value: build}}
	}
	return nil
}

// allowChangedBytes is the way out of the changed-bytes refusal, as a
// pipeline author writes it.
const allowChangedBytes = "params.allow_changed_bytes: true"

// document returns the metalink to publish and, for a generated one, the
// local path of each file.
func (p OutParams) document(dir string) (metalink.Metalink, []string, error) {
	if len(p.Files) > 0 {
		return p.generate(dir)
	}
	doc, err := readMetalink(dir, p.Metalink)
	return doc, nil, err
}

func readMetalink(dir, pattern string) (metalink.Metalink, error) {
	matches, err := glob(dir, pattern)
	if err != nil {
		return metalink.Metalink{}, fmt.Errorf("params.metalink: %w", err)
	}
	if len(matches) != 1 {
		return metalink.Metalink{}, fmt.Errorf("params.metalink: %d files match %s, expected exactly one", len(matches), redact.Quote(pattern))
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		return metalink.Metalink{}, fmt.Errorf("params.metalink: %w", err)
	}
	doc, err := metalink.Parse(data)
	if err == nil {
		err = publish.CheckDocument(doc)
	}
	if err != nil {
		return metalink.Metalink{}, fmt.Errorf("params.metalink %s: %w", matches[0], err)
	}
	return doc, nil
}

// generate describes every file the globs match; the mirror pass adds
// their hashes while it reads them.
func (p OutParams) generate(dir string) (metalink.Metalink, []string, error) {
	version, err := readTrimmed(dir, p.Version)
	if err == nil {
		_, err = versions.Parse(version)
	}
	if err != nil {
		return metalink.Metalink{}, nil, fmt.Errorf("params.version: %w", err)
	}
	doc := metalink.Metalink{Generator: generator}
	var local []string
	for i, pattern := range p.Files {
		matches, err := glob(dir, pattern)
		if err != nil {
			return metalink.Metalink{}, nil, fmt.Errorf("params.files[%d]: %w", i, err)
		}
		if len(matches) == 0 {
			// An author who lists a file expects it mirrored.
			return metalink.Metalink{}, nil, fmt.Errorf("params.files[%d]: no file matches %s", i, redact.Quote(pattern))
		}
		for _, path := range matches {
			info, err := os.Stat(path)
			if err != nil {
				return metalink.Metalink{}, nil, fmt.Errorf("params.files[%d]: %w", i, err)
			}
			if !info.Mode().IsRegular() {
				return metalink.Metalink{}, nil, fmt.Errorf("params.files[%d]: %s is not a regular file", i, path)
			}
			doc.Files = append(doc.Files, metalink.File{Name: filepath.Base(path), Version: version, Size: uint64(info.Size())})
			local = append(local, path)
		}
	}
	if err := metalink.CheckDocument(doc); err != nil {
		return metalink.Metalink{}, nil, fmt.Errorf("params.files: %w", err)
	}
	return doc, local, nil
}

// storedName renders rename, rename_from_file or the default name.
func (cfg outSettings) storedName(p OutParams, version string) (string, error) {
	tmpl := cfg.rename
	if tmpl == nil {
		text, err := p.nameTemplate(cfg.dir)
		if err != nil {
			return "", err
		}
		field := "the default name"
		if p.RenameFromFile != "" {
			field = "params.rename_from_file"
		}
		if tmpl, err = parseName(field, text); err != nil {
			return "", err
		}
	}
	name, err := tmpl.Execute(map[string]string{"Version": version})
	if err != nil {
		return "", err
	}
	if err := publish.CheckName(name); err != nil {
		return "", fmt.Errorf("%s: %w", tmpl.Key(), err)
	}
	return name, nil
}

// nameTemplate is the text of rename_from_file, or the default name.
func (p OutParams) nameTemplate(dir string) (string, error) {
	if p.RenameFromFile == "" {
		return defaultName, nil
	}
	text, err := readTrimmed(dir, p.RenameFromFile)
	if err != nil {
		return "", fmt.Errorf("params.rename_from_file: %w", err)
	}
	return text, nil
}

func parseName(field, text string) (*templating.Template, error) {
	return templating.Parse(field, text, "{{.Version}}")
}

// readTrimmed reads a small file named relative to dir, without the white
// space around its content.
func readTrimmed(dir, name string) (string, error) {
	data, err := os.ReadFile(resolvePath(dir, name))
	if err != nil {
		return "", err
	}
	text := strings.TrimSpace(string(data))
	if text == "" {
		return "", fmt.Errorf("%s is empty", name)
	}
	return text, nil
}

func resolvePath(dir, name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}

// glob matches pattern relative to dir, without reading dir's own name as a
// pattern. Its error quotes the pattern as the author wrote it.
func glob(dir, pattern string) ([]string, error) {
	full := pattern
	if !filepath.IsAbs(pattern) {
		full = filepath.Join(escapeGlob(dir), pattern)
	}
	matches, err := filepath.Glob(full)
	if err != nil {
		return nil, fmt.Errorf("bad glob %s: %w", redact.Quote(pattern), err)
	}
	return matches, nil
}

func escapeGlob(path string) string {
	var escaped strings.Builder
	for _, r := range path {
		if strings.ContainsRune(`*?[\`, r) {
			escaped.WriteByte('\\')
		}
		escaped.WriteRune(r)
	}
	return escaped.String()
}

func reportMirrors(env concourse.Env, result mirror.Result, targets int) {
	if targets == 0 {
		return
	}
	env.Printf("mirrored %d file(s) to %d destination(s): %d copied (%s), %d already there\n",
		len(result.Metalink.Files), targets, result.Copied, progress.Bytes(result.Bytes), result.Present)
}

func outResponse(result mirror.Result, name string) concourse.Response {
	var bytes uint64
	for _, f := range result.Metalink.Files {
		bytes += f.Size
	}
	return concourse.Response{
		Version: concourse.Version{Version: repository.RawVersion(result.Metalink)},
		Metadata: append([]concourse.MetadataField{
			{Name: "name", Value: name},
			{Name: "files", Value: strconv.Itoa(len(result.Metalink.Files))},
			{Name: "bytes", Value: strconv.FormatUint(bytes, 10)},
			{Name: "mirrors", Value: strconv.Itoa(result.Copied + result.Present)},
		}, getstep.URLMetadata(result.Metalink.Files)...),
	}
}
