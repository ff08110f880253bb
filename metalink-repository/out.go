package metalinkrepository

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/metalink-resources/metalink-resources/shared/redact"

	"github.com/metalink-resources/metalink-resources/metalink-repository/backend"
	"github.com/metalink-resources/metalink-resources/metalink-repository/mirror"
	"github.com/metalink-resources/metalink-resources/metalink-repository/repository"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/progress"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

const (
	// defaultName is where a metalink is stored without rename, as in the original.
	defaultName = "v{{.Version}}.meta4"
	// generator is written into generated metalinks.
	generator = "metalink-repository-resource"
)

// Out is the out command: it publishes a metalink, given or generated from
// local files, after copying its files to the mirror_files destinations.
type Out struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	args   []string
}

// NewOut builds out from its streams and arguments (args[1] is the build's
// directory, which every path of params is relative to).
func NewOut(stdin io.Reader, stdout, stderr io.Writer, args []string) *Out {
	return &Out{stdin: stdin, stdout: stdout, stderr: stderr, args: args}
}

// Run performs one put and returns the process exit code.
func (c *Out) Run(ctx context.Context) int {
	if len(c.args) < 2 || c.args[1] == "" {
		return concourse.Fail(c.stderr, "out", errors.New("bad invocation: expected the build's directory as the only argument"))
	}
	var req OutRequest
	return execute("out", c.stdin, c.stderr, &req, func(log io.Writer) error {
		return c.out(ctx, c.args[1], req, log)
	})
}

func (r *OutRequest) secrets() []string {
	return append(r.Source.secrets(), optionSecrets(r.Params.Options)...)
}

func (c *Out) out(ctx context.Context, dir string, req OutRequest, log io.Writer) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("build directory: %w", err)
	}
	cfg, err := req.Source.compile(nil)
	if err != nil {
		return err
	}
	targets, handlers, err := mirrorSettings(req.Source)
	if err != nil {
		return err
	}
	doc, local, err := req.Params.document(dir)
	if err != nil {
		return err
	}
	name, err := req.Params.storedName(dir, doc.Files[0].Version)
	if err != nil {
		return err
	}
	uri := resolveRelativeURI(req.Source.URI, dir)
	repo, err := backend.Open(ctx, uri, mergeOptions(req.Source.Options, req.Params.Options), repository.Env{TempDir: os.TempDir(), Stderr: log})
	if err != nil {
		return fmt.Errorf("open repository: %w", err)
	}
	mirrored, err := mirror.Run(ctx, mirror.Request{
		Metalink: doc, Local: local, Targets: targets, BaseDir: dir, Handlers: handlers, Log: log,
		Verify: verify.Options{
			SkipHash:      req.Source.SkipHashVerification,
			SkipSignature: req.Source.SkipSignatureVerification,
			TrustStore:    cfg.trustStore,
		},
	})
	if err != nil {
		return err
	}
	reportMirrors(log, mirrored, len(targets))
	data, err := metalink.MarshalXML(mirrored.Metalink)
	if err != nil {
		return err
	}
	if err := repo.Put(ctx, name, data); err != nil {
		return fmt.Errorf("publish %s to %s: %w", name, redact.String(req.Source.URI), err)
	}
	fmt.Fprintf(log, "published %s\n", name)
	return concourse.Respond(c.stdout, outResponse(mirrored, name))
}

// mirrorSettings turns mirror_files into mirror targets and adds the
// credentials of the legacy mirror_files[].env after url_handlers, as the
// original did.
func mirrorSettings(src Source) ([]mirror.Target, []urlhandlers.Config, error) {
	handlers := slices.Clone(src.URLHandlers)
	targets := make([]mirror.Target, len(src.MirrorFiles))
	for i, m := range src.MirrorFiles {
		targets[i] = mirror.Target{Destination: m.Destination, URL: m.URL, Location: m.Location}
		if n, ok, _ := m.Priority.Uint(); ok {
			targets[i].Priority = &n
		}
		if len(m.Env) == 0 {
			continue
		}
		handler, err := legacyHandler(m.Env)
		if err != nil {
			return nil, nil, fmt.Errorf("source.mirror_files[%d].env: %w", i, err)
		}
		handlers = append(handlers, handler)
	}
	return targets, handlers, nil
}

// legacyHandler maps mirror_files[].env to a global s3 url_handlers entry.
func legacyHandler(env map[string]string) (urlhandlers.Config, error) {
	keys := map[string]string{
		"AWS_ACCESS_KEY_ID":     "access_key",
		"AWS_SECRET_ACCESS_KEY": "secret_key",
		"AWS_ROLE_ARN":          "role_arn",
	}
	options := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(env)) {
		key, known := keys[name]
		if !known {
			return urlhandlers.Config{}, fmt.Errorf("unknown key %q (expected AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_ROLE_ARN; prefer url_handlers)", name)
		}
		if env[name] != "" {
			options[key] = env[name]
		}
	}
	config := urlhandlers.Config{Type: "s3", Options: options}
	return config, urlhandlers.Validate([]urlhandlers.Config{config})
}

