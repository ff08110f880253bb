// Package armored writes OpenPGP keys in the ASCII-armored form trust stores
// are given in.
package armored

import (
	"bytes"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
)

// PublicKey is key's public part, armored.
func PublicKey(key *openpgp.Entity) string {
	ginkgo.GinkgoHelper()
	var out bytes.Buffer
	w, err := armor.Encode(&out, openpgp.PublicKeyType, nil)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	gomega.Expect(key.Serialize(w)).To(gomega.Succeed())
	gomega.Expect(w.Close()).To(gomega.Succeed())
	return out.String()
}
