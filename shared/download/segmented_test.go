package download_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/ftpserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/throttle"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

// segmentedSize is large enough for every connection to fetch many blocks.
const segmentedSize = 40 * mib

// throttled starts a mirror of body on loopback address host (2 is
// 127.0.0.2), capping each connection at rate bytes per second.
func throttled(host int, cfg throttle.Config) *throttle.Server {
	cfg.Addr = throttle.Loopback(host)
	if cfg.Path == "" {
		cfg.Path = "/big.bin"
	}
	server, err := throttle.Start(cfg)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(server.Close)
	return server
}

// bigFile is the content the segmented specs fetch: one random MiB repeated
// with a marker per MiB, so that blocks differ from one another.
type bigFile struct {
	block []byte
	size  int64
}

func (b bigFile) body() func() io.ReadSeeker { return throttle.Repeat(b.block, b.size) }

// corrupt is a body of the same size with one byte in every MiB wrong.
func (b bigFile) corrupt() func() io.ReadSeeker {
	bad := bytes.Clone(b.block)
	bad[len(bad)/2] ^= 0xff
	return throttle.Repeat(bad, b.size)
}

func (b bigFile) bytes() []byte {
	out, err := io.ReadAll(b.body()())
	Expect(err).NotTo(HaveOccurred())
	return out
}

// metalinkFile describes the content with size and sha-256, and when
// pieceLength > 0 with sha-1 pieces.
func (b bigFile) metalinkFile(pieceLength int, urls ...metalink.URL) metalink.File {
	content := b.bytes()
	sum := sha256.Sum256(content)
	f := metalink.File{Name: "big.bin", Size: uint64(len(content)), URLs: urls,
		Hashes: []metalink.Hash{{Type: "sha-256", Hash: hex.EncodeToString(sum[:])}}}
	if pieceLength > 0 {
		f.Pieces = []metalink.Pieces{{Type: "sha-1", Length: uint64(pieceLength), Hashes: sha1Pieces(content, pieceLength)}}
	}
	return f
}

func urlsOf(servers ...*throttle.Server) []metalink.URL {
	out := make([]metalink.URL, len(servers))
	for i, s := range servers {
		out[i] = metalink.URL{URL: s.URL}
	}
	return out
}

