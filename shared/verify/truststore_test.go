package verify_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/armored"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

var _ = Describe("parsing a signature trust store", func() {
	It("reads every armored block, ed25519 and RSA keys alike", func() {
		store := "keys of the release team\n" + armored.PublicKey(edKey) + "\nand one more:\n" + armored.PublicKey(rsaKey)
		keys, err := verify.ParseTrustStore(store)
		Expect(err).NotTo(HaveOccurred())
		Expect(keys).To(HaveLen(2))
		Expect(keys[0].PrimaryKey.KeyId).To(Equal(edKey.PrimaryKey.KeyId))
		Expect(keys[1].PrimaryKey.KeyId).To(Equal(rsaKey.PrimaryKey.KeyId))
	})

	It("reads blocks pasted without a line break between them", func() {
		keys, err := verify.ParseTrustStore(strings.TrimSpace(armored.PublicKey(edKey)) + armored.PublicKey(rsaKey))
		Expect(err).NotTo(HaveOccurred())
		Expect(keys).To(HaveLen(2))
	})

	It("reads keys written with CRLF line ends", func() {
		keys, err := verify.ParseTrustStore(strings.ReplaceAll(armored.PublicKey(edKey), "\n", "\r\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(keys).To(HaveLen(1))
	})

	DescribeTable("rejects what is not a set of public keys",
		func(store func() string, message string) {
			_, err := verify.ParseTrustStore(store())
			Expect(err).To(MatchError(HavePrefix(message)))
		},
		Entry("empty", func() string { return "" }, "no ASCII-armored public key block"),
		Entry("not armored", func() string { return "mQINBF...binary-ish" }, "no ASCII-armored public key block"),
		Entry("unterminated", func() string { return strings.Split(armored.PublicKey(edKey), "-----END")[0] }, "block 1 has no END line"),
		Entry("a second block unterminated", func() string {
			return armored.PublicKey(edKey) + strings.Split(armored.PublicKey(rsaKey), "-----END")[0]
		}, "block 2 has no END line"),
		Entry("a private key", func() string { return armoredPrivateKey(edKey) }, "block 1 is a private key; give public keys only"),
		Entry("a signature", func() string { return detachedSignature(edKey, []byte("x")) }, "block 1: openpgp: invalid argument: expected public or private key block"),
		Entry("corrupt base64", func() string {
			return "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----\n"
		}, "block 1:"),
	)
})
