package dynamicmetalink_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

var _ = Describe("in", func() {
	var (
		dir  string // where payloads and printed metalinks live
		dest string
	)

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		dest = filepath.Join(GinkgoT().TempDir(), "dest")
	})

	// payload writes content and describes it as a metalink file.
	payload := func(name, content string) metalink.File {
		path := filepath.Join(dir, name)
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
		sum := sha256.Sum256([]byte(content))
		return metalink.File{
			Name:   name,
			Size:   uint64(len(content)),
			Hashes: []metalink.Hash{{Type: "sha-256", Hash: hex.EncodeToString(sum[:])}},
			URLs:   []metalink.URL{{URL: "file://" + path}},
		}
	}

	// printing returns a metalink_get script that prints doc as JSON.
	printing := func(doc metalink.Metalink) string {
		data, err := json.Marshal(doc)
		Expect(err).NotTo(HaveOccurred())
		path := filepath.Join(dir, "printed.json")
		Expect(os.WriteFile(path, data, 0o644)).To(Succeed())
		return "cat '" + path + "'"
	}

	request := func(extra map[string]any, params map[string]any) map[string]any {
		return map[string]any{
			"source":  source(extra),
			"version": map[string]any{"version": "1.2.3"},
			"params":  params,
		}
	}

	readDest := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dest, name))
		Expect(err).NotTo(HaveOccurred())
		return string(data)
	}

	It("downloads and verifies the files of the metalink the script prints", func() {
		doc := metalink.Metalink{Files: []metalink.File{payload("a.txt", "alpha"), payload("b.txt", "bravo!")}}

		r := run(in(dest), request(map[string]any{"metalink_get": printing(doc)}, nil))

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(HavePrefix(`{"version":{"version":"1.2.3"},"metadata":[{"name":"files","value":"2"},{"name":"bytes","value":"11"},`))
		Expect(readDest("a.txt")).To(Equal("alpha"))
		Expect(readDest("b.txt")).To(Equal("bravo!"))
		Expect(readDest(".resource/version")).To(Equal("1.2.3"))
	})

	It("gives the script the requested version in $version", func() {
		script := `printf '{"files":[{"name":"go%s.tgz","size":7,"urls":[{"url":"file:///nowhere"}]}]}' "$version"`

		r := run(in(dest), request(map[string]any{"metalink_get": script}, map[string]any{"skip_download": true}))

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(HavePrefix(`{"version":{"version":"1.2.3"},"metadata":[{"name":"files","value":"1"},{"name":"bytes","value":"7"},`))
		recorded, err := metalink.Parse([]byte(readDest(".resource/metalink.meta4")))
		Expect(err).NotTo(HaveOccurred())
		Expect(recorded.Files[0].Name).To(Equal("go1.2.3.tgz"))
		Expect(filepath.Join(dest, "go1.2.3.tgz")).NotTo(BeAnExistingFile())
	})

	DescribeTable("keeps the records metalink_get prints: description, licence, publisher and identity",
		func(asXML bool) {
			f := payload("app.tgz", "app")
			f.Description, f.Identity = "the app, for the nightly build", "app"
			f.License = &metalink.License{Name: "Apache-2.0", URL: "https://www.apache.org/licenses/LICENSE-2.0"}
			f.Publisher = &metalink.Publisher{Name: "Acme", URL: "https://acme.example.com"}
			doc := metalink.Metalink{Files: []metalink.File{f}}
			script := printing(doc)
			if asXML {
				data, err := metalink.MarshalXML(doc)
				Expect(err).NotTo(HaveOccurred())
				path := filepath.Join(dir, "printed.meta4")
				Expect(os.WriteFile(path, data, 0o644)).To(Succeed())
				script = "cat '" + path + "'"
			}

			r := run(in(dest), request(map[string]any{"metalink_get": script}, nil))

			Expect(r.code).To(Equal(0), r.output)
			recorded, err := metalink.Parse([]byte(readDest(".resource/metalink.meta4")))
			Expect(err).NotTo(HaveOccurred())
			got := recorded.Files[0]
			Expect(got.Description).To(Equal(f.Description))
			Expect(got.Identity).To(Equal(f.Identity))
			Expect(got.License).To(Equal(f.License))
			Expect(got.Publisher).To(Equal(f.Publisher))
		},
		Entry("printed as JSON", false),
		Entry("printed as meta4 XML", true),
	)

	It("downloads only the files params.include_files picks out of source.include_files", func() {
		doc := metalink.Metalink{Files: []metalink.File{payload("x.tgz", "x"), payload("y.tgz", "y"), payload("y.zip", "z")}}
		extra := map[string]any{"metalink_get": printing(doc), "include_files": []string{"*.tgz"}}

		r := run(in(dest), request(extra, map[string]any{"include_files": []string{"y.*"}}))

		Expect(r.code).To(Equal(0), r.output)
		Expect(readDest("y.tgz")).To(Equal("y"))
		Expect(filepath.Join(dest, "x.tgz")).NotTo(BeAnExistingFile())
		Expect(filepath.Join(dest, "y.zip")).NotTo(BeAnExistingFile())
	})

	It("refuses a version that source.version does not allow, without running the script", func() {
		marker := filepath.Join(dir, "ran")
		extra := map[string]any{"version": "^2", "metalink_get": "touch '" + marker + "'"}

		r := run(in(dest), request(extra, nil))

		Expect(r.code).To(Equal(1))
		Expect(r.lastLine()).To(Equal(`in: version "1.2.3" is not allowed by source.version "^2"`))
		Expect(marker).NotTo(BeAnExistingFile())
	})

	It("quotes at most 200 bytes of a requested version that cannot be checked", func() {
		long := strings.Repeat("v", 1<<20)
		req := request(map[string]any{"version": "^2"}, nil)
		req["version"] = map[string]any{"version": long}

		r := run(in(dest), req)

		Expect(r.code).To(Equal(1))
		quoted := `"` + long[:200] + `"…`
		Expect(r.lastLine()).To(HavePrefix(`in: version ` + quoted + ` cannot be checked against source.version "^2": invalid version ` + quoted + `: `))
		Expect(len(r.lastLine())).To(BeNumerically("<", 800))
	})

	It("fails with a usage line when no destination is given", func() {
		r := run(in(), request(nil, nil))

		Expect(r.code).To(Equal(1))
		Expect(r.stderr).To(Equal("in: usage: in DIRECTORY (exactly one directory, got 0 arguments)\n"))
	})

	It("quotes what the script printed when it is no metalink at all", func() {
		r := run(in(dest), request(map[string]any{"metalink_get": "echo 'Service Unavailable'"}, nil))

		Expect(r.code).To(Equal(1))
		Expect(r.lastLine()).To(HavePrefix("in: metalink_get did not print a metalink: "))
		Expect(strings.Count(r.lastLine(), `"Service Unavailable\n"`)).To(Equal(1))
	})

	It("quotes the start of what the script printed when it is JSON or XML but not a metalink", func() {
		r := run(in(dest), request(map[string]any{"metalink_get": "echo '<html>Service Unavailable</html>'"}, nil))

		Expect(r.code).To(Equal(1))
		Expect(r.lastLine()).To(HavePrefix("in: metalink_get did not print a metalink: "))
		Expect(r.lastLine()).To(ContainSubstring(`output began: "<html>Service Unavailable</html>\n"`))
		Expect(dest).NotTo(BeADirectory())
	})

	It("fails when the script prints nothing", func() {
		r := run(in(dest), request(map[string]any{"metalink_get": "true"}, nil))

		Expect(r.code).To(Equal(1))
		Expect(r.lastLine()).To(Equal(`in: metalink_get printed nothing for version "1.2.3"; expected a metalink (JSON or meta4 XML)`))
	})

	It("rejects an unknown params key", func() {
		r := run(in(dest), request(nil, map[string]any{"skip_downlaod": true}))

		Expect(r.code).To(Equal(1))
		Expect(r.lastLine()).To(ContainSubstring(`unknown key "params.skip_downlaod"`))
	})
})

var _ = Describe("out", func() {
	It("explains that put is not supported", func() {
		r := run(out, `{"source":{},"params":{}}`)

		Expect(r.code).To(Equal(1))
		Expect(r.stdout).To(BeEmpty())
		Expect(r.stderr).To(Equal("out: put is not supported by dynamic-metalink; use a metalink-repository resource to publish\n"))
	})
})
