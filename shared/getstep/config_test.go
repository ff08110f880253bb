package getstep_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

var _ = Describe("Source.Compile", func() {
	It("builds the file selection, the router and the verification once", func() {
		settings, err := getstep.Source{
			IncludeFiles: []string{"*.tgz"}, ExcludeFiles: []string{"*-debug.tgz"}, SkipSignatureVerification: true,
			URLHandlers: []urlhandlers.Config{{Type: "s3"}},
		}.Compile()
		Expect(err).NotTo(HaveOccurred())
		settings, err = settings.WithParams(getstep.Params{IncludeFiles: []string{"app-*"}})
		Expect(err).NotTo(HaveOccurred())

		Expect(settings.Files.Selected("app-1.tgz")).To(BeTrue())
		Expect(settings.Files.Selected("app-1-debug.tgz")).To(BeFalse())
		Expect(settings.Files.Selected("lib-1.tgz")).To(BeFalse())
		Expect(settings.Verify.SkipSignature).To(BeTrue())
		Expect(settings.Handlers.Router().Handles("s3://host/bucket/key")).To(BeTrue())
	})

	DescribeTable("names the key at fault",
		func(src getstep.Source, params getstep.Params, want string) {
			settings, err := src.Compile()
			if err == nil {
				_, err = settings.WithParams(params)
			}
			Expect(err).To(MatchError(want))
		},
		Entry("a source include glob", getstep.Source{IncludeFiles: []string{"["}}, getstep.Params{},
			`source.include_files[0]: bad pattern "[": syntax error in pattern`),
		Entry("a source exclude glob", getstep.Source{ExcludeFiles: []string{"ok", "[a-"}}, getstep.Params{},
			`source.exclude_files[1]: bad pattern "[a-": syntax error in pattern`),
		Entry("a params include glob", getstep.Source{}, getstep.Params{IncludeFiles: []string{"["}},
			`params.include_files[0]: bad pattern "[": syntax error in pattern`),
		Entry("a trust store", getstep.Source{SignatureTrustStore: "/etc/keyring.gpg"}, getstep.Params{},
			"source.signature_trust_store: no ASCII-armored public key block (-----BEGIN PGP PUBLIC KEY BLOCK-----) found"),
		Entry("a url handler", getstep.Source{URLHandlers: []urlhandlers.Config{{Type: "gcs"}}}, getstep.Params{},
			`source.url_handlers[0].type: unknown type "gcs" (expected s3)`),
	)
})
