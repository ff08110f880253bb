package integration_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
)

var _ = Describe("in", func() {
	var (
		dir  string // scripts and printed metalinks
		dest string
	)

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		dest = filepath.Join(GinkgoT().TempDir(), "get")
		Expect(os.Mkdir(dest, 0o755)).To(Succeed())
	})

	request := func(src map[string]any, params map[string]any) map[string]any {
		src["version_check"] = "echo 1.21.0"
		return map[string]any{
			"source":  src,
			"version": map[string]any{"version": "1.21.0"},
			"params":  params,
		}
	}

	readDest := func(name string) []byte {
		GinkgoHelper()
		data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(name)))
		Expect(err).NotTo(HaveOccurred())
		return data
	}

	Describe("a multi-file metalink whose mirrors misbehave", func() {
		var (
			linux, source, darwin []byte
			m                     *mirrors
			doc                   metalink.Metalink
		)

		BeforeEach(func() {
			linux, source, darwin = patterned(300_000, 1), patterned(200_000, 2), patterned(256*1024, 3)
			m = newMirrors(map[string][]byte{"go-linux.tgz": linux, "go-src.tgz": source, "go-darwin.tgz": darwin})
			darwinPieces := pieceHashes(darwin, 64*1024)
			doc = metalink.Metalink{Files: []metalink.File{
				{
					Name: "go-linux.tgz", Size: uint64(len(linux)), Hashes: hashes(linux), Version: "1.21.0",
					URLs: []metalink.URL{
						{URL: m.url("good", "go-linux.tgz")},
						{URL: m.url("fail500", "go-linux.tgz"), Priority: fixtures.Priority(2)},
						{URL: deadURL() + "/go-linux.tgz", Priority: fixtures.Priority(1)},
					},
				},
				{
					Name: "go-src.tgz", Size: uint64(len(source)), Hashes: hashes(source), Version: "1.21.0",
					URLs: []metalink.URL{
						{URL: m.url("cut", "go-src.tgz"), Priority: fixtures.Priority(1)},
						{URL: m.url("good", "go-src.tgz"), Priority: fixtures.Priority(2)},
					},
				},
				{
					Name: "go-darwin.tgz", Size: uint64(len(darwin)), Pieces: []metalink.Pieces{darwinPieces}, Version: "1.21.0",
					Hashes: []metalink.Hash{{Type: "sha-256", Hash: strings.ToUpper(hashes(darwin)[0].Hash)}},
					URLs: []metalink.URL{
						{URL: m.url("corrupt", "go-darwin.tgz"), Priority: fixtures.Priority(1)},
						{URL: m.url("good", "go-darwin.tgz"), Priority: fixtures.Priority(2)},
					},
				},
			}}
		})

		It("gets every file intact, falling through dead, failing and corrupt mirrors and resuming a cut transfer", func() {
			r := execute(bin.In, request(map[string]any{"metalink_get": catScript(dir, doc)}, nil), dest)

			Expect(r.code).To(Equal(0), r.output)
			Expect(r.stdout).To(HavePrefix(fmt.Sprintf(
				`{"version":{"version":"1.21.0"},"metadata":[{"name":"files","value":"3"},{"name":"bytes","value":"%d"},`,
				len(linux)+len(source)+len(darwin))))
			Expect(readDest("go-linux.tgz")).To(Equal(linux))
			Expect(readDest("go-src.tgz")).To(Equal(source))
			Expect(readDest("go-darwin.tgz")).To(Equal(darwin))
			Expect(readDest(".resource/version")).To(Equal([]byte("1.21.0")))
			Expect(regularFiles(dest)).To(ConsistOf("go-linux.tgz", "go-src.tgz", "go-darwin.tgz", ".resource/metalink.meta4", ".resource/version"))

			seen := m.seen()
			Expect(seen).To(ContainElement("fail500/go-linux.tgz"), "the 500 mirror came before the unprioritised one")
			Expect(seen).To(ContainElement("good/go-linux.tgz"))
			Expect(seen).To(ContainElement(MatchRegexp(`^cut/go-src\.tgz bytes=[1-9][0-9]*-$`)), "the cut transfer resumed with a Range request")
			Expect(seen).NotTo(ContainElement(HavePrefix("good/go-src.tgz")), "the cut mirror was not abandoned")
			Expect(seen).To(ContainElement("corrupt/go-darwin.tgz"))
			Expect(seen).To(ContainElement("good/go-darwin.tgz"))
			Expect(r.stderr).To(MatchRegexp(`go-linux\.tgz: http://127\.0\.0\.1:\d+/go-linux\.tgz failed: .*connection refused`))
			Expect(r.stderr).To(MatchRegexp(`go-linux\.tgz: .*/fail500/go-linux\.tgz failed: 500`))
			Expect(r.stderr).To(MatchRegexp(`go-darwin\.tgz: .*/corrupt/go-darwin\.tgz failed: .*piece`), "the corrupt mirror is named with the bad piece")
			Expect(r.stderr).NotTo(ContainSubstring("panic"))
		})

		// onlyGoodLinuxMirror spares a test the retries of the dead and failing
		// mirrors (about seven seconds each) when it is not about them.
		onlyGoodLinuxMirror := func() {
			doc.Files[0].URLs = []metalink.URL{{URL: m.url("good", "go-linux.tgz")}}
		}

		It("fails and keeps nothing when no mirror of one file has good bytes", func() {
			onlyGoodLinuxMirror()
			doc.Files[2].URLs = doc.Files[2].URLs[:1]

			r := execute(bin.In, request(map[string]any{"metalink_get": catScript(dir, doc)}, nil), dest)

			Expect(r.code).To(Equal(1))
			Expect(r.stdout).To(BeEmpty())
			Expect(r.lastLine()).To(HavePrefix("in: "))
			Expect(r.lastLine()).To(ContainSubstring("go-darwin.tgz"))
			Expect(regularFiles(dest)).To(BeEmpty())
		})

		It("downloads nothing with skip_download but still records the metalink and counts the files", func() {
			r := execute(bin.In, request(map[string]any{"metalink_get": catScript(dir, doc)}, map[string]any{"skip_download": true}), dest)

			Expect(r.code).To(Equal(0), r.output)
			Expect(r.stdout).To(HavePrefix(fmt.Sprintf(
				`{"version":{"version":"1.21.0"},"metadata":[{"name":"files","value":"3"},{"name":"bytes","value":"%d"},`,
				len(linux)+len(source)+len(darwin))))
			Expect(regularFiles(dest)).To(ConsistOf(".resource/metalink.meta4", ".resource/version"))
			Expect(m.seen()).To(BeEmpty())
			recorded, err := metalink.Parse(readDest(".resource/metalink.meta4"))
			Expect(err).NotTo(HaveOccurred())
			Expect(recorded.Files).To(HaveLen(3))
			Expect(recorded.Files[2].Pieces).To(HaveLen(1))
		})

		It("downloads only what include_files, exclude_files and params.include_files select", func() {
			onlyGoodLinuxMirror()
			src := map[string]any{
				"metalink_get":  catScript(dir, doc),
				"include_files": []string{"go-*.tgz"},
				"exclude_files": []string{"go-src.tgz"},
			}

			r := execute(bin.In, request(src, map[string]any{"include_files": []string{"*linux*", "*src*"}}), dest)

			Expect(r.code).To(Equal(0), r.output)
			Expect(r.stdout).To(HavePrefix(fmt.Sprintf(
				`{"version":{"version":"1.21.0"},"metadata":[{"name":"files","value":"1"},{"name":"bytes","value":"%d"},`, len(linux))))
			Expect(regularFiles(dest)).To(ConsistOf("go-linux.tgz", ".resource/metalink.meta4", ".resource/version"))
		})
	})

	It("reads a meta4 XML document with pieces from metalink_get", func() {
		content := patterned(150_000, 9)
		m := newMirrors(map[string][]byte{"tool.tgz": content})
		pieces := pieceHashes(content, 32*1024)
		xml := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <file name="tool.tgz">
    <size>%d</size>
    <version>1.21.0</version>
    <hash type="sha-512">%s</hash>
    <pieces type="sha-256" length="%d">
      <hash>%s</hash>
    </pieces>
    <url priority="1">%s</url>
    <url priority="2">%s</url>
  </file>
</metalink>
`, len(content), hashes(content)[1].Hash, pieces.Length, strings.Join(pieces.Hashes, "</hash>\n      <hash>"),
			m.url("corrupt", "tool.tgz"), m.url("good", "tool.tgz"))
		script := fmt.Sprintf("cat '%s'", writeScriptFile(dir, "*.meta4", []byte(xml)))

		r := execute(bin.In, request(map[string]any{"metalink_get": script}, nil), dest)

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(HavePrefix(fmt.Sprintf(
			`{"version":{"version":"1.21.0"},"metadata":[{"name":"files","value":"1"},{"name":"bytes","value":"%d"},`, len(content))))
		Expect(readDest("tool.tgz")).To(Equal(content))
		Expect(m.seen()).To(ContainElement("corrupt/tool.tgz"))
	})

	Describe("signatures", func() {
		var (
			content []byte
			m       *mirrors
			trusted signer
		)

		BeforeEach(func() {
			content = patterned(40_000, 5)
			m = newMirrors(map[string][]byte{"signed.tgz": content})
			trusted = newSigner("Trusted Signer")
		})

		signedBy := func(s signer, signed []byte) metalink.Metalink {
			return metalink.Metalink{Files: []metalink.File{{
				Name: "signed.tgz", Size: uint64(len(content)), Hashes: hashes(content),
				URLs: []metalink.URL{{URL: m.url("good", "signed.tgz")}}, Signatures: s.sign(signed),
			}}}
		}

		getWith := func(doc metalink.Metalink, extra map[string]any) result {
			src := map[string]any{"metalink_get": catScript(dir, doc), "signature_trust_store": trusted.publicKey()}
			for k, v := range extra {
				src[k] = v
			}
			return execute(bin.In, request(src, nil), dest)
		}

		It("accepts a file signed by a key in the trust store", func() {
			r := getWith(signedBy(trusted, content), nil)

			Expect(r.code).To(Equal(0), r.output)
			Expect(readDest("signed.tgz")).To(Equal(content))
		})

		It("accepts a trust store of several armored keys", func() {
			other := newSigner("Other Signer")

			r := getWith(signedBy(trusted, content), map[string]any{"signature_trust_store": other.publicKey() + "\n" + trusted.publicKey()})

			Expect(r.code).To(Equal(0), r.output)
		})

		DescribeTable("rejects a signature that does not verify and keeps nothing",
			func(doc func() metalink.Metalink) {
				r := getWith(doc(), nil)

				Expect(r.code).To(Equal(1))
				Expect(r.lastLine()).To(HavePrefix("in: "))
				Expect(r.lastLine()).To(ContainSubstring("signed.tgz"))
				Expect(regularFiles(dest)).To(BeEmpty())
			},
			Entry("signed by a key outside the trust store", func() metalink.Metalink {
				return signedBy(newSigner("Stranger"), content)
			}),
			Entry("signed over different bytes", func() metalink.Metalink {
				return signedBy(trusted, []byte("something else"))
			}),
		)

		It("ignores a bad signature when skip_signature_verification is set", func() {
			r := getWith(signedBy(newSigner("Stranger"), content), map[string]any{"skip_signature_verification": true})

			Expect(r.code).To(Equal(0), r.output)
			Expect(readDest("signed.tgz")).To(Equal(content))
		})
	})

	It("stops promptly on SIGTERM, killing the script's processes and leaving nothing", func() {
		pidFile := filepath.Join(dir, "sleep.pid")
		script := fmt.Sprintf("sleep 60 & echo $! > '%s.tmp'; mv '%s.tmp' '%s'; wait", pidFile, pidFile, pidFile)
		stdin, err := json.Marshal(request(map[string]any{"metalink_get": script}, nil))
		Expect(err).NotTo(HaveOccurred())
		cmd := exec.Command(bin.In, dest)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		Expect(cmd.Start()).To(Succeed())
		DeferCleanup(func() { _ = cmd.Process.Kill() }) // for a test that failed early; usually it has exited

		Eventually(pidFile, 10*time.Second).Should(BeAnExistingFile())
		data, err := os.ReadFile(pidFile)
		Expect(err).NotTo(HaveOccurred())
		sleeper, err := strconv.Atoi(strings.TrimSpace(string(data)))
		Expect(err).NotTo(HaveOccurred())
		Expect(cmd.Process.Signal(syscall.SIGTERM)).To(Succeed())

		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		Eventually(exited, 5*time.Second).Should(Receive(HaveOccurred()))
		Expect(cmd.ProcessState.ExitCode()).To(Equal(1))
		Expect(stderr.String()).To(HavePrefix("in: metalink_get: "))
		Eventually(running).WithArguments(sleeper).Should(BeFalse(), "the script's background sleep is gone")
		Expect(regularFiles(dest)).To(BeEmpty())
	})
})

// running reports whether pid is a live process: a killed orphan may linger
// as a zombie until whatever adopted it reaps it, but it runs no more.
func running(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}
