// Package images checks the Dockerfiles that build the resource images: it lints them with
// buildkit's own parser and linter, adds the checks that buildkit only runs while converting a
// Dockerfile into a build graph, and traces every binary the image ships back to the Go package
// that builds it.
package images

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// ResourceDir is where Concourse looks for a resource type's check, in and out executables.
const ResourceDir = "/opt/resource"

// Warning is one lint finding, named after the buildkit rule it corresponds to.
type Warning struct {
	Rule    string
	Message string
	Line    int
}

func (w Warning) String() string {
	return fmt.Sprintf("line %d: %s: %s", w.Line, w.Rule, w.Message)
}

// Dockerfile is a parsed Dockerfile together with everything the linters said about it.
type Dockerfile struct {
	Stages   []instructions.Stage
	MetaArgs []instructions.ArgCommand
	Warnings []Warning
}

// ToolDir is where the images put the metalink tools, meta4 and meta4-repo, so that they are on
// PATH for scripts and build tasks.
const ToolDir = "/usr/local/bin"

// Binary is an executable that the final stage copies into a directory (ResourceDir, ToolDir).
type Binary struct {
	// Name is the file name in that directory (the resource's multi-call executable in ToolDir).
	Name string
	// Stage is the build stage the binary is copied from.
	Stage string
	// Package is the Go package path, as given to go build (./resource/cmd/name).
	Package string
}

// ParseFile reads and lints the Dockerfile at path.
func ParseFile(path string) (*Dockerfile, error) {
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read dockerfile: %w", err)
	}
	d, err := Parse(bytes.NewReader(content))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// Parse parses and lints a Dockerfile. Syntax errors are errors; style problems are Warnings.
func Parse(r io.Reader) (*Dockerfile, error) {
	result, err := parser.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("parse dockerfile: %w", err)
	}
	d := &Dockerfile{}
	for _, w := range result.Warnings {
		d.warnParser(w)
	}
	lint := linter.New(&linter.Config{Warn: d.warnLinter})
	d.Stages, d.MetaArgs, err = instructions.Parse(result.AST, lint)
	if err != nil {
		return nil, fmt.Errorf("parse dockerfile instructions: %w", err)
	}
	d.checkInstructionCasing(result.AST)
	d.checkStageNames()
	d.checkFromArgs()
	d.checkCommands()
	return d, nil
}

func (d *Dockerfile) warn(rule, message string, line int) {
	d.Warnings = append(d.Warnings, Warning{Rule: rule, Message: message, Line: line})
}

func (d *Dockerfile) warnLinter(rule, _, _, message string, location []parser.Range) {
	d.warn(rule, message, firstLine(location))
}

func (d *Dockerfile) warnParser(w parser.Warning) {
	line := 0
	if w.Location != nil {
		line = w.Location.Start.Line
	}
	d.warn("Parser", w.Short, line)
}

func firstLine(location []parser.Range) int {
	if len(location) == 0 {
		return 0
	}
	return location[0].Start.Line
}

// checkInstructionCasing wants every keyword in upper case: buildkit accepts either casing as
// long as it is consistent, but one convention keeps the two Dockerfiles uniform.
func (d *Dockerfile) checkInstructionCasing(ast *parser.Node) {
	for _, node := range ast.Children {
		keyword, _, _ := strings.Cut(strings.TrimSpace(node.Original), " ")
		if keyword != strings.ToUpper(keyword) {
			d.warn(linter.RuleConsistentInstructionCasing.Name,
				fmt.Sprintf("instruction %q should be written %q", keyword, strings.ToUpper(keyword)),
				node.StartLine)
		}
	}
}

func (d *Dockerfile) checkStageNames() {
	seen := map[string]bool{}
	for _, stage := range d.Stages {
		if stage.Name == "" {
			continue
		}
		if seen[stage.Name] {
			d.warn(linter.RuleDuplicateStageName.Name,
				fmt.Sprintf("stage name %q is used more than once", stage.Name), firstLine(stage.Location))
		}
		seen[stage.Name] = true
	}
}

