// Package filetree reads, writes and takes stock of the files on disk a
// spec works with, failing the spec on any error.
package filetree

import (
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
)

// Write writes content to path, creating its directories.
func Write(path, content string) {
	ginkgo.GinkgoHelper()
	gomega.Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(gomega.Succeed())
	gomega.Expect(os.WriteFile(path, []byte(content), 0o644)).To(gomega.Succeed())
}

// Read returns the content of path.
func Read(path string) string {
	ginkgo.GinkgoHelper()
	data, err := os.ReadFile(path)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	return string(data)
}

// Snapshot lists every file, directory and symlink under dir with the content
// of each file or the target of each link, so that any change shows: a
// refused request must leave what it was given as it found it.
func Snapshot(dir string) map[string]string {
	ginkgo.GinkgoHelper()
	found := map[string]string{}
	gomega.Expect(filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		switch {
		case d.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(path)
			found[rel+"@"] = target
			return err
		case d.IsDir():
			found[rel+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(path)
		found[rel] = string(data)
		return err
	})).To(gomega.Succeed())
	return found
}
