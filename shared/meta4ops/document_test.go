package meta4ops_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
)

var _ = Describe("a document", func() {
	var d *meta4ops.Document
	BeforeEach(func() { d = newDocument() })

	It("is an error when missing, unless an empty one will do", func() {
		Expect(d.Read(false)).To(MatchError(d.Path + " does not exist (make it with meta4 create)"))
		Expect(d.Read(true)).To(Succeed())
		Expect(d.Metalink.Files).To(BeEmpty())
		Expect(d.Mode).To(BeEquivalentTo(0o644))
	})

	It("refuses stdin, naming the option in the caller's words", func() {
		d.Path = "-"
		Expect(d.Read(true)).To(MatchError(HavePrefix("--metalink must name a file")))
	})

	It("is read in any format and written as meta4 XML, keeping its mode", func() {
		filetree.Write(d.Path, `{"files":[{"name":"a.tgz","size":1,"urls":[{"url":"https://x/a.tgz"}]}]}`)
		Expect(os.Chmod(d.Path, 0o600)).To(Succeed())
		Expect(d.Read(false)).To(Succeed())
		Expect(d.Save()).To(Succeed())
		Expect(filetree.Read(d.Path)).To(HavePrefix("<?xml"))
		info, err := os.Stat(d.Path)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(BeEquivalentTo(0o600))
	})

	It("is left as it was when a change would make it invalid", func() {
		saved(d, metalink.Metalink{Files: []metalink.File{{Name: "a.tgz", Size: 1}}})
		before := filetree.Read(d.Path)
		err := d.Change(false, func(d *meta4ops.Document) error {
			d.Metalink.Files[0].Name = "../a.tgz"
			return nil
		})
		Expect(err).To(MatchError(HavePrefix(d.Path + " would be invalid")))
		Expect(filetree.Read(d.Path)).To(Equal(before))
		Expect(filepath.Glob(filepath.Join(filepath.Dir(d.Path), ".*"))).To(BeEmpty())
	})

	It("is created only where none exists", func() {
		Expect(meta4ops.CreateDocument(d.Path)).To(Succeed())
		Expect(written(d).Files).To(BeEmpty())
		Expect(meta4ops.CreateDocument(d.Path)).To(MatchError(d.Path + " already exists"))
	})

	Describe("its files", func() {
		BeforeEach(func() {
			d.Metalink = metalink.Metalink{Files: []metalink.File{{Name: "a.tgz"}, {Name: "b.tgz"}}}
		})

		It("are chosen by name, or asked to be named, in the caller's words", func() {
			f, err := d.File("b.tgz")
			Expect(err).NotTo(HaveOccurred())
			Expect(f.Name).To(Equal("b.tgz"))
			_, err = d.File("")
			Expect(err).To(MatchError(d.Path + " has 2 files: name one with --file"))
			_, err = d.File("c.tgz")
			Expect(err).To(MatchError(d.Path + ` has no file "c.tgz"`))
		})

		It("are added when new and safely named", func() {
			_, err := d.AddFile("a.tgz")
			Expect(err).To(MatchError(d.Path + ` already has a file "a.tgz"`))
			_, err = d.AddFile("../c.tgz")
			Expect(err).To(HaveOccurred())
			Expect(d.AddFile("c.tgz")).To(HaveField("Name", "c.tgz"))
		})

		It("are removed by name", func() {
			Expect(d.RemoveFile("a.tgz")).To(Succeed())
			Expect(d.Metalink.Files).To(Equal([]metalink.File{{Name: "b.tgz"}}))
		})
	})
})
