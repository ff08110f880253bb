package meta4cmd_test

import (
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
)

// The two loops of the seed's "Creating Metalinks" and "Extracting
// Checksums", as written there, around the lines that set them up.
const seedScript = `set -euo pipefail
version=1.2.3                 # the release version
xmlpath=build/v$version.meta4 # the metalink file

meta4 create --metalink="$xmlpath"
meta4 set-published --metalink="$xmlpath" "$( date -u +%Y-%m-%dT%H:%M:%SZ )"

for file in $( find build -type f -maxdepth 1 | cut -d/ -f2 | sort ); do
  meta4 import-file --metalink="$xmlpath" --file="$file" --version="$version" "build/$file"
done

for file in $( meta4 files --metalink=$xmlpath ); do
  echo "$( meta4 file-hash --metalink=$xmlpath --file=$file sha-256 )" "$file"
done > release-notes.txt

cd build && sha256sum -c ../release-notes.txt
`

var _ = Describe("the seed's shell loops", func() {
	It("import every file of build/, then print hash name lines that sha256sum -c accepts", func() {
		tool := newTool()
		for _, name := range []string{"app-linux-amd64", "app-darwin-arm64", "app-windows-amd64.exe"} {
			filetree.Write(at(tool, "build/"+name), strings.Repeat(name, 1000))
		}
		script := exec.Command("bash", "-c", seedScript)
		script.Dir = tool.Dir
		script.Env = append(tool.Env, "PATH="+filepath.Dir(binary)+":/usr/bin:/bin")
		out, err := script.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("app-darwin-arm64: OK\napp-linux-amd64: OK\napp-windows-amd64.exe: OK\n"))
		// The document does not describe itself: its hash would be stale at once.
		Expect(string(out)).To(ContainSubstring("warning: skipping build/v1.2.3.meta4: it is the metalink document itself"))

		doc := document(at(tool, "build/v1.2.3.meta4"))
		Expect(doc.Published).NotTo(BeNil())
		Expect(doc.Files).To(HaveLen(3))
		for _, f := range doc.Files {
			Expect(f.Version).To(Equal("1.2.3"))
			Expect(f.Size).To(BeEquivalentTo(len(f.Name) * 1000))
			Expect(f.Hashes).To(Equal(allHashes(strings.Repeat(f.Name, 1000))))
		}
		Expect(filetree.Read(at(tool, "release-notes.txt"))).To(Equal(
			sha256Hex(strings.Repeat("app-darwin-arm64", 1000)) + " app-darwin-arm64\n" +
				sha256Hex(strings.Repeat("app-linux-amd64", 1000)) + " app-linux-amd64\n" +
				sha256Hex(strings.Repeat("app-windows-amd64.exe", 1000)) + " app-windows-amd64.exe\n"))
	})
})
