package verify_test

import (
	"io"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

var _ = Describe("Digests", func() {
	feed := func(d *verify.Digests, text string) {
		for _, w := range d.Writers() {
			_, err := io.WriteString(w, text)
			Expect(err).NotTo(HaveOccurred())
		}
	}

	It("lists one hex digest per algorithm, in their order", func() {
		d := verify.NewDigests(verify.Algorithms())
		Expect(d.Writers()).To(HaveLen(4))
		feed(d, "abc")
		Expect(d.Sums()).To(Equal([]metalink.Hash{
			{Type: "sha-512", Hash: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
			{Type: "sha-256", Hash: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
			{Type: "sha-1", Hash: "a9993e364706816aba3e25717850c26c9cd0d89d"},
			{Type: "md5", Hash: "900150983cd24fb0d6963f7d28e17f72"},
		}))
	})

	It("starts over after Reset", func() {
		d := verify.NewDigests(verify.Algorithms()[3:])
		feed(d, "partial")
		d.Reset()
		feed(d, "abc")
		Expect(d.Sums()).To(Equal([]metalink.Hash{{Type: "md5", Hash: "900150983cd24fb0d6963f7d28e17f72"}}))
	})
})