var variableReference = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// checkFromArgs wants every variable in a FROM line to be a global ARG with a usable default, so
// that a plain `docker build` with no --build-arg works.
func (d *Dockerfile) checkFromArgs() {
	for _, stage := range d.Stages {
		for _, match := range variableReference.FindAllStringSubmatch(stage.BaseName, -1) {
			d.checkFromArg(match[1], firstLine(stage.Location))
		}
	}
}

func (d *Dockerfile) checkFromArg(name string, line int) {
	value, declared := d.ArgDefault(name)
	switch {
	case !declared:
		d.warn(linter.RuleUndefinedArgInFrom.Name,
			fmt.Sprintf("FROM uses $%s, which is not declared by an ARG before the first FROM", name), line)
	case value == "":
		d.warn(linter.RuleInvalidDefaultArgInFrom.Name,
			fmt.Sprintf("FROM uses $%s, whose ARG has no default", name), line)
	}
}

func (d *Dockerfile) checkCommands() {
	for _, stage := range d.Stages {
		for _, command := range stage.Commands {
			d.checkCommand(command)
		}
	}
}

// checkCommand covers the per-instruction rules that buildkit runs during conversion.
func (d *Dockerfile) checkCommand(command instructions.Command) {
	line := firstLine(command.Location())
	switch c := command.(type) {
	case *instructions.CmdCommand:
		d.checkExecForm(c.Name(), c.PrependShell, line)
	case *instructions.EntrypointCommand:
		d.checkExecForm(c.Name(), c.PrependShell, line)
	case *instructions.EnvCommand:
		d.checkKeyValueForm(c.Name(), c.Env, line)
	case *instructions.LabelCommand:
		d.checkKeyValueForm(c.Name(), c.Labels, line)
	case *instructions.WorkdirCommand:
		if !path.IsAbs(c.Path) {
			d.warn(linter.RuleWorkdirRelativePath.Name,
				fmt.Sprintf("WORKDIR %q is relative to whatever the base image left", c.Path), line)
		}
	}
}

func (d *Dockerfile) checkExecForm(instruction string, shellForm bool, line int) {
	if shellForm {
		d.warn(linter.RuleJSONArgsRecommended.Name,
			fmt.Sprintf("%s in shell form does not receive signals; use the JSON form", strings.ToUpper(instruction)),
			line)
	}
}

func (d *Dockerfile) checkKeyValueForm(instruction string, pairs instructions.KeyValuePairs, line int) {
	for _, pair := range pairs {
		if pair.NoDelim {
			d.warn(linter.RuleLegacyKeyValueFormat.Name,
				fmt.Sprintf("%s %s without '=' is the legacy form", strings.ToUpper(instruction), pair.Key), line)
		}
	}
}

// ArgDefault reports whether a global ARG (one before the first FROM) is declared, and its default.
func (d *Dockerfile) ArgDefault(name string) (value string, declared bool) {
	for _, arg := range d.MetaArgs {
		for _, pair := range arg.Args {
			if pair.Key != name {
				continue
			}
			if pair.Value == nil {
				return "", true
			}
			return *pair.Value, true
		}
	}
	return "", false
}

// Stage returns the stage with the given name.
func (d *Dockerfile) Stage(name string) (instructions.Stage, bool) {
	for _, stage := range d.Stages {
		if stage.Name == name {
			return stage, true
		}
	}
	return instructions.Stage{}, false
}

// BinariesIn lists what the final stage copies into dir (ToolDir, ResourceDir) and, for each file,
// the Go package that produced it. A file that cannot be traced to a go build in its source stage
// is an error: the image would ship something nobody builds.
func (d *Dockerfile) BinariesIn(dir string) ([]Binary, error) {
	if len(d.Stages) == 0 {
		return nil, fmt.Errorf("dockerfile has no stages")
	}
	var binaries []Binary
	for _, command := range d.Stages[len(d.Stages)-1].Commands {
		copyCommand, ok := command.(*instructions.CopyCommand)
		if !ok || !into(dir, copyCommand.DestPath) {
			continue
		}
		traced, err := d.traceCopy(copyCommand)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", firstLine(copyCommand.Location()), err)
		}
		binaries = append(binaries, traced...)
	}
	return binaries, nil
}

