package download_test

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

const mib = 1 << 20

// dirEntries lists every file and directory under dir, relative to it.
func dirEntries(dir string) []string {
	var names []string
	Expect(filepath.WalkDir(dir, func(path string, _ os.DirEntry, err error) error {
		Expect(err).NotTo(HaveOccurred())
		if path != dir {
			rel, _ := filepath.Rel(dir, path)
			names = append(names, rel)
		}
		return nil
	})).To(Succeed())
	return names
}

var _ = Describe("downloading a file", func() {
	var (
		content []byte
		dir     string
		report  *gbytes.Buffer
		opts    download.Options
	)

	BeforeEach(func() {
		content = fixtures.RandomBytes(3*mib+12345, 1)
		dir = GinkgoT().TempDir()
		report = gbytes.NewBuffer()
		opts = download.Options{
			Report:  report,
			Backoff: func(int) time.Duration { return time.Millisecond },
		}
	})

	It("streams a good mirror to its final name and reports what it verified", func(ctx SpecContext) {
		good := startMirror(nil, "good", serving(content))
		err := download.File(ctx, fileFor("go.tgz", content, metalink.URL{URL: good.url("/go.tgz")}), dir, opts)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.ReadFile(filepath.Join(dir, "go.tgz"))).To(Equal(content))
		Expect(dirEntries(dir)).To(Equal([]string{"go.tgz"}))
		Expect(string(report.Contents())).To(Equal(fmt.Sprintf("go.tgz: size %d bytes ok\ngo.tgz: sha-512 ok\n", len(content))))
		info, err := os.Stat(filepath.Join(dir, "go.tgz"))
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o644)))
	})

	It("creates sub-directories for names with a slash, inside the destination", func(ctx SpecContext) {
		good := startMirror(nil, "good", serving(content))
		err := download.File(ctx, fileFor("linux/amd64/go.tgz", content, metalink.URL{URL: good.url("/go.tgz")}), dir, opts)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.ReadFile(filepath.Join(dir, "linux", "amd64", "go.tgz"))).To(Equal(content))
	})

	It("refuses a name that leaves the destination, before any request", func(ctx SpecContext) {
		good := startMirror(nil, "good", serving(content))
		err := download.File(ctx, fileFor("../go.tgz", content, metalink.URL{URL: good.url("/go.tgz")}), dir, opts)
		Expect(err).To(MatchError(`download ../go.tgz: file name "../go.tgz" is not a relative path inside the destination`))
		Expect(good.requests.Load()).To(BeZero())
	})

	It("reads file:// URLs", func(ctx SpecContext) {
		source := filepath.Join(GinkgoT().TempDir(), "source.bin")
		Expect(os.WriteFile(source, content, 0o600)).To(Succeed())
		Expect(download.File(ctx, fileFor("go.tgz", content, metalink.URL{URL: "file://" + source}), dir, opts)).To(Succeed())
		Expect(os.ReadFile(filepath.Join(dir, "go.tgz"))).To(Equal(content))
	})

	It("accepts a hash written in upper-case hex", func(ctx SpecContext) {
		good := startMirror(nil, "good", serving(content))
		f := fileFor("go.tgz", content, metalink.URL{URL: good.url("/go.tgz")})
		f.Hashes[0].Hash = strings.ToUpper(f.Hashes[0].Hash)
		Expect(download.File(ctx, f, dir, opts)).To(Succeed())
	})

	Describe("choosing mirrors", func() {
		It("tries URLs by priority, unnumbered ones last, until one works", func(ctx SpecContext) {
			hits := &hitLog{}
			third := startMirror(hits, "priority 3", failing(http.StatusNotFound))
			first := startMirror(hits, "priority 1", failing(http.StatusForbidden))
			last := startMirror(hits, "no priority", serving(content))
			second := startMirror(hits, "priority 2", failing(http.StatusGone))
			f := fileFor("go.tgz", content,
				metalink.URL{URL: third.url("/go.tgz"), Priority: fixtures.Priority(3)},
				metalink.URL{URL: last.url("/go.tgz")},
				metalink.URL{URL: first.url("/go.tgz"), Priority: fixtures.Priority(1)},
				metalink.URL{URL: second.url("/go.tgz"), Priority: fixtures.Priority(2)})
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(hits.all()).To(Equal([]string{"priority 1", "priority 2", "priority 3", "no priority"}))
			Expect(report).To(gbytes.Say(`go.tgz: http://127.0.0.1:\d+/go.tgz failed: 403 Forbidden\n`))
		})

		It("keeps document order within a priority", func(ctx SpecContext) {
			hits := &hitLog{}
			a := startMirror(hits, "a", failing(http.StatusNotFound))
			b := startMirror(hits, "b", failing(http.StatusNotFound))
			c := startMirror(hits, "c", serving(content))
			f := fileFor("go.tgz", content,
				metalink.URL{URL: a.url("/go.tgz"), Priority: fixtures.Priority(1), Location: "us"},
				metalink.URL{URL: b.url("/go.tgz"), Priority: fixtures.Priority(1), Location: "de"},
				metalink.URL{URL: c.url("/go.tgz"), Priority: fixtures.Priority(1), Location: "de"})
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(hits.all()).To(Equal([]string{"a", "b", "c"}))
		})

		It("skips metaurls with a note", func(ctx SpecContext) {
			good := startMirror(nil, "good", serving(content))
			f := fileFor("go.tgz", content, metalink.URL{URL: good.url("/go.tgz")})
			f.MetaURLs = []metalink.MetaURL{{MediaType: "torrent", URL: "https://user:pw@example.com/go.torrent"}}
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(string(report.Contents())).To(HavePrefix(
				"go.tgz: skipping metaurl https://[redacted]@example.com/go.torrent (torrent): metaurls are not supported\n"))
		})

		It("fails a file with no URL, or metaurls only", func(ctx SpecContext) {
			f := fileFor("go.tgz", content)
			Expect(download.File(ctx, f, dir, opts)).To(MatchError("download go.tgz: no usable URL"))
			f.MetaURLs = []metalink.MetaURL{{MediaType: "torrent", URL: "https://example.com/go.torrent"}}
			Expect(download.File(ctx, f, dir, opts)).To(MatchError("download go.tgz: no usable URL"))
			Expect(dirEntries(dir)).To(BeEmpty())
		})

		It("passes over URLs no handler reads", func(ctx SpecContext) {
			good := startMirror(nil, "good", serving(content))
			f := fileFor("go.tgz", content, metalink.URL{URL: "gopher://example.com/go.tgz"}, metalink.URL{URL: good.url("/go.tgz")})
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(report).To(gbytes.Say(`go.tgz: gopher://example.com/go.tgz failed: unsupported URL scheme "gopher"\n`))
		})
	})

	Describe("when every mirror fails", func() {
		It("names the file and the last error of each URL on one line, and leaves nothing behind", func(ctx SpecContext) {
			missing := startMirror(nil, "missing", failing(http.StatusNotFound))
			corrupt := append([]byte(nil), content...)
			corrupt[len(corrupt)-1] ^= 1
			wrong := startMirror(nil, "wrong", serving(corrupt))
			f := fileFor("go.tgz", content,
				metalink.URL{URL: missing.url("/go.tgz"), Priority: fixtures.Priority(1)},
				metalink.URL{URL: wrong.url("/go.tgz"), Priority: fixtures.Priority(2)})
			err := download.File(ctx, f, dir, opts)
			Expect(err).To(MatchError(fmt.Sprintf("download go.tgz: %s: 404 Not Found; %s: sha-512 mismatch: expected %s, got %s",
				missing.url("/go.tgz"), wrong.url("/go.tgz"), sha512hex(content), sha512hex(corrupt))))
			Expect(strings.Count(err.Error(), "\n")).To(BeZero())
			Expect(dirEntries(dir)).To(BeEmpty())
		})

		It("never shows URL userinfo in the error", func(ctx SpecContext) {
			dead := deadURL("/go.tgz")
			withUser := strings.Replace(dead, "http://", "http://user:s3cret@", 1)
			opts.Retries = -1
			err := download.File(ctx, fileFor("go.tgz", content, metalink.URL{URL: withUser}), dir, opts)
			Expect(err).To(MatchError(ContainSubstring("http://[redacted]@127.0.0.1")))
			Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
			Expect(string(report.Contents())).NotTo(ContainSubstring("s3cret"))
		})
	})

	Describe("transient failures", func() {
		It("moves on from a dead mirror at once, without retrying it", func(ctx SpecContext) {
			good := startMirror(nil, "good", serving(content))
			var waits []int
			opts.Backoff = func(retry int) time.Duration {
				waits = append(waits, retry)
				return time.Millisecond
			}
			f := fileFor("go.tgz", content, metalink.URL{URL: deadURL("/go.tgz"), Priority: fixtures.Priority(1)}, metalink.URL{URL: good.url("/go.tgz"), Priority: fixtures.Priority(2)})
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(waits).To(BeEmpty())
			Expect(report).To(gbytes.Say(`connection refused`))
			Expect(os.ReadFile(filepath.Join(dir, "go.tgz"))).To(Equal(content))
		})

		It("retries a mirror that answers 500 once, and succeeds there", func(ctx SpecContext) {
			flaky := startMirror(nil, "flaky", func(m *mirror, n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					w.WriteHeader(http.StatusInternalServerError)
					return
				}
				serving(content)(m, n, w, r)
			})
			Expect(download.File(ctx, fileFor("go.tgz", content, metalink.URL{URL: flaky.url("/go.tgz")}), dir, opts)).To(Succeed())
			Expect(flaky.requests.Load()).To(Equal(int32(2)))
			Expect(report).To(gbytes.Say(`500 Internal Server Error; retry 1 of 3 in 1ms from byte 0\n`))
			Expect(os.ReadFile(filepath.Join(dir, "go.tgz"))).To(Equal(content))
		})

		It("resumes a cut connection with a Range request, without fetching bytes again", func(ctx SpecContext) {
			const cut = mib + 4321
			resumable := startMirror(nil, "resumable", cutting(content, cut))
			Expect(download.File(ctx, fileFor("go.tgz", content, metalink.URL{URL: resumable.url("/go.tgz")}), dir, opts)).To(Succeed())
			Expect(resumable.rangeHeaders()).To(Equal([]string{"", "bytes=" + strconv.Itoa(cut) + "-"}))
			Expect(resumable.settledSent()).To(Equal(int64(len(content))), "every byte crossed the network once")
			Expect(os.ReadFile(filepath.Join(dir, "go.tgz"))).To(Equal(content))
			Expect(report).To(gbytes.Say(`sha-512 ok`))
		})

		It("resumes with pieces verified across the cut", func(ctx SpecContext) {
			resumable := startMirror(nil, "resumable", cutting(content, mib/2+17))
			f := fileFor("go.tgz", content, metalink.URL{URL: resumable.url("/go.tgz")})
			f.Pieces = []metalink.Pieces{{Type: "sha-1", Length: 256 << 10, Hashes: sha1Pieces(content, 256<<10)}}
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(report).To(gbytes.Say(`go.tgz: 13 sha-1 pieces ok`))
		})

		It("gives up on a stalled mirror after its retries and takes the next", func(ctx SpecContext) {
			stalled := startMirror(nil, "stalled", stalling(content, 1000))
			good := startMirror(nil, "good", serving(content))
			opts.Reader = transfer.Router{&transfer.HTTP{Client: transfer.NewHTTP(network.Default().HTTP).Client, StallTimeout: 100 * time.Millisecond}}
			opts.Retries = 1
			f := fileFor("go.tgz", content, metalink.URL{URL: stalled.url("/go.tgz"), Priority: fixtures.Priority(1)}, metalink.URL{URL: good.url("/go.tgz"), Priority: fixtures.Priority(2)})
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(stalled.rangeHeaders()).To(Equal([]string{"", "bytes=1000-"}))
			Expect(report).To(gbytes.Say(`go.tgz: http://127.0.0.1:\d+/go.tgz: no data received for 100ms; retry 1 of 1 in 1ms from byte 1000\n`))
			Expect(os.ReadFile(filepath.Join(dir, "go.tgz"))).To(Equal(content))
		})

		It("stops at once when the context ends, leaving nothing", func(ctx SpecContext) {
			stalled := startMirror(nil, "stalled", stalling(content, 1000))
			cancelled, cancel := context.WithCancel(ctx)
			go func() {
				// Once the transfer is under way, however busy the machine.
				for stalled.requests.Load() == 0 && cancelled.Err() == nil {
					time.Sleep(time.Millisecond)
				}
				time.Sleep(50 * time.Millisecond)
				cancel()
			}()
			err := download.File(cancelled, fileFor("go.tgz", content, metalink.URL{URL: stalled.url("/go.tgz")}, metalink.URL{URL: stalled.url("/other")}), dir, opts)
			Expect(errors.Is(err, context.Canceled)).To(BeTrue())
			Expect(stalled.requests.Load()).To(Equal(int32(1)))
			Expect(dirEntries(dir)).To(BeEmpty())
		})
	})

	Describe("corrupt mirrors", func() {
		It("abandons a mirror whose size announcement is wrong before it sends the file", func(ctx SpecContext) {
			longer := startMirror(nil, "longer", trickling(append(bytes.Clone(content), "extra"...), 256<<10, 20*time.Millisecond))
			good := startMirror(nil, "good", serving(content))
			f := fileFor("go.tgz", content, metalink.URL{URL: longer.url("/go.tgz"), Priority: fixtures.Priority(1)}, metalink.URL{URL: good.url("/go.tgz"), Priority: fixtures.Priority(2)})
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(report).To(gbytes.Say(fmt.Sprintf(`failed: size mismatch: expected %d bytes, the server announced %d\n`, len(content), len(content)+5)))
			Expect(longer.settledSent()).To(BeNumerically("<", len(content)/2))
		})

		It("moves on from a whole-file hash mismatch and starts over from zero", func(ctx SpecContext) {
			corrupt := append([]byte(nil), content...)
			corrupt[mib] ^= 1
			bad := startMirror(nil, "bad", serving(corrupt))
			good := startMirror(nil, "good", serving(content))
			f := fileFor("go.tgz", content, metalink.URL{URL: bad.url("/go.tgz"), Priority: fixtures.Priority(1)}, metalink.URL{URL: good.url("/go.tgz"), Priority: fixtures.Priority(2)})
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(report).To(gbytes.Say(`failed: sha-512 mismatch: expected`))
			Expect(good.rangeHeaders()).To(Equal([]string{""}))
			Expect(os.ReadFile(filepath.Join(dir, "go.tgz"))).To(Equal(content))
		})

		It("abandons a mirror early at the first bad piece", func(ctx SpecContext) {
			const size = 64 * mib
			block := fixtures.RandomBytes(mib, 2)
			whole := sha512.New()
			for range size / mib {
				whole.Write(block)
			}
			serveBlocks := func(corruptFirst bool) func(*mirror, int, http.ResponseWriter, *http.Request) {
				return func(_ *mirror, _ int, w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Length", strconv.Itoa(size))
					first := block
					if corruptFirst {
						first = append([]byte(nil), block...)
						first[100] ^= 1
					}
					if _, err := w.Write(first); err != nil {
						return
					}
					for range size/mib - 1 {
						if _, err := w.Write(block); err != nil {
							return
						}
					}
				}
			}
			bad := startMirror(nil, "bad", serveBlocks(true))
			good := startMirror(nil, "good", serveBlocks(false))
			f := metalink.File{
				Name:   "big.bin",
				Size:   size,
				Hashes: []metalink.Hash{{Type: "sha-512", Hash: hex.EncodeToString(whole.Sum(nil))}},
				Pieces: []metalink.Pieces{{Type: "sha-1", Length: mib, Hashes: repeat(sha1Pieces(block, mib)[0], size/mib)}},
				URLs:   []metalink.URL{{URL: bad.url("/big.bin"), Priority: fixtures.Priority(1)}, {URL: good.url("/big.bin"), Priority: fixtures.Priority(2)}},
			}
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(report).To(gbytes.Say(`failed: sha-1 piece 0 mismatch: expected`))
			Expect(bad.settledSent()).To(BeNumerically("<", size/2), "the corrupt mirror was left long before its end")
			Expect(good.settledSent()).To(Equal(int64(size)))
		})
	})

	Describe("hash rules", func() {
		It("fails a file whose hashes are all of unknown types before any request", func(ctx SpecContext) {
			good := startMirror(nil, "good", serving(content))
			f := fileFor("go.tgz", content, metalink.URL{URL: good.url("/go.tgz")})
			f.Hashes = []metalink.Hash{{Type: "sha3-512", Hash: "00"}}
			Expect(download.File(ctx, f, dir, opts)).To(MatchError(HavePrefix(`download go.tgz: no supported hash type among "sha3-512"`)))
			Expect(good.requests.Load()).To(BeZero())
			opts.Verify.SkipHash = true
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
		})

		It("downloads a file without any hash, with a warning", func(ctx SpecContext) {
			good := startMirror(nil, "good", serving(content))
			f := metalink.File{Name: "go.tgz", URLs: []metalink.URL{{URL: good.url("/go.tgz")}}}
			Expect(download.File(ctx, f, dir, opts)).To(Succeed())
			Expect(string(report.Contents())).To(Equal("go.tgz: warning: the metalink gives no hash, the bytes are not verified\n"))
		})
	})

	Describe("signatures", func() {
		var signer, stranger *openpgp.Entity

		BeforeEach(func() {
			var err error
			signer, err = openpgp.NewEntity("Release Team", "", "release@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
			Expect(err).NotTo(HaveOccurred())
			stranger, err = openpgp.NewEntity("Stranger", "", "stranger@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
			Expect(err).NotTo(HaveOccurred())
		})

		signed := func(key *openpgp.Entity, f metalink.File) metalink.File {
			var sig bytes.Buffer
			Expect(openpgp.ArmoredDetachSign(&sig, key, bytes.NewReader(content), nil)).To(Succeed())
			f.Signatures = []metalink.Signature{{MediaType: "application/pgp-signature", Signature: sig.String()}}
			return f
		}

		It("verifies a good signature by a trusted key", func(ctx SpecContext) {
			good := startMirror(nil, "good", serving(content))
			opts.Verify.Trust.PGP = openpgp.EntityList{signer}
			Expect(download.File(ctx, signed(signer, fileFor("go.tgz", content, metalink.URL{URL: good.url("/go.tgz")})), dir, opts)).To(Succeed())
			Expect(report).To(gbytes.Say("go.tgz: pgp signature by " + signer.PrimaryKey.KeyIdString() + ` Release Team <release@example.com> ok\n`))
		})

		It("moves on from bytes the signature does not cover", func(ctx SpecContext) {
			tampered := startMirror(nil, "tampered", serving(append([]byte("evil"), content[4:]...)))
			good := startMirror(nil, "good", serving(content))
			f := metalink.File{Name: "go.tgz", URLs: []metalink.URL{{URL: tampered.url("/go.tgz"), Priority: fixtures.Priority(1)}, {URL: good.url("/go.tgz"), Priority: fixtures.Priority(2)}}}
			opts.Verify.Trust.PGP = openpgp.EntityList{signer}
			Expect(download.File(ctx, signed(signer, f), dir, opts)).To(Succeed())
			Expect(report).To(gbytes.Say(`go.tgz: http://127.0.0.1:\d+/go.tgz failed: pgp signature does not match the file`))
			Expect(os.ReadFile(filepath.Join(dir, "go.tgz"))).To(Equal(content))
		})

		It("refuses a signature by an untrusted key before any request", func(ctx SpecContext) {
			good := startMirror(nil, "good", serving(content))
			opts.Verify.Trust.PGP = openpgp.EntityList{signer}
			err := download.File(ctx, signed(stranger, fileFor("go.tgz", content, metalink.URL{URL: good.url("/go.tgz")})), dir, opts)
			Expect(err).To(MatchError(ContainSubstring("which is not in the signature trust store")))
			Expect(good.requests.Load()).To(BeZero())
			Expect(dirEntries(dir)).To(BeEmpty())
		})

		It("refuses a signed file when no trust store is configured", func(ctx SpecContext) {
			good := startMirror(nil, "good", serving(content))
			err := download.File(ctx, signed(signer, fileFor("go.tgz", content, metalink.URL{URL: good.url("/go.tgz")})), dir, opts)
			Expect(err).To(MatchError(ContainSubstring("no signature_trust_store is configured")))
		})
	})

	Describe("the destination", func() {
		It("never shows the final name before the file is verified", func(ctx SpecContext) {
			slow := startMirror(nil, "slow", trickling(content, 256<<10, 20*time.Millisecond))
			done := make(chan error, 1)
			go func() {
				done <- download.File(ctx, fileFor("go.tgz", content, metalink.URL{URL: slow.url("/go.tgz")}), dir, opts)
			}()
			Eventually(func() []string { return dirEntries(dir) }).Should(ConsistOf(MatchRegexp(`^\.go\.tgz\.partial-\d+$`)))
			Consistently(func() []string { return dirEntries(dir) }, 100*time.Millisecond, 10*time.Millisecond).
				ShouldNot(ContainElement("go.tgz"))
			Eventually(done).Should(Receive(BeNil()))
			Expect(dirEntries(dir)).To(Equal([]string{"go.tgz"}))
		})

		It("replaces an older file of the same name only once verified", func(ctx SpecContext) {
			Expect(os.WriteFile(filepath.Join(dir, "go.tgz"), []byte("old"), 0o644)).To(Succeed())
			bad := startMirror(nil, "bad", serving(fixtures.RandomBytes(len(content), 9)))
			Expect(download.File(ctx, fileFor("go.tgz", content, metalink.URL{URL: bad.url("/go.tgz")}), dir, opts)).NotTo(Succeed())
			Expect(os.ReadFile(filepath.Join(dir, "go.tgz"))).To(Equal([]byte("old")))
			good := startMirror(nil, "good", serving(content))
			Expect(download.File(ctx, fileFor("go.tgz", content, metalink.URL{URL: good.url("/go.tgz")}), dir, opts)).To(Succeed())
			Expect(os.ReadFile(filepath.Join(dir, "go.tgz"))).To(Equal(content))
		})

		It("stops without trying other mirrors when the local file cannot be written", func(ctx SpecContext) {
			Expect(os.MkdirAll(filepath.Join(dir, "go.tgz", "in-the-way"), 0o755)).To(Succeed())
			first := startMirror(nil, "first", serving(content))
			second := startMirror(nil, "second", serving(content))
			f := fileFor("go.tgz", content, metalink.URL{URL: first.url("/go.tgz"), Priority: fixtures.Priority(1)}, metalink.URL{URL: second.url("/go.tgz"), Priority: fixtures.Priority(2)})
			Expect(download.File(ctx, f, dir, opts)).To(MatchError(ContainSubstring("download go.tgz: local file: rename")))
			Expect(second.requests.Load()).To(BeZero())
			Expect(dirEntries(dir)).To(ConsistOf("go.tgz", filepath.Join("go.tgz", "in-the-way")))
		})
	})

	It("prints no progress line for a mirror retried before its first byte", func(ctx SpecContext) {
		flaky := startMirror(nil, "flaky", func(m *mirror, n int, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			serving(content)(m, n, w, r)
		})
		progressOut := gbytes.NewBuffer()
		opts.Progress, opts.ProgressInterval = progressOut, 10*time.Millisecond
		opts.Backoff = func(int) time.Duration { return 100 * time.Millisecond }
		Expect(download.File(ctx, fileFor("go.tgz", content, metalink.URL{URL: flaky.url("/go.tgz")}), dir, opts)).To(Succeed())
		Expect(string(progressOut.Contents())).NotTo(ContainSubstring("0 B / "))
		Expect(string(progressOut.Contents())).To(HaveSuffix("served by " + flaky.url("/go.tgz") + "\n"))
	})

	It("prints progress lines while a slow mirror sends, and a final line", func(ctx SpecContext) {
		slow := startMirror(nil, "slow", trickling(content, 256<<10, 20*time.Millisecond))
		progressOut := gbytes.NewBuffer()
		opts.Progress = progressOut
		opts.ProgressInterval = 50 * time.Millisecond
		Expect(download.File(ctx, fileFor("go.tgz", content, metalink.URL{URL: slow.url("/go.tgz")}), dir, opts)).To(Succeed())
		lines := strings.Split(strings.TrimSuffix(string(progressOut.Contents()), "\n"), "\n")
		Expect(len(lines)).To(BeNumerically(">=", 3))
		last := len(lines) - 1
		for _, line := range lines[:last] {
			Expect(line).To(MatchRegexp(`^go\.tgz: [0-9.]+ (B|KiB|MiB) / 3\.0 MiB \(\d+%\) [0-9.]+ (B|KiB|MiB)/s$`))
		}
		Expect(lines[last]).To(MatchRegexp(`^go\.tgz: 3\.0 MiB / 3\.0 MiB \(100%\) [0-9.]+ (B|KiB|MiB)/s, served by ` + slow.url("/go.tgz") + `$`))
		Expect(string(progressOut.Contents())).NotTo(ContainSubstring("\r"))
	})
})

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
