package integration_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

var _ = Describe("out publishing to git over HTTP", func() {
	var (
		repo    outRepo
		bucket  outBucket
		build   outBuild
		app     []byte
		mirror  string
		request map[string]any
	)

	BeforeEach(func() {
		repo, bucket, build = newOutRepo(), newOutBucket(), newOutBuild()
		app = outRandom(7<<20+3, 9) // two parts
		build.write("dist/app.tgz", app)
		build.write("dist/app.tgz.txt", []byte("notes"))
		build.write("version/version", []byte("3.0.0\n"))
		mirror = GinkgoT().TempDir()
		request = map[string]any{
			"source": map[string]any{
				"uri":          repo.httpURI(),
				"url_handlers": []any{world.s3Handler(s3server.SecretKey)},
				"mirror_files": []map[string]any{
					{"destination": bucket.url("{{.Version}}/{{.Name}}"), "priority": 1},
					{"destination": "file://" + mirror + "/{{.SHA512}}", "priority": 2, "location": "xx"},
				},
			},
			"params": map[string]any{"files": []string{"dist/*"}, "version": "version/version"},
		}
	})

	It("mirrors the generated files to S3 and a directory, then commits the metalink", func() {
		before := repo.CommitCount(GinkgoT())
		got := run(bin.Out, request, string(build))
		Expect(got.code).To(Equal(0), got.stderr)
		answer := decodeOutAnswer(got)
		Expect(answer.Version).To(Equal(map[string]string{"version": "3.0.0"}))
		Expect(answer.Metadata).To(HaveLen(6))
		Expect(answer.Metadata[:4]).To(Equal([]map[string]string{
			{"name": "name", "value": "v3.0.0.meta4"},
			{"name": "files", "value": "2"},
			{"name": "bytes", "value": "7340040"},
			{"name": "mirrors", "value": "4"},
		}))
		for _, entry := range answer.Metadata[4:] {
			// Each file's two copies, the S3 one as s3:// without credentials.
			Expect(entry["value"]).To(MatchRegexp(`^s3://[^@, ]+, file://[^@, ]+$|^file://[^@, ]+, s3://[^@, ]+$`), entry["name"])
		}
		Expect(repo.CommitCount(GinkgoT())).To(Equal(before + 1))
		Expect(repo.LastCommit(GinkgoT()).Message).To(Equal("v3.0.0 (2 files)"))
		published := repo.metalinkAt("3.0.0")
		file := published.Files[0]
		Expect(file.Name).To(Equal("app.tgz"))
		Expect(file.Hashes[0]).To(Equal(metalink.Hash{Type: "sha-512", Hash: sha512Hex(app)}))
		sha512 := file.Hashes[0].Hash
		two := uint(2)
		Expect(file.URLs).To(ContainElements(
			metalink.URL{URL: bucket.url("3.0.0/app.tgz"), Priority: &[]uint{1}[0]},
			metalink.URL{URL: "file://" + mirror + "/" + sha512, Priority: &two, Location: "xx"},
		))
		content, metadata, ok := bucket.object("3.0.0/app.tgz")
		Expect(ok).To(BeTrue())
		Expect(content).To(Equal(app))
		Expect(metadata).To(HaveKeyWithValue("sha-512", sha512Hex(app)))
		Expect(os.ReadFile(filepath.Join(mirror, sha512))).To(Equal(app))
		Expect(bucket.keys()).To(ConsistOf("3.0.0/app.tgz", "3.0.0/app.tgz.txt"), "no temporary object is left")
		Expect(os.ReadDir(mirror)).To(HaveLen(2), "no temporary file is left")
		Expect(got.stderr).NotTo(ContainSubstring(gitPassword))
		Expect(got.stderr).NotTo(ContainSubstring(s3server.SecretKey))
	})

	It("names the stored directory, the version and the file count in the commit, unless options.message says otherwise", func() {
		request["params"].(map[string]any)["rename"] = "golang.org/v{{.Version}}.meta4"
		Expect(run(bin.Out, request, string(build)).code).To(Equal(0))
		Expect(repo.LastCommit(GinkgoT()).Message).To(Equal("golang.org: v3.0.0 (2 files)"))

		request["params"].(map[string]any)["rename"] = "other/v{{.Version}}.meta4"
		request["params"].(map[string]any)["options"] = map[string]any{"message": "publish 3.0.0"}
		Expect(run(bin.Out, request, string(build)).code).To(Equal(0))
		Expect(repo.LastCommit(GinkgoT()).Message).To(Equal("publish 3.0.0"))
	})

	It("uploads and commits nothing when the same put runs again", func() {
		Expect(run(bin.Out, request, string(build)).code).To(Equal(0))
		head := repo.Head(GinkgoT())
		got := run(bin.Out, request, string(build))
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(repo.Head(GinkgoT())).To(Equal(head))
		Expect(got.stderr).To(ContainSubstring("0 copied (0 B), 4 already there"))
	})

	It("gives a JSON metalink's files a mirror and in then downloads them from it", func() {
		site := startReleaseSite(map[string][]byte{"tool.zip": app})
		build.write("upstream/metalink.json", []byte(mustMarshalJSON(site.metalinkFor("0.4.0", "files", "tool.zip"))))
		request["params"] = map[string]any{"metalink": "upstream/*.json", "rename": "tools/{{.Version}}.meta4"}
		got := run(bin.Out, request, string(build))
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(repo.Files(GinkgoT())).To(ContainElement("metalinks/tools/0.4.0.meta4"))
		site.Close()

		dest := GinkgoT().TempDir()
		source := request["source"].(map[string]any)
		downloaded := run(bin.In, map[string]any{"source": source, "version": map[string]string{"version": "0.4.0"}}, dest)
		Expect(downloaded.code).To(Equal(0), downloaded.stderr)
		Expect(os.ReadFile(filepath.Join(dest, "tool.zip"))).To(Equal(app))
	})
})

func mustMarshalJSON(m metalink.Metalink) string {
	data, err := metalink.MarshalJSON(m)
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}
