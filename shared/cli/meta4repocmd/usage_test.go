package meta4repocmd_test

import (
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/cli/meta4repocmd"
)

var _ = Describe("meta4-repo usage", func() {
	It("answers --help on every command, on stdout, with exit 0", func() {
		root, _ := meta4repocmd.New(cli.Streams{Stdout: GinkgoWriter, Stderr: GinkgoWriter, Getenv: os.Getenv})
		tool := repoTool()
		Expect(tool.Succeed("--help")).To(ContainSubstring("META4_REPO_KNOWN_HOSTS_FILE"))
		for _, cmd := range root.Commands() {
			Expect(tool.Succeed(cmd.Name(), "--help")).To(ContainSubstring("Usage:\n  meta4-repo "+cmd.Name()), cmd.Name())
		}
	})

	DescribeTable("exits 2 with one error line and the command's usage when called wrongly",
		func(args []string, line string) {
			r := repoTool().Run(args...)
			Expect(r.Code).To(Equal(2))
			Expect(strings.SplitN(r.Stderr, "\n", 2)[0]).To(Equal(line))
			Expect(r.Stderr).To(ContainSubstring("\nUsage:\n"))
		},
		Entry("no URI", []string{"filter"}, "meta4-repo filter: accepts 1 arg(s), received 0"),
		Entry("put without the document", []string{"put", "file:///x"}, "meta4-repo put: accepts 2 arg(s), received 1"),
		Entry("a bad flag value", []string{"filter", "--rebase", "x", "file:///x"},
			`meta4-repo filter: invalid argument "x" for "--rebase" flag: strconv.ParseUint: parsing "x": invalid syntax`),
	)

	It("suggests the flag a typo meant, and follows a usage error with the command's own flags only", func() {
		r := repoTool().Run("filter", "--formt", "json", "file:///x")
		Expect(r.Code).To(Equal(2))
		Expect(r.Stderr).To(HavePrefix("meta4-repo filter: unknown flag: --formt (did you mean --format?)\nUsage:\n"))
		Expect(r.Stderr).To(ContainSubstring("--sort-reverse"))
		Expect(r.Stderr).NotTo(ContainSubstring("Global Flags"))
		Expect(r.Stderr).NotTo(ContainSubstring("--author-email"))
		Expect(r.Stderr).To(HaveSuffix("\nRun 'meta4-repo filter --help' for every flag.\n"))
		Expect(strings.Count(r.Stderr, "\n")).To(BeNumerically("<", 16), r.Stderr)

		meta4 := clitest.New(binaries.Meta4, GinkgoT().TempDir())
		r = meta4.Run("file-download", "--skip-hash-verfication", "x")
		Expect(r.Code).To(Equal(2))
		Expect(r.Stderr).To(HavePrefix("meta4 file-download: unknown flag: --skip-hash-verfication (did you mean --skip-hash-verification?)\n"))
		Expect(meta4.Run("files", "--zzzzzz").Stderr).To(HavePrefix("meta4 files: unknown flag: --zzzzzz\n"))
	})

	It("prints its version", func() {
		Expect(repoTool().Succeed("version")).To(HavePrefix("meta4-repo "))
	})
})
