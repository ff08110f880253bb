package repository_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

func entry(path string, fileVersions ...string) repository.Entry {
	e := repository.Entry{Path: path}
	for _, v := range fileVersions {
		e.Metalink.Files = append(e.Metalink.Files, metalink.File{Name: "f", Version: v})
	}
	return e
}

var _ = Describe("an entry's version", func() {
	It("is its first file's", func() {
		e := entry("a.meta4", "1.2.0", "9.9.9")
		Expect(repository.RawVersion(e.Metalink)).To(Equal("1.2.0"))
		v, err := e.Version()
		Expect(err).NotTo(HaveOccurred())
		Expect(v.String()).To(Equal("1.2.0"))
	})

	It("is missing when there is no file or the first has none", func() {
		Expect(repository.RawVersion(metalink.Metalink{})).To(BeEmpty())
		_, err := entry("none.meta4").Version()
		Expect(err).To(MatchError(repository.ErrNoVersion))
		_, err = entry("blank.meta4", "", "1.0.0").Version()
		Expect(err).To(MatchError(repository.ErrNoVersion))
	})

	It("keeps the versioned entries in order and warns about each other one", func() {
		var log bytes.Buffer
		found := repository.WithVersions([]repository.Entry{
			entry("b.meta4", "2.0.0"), entry("none.meta4"), entry("bad.meta4", "<html>"), entry("a.meta4", "1.0.0"),
		}, &log)
		Expect(found).To(HaveLen(2))
		Expect(found[0].Entry.Path).To(Equal("b.meta4"))
		Expect(found[1].Version.String()).To(Equal("1.0.0"))
		Expect(log.String()).To(HavePrefix("warning: skipping none.meta4: its first file has no version\n" +
			"warning: skipping bad.meta4: invalid version"))
	})
})
