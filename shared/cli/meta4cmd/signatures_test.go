package meta4cmd_test

import (
	"crypto/rand"
	"encoding/json"
	"os/exec"
	"strings"

	"aead.dev/minisign"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/sigstoretest"
)

var _ = Describe("file-verify with minisign, SSH and Sigstore signatures", func() {
	const signer = "release@acme.example"

	// signedRelease is app.tgz with a signature of each kind, and the files
	// that trust their signers.
	signedRelease := func() clitest.Tool {
		tool := describedRelease()
		pub, priv, err := minisign.GenerateKey(rand.Reader)
		Expect(err).NotTo(HaveOccurred())
		r := minisign.NewReader(strings.NewReader(releaseFile))
		_, _ = r.Read(make([]byte, len(releaseFile)+1))
		filetree.Write(at(tool, "app.tgz.minisig"), string(r.SignWithComments(priv, "timestamp:1\tfile:app.tgz\thashed", "x")))
		pubText, err := pub.MarshalText()
		Expect(err).NotTo(HaveOccurred())
		filetree.Write(at(tool, "minisign.pub"), string(pubText))
		tool.Succeed("file-set-signature", "application/x-minisign", "app.tgz.minisig")

		for _, args := range [][]string{
			{"-q", "-t", "ed25519", "-N", "", "-f", at(tool, "ssh-key")},
			{"-Y", "sign", "-f", at(tool, "ssh-key"), "-n", "file", at(tool, "build/app.tgz")},
		} {
			out, err := exec.Command("ssh-keygen", args...).CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(out))
		}
		filetree.Write(at(tool, "allowed_signers"), signer+" "+filetree.Read(at(tool, "ssh-key.pub")))
		tool.Succeed("file-set-signature", "--add", "application/x-ssh-signature", "build/app.tgz.sig")

		store, err := sigstoretest.New()
		Expect(err).NotTo(HaveOccurred())
		bundle, err := store.Attest(signer, "app.tgz", []byte(releaseFile))
		Expect(err).NotTo(HaveOccurred())
		filetree.Write(at(tool, "app.tgz.sigstore.json"), bundle)
		tool.Succeed("file-set-signature", "--add", "application/vnd.dev.sigstore.bundle.v0.3+json", "app.tgz.sigstore.json")
		root, err := store.TrustedRoot(true)
		Expect(err).NotTo(HaveOccurred())
		filetree.Write(at(tool, "trusted_root.json"), root)
		policy, err := json.Marshal(map[string]any{
			"trusted_root": at(tool, "trusted_root.json"),
			"identities":   []map[string]string{{"issuer": sigstoretest.Issuer, "subject": signer}},
		})
		Expect(err).NotTo(HaveOccurred())
		filetree.Write(at(tool, "sigstore.json"), string(policy))
		return tool
	}

	It("checks every signature against the trust of its kind and says what each proved", func() {
		tool := signedRelease()
		r := tool.Run("file-verify", "--minisign-public-keys", "minisign.pub", "--ssh-allowed-signers", "allowed_signers",
			"--sigstore", "sigstore.json", "build/app.tgz")
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stderr).To(ContainSubstring("app.tgz: minisign signature by key "))
		Expect(r.Stderr).To(MatchRegexp(`app.tgz: ssh signature by release@acme.example \(SHA256:\S+, namespace file\) ok`))
		Expect(r.Stderr).To(ContainSubstring("app.tgz: sigstore attestation by release@acme.example (issuer " + sigstoretest.Issuer + ", log index 0) ok"))
	})

	It("fails a signature whose kind has no trust, naming the flag, unless skipped", func() {
		tool := signedRelease()
		Expect(tool.Fail("file-verify", "--minisign-public-keys", "minisign.pub", "--ssh-allowed-signers", "allowed_signers", "build/app.tgz")).To(Equal(
			"meta4 file-verify: verify app.tgz: signature 3 of 3: the file has a sigstore signature but no --sigstore is configured; configure it or set --skip-signature-verification"))
		tool.Succeed("file-verify", "--skip-signature-verification", "build/app.tgz")
	})

	It("decodes --sigstore strictly", func() {
		tool := signedRelease()
		filetree.Write(at(tool, "bad.json"), `{"trusted_root":"trusted_root.json","identity":[]}`)
		Expect(tool.Fail("file-verify", "--sigstore", "bad.json", "build/app.tgz")).To(Equal(
			`meta4 file-verify: --sigstore bad.json: unknown key "identity"`))
	})
})
