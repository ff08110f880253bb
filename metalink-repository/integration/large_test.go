package integration_test

import (
	"fmt"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

// A repository of realistic size: 5,000 versions, one commit each, as a
// mirror pipeline leaves behind after years of releases.
var _ = Describe("a git repository with 5,000 versions", Ordered, func() {
	const versions = 5000
	var uri string

	version := func(i int) string { return fmt.Sprintf("2.%d.%d", i/100, i%100) }

	BeforeAll(func() {
		repo := gitserver.NewRepo(GinkgoT(), GinkgoT().TempDir(), "large.git")
		repo.ImportVersions(GinkgoT(), versions, func(i int) (string, []byte) {
			return fmt.Sprintf("releases/v%s.meta4", version(i)), gitserver.Meta4(version(i))
		})
		uri = "git+" + repo.FileURL() + "//releases"
	})

	It("checks the latest version first, then every newer version from the current one, oldest first", func() {
		first := run(bin.Check, map[string]any{"source": map[string]any{"uri": uri}})
		Expect(first.code).To(Equal(0), first.stderr)
		Expect(printedVersions(first)).To(Equal([]string{version(versions - 1)}))

		later := run(bin.Check, map[string]any{
			"source":  map[string]any{"uri": uri},
			"version": map[string]string{"version": version(versions - 3)},
		})
		Expect(later.code).To(Equal(0), later.stderr)
		Expect(printedVersions(later)).To(Equal([]string{version(versions - 3), version(versions - 2), version(versions - 1)}))
	})

	It("narrows 5,000 versions with a constraint", func() {
		r := run(bin.Check, map[string]any{
			"source":  map[string]any{"uri": uri, "version": "~2.10.0"},
			"version": map[string]string{"version": "2.10.95"},
		})
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(printedVersions(r)).To(Equal([]string{"2.10.95", "2.10.96", "2.10.97", "2.10.98", "2.10.99"}))
	})

	It("gets exactly the metalink of one version among 5,000", func() {
		dest := GinkgoT().TempDir()
		r := run(bin.In, map[string]any{
			"source":  map[string]any{"uri": uri},
			"version": map[string]string{"version": "2.17.3"},
			"params":  map[string]any{"skip_download": true},
		}, dest)
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(os.ReadFile(filepath.Join(dest, ".resource", "version"))).To(Equal([]byte("2.17.3")))
		Expect(os.ReadFile(filepath.Join(dest, ".resource", "metalink.meta4"))).To(ContainSubstring(`name="app-2.17.3.tgz"`))
	})
})
