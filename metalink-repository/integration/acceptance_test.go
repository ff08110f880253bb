package integration_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// acceptance is one case of the table every backend must pass.
type acceptance struct {
	command  string         // "check" or "in"
	source   map[string]any // source keys besides uri and options
	version  string         // the version Concourse passes; "" for none
	params   map[string]any
	s3Secret string   // when set, a url_handlers entry for the S3 mirror with this secret key
	versions []string // check: the versions it prints
	files    []string // in: the release files it writes
	logs     string   // part of what it writes on stderr
	failure  string   // part of the last stderr line when it must fail
}

// wrongSecret is a secret key the S3 mirror refuses.
const wrongSecret = "not-the-mirror-secret-key"

var acceptanceCases = []TableEntry{
	Entry("check without a version prints the latest, which may be a prerelease", acceptance{
		command: "check", versions: []string{"2.0.0-rc.1"}}),
	Entry("check with source.version leaves prereleases out", acceptance{
		command: "check", source: map[string]any{"version": ">= 0"}, versions: []string{"1.10.0"}}),
	Entry("check from the current version prints it and every newer one, oldest first", acceptance{
		command: "check", source: map[string]any{"version": "^1"}, version: "1.0.0",
		versions: []string{"1.0.0", "1.2.0", "1.10.0"}}),
	Entry("check after the current version vanished prints the newer ones", acceptance{
		command: "check", source: map[string]any{"version": "^1"}, version: "1.1.0",
		versions: []string{"1.2.0", "1.10.0"}}),
	Entry("check after the current version vanished with nothing newer moves to the latest", acceptance{
		command: "check", source: map[string]any{"version": "^1"}, version: "1.11.0",
		versions: []string{"1.10.0"}}),
	Entry("check with a repositorypath filter follows one channel", acceptance{
		command: "check", source: map[string]any{"filters": []any{map[string]any{"repositorypath": "lts/*"}}},
		versions: []string{"0.9.0"}}),
	Entry("check with repositorypath and fileversion filters applies both", acceptance{
		command: "check", version: "0.1.0", source: map[string]any{"filters": []any{
			map[string]any{"repositorypath": "*"},
			map[string]any{"fileversion": "< 1.5"},
		}},
		versions: []string{"1.0.0", "1.2.0"}}),
	Entry("in downloads every file of a release, past a dead first URL", acceptance{
		command: "in", version: "1.2.0", files: []string{"app-1.2.0.tgz", "notes-1.2.0.txt"},
		logs: "/gone/app-1.2.0.tgz"}),
	Entry("in downloads an S3-mirrored file with the url_handlers credentials", acceptance{
		command: "in", version: "1.10.0", s3Secret: s3server.SecretKey, files: []string{mirroredName}}),
	Entry("in with url_handlers credentials the S3 mirror refuses fails, naming the file", acceptance{
		command: "in", version: "1.10.0", s3Secret: wrongSecret, failure: "in: download " + mirroredName}),
	Entry("in with params.include_files downloads only the selected files", acceptance{
		command: "in", version: "1.2.0", params: map[string]any{"include_files": []string{"notes-*"}},
		files: []string{"notes-1.2.0.txt"}}),
	Entry("in of a vanished version fails, naming it", acceptance{
		command: "in", version: "1.1.0", failure: "in: no metalink for version 1.1.0 in "}),
	Entry("in of a version the filters exclude fails", acceptance{
		command: "in", version: "0.9.0", source: map[string]any{"filters": []any{map[string]any{"repositorypath": "rc/*"}}},
		failure: "in: no metalink for version 0.9.0 in "}),
}

var _ = Describe("the metalink-repository resource", func() {
	for _, b := range backends {
		Describe("on "+b.name, Ordered, func() {
			var (
				uri     string
				options map[string]any
			)

			BeforeAll(func() {
				uri, options = b.seed(world.releases())
			})

			DescribeTable("passes the acceptance case", func(a acceptance) {
				a.run(uri, options)
			}, acceptanceCases)
		})
	}
})

