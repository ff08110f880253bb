package meta4ops_test

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
)

func TestMeta4ops(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "meta4ops")
}

// flagNames say options as a command line would.
func flagNames(option string) string { return "--" + option }

// newDocument is a document in a fresh directory that does not exist yet.
func newDocument() *meta4ops.Document {
	return &meta4ops.Document{Path: filepath.Join(GinkgoT().TempDir(), "doc.meta4"), Names: flagNames}
}

// written is the document as it is on disk now.
func written(d *meta4ops.Document) metalink.Metalink {
	GinkgoHelper()
	doc, err := metalink.Parse([]byte(filetree.Read(d.Path)))
	Expect(err).NotTo(HaveOccurred())
	return doc
}

// saved writes doc as d's document.
func saved(d *meta4ops.Document, doc metalink.Metalink) {
	GinkgoHelper()
	d.Metalink, d.Mode = doc, 0o644
	Expect(d.Save()).To(Succeed())
}

func sha256Hex(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}

// hashOf is f's digest of typ, or "".
func hashOf(f metalink.File, typ string) string {
	if i := f.HashIndex(typ); i >= 0 {
		return f.Hashes[i].Hash
	}
	return ""
}
