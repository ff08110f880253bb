package gitrepo

import (
	"encoding/json"

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

var _ = Describe("decodeOptions", func() {
	It("fills the defaults of the original resource", func() {
		s, err := decodeOptions(repotest.Options(nil))

		Expect(err).NotTo(HaveOccurred())
		Expect(withoutNames(s)).To(Equal(settings{
			authorName: "metalink-repository", authorEmail: "metalink-repository@localhost",
			committerName: "metalink-repository", committerEmail: "metalink-repository@localhost",
			rebase: 3,
		}))
	})

	DescribeTable("writes options.message, else the put's summary, else the original's message",
		func(message, summary, want string) {
			s, err := decodeOptions(repotest.Options(map[string]any{"message": message}))
			Expect(err).NotTo(HaveOccurred())
			Expect(s.commitMessage(summary)).To(Equal(want))
		},
		Entry("a message", "publish", "golang.org: v1.21.1 (3 files)", "publish"),
		Entry("no message", "", "golang.org: v1.21.1 (3 files)", "golang.org: v1.21.1 (3 files)"),
		Entry("neither", "", "", "update metalink"),
	)

	It("takes every documented key", func() {
		s, err := decodeOptions(repotest.Options(map[string]any{
			"private_key": "KEY", "private_key_passphrase": "PASS", "known_hosts": "HOSTS",
			"username": "u", "password": "p",
			"author_name": "Ann", "author_email": "ann@x", "committer_name": "Cid", "committer_email": "cid@x",
			"message": "publish", "rebase": "5",
		}))

		Expect(err).NotTo(HaveOccurred())
		Expect(withoutNames(s)).To(Equal(settings{
			privateKey: "KEY", privateKeyPassphrase: "PASS", knownHosts: "HOSTS", username: "u", password: "p",
			authorName: "Ann", authorEmail: "ann@x", committerName: "Cid", committerEmail: "cid@x",
			message: "publish", rebase: 5, secrets: []string{"KEY", "PASS", "p"},
		}))
	})

	It("keeps the default identity when a value is empty", func() {
		s, err := decodeOptions(repotest.Options(map[string]any{"author_name": "", "message": ""}))

		Expect(err).NotTo(HaveOccurred())
		Expect(s.authorName).To(Equal("metalink-repository"))
		Expect(s.commitMessage("")).To(Equal("update metalink"))
	})

	It("names the layer a bad rebase was written in", func() {
		_, err := decodeOptions(&repository.Options{Layers: []repository.Layer{
			{Path: "source.options", JSON: []byte(`{"rebase": 2}`)},
			{Path: "params.options", JSON: []byte(`{"rebase": "often"}`)},
		}})
		Expect(err).To(MatchError(`params.options.rebase: "often" is not a whole number (a number of retries)`))
	})

	DescribeTable("reads rebase written as a number or a string",
		func(value any, want int) {
			s, err := decodeOptions(repotest.Options(map[string]any{"rebase": value}))
			Expect(err).NotTo(HaveOccurred())
			Expect(s.rebase).To(Equal(want))
		},
		Entry("a JSON number", float64(7), 7),
		Entry("a json.Number", json.Number("2"), 2),
		Entry("a string", "4", 4),
		Entry("a padded string", " 1 ", 1),
		Entry("zero: no retry", "0", 0),
		Entry("an int", 6, 6),
	)

	DescribeTable("rejects bad options, naming the key",
		func(options map[string]any, message string) {
			_, err := decodeOptions(repotest.Options(options))
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("an unknown key", map[string]any{"branch": "main"}, `unknown key "source.options.branch"`),
		Entry("a number where a string belongs", map[string]any{"username": 5.0}, "source.options.username: expected a string, got a number"),
		Entry("a bool where a string belongs", map[string]any{"private_key": true}, "source.options.private_key: expected a string, got a boolean"),
		Entry("a negative rebase", map[string]any{"rebase": -1.0}, "options.rebase"),
		Entry("a fractional rebase", map[string]any{"rebase": 1.5}, "options.rebase"),
		Entry("a word for rebase", map[string]any{"rebase": "true"}, "options.rebase"),
		Entry("a bool for rebase", map[string]any{"rebase": true}, "source.options.rebase: expected a number or a string, got a boolean"),
	)
})
