package integration_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

var _ = Describe("out when something fails", func() {
	var (
		repo   outRepo
		bucket outBucket
		build  outBuild
		site   releaseSite
		app    []byte
	)

	BeforeEach(func() {
		repo, bucket, build = newOutRepo(), newOutBucket(), newOutBuild()
		app = outRandom(11<<20, 4) // three parts
		site = startReleaseSite(map[string][]byte{"app.tgz": app})
		build.write("good.meta4", []byte(marshal(site.metalinkFor("1.0.0", "files", "app.tgz"))))
		build.write("corrupt.meta4", []byte(marshal(site.metalinkFor("1.0.0", "corrupt", "app.tgz"))))
	})

	// put runs out and checks that it failed as a pipeline author should
	// see it, and that nothing was published.
	put := func(source map[string]any, metalinkPath, want string) result {
		GinkgoHelper()
		head := repo.Head(GinkgoT())
		got := run(bin.Out, map[string]any{"source": source, "params": map[string]any{"metalink": metalinkPath}}, string(build))
		expectFailure(got, want)
		Expect(repo.Head(GinkgoT())).To(Equal(head), "the repository changed")
		Expect(got.stderr).NotTo(ContainSubstring(gitPassword))
		Expect(got.stderr).NotTo(ContainSubstring(s3server.SecretKey))
		return got
	}

	mirroredTo := func(destination string) map[string]any {
		return map[string]any{
			"uri":          repo.httpURI(),
			"url_handlers": []any{world.s3Handler(s3server.SecretKey)},
			"mirror_files": []map[string]any{{"destination": destination}},
		}
	}

	It("fails when S3 refuses a part, leaving no object and no unfinished upload", func() {
		proxy := s3server.StartRefusingProxy(GinkgoT(), world.s3, 2)
		source := mirroredTo(proxy.URL(string(bucket), "{{.Name}}"))
		source["url_handlers"] = []any{map[string]any{"type": "s3", "options": world.s3.Options()}}
		put(source, "good.meta4", "out: mirror app.tgz: put "+proxy.URL(string(bucket), "app.tgz")+": HTTP 500 (InternalError: disk failure)")
		Expect(proxy.Refused()).To(BeNumerically(">=", 1))
		Expect(bucket.isEmpty()).To(BeTrue())
	})

	It("fails when the source serves corrupt bytes, leaving no object and no unfinished upload", func() {
		put(mirroredTo(bucket.url("{{.Name}}")), "corrupt.meta4", "out: mirror app.tgz: ")
		Expect(bucket.isEmpty()).To(BeTrue())
	})

	It("fails on wrong S3 credentials", func() {
		source := mirroredTo(bucket.url("{{.Name}}"))
		source["url_handlers"] = []any{world.s3Handler("not-the-secret-key")}
		got := put(source, "good.meta4", "out: mirror app.tgz: ")
		Expect(got.lines()[len(got.lines())-1]).To(ContainSubstring(bucket.url("app.tgz")))
		Expect(bucket.isEmpty()).To(BeTrue())
	})

	It("fails on a destination template with an unknown field before reading anything", func() {
		put(mirroredTo(bucket.url("{{.Version}}/{{.Filename}}")), "good.meta4",
			"source.mirror_files[0].destination: unknown field .Filename (the fields are {{.Name}}, {{.Version}}, {{.Size}}, {{.MD5}}, {{.SHA1}}, {{.SHA256}}, {{.SHA512}}, {{.Hashes}} and {{.URLs}})")
		Expect(bucket.isEmpty()).To(BeTrue())
	})

	It("fails when the git remote rejects every push", func() {
		repo.RejectPushes(GinkgoT())
		source := mirroredTo(bucket.url("{{.Name}}"))
		source["options"] = map[string]any{"rebase": 1}
		put(source, "good.meta4", "out: publish v1.0.0.meta4 to git+http://[redacted]@")
	})

	It("fails to publish to a read-only http repository", func() {
		got := run(bin.Out, map[string]any{
			"source": map[string]any{"uri": site.URL + "/index.xml"},
			"params": map[string]any{"metalink": "good.meta4"},
		}, string(build))
		expectFailure(got, "out: publish v1.0.0.meta4 to "+site.URL+"/index.xml: ")
	})
})
