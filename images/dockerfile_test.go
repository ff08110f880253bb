package images_test

import (
	"go/build"
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

// aptInstalls returns the packages a stage installs with apt-get install, and the flags used.
func aptInstalls(stage instructions.Stage) (packages, flags []string) {
	for _, line := range runLines(stage) {
		words := strings.Fields(line)
		for i := 0; i+1 < len(words); i++ {
			if words[i] != "apt-get" || words[i+1] != "install" {
				continue
			}
			for _, word := range words[i+2:] {
				if word == "&&" {
					break
				}
				if strings.HasPrefix(word, "-") {
					flags = append(flags, word)
				} else {
					packages = append(packages, word)
				}
			}
		}
	}
	return packages, flags
}

var _ = Describe("The resource Dockerfiles", func() {
	type image struct {
		dockerfile string
		resource   string
		packages   []string
	}
	dynamic := image{
		dockerfile: "Dockerfile.dynamic",
		resource:   "dynamic-metalink",
		packages:   []string{"bash", "ca-certificates", "coreutils", "curl", "git", "gnupg", "jq", "openssh-client"},
	}
	repository := image{
		dockerfile: "Dockerfile.repository",
		resource:   "metalink-repository",
		packages:   []string{"ca-certificates", "git", "openssh-client"},
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

	DescribeTable("declare builder_image and base_image with the official images as defaults",
		func(i image) {
			d := load(i)
			builder, declared := d.ArgDefault("builder_image")
			Expect(declared).To(BeTrue())
			Expect(builder).To(Equal("golang:1.26-bookworm"))
			base, declared := d.ArgDefault("base_image")
			Expect(declared).To(BeTrue())
			Expect(base).To(Equal("debian:bookworm-slim"))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("build in a stage FROM builder_image and ship a final stage FROM base_image",
		func(i image) {
			d := load(i)
			Expect(d.Stages).To(HaveLen(2))
			Expect(d.Stages[0].BaseName).To(Equal("${builder_image}"))
			Expect(d.Stages[1].BaseName).To(Equal("${base_image}"))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("copy exactly check, in and out into /opt/resource, each built from its own main package",
		func(i image) {
			binaries, err := load(i).ResourceBinaries()
			Expect(err).NotTo(HaveOccurred())
			var names []string
			for _, b := range binaries {
				names = append(names, b.Name)
				Expect(b.Package).To(Equal("./" + i.resource + "/cmd/" + b.Name))
				pkg, err := build.ImportDir(filepath.Join(repositoryRoot, b.Package), 0)
				Expect(err).NotTo(HaveOccurred(), "package %s", b.Package)
				Expect(pkg.Name).To(Equal("main"), "package %s", b.Package)
			}
			Expect(names).To(ConsistOf("check", "in", "out"))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("carry meta4 and meta4-repo on PATH, each built from its own main package",
		func(i image) {
			binaries, err := load(i).BinariesIn(images.ToolDir)
			Expect(err).NotTo(HaveOccurred())
			var names []string
			for _, b := range binaries {
				names = append(names, b.Name)
				Expect(b.Package).To(Equal("./metalink-repository/cmd/" + b.Name))
				pkg, err := build.ImportDir(filepath.Join(repositoryRoot, b.Package), 0)
				Expect(err).NotTo(HaveOccurred(), "package %s", b.Package)
				Expect(pkg.Name).To(Equal("main"), "package %s", b.Package)
			}
			Expect(names).To(ConsistOf("meta4", "meta4-repo"))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("make the binaries root-owned and executable by anyone, so the image also runs as non-root",
		func(i image) {
			d := load(i)
			var copies int
			for _, command := range d.Stages[len(d.Stages)-1].Commands {
				if c, ok := command.(*instructions.CopyCommand); ok && c.From != "" {
					copies++
					Expect(c.Chown).To(Equal("0:0"))
					Expect(c.Chmod).To(Equal("0755"))
				}
			}
			Expect(copies).To(BeNumerically(">", 0))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("copy into the build stage every package of the root module that the binaries import",
		func(i image) {
			stage, ok := load(i).Stage("build")
			Expect(ok).To(BeTrue())
			var copied []string
			for _, command := range stage.Commands {
				if c, ok := command.(*instructions.CopyCommand); ok && c.From == "" {
					copied = append(copied, c.SourcePaths...)
				}
			}
			Expect(copied).To(ContainElements("go.mod", "go.sum"))
			dirs := modulePackageDirs("./" + i.resource + "/cmd/...")
			dirs = append(dirs, modulePackageDirs("./metalink-repository/cmd/meta4")...)
			dirs = append(dirs, modulePackageDirs("./metalink-repository/cmd/meta4-repo")...)
			for _, dir := range dirs {
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

	DescribeTable("install only the runtime packages the resource needs, without recommends",
		func(i image) {
			d := load(i)
			packages, flags := aptInstalls(d.Stages[len(d.Stages)-1])
			Expect(packages).To(ConsistOf(i.packages))
			Expect(flags).To(ContainElement("--no-install-recommends"))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("leave neither apt's package lists nor its downloaded packages in the image",
		func(i image) {
			d := load(i)
			var installing []string
			for _, line := range runLines(d.Stages[len(d.Stages)-1]) {
				if strings.Contains(line, "apt-get install") {
					installing = append(installing, line)
				}
			}
			Expect(installing).To(HaveLen(1))
			Expect(installing[0]).To(ContainSubstring("apt-get clean"))
			Expect(installing[0]).To(ContainSubstring("rm -rf /var/lib/apt/lists/*"))
		},
		Entry("dynamic-metalink", dynamic),
		Entry("metalink-repository", repository),
	)

	DescribeTable("build static binaries",
		func(i image) {
			stage, ok := load(i).Stage("build")
			Expect(ok).To(BeTrue())
			var env []string
			for _, command := range stage.Commands {
				if e, ok := command.(*instructions.EnvCommand); ok {
					for _, pair := range e.Env {
						env = append(env, pair.Key+"="+pair.Value)
					}
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

var _ = Describe("ResourceBinaries", func() {
	const buildStage = "FROM golang AS build\n"

	It("traces binaries built into a directory, one go build for several packages", func() {
		d := parseString(buildStage +
			"RUN --mount=type=cache,target=/c go build -trimpath -ldflags=\"-s -w\" -o /out/ ./r/cmd/check ./r/cmd/in\n" +
			"FROM debian\nCOPY --from=build /out/check /out/in /opt/resource/\n")
		Expect(d.ResourceBinaries()).To(Equal([]images.Binary{
			{Name: "check", Stage: "build", Package: "./r/cmd/check"},
			{Name: "in", Stage: "build", Package: "./r/cmd/in"},
		}))
	})

	It("traces binaries built to a file, renamed by COPY", func() {
		d := parseString(buildStage +
			"RUN go vet ./... && go build -o=/bin/chk ./r/cmd/check && echo built\n" +
			"FROM debian\nCOPY --from=build /bin/chk /opt/resource/check\n")
		Expect(d.ResourceBinaries()).To(Equal([]images.Binary{{Name: "check", Stage: "build", Package: "./r/cmd/check"}}))
	})

	It("ignores files copied elsewhere", func() {
		d := parseString(buildStage + "RUN go build -o /out/ ./r/cmd/check\n" +
			"FROM debian\nCOPY notes.txt /usr/share/doc/\nCOPY --from=build /out/check /opt/resource/\n")
		binaries, err := d.ResourceBinaries()
		Expect(err).NotTo(HaveOccurred())
		Expect(binaries).To(HaveLen(1))
	})

	DescribeTable("refuses what it cannot trace to a go build",
		func(content, message string) {
			_, err := parseString(content).ResourceBinaries()
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
		_, err := (&images.Dockerfile{}).ResourceBinaries()
		Expect(err).To(MatchError(ContainSubstring("no stages")))
	})
})

var _ = Describe("aptInstalls, the helper these specs use", func() {
	It("reads packages and flags up to the next command", func() {
		d := parseString("FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends a b && rm -rf x\n")
		packages, flags := aptInstalls(d.Stages[0])
		Expect(packages).To(Equal([]string{"a", "b"}))
		Expect(slices.Sorted(slices.Values(flags))).To(Equal([]string{"--no-install-recommends", "-y"}))
	})
})
