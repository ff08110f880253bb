package gitrepo_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

var _ = Describe("History", func() {
	It("gives each document at the tip the commits that changed it, newest first, with their trailers", func() {
		root := GinkgoT().TempDir()
		repo := gitserver.NewRepo(GinkgoT(), root, "org/metalinks.git")
		first := repo.WriteFiles(GinkgoT(), "app 1.0", map[string]string{"app/v1.0.meta4": meta4("1.0"), "gone.meta4": meta4("0.1")})
		repo.WriteFiles(GinkgoT(), "app 2.0", map[string]string{"app/v2.0.meta4": meta4("2.0")})
		repo.DeleteFiles(GinkgoT(), "drop 0.1", "gone.meta4")
		last := repo.WriteFiles(GinkgoT(), "app 1.0: a mirror copy\n\nMirrored-by: https://ci.example.com/builds/42",
			map[string]string{"app/v1.0.meta4": meta4("1.0") + "\n"})
		srv := gitserver.StartHTTP(GinkgoT(), root, "ci", "s3cret-pass")

		r := newClient().open("git+"+srv.RepoURL(repo)+"//app", gitrepo.Options{Username: "ci", Password: "s3cret-pass"})
		history, err := r.(repository.Historian).History(context.Background())

		Expect(err).NotTo(HaveOccurred())
		Expect(history).To(HaveLen(2))
		v1 := history["v1.0.meta4"]
		Expect(v1).To(HaveLen(2))
		Expect(v1[0].ID).To(Equal(last))
		Expect(v1[0].Summary).To(Equal("app 1.0: a mirror copy"))
		Expect(v1[0].Trailers).To(Equal([]repository.Trailer{{Key: "Mirrored-by", Value: "https://ci.example.com/builds/42"}}))
		Expect(v1[0].Author).NotTo(BeEmpty())
		Expect(v1[0].When.IsZero()).To(BeFalse())
		Expect(v1[1].ID).To(Equal(first))
		Expect(v1[1].Trailers).To(BeEmpty())
		Expect(history["v2.0.meta4"]).To(HaveLen(1))
		Expect(history["v2.0.meta4"][0].Summary).To(Equal("app 2.0"))
	})

	It("is empty for an empty repository", func() {
		repo := gitserver.NewRepo(GinkgoT(), GinkgoT().TempDir(), "empty.git")

		history, err := newClient().open("git+"+repo.FileURL(), gitrepo.Options{}).(repository.Historian).History(context.Background())

		Expect(err).NotTo(HaveOccurred())
		Expect(history).To(BeEmpty())
	})
})
