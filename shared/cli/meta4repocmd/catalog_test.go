package meta4repocmd_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("meta4-repo catalog", func() {
	It("writes the static site of the repositories", func() {
		out := filepath.Join(GinkgoT().TempDir(), "site")

		r := repoTool().Run("catalog", "--output", out, fileRepo(map[string]string{"v1.0.meta4": "1.0", "v2.0.meta4": "2.0"}))

		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stderr).To(Equal("catalog: wrote " + out + " (1 repositories)\n"))
		index, err := os.ReadFile(filepath.Join(out, "index.html"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(index)).To(ContainSubstring(`<td>2</td><td>2.0</td>`))
		Expect(filepath.Join(out, "-", "search.json")).To(BeARegularFile())
	})

	It("refuses a directory that is not a catalog, in one line, and writes nothing", func() {
		out := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)).To(Succeed())

		r := repoTool().Run("catalog", "--output", out, fileRepo(map[string]string{"v1.0.meta4": "1.0"}))

		Expect(r.Code).To(Equal(1))
		Expect(r.Stderr).To(Equal("meta4-repo catalog: " + out + " is not empty and holds no catalog (no -/catalog.css): refusing to replace it\n"))
		Expect(filepath.Join(out, "index.html")).NotTo(BeAnExistingFile())
	})

	It("fails, naming the repository, when one cannot be read, and writes nothing", func() {
		out := filepath.Join(GinkgoT().TempDir(), "site")

		r := repoTool().Run("catalog", "-o", out, fileRepo(nil), "file:///nonexistent/metalinks")

		Expect(r.Code).To(Equal(1))
		Expect(r.Stderr).To(HavePrefix("meta4-repo catalog: "))
		Expect(r.Stderr).To(ContainSubstring("/nonexistent/metalinks"))
		Expect(out).NotTo(BeAnExistingFile())
	})

	It("needs --output", func() {
		r := repoTool().Run("catalog", fileRepo(nil))

		Expect(r.Code).To(Equal(2))
		Expect(r.Stderr).To(ContainSubstring("--output DIR is required"))
	})
})
