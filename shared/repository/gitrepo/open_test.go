package gitrepo_test

import (
	"bytes"

	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

var _ = Describe("Open", func() {
	var env repository.Env

	BeforeEach(func() {
		env = repository.Env{TempDir: GinkgoT().TempDir(), Stderr: &bytes.Buffer{}}
	})

	open := func(uri string, options gitrepo.Options) error {
		_, err := repotest.Open(env)(gitrepo.Configure(uri, options, repotest.Names))
		return err
	}

	It("does not print the password of a uri it cannot parse", func() {
		err := open("git+https://ci:hunter2-s3cret@host:bad/x.git", gitrepo.Options{})

		Expect(err).To(MatchError(ContainSubstring("invalid port")))
		Expect(err.Error()).NotTo(ContainSubstring("hunter2-s3cret"))
	})

	It("does not print a password with an unencoded slash, where the parser stops reading userinfo", func() {
		err := open("git+https://ci:hunter2/s3cret@host/x.git", gitrepo.Options{})

		Expect(err).To(MatchError(ContainSubstring("invalid port")))
		Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
	})

	It("needs a private key for ssh", func() {
		Expect(open("git+ssh://git@host/x.git", gitrepo.Options{})).To(MatchError(ContainSubstring("source.options.private_key is required for git+ssh")))
	})

	It("rejects a private key it cannot read, without printing it", func() {
		err := open("git+ssh://git@host/x.git", gitrepo.Options{PrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END OPENSSH PRIVATE KEY-----\n"})

		Expect(err).To(MatchError(ContainSubstring("options.private_key")))
		Expect(err.Error()).NotTo(ContainSubstring("bm90IGEga2V5IGF0IGFsbA=="))
	})

	It("rejects a wrong passphrase, without printing it", func() {
		key := gitserver.NewKeyWithPassphrase(GinkgoT(), "right-phrase")

		err := open("git+ssh://git@host/x.git", gitrepo.Options{PrivateKey: key.PrivatePEM, PrivateKeyPassphrase: "wrong-phrase"})

		Expect(err).To(MatchError(ContainSubstring("options.private_key")))
		Expect(err.Error()).NotTo(ContainSubstring("wrong-phrase"))
	})

	It("does not contact the remote", func() {
		Expect(open("git+https://unreachable.invalid/x.git", gitrepo.Options{})).To(Succeed())
	})
})