// document returns the metalink to publish and, for a generated one, the
// local path of each file.
func (p OutParams) document(dir string) (metalink.Metalink, []string, error) {
	if len(p.Files) > 0 {
		return p.generate(dir)
	}
	if strings.TrimSpace(p.Metalink) == "" {
		return metalink.Metalink{}, nil, errors.New("bad request: params.metalink or params.files is required")
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
		return metalink.Metalink{}, fmt.Errorf("params.metalink: %d files match %q, expected exactly one", len(matches), pattern)
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		return metalink.Metalink{}, fmt.Errorf("params.metalink: %w", err)
	}
	doc, err := metalink.Parse(data)
	if err == nil {
		err = checkPublishable(doc)
	}
	if err != nil {
		return metalink.Metalink{}, fmt.Errorf("params.metalink %s: %w", matches[0], err)
	}
	return doc, nil
}

// checkPublishable rejects a metalink that check and in could not use.
func checkPublishable(doc metalink.Metalink) error {
	if err := doc.Validate(); err != nil {
		return err
	}
	if doc.Files[0].Version == "" {
		return fmt.Errorf("its first file %q has no version, which is the version check reports", doc.Files[0].Name)
	}
	return nil
}

// generate describes every file the globs match; the mirror pass adds
// their hashes while it reads them.
func (p OutParams) generate(dir string) (metalink.Metalink, []string, error) {
	if strings.TrimSpace(p.Version) == "" {
		return metalink.Metalink{}, nil, errors.New("bad request: params.version is required with params.files")
	}
	version, err := readTrimmed(dir, p.Version)
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
	if len(doc.Files) == 0 {
		return metalink.Metalink{}, nil, fmt.Errorf("params.files: no file matches %q", p.Files)
	}
	if err := doc.Validate(); err != nil {
		return metalink.Metalink{}, nil, fmt.Errorf("params.files: %w", err)
	}
	return doc, local, nil
}

// storedName renders rename, rename_from_file or the default name.
func (p OutParams) storedName(dir, version string) (string, error) {
	text, field := p.Rename, "params.rename"
	if text == "" && p.RenameFromFile != "" {
		var err error
		if text, err = readTrimmed(dir, p.RenameFromFile); err != nil {
			return "", fmt.Errorf("params.rename_from_file: %w", err)
		}
		field = "params.rename_from_file"
	}
	if text == "" {
		text, field = defaultName, "the default name"
	}
	tmpl, err := template.New(field).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", fmt.Errorf("%s: %w", field, err)
	}
	var name bytes.Buffer
	if err := tmpl.Execute(&name, map[string]string{"Version": version}); err != nil {
		return "", fmt.Errorf("%s: %w (the only field is {{.Version}})", field, err)
	}
	if err := metalink.ValidateName(name.String()); err != nil {
		return "", fmt.Errorf("%s: %w", field, err)
	}
	return name.String(), nil
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
// pattern.
func glob(dir, pattern string) ([]string, error) {
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(escapeGlob(dir), pattern)
	}
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("bad glob %q: %w", pattern, err)
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

// resolveRelativeURI makes file://./rel and git+file://./rel relative to the
// build's directory rather than to the working directory.
func resolveRelativeURI(uri, dir string) string {
	for _, scheme := range []string{"file://", "git+file://"} {
		rest, found := strings.CutPrefix(uri, scheme+".")
		if found && (rest == "" || strings.HasPrefix(rest, "/")) {
			return scheme + filepath.ToSlash(dir) + rest
		}
	}
	return uri
}

// mergeOptions lays the put's params.options over source.options.
func mergeOptions(source, params map[string]any) map[string]any {
	if len(source) == 0 && len(params) == 0 {
		return nil
	}
	merged := maps.Clone(source)
	if merged == nil {
		merged = map[string]any{}
	}
	maps.Copy(merged, params)
	return merged
}

func reportMirrors(log io.Writer, result mirror.Result, targets int) {
	if targets == 0 {
		return
	}
	fmt.Fprintf(log, "mirrored %d file(s) to %d destination(s): %d copied (%s), %d already there\n",
		len(result.Metalink.Files), targets, result.Copied, progress.Bytes(result.Bytes), result.Present)
}

func outResponse(result mirror.Result, name string) concourse.InResponse {
	var bytes uint64
	for _, f := range result.Metalink.Files {
		bytes += f.Size
	}
	return concourse.InResponse{
		Version: concourse.Version{Version: result.Metalink.Files[0].Version},
		Metadata: []concourse.MetadataField{
			{Name: "name", Value: name},
			{Name: "files", Value: strconv.Itoa(len(result.Metalink.Files))},
			{Name: "bytes", Value: strconv.FormatUint(bytes, 10)},
			{Name: "mirrors", Value: strconv.Itoa(result.Copied + result.Present)},
		},
	}
}
