package download_test

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/throttle"
)

var _ = Describe("a mirror that says it is busy (503 or 429 with Retry-After)", func() {
	var (
		small  bigFile
		dir    string
		report *gbytes.Buffer
		opts   download.Options
	)

	BeforeEach(func() {
		small = bigFile{block: fixtures.RandomBytes(64<<10, 5), size: 1 << 20}
		dir = GinkgoT().TempDir()
		report = gbytes.NewBuffer()
		// No retries for failures: only the pauses a server asks for bring
		// it back.
		opts = download.Options{Report: report, Retries: -1}
	})

	fetched := func() []byte {
		got, err := os.ReadFile(filepath.Join(dir, "big.bin"))
		Expect(err).NotTo(HaveOccurred())
		return got
	}

	It("is waited for as it asks, without using up the retries, and serves the file", func(ctx SpecContext) {
		busy := throttled(2, throttle.Config{Body: small.body(), BusyFirst: 2, RetryAfter: 1})
		started := time.Now()
		Expect(download.File(ctx, small.metalinkFile(0, urlsOf(busy)...), dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(small.bytes()))
		Expect(busy.Refused()).To(Equal(2))
		Expect(time.Since(started)).To(BeNumerically(">=", 2*time.Second), "it waited the two pauses it was asked for")
		Expect(report).To(gbytes.Say(busy.URL + `: 503 Service Unavailable; retry as asked in 1s from byte 0`))
	})

	It("is left for the next URL when the pause it asks for is longer than a minute", func(ctx SpecContext) {
		busy := throttled(2, throttle.Config{Body: small.body(), BusyFirst: 100, RetryAfter: 3600})
		good := throttled(3, throttle.Config{Body: small.body()})
		f := small.metalinkFile(0, metalink.URL{URL: busy.URL, Priority: fixtures.Priority(1)}, metalink.URL{URL: good.URL, Priority: fixtures.Priority(2)})
		Expect(download.File(ctx, f, dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(small.bytes()))
		Expect(busy.Refused()).To(Equal(1), "asked once, then left")
		Expect(report).To(gbytes.Say(busy.URL + ` failed: 503 Service Unavailable \(asked to wait 1h0m0s\)`))
	})

	It("keeps its share of a segmented download after a pause", func(ctx SpecContext) {
		big := bigFile{block: fixtures.RandomBytes(mib+7, 13), size: segmentedSize}
		busy := throttled(2, throttle.Config{Body: big.body(), Rate: 20 * mib, BusyFirst: 1, RetryAfter: 1})
		calm := throttled(3, throttle.Config{Body: big.body(), Rate: 10 * mib})
		opts.Progress = report
		Expect(download.File(ctx, big.metalinkFile(0, urlsOf(busy, calm)...), dir, opts)).To(Succeed())
		Expect(fetched()).To(Equal(big.bytes()))
		Expect(busy.Refused()).To(Equal(1))
		Expect(report).To(gbytes.Say(`served by ` + busy.URL + ` \([1-9][0-9.]* MiB\), ` + calm.URL))
	})
})
