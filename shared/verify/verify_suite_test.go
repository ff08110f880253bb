package verify_test

import (
	"bytes"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestVerify(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Verify Suite")
}

// Keys are generated once per suite process: RSA generation is slow.
var edKey, rsaKey, strangerKey *openpgp.Entity

var _ = BeforeSuite(func() {
	edKey = newKey("Ed Signer", packet.PubKeyAlgoEdDSA)
	rsaKey = newKey("Rsa Signer", packet.PubKeyAlgoRSA)
	strangerKey = newKey("Stranger", packet.PubKeyAlgoEdDSA)
})

func newKey(name string, algorithm packet.PublicKeyAlgorithm) *openpgp.Entity {
	key, err := openpgp.NewEntity(name, "", "signer@example.com", &packet.Config{Algorithm: algorithm, RSABits: 2048})
	Expect(err).NotTo(HaveOccurred())
	return key
}

func armoredPrivateKey(key *openpgp.Entity) string {
	var out bytes.Buffer
	w, err := armor.Encode(&out, openpgp.PrivateKeyType, nil)
	Expect(err).NotTo(HaveOccurred())
	Expect(key.SerializePrivate(w, nil)).To(Succeed())
	Expect(w.Close()).To(Succeed())
	return out.String()
}

func detachedSignature(key *openpgp.Entity, data []byte) string {
	var out bytes.Buffer
	Expect(openpgp.ArmoredDetachSign(&out, key, bytes.NewReader(data), nil)).To(Succeed())
	return out.String()
}
