package download_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/throttle"
)

var _ = Describe("fetching the files of a release", func() {
	var (
		content bigFile
		dir     string
		report  *gbytes.Buffer
	)

	BeforeEach(func() {
		content = bigFile{block: fixtures.RandomBytes(64<<10, 17), size: 256 << 10}
		dir = GinkgoT().TempDir()
		report = gbytes.NewBuffer()
	})

	// release is count files of the same content, each at path /big.bin of
	// every mirror (the test servers serve one path whatever the name).
	release := func(count int, mirrors ...*throttle.Server) []metalink.File {
		files := make([]metalink.File, count)
		for i := range files {
			files[i] = content.metalinkFile(0, urlsOf(mirrors...)...)
			files[i].Name = fmt.Sprintf("asset-%02d.bin", i)
		}
		return files
	}

	It("fetches several at once, never more to one host than the budget allows", func(ctx SpecContext) {
		// Each mirror answers nobody until two requests are under way: files
		// fetched one after the other would never be answered.
		a := throttled(2, throttle.Config{Body: content.body(), Together: 2, MaxConcurrent: 2})
		b := throttled(3, throttle.Config{Body: content.body(), Together: 2, MaxConcurrent: 2})
		files := release(12, a, b)
		opts := download.Options{Report: report, Segments: download.Segments{PerHost: 2}}

		Expect(download.Files(ctx, files, dir, opts)).To(Succeed())
		for _, f := range files {
			got, err := os.ReadFile(filepath.Join(dir, f.Name))
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(content.bytes()), f.Name)
		}
		Expect(a.Peak()).To(Equal(2))
		Expect(b.Peak()).To(Equal(2), "equal mirrors share the release")
		Expect(a.Refused()+b.Refused()).To(BeZero(), "not one 503 provoked")
		Expect(report).To(gbytes.Say(`asset-\d\d.bin: sha-256 ok`))
	})

	It("lends what the budget leaves free to a file still under way, beyond max_connections_per_server", func(ctx SpecContext) {
		big := bigFile{block: fixtures.RandomBytes(mib+7, 23), size: 16 * mib}
		a := throttled(2, throttle.Config{Body: big.body(), Rate: 4 * mib, MaxConcurrent: 3})
		b := throttled(3, throttle.Config{Body: big.body(), Rate: 4 * mib, MaxConcurrent: 3})
		others := throttled(4, throttle.Config{Body: content.body()})
		files := append([]metalink.File{big.metalinkFile(0, urlsOf(a, b)...)}, release(4, others)...)
		// On its own the big file has one connection to each mirror.
		opts := download.Options{Report: report, Segments: download.Segments{PerHost: 3, MinSize: mib}}

		Expect(download.Files(ctx, files, dir, opts)).To(Succeed())
		Expect(os.ReadFile(filepath.Join(dir, "big.bin"))).To(Equal(big.bytes()))
		Expect(a.Peak()).To(Equal(3), "once every file had started, the big file took the budget of 127.0.0.2")
		Expect(b.Peak()).To(Equal(3))
		Expect(a.Refused()+b.Refused()).To(BeZero(), "not one 503 provoked")
	})

	It("takes at most the budget from one host for one file, whatever max_connections_per_server says", func(ctx SpecContext) {
		big := bigFile{block: fixtures.RandomBytes(mib+7, 19), size: segmentedSize}
		one := throttled(2, throttle.Config{Body: big.body(), Rate: 40 * mib, MaxConcurrent: 2})
		opts := download.Options{Report: report, Segments: download.Segments{PerServer: 4, PerHost: 2}}
		Expect(download.Files(ctx, []metalink.File{big.metalinkFile(0, urlsOf(one)...)}, dir, opts)).To(Succeed())
		Expect(one.Peak()).To(BeNumerically("<=", 2))
		Expect(one.Refused()).To(BeZero())
	})

	It("stops at the first file that fails, naming it, and leaves no part of any file", func(ctx SpecContext) {
		good := throttled(2, throttle.Config{Body: content.body()})
		files := release(8, good)
		files[3].Hashes = []metalink.Hash{{Type: "sha-256", Hash: fmt.Sprintf("%064x", 1)}}
		opts := download.Options{Report: report, Retries: -1}

		err := download.Files(ctx, files, dir, opts)
		Expect(err).To(MatchError(HavePrefix("download asset-03.bin: ")))
		Expect(err).To(MatchError(ContainSubstring("sha-256")))
		_, statErr := os.Stat(filepath.Join(dir, "asset-03.bin"))
		Expect(statErr).To(MatchError(os.ErrNotExist))
		names, readErr := os.ReadDir(dir)
		Expect(readErr).NotTo(HaveOccurred())
		for _, e := range names {
			Expect(e.Name()).To(MatchRegexp(`^asset-\d\d\.bin$`), "no temporary left behind")
		}
	})

	It("leaves no part of a file when SIGTERM ends it, and a rerun finishes the release", func(ctx SpecContext) {
		slow := throttled(2, throttle.Config{Body: content.body(), Rate: 64 << 10})
		sum := sha256.Sum256(content.bytes())
		start := func() (*exec.Cmd, *gbytes.Buffer, chan error) {
			child := filesChild(releaseSpec([]string{slow.URL}, []fileGroup{{count: 8, size: content.size, digest: hex.EncodeToString(sum[:])}}), 0, dir)
			output := gbytes.NewBuffer()
			child.Stdout, child.Stderr = output, output
			Expect(child.Start()).To(Succeed())
			exited := make(chan error, 1)
			go func() { exited <- child.Wait() }()
			DeferCleanup(func() { _ = child.Process.Kill() })
			return child, output, exited
		}
		child, output, exited := start()
		Eventually(func() []string { return dirEntries(dir) }).Should(ContainElement(MatchRegexp(`^\.asset-\d+\.bin\.partial-\d+$`)))
		Expect(child.Process.Signal(syscall.SIGTERM)).To(Succeed())
		Eventually(exited).Should(Receive(HaveOccurred()))
		Expect(output).To(gbytes.Say(`download asset-\d+\.bin: terminated signal received`))
		for _, name := range dirEntries(dir) {
			Expect(name).To(MatchRegexp(`^asset-\d+\.bin$`), "no part of a file is left")
			Expect(os.ReadFile(filepath.Join(dir, name))).To(Equal(content.bytes()), "what is left is whole")
		}

		_, _, exited = start()
		Eventually(exited).Should(Receive(BeNil()))
		Expect(dirEntries(dir)).To(HaveLen(8))
	})

	It("prints a line for the whole release beside the files' own", func(ctx SpecContext) {
		slow := throttled(2, throttle.Config{Body: content.body(), Rate: 1 << 20})
		progressOut := gbytes.NewBuffer()
		// Two at a time, four rounds: the line sees files done between them.
		opts := download.Options{Report: report, Progress: progressOut, ProgressInterval: 20 * time.Millisecond,
			Segments: download.Segments{PerHost: 2}}
		Expect(download.Files(ctx, release(8, slow), dir, opts)).To(Succeed())
		Expect(progressOut).To(gbytes.Say(`[1-7]/8 files, [0-9.]+ [KM]iB / 2.0 MiB \(\d+%\), [0-9.]+ [KM]?i?B/s\n`))
		Expect(string(progressOut.Contents())).To(ContainSubstring("asset-00.bin: 256.0 KiB / 256.0 KiB (100%)"))
	})

	It("is fine with one URL serving two files", func(ctx SpecContext) {
		shared := throttled(2, throttle.Config{Body: content.body()})
		files := release(2, shared)
		Expect(download.Files(ctx, files, dir, download.Options{Report: report})).To(Succeed())
		Expect(shared.Requests()).To(Equal(2))
	})
})
