package query_test

import (
	"bytes"
	"context"
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/entryfilter"
	"github.com/metalink-resources/metalink-resources/shared/repository/query"
)

// listed is a repository holding entries; it counts its lists.
type listed struct {
	entries []repository.Entry
	err     error
	lists   int
}

func (r *listed) List(context.Context) ([]repository.Entry, error) {
	r.lists++
	return r.entries, r.err
}

func (r *listed) CheckPut(string) error { return errors.New("read-only") }

func (r *listed) Put(context.Context, repository.Document) error { return errors.New("read-only") }

// entry is a document at path whose one file has version ("": none).
func entry(path, version string) repository.Entry {
	return repository.Entry{Path: path, Metalink: metalink.Metalink{Files: []metalink.File{{Name: "app.tgz", Version: version}}}}
}

// repo holds an entry per path, of the version it maps to.
func repo(versions ...string) *listed {
	r := &listed{}
	for i := 0; i < len(versions); i += 2 {
		r.entries = append(r.entries, entry(versions[i], versions[i+1]))
	}
	return r
}

func paths(entries []repository.Entry) []string {
	found := make([]string, len(entries))
	for i, e := range entries {
		found[i] = e.Path
	}
	return found
}

// filtered is a filter of one condition.
func filtered(kind, value string) entryfilter.Filter {
	GinkgoHelper()
	var f entryfilter.Filter
	Expect(f.Add(kind, value)).To(Succeed())
	return f
}

var _ = Describe("Find", func() {
	// Listed in no order; a, b and c share a version.
	releases := func() *listed {
		return repo("v1.0.2.meta4", "1.0.2", "v1.0.10.meta4", "1.0.10", "v0.9.meta4", "0.9", "v1.0.2k.meta4", "1.0.2k",
			"c.meta4", "2.0.0", "a.meta4", "2.0.0", "v1.1.0-rc.1.meta4", "1.1.0-rc.1", "b.meta4", "2.0.0")
	}

	DescribeTable("orders newest first, equal versions by path, then reverses and limits",
		func(q query.Query, want []string) {
			found, err := query.Find(context.Background(), releases(), q)
			Expect(err).NotTo(HaveOccurred())
			Expect(paths(found)).To(Equal(want))
		},
		Entry("by default, every entry", query.Query{}, []string{"a.meta4", "b.meta4", "c.meta4",
			"v1.1.0-rc.1.meta4", "v1.0.10.meta4", "v1.0.2k.meta4", "v1.0.2.meta4", "v0.9.meta4"}),
		Entry("with a limit, the newest", query.Query{Limit: 4}, []string{"a.meta4", "b.meta4", "c.meta4", "v1.1.0-rc.1.meta4"}),
		Entry("with a limit above the count, every entry", query.Query{Limit: 100, Filter: filtered(entryfilter.FileVersion, "~1.0")},
			[]string{"v1.0.10.meta4", "v1.0.2k.meta4", "v1.0.2.meta4"}),
		Entry("reversed, oldest first", query.Query{Reverse: true, Filter: filtered(entryfilter.RepositoryPath, "v*")},
			[]string{"v0.9.meta4", "v1.0.2.meta4", "v1.0.2k.meta4", "v1.0.10.meta4", "v1.1.0-rc.1.meta4"}),
		Entry("reversed and limited, the oldest", query.Query{Reverse: true, Limit: 2}, []string{"v0.9.meta4", "v1.0.2.meta4"}),
		Entry("filtered by path", query.Query{Filter: filtered(entryfilter.RepositoryPath, "v1.*")},
			[]string{"v1.1.0-rc.1.meta4", "v1.0.10.meta4", "v1.0.2k.meta4", "v1.0.2.meta4"}),
	)

	It("leaves out an entry without a usable version, with a warning naming it", func() {
		r := repo("v1.meta4", "1.0.0", "none.meta4", "", "bad.meta4", "not a version")
		var log bytes.Buffer
		found, err := query.Find(context.Background(), r, query.Query{Log: &log})
		Expect(err).NotTo(HaveOccurred())
		Expect(paths(found)).To(Equal([]string{"v1.meta4"}))
		lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
		Expect(lines).To(HaveLen(2))
		Expect(lines[0]).To(Equal("warning: skipping none.meta4: its first file has no version"))
		Expect(lines[1]).To(HavePrefix("warning: skipping bad.meta4: "))

		Expect(query.Find(context.Background(), r, query.Query{})).To(HaveLen(1), "without a log")
	})

	It("refuses, naming it, a document in would refuse, even one it would leave out", func() {
		r := repo("v1.meta4", "1.0.0")
		escaping := entry("escaping.meta4", "")
		escaping.Metalink.Files[0].Name = "../escaped"
		r.entries = append(r.entries, escaping)
		_, err := query.Find(context.Background(), r, query.Query{})
		Expect(err).To(MatchError(`"escaping.meta4": unsafe file name "../escaped": contains a ".." segment`))

		found, err := query.Find(context.Background(), r, query.Query{Filter: filtered(entryfilter.RepositoryPath, "v1.meta4")})
		Expect(err).NotTo(HaveOccurred(), "a document the filter passes by is not read")
		Expect(paths(found)).To(Equal([]string{"v1.meta4"}))
	})

	It("refuses a negative limit by the caller's name of the field, before it lists", func() {
		r := repo("v1.meta4", "1.0.0")
		q := query.Query{Limit: -1, Names: func(f string) string { return "<" + f + ">" }}
		_, err := query.Find(context.Background(), r, q)
		Expect(err).To(MatchError("<limit> -1: expected 0 (no limit) or more"))
		var fieldErr *field.Error
		Expect(errors.As(err, &fieldErr)).To(BeTrue())
		Expect(fieldErr.Field).To(Equal("limit"))
		Expect(r.lists).To(BeZero())
		Expect(q.Validate()).To(MatchError(err.Error()))
	})

	It("returns the repository's error as it is", func() {
		listErr := errors.New(`list "repo": broken.meta4: not a metalink`)
		_, err := query.Find(context.Background(), &listed{err: listErr}, query.Query{})
		Expect(err).To(BeIdenticalTo(listErr))
	})
})

