package integration_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

var _ = Describe("in with digests as other ecosystems write them", func() {
	var (
		dir, dest string
		content   []byte
		m         *mirrors
	)

	BeforeEach(func() {
		dir, dest = GinkgoT().TempDir(), GinkgoT().TempDir()
		content = patterned(100_000, 7)
		m = newMirrors(map[string][]byte{"app.tgz": content})
	})

	// getting is an in request whose metalink_get prints app.tgz with hash
	// written as given, and no type.
	getting := func(hash string) map[string]any {
		doc := metalink.Metalink{Files: []metalink.File{{
			Name: "app.tgz", Size: uint64(len(content)), Version: "1.0.0",
			Hashes: []metalink.Hash{{Hash: hash}}, URLs: []metalink.URL{{URL: m.url("good", "app.tgz")}},
		}}}
		return map[string]any{
			"source":  map[string]any{"version_check": "echo 1.0.0", "metalink_get": catScript(dir, doc)},
			"version": map[string]any{"version": "1.0.0"},
		}
	}
	// sum is content's sha-256, once BeforeEach has made it.
	sum := func() []byte { s := sha256.Sum256(content); return s[:] }

	DescribeTable("verifies the download by them",
		func(hash func() string) {
			r := execute(bin.In, getting(hash()), dest)
			Expect(r.code).To(Equal(0), r.output)
			Expect(r.stderr).To(ContainSubstring("app.tgz: sha-256 ok"))
			Expect(os.ReadFile(filepath.Join(dest, "app.tgz"))).To(Equal(content))
		},
		Entry("a Subresource Integrity string", func() string { return "sha256-" + base64.StdEncoding.EncodeToString(sum()) }),
		Entry("a sha256: digest", func() string { return "sha256:" + hex.EncodeToString(sum()) }),
	)

	It("refuses a download whose SRI string is wrong, leaving nothing under the final name", func() {
		wrong := sha256.Sum256([]byte("something else"))
		r := execute(bin.In, getting("sha256-"+base64.StdEncoding.EncodeToString(wrong[:])), dest)
		Expect(r.code).To(Equal(1))
		Expect(r.stderr).To(ContainSubstring("sha-256 mismatch: expected " + hex.EncodeToString(wrong[:]) + ", got " + hex.EncodeToString(sum())))
		Expect(filepath.Join(dest, "app.tgz")).NotTo(BeAnExistingFile())
	})
})
