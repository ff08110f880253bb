package integration_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// The two scripts of the "golang" resource of the seed pipeline (the blog
// post "Metalink Repositories: Mirroring Third-Party Dependencies"), exactly
// as a YAML `|` block hands them over. Only the two hosts are replaced, by
// goDownloads, with a local server.
const (
	seedVersionCheck = `curl -s https://golang.org/dl/?mode=json | jq -r '.[].version[2:]'
`
	seedMetalinkGet = `curl -s https://golang.org/dl/?mode=json | jq '
  map(select(.version[2:] == env.version)) | map({
    "files": (.files | map({
      "name": .filename,
      "version": env.version,
      "size": .size,
      "urls": [ { "url": "https://dl.google.com/go/\(.filename)" } ],
      "hashes": [ { "type": "sha-256", "hash": .sha256 } ] } ) ) } )[]'
`
)

// goRelease is one entry of golang.org/dl/?mode=json.
type goRelease struct {
	Version string   `json:"version"`
	Stable  bool     `json:"stable"`
	Files   []goFile `json:"files"`
}

type goFile struct {
	Filename string `json:"filename"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	Version  string `json:"version"`
	SHA256   string `json:"sha256"`
	Size     int    `json:"size"`
	Kind     string `json:"kind"`
}

// goDownloads imitates golang.org/dl/?mode=json and dl.google.com/go/.
type goDownloads struct {
	server   *httptest.Server
	releases []goRelease
	content  map[string][]byte

	mu         sync.Mutex
	downloaded []string
}

func newGoDownloads() *goDownloads {
	d := &goDownloads{content: map[string][]byte{}}
	for i, version := range []string{"go1.21.1", "go1.21.0", "go1.20.8", "go1.21rc4"} {
		release := goRelease{Version: version, Stable: !strings.Contains(version, "rc")}
		for j, target := range []struct{ os, arch, kind, suffix string }{
			{"", "", "source", ".src.tar.gz"},
			{"linux", "amd64", "archive", ".linux-amd64.tar.gz"},
		} {
			name := version + target.suffix
			data := patterned(20_000+i*1000+j*500, byte(i*2+j))
			sum := sha256.Sum256(data)
			d.content[name] = data
			release.Files = append(release.Files, goFile{
				Filename: name, OS: target.os, Arch: target.arch, Version: version,
				SHA256: hex.EncodeToString(sum[:]), Size: len(data), Kind: target.kind,
			})
		}
		d.releases = append(d.releases, release)
	}
	d.server = httptest.NewServer(http.HandlerFunc(d.serve))
	DeferCleanup(d.server.Close)
	return d
}

func (d *goDownloads) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/dl/" && r.URL.Query().Get("mode") == "json" {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(d.releases) // a failed answer fails the client, where the test looks
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/go/")
	data, found := d.content[name]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	d.mu.Lock()
	d.downloaded = append(d.downloaded, name)
	d.mu.Unlock()
	_, _ = w.Write(data) // a failed answer fails the client, where the test looks
}

// fetched lists the files downloaded so far.
func (d *goDownloads) fetched() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.downloaded...)
}

// local points a seed script at this server.
func (d *goDownloads) local(script string) string {
	script = strings.ReplaceAll(script, "https://golang.org", d.server.URL)
	return strings.ReplaceAll(script, "https://dl.google.com", d.server.URL)
}

func (d *goDownloads) source() map[string]any {
	return map[string]any{"version_check": d.local(seedVersionCheck), "metalink_get": d.local(seedMetalinkGet)}
}

func (d *goDownloads) files(version string) []goFile {
	for _, release := range d.releases {
		if release.Version == "go"+version {
			return release.Files
		}
	}
	return nil
}

var _ = Describe("the seed pipeline's golang resource, pointed at a local Go download index", func() {
	var (
		downloads *goDownloads
		dest      string
	)

	BeforeEach(func() {
		downloads = newGoDownloads()
		dest = filepath.Join(GinkgoT().TempDir(), "golang")
		Expect(os.Mkdir(dest, 0o755)).To(Succeed())
	})

	getRequest := func(params map[string]any) map[string]any {
		return map[string]any{"source": downloads.source(), "version": map[string]any{"version": "1.21.0"}, "params": params}
	}

	It("finds the latest Go release and skips the release candidate with a warning", func() {
		r := execute(bin.Check, map[string]any{"source": downloads.source()})

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(MatchJSON(`[{"version":"1.21.1"}]`))
		Expect(r.stderr).To(ContainSubstring(`"1.21rc4"`))
	})

	It("lists the releases since the current one, oldest first", func() {
		r := execute(bin.Check, map[string]any{"source": downloads.source(), "version": map[string]any{"version": "1.20.8"}})

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(MatchJSON(`[{"version":"1.20.8"},{"version":"1.21.0"},{"version":"1.21.1"}]`))
	})

	It("records the release's metalink without downloading, as the seed's get with skip_download does", func() {
		r := execute(bin.In, getRequest(map[string]any{"skip_download": true}), dest)

		Expect(r.code).To(Equal(0), r.output)
		files := downloads.files("1.21.0")
		Expect(r.stdout).To(HavePrefix(fmt.Sprintf(
			`{"version":{"version":"1.21.0"},"metadata":[{"name":"files","value":"2"},{"name":"bytes","value":"%d"},`,
			files[0].Size+files[1].Size)))
		Expect(regularFiles(dest)).To(ConsistOf(".resource/metalink.meta4", ".resource/version"))
		Expect(downloads.fetched()).To(BeEmpty())

		data, err := os.ReadFile(filepath.Join(dest, ".resource", "metalink.meta4"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(HavePrefix("<?xml"))
		recorded, err := metalink.Parse(data)
		Expect(err).NotTo(HaveOccurred())
		Expect(recorded.Files).To(HaveLen(2))
		for i, f := range recorded.Files {
			Expect(f.Name).To(Equal(files[i].Filename))
			Expect(f.Version).To(Equal("1.21.0"))
			Expect(f.Size).To(BeEquivalentTo(files[i].Size))
			Expect(f.Hashes).To(Equal([]metalink.Hash{{Type: "sha-256", Hash: files[i].SHA256}}))
			Expect(f.URLs).To(HaveExactElements(HaveField("URL", downloads.server.URL+"/go/"+files[i].Filename)))
		}
	})

	It("downloads and verifies every file of the release", func() {
		r := execute(bin.In, getRequest(nil), dest)

		Expect(r.code).To(Equal(0), r.output)
		for _, f := range downloads.files("1.21.0") {
			data, err := os.ReadFile(filepath.Join(dest, f.Filename))
			Expect(err).NotTo(HaveOccurred())
			Expect(data).To(Equal(downloads.content[f.Filename]))
		}
		Expect(regularFiles(dest)).To(HaveLen(4))
	})
})
