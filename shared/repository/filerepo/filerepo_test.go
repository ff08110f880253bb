package filerepo_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/filerepo"
)

// meta4 is a one-file metalink document of the given version.
func meta4(version string) []byte {
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <file name="app-%[1]s.tgz">
    <version>%[1]s</version>
    <size>3</size>
    <url>https://example.com/app-%[1]s.tgz</url>
  </file>
</metalink>
`, version)
}

func write(path string, data []byte) {
	Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
	Expect(os.WriteFile(path, data, 0o644)).To(Succeed())
}

// listed is path => version of files[0] for each entry.
func listed(repo repository.Repository) map[string]string {
	entries, err := repo.List(context.Background())
	Expect(err).NotTo(HaveOccurred())
	got := map[string]string{}
	for _, entry := range entries {
		got[entry.Path] = entry.Metalink.Files[0].Version
	}
	return got
}

func open(uri string) repository.Repository {
	repo, err := repotest.Open(repository.Env{})(filerepo.Configure(uri, repotest.Names))
	Expect(err).NotTo(HaveOccurred())
	return repo
}

var _ = Describe("a file repository", func() {
	var dir string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
	})

	Describe("List", func() {
		It("finds every .meta4 document recursively, by path relative to the root", func() {
			write(filepath.Join(dir, "v1.0.0.meta4"), meta4("1.0.0"))
			write(filepath.Join(dir, "sub", "deeper", "v2.0.0.meta4"), meta4("2.0.0"))
			write(filepath.Join(dir, "README.md"), []byte("not a metalink"))
			write(filepath.Join(dir, "v0.meta4.bak"), []byte("not a metalink either"))
			Expect(listed(open("file://" + dir))).To(Equal(map[string]string{
				"v1.0.0.meta4":            "1.0.0",
				"sub/deeper/v2.0.0.meta4": "2.0.0",
			}))
		})

		It("reads JSON documents too", func() {
			write(filepath.Join(dir, "v3.meta4"), []byte(`{"files": [{"name": "a.tgz", "version": "3.0.0"}]}`))
			Expect(listed(open("file://" + dir))).To(Equal(map[string]string{"v3.meta4": "3.0.0"}))
		})

		It("treats a path that does not exist as an empty repository", func() {
			Expect(listed(open("file://" + filepath.Join(dir, "missing")))).To(BeEmpty())
		})

		It("walks every match of a glob, with paths relative to each match", func() {
			write(filepath.Join(dir, "a", "stable", "v1.meta4"), meta4("1.0.0"))
			write(filepath.Join(dir, "b", "stable", "nested", "v2.meta4"), meta4("2.0.0"))
			write(filepath.Join(dir, "b", "beta", "v3.meta4"), meta4("3.0.0-beta.1"))
			Expect(listed(open("file://" + dir + "/*/stable"))).To(Equal(map[string]string{
				"v1.meta4":        "1.0.0",
				"nested/v2.meta4": "2.0.0",
			}))
		})

		It("lists a glob that matches documents by their base names", func() {
			write(filepath.Join(dir, "v1.meta4"), meta4("1.0.0"))
			write(filepath.Join(dir, "v2.meta4"), meta4("2.0.0"))
			Expect(listed(open("file://" + dir + "/v2*"))).To(Equal(map[string]string{"v2.meta4": "2.0.0"}))
		})

		It("resolves file://./path against the working directory", func() {
			write(filepath.Join(dir, "repo", "v1.meta4"), meta4("1.0.0"))
			GinkgoT().Chdir(dir)
			Expect(listed(open("file://./repo"))).To(Equal(map[string]string{"v1.meta4": "1.0.0"}))
		})

		It("takes file://./ and file://. for the working directory itself", func() {
			write(filepath.Join(dir, "v1.meta4"), meta4("1.0.0"))
			GinkgoT().Chdir(dir)
			Expect(listed(open("file://./"))).To(Equal(map[string]string{"v1.meta4": "1.0.0"}))
			Expect(listed(open("file://."))).To(Equal(map[string]string{"v1.meta4": "1.0.0"}))
		})

		It("decodes a percent-encoded path", func() {
			write(filepath.Join(dir, "my repo", "v1.meta4"), meta4("1.0.0"))
			Expect(listed(open("file://" + dir + "/my%20repo"))).To(HaveKey("v1.meta4"))
		})

		It("names an unparsable document in its error", func() {
			write(filepath.Join(dir, "good.meta4"), meta4("1.0.0"))
			write(filepath.Join(dir, "sub", "broken.meta4"), []byte("<metalink><file"))
			_, err := open("file://" + dir).List(context.Background())
			Expect(err).To(MatchError(ContainSubstring("parse " + filepath.Join(dir, "sub", "broken.meta4") + ": ")))
		})
	})

	Describe("Open", func() {
		It("refuses a URI that is not file://", func() {
			_, err := repotest.Open(repository.Env{})(filerepo.Configure("https://host/x", repotest.Names))
			Expect(err).To(MatchError(ContainSubstring("expected file:///ABSOLUTE/PATH or file://./RELATIVE/PATH")))
		})

		It("does not print the password of a URI it refuses", func() {
			_, err := repotest.Open(repository.Env{})(filerepo.Configure("https://ci:s3cret@host/x", repotest.Names))
			Expect(err).To(MatchError(`source.uri "https://[redacted]@host/x": expected file:///ABSOLUTE/PATH or file://./RELATIVE/PATH`))
		})

		DescribeTable("refuses a uri that would walk the whole file system, naming it",
			func(uri, message string) {
				_, err := repotest.Open(repository.Env{})(filerepo.Configure(uri, repotest.Names))
				Expect(err).To(MatchError(message))
			},
			Entry("no path at all", "file://",
				`source.uri "file://": the path is empty: expected file:///ABSOLUTE/PATH or file://./RELATIVE/PATH`),
			Entry("a host and no path", "file://ci:s3cret@host",
				`source.uri "file://[redacted]@host": the path is empty: expected file:///ABSOLUTE/PATH or file://./RELATIVE/PATH`),
			Entry("the root", "file:///",
				`source.uri "file:///": the path is the root directory /: name the directory that holds the metalinks`),
			Entry("the root, spelt longer", "file:///srv/..//.",
				`source.uri "file:///srv/..//.": the path is the root directory /: name the directory that holds the metalinks`),
			Entry("the root, percent-encoded", "file:///%2F",
				`source.uri "file:///%2F": the path is the root directory /: name the directory that holds the metalinks`),
			Entry("the root behind an ignored host", "file://~/",
				`source.uri "file://~/": the path is the root directory /: name the directory that holds the metalinks`),
		)

		It("refuses a relative path that leads to the root directory", func() {
			GinkgoT().Chdir(dir)
			up := strings.Repeat("../", strings.Count(dir, "/")+1)
			_, err := repotest.Open(repository.Env{})(filerepo.Configure("file://./"+up, repotest.Names))
			Expect(err).To(MatchError(`source.uri "file://./` + up + `": the path is the root directory /: name the directory that holds the metalinks`))
		})

		It("does not print the userinfo it ignores in later errors", func() {
			_, err := open("file://ci:s3cret@" + dir + "/[").List(context.Background())
			Expect(err).To(MatchError(HavePrefix("list file://[redacted]@" + dir + "/[: bad glob")))
		})
	})

	Describe("Put", func() {
		var repo repository.Repository

		BeforeEach(func() {
			repo = open("file://" + dir + "/repo")
		})

		It("writes a document under its name, creating directories, where List finds it", func() {
			Expect(repo.Put(context.Background(), repository.Document{Name: "component/v2.1.0.meta4", Data: meta4("2.1.0")})).To(Succeed())
			Expect(os.ReadFile(filepath.Join(dir, "repo", "component", "v2.1.0.meta4"))).To(Equal(meta4("2.1.0")))
			Expect(listed(repo)).To(Equal(map[string]string{"component/v2.1.0.meta4": "2.1.0"}))
		})

		It("leaves identical content untouched and replaces different content", func() {
			path := filepath.Join(dir, "repo", "v1.meta4")
			Expect(repo.Put(context.Background(), repository.Document{Name: "v1.meta4", Data: meta4("1.0.0")})).To(Succeed())
			before, err := os.Stat(path)
			Expect(err).NotTo(HaveOccurred())

			Expect(repo.Put(context.Background(), repository.Document{Name: "v1.meta4", Data: meta4("1.0.0")})).To(Succeed())
			same, err := os.Stat(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(os.SameFile(before, same)).To(BeTrue(), "an identical put must not rewrite the file")

			Expect(repo.Put(context.Background(), repository.Document{Name: "v1.meta4", Data: meta4("1.0.1")})).To(Succeed())
			Expect(os.ReadFile(path)).To(Equal(meta4("1.0.1")))
		})

		It("replaces a document atomically: a reader sees the old or the new content, never a mix", func() {
			const size = 512 << 10
			versions := [][]byte{bytes.Repeat([]byte("a"), size), bytes.Repeat([]byte("b"), size)}
			Expect(repo.Put(context.Background(), repository.Document{Name: "big.meta4", Data: versions[0]})).To(Succeed())
			path := filepath.Join(dir, "repo", "big.meta4")

			done := make(chan struct{})
			var torn []string
			var wg sync.WaitGroup
			wg.Go(func() {
				for {
					select {
					case <-done:
						return
					default:
					}
					data, err := os.ReadFile(path)
					if err != nil || (!bytes.Equal(data, versions[0]) && !bytes.Equal(data, versions[1])) {
						torn = append(torn, fmt.Sprintf("read %d bytes, err %v", len(data), err))
					}
				}
			})
			for i := range 40 {
				Expect(repo.Put(context.Background(), repository.Document{Name: "big.meta4", Data: versions[(i+1)%2]})).To(Succeed())
			}
			close(done)
			wg.Wait()
			Expect(torn).To(BeEmpty())
			Expect(filepath.Glob(filepath.Join(dir, "repo", ".*"))).To(BeEmpty(), "no temporary file is left behind")
		})

		DescribeTable("refuses names that would escape the repository",
			func(name string) {
				err := repo.Put(context.Background(), repository.Document{Name: name, Data: meta4("1.0.0")})
				Expect(err).To(MatchError(ContainSubstring("unsafe file name")))
				Expect(filepath.Join(dir, "escaped.meta4")).NotTo(BeAnExistingFile())
			},
			Entry("a parent segment", "../escaped.meta4"),
			Entry("an absolute path", "/tmp/escaped.meta4"),
			Entry("an empty name", ""),
		)

		It("refuses to write into a glob", func() {
			err := open("file://"+dir+"/*").Put(context.Background(), repository.Document{Name: "v1.meta4", Data: meta4("1.0.0")})
			Expect(err).To(MatchError(ContainSubstring("the path is a glob; expected one directory")))
		})
	})
})