var _ = Describe("FindOne", func() {
	It("returns the one entry that passes, whatever its version", func() {
		r := repo("v1.meta4", "1.0.0", "v2.meta4", "2.0.0", "unversioned.meta4", "")
		found, err := query.FindOne(context.Background(), r, filtered(entryfilter.FileVersion, "1.0.0"))
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(Equal(entry("v1.meta4", "1.0.0")))
		found, err = query.FindOne(context.Background(), r, filtered(entryfilter.RepositoryPath, "un*"))
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(Equal(entry("unversioned.meta4", "")))
	})

	DescribeTable("says how many pass when it is not exactly one, and holds every path",
		func(r *listed, want []string, text string) {
			_, err := query.FindOne(context.Background(), r, filtered(entryfilter.FileVersion, "<3"))
			Expect(err).To(MatchError(text))
			var count *query.CountError
			Expect(errors.As(err, &count)).To(BeTrue())
			Expect(count.Paths).To(Equal(want))
		},
		Entry("none", repo("v3.meta4", "3.0.0"), []string{}, "no metalink passes the filters"),
		Entry("two, in the repository's order", repo("v2.meta4", "2.0.0", "v1.meta4", "1.0.0", "v3.meta4", "3.0.0"),
			[]string{"v2.meta4", "v1.meta4"}, "2 metalinks pass the filters (v2.meta4, v1.meta4): expected exactly one"),
		Entry("five, all named", repo("a", "1.0.0", "b", "1.0.1", "c", "1.0.2", "d", "1.0.3", "e", "1.0.4"),
			[]string{"a", "b", "c", "d", "e"}, "5 metalinks pass the filters (a, b, c, d, e): expected exactly one"),
		Entry("six, the first five named", repo("a", "1.0.0", "b", "1.0.1", "c", "1.0.2", "d", "1.0.3", "e", "1.0.4", "f", "1.0.5"),
			[]string{"a", "b", "c", "d", "e", "f"}, "6 metalinks pass the filters (a, b, c, d, e, …): expected exactly one"),
	)

	It("refuses the one entry when in would refuse it", func() {
		r := repo("v1.meta4", "1.0.0")
		r.entries[0].Metalink.Files[0].Name = ".resource/x"
		_, err := query.FindOne(context.Background(), r, entryfilter.Filter{})
		Expect(err).To(MatchError(`"v1.meta4": file name ".resource/x": .resource/ is reserved for the resource's own records`))
	})
})