func into(dir, dest string) bool {
	return path.Clean(dest) == dir || strings.HasPrefix(path.Clean(dest), dir+"/")
}

func (d *Dockerfile) traceCopy(c *instructions.CopyCommand) ([]Binary, error) {
	if c.From == "" {
		return nil, fmt.Errorf("COPY into %s takes files from the build context instead of a build stage", c.DestPath)
	}
	stage, ok := d.Stage(c.From)
	if !ok {
		return nil, fmt.Errorf("COPY --from=%s names no stage of this Dockerfile", c.From)
	}
	outputs, err := goBuildOutputs(stage)
	if err != nil {
		return nil, fmt.Errorf("stage %s: %w", stage.Name, err)
	}
	binaries := make([]Binary, 0, len(c.SourcePaths))
	for _, source := range c.SourcePaths {
		pkg, ok := outputs[path.Clean(source)]
		if !ok {
			return nil, fmt.Errorf("COPY --from=%s %s: no go build in that stage writes this file", c.From, source)
		}
		binaries = append(binaries, Binary{Name: destinationName(c, source), Stage: stage.Name, Package: pkg})
	}
	return binaries, nil
}

func destinationName(c *instructions.CopyCommand, source string) string {
	if strings.HasSuffix(c.DestPath, "/") || len(c.SourcePaths) > 1 {
		return path.Base(source)
	}
	return path.Base(c.DestPath)
}

// goBuildOutputs maps each file written by a `go build` in the stage's RUN lines to the package
// built into it.
func goBuildOutputs(stage instructions.Stage) (map[string]string, error) {
	outputs := map[string]string{}
	lex := shell.NewLex('\\')
	for _, command := range stage.Commands {
		run, ok := command.(*instructions.RunCommand)
		if !ok || !run.PrependShell {
			continue
		}
		for _, line := range run.CmdLine {
			words, err := lex.ProcessWords(line, shell.EnvsFromSlice(nil))
			if err != nil {
				return nil, fmt.Errorf("split RUN line into words: %w", err)
			}
			for _, build := range goBuildInvocations(words) {
				if err := addBuildOutputs(outputs, build); err != nil {
					return nil, err
				}
			}
		}
	}
	return outputs, nil
}

// goBuildInvocations returns the arguments of each `go build` in a shell command line, cut at
// the shell operators that separate commands.
func goBuildInvocations(words []string) [][]string {
	var builds [][]string
	for i := 0; i+1 < len(words); i++ {
		if words[i] != "go" || words[i+1] != "build" {
			continue
		}
		end := i + 2
		for end < len(words) && !slices.Contains([]string{"&&", "||", ";", "|"}, words[end]) {
			end++
		}
		builds = append(builds, words[i+2:end])
		i = end
	}
	return builds
}

func addBuildOutputs(outputs map[string]string, args []string) error {
	output, packages := splitBuildArgs(args)
	switch {
	case output == "":
		return fmt.Errorf("go build %s: no -o, so where the binary goes depends on the working directory",
			strings.Join(packages, " "))
	case strings.HasSuffix(output, "/"):
		for _, pkg := range packages {
			outputs[path.Join(output, path.Base(pkg))] = pkg
		}
	case len(packages) == 1:
		outputs[path.Clean(output)] = packages[0]
	default:
		return fmt.Errorf("go build -o %s of %d packages needs -o to name a directory ending in /",
			output, len(packages))
	}
	return nil
}

// splitBuildArgs finds the -o value and the package arguments of a go build command line.
func splitBuildArgs(args []string) (output string, packages []string) {
	for i := 0; i < len(args); i++ {
		switch arg := args[i]; {
		case arg == "-o" && i+1 < len(args):
			output = args[i+1]
			i++
		case strings.HasPrefix(arg, "-o="):
			output = strings.TrimPrefix(arg, "-o=")
		case !strings.HasPrefix(arg, "-"):
			packages = append(packages, arg)
		}
	}
	return output, packages
}
