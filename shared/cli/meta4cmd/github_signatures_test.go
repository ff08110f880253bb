package meta4cmd_test

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"aead.dev/minisign"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/sigstoretest"
)

var _ = Describe("import-github-release with signatures", func() {
	const workflow = "https://github.com/acme/signed/.github/workflows/release.yml@refs/tags/v2.0.0"
	const tool = "tool-linux-amd64.tgz"
	var (
		server      *httptest.Server
		assets      map[string]string
		attestation string
		trustedRoot string
		sshPublic   string
		mu          sync.Mutex
		asked       []string // attestation requests' Authorization headers
	)

	BeforeEach(func() {
		assets = map[string]string{tool: "linux bytes", "notes.txt": "release notes"}
		pub, priv, err := minisign.GenerateKey(rand.Reader)
		Expect(err).NotTo(HaveOccurred())
		r := minisign.NewReader(strings.NewReader(assets[tool]))
		_, _ = r.Read(make([]byte, 64))
		assets[tool+".minisig"] = string(r.SignWithComments(priv, "timestamp:1\tfile:"+tool+"\thashed", "x"))
		pubText, err := pub.MarshalText()
		Expect(err).NotTo(HaveOccurred())
		assets["minisign.pub"] = string(pubText)

		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, tool), []byte(assets[tool]), 0o600)).To(Succeed())
		out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, "key")).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		out, err = exec.Command("ssh-keygen", "-Y", "sign", "-f", filepath.Join(dir, "key"), "-n", "file", filepath.Join(dir, tool)).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		assets[tool+".sig"] = filetree.Read(filepath.Join(dir, tool+".sig"))
		sshPublic = filetree.Read(filepath.Join(dir, "key.pub"))
		assets["notes.txt.sig"] = "MEUCIQDbase64-cosign-signature-without-a-log-entry=="

		store, err := sigstoretest.New()
		Expect(err).NotTo(HaveOccurred())
		attestation, err = store.Attest(workflow, tool, []byte(assets[tool]))
		Expect(err).NotTo(HaveOccurred())
		trustedRoot, err = store.TrustedRoot(true)
		Expect(err).NotTo(HaveOccurred())

		asked = nil
		mux := http.NewServeMux()
		mux.HandleFunc("GET /repos/acme/signed/releases/tags/v2.0.0", func(w http.ResponseWriter, _ *http.Request) {
			var list []any
			for _, name := range []string{tool, tool + ".minisig", tool + ".sig", "notes.txt", "notes.txt.sig"} {
				list = append(list, map[string]any{"name": name, "size": len(assets[name]),
					"browser_download_url": server.URL + "/download/" + name, "digest": "sha256:" + sha256Hex(assets[name])})
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"tag_name": "v2.0.0", "assets": list})
		})
		mux.HandleFunc("GET /repos/acme/signed/attestations/{digest}", func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			asked = append(asked, r.Header.Get("Authorization"))
			mu.Unlock()
			if r.PathValue("digest") != "sha256:"+sha256Hex(assets[tool]) {
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(`{"message":"Not Found"}`))
				return
			}
			_, _ = w.Write([]byte(`{"attestations":[{"bundle":` + attestation + `,"repository_id":1},{"bundle":null,"bundle_url":"https://x/y"}]}`))
		})
		mux.HandleFunc("GET /download/{name}", func(w http.ResponseWriter, r *http.Request) {
			Expect(r.Header.Get("Authorization")).To(BeEmpty(), "the token never goes to a download URL")
			_, _ = w.Write([]byte(assets[r.PathValue("name")]))
		})
		// Unstarted, so that server is set before a handler reads it.
		server = httptest.NewUnstartedServer(mux)
		server.Start()
		DeferCleanup(server.Close)
	})

	It("records sibling signatures and attestations as the asset's signatures, which file-verify proves", func() {
		t := newTool("GITHUB_API_URL="+server.URL, "GITHUB_TOKEN="+githubToken)
		r := t.Run("import-github-release", "--attestations", "acme/signed", "v2.0.0")
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stderr).To(ContainSubstring("notes.txt.sig: not an SSH or OpenPGP signature"))
		Expect(r.Stderr).NotTo(ContainSubstring(githubToken))
		Expect(t.Succeed("files")).To(Equal(tool + "\nnotes.txt\nnotes.txt.sig\n"))
		var types []string
		for _, sig := range document(at(t, "metalink.meta4")).Files[0].Signatures {
			types = append(types, sig.MediaType)
		}
		Expect(types).To(Equal([]string{metalink.SignatureMinisign, metalink.SignatureSSH, metalink.SignatureSigstore}))
		mu.Lock()
		Expect(asked).To(HaveLen(3))
		Expect(asked).To(HaveEach("Bearer " + githubToken))
		mu.Unlock()

		filetree.Write(at(t, "build/"+tool), assets[tool])
		filetree.Write(at(t, "minisign.pub"), assets["minisign.pub"])
		filetree.Write(at(t, "allowed_signers"), "release@acme.example "+sshPublic)
		filetree.Write(at(t, "trusted_root.json"), trustedRoot)
		filetree.Write(at(t, "sigstore.json"), `{"trusted_root":"trusted_root.json","identities":[{"issuer":"`+sigstoretest.Issuer+`","subject_regexp":"^https://github.com/acme/signed/"}]}`)
		r = t.Run("--file", tool, "file-verify", "--minisign-public-keys", "minisign.pub", "--sigstore", "sigstore.json", "build/"+tool)
		Expect(r.Code).To(Equal(1), "the SSH signature has no trust configured")
		Expect(r.Stderr).To(ContainSubstring("no --ssh-allowed-signers is configured"))
		r = t.Run("--file", tool, "file-verify", "--minisign-public-keys", "minisign.pub", "--sigstore", "sigstore.json",
			"--ssh-allowed-signers", "allowed_signers", "build/"+tool)
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stderr).To(ContainSubstring(tool + ": sigstore attestation by " + workflow + " (issuer " + sigstoretest.Issuer + ", log index 0) ok"))
		Expect(r.Stderr).To(ContainSubstring(tool + ": ssh signature by release@acme.example"))
		Expect(r.Stderr).To(ContainSubstring(tool + ": minisign signature by key"))
	})
})