func (a acceptance) run(uri string, options map[string]any) {
	source := map[string]any{"uri": uri}
	if options != nil {
		source["options"] = options
	}
	maps.Copy(source, a.source)
	if a.s3Secret != "" {
		source["url_handlers"] = []any{world.s3Handler(a.s3Secret)}
	}
	request := map[string]any{"source": source}
	if a.version != "" {
		request["version"] = map[string]string{"version": a.version}
	}
	if a.params != nil {
		request["params"] = a.params
	}

	var got result
	dest := filepath.Join(GinkgoT().TempDir(), "get")
	if a.command == "check" {
		got = run(bin.Check, request)
	} else {
		got = run(bin.In, request, dest)
	}
	expectNoSecret(got)
	Expect(got.stderr).To(ContainSubstring(a.logs))
	switch {
	case a.failure != "":
		Expect(got.code).To(Equal(1), "stdout: %s", got.stdout)
		Expect(got.stdout).To(BeEmpty())
		Expect(got.lines()).NotTo(BeEmpty())
		last := got.lines()[len(got.lines())-1]
		Expect(last).To(And(HavePrefix(a.command+": "), ContainSubstring(a.failure)))
		Expect(filepath.Join(dest, ".resource")).NotTo(BeAnExistingFile())
	case a.command == "check":
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(printedVersions(got)).To(Equal(a.versions))
	default:
		Expect(got.code).To(Equal(0), got.stderr)
		a.expectDownloaded(got, dest)
	}
}

// expectDownloaded checks the answer of in and that dest holds exactly the
// expected files with their content, and the records.
func (a acceptance) expectDownloaded(got result, dest string) {
	var bytes int
	for _, name := range a.files {
		content := contentOf(name)
		bytes += len(content)
		Expect(os.ReadFile(filepath.Join(dest, name))).To(Equal([]byte(content)), name)
	}
	var answer struct {
		Version  map[string]string   `json:"version"`
		Metadata []map[string]string `json:"metadata"`
	}
	Expect(json.Unmarshal([]byte(got.stdout), &answer)).To(Succeed(), string(got.stdout))
	Expect(answer.Version).To(Equal(map[string]string{"version": a.version}))
	Expect(answer.Metadata).To(HaveLen(2 + len(a.files)))
	Expect(answer.Metadata[:2]).To(Equal([]map[string]string{
		{"name": "files", "value": strconv.Itoa(len(a.files))},
		{"name": "bytes", "value": strconv.Itoa(bytes)},
	}))
	// Then each file with its URLs, none with userinfo.
	for _, entry := range answer.Metadata[2:] {
		Expect(a.files).To(ContainElement(entry["name"]))
		Expect(entry["value"]).To(MatchRegexp(`^[a-z0-9]+://[^@, ]+(, [a-z0-9]+://[^@, ]+)*$`), entry["name"])
	}
	entries, err := os.ReadDir(dest)
	Expect(err).NotTo(HaveOccurred())
	var names []string
	for _, entry := range entries {
		names = append(names, entry.Name())
	}
	Expect(names).To(ConsistOf(append([]string{".resource"}, a.files...)))
	Expect(os.ReadFile(filepath.Join(dest, ".resource", "version"))).To(Equal([]byte(a.version)))
	Expect(filepath.Join(dest, ".resource", "metalink.meta4")).To(BeARegularFile())
}

func contentOf(name string) string {
	if name == mirroredName {
		return mirroredContent
	}
	content, ok := downloadable[name]
	Expect(ok).To(BeTrue(), "no fixture content for %s", name)
	return content
}

// expectNoSecret checks that neither output holds any credential the
// backends were given.
func expectNoSecret(got result) {
	keyLines := strings.Split(strings.TrimSpace(world.sshKey.PrivatePEM), "\n")
	secrets := append([]string{s3server.SecretKey, wrongSecret, gitPassword}, keyLines[1:len(keyLines)-1]...)
	for _, secret := range secrets {
		Expect(string(got.stdout)).NotTo(ContainSubstring(secret))
		Expect(got.stderr).NotTo(ContainSubstring(secret))
	}
}
