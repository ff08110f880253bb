package metalink_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
)

var _ = Describe("editing a file", func() {
	var f metalink.File
	priority := func(p uint) *uint { return &p }

	BeforeEach(func() {
		f = metalink.File{Name: "app.tgz", Hashes: []metalink.Hash{{Type: " SHA-256 ", Hash: "AB"}}}
	})

	Describe("hashes", func() {
		It("finds a hash whatever the case and space of its stored type", func() {
			Expect(f.HashIndex("sha-256")).To(Equal(0))
			Expect(f.HashIndex("md5")).To(Equal(-1))
		})

		It("replaces the hash of the same type and adds a new type", func() {
			f.SetHash(metalink.Hash{Type: "sha-256", Hash: "cd"})
			f.SetHash(metalink.Hash{Type: "md5", Hash: "ef"})
			Expect(f.Hashes).To(Equal([]metalink.Hash{{Type: "sha-256", Hash: "cd"}, {Type: "md5", Hash: "ef"}}))
		})
	})

	Describe("adding facts", func() {
		It("records a size and hashes that agree with what the file holds", func() {
			Expect(f.AddFacts(3, []metalink.Hash{{Type: "sha-256", Hash: "ab"}, {Type: "md5", Hash: "ef"}})).To(Succeed())
			Expect(f.Size).To(BeEquivalentTo(3))
			Expect(f.Hashes).To(Equal([]metalink.Hash{{Type: "sha-256", Hash: "ab"}, {Type: "md5", Hash: "ef"}}))
		})

		It("keeps the size when the source does not know it", func() {
			f.Size = 7
			Expect(f.AddFacts(0, nil)).To(Succeed())
			Expect(f.Size).To(BeEquivalentTo(7))
		})

		It("refuses a size that contradicts the file's", func() {
			f.Size = 7
			Expect(f.AddFacts(3, nil)).To(MatchError("app.tgz: the document says 7 bytes, the source 3"))
		})

		It("refuses a hash that contradicts the file's", func() {
			err := f.AddFacts(0, []metalink.Hash{{Type: "sha-256", Hash: "cd"}})
			Expect(err).To(MatchError("app.tgz: the document's sha-256 is AB, the source's cd"))
			Expect(f.Hashes[0].Hash).To(Equal("AB"))
		})
	})

	Describe("URLs", func() {
		BeforeEach(func() {
			f.URLs = []metalink.URL{{URL: "https://a/app.tgz"}, {URL: "https://b/app.tgz", Location: "de"}}
		})

		It("sets a URL last, replacing the entry of the same URL", func() {
			f.SetURL(metalink.URL{URL: "https://a/app.tgz", Priority: priority(1)})
			Expect(f.URLs).To(Equal([]metalink.URL{{URL: "https://b/app.tgz", Location: "de"}, {URL: "https://a/app.tgz", Priority: priority(1)}}))
		})

		It("adds a URL only when the file does not list it", func() {
			f.AddURL(metalink.URL{URL: "https://b/app.tgz"})
			f.AddURL(metalink.URL{URL: "https://c/app.tgz"})
			Expect(f.URLs).To(Equal([]metalink.URL{{URL: "https://a/app.tgz"}, {URL: "https://b/app.tgz", Location: "de"}, {URL: "https://c/app.tgz"}}))
		})

		It("removes every entry of a URL and says whether there was one", func() {
			Expect(f.RemoveURL("https://c/app.tgz")).To(BeFalse())
			Expect(f.RemoveURL("https://a/app.tgz")).To(BeTrue())
			Expect(f.URLs).To(Equal([]metalink.URL{{URL: "https://b/app.tgz", Location: "de"}}))
		})

		It("leaves no empty list behind", func() {
			f.RemoveURL("https://a/app.tgz")
			f.RemoveURL("https://b/app.tgz")
			Expect(f.URLs).To(BeNil())
		})
	})
})

var _ = Describe("ByPriority", func() {
	It("puts lower numbers first and URLs without a priority last, equal ones in document order", func() {
		urls := []metalink.URL{
			{URL: "none-1"}, {URL: "p5-a", Priority: fixtures.Priority(5)}, {URL: "p1", Priority: fixtures.Priority(1)},
			{URL: "none-2"}, {URL: "p5-b", Priority: fixtures.Priority(5)},
		}
		var order []string
		for _, u := range metalink.ByPriority(urls) {
			order = append(order, u.URL)
		}
		Expect(order).To(Equal([]string{"p1", "p5-a", "p5-b", "none-1", "none-2"}))
		Expect(urls[0].URL).To(Equal("none-1"), "the document's list is left as it was")
	})
})
