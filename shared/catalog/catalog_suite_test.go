package catalog_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/catalog"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/patience"
)

func TestCatalog(t *testing.T) {
	RegisterFailHandler(Fail)
	patience.Apply()
	RunSpecs(t, "Catalog Suite")
}

// written writes the catalog of repos into a fresh directory and returns
// it.
func written(repos ...catalog.Repository) string {
	GinkgoHelper()
	dir := filepath.Join(GinkgoT().TempDir(), "site")
	Expect(catalog.New(repos).Write(context.Background(), dir)).To(Succeed())
	return dir
}

// siteFiles are every file of the site at dir, by path relative to it.
func siteFiles(dir string) map[string]string {
	GinkgoHelper()
	files := map[string]string{}
	Expect(filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})).To(Succeed())
	return files
}

// versionPages are the version pages of the site at dir.
func versionPages(dir string) map[string]string {
	GinkgoHelper()
	pages := map[string]string{}
	for path, text := range siteFiles(dir) {
		if strings.HasPrefix(path, "-/r") && strings.HasSuffix(path, ".html") && !strings.HasSuffix(path, "/index.html") {
			pages[path] = text
		}
	}
	return pages
}

// list lists repo, failing the spec on error.
func list(repo repository.Repository) []repository.Entry {
	GinkgoHelper()
	entries, err := repo.List(context.Background())
	Expect(err).NotTo(HaveOccurred())
	return entries
}
