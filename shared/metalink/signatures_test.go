package metalink_test

import (
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

var _ = Describe("several signatures per file", func() {
	signed := func() metalink.Metalink {
		return metalink.Metalink{Files: []metalink.File{{
			Name: "tool.tgz",
			Signatures: []metalink.Signature{
				{MediaType: metalink.SignaturePGP, Signature: "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n"},
				{MediaType: metalink.SignatureMinisign, Signature: "untrusted comment: x\nRWQ\n"},
				{MediaType: metalink.SignatureSigstore, Signature: `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`},
			},
			URLs: []metalink.URL{{URL: "https://example.com/tool.tgz"}},
		}}}
	}

	It("writes the first as RFC 5854's element and the others in our namespace", func() {
		written, err := metalink.MarshalXML(signed())
		Expect(err).NotTo(HaveOccurred())
		Expect(string(written)).To(ContainSubstring(`<signature mediatype="application/pgp-signature">`))
		Expect(string(written)).To(ContainSubstring(`<signature xmlns="` + metalink.NamespaceSignatures + `" mediatype="application/x-minisign">`))
		Expect(mustParse(written)).To(Equal(signed()))
	})

	It("reads extension signatures under any prefix, and no other namespace's", func() {
		m := mustParse([]byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink" xmlns:s="` + metalink.NamespaceSignatures + `" xmlns:o="urn:other">` +
			`<file name="a"><s:signature mediatype="application/x-minisign">one</s:signature><o:signature mediatype="m">no</o:signature>` +
			`<s:signature mediatype="application/x-ssh-signature">two</s:signature></file></metalink>`))
		Expect(m.Files[0].Signatures).To(Equal([]metalink.Signature{
			{MediaType: metalink.SignatureMinisign, Signature: "one"},
			{MediaType: metalink.SignatureSSH, Signature: "two"},
		}))
	})

	It("round-trips through JSON under signatures, and still reads the single signature key first", func() {
		written, err := metalink.MarshalJSON(signed())
		Expect(err).NotTo(HaveOccurred())
		Expect(mustParse(written)).To(Equal(signed()))
		m := mustParse([]byte(`{"files":[{"name":"a","signature":{"mediatype":"application/pgp-signature","signature":"p"},` +
			`"signatures":[{"mediatype":"application/x-minisign","signature":"m"}]}]}`))
		Expect(m.Files[0].Signatures).To(Equal([]metalink.Signature{
			{MediaType: metalink.SignaturePGP, Signature: "p"},
			{MediaType: metalink.SignatureMinisign, Signature: "m"},
		}))
	})

	It("leaves a document that aria2c reads", func() {
		written, err := metalink.MarshalXML(signed())
		Expect(err).NotTo(HaveOccurred())
		path := filepath.Join(GinkgoT().TempDir(), "tool.meta4")
		Expect(os.WriteFile(path, written, 0o600)).To(Succeed())
		out, err := exec.Command("aria2c", "--show-files", path).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("tool.tgz"))
	})

	DescribeTable("knows every signature kind by its media type",
		func(mediaType string, kind metalink.SignatureKind) {
			Expect(metalink.Signature{MediaType: mediaType}.Kind()).To(Equal(kind))
		},
		Entry("OpenPGP", "application/pgp-signature", metalink.KindPGP),
		Entry("a Sigstore v0.3 bundle", "application/vnd.dev.sigstore.bundle.v0.3+json", metalink.KindSigstore),
		Entry("a Sigstore v0.1 bundle, spaced", "application/vnd.dev.sigstore.bundle+json; version=0.1", metalink.KindSigstore),
		Entry("minisign", "APPLICATION/X-MINISIGN", metalink.KindMinisign),
		Entry("SSH", "application/x-ssh-signature", metalink.KindSSH),
	)

	It("names an unknown media type and the known ones", func() {
		_, err := metalink.Signature{MediaType: "application/pkcs7-signature"}.Kind()
		Expect(err).To(MatchError(And(ContainSubstring(`unsupported signature type "application/pkcs7-signature"`), ContainSubstring("application/x-minisign"))))
	})

	It("adds a signature once", func() {
		f := metalink.File{Name: "a"}
		f.AddSignature(metalink.Signature{MediaType: metalink.SignatureSSH, Signature: "s"})
		f.AddSignature(metalink.Signature{MediaType: "Application/X-SSH-Signature", Signature: "s"})
		f.AddSignature(metalink.Signature{MediaType: metalink.SignatureSSH, Signature: "t"})
		Expect(f.Signatures).To(HaveLen(2))
	})
})
