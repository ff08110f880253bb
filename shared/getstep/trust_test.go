package getstep_test

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/sigstoretest"
)

var _ = Describe("the signature trust in source", func() {
	var trustedRoot string

	BeforeEach(func() {
		store, err := sigstoretest.New()
		Expect(err).NotTo(HaveOccurred())
		trustedRoot, err = store.TrustedRoot(true)
		Expect(err).NotTo(HaveOccurred())
	})

	compile := func(source string) (getstep.Settings, error) {
		var req getstep.InRequest[getstep.Source]
		if err := strictjson.Decode([]byte(`{"source":`+source+`,"version":{"version":"1"}}`), "", &req); err != nil {
			return getstep.Settings{}, err
		}
		return req.Source.Compile(io.Discard)
	}
	quoted := func(s string) string {
		text, err := json.Marshal(s)
		Expect(err).NotTo(HaveOccurred())
		return string(text)
	}
	identity := `"identities":[{"issuer":"https://token.actions.githubusercontent.com","subject_regexp":"^https://github.com/acme/"}]`

	DescribeTable("takes the trusted root inline, as a string of JSON or from a file",
		func(trustedRootValue func(dir string) string) {
			settings, err := compile(`{"sigstore":{"trusted_root":` + trustedRootValue(GinkgoT().TempDir()) + `,` + identity + `}}`)
			Expect(err).NotTo(HaveOccurred())
			Expect(settings.Verify.Trust.Sigstore).NotTo(BeNil())
		},
		Entry("an object", func(string) string { return trustedRoot }),
		Entry("a string of JSON", func(string) string { return quoted(trustedRoot) }),
		Entry("a file", func(dir string) string {
			path := filepath.Join(dir, "trusted_root.json")
			Expect(os.WriteFile(path, []byte(trustedRoot), 0o600)).To(Succeed())
			return quoted(path)
		}),
	)

	DescribeTable("names the key at fault",
		func(source func() string, message string) {
			_, err := compile(source())
			Expect(err).To(MatchError(HavePrefix(message)))
		},
		Entry("an unknown sigstore key", func() string { return `{"sigstore":{"trusted_roots":"x"}}` },
			`unknown key "source.sigstore.trusted_roots"`),
		Entry("an unknown identity key", func() string { return `{"sigstore":{"identities":[{"issuer":"i","subjct":"s"}]}}` },
			`unknown key "source.sigstore.identities[0].subjct"`),
		Entry("no trusted root", func() string { return `{"sigstore":{` + identity + `}}` },
			"source.sigstore.trusted_root is required"),
		Entry("a trusted root file that is not there", func() string { return `{"sigstore":{"trusted_root":"/nowhere/root.json",` + identity + `}}` },
			"source.sigstore.trusted_root: neither the trusted root's JSON nor a file that holds it: open /nowhere/root.json"),
		Entry("a trusted root that is not one", func() string { return `{"sigstore":{"trusted_root":{"a":1},` + identity + `}}` },
			"source.sigstore.trusted_root: "),
		Entry("nobody to trust", func() string { return `{"sigstore":{"trusted_root":` + trustedRoot + `}}` },
			"source.sigstore.give identities, public_keys or both"),
		Entry("a bad subject regexp", func() string {
			return `{"sigstore":{"trusted_root":` + trustedRoot + `,"identities":[{"issuer":"i","subject":"s"},{"issuer":"i","subject_regexp":"("}]}}`
		}, "source.sigstore.identities[1].subject_regexp: error parsing regexp"),
		Entry("a minisign key", func() string { return `{"minisign_public_keys":"RWQnot-a-key"}` },
			"source.minisign_public_keys: line 1: minisign: invalid public key"),
		Entry("an allowed signer", func() string { return `{"ssh_allowed_signers":"release@acme.example"}` },
			"source.ssh_allowed_signers: line 1: expected principals, then a key"),
		Entry("a list where text belongs", func() string { return `{"ssh_allowed_signers":["a"]}` },
			"source.ssh_allowed_signers: expected a string, got a list"),
	)
})
