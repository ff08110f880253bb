package parsecache_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/parsecache"
)

var _ = Describe("an index of parsed metalinks", func() {
	var path string
	doc := func(version string) metalink.Metalink {
		return metalink.Metalink{Files: []metalink.File{{Name: "a.tgz", Version: version}}}
	}
	entries := func(versions ...string) []repository.Entry {
		out := make([]repository.Entry, len(versions))
		for i, v := range versions {
			out[i] = repository.Entry{Path: "v" + v + ".meta4", Metalink: doc(v)}
		}
		return out
	}

	BeforeEach(func() { path = filepath.Join(GinkgoT().TempDir(), "sub", "metalinks-v1.gob") })

	It("gives back what was saved, under its id, and only what may be kept", func() {
		Expect(parsecache.Load(path).Save([]string{"x", "y", "z"}, entries("1", "2", "3"), []bool{true, false, true})).To(Succeed())
		index := parsecache.Load(path)
		x, found := index.Get("x")
		Expect(found).To(BeTrue())
		Expect(x).To(Equal(doc("1")))
		_, found = index.Get("y")
		Expect(found).To(BeFalse(), "not cacheable")
		z, found := index.Get("z")
		Expect(found).To(BeTrue())
		Expect(z).To(Equal(doc("3")))
	})

	It("does not rewrite an index that holds exactly the documents, and drops the ones that are gone", func() {
		Expect(parsecache.Load(path).Save([]string{"x", "y"}, entries("1", "2"), []bool{true, true})).To(Succeed())
		before, err := os.Stat(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(parsecache.Load(path).Save([]string{"y", "x"}, entries("2", "1"), []bool{true, true})).To(Succeed())
		after, err := os.Stat(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.SameFile(before, after)).To(BeTrue(), "unchanged: not rewritten")

		Expect(parsecache.Load(path).Save([]string{"y"}, entries("2"), []bool{true})).To(Succeed())
		_, found := parsecache.Load(path).Get("x")
		Expect(found).To(BeFalse())
	})

	It("gives back the listing saved under a key, and only under that key", func() {
		Expect(parsecache.Load(path).SaveListed("tip-a", []string{"x", "y"}, entries("1", "2"), []bool{true, true})).To(Succeed())

		listed, found := parsecache.Load(path).Listed("tip-a")
		Expect(found).To(BeTrue())
		Expect(listed).To(Equal(entries("1", "2")))
		_, found = parsecache.Load(path).Listed("tip-b")
		Expect(found).To(BeFalse(), "another state")
		_, found = parsecache.Load(path).Listed("")
		Expect(found).To(BeFalse(), "no state")
	})

	It("keeps no listing when a document could not be kept, or after a plain Save", func() {
		Expect(parsecache.Load(path).SaveListed("tip-a", []string{"x", "y"}, entries("1", "2"), []bool{true, false})).To(Succeed())
		_, found := parsecache.Load(path).Listed("tip-a")
		Expect(found).To(BeFalse(), "y must be parsed again by every run")

		Expect(parsecache.Load(path).SaveListed("tip-b", []string{"x"}, entries("1"), []bool{true})).To(Succeed())
		Expect(parsecache.Load(path).Save([]string{"x"}, entries("1"), []bool{true})).To(Succeed())
		_, found = parsecache.Load(path).Listed("tip-b")
		Expect(found).To(BeFalse())
	})

	It("reads a damaged or missing file as an empty index", func() {
		_, found := parsecache.Load(path).Get("x")
		Expect(found).To(BeFalse())
		Expect(os.MkdirAll(filepath.Dir(path), 0o700)).To(Succeed())
		Expect(os.WriteFile(path, []byte("not gob"), 0o600)).To(Succeed())
		_, found = parsecache.Load(path).Get("x")
		Expect(found).To(BeFalse())
	})

	It("keeps only documents that survive its encoding unchanged", func() {
		var check parsecache.RoundTrip
		Expect(check.Exact(doc("1"))).To(BeTrue())
		empty := doc("1")
		empty.Files[0].URLs = []metalink.URL{}
		Expect(check.Exact(empty)).To(BeFalse(), "gob makes an empty list nil")
	})
})
