package metalinkrepository_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/sigstoretest"
)

var _ = Describe("in", func() {
	var (
		repo  fileRepo
		dest  string
		blobs *httptest.Server
	)

	BeforeEach(func() {
		mux := http.NewServeMux()
		mux.HandleFunc("/app-1.0.0.tgz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("app one")) })
		mux.HandleFunc("/notes-1.0.0.txt", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("notes one")) })
		blobs = httptest.NewServer(mux)
		DeferCleanup(blobs.Close)

		repo = newFileRepo()
		repo.add("v1.0.0.meta4", release("1.0.0",
			blob("app-1.0.0.tgz", []byte("app one"), blobs.URL+"/app-1.0.0.tgz"),
			blob("notes-1.0.0.txt", []byte("notes one"), blobs.URL+"/notes-1.0.0.txt"),
		))
		repo.add("v2.0.0.meta4", release("2.0.0"))
		dest = filepath.Join(GinkgoT().TempDir(), "dest")
	})

	get := func(source map[string]any, version string, params map[string]any) result {
		source["uri"] = repo.uri()
		request := map[string]any{"source": source, "version": map[string]string{"version": version}}
		if params != nil {
			request["params"] = params
		}
		return runIn(asJSON(request), dest)
	}

	It("downloads every file of the requested version and records the metalink", func() {
		got := get(map[string]any{}, "1.0.0", nil)
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.stdout).To(HavePrefix(`{"version":{"version":"1.0.0"},"metadata":[{"name":"files","value":"2"},{"name":"bytes","value":"16"},`))
		Expect(filepath.Join(dest, "app-1.0.0.tgz")).To(BeARegularFile())
		Expect(os.ReadFile(filepath.Join(dest, "notes-1.0.0.txt"))).To(Equal([]byte("notes one")))
		Expect(os.ReadFile(filepath.Join(dest, ".resource", "version"))).To(Equal([]byte("1.0.0")))
		recorded, err := os.ReadFile(filepath.Join(dest, ".resource", "metalink.meta4"))
		Expect(err).NotTo(HaveOccurred())
		parsed, err := metalink.Parse(recorded)
		Expect(err).NotTo(HaveOccurred())
		Expect(parsed.Files).To(HaveLen(2))
	})

	It("downloads only the files that source and params include_files both select", func() {
		got := get(map[string]any{"include_files": []string{"*-1.0.0.*"}}, "1.0.0",
			map[string]any{"include_files": []string{"notes-*"}})
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(filepath.Join(dest, "notes-1.0.0.txt")).To(BeARegularFile())
		Expect(filepath.Join(dest, "app-1.0.0.tgz")).NotTo(BeAnExistingFile())
	})

	It("writes only the records with skip_download, still counting the selected files", func() {
		got := get(map[string]any{"exclude_files": []string{"notes-*"}}, "1.0.0", map[string]any{"skip_download": true})
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.stdout).To(HavePrefix(`{"version":{"version":"1.0.0"},"metadata":[{"name":"files","value":"1"},{"name":"bytes","value":"7"},`))
		Expect(filepath.Join(dest, "app-1.0.0.tgz")).NotTo(BeAnExistingFile())
		Expect(filepath.Join(dest, ".resource", "metalink.meta4")).To(BeARegularFile())
	})

	It("finds a version written differently but equal, and echoes the requested string", func() {
		got := get(map[string]any{}, "v1.0.0", map[string]any{"skip_download": true})
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.stdout).To(HavePrefix(`{"version":{"version":"v1.0.0"},"metadata":[{"name":"files","value":"2"},{"name":"bytes","value":"16"},`))
	})

	It("fails when no metalink carries the requested version", func() {
		got := get(map[string]any{}, "1.2.3", nil)
		Expect(got.code).To(Equal(1))
		Expect(got.lines()).To(Equal([]string{"in: no metalink for version 1.2.3 in " + repo.uri()}))
	})

	It("names the stored document whose file names in refuses", func() {
		repo.add("unsafe/v4.0.0.meta4", release("4.0.0", blob("../escaped.tgz", []byte("x"), blobs.URL+"/app-1.0.0.tgz")))
		repo.add("records/v5.0.0.meta4", release("5.0.0", blob(".resource/version", []byte("x"), blobs.URL+"/app-1.0.0.tgz")))

		got := get(map[string]any{}, "4.0.0", nil)
		Expect(got.code).To(Equal(1))
		Expect(got.lines()[len(got.lines())-1]).To(Equal(`in: metalink unsafe/v4.0.0.meta4: unsafe file name "../escaped.tgz": contains a ".." segment`))

		got = get(map[string]any{}, "5.0.0", nil)
		Expect(got.code).To(Equal(1))
		Expect(got.lines()[len(got.lines())-1]).To(Equal(`in: metalink records/v5.0.0.meta4: file name ".resource/version": .resource/ is reserved for the resource's own records`))
		Expect(dest).NotTo(BeAnExistingFile())
	})

	It("quotes at most 200 bytes of a requested version it cannot find", func() {
		long := strings.Repeat("9", 1<<20)
		got := get(map[string]any{}, long, nil)
		Expect(got.code).To(Equal(1))
		Expect(got.lines()).To(Equal([]string{"in: no metalink for version " + long[:200] + "… in " + repo.uri()}))
	})

	It("refuses a version that source.version no longer allows", func() {
		got := get(map[string]any{"version": ">= 2"}, "1.0.0", nil)
		Expect(got.code).To(Equal(1))
		Expect(got.stderr).To(ContainSubstring("in: no metalink for version 1.0.0"))
	})

	It("refuses to choose between two metalinks of the same version, naming both", func() {
		repo.add("copy/v1.0.0.meta4", release("1.0.0"))
		got := get(map[string]any{}, "1.0.0", nil)
		Expect(got.code).To(Equal(1))
		Expect(got.lines()).To(ConsistOf(
			MatchRegexp(`^in: 2 metalinks for version 1\.0\.0 \((v1\.0\.0\.meta4, copy/v1\.0\.0\.meta4|copy/v1\.0\.0\.meta4, v1\.0\.0\.meta4)\): expected exactly one$`)))
	})

	Describe("a file with a GitHub attestation", func() {
		const workflow = "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v4.0.0"
		var trustedRoot string

		BeforeEach(func() {
			store, err := sigstoretest.New()
			Expect(err).NotTo(HaveOccurred())
			trustedRoot, err = store.TrustedRoot(true)
			Expect(err).NotTo(HaveOccurred())
			attestation, err := store.Attest(workflow, "app-4.0.0.tgz", []byte("app one"))
			Expect(err).NotTo(HaveOccurred())
			f := blob("app-4.0.0.tgz", []byte("app one"), blobs.URL+"/app-1.0.0.tgz")
			f.Signatures = []metalink.Signature{{MediaType: metalink.SignatureSigstore, Signature: attestation}}
			repo.add("v4.0.0.meta4", release("4.0.0", f))
		})

		sigstoreSource := func(subjectRegexp string) map[string]any {
			var root map[string]any
			Expect(json.Unmarshal([]byte(trustedRoot), &root)).To(Succeed())
			return map[string]any{"sigstore": map[string]any{"trusted_root": root,
				"identities": []map[string]string{{"issuer": sigstoretest.Issuer, "subject_regexp": subjectRegexp}}}}
		}

		It("is verified against source.sigstore, and in says by whom", func() {
			got := get(sigstoreSource(`^https://github\.com/acme/app/`), "4.0.0", nil)
			Expect(got.code).To(Equal(0), got.stderr)
			Expect(got.stderr).To(ContainSubstring("app-4.0.0.tgz: sigstore attestation by " + workflow + " (issuer " + sigstoretest.Issuer + ", log index 0) ok"))
			Expect(os.ReadFile(filepath.Join(dest, "app-4.0.0.tgz"))).To(Equal([]byte("app one")))
		})

		It("fails with one line, and nothing under its name, when another workflow signed it", func() {
			got := get(sigstoreSource(`^https://github\.com/acme/other/`), "4.0.0", nil)
			Expect(got.code).To(Equal(1))
			Expect(got.lines()[len(got.lines())-1]).To(MatchRegexp(`^in: download app-4\.0\.0\.tgz: .*sigstore attestation does not verify: .*`))
			Expect(filepath.Join(dest, "app-4.0.0.tgz")).NotTo(BeAnExistingFile())
		})

		It("fails when no sigstore trust is configured", func() {
			got := get(map[string]any{}, "4.0.0", nil)
			Expect(got.code).To(Equal(1))
			Expect(got.lines()[len(got.lines())-1]).To(Equal(
				"in: download app-4.0.0.tgz: the file has a sigstore signature but no sigstore is configured; configure it or set skip_signature_verification"))
		})
	})

	It("leaves no file under its final name when a download fails verification", func() {
		repo.add("v3.0.0.meta4", release("3.0.0", blob("app-3.0.0.tgz", []byte("expected bytes"), blobs.URL+"/app-1.0.0.tgz")))
		got := get(map[string]any{}, "3.0.0", nil)
		Expect(got.code).To(Equal(1))
		Expect(got.lines()[len(got.lines())-1]).To(HavePrefix("in: "))
		Expect(filepath.Join(dest, "app-3.0.0.tgz")).NotTo(BeAnExistingFile())
		Expect(filepath.Join(dest, ".resource", "version")).NotTo(BeAnExistingFile())
	})
})
