package catalog_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/catalog"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// hostileDoc puts markup, script URLs and secrets wherever a document
// carries text.
func hostileDoc() metalink.Metalink {
	script := `<script>alert(1)</script>`
	return metalink.Metalink{Files: []metalink.File{{
		Name:        `evil` + script + `.tgz`,
		Version:     `1.0` + script,
		Description: `"><img src=x onerror=alert(1)>` + script,
		Identity:    script,
		Size:        10,
		License:     &metalink.License{Name: script, URL: "javascript:alert(1)"},
		Publisher:   &metalink.Publisher{Name: `"onmouseover="alert(1)`, URL: "data:text/html,<script>alert(1)</script>"},
		Hashes:      []metalink.Hash{{Type: "sha-256", Hash: `"><script>alert(1)</script>`}},
		URLs: []metalink.URL{
			{URL: "javascript:alert(1)"},
			{URL: "JaVaScRiPt:alert(1)"},
			{URL: "vbscript:msgbox(1)"},
			{URL: "https://user:pa55word-secret@dl.example.com/evil.tgz"},
			{URL: "https://dl.example.com/evil.tgz?X-Amz-Signature=signed-secret-value&X-Amz-Credential=cred-secret-value"},
			{URL: "https://dl.example.com/" + script, Location: script},
		},
	}}}
}

var _ = Describe("hostile documents", func() {
	var files map[string]string

	BeforeEach(func() {
		files = siteFiles(written(catalog.Repository{
			Name:    `file:///srv/<script>alert(1)</script>`,
			Entries: []repository.Entry{{Path: `a/"><script>alert(1)</script>.meta4`, Metalink: hostileDoc()}},
		}))
	})

	It("escapes markup in every page", func() {
		for path, text := range files {
			if !strings.HasSuffix(path, ".html") {
				continue
			}
			Expect(text).NotTo(ContainSubstring("<script>alert"), path)
			Expect(text).NotTo(ContainSubstring("<img"), path)
			Expect(text).NotTo(MatchRegexp(`<[^>]*\son\w+=`), path)
			Expect(strings.Count(text, "<script")).To(BeNumerically("<=", 2), path) // the site's script and the search index
		}
	})

	It("makes no link of a javascript:, vbscript: or data: URL", func() {
		href := regexp.MustCompile(`href="([^"]*)"`)
		for path, text := range files {
			for _, m := range href.FindAllStringSubmatch(text, -1) {
				Expect(m[1]).To(Or(HavePrefix("https://"), HavePrefix("http://"), HavePrefix("ftp://"), MatchRegexp(`^#?[A-Za-z0-9._/-]+$`)), path)
			}
		}
	})

	It("shows no URL userinfo or signed query, in pages or in the published documents", func() {
		for path, text := range files {
			for _, secret := range []string{"pa55word-secret", "signed-secret-value", "cred-secret-value"} {
				Expect(text).NotTo(ContainSubstring(secret), path)
			}
		}
		Expect(strings.Join(mapValues(files), "")).To(ContainSubstring("https://[redacted]@dl.example.com/evil.tgz"))
	})

	It("keeps the published .meta4 and JSON free of markup a browser would run", func() {
		for path, text := range files {
			if strings.HasSuffix(path, ".json") {
				Expect(text).NotTo(ContainSubstring("<"), path)
			}
		}
	})

	It("bounds over-long fields", func() {
		long := strings.Repeat("n", 1<<20)
		doc := metalink.Metalink{Files: []metalink.File{{Name: long, Version: long, Description: long, Size: 1,
			Hashes: []metalink.Hash{{Type: "sha-256", Hash: long}}, URLs: []metalink.URL{{URL: "https://example.com/" + long}}}}}

		pages := versionPages(written(catalog.Repository{Name: long, Entries: []repository.Entry{{Path: long + ".meta4", Metalink: doc}}}))

		Expect(pages).To(HaveLen(1))
		for path, page := range pages {
			Expect(len(filepath.Base(path))).To(BeNumerically("<", 100))
			Expect(len(page)).To(BeNumerically("<", 40_000))
			Expect(page).To(ContainSubstring("n…"))
		}
	})
})

var _ = Describe("writing the site", func() {
	repos := []catalog.Repository{{Name: "file:///srv/m", Entries: []repository.Entry{{Path: "v1.meta4", Metalink: hostileDoc()}}}}

	It("replaces an earlier catalog whole", func() {
		dir := filepath.Join(GinkgoT().TempDir(), "site")
		Expect(catalog.New(repos).Write(context.Background(), dir)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "stale.html"), []byte("old"), 0o644)).To(Succeed())

		Expect(catalog.New(repos).Write(context.Background(), dir)).To(Succeed())

		Expect(filepath.Join(dir, "stale.html")).NotTo(BeAnExistingFile())
		Expect(filepath.Join(dir, "index.html")).To(BeAnExistingFile())
		Expect(leftovers(filepath.Dir(dir))).To(ConsistOf("site"))
	})

	It("refuses a directory that holds something else, and changes nothing", func() {
		dir := filepath.Join(GinkgoT().TempDir(), "site")
		Expect(os.Mkdir(dir, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "thesis.tex"), []byte("mine"), 0o644)).To(Succeed())

		err := catalog.New(repos).Write(context.Background(), dir)

		Expect(err).To(MatchError(dir + " is not empty and holds no catalog (no -/catalog.css): refusing to replace it"))
		Expect(leftovers(dir)).To(ConsistOf("thesis.tex"))
		Expect(leftovers(filepath.Dir(dir))).To(ConsistOf("site"))
	})

	It("writes nothing when a history cannot be read", func() {
		parent := GinkgoT().TempDir()
		broken := catalog.Repository{Name: "git+https://git.example.com/m.git", Entries: repos[0].Entries, Repo: failingHistory{}}

		err := catalog.New([]catalog.Repository{broken}).Write(context.Background(), filepath.Join(parent, "site"))

		Expect(err).To(MatchError("git+https://git.example.com/m.git: read its history: fetch: connection refused"))
		Expect(leftovers(parent)).To(BeEmpty())
	})
})

// failingHistory is a repository whose history cannot be read.
type failingHistory struct{ repository.Repository }

func (failingHistory) History(context.Context) (map[string][]repository.Change, error) {
	return nil, errors.New("fetch: connection refused")
}

func leftovers(dir string) []string {
	GinkgoHelper()
	entries, err := os.ReadDir(dir)
	Expect(err).NotTo(HaveOccurred())
	names := []string{}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func mapValues(m map[string]string) []string {
	values := make([]string, 0, len(m))
	for _, v := range m {
		values = append(values, v)
	}
	return values
}
