package mirror

import (
	"fmt"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/templating"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// Target is one mirror_files entry: where each file is copied to and how
// the copy is recorded in the metalink.
type Target struct {
	// Destination is a text/template over the file (see File) that renders
	// an s3://, file:// or ftp:// URL.
	Destination string
	// URL, when set, is a text/template over the file that renders the URL
	// recorded instead of the destination, such as a public https address.
	URL      string
	Location string
	Priority *uint
}

// File is what destination and url templates see: every field of the
// metalink file (.Name, .Version, .Size, .Hashes, .URLs, …) plus .MD5,
// .SHA1, .SHA256 and .SHA512, the hex digest of that type or "".
type File struct {
	metalink.File
}

// MD5 is the file's md5 digest, or "".
func (f File) MD5() string { return f.digest("md5") }

// SHA1 is the file's sha-1 digest, or "".
func (f File) SHA1() string { return f.digest("sha-1") }

// SHA256 is the file's sha-256 digest, or "".
func (f File) SHA256() string { return f.digest("sha-256") }

// SHA512 is the file's sha-512 digest, or "".
func (f File) SHA512() string { return f.digest("sha-512") }

func (f File) digest(hashType string) string {
	for _, h := range f.Hashes {
		if strings.EqualFold(strings.TrimSpace(h.Type), hashType) {
			return strings.ToLower(strings.TrimSpace(h.Hash))
		}
	}
	return ""
}

// fileFields are what destination and url templates may use.
const fileFields = "{{.Name}}, {{.Version}}, {{.Size}}, {{.MD5}}, {{.SHA1}}, {{.SHA256}}, {{.SHA512}}, {{.Hashes}} and {{.URLs}}"

// compiledTarget is a Target whose templates parsed.
type compiledTarget struct {
	Target
	names       field.Names // say "destination" and "url" in the front end's words
	destination renderer
	url         *templating.Template // nil: record the destination
}

// renderer gives a target's destination for a file.
type renderer interface {
	Execute(data any) (string, error)
}

// plainURI is a destination given as it is rather than as a template.
type plainURI string

func (u plainURI) Execute(any) (string, error) { return string(u), nil }

// Plan is mirror_files compiled: every template parsed and tried on a sample
// file, and the url_handlers that give each s3:// destination its
// credentials. Built once, when the source is compiled.
type Plan struct {
	targets  []compiledTarget
	handlers *urlhandlers.Set
}

// Compile checks every target, naming the field at fault with namesOf the
// target's index, so that a mistake in mirror_files fails check already, not
// only the first put.
func Compile(targets []Target, namesOf func(i int) field.Names, handlers *urlhandlers.Set) (*Plan, error) {
	compiled := make([]compiledTarget, len(targets))
	for i, t := range targets {
		names := namesOf(i)
		destination, err := parseTemplate(names.Of("destination"), t.Destination)
		if err != nil {
			return nil, err
		}
		if compiled[i], err = compileTarget(t, names, destination); err != nil {
			return nil, err
		}
	}
	return newPlan(compiled, handlers)
}

// CompileURI is Compile of one target whose Destination is a plain URI, not
// a template: a tool's argument, which names says ("destination") in the
// tool's words. A URL, when set, is still a template.
func CompileURI(t Target, names field.Names, handlers *urlhandlers.Set) (*Plan, error) {
	c, err := compileTarget(t, names, plainURI(t.Destination))
	if err != nil {
		return nil, err
	}
	return newPlan([]compiledTarget{c}, handlers)
}

// compileTarget parses t's url template beside its destination.
func compileTarget(t Target, names field.Names, destination renderer) (compiledTarget, error) {
	c := compiledTarget{Target: t, names: names, destination: destination}
	// Checked before any copy: the metalink recording it would be refused.
	if err := metalink.CheckPriority(t.Priority); err != nil {
		return c, names.Errorf("priority", "%w", err)
	}
	if strings.TrimSpace(t.URL) != "" {
		var err error
		if c.url, err = parseTemplate(c.name("url"), t.URL); err != nil {
			return c, err
		}
	}
	return c, nil
}

// newPlan tries every target once all parsed.
func newPlan(compiled []compiledTarget, handlers *urlhandlers.Set) (*Plan, error) {
	for _, c := range compiled {
		if err := c.try(); err != nil {
			return nil, err
		}
	}
	return &Plan{targets: compiled, handlers: handlers}, nil
}

// Targets says how many destinations each file is copied to.
func (p *Plan) Targets() int { return len(p.targets) }

// try renders the target for a sample file, which surfaces a field that
// does not exist ({{.Nmae}}) and a destination that is no s3://, file:// or
// ftp:// URL.
func (c compiledTarget) try() error {
	sample := withHashes(metalink.File{Name: "example-1.0.0.tgz", Version: "1.0.0", Size: 1}, "0")
	r, err := c.render(sample)
	if err != nil {
		return err
	}
	if err := checkDestination(r.destination); err != nil {
		return fmt.Errorf("%s: %w", c.name("destination"), err)
	}
	return nil
}

func (c compiledTarget) name(field string) string { return c.names.Of(field) }

func parseTemplate(name, text string) (*templating.Template, error) {
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("%s is empty", name)
	}
	return templating.Parse(name, text, fileFields)
}

// rendered is where one file goes for one target.
type rendered struct {
	destination string
	recordedURL string // "" : the destination's own URL
}

// render executes the target's templates for f.
func (c compiledTarget) render(f metalink.File) (rendered, error) {
	destination, err := execute(c.destination, f)
	if err != nil {
		return rendered{}, err
	}
	if strings.TrimSpace(destination) == "" {
		return rendered{}, fmt.Errorf("%s rendered an empty destination for %s", c.name("destination"), f.Name)
	}
	r := rendered{destination: destination}
	if c.url != nil {
		if r.recordedURL, err = execute(c.url, f); err != nil {
			return rendered{}, err
		}
	}
	return r, nil
}

func execute(t renderer, f metalink.File) (string, error) {
	out, err := t.Execute(File{File: f})
	return strings.TrimSpace(out), err
}

// samples renders the target for a file whose hashes are not known yet,
// twice, with two sets of made-up ones, which surfaces any template error.
// The renderings differ only when they depend on the hashes: then the
// destination is known only once they are computed, and what the two have
// in common is what does not depend on them.
func (c compiledTarget) samples(f metalink.File) (first, second rendered, err error) {
	if first, err = c.render(withHashes(f, "0")); err != nil {
		return rendered{}, rendered{}, err
	}
	if second, err = c.render(withHashes(f, "f")); err != nil {
		return rendered{}, rendered{}, err
	}
	return first, second, nil
}

// withHashes gives f a digest of every type made of digit alone.
func withHashes(f metalink.File, digit string) metalink.File {
	f.Hashes = nil
	for _, algo := range verify.Algorithms() {
		f.Hashes = append(f.Hashes, metalink.Hash{Type: algo.Name, Hash: strings.Repeat(digit, algo.New().Size()*2)})
	}
	return f
}
