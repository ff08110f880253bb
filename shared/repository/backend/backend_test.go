package backend_test

import (
	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/backend"
	"github.com/metalink-resources/metalink-resources/shared/repository/filerepo"
)

var _ = Describe("Open", func() {
	open := func(uri string) (repository.Repository, error) {
		target, err := backend.Parse(uri, repotest.Names)
		if err != nil {
			return nil, err
		}
		return repotest.Open(repository.Env{TempDir: GinkgoT().TempDir()})(target.Configure(backend.Options{}, repotest.Names))
	}

	It("picks the backend by the uri's scheme, in any case", func() {
		repo, err := open("FILE://" + GinkgoT().TempDir())
		Expect(err).NotTo(HaveOccurred())
		Expect(repo).To(BeAssignableToTypeOf(&filerepo.Repository{}))
	})

	DescribeTable("refuses a uri it has no backend for, without printing its userinfo",
		func(uri, want string) {
			_, err := open(uri)
			Expect(err).To(MatchError(want))
		},
		Entry("no scheme", "ci:s3cret@github.com/org/x.git",
			`source.uri "[redacted]@github.com/org/x.git": expected SCHEME://…`),
		Entry("an unknown scheme", "ftp://ci:s3cret@host/x",
			`source.uri "ftp://[redacted]@host/x": unknown scheme "ftp" (expected file, git+file, git+http(s), git+ssh, s3, http or https)`),
		Entry("an unknown scheme and a password with an unencoded slash", "ftp://ci:top/s3cret@host/x",
			`source.uri "ftp://[redacted]@host/x": unknown scheme "ftp" (expected file, git+file, git+http(s), git+ssh, s3, http or https)`),
	)
})
