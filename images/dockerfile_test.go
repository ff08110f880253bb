package images_test

import (
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/images"
)

// repositoryRoot holds the Dockerfiles and the product's root module, whose main packages they
// build. go test runs in the package directory, images/, which is a module of its own so that
// buildkit stays out of the product's go.mod.
const repositoryRoot = ".."

func parseString(content string) *images.Dockerfile {
	GinkgoHelper()
	d, err := images.Parse(strings.NewReader(content))
	Expect(err).NotTo(HaveOccurred())
	return d
}

func ruleNames(warnings []images.Warning) []string {
	names := make([]string, 0, len(warnings))
	for _, w := range warnings {
		names = append(names, w.Rule)
	}
	return names
}

// modulePackageDirs lists, relative to repositoryRoot, the directory of every package of the root
// module that the pattern's packages need, themselves included. go list runs in repositoryRoot,
// so the pattern resolves against the root module, not this one.
func modulePackageDirs(pattern string) []string {
	GinkgoHelper()
	root, err := filepath.Abs(repositoryRoot)
	Expect(err).NotTo(HaveOccurred())
	list := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", pattern)
	list.Dir = root
	output, err := list.Output()
	Expect(err).NotTo(HaveOccurred(), "go list -deps %s", pattern)
	var dirs []string
	for _, dir := range strings.Fields(string(output)) {
		if relative, err := filepath.Rel(root, dir); err == nil && !strings.HasPrefix(relative, "..") {
			dirs = append(dirs, filepath.ToSlash(relative))
		}
	}
	Expect(dirs).NotTo(BeEmpty())
	return dirs
}

// runLines returns the shell command lines of a stage's RUN instructions.
func runLines(stage instructions.Stage) []string {
	var lines []string
	for _, command := range stage.Commands {
		if run, ok := command.(*instructions.RunCommand); ok {
			lines = append(lines, strings.Join(run.CmdLine, " "))
		}
	}
	return lines
}

// aptInstalls returns the packages a stage installs with apt-get install, and the flags used: the
// words up to the end of that command (&&, or a ;).
func aptInstalls(stage instructions.Stage) (packages, flags []string) {
	for _, line := range runLines(stage) {
		words := strings.Fields(line)
		for i := 0; i+1 < len(words); i++ {
			if words[i] != "apt-get" || words[i+1] != "install" {
				continue
			}
			for _, word := range words[i+2:] {
				if word == "&&" || word == ";" {
					break
				}
				word, last := strings.CutSuffix(word, ";")
				if strings.HasPrefix(word, "-") {
					flags = append(flags, word)
				} else {
					packages = append(packages, word)
				}
				if last {
					break
				}
			}
		}
	}
	return packages, flags
}

// finalStage is the stage an image ships.
func finalStage(d *images.Dockerfile) instructions.Stage {
	GinkgoHelper()
	Expect(d.Stages).NotTo(BeEmpty())
	return d.Stages[len(d.Stages)-1]
}

// commandsOf returns a stage's instructions of one type, such as *instructions.CopyCommand.
func commandsOf[T instructions.Command](stage instructions.Stage) []T {
	var found []T
	for _, command := range stage.Commands {
		if c, ok := command.(T); ok {
			found = append(found, c)
		}
	}
	return found
}

// answeredNames builds the main package pkg (relative to the repository) and runs it under a
// name it does not answer to; its error line lists the names it does answer to.
func answeredNames(pkg string) []string {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "executable"), pkg)
	build.Dir = repositoryRoot
	out, err := build.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "%s", out)
	Expect(os.Symlink("executable", filepath.Join(dir, "nameless"))).To(Succeed())
	out, err = exec.Command(filepath.Join(dir, "nameless")).CombinedOutput()
	Expect(err).To(HaveOccurred())
	line := strings.TrimSpace(string(out))
	Expect(line).To(MatchRegexp(`^nameless: run as (.*) \(a link of that name to this file\)$`))
	listed := strings.TrimSuffix(strings.TrimPrefix(line, "nameless: run as "), " (a link of that name to this file)")
	return strings.Split(strings.ReplaceAll(listed, " or ", ", "), ", ")
}

