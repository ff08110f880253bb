package metalinkrepository_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	metalinkrepository "github.com/metalink-resources/metalink-resources/metalink-repository"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/throttle"
)

// buildDir is the directory Concourse hands to out: the put step's inputs.
type buildDir string

func newBuildDir() buildDir { return buildDir(GinkgoT().TempDir()) }

func (b buildDir) write(path, content string) {
	target := filepath.Join(string(b), filepath.FromSlash(path))
	Expect(os.MkdirAll(filepath.Dir(target), 0o755)).To(Succeed())
	Expect(os.WriteFile(target, []byte(content), 0o644)).To(Succeed())
}

func runOut(stdin string, args ...string) result {
	var stdout, stderr bytes.Buffer
	argv := append([]string{"out"}, args...)
	code := metalinkrepository.NewOut(strings.NewReader(stdin), &stdout, &stderr, argv).Execute(context.Background())
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// outAnswer is out's JSON answer.
type outAnswer struct {
	Version  map[string]string   `json:"version"`
	Metadata []map[string]string `json:"metadata"`
}

func (r result) outAnswer() outAnswer {
	var answer outAnswer
	Expect(json.Unmarshal([]byte(r.stdout), &answer)).To(Succeed(), "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	return answer
}

func (r fileRepo) stored(path string) metalink.Metalink {
	data, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(path)))
	Expect(err).NotTo(HaveOccurred())
	Expect(string(data)).To(HavePrefix(`<?xml version="1.0" encoding="UTF-8"?>`), "stored as meta4 XML")
	m, err := metalink.Parse(data)
	Expect(err).NotTo(HaveOccurred())
	return m
}

func hexSHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