var _ = Describe("fetching a file from several mirrors at once", func() {
	var (
		big    bigFile
		dir    string
		report *gbytes.Buffer
		opts   download.Options
	)

	BeforeEach(func() {
		// 1 MiB + 7: blocks fall across the repetitions.
		big = bigFile{block: fixtures.RandomBytes(mib+7, 11), size: segmentedSize}
		dir = GinkgoT().TempDir()
		report = gbytes.NewBuffer()
		opts = download.Options{Report: report, Backoff: func(int) time.Duration { return time.Millisecond }}
	})

	fetched := func() []byte {
		got, err := os.ReadFile(filepath.Join(dir, "big.bin"))
		Expect(err).NotTo(HaveOccurred())
		return got
	}

	It("shares the file among equal mirrors", func(ctx SpecContext) {
		var mirrors []*throttle.Server
		for host := 2; host <= 5; host++ {
			mirrors = append(mirrors, throttled(host, throttle.Config{Body: big.body(), Rate: 40 * mib}))
		}
		progressOut := gbytes.NewBuffer()
		opts.Progress, opts.ProgressInterval = progressOut, 50*time.Millisecond
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(mirrors...)...), dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		for _, m := range mirrors {
			Expect(m.Sent()).To(BeNumerically(">", segmentedSize/8), "each mirror sent a fair share")
		}
		Expect(report).To(gbytes.Say(`big.bin: sha-256 ok`))
		Expect(progressOut).To(gbytes.Say(`from 4 mirrors\n`))
		Expect(progressOut).To(gbytes.Say(`big.bin: 40.0 MiB / 40.0 MiB \(100%\) [0-9.]+ MiB/s, served by ` +
			mirrors[0].URL + ` \([0-9.]+ MiB\), ` + mirrors[1].URL + ` \([0-9.]+ MiB\), ` +
			mirrors[2].URL + ` \([0-9.]+ MiB\), ` + mirrors[3].URL + ` \([0-9.]+ MiB\)\n$`))
	})

	It("lets fast mirrors carry most of the file when mirrors differ in speed", func(ctx SpecContext) {
		// Rates low enough to bind on a machine busy with other suites, so
		// that the mirrors do differ; shares, not the time taken, are
		// asserted: the slow mirror alone would need 24 s.
		big.size = 24 * mib
		fast := throttled(2, throttle.Config{Body: big.body(), Rate: 16 * mib})
		medium := throttled(3, throttle.Config{Body: big.body(), Rate: 8 * mib})
		slow := throttled(4, throttle.Config{Body: big.body(), Rate: mib})
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(fast, medium, slow)...), dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		Expect(slow.Sent()).To(BeNumerically("<", big.size/4), "the slow mirror carried a small part")
		Expect(fast.Sent()).To(BeNumerically(">", slow.Sent()))
		Expect(medium.Sent()).To(BeNumerically(">", slow.Sent()))
	})

	It("fetches a file from several connections to one URL when allowed", func(ctx SpecContext) {
		only := throttled(2, throttle.Config{Body: big.body(), Rate: 40 * mib})
		opts.Segments.PerServer = 4
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(only)...), dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		Expect(only.Requests()).To(BeNumerically(">=", 4))
	})

	It("gives a share to a mirror slow to answer, not only the block everyone waits for", func(ctx SpecContext) {
		// Each request to far waits longer than a block takes from near: raced
		// at the cursor after every loss, it would never complete a block.
		near := throttled(2, throttle.Config{Body: big.body(), Rate: 10 * mib})
		far := throttled(3, throttle.Config{Body: big.body(), Rate: 40 * mib, Delay: 300 * time.Millisecond})
		opts.Progress = report
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(near, far)...), dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		Expect(report).To(gbytes.Say(`served by ` + near.URL + ` \([0-9.]+ MiB\), ` + far.URL + ` \([1-9][0-9.]* MiB\)`))
	})

	It("fetches blocks from an ftp mirror with REST beside an http one", func(ctx SpecContext) {
		server := ftpserver.Start(GinkgoT(), map[string][]byte{"/pub/big.bin": big.bytes()})
		// Capped, so that the ftp mirror (slow under the race detector) has to
		// carry a share.
		web := throttled(2, throttle.Config{Body: big.body(), Rate: 10 * mib})
		opts.Reader, opts.Progress = transfer.Defaults(network.Default().HTTP), report
		file := big.metalinkFile(0, metalink.URL{URL: server.URL("", "/pub/big.bin")}, metalink.URL{URL: web.URL})
		Expect(download.File(ctx, file, dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		Expect(server.RestartOffsets()).To(ContainElement(BeNumerically(">", 0)), "the ftp mirror was asked for a later block")
		Expect(report).To(gbytes.Say(`served by ftp://\S+/pub/big.bin \([1-9][^)]*\), http://\S+/big.bin`))
	})

	It("reads one URL as one stream by default", func(ctx SpecContext) {
		only := throttled(2, throttle.Config{Body: big.body()})
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(only)...), dir, opts)).To(Succeed())
		Expect(only.Ranges()).To(Equal([]string{""}))
	})

	It("reads a file below min_split_size as one stream", func(ctx SpecContext) {
		a, b := throttled(2, throttle.Config{Body: big.body()}), throttled(3, throttle.Config{Body: big.body()})
		opts.Segments.MinSize = segmentedSize + 1
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(a, b)...), dir, opts)).To(Succeed())
		Expect(a.Ranges()).To(Equal([]string{""}))
		Expect(b.Requests()).To(BeZero())
	})

	It("never uses a mirror of lower priority while the best class works", func(ctx SpecContext) {
		a := throttled(2, throttle.Config{Body: big.body(), Rate: 40 * mib})
		b := throttled(3, throttle.Config{Body: big.body(), Rate: 40 * mib})
		upstream := throttled(4, throttle.Config{Body: big.body()})
		f := big.metalinkFile(0, metalink.URL{URL: upstream.URL, Priority: fixtures.Priority(20)},
			metalink.URL{URL: a.URL, Priority: fixtures.Priority(10)}, metalink.URL{URL: b.URL, Priority: fixtures.Priority(10)})
		Expect(download.File(ctx, f, dir, opts)).To(Succeed())
		Expect(upstream.Requests()).To(BeZero())
		Expect(a.Requests()).NotTo(BeZero())
		Expect(b.Requests()).NotTo(BeZero())
	})

	It("carries on without a mirror that dies mid-range, keeping the blocks it delivered", func(ctx SpecContext) {
		good := throttled(2, throttle.Config{Body: big.body(), Rate: 40 * mib})
		// Three whole blocks and a part of the fourth: it dies however the
		// file is shared out.
		dying := throttled(3, throttle.Config{Body: big.body(), Rate: 40 * mib, DieAfter: 3*mib + 12345})
		opts.Progress = report
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(good, dying)...), dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		Expect(report).To(gbytes.Say(`big.bin: ` + dying.URL + ` failed: `))
		// Its whole blocks count in the file: nothing it delivered was
		// thrown away and fetched again. (The bytes the servers sent are no
		// measure of that: an abandoned stream's socket buffers and lost
		// races add to them, more the busier the machine.)
		Expect(report).To(gbytes.Say(`served by ` + good.URL + ` \([0-9.]+ MiB\), ` + dying.URL + ` \([1-9][0-9.]* MiB\)`))
	})

	It("moves to the next priority class when the whole best class fails, keeping the bytes it has", func(ctx SpecContext) {
		a := throttled(2, throttle.Config{Body: big.body(), Rate: 40 * mib, DieAfter: 10 * mib})
		b := throttled(3, throttle.Config{Body: big.body(), Rate: 40 * mib, DieAfter: 10 * mib})
		fallback := throttled(4, throttle.Config{Body: big.body()})
		f := big.metalinkFile(0, metalink.URL{URL: a.URL, Priority: fixtures.Priority(1)}, metalink.URL{URL: b.URL, Priority: fixtures.Priority(1)},
			metalink.URL{URL: fallback.URL, Priority: fixtures.Priority(2)})
		Expect(download.File(ctx, f, dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		Expect(fallback.Sent()).To(BeNumerically("<", segmentedSize-8*mib))
	})

	It("drops a mirror that stalls, and its range goes to the others", func(ctx SpecContext) {
		good := throttled(2, throttle.Config{Body: big.body(), Rate: 40 * mib})
		stalled := throttled(3, throttle.Config{Body: big.body(), StallAfter: 100 << 10})
		opts.Reader = transfer.Router{&transfer.HTTP{Client: transfer.NewHTTP(network.Default().HTTP).Client, StallTimeout: 300 * time.Millisecond}}
		opts.Retries = 1
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(stalled, good)...), dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		Expect(stalled.Sent()).To(BeNumerically("<=", int64(stalled.Requests())*100<<10))
	})

	It("leaves out a server that ignores Range, rather than have it send the file again per block", func(ctx SpecContext) {
		plain := throttled(2, throttle.Config{Body: big.body(), IgnoreRange: true, Rate: 40 * mib})
		ranged := throttled(3, throttle.Config{Body: big.body(), Rate: 40 * mib})
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(plain, ranged)...), dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		// Discarding the bytes before each block would have it send several
		// times the file; what it sent beyond its share is what was in
		// flight when its connection was closed.
		Expect(plain.Sent()).To(BeNumerically("<", segmentedSize+4*mib))
		Expect(report).To(gbytes.Say(`ignores Range requests`))
	})

	It("reads a file whose only server ignores Range as one stream", func(ctx SpecContext) {
		plain := throttled(2, throttle.Config{Body: big.body(), IgnoreRange: true, Rate: 80 * mib})
		opts.Segments.PerServer = 4
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(plain)...), dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		Expect(report).To(gbytes.Say(`ignores Range requests`))
		Expect(report).To(gbytes.Say(`fetching it again from one URL at a time, as one stream each`))
	})

	Describe("a mirror that serves a corrupt byte", func() {
		It("is dropped at its bad piece when the metalink has pieces, and the file still verifies", func(ctx SpecContext) {
			good := throttled(2, throttle.Config{Body: big.body(), Rate: 40 * mib})
			corrupt := throttled(3, throttle.Config{Body: big.corrupt(), Rate: 40 * mib})
			Expect(download.File(ctx, big.metalinkFile(256<<10, urlsOf(corrupt, good)...), dir, opts)).To(Succeed())
			Expect(fetched()).To(Equal(big.bytes()))
			Expect(report).To(gbytes.Say(`big.bin: ` + corrupt.URL + ` failed: sha-1 piece \d+ mismatch`))
			Expect(report).To(gbytes.Say(`big.bin: 160 sha-1 pieces ok`))
			Expect(strings.Count(string(report.Contents()), "failed")).To(Equal(1), "one line for the mirror")
			Expect(string(report.Contents())).NotTo(ContainSubstring("again"), "no whole-file fallback")
		})

		It("makes the file be fetched again one URL at a time when there are no pieces", func(ctx SpecContext) {
			good := throttled(2, throttle.Config{Body: big.body(), Rate: 40 * mib})
			corrupt := throttled(3, throttle.Config{Body: big.corrupt(), Rate: 40 * mib})
			f := big.metalinkFile(0, metalink.URL{URL: good.URL, Priority: fixtures.Priority(1)}, metalink.URL{URL: corrupt.URL, Priority: fixtures.Priority(1)})
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(fetched()).To(Equal(big.bytes()))
			Expect(report).To(gbytes.Say(`sha-256 mismatch: expected [0-9a-f]+, got [0-9a-f]+ after a download from several mirrors at once; fetching it again from one URL at a time`))
		})

		It("never promotes the partial file when every mirror is corrupt", func(ctx SpecContext) {
			a := throttled(2, throttle.Config{Body: throttle.Flip(big.body(), 7), Rate: 40 * mib})
			b := throttled(3, throttle.Config{Body: throttle.Flip(big.body(), 7), Rate: 40 * mib})
			err := download.File(ctx, big.metalinkFile(0, urlsOf(a, b)...), dir, opts)
			Expect(err).To(MatchError(ContainSubstring("sha-256 mismatch")))
			Expect(strings.Count(err.Error(), "\n")).To(BeZero())
			Expect(dirEntries(dir)).To(BeEmpty())
		})
	})

	It("feeds a sink's writers in file order", func(ctx SpecContext) {
		a := throttled(2, throttle.Config{Body: big.body(), Rate: 40 * mib})
		b := throttled(3, throttle.Config{Body: big.body(), Rate: 20 * mib})
		sink := &recordingSink{}
		_, err := download.Stream(ctx, big.metalinkFile(0, urlsOf(a, b)...), sink, opts)
		Expect(err).NotTo(HaveOccurred())
		Expect(sink.attempts).To(HaveLen(1))
		Expect(bytes.Equal(sink.attempts[0][0].Bytes(), big.bytes())).To(BeTrue())
		Expect(bytes.Equal(sink.attempts[0][1].Bytes(), big.bytes())).To(BeTrue())
	})

	It("leaves nothing under the final name when SIGTERM ends it mid-transfer", func(ctx SpecContext) {
		a := throttled(2, throttle.Config{Body: big.body(), Rate: 4 * mib})
		b := throttled(3, throttle.Config{Body: big.body(), Rate: 4 * mib})
		sum := sha256.Sum256(big.bytes())
		child := segmentedChild([]string{a.URL, b.URL}, hex.EncodeToString(sum[:]), big.size, 1, dir)
		output := gbytes.NewBuffer()
		child.Stdout, child.Stderr = output, output
		Expect(child.Start()).To(Succeed())
		exited := make(chan error, 1)
		go func() { exited <- child.Wait() }()
		DeferCleanup(func() { _ = child.Process.Kill() })
		Eventually(func() []string { return dirEntries(dir) }).Should(ConsistOf(MatchRegexp(`^\.bench\.bin\.partial-\d+$`)))
		Eventually(a.Sent).Should(BeNumerically(">", mib))
		Expect(child.Process.Signal(syscall.SIGTERM)).To(Succeed())
		Eventually(exited).WithTimeout(5 * time.Second).Should(Receive(HaveOccurred()))
		Expect(output).To(gbytes.Say("download bench.bin: terminated signal received"))
		Expect(dirEntries(dir)).To(BeEmpty())
	})

	It("stops at once when the context ends, leaving nothing", func(ctx SpecContext) {
		a := throttled(2, throttle.Config{Body: big.body(), Rate: 4 * mib})
		b := throttled(3, throttle.Config{Body: big.body(), Rate: 4 * mib})
		cancelled, cancel := context.WithCancel(ctx)
		time.AfterFunc(300*time.Millisecond, cancel)
		err := download.File(cancelled, big.metalinkFile(0, urlsOf(a, b)...), dir, opts)
		Expect(errors.Is(err, context.Canceled)).To(BeTrue())
		Expect(dirEntries(dir)).To(BeEmpty())
	})
})