var _ = Describe("The resource Dockerfiles", func() {
	type image struct {
		dockerfile string
		resource   string
		// stages are the base of each stage, the shipped one last.
		stages []string
	}
	dynamic := image{
		dockerfile: "Dockerfile.dynamic",
		resource:   "dynamic-metalink",
		stages:     []string{"${builder_image}", "${base_image}"},
	}
	repository := image{
		dockerfile: "Dockerfile.repository",
		resource:   "metalink-repository",
		stages:     []string{"${builder_image}", "${builder_image}", "scratch"},
	}

	load := func(i image) *images.Dockerfile {
		GinkgoHelper()
		d, err := images.ParseFile(filepath.Join(repositoryRoot, i.dockerfile))
		Expect(err).NotTo(HaveOccurred())
		return d
	}

	DescribeTable("pass buildkit's linter and ours without a warning",
		func(i image) {
			Expect(load(i).Warnings).To(BeEmpty())
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("declare builder_image with the official Go image as its default",
		func(i image) {
			builder, declared := load(i).ArgDefault("builder_image")
			Expect(declared).To(BeTrue())
			Expect(builder).To(Equal("golang:1.26-bookworm"))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	It("let dynamic-metalink's runtime stage be any Debian-like base_image, debian:bookworm-slim by default", func() {
		base, declared := load(dynamic).ArgDefault("base_image")
		Expect(declared).To(BeTrue())
		Expect(base).To(Equal("debian:bookworm-slim"))
	})

	It("ship metalink-repository FROM scratch, with no base_image to choose", func() {
		_, declared := load(repository).ArgDefault("base_image")
		Expect(declared).To(BeFalse())
	})

	DescribeTable("build in stages FROM builder_image and ship the last one",
		func(i image) {
			var bases []string
			for _, stage := range load(i).Stages {
				bases = append(bases, stage.BaseName)
			}
			Expect(bases).To(Equal(i.stages))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("run every stage but the shipped one on the build platform, cross-compiling for the target",
		func(i image) {
			d := load(i)
			for _, stage := range d.Stages[:len(d.Stages)-1] {
				Expect(stage.Platform).To(Equal("${BUILDPLATFORM}"), "stage %s", stage.Name)
			}
			stage, ok := d.Stage("build")
			Expect(ok).To(BeTrue())
			Expect(strings.Join(runLines(stage), " ")).To(
				ContainSubstring("GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build"))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	It("ship metalink-repository's stage without RUN, so that it builds for any platform without running its code", func() {
		Expect(runLines(finalStage(load(repository)))).To(BeEmpty())
	})

	DescribeTable("copy one executable into /usr/local/bin, built from the resource's multi-call main package",
		func(i image) {
			d := load(i)
			binaries, err := d.BinariesIn(images.ToolDir)
			Expect(err).NotTo(HaveOccurred())
			Expect(binaries).To(Equal([]images.Binary{
				{Name: i.resource, Stage: "build", Package: "./" + i.resource + "/cmd/" + i.resource},
			}))
			pkg, err := build.ImportDir(filepath.Join(repositoryRoot, binaries[0].Package), 0)
			Expect(err).NotTo(HaveOccurred())
			Expect(pkg.Name).To(Equal("main"))
			// The links to it are made in a RUN (or a stage's root filesystem), not copied.
			Expect(d.BinariesIn(images.ResourceDir)).To(BeEmpty())
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("answer, in the multi-call main, to the names of the links the image makes",
		func(i image) {
			Expect(answeredNames("./" + i.resource + "/cmd/" + i.resource)).To(ConsistOf("check", "in", "out", "meta4", "meta4-repo"))
			content, err := os.ReadFile(filepath.Join(repositoryRoot, i.dockerfile))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(content)).To(ContainSubstring(`for command in check in out; do`))
			for _, tool := range []string{"meta4", "meta4-repo"} {
				Expect(string(content)).To(MatchRegexp(`ln -s %s \S*/usr/local/bin/%s(;|\s|$)`, i.resource, tool))
			}
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("make the executable root-owned and executable by anyone, so the image runs as non-root",
		func(i image) {
			var copies int
			for _, c := range commandsOf[*instructions.CopyCommand](finalStage(load(i))) {
				if c.From == "build" {
					copies++
					Expect(c.Chown).To(Equal("0:0"))
					Expect(c.Chmod).To(Equal("0755"))
				}
			}
			Expect(copies).To(Equal(1))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("run as the unprivileged user 65532 with its HOME",
		func(i image) {
			stage := finalStage(load(i))
			users := commandsOf[*instructions.UserCommand](stage)
			Expect(users).To(HaveLen(1))
			Expect(users[0].User).To(Equal("65532:65532"))
			var env []string
			for _, e := range commandsOf[*instructions.EnvCommand](stage) {
				for _, pair := range e.Env {
					env = append(env, pair.Key+"="+pair.Value)
				}
			}
			Expect(env).To(ContainElement("HOME=/home/resource"))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("copy into the build stage every package of the root module that the executable imports",
		func(i image) {
			stage, ok := load(i).Stage("build")
			Expect(ok).To(BeTrue())
			var copied []string
			for _, c := range commandsOf[*instructions.CopyCommand](stage) {
				if c.From == "" {
					copied = append(copied, c.SourcePaths...)
				}
			}
			Expect(copied).To(ContainElements("go.mod", "go.sum"))
			for _, dir := range modulePackageDirs("./" + i.resource + "/cmd/" + i.resource) {
				Expect(dir).To(Satisfy(func(dir string) bool {
					return slices.ContainsFunc(copied, func(c string) bool {
						return dir == c || strings.HasPrefix(dir, c+"/")
					})
				}), "package directory %s is imported but not copied into the build stage", dir)
			}
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("install only the packages each stage needs, without recommends",
		func(i image, stageName string, want []string) {
			d := load(i)
			stage := finalStage(d)
			if stageName != "" {
				var ok bool
				stage, ok = d.Stage(stageName)
				Expect(ok).To(BeTrue())
			}
			packages, flags := aptInstalls(stage)
			Expect(packages).To(ConsistOf(want))
			Expect(flags).To(ContainElement("--no-install-recommends"))
		},
		Entry("dynamic-metalink's runtime, gpg without the rest of gnupg", dynamic, "",
			[]string{"bash", "ca-certificates", "coreutils", "curl", "git", "gpg", "gpg-agent", "jq", "openssh-client"}),
		Entry("metalink-repository's root filesystem: a shell and CA certificates", repository, "rootfs",
			[]string{"busybox-static", "ca-certificates"}),
	)

	It("leave neither apt's package lists nor its downloaded packages in dynamic-metalink", func() {
		var installing []string
		for _, line := range runLines(finalStage(load(dynamic))) {
			if strings.Contains(line, "apt-get install") {
				installing = append(installing, line)
			}
		}
		Expect(installing).To(HaveLen(1))
		Expect(installing[0]).To(ContainSubstring("apt-get clean"))
		Expect(installing[0]).To(ContainSubstring("rm -rf /var/lib/apt/lists/*"))
	})

	DescribeTable("build a static executable",
		func(i image) {
			stage, ok := load(i).Stage("build")
			Expect(ok).To(BeTrue())
			var env []string
			for _, e := range commandsOf[*instructions.EnvCommand](stage) {
				for _, pair := range e.Env {
					env = append(env, pair.Key+"="+pair.Value)
				}
			}
			Expect(env).To(ContainElement("CGO_ENABLED=0"))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)
})

var _ = Describe("Parse", func() {
	It("finds nothing to say about a tidy Dockerfile", func() {
		d := parseString("ARG base=debian:bookworm-slim\nFROM ${base} AS runtime\nWORKDIR /srv\n" +
			"ENV A=1\nLABEL b=2\nENTRYPOINT [\"/bin/true\"]\n")
		Expect(d.Warnings).To(BeEmpty())
	})

	DescribeTable("warns about",
		func(content, rule string) {
			Expect(ruleNames(parseString(content).Warnings)).To(ContainElement(rule))
		},
		Entry("instructions in lower case", "FROM scratch\ncopy a /a\n", "ConsistentInstructionCasing"),
		Entry("a lower-case 'as' after an upper-case FROM", "FROM scratch as build\n", "FromAsCasing"),
		Entry("an upper-case stage name", "FROM scratch AS Build\n", "StageNameCasing"),
		Entry("two stages with the same name", "FROM scratch AS a\nFROM scratch AS a\n", "DuplicateStageName"),
		Entry("a FROM variable that no global ARG declares", "FROM ${nowhere}\n", "UndefinedArgInFrom"),
		Entry("a FROM variable whose ARG has no default", "ARG image\nFROM $image\n", "InvalidDefaultArgInFrom"),
		Entry("a FROM variable whose ARG default is empty", "ARG image=\nFROM ${image}\n", "InvalidDefaultArgInFrom"),
		Entry("a shell-form CMD", "FROM scratch\nCMD run thing\n", "JSONArgsRecommended"),
		Entry("a shell-form ENTRYPOINT", "FROM scratch\nENTRYPOINT run thing\n", "JSONArgsRecommended"),
		Entry("ENV without '='", "FROM scratch\nENV A b\n", "LegacyKeyValueFormat"),
		Entry("LABEL without '='", "FROM scratch\nLABEL a b\n", "LegacyKeyValueFormat"),
		Entry("a relative WORKDIR", "FROM scratch\nWORKDIR src\n", "WorkdirRelativePath"),
		Entry("MAINTAINER", "FROM scratch\nMAINTAINER someone\n", "MaintainerDeprecated"),
		Entry("an empty continuation line", "FROM scratch\nRUN true \\\n\n && true\n", "Parser"),
	)

	It("names the line of each warning", func() {
		warnings := parseString("FROM scratch\n\nWORKDIR src\n").Warnings
		Expect(warnings).To(HaveLen(1))
		Expect(warnings[0].Line).To(Equal(3))
		Expect(warnings[0].String()).To(HavePrefix("line 3: WorkdirRelativePath: "))
	})

	DescribeTable("rejects what is not a Dockerfile",
		func(content string) {
			_, err := images.Parse(strings.NewReader(content))
			Expect(err).To(HaveOccurred())
		},
		Entry("an unknown instruction", "FROM scratch\nFETCH http://x\n"),
		Entry("an instruction before FROM", "RUN true\n"),
		Entry("FROM without an image", "FROM\n"),
	)

	It("names the file it cannot read", func() {
		_, err := images.ParseFile(filepath.Join(GinkgoT().TempDir(), "Dockerfile.missing"))
		Expect(err).To(MatchError(ContainSubstring("Dockerfile.missing")))
	})
})

var _ = Describe("BinariesIn", func() {
	const buildStage = "FROM golang AS build\n"

	It("traces binaries built into a directory, one go build for several packages", func() {
		d := parseString(buildStage +
			"RUN --mount=type=cache,target=/c go build -trimpath -ldflags=\"-s -w\" -o /out/ ./r/cmd/check ./r/cmd/in\n" +
			"FROM debian\nCOPY --from=build /out/check /out/in /opt/resource/\n")
		Expect(d.BinariesIn(images.ResourceDir)).To(Equal([]images.Binary{
			{Name: "check", Stage: "build", Package: "./r/cmd/check"},
			{Name: "in", Stage: "build", Package: "./r/cmd/in"},
		}))
	})

	It("traces binaries built to a file, renamed by COPY", func() {
		d := parseString(buildStage +
			"RUN go vet ./... && go build -o=/bin/chk ./r/cmd/check && echo built\n" +
			"FROM debian\nCOPY --from=build /bin/chk /opt/resource/check\n")
		Expect(d.BinariesIn(images.ResourceDir)).To(Equal([]images.Binary{{Name: "check", Stage: "build", Package: "./r/cmd/check"}}))
	})

	It("ignores files copied elsewhere", func() {
		d := parseString(buildStage + "RUN go build -o /out/ ./r/cmd/check\n" +
			"FROM debian\nCOPY notes.txt /usr/share/doc/\nCOPY --from=build /out/check /opt/resource/\n")
		binaries, err := d.BinariesIn(images.ResourceDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(binaries).To(HaveLen(1))
	})

	DescribeTable("refuses what it cannot trace to a go build",
		func(content, message string) {
			_, err := parseString(content).BinariesIn(images.ResourceDir)
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("a binary from the build context",
			"FROM debian\nCOPY check /opt/resource/\n", "from the build context"),
		Entry("a COPY from an image rather than a stage",
			buildStage+"FROM debian\nCOPY --from=busybox /bin/sh /opt/resource/check\n", "names no stage"),
		Entry("a file no go build writes",
			buildStage+"RUN go build -o /out/ ./r/cmd/check\nFROM debian\nCOPY --from=build /out/extra /opt/resource/\n",
			"no go build in that stage writes this file"),
		Entry("a go build without -o",
			buildStage+"RUN go build ./r/cmd/check\nFROM debian\nCOPY --from=build /src/check /opt/resource/\n",
			"no -o"),
		Entry("several packages built to one file",
			buildStage+"RUN go build -o /out/x ./a ./b\nFROM debian\nCOPY --from=build /out/x /opt/resource/\n",
			"directory ending in /"),
		Entry("an exec-form RUN it cannot read",
			buildStage+"RUN [\"go\", \"build\", \"-o\", \"/out/\", \"./r/cmd/in\"]\nFROM debian\nCOPY --from=build /out/in /opt/resource/\n",
			"no go build in that stage writes this file"),
	)

	It("says a Dockerfile without stages has nothing to trace", func() {
		_, err := (&images.Dockerfile{}).BinariesIn(images.ResourceDir)
		Expect(err).To(MatchError(ContainSubstring("no stages")))
	})
})

var _ = Describe("aptInstalls, the helper these specs use", func() {
	DescribeTable("reads packages and flags up to the next command",
		func(run string) {
			packages, flags := aptInstalls(parseString("FROM debian\nRUN " + run + "\n").Stages[0])
			Expect(packages).To(Equal([]string{"a", "b"}))
			Expect(slices.Sorted(slices.Values(flags))).To(Equal([]string{"--no-install-recommends", "-y"}))
		},
		Entry("after &&", "apt-get update && apt-get install -y --no-install-recommends a b && rm -rf x"),
		Entry("after ;", "apt-get update; apt-get install -y --no-install-recommends a b; rm -rf x"),
		Entry("after a spaced ;", "apt-get install -y --no-install-recommends a b ; rm -rf x"),
	)
})