var _ = Describe("out", func() {
	var (
		build buildDir
		repo  fileRepo
	)

	BeforeEach(func() {
		build = newBuildDir()
		repo = newFileRepo()
	})

	It("generates a metalink from files and a version file and publishes it under the default name", func() {
		build.write("dist/app-linux.tgz", "linux build")
		build.write("dist/app-darwin.tgz", "darwin build")
		build.write("dist/README", "not published")
		build.write("version/number", "  2.1.0\n")
		got := runOut(asJSON(map[string]any{
			"source": map[string]any{"uri": repo.uri()},
			"params": map[string]any{"files": []string{"dist/*.tgz"}, "version": "version/number"},
		}), string(build))
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.outAnswer()).To(Equal(outAnswer{
			Version: map[string]string{"version": "2.1.0"},
			Metadata: []map[string]string{
				{"name": "name", "value": "v2.1.0.meta4"},
				{"name": "files", "value": "2"},
				{"name": "bytes", "value": "23"},
				{"name": "mirrors", "value": "0"},
				{"name": "app-darwin.tgz", "value": "no URLs"},
				{"name": "app-linux.tgz", "value": "no URLs"},
			},
		}))
		stored := repo.stored("v2.1.0.meta4")
		Expect(stored.Files).To(HaveLen(2))
		darwin := stored.Files[0]
		Expect(darwin.Name).To(Equal("app-darwin.tgz"))
		Expect(darwin.Version).To(Equal("2.1.0"))
		Expect(darwin.Size).To(Equal(uint64(12)))
		sha1sum := sha1.Sum([]byte("darwin build"))
		Expect(darwin.Hashes).To(HaveLen(4))
		Expect(darwin.Hashes[1]).To(Equal(metalink.Hash{Type: "sha-256", Hash: hexSHA256("darwin build")}))
		Expect(darwin.Hashes[2]).To(Equal(metalink.Hash{Type: "sha-1", Hash: hex.EncodeToString(sha1sum[:])}))
		Expect(darwin.URLs).To(BeEmpty())
	})

	It("publishes a given JSON metalink as meta4 XML under a rename_from_file name, relative to the build directory", func() {
		doc := `{"files":[{"name":"tool.zip","version":"0.9.1","size":4,"urls":[{"url":"https://example.com/tool.zip"}]}]}`
		build.write("input/release.json", doc)
		build.write("input/name", "channels/{{.Version}}/tool.meta4\n")
		got := runOut(asJSON(map[string]any{
			"source": map[string]any{"uri": "file://./published"},
			"params": map[string]any{"metalink": "input/*.json", "rename_from_file": "input/name"},
		}), string(build))
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.outAnswer().Version).To(Equal(map[string]string{"version": "0.9.1"}))
		published := fileRepo{dir: filepath.Join(string(build), "published")}
		Expect(published.stored("channels/0.9.1/tool.meta4").Files[0].URLs).To(Equal([]metalink.URL{{URL: "https://example.com/tool.zip"}}))
	})

	It("mirrors the files to the destinations before publishing and records them", func() {
		build.write("dist/app.tgz", "app build")
		build.write("version", "1.0.0")
		mirrorDir := GinkgoT().TempDir()
		got := runOut(asJSON(map[string]any{
			"source": map[string]any{"uri": repo.uri(), "mirror_files": []map[string]any{
				{"destination": "file://" + mirrorDir + "/{{.Version}}/{{.Name}}", "location": "eu", "priority": "3"},
				{"destination": "file://./cache/{{.SHA256}}", "url": "https://cdn.example.com/{{.SHA256}}", "priority": 1},
			}},
			"params": map[string]any{"files": []string{"dist/app.tgz"}, "version": "version", "rename": "app/{{.Version}}.meta4"},
		}), string(build))
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.outAnswer().Metadata).To(ContainElement(map[string]string{"name": "mirrors", "value": "2"}))
		Expect(got.outAnswer().Metadata).To(ContainElement(map[string]string{"name": "app.tgz",
			"value": "file://" + mirrorDir + "/1.0.0/app.tgz, https://cdn.example.com/" + hexSHA256("app build")}))
		Expect(os.ReadFile(filepath.Join(mirrorDir, "1.0.0", "app.tgz"))).To(Equal([]byte("app build")))
		Expect(os.ReadFile(filepath.Join(string(build), "cache", hexSHA256("app build")))).To(Equal([]byte("app build")))
		three, one := uint(3), uint(1)
		Expect(repo.stored("app/1.0.0.meta4").Files[0].URLs).To(Equal([]metalink.URL{
			{URL: "file://" + mirrorDir + "/1.0.0/app.tgz", Location: "eu", Priority: &three},
			{URL: "https://cdn.example.com/" + hexSHA256("app build"), Priority: &one},
		}))
		Expect(got.stderr).To(ContainSubstring("mirrored 1 file(s) to 2 destination(s): 2 copied"))
	})

	It("keeps every signature of a file it mirrors, in order", func() {
		content := []byte("signed app")
		build.write("upstream/app.tgz", string(content))
		f := blob("app.tgz", content, "file://"+filepath.Join(string(build), "upstream", "app.tgz"))
		f.Signatures = []metalink.Signature{
			{MediaType: metalink.SignatureMinisign, Signature: "untrusted comment: x\nRWQ\ntrusted comment: file:app.tgz\nAAAA\n"},
			{MediaType: metalink.SignatureSigstore, Signature: `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`},
			{MediaType: metalink.SignatureSSH, Signature: "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"},
		}
		build.write("m.meta4", string(mustXML(release("1.0.0", f))))
		got := runOut(asJSON(map[string]any{
			"source": map[string]any{"uri": repo.uri(), "skip_signature_verification": true,
				"mirror_files": []map[string]any{{"destination": "file://./mirror/{{.Name}}"}}},
			"params": map[string]any{"metalink": "m.meta4", "rename": "app.meta4"},
		}), string(build))
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(repo.stored("app.meta4").Files[0].Signatures).To(Equal(f.Signatures))
	})

	It("reads a metalink's file from its mirrors at once, as source.download says", func() {
		content := bytes.Repeat([]byte("0123456789abcdef"), 256<<10) // 4 MiB
		var mirrors []*throttle.Server
		var urls []string
		for host := 2; host <= 3; host++ {
			server, err := throttle.Start(throttle.Config{Addr: throttle.Loopback(host), Path: "/app.tgz",
				// Slow enough that one mirror alone takes 2 s: however late the
				// other starts on a busy machine, some blocks are left for it.
				Body: func() io.ReadSeeker { return bytes.NewReader(content) }, Rate: 2 << 20})
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(server.Close)
			mirrors, urls = append(mirrors, server), append(urls, server.URL)
		}
		build.write("m.meta4", string(mustXML(release("1.0.0", blob("app.tgz", content, urls...)))))
		got := runOut(asJSON(map[string]any{
			"source": map[string]any{"uri": repo.uri(), "download": map[string]any{"min_split_size": "1MiB"},
				"mirror_files": []map[string]any{{"destination": "file://./mirror/{{.Name}}"}}},
			"params": map[string]any{"metalink": "m.meta4"},
		}), string(build))
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(os.ReadFile(filepath.Join(string(build), "mirror", "app.tgz"))).To(Equal(content))
		for _, server := range mirrors {
			Expect(server.Sent()).To(BeNumerically(">", 0), "%s served a share", server.URL)
		}
		Expect(got.stderr).To(MatchRegexp(`served by http://127.0.0.2:\d+/app.tgz \([1-9].*\), http://127.0.0.3:\d+/app.tgz \([1-9]`))
	})

	It("takes params.options without source.options", func() {
		build.write("m.meta4", string(mustXML(release("1.0.0"))))
		got := runOut(asJSON(map[string]any{
			"source": map[string]any{"uri": repo.uri()},
			"params": map[string]any{"metalink": "m.meta4", "options": map[string]any{"colour": "blue"}},
		}), string(build))
		Expect(got.code).To(Equal(1))
		Expect(got.lines()).To(HaveExactElements(Equal(`out: unknown key "params.options.colour" (file repositories take no options)`)), "the options reached the backend")
	})

	Describe("a version already published", func() {
		put := func(m metalink.Metalink, params map[string]any) result {
			build.write("m.meta4", string(mustXML(m)))
			params["metalink"] = "m.meta4"
			return runOut(asJSON(map[string]any{
				"source": map[string]any{"uri": repo.uri(), "mirror_files": []map[string]any{{"destination": "file://./mirror/{{.Version}}/{{.Name}}"}}},
				"params": params,
			}), string(build))
		}

		BeforeEach(func() {
			repo.add("v1.0.0.meta4", release("1.0.0", blob("go.tgz", []byte("the go of 1.0.0"), "https://example.com/go.tgz")))
		})

		It("is never given other bytes: one line names the file, the version and both hashes, and nothing is copied", func() {
			got := put(release("1.0.0", blob("go.tgz", []byte("the go of 1.0.1"), "file://"+string(build)+"/go.tgz")), map[string]any{})

			Expect(got.code).To(Equal(1))
			Expect(got.lines()).To(HaveLen(1))
			Expect(got.stderr).To(Equal(`out: upstream changed "go.tgz" since it was mirrored as version 1.0.0: sha-256 was ` +
				hexSHA256("the go of 1.0.0") + ", now " + hexSHA256("the go of 1.0.1") + "; params.allow_changed_bytes: true publishes it anyway\n"))
			Expect(repo.stored("v1.0.0.meta4").Files[0].Hashes[0].Hash).To(Equal(hexSHA256("the go of 1.0.0")))
			Expect(filepath.Join(string(build), "mirror")).NotTo(BeAnExistingFile(), "no byte copied")
		})

		It("refuses a generated file whose bytes differ once they are hashed, and publishes nothing", func() {
			build.write("dist/go.tgz", "the go of 1.0.1")
			build.write("version", "1.0.0")
			got := runOut(asJSON(map[string]any{
				"source": map[string]any{"uri": repo.uri()},
				"params": map[string]any{"files": []string{"dist/go.tgz"}, "version": "version"},
			}), string(build))

			Expect(got.code).To(Equal(1))
			Expect(got.stderr).To(MatchRegexp(`(?m)^out: upstream changed "go.tgz" since it was mirrored as version 1\.0\.0: sha-\d+ was [0-9a-f]+, now [0-9a-f]+; `))
			Expect(repo.stored("v1.0.0.meta4").Files[0].Hashes).To(HaveLen(1), "the record is as it was")
		})

		It("takes a new URL or mirror copy of the same bytes", func() {
			build.write("go.tgz", "the go of 1.0.0")
			got := put(release("1.0.0", blob("go.tgz", []byte("the go of 1.0.0"), "file://"+string(build)+"/go.tgz")), map[string]any{})

			Expect(got.code).To(Equal(0), got.stderr)
			Expect(repo.stored("v1.0.0.meta4").Files[0].URLs).To(ContainElement(HaveField("URL", HaveSuffix("/mirror/1.0.0/go.tgz"))))
		})

		It("takes other bytes with params.allow_changed_bytes, and says so", func() {
			build.write("go.tgz", "the go of 1.0.1")
			got := put(release("1.0.0", blob("go.tgz", []byte("the go of 1.0.1"), "file://"+string(build)+"/go.tgz")), map[string]any{"allow_changed_bytes": true})

			Expect(got.code).To(Equal(0), got.stderr)
			Expect(got.stderr).To(ContainSubstring(`warning: upstream changed "go.tgz" since it was mirrored as version 1.0.0: sha-256 was ` + hexSHA256("the go of 1.0.0")))
			Expect(repo.stored("v1.0.0.meta4").Files[0].Hashes[0].Hash).To(Equal(hexSHA256("the go of 1.0.1")))
		})
	})

	Describe("records of what and why", func() {
		It("writes the params' description, licence, publisher and identity on every file, over the source's", func() {
			build.write("dist/a.tgz", "a")
			build.write("dist/b.tgz", "b")
			build.write("version", "1.0.0")
			got := runOut(asJSON(map[string]any{
				"source": map[string]any{"uri": repo.uri(), "publisher": map[string]any{"name": "Platform team", "url": "https://example.com/platform"},
					"description": "a default nobody keeps"},
				"params": map[string]any{"files": []string{"dist/*.tgz"}, "version": "version",
					"description": "the Go toolchain our builds use", "identity": "go",
					"license": map[string]any{"name": "BSD-3-Clause", "url": "https://go.dev/LICENSE"}},
			}), string(build))

			Expect(got.code).To(Equal(0), got.stderr)
			for _, f := range repo.stored("v1.0.0.meta4").Files {
				Expect(f.Description).To(Equal("the Go toolchain our builds use"))
				Expect(f.Identity).To(Equal("go"))
				Expect(f.License).To(Equal(&metalink.License{Name: "BSD-3-Clause", URL: "https://go.dev/LICENSE"}))
				Expect(f.Publisher).To(Equal(&metalink.Publisher{Name: "Platform team", URL: "https://example.com/platform"}))
			}
		})

		It("ends the git commit with the build that mirrored it, from Concourse's metadata", func() {
			root := GinkgoT().TempDir()
			origin := gitserver.NewRepo(GinkgoT(), root, "mirror.git")
			build.write("m.meta4", string(mustXML(release("1.21.1"))))
			environ := map[string]string{"ATC_EXTERNAL_URL": "https://ci.example.com/", "BUILD_TEAM_NAME": "main",
				"BUILD_PIPELINE_NAME": "mirror", "BUILD_JOB_NAME": "mirror-golang", "BUILD_NAME": "42"}
			var stdout, stderr bytes.Buffer
			request := asJSON(map[string]any{"source": map[string]any{"uri": "git+" + origin.FileURL() + "#main"}, "params": map[string]any{"metalink": "m.meta4"}})
			command := concourse.WithEnviron(metalinkrepository.NewOut(strings.NewReader(request), &stdout, &stderr, []string{"out", string(build)}),
				func(name string) string { return environ[name] })

			Expect(command.Execute(context.Background())).To(Equal(0), stderr.String())
			Expect(origin.LastCommit(GinkgoT()).Message).To(Equal("v1.21.1 (1 file)\n\nMirrored-by: https://ci.example.com/teams/main/pipelines/mirror/jobs/mirror-golang/builds/42"))
		})

		DescribeTable("refuses a record that is not one, naming its key",
			func(key string, value any, want string) {
				build.write("m.meta4", string(mustXML(release("1.0.0"))))
				got := runOut(asJSON(map[string]any{
					"source": map[string]any{"uri": repo.uri()},
					"params": map[string]any{"metalink": "m.meta4", key: value},
				}), string(build))
				Expect(got.code).To(Equal(1))
				Expect(got.stderr).To(Equal("out: " + want + "\n"))
				Expect(os.ReadDir(repo.dir)).To(BeEmpty())
			},
			Entry("a licence without a name", "license", map[string]any{"url": "https://x.example/"}, "params.license.name is required"),
			Entry("a script for a link", "publisher", map[string]any{"name": "x", "url": "javascript:alert(1)"}, `params.publisher.url: "javascript:alert(1)" is not an http(s) URL`),
			Entry("a control character", "description", "bell\a", "params.description: contains U+0007, which XML cannot carry"),
			Entry("an over-long description", "description", strings.Repeat("x", 5000), "params.description: 5000 bytes, at most 4096"),
			Entry("an unknown key", "license", map[string]any{"name": "MIT", "spdx": "MIT"}, `unknown key "params.license.spdx"`),
		)
	})

	It("publishes nothing when a mirror copy fails", func() {
		build.write("m.meta4", string(mustXML(release("1.0.0", blob("app.tgz", []byte("app"), "file://"+string(build)+"/missing.tgz")))))
		got := runOut(asJSON(map[string]any{
			"source": map[string]any{"uri": repo.uri(), "mirror_files": []map[string]any{{"destination": "file://./mirror/{{.Name}}"}}},
			"params": map[string]any{"metalink": "m.meta4"},
		}), string(build))
		Expect(got.code).To(Equal(1))
		Expect(got.lines()[len(got.lines())-1]).To(HavePrefix("out: mirror app.tgz: "))
		Expect(os.ReadDir(repo.dir)).To(BeEmpty())
		Expect(filepath.Join(string(build), "mirror", "app.tgz")).NotTo(BeAnExistingFile())
		Expect(filepath.Glob(filepath.Join(string(build), "mirror", "*"))).To(BeEmpty(), "no temporary file left")
	})
})

