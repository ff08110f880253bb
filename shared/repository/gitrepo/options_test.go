package gitrepo

import (
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// withoutNames checks that s names its fields as the options said and
// leaves the names out, which Equal cannot compare.
func withoutNames(s settings) settings {
	GinkgoHelper()
	Expect(s.names.Of("options.known_hosts")).To(Equal("source.options.known_hosts"))
	s.names = nil
	return s
}

var _ = Describe("newSettings", func() {
	It("fills the defaults of the original resource", func() {
		s := newSettings(Options{}, repotest.Names)

		Expect(withoutNames(s)).To(Equal(settings{
			authorName: "metalink-repository", authorEmail: "metalink-repository@localhost",
			committerName: "metalink-repository", committerEmail: "metalink-repository@localhost",
			rebase: 3,
		}))
	})

	DescribeTable("writes options.message, else the put's summary, else the original's message",
		func(message, summary, want string) {
			s := newSettings(Options{Message: message}, repotest.Names)
			Expect(s.commitMessage(summary, nil)).To(Equal(want))
		},
		Entry("a message", "publish", "golang.org: v1.21.1 (3 files)", "publish"),
		Entry("no message", "", "golang.org: v1.21.1 (3 files)", "golang.org: v1.21.1 (3 files)"),
		Entry("neither", "", "", "update metalink"),
	)

	It("ends the message with the put's trailers, after a blank line", func() {
		s := newSettings(Options{Message: "publish\n"}, repotest.Names)
		trailers := []repository.Trailer{{Key: "Mirrored-by", Value: "https://ci.example.com/builds/42"}}

		Expect(s.commitMessage("", trailers)).To(Equal("publish\n\nMirrored-by: https://ci.example.com/builds/42\n"))
	})

	It("takes every option, and knows the secret ones", func() {
		five, zero := uint(5), uint(0)
		s := newSettings(Options{
			PrivateKey: "KEY", PrivateKeyPassphrase: "PASS", KnownHosts: "HOSTS",
			Username: "u", Password: "p",
			AuthorName: "Ann", AuthorEmail: "ann@x", CommitterName: "Cid", CommitterEmail: "cid@x",
			Message: "publish", Rebase: &five,
		}, repotest.Names)

		Expect(withoutNames(s)).To(Equal(settings{
			privateKey: "KEY", privateKeyPassphrase: "PASS", knownHosts: "HOSTS", username: "u", password: "p",
			authorName: "Ann", authorEmail: "ann@x", committerName: "Cid", committerEmail: "cid@x",
			message: "publish", rebase: 5, secrets: []string{"KEY", "PASS", "p"},
		}))
		Expect(newSettings(Options{Rebase: &zero}, repotest.Names).rebase).To(Equal(0), "zero: no retry")
	})

	It("keeps the default identity when a value is empty", func() {
		s := newSettings(Options{AuthorName: " ", Message: ""}, repotest.Names)

		Expect(s.authorName).To(Equal("metalink-repository"))
		Expect(s.commitMessage("", nil)).To(Equal("update metalink"))
	})
})
