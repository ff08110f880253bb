package meta4repocmd_test

import (
	"crypto/rand"
	"path/filepath"
	"strings"

	"aead.dev/minisign"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
)

var _ = Describe("meta4-repo verify --deep with a trust flag", func() {
	It("checks each copy's signatures too, and names one of another file", func() {
		content := "signed app"
		pub, priv, err := minisign.GenerateKey(rand.Reader)
		Expect(err).NotTo(HaveOccurred())
		sign := func(comment string) metalink.Signature {
			r := minisign.NewReader(strings.NewReader(content))
			_, _ = r.Read(make([]byte, 64))
			return metalink.Signature{MediaType: metalink.SignatureMinisign, Signature: string(r.SignWithComments(priv, comment, "x"))}
		}
		dir := GinkgoT().TempDir()
		filetree.Write(filepath.Join(dir, "copies", "app.tgz"), content)
		filetree.Write(filepath.Join(dir, "minisign.pub"), pub.String()+"\n")
		doc := func(version, comment string) string {
			m := metalink.Metalink{Files: []metalink.File{{
				Name: "app.tgz", Version: version, Size: uint64(len(content)),
				Hashes:     []metalink.Hash{{Type: "sha-256", Hash: sha256Of([]byte(content))}},
				URLs:       []metalink.URL{{URL: "file://" + filepath.Join(dir, "copies", "app.tgz")}},
				Signatures: []metalink.Signature{sign(comment)},
			}}}
			data, err := metalink.MarshalXML(m)
			Expect(err).NotTo(HaveOccurred())
			return string(data)
		}
		filetree.Write(filepath.Join(dir, "repo", "v1.meta4"), doc("1", "timestamp:1\tfile:app.tgz"))
		repo := "file://" + filepath.Join(dir, "repo")

		r := verifyInProcess("--deep", "--minisign-public-keys", filepath.Join(dir, "minisign.pub"), repo)
		Expect(r.code).To(Equal(0), r.stderr)

		filetree.Write(filepath.Join(dir, "repo", "v2.meta4"), doc("2", "timestamp:1\tfile:app-0.9.tgz"))
		r = verifyInProcess("--deep", "--minisign-public-keys", filepath.Join(dir, "minisign.pub"), repo)
		Expect(r.code).To(Equal(1))
		Expect(r.stdout).To(ContainSubstring(`v2.meta4 app.tgz: mirror file://` + filepath.Join(dir, "copies", "app.tgz") +
			`: minisign signature by key`))
		Expect(r.stdout).To(ContainSubstring(`is for file "app-0.9.tgz", not "app.tgz"`))

		r = verifyInProcess("--minisign-public-keys", filepath.Join(dir, "minisign.pub"), repo)
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("the trust flags check the signatures of downloaded copies: give --deep too"))
	})
})