var _ = Describe("out with a bad request", func() {
	var build buildDir

	BeforeEach(func() {
		build = newBuildDir()
		build.write("m.meta4", string(mustXML(release("1.0.0"))))
		build.write("other.meta4", string(mustXML(release("1.1.0"))))
		build.write("version", "1.0.0")
		build.write("empty", "\n")
		build.write("dist/app.tgz", "app")
		build.write("no-version.json", `{"files":[{"name":"a.tgz"}]}`)
		build.write("not-a-version", "<html>502 Bad Gateway</html>\n")
		build.write("html-version.json", `{"files":[{"name":"a.tgz","version":"<html>"}]}`)
		build.write("records.json", `{"files":[{"name":".resource/x","version":"1.0.0"}]}`)
		build.write("named/.resource", "a file named like the records directory")
		build.write("with-url.json", `{"files":[{"name":"a.tgz","version":"1.0.0","urls":[{"url":"https://example.com/a.tgz"}]}]}`)
	})

	DescribeTable("fails with exit code 1 and one clear line on stderr, publishing nothing",
		func(params string, want string, extraSource ...string) {
			repo := newFileRepo()
			source := `"uri":"` + repo.uri() + `"`
			for _, extra := range extraSource {
				source += "," + extra
			}
			got := runOut(`{"source":{`+source+`},"params":`+params+`}`, string(build))
			Expect(got.code).To(Equal(1), "stdout: %s", got.stdout)
			Expect(got.stdout).To(BeEmpty())
			want = strings.ReplaceAll(want, "BUILD", string(build))
			Expect(got.lines()).To(HaveExactElements(And(HavePrefix("out: "), ContainSubstring(want))))
			Expect(os.ReadDir(repo.dir)).To(BeEmpty())
		},
		Entry("no metalink and no files", `{}`, "params.metalink or params.files is required"),
		Entry("an unknown params key", `{"metalink":"m.meta4","renam":"x"}`, `unknown key "params.renam"`),
		Entry("a metalink glob matching nothing", `{"metalink":"nothing/*.meta4"}`, `params.metalink: 0 files match "nothing/*.meta4", expected exactly one`),
		Entry("a metalink glob matching two", `{"metalink":"*.meta4"}`, `params.metalink: 2 files match "*.meta4", expected exactly one`),
		Entry("a metalink without a version", `{"metalink":"no-version.json"}`, `its first file "a.tgz" has no version`),
		Entry("files without a version file", `{"files":["dist/*"]}`, "params.version is required with params.files"),
		Entry("a missing version file", `{"files":["dist/*"],"version":"nope"}`, "params.version: open "),
		Entry("an empty version file", `{"files":["dist/*"],"version":"empty"}`, "params.version: empty is empty"),
		Entry("files globs matching nothing", `{"files":["build/*"],"version":"version"}`, `params.files[0]: no file matches "build/*"`),
		Entry("one files glob matching nothing beside one that matches", `{"files":["dist/*","dist/missing.txt"],"version":"version"}`,
			`params.files[1]: no file matches "dist/missing.txt"`),
		Entry("a rename into the records directory", `{"metalink":"m.meta4","rename":".resource/{{.Version}}.meta4"}`,
			`params.rename: ".resource/1.0.0.meta4": .resource/ is reserved for the resource's own records`),
		Entry("a version file that is no version", `{"files":["dist/*"],"version":"not-a-version"}`,
			`out: params.version: invalid version "<html>502 Bad Gateway</html>": invalid semantic version`),
		Entry("a metalink whose first file's version check could never report", `{"metalink":"html-version.json"}`,
			`its first file "a.tgz": invalid version "<html>": invalid semantic version, so check could never report it`),
		Entry("a metalink with a file in the records directory", `{"metalink":"records.json"}`,
			`out: params.metalink `+"BUILD"+`/records.json: file name ".resource/x": .resource/ is reserved for the resource's own records`),
		Entry("a files match in the records directory's name", `{"files":["named/*"],"version":"version"}`,
			`out: params.files: file name ".resource": .resource/ is reserved for the resource's own records`),
		Entry("a malformed files glob, quoted as written", `{"files":["dist/[.tgz"],"version":"version"}`,
			`out: params.files[0]: bad glob "dist/[.tgz": syntax error in pattern`),
		Entry("a files entry that is null", `{"files":[null],"version":"version"}`, `params.files[0]: expected a string, got null`),
		Entry("a files glob matching a directory", `{"files":["*"],"version":"version"}`, `is not a regular file`),
		Entry("a rename with an unknown field", `{"metalink":"m.meta4","rename":"{{.Name}}.meta4"}`,
			`params.rename: unknown field .Name (the fields are {{.Version}})`),
		Entry("a rename that leaves the repository", `{"metalink":"m.meta4","rename":"../v{{.Version}}.meta4"}`, `params.rename: `),
		Entry("an empty rename_from_file", `{"metalink":"m.meta4","rename_from_file":"empty"}`, "params.rename_from_file: empty is empty"),
		Entry("a destination with an unknown field", `{"metalink":"with-url.json"}`, "source.mirror_files[0].destination: unknown field .Nmae (the fields are {{.Name}}, {{.Version}}, {{.Size}}, {{.MD5}}, {{.SHA1}}, {{.SHA256}}, {{.SHA512}}, {{.Hashes}} and {{.URLs}})",
			`"mirror_files":[{"destination":"file:///tmp/{{.Nmae}}"}]`),
		Entry("an unknown mirror_files env key", `{"metalink":"m.meta4"}`, `unknown key "source.mirror_files[0].env.AWS_REGION"`,
			`"mirror_files":[{"destination":"s3://h/b/{{.Name}}","env":{"AWS_REGION":"x"}}]`),
		Entry("a mirror priority that is not a number", `{"metalink":"m.meta4"}`, `source.mirror_files[0].priority: "high" is not a whole number`,
			`"mirror_files":[{"destination":"file:///tmp/x","priority":"high"}]`),
	)

	It("needs the build directory as its argument", func() {
		got := runOut(`{}`)
		Expect(got.code).To(Equal(1))
		Expect(got.lines()).To(HaveExactElements("out: usage: out DIRECTORY (exactly one directory, got 0 arguments)"))
	})

	It("never prints a legacy env secret", func() {
		got := runOut(asJSON(map[string]any{
			"source": map[string]any{"uri": "http://127.0.0.1:1/index.xml", "mirror_files": []map[string]any{{
				"destination": "s3://127.0.0.1:1/bucket/{{.Name}}",
				"env":         map[string]string{"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "legacy-secret-value"},
			}}},
			"params": map[string]any{"metalink": "m.meta4"},
		}), string(build))
		Expect(got.code).To(Equal(1))
		Expect(got.stderr).NotTo(ContainSubstring("legacy-secret-value"))
	})
})

func mustXML(m metalink.Metalink) []byte {
	data, err := metalink.MarshalXML(m)
	Expect(err).NotTo(HaveOccurred())
	return data
}
