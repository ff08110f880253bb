package download_test

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/throttle"
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
		big = bigFile{block: randomBytes(mib+7, 11), size: segmentedSize}
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
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(mirrors...)...), dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		for _, m := range mirrors {
			Expect(m.Sent()).To(BeNumerically(">", segmentedSize/8), "each mirror sent a fair share")
		}
		Expect(report).To(gbytes.Say(`big.bin: sha-256 ok`))
	})
})

var _ = strings.Contains
var _ = sha1.New
var _ = context.Background
